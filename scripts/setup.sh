#!/usr/bin/env bash
# Installs what deploycheck and its test suite need on a fresh Debian bookworm machine (as root,
# or with sudo). Safe to run again: every step checks first.
#   scripts/setup.sh          the tool itself
#   scripts/setup.sh --test   the tool, the test dependencies and the peer tools
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

PY=${PYTHON:-python3}
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "setup: apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

if [ $want_test -eq 1 ]; then
  echo "setup: installing deploycheck with its test dependencies"
  $PY -m pip install -q --disable-pip-version-check -e '.[test]'
else
  echo "setup: installing deploycheck"
  $PY -m pip install -q --disable-pip-version-check -e .
fi
