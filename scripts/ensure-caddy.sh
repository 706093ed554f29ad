#!/usr/bin/env bash
# The proxy test (tests/test_caddy_proxy.py) runs Debian's caddy. Install it when missing.
# Without it that test skips and says why (FRISTAD_REQUIRE_SERVICES=1 fails instead).
#
# Debian's package enables a caddy.service that serves /etc/caddy/Caddyfile on port 80.
# On a machine that runs systemd (a developer's laptop) that would take port 80 for a
# test tool, so the service is stopped and disabled right after the install. In a
# container without systemd the package starts nothing (policy-rc.d / no init).
set -u
if [ -x /usr/bin/caddy ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "No /usr/bin/caddy and no apt-get: the Caddy proxy test will be skipped."
  exit 0
fi
if [ "$(id -u)" = "0" ]; then
  SUDO=""
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  SUDO="sudo"
else
  echo "No /usr/bin/caddy and no root to install it (apt-get install caddy): the Caddy proxy test will be skipped."
  exit 0
fi
echo "Installing Debian's caddy for the proxy test…"
if ! ($SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq caddy >/dev/null 2>&1); then
  echo "Could not install caddy; the Caddy proxy test will be skipped."
  exit 0
fi
# Only when systemd runs: stop the package's own service, and keep it from starting at boot.
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
  $SUDO systemctl disable --now caddy.service >/dev/null 2>&1 || true
fi
exit 0
