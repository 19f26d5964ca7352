#!/usr/bin/env bash
# build-images.sh - build kwhisk's service images locally: the controller, the invoker and a Kafka node.
#
#   scripts/build-images.sh [--force] [jre|controller|invoker|kafka|lb ...]
#
# No registry is used. kwhisk/jre17:bookworm is a Java runtime jlinked from the host's JDK 17 (52 MB; Debian's JRE
# package would add 225 MB) FROM the debootstrapped base of scripts/build-runtimes.sh (built first when missing);
# kwhisk/controller, kwhisk/invoker and kwhisk/kafka are FROM
# it, each with its runtime classpath from Maven: third-party jars in one layer (lib/), kwhisk's own jars in the
# next (app/), so a code change rebuilds only the small layer. kwhisk's jars are built with a fixed timestamp (the
# last commit's), so the same sources give the same bytes; an image whose label io.kwhisk.source-hash equals the hash
# of its inputs (Dockerfile, jar contents, id of the image it is FROM) is not rebuilt. Every image runs as the
# non-root user kwhisk (10001). kwhisk/lb is Debian's HAProxy FROM the base, the load balancer of scripts/cluster.sh.
# --force rebuilds what is selected (default: all five).
#
# Environment: KWHISK_IMAGE_TAG (default latest), KWHISK_MVN_ARGS (extra Maven arguments, e.g. -o),
#   KWHISK_JLINK (the jlink of a JDK 17 with its jmods; default: the one on the PATH).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
IMAGES="$ROOT/images"
TAG="${KWHISK_IMAGE_TAG:-latest}"
BASE_IMAGE="kwhisk/debian-base:bookworm"
JRE_IMAGE="kwhisk/jre17:bookworm"
LABEL=io.kwhisk.source-hash
read -r -a MVN_ARGS <<<"${KWHISK_MVN_ARGS:-}"

FORCE=0
TARGETS=()
for a in "$@"; do
  case "$a" in
    --force|-f) FORCE=1 ;;
    jre|controller|invoker|kafka|lb) TARGETS+=("$a") ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "unknown argument: $a (use --force, jre, controller, invoker, kafka, lb)" >&2; exit 2 ;;
  esac
done
[ "${#TARGETS[@]}" -gt 0 ] || TARGETS=(jre controller invoker kafka lb)
want() { local t; for t in "${TARGETS[@]}"; do [ "$t" = "$1" ] && return 0; done; return 1; }

log() { echo "build-images: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

bash "$ROOT/scripts/ensure-docker.sh"
[ -n "$(docker image inspect -f '{{.Id}}' "$BASE_IMAGE" 2>/dev/null)" ] || bash "$ROOT/scripts/build-runtimes.sh" base

WORK="$(mktemp -d /tmp/kwhisk-images.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

sha() { sha256sum | cut -c1-64; }
image_id() { docker image inspect -f '{{.Id}}' "$1" 2>/dev/null || true; }
current_hash() { docker image inspect -f "{{ index .Config.Labels \"$LABEL\" }}" "$1" 2>/dev/null || true; }
up_to_date() { [ "$FORCE" -eq 0 ] && [ "$(current_hash "$1")" = "$2" ]; }
report() { printf '%-32s %-11s %4ss %s\n' "$1" "$2" "$3" "$(docker image inspect -f '{{.Size}}' "$1" 2>/dev/null \
  | awk '{ printf "%.0f MB", $1 / 1000000 }')"; }

# Hash of a build context: every file's path and content; a jar counts by its entries' contents, not its timestamps.
context_hash() {
  (cd "$1" && find . -type f | LC_ALL=C sort | while read -r f; do
    case "$f" in
      *.jar) printf '%s %s\n' "$f" "$(unzip -p "$f" | sha)" ;;
      *) printf '%s %s\n' "$f" "$(sha <"$f")" ;;
    esac
  done | sha)
}

# docker_build IMAGE CONTEXT [HASH] -> builds unless up to date (hash of the context, or HASH, and of the image it
# is FROM)
docker_build() {
  local image="$1" ctx="$2" from hash old t0=$SECONDS
  from="$(awk '/^FROM /{ print $2; exit }' "$ctx/Dockerfile")"
  hash="$( { if [ -n "${3:-}" ]; then echo "$3"; else context_hash "$ctx"; fi; image_id "$from"; } | sha)"
  if up_to_date "$image" "$hash"; then report "$image" "up to date" 0; return; fi
  # Fixed modification times: the layers' content does not depend on when the context was copied.
  find "$ctx" -exec touch -h -d @0 {} +
  old="$(image_id "$image")"
  if ! docker build --label "$LABEL=$hash" -t "$image" "$ctx" >"$WORK/build.log" 2>&1; then
    tail -30 "$WORK/build.log" >&2; die "docker build of $image failed"
  fi
  if [ -n "$old" ] && [ "$old" != "$(image_id "$image")" ]; then docker rmi "$old" >/dev/null 2>&1 || true; fi
  report "$image" built $((SECONDS - t0))
}

