#!/usr/bin/env bash
# The issue-5 benchmark in one command: perf/bench.sh quick|full|trace [--designs kwhisk,hash] [--out DIR]
#                                        [-- trace options]
#
# For each design it starts a fresh standalone of its own (port $BENCH_PORT, default 3299; data under the output
# directory), runs the scenarios of the preset against it, stops it, and goes on with the next design, so every
# design meets the same machine, the same memory and the same load in one run. Results (CSV and HTML) land in
# perf/results/<UTC date>-<preset>/ unless --out says otherwise. See perf/README.md "One command" for what each
# preset runs and how long it takes. Before a scenario whose actions all fit the pool, each action is invoked once
# (perf --prime-up-to), so the warm-up starts from warm containers; before the first scenario of each standalone,
# BENCH_JIT_WARMUP (90 s) of unrecorded load lets its JIT settle.
#
#   quick (~8 min):  128 container slots; actions 1,10,100 x 10 users; 10 s warm-up, 10 s measured; a cold burst
#                    of 10 actions; both designs.
#   full (~53 min):  128 slots: actions 1,10,100,1000 x users 10,100,200, 20 s warm-up, 40 s measured; cold
#                    bursts of 10 and 50; the lifecycle scenario (10 containers x 100 validated requests);
#                    16 slots (the pool cannot hold every action): actions 10,100 x users 10,100;
#                    the latency benchmark (warm invoke vs direct /run, cold start) on kwhisk; both designs.
#   trace:           perf trace (the Azure trace replay) on each design, with the options after --, by default
#                    --dir ../shared/traces/azure2019-100fn --minutes 30; the invoker holds BENCH_TRACE_MEMORY_MB
#                    (16384) of containers. Results in trace.csv and report.html.
#   cold:            container creation at the engine's limit, in one run: perf engine (docker-java, no kwhisk;
#                    50 containers at 1, 4, 8, 16 in parallel) before and after, and on each design a cold burst
#                    of 50 fresh actions and a burst-parallel of 200 invocations of one fresh action (128 MB).
#                    Results in engine.txt, burst.csv and report.html.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"

usage() {
  echo "usage: perf/bench.sh quick|full|trace|cold [--designs kwhisk,hash] [--out DIR] [-- trace options]" >&2
  exit 2
}

PRESET="${1:-}"
case "$PRESET" in quick | full | trace | cold) ;; *) usage ;; esac
shift
DESIGNS="kwhisk,hash"
OUT=""
TRACE_ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --) shift; TRACE_ARGS=("$@"); break ;;
    --designs) DESIGNS="${2:?--designs needs a value}"; shift 2 ;;
    --out) OUT="${2:?--out needs a value}"; shift 2 ;;
    *) echo "bench: unknown option $1" >&2; usage ;;
  esac
done
for d in ${DESIGNS//,/ }; do
  case "$d" in kwhisk | hash) ;; *) echo "bench: design should be kwhisk or hash, was $d" >&2; exit 2 ;; esac
done
OUT="${OUT:-$REPO/perf/results/$(date -u +%Y-%m-%d)-$PRESET}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
PORT="${BENCH_PORT:-3299}"

bash "$REPO/scripts/ensure-docker.sh"
bash "$REPO/scripts/build-runtimes.sh"
if [ ! -f "$REPO/standalone/target/kwhisk-standalone.jar" ] || [ ! -f "$REPO/perf/target/kwhisk-perf.jar" ] \
   || [ -n "$(cd "$REPO" && find pom.xml common broker controller invoker standalone perf \
        \( -name '*.java' -o -name 'pom.xml' -o -name '*.xml' \) -path '*src/main*' \
        -newer standalone/target/kwhisk-standalone.jar -print -quit)" ]; then
  echo "bench: building kwhisk and kwhisk-perf (./mvnw package -DskipTests)" >&2
  (cd "$REPO" && ./mvnw -q -B -ntp package -DskipTests -pl standalone,perf -am)
  # the jar plugin keeps an unchanged jar's old date: mark both as built now so the next run does not rebuild
  touch "$REPO/standalone/target/kwhisk-standalone.jar" "$REPO/perf/target/kwhisk-perf.jar"
