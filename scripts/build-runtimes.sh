#!/usr/bin/env bash
# build-runtimes.sh - build every container image kwhisk needs, locally.
#
#   scripts/build-runtimes.sh [--force] [base|nodejs|java|python ...]
#
# No registry is used: the Debian base is made with debootstrap and imported,
# the runtimes are built FROM it. An image is skipped when its label
# io.kwhisk.source-hash equals the hash of its current inputs (runtime source
# dir, Dockerfile, host node binary / gson version, id of the base image).
# --force rebuilds everything that is selected (default: all images).
#
# Environment:
#   KWHISK_DEBIAN_MIRROR / KWHISK_DEBIAN_SECURITY_MIRROR  override the mirrors
#       (default: read from the host's apt sources, else deb.debian.org)
#   KWHISK_NODE_BIN   node binary copied into the nodejs image (default: `command -v node`)
#   (the nodejs image's bundled npm modules, runtimes/nodejs/package-lock.json, are fetched with the host's npm)
#   KWHISK_GSON_VERSION  gson used by the Java runtime (default 2.11.0)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNTIMES="$ROOT/runtimes"
SUITE=bookworm
BASE_IMAGE="kwhisk/debian-base:$SUITE"
NODE_IMAGE="kwhisk/action-nodejs-v20:latest"
JAVA_IMAGE="kwhisk/action-java-v17:latest"
PYTHON_IMAGE="kwhisk/action-python-v3:latest"
GSON_VERSION="${KWHISK_GSON_VERSION:-2.11.0}"
LABEL=io.kwhisk.source-hash

FORCE=0
TARGETS=()
for a in "$@"; do
  case "$a" in
    --force|-f) FORCE=1 ;;
    base|nodejs|java|python) TARGETS+=("$a") ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown argument: $a (use --force, base, nodejs, java, python)" >&2; exit 2 ;;
  esac
done
[ "${#TARGETS[@]}" -gt 0 ] || TARGETS=(base nodejs java python)
want() { local t; for t in "${TARGETS[@]}"; do [ "$t" = "$1" ] && return 0; done; return 1; }

