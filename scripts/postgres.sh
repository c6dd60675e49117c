#!/usr/bin/env bash
# Start Debian's PostgreSQL for the service's tests (installing it if need be) and make sure the test
# role and database exist; prints the URL the tests read from NAVM_TEST_POSTGRES. Used by ./dev test.
set -euo pipefail
ROLE=navm_test
DB=navm_test
PASSWORD=navm_test
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v pg_lsclusters >/dev/null 2>&1; then
  echo "scripts/postgres.sh: installing PostgreSQL (apt-get)" >&2
  as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >&2
fi
read -r VERSION CLUSTER PORT STATUS _ < <(pg_lsclusters --no-header | head -1)
if [ -z "${VERSION:-}" ]; then
  VERSION=$(ls /usr/lib/postgresql | sort -n | tail -1)
  as_root pg_createcluster "$VERSION" main >&2
  read -r VERSION CLUSTER PORT STATUS _ < <(pg_lsclusters --no-header | head -1)
fi
if [ "$STATUS" != online ]; then
  as_root pg_ctlcluster "$VERSION" "$CLUSTER" start >&2
fi
psql_admin() { (cd / && as_root runuser -u postgres -- psql -p "$PORT" -v ON_ERROR_STOP=1 -qtAX "$@"); }  # from /: postgres may not read the caller's folder
if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != 1 ]; then
  psql_admin -c "CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD'" >&2
fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]; then
  psql_admin -c "CREATE DATABASE $DB OWNER $ROLE" >&2
fi
echo "postgresql://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB"