# The runtime classpath of a kwhisk module, split into $ctx/lib (third party) and $ctx/app (kwhisk's jars).
java_context() {
  local module="$1" ctx="$2"
  mkdir -p "$ctx/lib" "$ctx/app"
  cp "$IMAGES/$module/Dockerfile" "$ctx/"
  cp "$WORK/classpath/$module"/*.jar "$ctx/lib/"
  mv "$ctx/lib"/kwhisk-*.jar "$ctx/app/"
  cp "$ROOT/$module/target/kwhisk-$module-"*.jar "$ctx/app/"
  rm -f "$ctx/app/"*-tests.jar "$ctx/app/"*-sources.jar
}

if want controller || want invoker; then
  modules=(); want controller && modules+=(controller); want invoker && modules+=(invoker)
  stamp="$(git -C "$ROOT" log -1 --format=%cI 2>/dev/null || echo 2026-01-01T00:00:00Z)"
  log "building $(IFS=,; echo "${modules[*]}") with Maven (jars stamped $stamp) ..."
  (cd "$ROOT" && ./mvnw -q -B -ntp "${MVN_ARGS[@]}" -pl "$(IFS=,; echo "${modules[*]}")" -am package \
      dependency:copy-dependencies -DskipTests -DincludeScope=runtime -Dproject.build.outputTimestamp="$stamp" \
      -DoutputDirectory="$WORK/classpath/\${project.artifactId}") >"$WORK/maven.log" 2>&1 \
    || { tail -40 "$WORK/maven.log" >&2; die "maven build failed"; }
  for m in "${modules[@]}"; do mv "$WORK/classpath/kwhisk-$m" "$WORK/classpath/$m"; done
fi

# The Java SE modules, and the JDK's that kwhisk and Kafka use: Unsafe (Pekko, Netty), the HTTP server (invoker
# probes), JMX and management (Kafka), EC crypto and DNS, zipfs, Kerberos/SASL for Kafka clients.
JRE_MODULES=java.se,jdk.unsupported,jdk.httpserver,jdk.management,jdk.crypto.ec,jdk.naming.dns,jdk.zipfs,jdk.security.auth,jdk.security.jgss
if want jre; then
  jlink="${KWHISK_JLINK:-$(command -v jlink || true)}"
  [ -x "$jlink" ] || die "jlink not found: a JDK 17 with its jmods is needed (apt-get install openjdk-17-jdk-headless)"
  case "$("$jlink" --version)" in 17.*) ;; *) die "$jlink is not JDK 17's ($("$jlink" --version))" ;; esac
  mkdir -p "$WORK/jre" && cp "$IMAGES/jre/Dockerfile" "$WORK/jre/"
  # The runtime is a function of the JDK and the modules: hash those, and run jlink only when they changed.
  jre_hash="$( { sha <"$IMAGES/jre/Dockerfile"; readlink -f "$jlink"; "$jlink" --version; echo "$JRE_MODULES"; } | sha)"
  if up_to_date "$JRE_IMAGE" "$( { echo "$jre_hash"; image_id "$BASE_IMAGE"; } | sha)"; then
    report "$JRE_IMAGE" "up to date" 0
  else
    "$jlink" --add-modules "$JRE_MODULES" --strip-debug --no-header-files --no-man-pages --compress=2 \
      --output "$WORK/jre/runtime" || die "jlink failed"
    docker_build "$JRE_IMAGE" "$WORK/jre" "$jre_hash"
  fi
fi
if want controller || want invoker || want kafka; then
  [ -n "$(image_id "$JRE_IMAGE")" ] || die "$JRE_IMAGE missing; run: $0 jre"
fi

for m in controller invoker; do
  want "$m" || continue
  java_context "$m" "$WORK/$m"
  docker_build "kwhisk/$m:$TAG" "$WORK/$m"
done

if want kafka; then
  ctx="$WORK/kafka"; mkdir -p "$ctx/lib"
  cp "$IMAGES/kafka/Dockerfile" "$IMAGES/kafka/kwhisk-kafka" "$IMAGES/kafka/kafka-docker-run" \
    "$IMAGES/kafka/kwhisk.properties" "$IMAGES/kafka/logback.xml" "$ctx/"
  (cd "$ROOT" && ./mvnw -q -B -ntp "${MVN_ARGS[@]}" -f images/kafka/pom.xml dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$ctx/lib") >"$WORK/maven.log" 2>&1 \
    || { tail -40 "$WORK/maven.log" >&2; die "resolving the Kafka jars failed"; }
  docker_build "kwhisk/kafka:$TAG" "$ctx"
fi

if want lb; then
  mkdir -p "$WORK/lb" && cp "$IMAGES/lb/Dockerfile" "$WORK/lb/"
  docker_build "kwhisk/lb:$TAG" "$WORK/lb"
fi
exit 0