fi
PERF=(java -jar "$REPO/perf/target/kwhisk-perf.jar")

SA_PID=""
stop_standalone() {
  if [ -n "$SA_PID" ] && kill -0 "$SA_PID" 2>/dev/null; then
    kill -TERM "$SA_PID"
    for _ in $(seq 60); do kill -0 "$SA_PID" 2>/dev/null || break; sleep 1; done
    kill -KILL "$SA_PID" 2>/dev/null || true
  fi
  SA_PID=""
}
trap stop_standalone EXIT
trap 'stop_standalone; exit 130' INT TERM

# start_standalone DESIGN SLOTS: a fresh standalone in DESIGN's scheduling mode with SLOTS containers of 128 MB.
start_standalone() {
  local design="$1" slots="$2" data
  data="$OUT/data-$design-$slots"
  rm -rf "$data"
  echo "bench: starting $design standalone ($slots slots of 128 MB) on :$PORT, log $OUT/$design-$slots.log" >&2
  KWHISK_STANDALONE_DATA_DIR="$data" KWHISK_CONTROLLER_PORT="$PORT" \
    KWHISK_INVOKER_USER_MEMORY_MB=$((slots * 128)) \
    KWHISK_CONTROLLER_SCHEDULING="$design" KWHISK_INVOKER_SCHEDULING="$design" \
    KWHISK_CONTROLLER_THROTTLE_NAMESPACE_CONCURRENCY=10000 KWHISK_CONTROLLER_THROTTLE_NAMESPACE_PER_MINUTE=0 \
    KWHISK_INVOKER_KEEP_ALIVE="${BENCH_KEEP_ALIVE:-10m}" \
    KWHISK_CONTROLLER_KEEP_ALIVE_POLICY="${BENCH_KEEP_ALIVE_POLICY:-fixed:${BENCH_KEEP_ALIVE:-10m}}" \
    java ${KWHISK_JAVA_OPTS:-} -jar "$REPO/standalone/target/kwhisk-standalone.jar" \
    >"$OUT/$design-$slots.log" 2>&1 &
  SA_PID=$!
  for _ in $(seq 120); do
    if [ -f "$data/wskprops" ] && grep -q "is healthy" "$OUT/$design-$slots.log"; then
      WSKPROPS="$data/wskprops"
      return
    fi
    kill -0 "$SA_PID" 2>/dev/null || break
    sleep 1
  done
  echo "bench: the $design standalone did not become ready; see $OUT/$design-$slots.log" >&2
  exit 1
}

# jit_warmup DESIGN: a fresh JVM spends 3-6 ms of CPU per activation compiling for its first minutes under load
# (BENCHMARKS.md, "What the first minutes cost"); without this the first scenarios of each standalone paid for it.
# BENCH_JIT_WARMUP (default 90s; 0 skips) of 1 action x 10 users, not recorded.
jit_warmup() {
  local secs="${BENCH_JIT_WARMUP:-90s}"
  [ "${secs%s}" = 0 ] && return
  echo "bench: warming the $1 standalone's JIT for $secs" >&2
  "${PERF[@]}" load --wskprops "$WSKPROPS" --design "$1" --actions 1 --users 10 --warmup 0s --duration "$secs" \
    --prefix perf-jit --cleanup --csv "$OUT/jit-warmup.csv" >/dev/null
}

