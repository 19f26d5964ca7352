#!/usr/bin/env bash
# Runs the kwhisk load generator: perf/run.sh <load|matrix|burst|lifecycle|report|latency> [options] (see
# perf/README.md).
# Builds perf/target/kwhisk-perf.jar first when it is missing or older than the perf or common sources. Runs in
# the caller's directory (results default to ./kwhisk-perf.csv); the standalone's .kwhisk/wskprops is found via
# KWHISK_WSKPROPS. JVM options from KWHISK_PERF_JAVA_OPTS.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"

JAR="$REPO/perf/target/kwhisk-perf.jar"
if [ ! -f "$JAR" ] || [ -n "$(cd "$REPO" && find pom.xml common/pom.xml common/src perf/pom.xml perf/src/main \
     -newer "$JAR" -type f -print -quit)" ]; then
  echo "perf: building kwhisk-perf (./mvnw install -DskipTests -pl perf -am)" >&2
  (cd "$REPO" && ./mvnw -q -B install -DskipTests -pl perf -am)
fi
export KWHISK_WSKPROPS="${KWHISK_WSKPROPS:-$REPO/.kwhisk/wskprops}"
exec java ${KWHISK_PERF_JAVA_OPTS:-} -jar "$JAR" "$@"
