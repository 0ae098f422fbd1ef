#!/usr/bin/env bash
# Installs what deploycheck and its test suite need on a fresh Debian bookworm machine (as root,
# or with sudo). Safe to run again: every step checks first.
#   scripts/setup.sh          the tool itself
#   scripts/setup.sh --test   the tool, the test dependencies, the Docker engine (started), Go
#                             with Gin from Debian's packages, nginx, openssl and testssl.sh
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

PY=${PYTHON:-python3}
VENV=${VENV:-.venv}
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
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# A virtual environment of the project's own: it works the same where the system Python is
# "externally managed" (Debian's PEP 668 marker) and keeps the machine's packages out of the tests.
make_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    echo "setup: creating the virtual environment $VENV"
    if ! $PY -m venv "$VENV" 2>/dev/null; then
      apt_install python3-venv
      rm -rf "$VENV"
      $PY -m venv "$VENV"
    fi
  fi
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
}

if [ $want_test -eq 0 ]; then
  make_venv
  echo "setup: installing deploycheck into $VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e .
  exit 0
fi

echo "setup: Debian packages for the tests"
apt_install docker.io golang-go golang-github-gin-gonic-gin-dev golang-github-gin-contrib-cors-dev \
  nginx-light openssl testssl.sh debootstrap skopeo umoci iproute2 procps ca-certificates \
  docker-compose make gcc libc6-dev

make_venv
echo "setup: installing deploycheck with its test dependencies into $VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -e '.[test]'

scripts/docker-engine.sh start