# scenarios DESIGN SLOTS LABEL ACTIONS USERS WARMUP DURATION BURSTS LIFECYCLE_ACTIONS: one standalone, the matrix,
# then cold bursts of each size in BURSTS and (if LIFECYCLE_ACTIONS > 0) the lifecycle scenario.
scenarios() {
  start_standalone "$1" "$2"
  jit_warmup "$1"
  "${PERF[@]}" matrix --wskprops "$WSKPROPS" --design "$3" --actions "$4" --users "$5" \
    --warmup "$6" --duration "$7" --memory 128 --pause 2s --prime-up-to "$2" --csv "$OUT/matrix.csv"
  if [ -n "$8" ]; then
    "${PERF[@]}" burst --wskprops "$WSKPROPS" --design "$3" --actions "$8" --memory 128 --csv "$OUT/burst.csv"
  fi
  if [ "$9" -gt 0 ]; then
    "${PERF[@]}" lifecycle --wskprops "$WSKPROPS" --design "$3" --actions "$9" --requests 100 --memory 128 \
      --csv "$OUT/lifecycle.csv"
  fi
  stop_standalone
}

engine_rate() {
  echo "bench: the engine's own creation rate ($1)" >&2
  echo "# $1" >>"$OUT/engine.txt"
  "${PERF[@]}" engine --containers 50 --parallel 1,4,8,16 --memory 128 | tee -a "$OUT/engine.txt"
}

[ "$PRESET" = cold ] && engine_rate "before the designs"
for design in ${DESIGNS//,/ }; do
  if [ "$PRESET" = cold ]; then
    start_standalone "$design" 128
    jit_warmup "$design"
    "${PERF[@]}" burst --wskprops "$WSKPROPS" --design "$design" --actions 50 --memory 128 --csv "$OUT/burst.csv"
    "${PERF[@]}" burst --wskprops "$WSKPROPS" --design "$design" --actions 200 --one-action --memory 128 \
      --csv "$OUT/burst.csv"
    stop_standalone
  elif [ "$PRESET" = trace ]; then
    [ ${#TRACE_ARGS[@]} -gt 0 ] || TRACE_ARGS=(--dir "$REPO/../shared/traces/azure2019-100fn" --minutes 30)
    start_standalone "$design" $((${BENCH_TRACE_MEMORY_MB:-16384} / 128))
    jit_warmup "$design"
    "${PERF[@]}" trace --wskprops "$WSKPROPS" --design "$design" --csv "$OUT/trace.csv" "${TRACE_ARGS[@]}"
    stop_standalone
  elif [ "$PRESET" = quick ]; then
    scenarios "$design" 128 "$design" 1,10,100 10 10s 10s 10 0
  else
    scenarios "$design" 128 "$design" 1,10,100,1000 10,100,200 20s 40s 10,50 10
    scenarios "$design" 16 "$design-16slots" 10,100 10,100 20s 40s "" 0
  fi
done

if [ "$PRESET" = full ] && [[ ",$DESIGNS," == *",kwhisk,"* ]]; then
  start_standalone kwhisk 16
  "${PERF[@]}" latency --wskprops "$WSKPROPS" --warm 1000 --cold 10 | tee "$OUT/latency.txt"
  stop_standalone
fi

[ "$PRESET" = cold ] && engine_rate "after the designs"
REPORT=()
[ -f "$OUT/matrix.csv" ] && REPORT+=(--csv "$OUT/matrix.csv")
[ -f "$OUT/trace.csv" ] && REPORT+=(--trace-csv "$OUT/trace.csv")
[ -f "$OUT/burst.csv" ] && REPORT+=(--burst-csv "$OUT/burst.csv")
[ -f "$OUT/lifecycle.csv" ] && REPORT+=(--lifecycle-csv "$OUT/lifecycle.csv")
"${PERF[@]}" report "${REPORT[@]}" --html "$OUT/report.html"
rm -f "$OUT/matrix.html" "$OUT/trace.html" # each run renders its own page; report.html has all of it
rm -rf "$OUT"/data-*
echo "bench: results in $OUT (report.html, matrix/burst/lifecycle CSVs, standalone logs)" >&2
