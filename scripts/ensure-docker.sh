#!/usr/bin/env bash
# ensure-docker.sh - make sure a Docker engine answers on this machine.
# Idempotent: exits 0 immediately when `docker info` already works.
# Otherwise (root only) installs docker.io/debootstrap if missing and starts
# dockerd in the background, waiting up to ${KWHISK_DOCKER_WAIT:-60}s.
set -euo pipefail

WAIT="${KWHISK_DOCKER_WAIT:-60}"
LOG="${KWHISK_DOCKERD_LOG:-/var/log/kwhisk-dockerd.log}"

log() { echo "ensure-docker: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  exit 0
fi

is_root() { [ "$(id -u)" -eq 0 ]; }

# 1. Install packages if needed.
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ "${#missing[@]}" -gt 0 ]; then
  is_root || die "missing ${missing[*]}; run as root (or: sudo apt-get install -y ${missing[*]})"
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get to install them"
  log "installing ${missing[*]} ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q "${missing[@]}" >/dev/null
fi
command -v docker >/dev/null 2>&1 || die "docker CLI not found after install"

SOCK=/var/run/docker.sock
if ! is_root && [ -S "$SOCK" ] && [ ! -w "$SOCK" ]; then
  die "cannot use $SOCK as $(id -un); add the user to group 'docker' (then log in again) or run as root"
fi

# 2. Start dockerd unless one is already starting/running.
if ! pgrep -x dockerd >/dev/null 2>&1; then
  is_root || die "dockerd is not running and we are not root; start it (sudo dockerd) or add yourself to the docker group"
  if ! touch "$LOG" 2>/dev/null; then LOG=/tmp/kwhisk-dockerd.log; fi
  log "starting dockerd (log: $LOG)"
  # dockerd picks overlay2 itself when the kernel/filesystem support it and starts
  # its own containerd when none runs. setsid: survive the caller's process group.
  setsid_cmd=(); command -v setsid >/dev/null 2>&1 && setsid_cmd=(setsid)
  nohup "${setsid_cmd[@]}" dockerd >>"$LOG" 2>&1 </dev/null &
  disown || true
fi

# 3. Wait for the engine to answer.
for ((i = 0; i < WAIT; i++)); do
  if docker info >/dev/null 2>&1; then
    log "docker is up"
    exit 0
  fi
  sleep 1
done
die "docker did not answer within ${WAIT}s; see $LOG"
