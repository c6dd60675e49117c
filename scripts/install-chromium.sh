#!/usr/bin/env bash
# Installs Debian's chromium for the dashboard's browser tests (tests/web/), which drive it through
# Playwright with executable_path=/usr/bin/chromium: Playwright's own browsers are never downloaded.
# Does nothing when /usr/bin/chromium is already there. Uses sudo only when not root.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium >/dev/null
/usr/bin/chromium --version
