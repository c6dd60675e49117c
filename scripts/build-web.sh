#!/usr/bin/env bash
# Builds the dashboard (web/, docs/dashboard.md) into navm/runtime/service/static/, which `navm serve`
# serves at / (navm/runtime/service/routes_dashboard.py).
#
# Installs node and npm from Debian when they are missing (sudo only when not root), then runs
# `npm ci` and `npm run build` in web/. Does nothing when the stamp in the output folder names the
# same hash of web/'s sources and package-lock.json as now.
#   scripts/build-web.sh            build if needed
#   scripts/build-web.sh --force    build anyway
#   scripts/build-web.sh --quiet    print only errors
set -euo pipefail
cd "$(dirname "$0")/.."

WEB=web
OUT=navm/runtime/service/static
STAMP="$OUT/.build-stamp"
FORCE=0
QUIET=0
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    --quiet|-q) QUIET=1 ;;
    *) echo "build-web.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

say() { [ "$QUIET" = 1 ] || echo "build-web: $*"; }

# the hash of everything the bundle is built from (node_modules and the output left out)
sources_hash() {
  (
    cd "$WEB"
    find . -path ./node_modules -prune -o -type f -print | LC_ALL=C sort | while read -r f; do
      printf '%s\n' "$f"
      sha256sum < "$f"
    done
  ) | sha256sum | cut -c1-32
}

HASH="$(sources_hash)"
if [ "$FORCE" = 0 ] && [ -f "$STAMP" ] && [ -f "$OUT/index.html" ] && [ "$(cat "$STAMP")" = "$HASH" ]; then
  say "up to date ($OUT)"
  exit 0
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  say "installing node and npm from Debian"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi

say "npm ci"
if [ "$QUIET" = 1 ]; then
  (cd "$WEB" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  say "npm run build"
  (cd "$WEB" && npm run build --silent >/dev/null)
else
  (cd "$WEB" && npm ci --no-audit --no-fund)
  say "npm run build"
  (cd "$WEB" && npm run build)
fi
printf '%s\n' "$HASH" > "$STAMP"
say "built $OUT"
