#!/usr/bin/env bash
# Browser tests need Debian's chromium and axe-core (from npm). Install what is missing.
# Without them the browser tests skip and say why (CI sets FRISTAD_REQUIRE_BROWSER=1 to fail instead).
set -u
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium for the browser tests…"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || echo "Could not install chromium; the browser tests will be skipped."
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || echo "Could not install chromium; the browser tests will be skipped."
  else
    echo "No /usr/bin/chromium and no root to install it (apt-get install chromium); browser tests will be skipped."
  fi
fi
if [ ! -f node_modules/axe-core/axe.min.js ]; then
  if command -v npm >/dev/null; then
    npm ci --silent --no-audit --no-fund >/dev/null 2>&1 || echo "npm ci failed; the accessibility tests will be skipped."
  else
    echo "No npm: the accessibility (axe-core) tests will be skipped."
  fi
fi
exit 0