log() { echo "build-runtimes: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

"$ROOT/scripts/ensure-docker.sh"

WORK="$(mktemp -d /tmp/kwhisk-build.XXXXXX)"
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT

# ---------------------------------------------------------------- helpers
sha() { sha256sum | cut -c1-64; }

# Hash of a directory's file names and contents (stable order, relative paths).
dir_hash() { (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha); }

current_hash() { docker image inspect -f "{{ index .Config.Labels \"$LABEL\" }}" "$1" 2>/dev/null || true; }
image_id() { docker image inspect -f '{{.Id}}' "$1" 2>/dev/null || true; }

# up_to_date IMAGE HASH -> 0 when the image exists with that hash and no --force
up_to_date() { [ "$FORCE" -eq 0 ] && [ "$(current_hash "$1")" = "$2" ]; }

report() { printf '%-40s %-11s %4ss\n' "$1" "$2" "$3"; }

# First URI of an enabled deb source for suite $1, from deb822 and one-line files.
apt_uri_for_suite() {
  local suite="$1" f uri
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    uri="$(awk -v s="$suite" '
      function flush() { if (types ~ /(^| )deb( |$)/ && suites ~ ("(^| )" s "( |$)") && enabled != "no" && uri != "") { print uri; found=1; exit } types=suites=uri=enabled="" }
      /^[[:space:]]*#/ { next }
      /^[[:space:]]*$/ { flush(); next }
      { key=tolower($1); sub(/:$/, "", key); $1=""; sub(/^ +/, "");
        if (key=="types") types=$0; else if (key=="suites") suites=$0;
        else if (key=="enabled") enabled=tolower($0); else if (key=="uris") { split($0, u, " "); uri=u[1] } }
      END { if (!found) flush() }' "$f")"
    [ -n "$uri" ] && { echo "$uri"; return 0; }
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    uri="$(sed -E 's/\[[^]]*\]//' "$f" | awk -v s="$suite" '$1=="deb" && $3==s { print $2; exit }')"
    [ -n "$uri" ] && { echo "$uri"; return 0; }
  done
  return 1
}

# ---------------------------------------------------------------- base image
build_base() {
  local mirror security hash t0 rootfs old
  mirror="${KWHISK_DEBIAN_MIRROR:-$(apt_uri_for_suite "$SUITE" || echo http://deb.debian.org/debian)}"
  security="${KWHISK_DEBIAN_SECURITY_MIRROR:-$(apt_uri_for_suite "$SUITE-security" || echo http://deb.debian.org/debian-security)}"
  hash="$(printf 'base-v3|%s|minbase|%s|%s\n' "$SUITE" "$mirror" "$security" | sha)"
  if up_to_date "$BASE_IMAGE" "$hash"; then report "$BASE_IMAGE" "up to date" 0; return; fi
  [ "$(id -u)" -eq 0 ] || die "debootstrap needs root"
  if ! command -v debootstrap >/dev/null; then
    log "installing debootstrap ..."
    DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null \
      || die "debootstrap missing and could not be installed (apt-get install -y debootstrap)"
  fi
  t0=$SECONDS
  rootfs="$WORK/rootfs"
  log "debootstrap $SUITE from $mirror (log: $WORK/debootstrap.log) ..."
  if ! debootstrap --variant=minbase "$SUITE" "$rootfs" "$mirror" >"$WORK/debootstrap.log" 2>&1; then
    tail -20 "$WORK/debootstrap.log" >&2; die "debootstrap failed"
  fi
  # apt inside the image uses the same mirrors as the host.
  rm -f "$rootfs"/etc/apt/sources.list.d/*
  cat >"$rootfs/etc/apt/sources.list" <<SRC
deb $mirror $SUITE main
deb $mirror $SUITE-updates main
deb $security $SUITE-security main
SRC
  # Small-image apt defaults (like the official debian images).
  cat >"$rootfs/etc/apt/apt.conf.d/90kwhisk" <<'APT'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb || true"; };
APT
  # Keep docs, man pages and translations out of the image, now and for later apt installs.
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/90kwhisk-slim" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
DPKG
  find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  rm -rf "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*
  find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/log/* "$rootfs"/tmp/*
  : >"$rootfs/etc/resolv.conf"; : >"$rootfs/etc/hostname"
  old="$(image_id "$BASE_IMAGE")"
  tar --numeric-owner -C "$rootfs" -c . | docker import \
      -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      -c 'ENV LANG=C.UTF-8' -c 'CMD ["/bin/bash"]' \
      -c "LABEL $LABEL=$hash" -c "LABEL io.kwhisk.debian-mirror=$mirror" \
      - "$BASE_IMAGE" >/dev/null
  drop_old "$BASE_IMAGE" "$old"
  rm -rf "$rootfs"
  report "$BASE_IMAGE" built $((SECONDS - t0))
}

need_base() { [ -n "$(image_id "$BASE_IMAGE")" ] || die "$BASE_IMAGE missing; run: $0 base"; }

# docker_build IMAGE HASH CONTEXT
docker_build() {
  local old; old="$(image_id "$1")"
  if ! docker build --label "$LABEL=$2" -t "$1" "$3" >"$WORK/build.log" 2>&1; then
    tail -30 "$WORK/build.log" >&2; die "docker build of $1 failed"
  fi
  drop_old "$1" "$old"
}

# Remove the image a tag pointed to before a rebuild, if nothing else uses it.
drop_old() {
  if [ -n "$2" ] && [ "$2" != "$(image_id "$1")" ]; then docker rmi "$2" >/dev/null 2>&1 || true; fi
}

# ---------------------------------------------------------------- nodejs:20
build_nodejs() {
  need_base
  local node hash t0 ctx
  node="$(readlink -f "${KWHISK_NODE_BIN:-$(command -v node || true)}")"
  [ -x "$node" ] || die "no node binary on the host (set KWHISK_NODE_BIN)"
  case "$("$node" --version)" in v20.*) ;; *) die "$node is not node v20 ($("$node" --version))" ;; esac
  hash="$( { echo nodejs-v1; dir_hash "$RUNTIMES/nodejs"; sha256sum <"$node"; image_id "$BASE_IMAGE"; } | sha)"
  if up_to_date "$NODE_IMAGE" "$hash"; then report "$NODE_IMAGE" "up to date" 0; return; fi
  t0=$SECONDS
  ctx="$WORK/nodejs"; mkdir -p "$ctx"
  cp -a "$RUNTIMES/nodejs/." "$ctx/"
  cp "$node" "$ctx/node"
  # The npm modules the image bundles (openwhisk and its dependencies, pinned by package-lock.json) are fetched
  # here on the host: npm inside a container may not reach the registry (TLS interception). npm's cache makes a
  # rebuild work offline once they were fetched.
  command -v npm >/dev/null || die "npm needed on the host to fetch the nodejs image's bundled modules"
  (cd "$ctx" && npm ci --omit=dev --prefer-offline --no-audit --no-fund --ignore-scripts >"$WORK/npm.log" 2>&1) \
    || { tail -20 "$WORK/npm.log" >&2; die "npm ci for the nodejs image failed"; }
  docker_build "$NODE_IMAGE" "$hash" "$ctx"
  report "$NODE_IMAGE" built $((SECONDS - t0))
}

# ---------------------------------------------------------------- java:17
fetch_gson() { # -> path of gson jar (cached in ~/.m2 by maven)
  local jar="$HOME/.m2/repository/com/google/code/gson/gson/$GSON_VERSION/gson-$GSON_VERSION.jar"
  if [ ! -f "$jar" ]; then
    mkdir -p "$WORK/gson"
    mvn -q dependency:copy -Dartifact="com.google.code.gson:gson:$GSON_VERSION" -DoutputDirectory="$WORK/gson" >&2 \
      || die "could not fetch gson $GSON_VERSION with maven"
    jar="$WORK/gson/gson-$GSON_VERSION.jar"
  fi
  echo "$jar"
}

build_java() {
  need_base
  local hash t0 ctx gson
  hash="$( { echo java-v1; dir_hash "$RUNTIMES/java"; echo "gson=$GSON_VERSION"; image_id "$BASE_IMAGE"; } | sha)"
  if up_to_date "$JAVA_IMAGE" "$hash"; then report "$JAVA_IMAGE" "up to date" 0; return; fi
  t0=$SECONDS
  command -v javac >/dev/null || die "javac (JDK 17+) needed on the host"
  gson="$(fetch_gson)"
  ctx="$WORK/java"; mkdir -p "$ctx/lib" "$ctx/classes"
  cp "$RUNTIMES/java/Dockerfile" "$ctx/"
  cp "$gson" "$ctx/lib/gson.jar"
  find "$RUNTIMES/java/src" -name '*.java' >"$WORK/java-sources"
  javac --release 17 -nowarn -cp "$ctx/lib/gson.jar" -d "$ctx/classes" @"$WORK/java-sources"
  jar --create --file "$ctx/lib/kwhisk-java-runtime.jar" -C "$ctx/classes" .
  rm -rf "$ctx/classes"
  docker_build "$JAVA_IMAGE" "$hash" "$ctx"
  report "$JAVA_IMAGE" built $((SECONDS - t0))
}

# ---------------------------------------------------------------- python:3
build_python() {
  need_base
  local hash t0 ctx
  hash="$( { echo python-v1; dir_hash "$RUNTIMES/python"; image_id "$BASE_IMAGE"; } | sha)"
  if up_to_date "$PYTHON_IMAGE" "$hash"; then report "$PYTHON_IMAGE" "up to date" 0; return; fi
  t0=$SECONDS
  ctx="$WORK/python"; mkdir -p "$ctx"
  cp -a "$RUNTIMES/python/." "$ctx/"
  docker_build "$PYTHON_IMAGE" "$hash" "$ctx"
  report "$PYTHON_IMAGE" built $((SECONDS - t0))
}

want base && build_base
want nodejs && build_nodejs
want java && build_java
want python && build_python
exit 0
