#!/usr/bin/env bash
# Starts a Docker engine (vfs storage driver: works inside containers and sandboxes) unless one
# already answers, and waits until it does. `docker-engine.sh status` only reports.
set -euo pipefail
SOCK=${DOCKER_SOCK:-/var/run/docker.sock}

answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

case "${1:-start}" in
  status)
    if answers; then echo "docker engine: $(docker version --format '{{.Server.Version}}')"; else echo "docker engine: none"; exit 1; fi ;;
  start)
    if answers; then echo "docker engine: already running"; exit 0; fi
    command -v dockerd >/dev/null || { echo "docker-engine: dockerd is not installed (scripts/setup.sh --test installs it)" >&2; exit 1; }
    # A dockerd ended without cleaning up (a killed session) leaves pid files behind, and a new
    # dockerd refuses to start while they name a process that is gone.
    for pidfile in /var/run/docker.pid /var/run/docker/containerd/containerd.pid; do
      if [ -f "$pidfile" ] && ! kill -0 "$(cat "$pidfile" 2>/dev/null)" 2>/dev/null; then
        rm -f "$pidfile"
      fi
    done
    echo "docker engine: starting dockerd --storage-driver=vfs"
    mkdir -p /var/log
    nohup dockerd --storage-driver=vfs >/var/log/deploycheck-dockerd.log 2>&1 &
    for _ in $(seq 1 60); do
      if [ -S "$SOCK" ] && answers; then echo "docker engine: ready"; exit 0; fi
      sleep 1
    done
    echo "docker-engine: dockerd did not answer within 60 s; last lines of its log:" >&2
    tail -n 20 /var/log/deploycheck-dockerd.log >&2 || true
    exit 1 ;;
  *) echo "usage: $0 [start|status]" >&2; exit 2 ;;
esac
