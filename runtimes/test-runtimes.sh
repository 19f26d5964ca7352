#!/usr/bin/env bash
# test-runtimes.sh - smoke test of the kwhisk action runtime images.
#
#   runtimes/test-runtimes.sh [--no-build] [--bench N]
#
# Builds the images if needed (scripts/build-runtimes.sh), then for every image
# starts containers, drives the OpenWhisk /init and /run protocol over the
# container IP, checks results, status codes and the activation sentinels in
# `docker logs`, and measures /init latency and N (default 200) sequential noop
# /run calls over a keep-alive connection. Exits non-zero on any failure; all
# containers it started are removed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_IMAGE="${KWHISK_NODE_IMAGE:-kwhisk/action-nodejs-v20:latest}"
JAVA_IMAGE="${KWHISK_JAVA_IMAGE:-kwhisk/action-java-v17:latest}"
PYTHON_IMAGE="${KWHISK_PYTHON_IMAGE:-kwhisk/action-python-v3:latest}"
GSON_VERSION="${KWHISK_GSON_VERSION:-2.11.0}"
SENTINEL=XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX
BUILD=1
BENCH=200
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) BUILD=0 ;;
    --bench) BENCH="$2"; shift ;;
    *) echo "usage: $0 [--no-build] [--bench N]" >&2; exit 2 ;;
  esac
  shift
done

WORK="$(mktemp -d /tmp/kwhisk-test.XXXXXX)"
CONTAINERS=()
FAILS=0
PASSES=0
cleanup() {
  local c
  for c in "${CONTAINERS[@]}"; do docker rm -f "$c" >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

pass() { PASSES=$((PASSES + 1)); echo "  ok   $*"; }
fail() { FAILS=$((FAILS + 1)); echo "  FAIL $*"; }

if [ "$BUILD" -eq 1 ]; then "$ROOT/scripts/build-runtimes.sh"; else "$ROOT/scripts/ensure-docker.sh"; fi

# start IMAGE NAME -> sets $ADDR (ip:port reachable from the host) and $CID
start() {
  # Confined as the invoker confines action containers (kwhisk.invoker.container.*, defaults).
  CID="$(docker run -d --name "kwhisk-test-$2-$$" -p 127.0.0.1::8080 --cap-drop ALL \
    --security-opt no-new-privileges --pids-limit 512 --ulimit nofile=1024:1024 --read-only \
    --tmpfs /tmp:rw,nosuid,nodev,size=128m,mode=1777 "$1")"
  CONTAINERS+=("$CID")
  if [ "$(docker exec "$CID" sh -c 'id -u')" = 10001 ]; then pass "$2 runs as uid 10001"; else fail "$2 runs as root"; fi
  local ip port i
  ip="$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$CID")"
  ADDR="$ip:8080"
  for i in $(seq 1 100); do   # up to 10 s for the runtime to listen
    if curl -fs -m 1 "http://$ADDR/" >/dev/null 2>&1; then return 0; fi
    if [ "$i" -eq 20 ]; then  # bridge IP unreachable (e.g. Docker Desktop): use the published port
      port="$(docker port "$CID" 8080/tcp | head -1 | sed 's/.*://')"
      ADDR="127.0.0.1:$port"
    fi
    sleep 0.1
  done
  echo "container $2 did not come up; logs:" >&2; docker logs "$CID" >&2 || true
  return 1
}

# post ENDPOINT JSON -> sets $STATUS and $BODY
post() {
  BODY="$(curl -s -m 60 -o - -w '\n%{http_code} %{time_total}' -H 'Content-Type: application/json' -X POST \
    "http://$ADDR/$1" --data-binary "@-" <<<"$2")"
  STATUS="${BODY##*$'\n'}"
  BODY="${BODY%$'\n'*}"
  SECS="${STATUS#* }"     # request latency as measured by curl
  STATUS="${STATUS%% *}"
}

# expect NAME STATUS JS-PREDICATE-ON-r  (r = parsed response body)
expect() {
  if [ "$STATUS" = "$2" ] && node -e "const r = JSON.parse(process.argv[1]); process.exit(($3) ? 0 : 1)" "$BODY" 2>/dev/null; then
    pass "$1 -> $STATUS $BODY"
  else
    fail "$1: expected $2 and ($3), got $STATUS $BODY"
  fi
}

# init_json MAIN CODE [BINARY] [ENV-JSON]
init_json() {
  node -e 'const [main, code, binary, env] = process.argv.slice(1);
    console.log(JSON.stringify({ value: { name: "smoke", main, code, binary: binary === "true", env: JSON.parse(env || "{}") } }))' \
    "$1" "$2" "${3:-false}" "${4:-{\}}"
}

run_json() { # run_json PARAMS-JSON ACTIVATION-ID
  printf '{"value":%s,"namespace":"guest","action_name":"/guest/smoke","activation_id":"%s","deadline":"%s","api_host":"http://localhost:3233","api_key":"k","transaction_id":"tid"}' \
    "$1" "$2" "$(( $(date +%s) * 1000 + 60000 ))"
}

# check_logs NAME MIN-SENTINELS [TEXT-ON-STDOUT]
check_logs() {
  docker logs "$CID" >"$WORK/out" 2>"$WORK/err"
  local o e
  o="$(grep -c "^$SENTINEL\$" "$WORK/out" || true)"
  e="$(grep -c "^$SENTINEL\$" "$WORK/err" || true)"
  if [ "$o" -ge "$2" ] && [ "$e" -ge "$2" ]; then pass "$1 logs: sentinel on stdout ($o) and stderr ($e)"
  else fail "$1 logs: expected >= $2 sentinels, stdout=$o stderr=$e"; fi
  if [ -n "${3:-}" ]; then
    if grep -q -- "$3" "$WORK/out"; then pass "$1 logs: action output '$3' on stdout"; else fail "$1 logs: '$3' not on stdout"; fi
  fi
}

ms() { date +%s%N | cut -b1-13; }

# bench NAME -> N sequential noop /run calls over one keep-alive connection
bench() {
  node - "$ADDR" "$BENCH" <<'JS'
const http = require('http');
const [addr, n] = [process.argv[2], Number(process.argv[3])];
const [host, port] = addr.split(':');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const body = JSON.stringify({ value: {}, activation_id: 'bench', namespace: 'guest', action_name: 'noop', deadline: String(Date.now() + 60000) });
function once() {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const req = http.request({ host, port, path: '/run', method: 'POST', agent,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => res.statusCode === 200 ? resolve(Number(process.hrtime.bigint() - t) / 1e6) : reject(new Error('status ' + res.statusCode)));
    });
    req.on('error', reject);
    req.end(body);
  });
}
(async () => {
  const lat = [];
  const t0 = Date.now();
  for (let i = 0; i < n; i++) lat.push(await once());
  const total = Date.now() - t0;
  lat.sort((a, b) => a - b);
  const p = (q) => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))].toFixed(2);
  console.log(`${n} sequential noop /run: total ${total} ms, mean ${(total / n).toFixed(2)} ms, p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${lat[lat.length - 1].toFixed(2)} ms`);
  agent.destroy();
})().catch((e) => { console.error(e); process.exit(1); });
JS
}

# curl_bench -> same with one curl process per call (what a shell user sees)
curl_bench() {
  local body t0 t1 i
  body="$(run_json '{}' curlbench)"
  t0=$(ms)
  for i in $(seq 1 "$BENCH"); do curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -d "$body" "http://$ADDR/run"; done
  t1=$(ms)
  echo "$BENCH sequential noop /run with curl (new process + connection each): total $((t1 - t0)) ms, mean $(( (t1 - t0) * 1000 / BENCH ))us"
}

# ====================================================================== nodejs
echo "== $NODE_IMAGE"
HELLO_JS='function main(p){console.log('"'"'hi'"'"'); return {greeting:'"'"'hello '"'"'+(p.name||'"'"'world'"'"')}}'

t0=$(ms); start "$NODE_IMAGE" node-hello; t1=$(ms)
echo "  container start -> listening: $((t1 - t0)) ms"
post run "$(run_json '{}' early)"
expect "node /run before /init" 500 'typeof r.error === "string"'
post init "$(init_json main "$HELLO_JS")"
expect "node /init hello" 200 'r.ok === true'
echo "  node /init latency: $(node -e "console.log((1000 * $SECS).toFixed(1))") ms (curl time_total)"
post init "$(init_json main "$HELLO_JS")"
expect "node second /init" 403 'typeof r.error === "string"'
post run "$(run_json '{"name":"kwhisk"}' act-1)"
expect "node /run hello" 200 'r.greeting === "hello kwhisk"'
post run "$(run_json '{}' act-2)"
expect "node /run default" 200 'r.greeting === "hello world"'
check_logs "node hello" 2 hi
bench; curl_bench

start "$NODE_IMAGE" node-error
post init "$(init_json main 'function main(p){ throw new Error("boom") }')"
expect "node /init throwing action" 200 'r.ok === true'
post run "$(run_json '{}' act-err)"
expect "node /run throwing action" 502 'typeof r.error === "string" && r.error.includes("boom")'
check_logs "node error" 1

start "$NODE_IMAGE" node-async
post init "$(init_json niam 'exports.niam = async (p) => { await new Promise(r => setTimeout(r, 50)); return { id: process.env.__OW_ACTIVATION_ID, ns: process.env.__OW_NAMESPACE, foo: process.env.FOO, n: p.n } }' false '{"FOO":"bar"}')"
expect "node /init async exports.niam + env" 200 'r.ok === true'
post run "$(run_json '{"n":7}' act-async)"
expect "node /run async (Promise, __OW_ env, init env)" 200 'r.id === "act-async" && r.ns === "guest" && r.foo === "bar" && r.n === 7'
# Concurrent activations overlap: each /run counts itself in and waits (up to 20 s) until all 5 are inside the
# runtime at once, then answers how many it saw. Served one at a time, the first would give up seeing only 1.
# A condition, not a duration: how fast this shared machine is decides nothing.
start "$NODE_IMAGE" node-concurrent
post init "$(init_json main 'let inside = 0; async function main() { inside++; const until = Date.now() + 20000; while (inside < 5 && Date.now() < until) await new Promise(r => setTimeout(r, 5)); return { seen: inside } }')"
expect "node /init concurrency probe" 200 'r.ok === true'
for i in 1 2 3 4 5; do
  curl -s -m 60 -o "$WORK/conc$i" -X POST -H 'Content-Type: application/json' -d "$(run_json '{}' conc$i)" "http://$ADDR/run" &
done
wait
overlapped=0
for i in 1 2 3 4 5; do
  if node -e 'process.exit(JSON.parse(require("fs").readFileSync(process.argv[1])).seen === 5 ? 0 : 1)' "$WORK/conc$i" 2>/dev/null; then
    overlapped=$((overlapped + 1))
  fi
done
if [ "$overlapped" -eq 5 ]; then pass "node 5 concurrent /run were inside the runtime at once"
else fail "node concurrent /run: only $overlapped of 5 saw all 5 in flight ($(cat "$WORK"/conc* | tr '\n' ' '))"; fi

start "$NODE_IMAGE" node-bad
post init '{"value":{"main":"main"}}'
expect "node /init without code" 500 'typeof r.error === "string"'
post init "$(init_json main 'function main( {')"
expect "node /init syntax error" 502 'typeof r.error === "string"'

start "$NODE_IMAGE" node-zip
mkdir -p "$WORK/zip" && cat >"$WORK/zip/index.js" <<'JS'
const helper = require('./lib/helper');
exports.main = (p) => ({ zipped: helper(p.x || 1), nonObject: false });
JS
mkdir -p "$WORK/zip/lib" && echo 'module.exports = (x) => x * 2;' >"$WORK/zip/lib/helper.js"
(cd "$WORK/zip" && zip -qr ../action.zip .)
post init "$(init_json main "$(base64 -w0 "$WORK/action.zip")" true)"
expect "node /init zip (binary)" 200 'r.ok === true'
post run "$(run_json '{"x":21}' act-zip)"
expect "node /run zip" 200 'r.zipped === 42'

start "$NODE_IMAGE" node-nonobj
post init "$(init_json main 'function main(){ return 42 }')"
post run "$(run_json '{}' act-42)"
expect "node /run non-object result" 502 'typeof r.error === "string" && r.error.includes("dictionary or array")'

start "$NODE_IMAGE" node-array
post init "$(init_json main 'function main(p){ return Array.isArray(p) ? p.slice().reverse() : [p.a, p.b] }')"
post run "$(run_json '{"a":1,"b":2}' act-arr1)"
expect "node /run array result" 200 'Array.isArray(r) && r[0] === 1 && r[1] === 2'
post run "$(run_json '[1,"two",3]' act-arr2)"
expect "node /run array parameters -> array result" 200 'Array.isArray(r) && r.join() === "3,two,1"'

start "$NODE_IMAGE" node-openwhisk
post init "$(init_json main 'const openwhisk = require("openwhisk"); function main(){ const ow = openwhisk({apihost: "http://localhost:3233", api_key: "u:k"}); return { client: typeof ow.actions.invoke } }')"
expect "node /init require('openwhisk') (bundled module)" 200 'r.ok === true'
post run "$(run_json '{}' act-ow)"
expect "node /run openwhisk() client" 200 'r.client === "function"'

start "$NODE_IMAGE" node-apperr
post init "$(init_json main 'function main(){ return Promise.reject(new Error("nope")) }')"
post run "$(run_json '{}' act-rej)"
expect "node /run rejected promise -> {error}" 200 'r.error && r.error.message === "nope" && r.error.name === "Error" && r.error.stack.includes("nope")'

start "$NODE_IMAGE" node-rejections
post init "$(init_json main 'function main(p){ if (p.how === "code") { const e = new TypeError("bad"); e.code = 42; return Promise.reject(e) } return Promise.reject(p.how === "nothing" ? undefined : {reason: p.how}) }')"
post run "$(run_json '{"how":"code"}' act-rej1)"
expect "node /run rejected with an Error carrying fields" 200 'r.error.name === "TypeError" && r.error.message === "bad" && r.error.code === 42'
post run "$(run_json '{"how":"nothing"}' act-rej2)"
expect "node /run rejected with nothing -> {error:{}}" 200 'typeof r.error === "object" && Object.keys(r.error).length === 0'
post run "$(run_json '{"how":"plain"}' act-rej3)"
expect "node /run rejected with an object -> as it is" 200 'r.error.reason === "plain"'

start "$NODE_IMAGE" node-filefunc
mkdir -p "$WORK/ff/lib" && echo 'exports.handler = (p) => ({ via: "lib/actions.handler", x: p.x });' >"$WORK/ff/lib/actions.js"
(cd "$WORK/ff" && zip -qr ../ff.zip .)
post init "$(init_json lib/actions.handler "$(base64 -w0 "$WORK/ff.zip")" true)"
expect "node /init zip, main as file.func" 200 'r.ok === true'
post run "$(run_json '{"x":3}' act-ff)"
expect "node /run zip, main as file.func" 200 'r.via === "lib/actions.handler" && r.x === 3'

start "$NODE_IMAGE" node-targz
(cd "$WORK/zip" && tar -czf ../action.tar.gz .)
post init "$(init_json main "$(base64 -w0 "$WORK/action.tar.gz")" true)"
expect "node /init tar.gz archive" 200 'r.ok === true'
post run "$(run_json '{"x":5}' act-tgz)"
expect "node /run tar.gz archive" 200 'r.zipped === 10'

# ====================================================================== java
echo "== $JAVA_IMAGE"
GSON="$HOME/.m2/repository/com/google/code/gson/gson/$GSON_VERSION/gson-$GSON_VERSION.jar"
if [ ! -f "$GSON" ]; then
  mvn -q dependency:copy -Dartifact="com.google.code.gson:gson:$GSON_VERSION" -DoutputDirectory="$WORK" >&2
  GSON="$WORK/gson-$GSON_VERSION.jar"
fi
mkdir -p "$WORK/java/src/smoke" "$WORK/java/classes"
cat >"$WORK/java/src/smoke/Hello.java" <<'JAVA'
package smoke;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

public class Hello {
    public static JsonObject main(JsonObject args) {
        System.out.println("hi");
        String name = args.has("name") ? args.get("name").getAsString() : "world";
        JsonObject r = new JsonObject();
        r.addProperty("greeting", "hello " + name);
        return r;
    }

    public static JsonObject env(JsonObject args) {
        JsonObject r = new JsonObject();
        r.addProperty("id", System.getenv("__OW_ACTIVATION_ID"));
        r.addProperty("idProp", System.getProperty("__OW_ACTIVATION_ID"));
        r.addProperty("foo", System.getenv("FOO"));
        return r;
    }

    public static JsonObject fail(JsonObject args) {
        throw new IllegalStateException("boom");
    }

    public static JsonObject noop(JsonObject args) {
        return args;
    }

    public static JsonArray pair(JsonObject args) {
        JsonArray r = new JsonArray();
        r.add(args.get("a"));
        r.add(args.get("b"));
        return r;
    }

    public static JsonArray reverse(JsonArray args) {
        JsonArray r = new JsonArray();
        for (int i = args.size() - 1; i >= 0; i--) r.add(args.get(i));
        return r;
    }

    public static JsonElement echo(JsonElement args) {
        return args;
    }
}
JAVA
javac --release 17 -nowarn -cp "$GSON" -d "$WORK/java/classes" "$WORK/java/src/smoke/Hello.java"
jar --create --file "$WORK/hello.jar" -C "$WORK/java/classes" .
JAR64="$(base64 -w0 "$WORK/hello.jar")"

t0=$(ms); start "$JAVA_IMAGE" java-hello; t1=$(ms)
echo "  container start -> listening: $((t1 - t0)) ms"
post run "$(run_json '{}' early)"
expect "java /run before /init" 500 'typeof r.error === "string"'
post init "$(init_json smoke.Hello "$JAR64" true)"
expect "java /init hello" 200 'r.ok === true'
echo "  java /init latency: $(node -e "console.log((1000 * $SECS).toFixed(1))") ms (curl time_total)"
post init "$(init_json smoke.Hello "$JAR64" true)"
expect "java second /init" 403 'typeof r.error === "string"'
post run "$(run_json '{"name":"kwhisk"}' act-1)"
expect "java /run hello" 200 'r.greeting === "hello kwhisk"'
post run "$(run_json '{}' act-2)"
expect "java /run default" 200 'r.greeting === "hello world"'
check_logs "java hello" 2 hi

start "$JAVA_IMAGE" java-error
post init "$(init_json 'smoke.Hello#fail' "$JAR64" true)"
expect "java /init Class#method" 200 'r.ok === true'
post run "$(run_json '{}' act-err)"
expect "java /run throwing action" 502 'typeof r.error === "string" && r.error.includes("boom")'
check_logs "java error" 1

start "$JAVA_IMAGE" java-env
post init "$(init_json 'smoke.Hello#env' "$JAR64" true '{"FOO":"bar"}')"
post run "$(run_json '{}' act-env)"
expect "java /run env (System.getenv + properties)" 200 'r.id === "act-env" && r.idProp === "act-env" && r.foo === "bar"'

start "$JAVA_IMAGE" java-bad
post init '{"value":{"main":"smoke.Hello"}}'
expect "java /init without code" 500 'typeof r.error === "string"'
post init "$(init_json 'smoke.Missing' "$JAR64" true)"
expect "java /init missing class" 502 'typeof r.error === "string"'

start "$JAVA_IMAGE" java-array-result
post init "$(init_json 'smoke.Hello#pair' "$JAR64" true)"
expect "java /init JsonArray pair(JsonObject)" 200 'r.ok === true'
post run "$(run_json '{"a":1,"b":2}' act-arr1)"
expect "java /run array result" 200 'Array.isArray(r) && r[0] === 1 && r[1] === 2'
post run "$(run_json '[1,2]' act-arr1b)"
expect "java /run array to a JsonObject method" 502 'typeof r.error === "string" && r.error.includes("JsonObject")'

start "$JAVA_IMAGE" java-array-params
post init "$(init_json 'smoke.Hello#reverse' "$JAR64" true)"
expect "java /init JsonArray reverse(JsonArray)" 200 'r.ok === true'
post run "$(run_json '[1,"two",3]' act-arr2)"
expect "java /run array parameters -> array result" 200 'Array.isArray(r) && r.join() === "3,two,1"'

start "$JAVA_IMAGE" java-element
post init "$(init_json 'smoke.Hello#echo' "$JAR64" true)"
post run "$(run_json '[true]' act-arr3)"
expect "java /run JsonElement echo(JsonElement) of an array" 200 'Array.isArray(r) && r[0] === true'
post run "$(run_json '{"k":"v"}' act-arr4)"
expect "java /run JsonElement echo(JsonElement) of an object" 200 'r.k === "v"'

start "$JAVA_IMAGE" java-noop
post init "$(init_json 'smoke.Hello#noop' "$JAR64" true)"
expect "java /init noop" 200 'r.ok === true'
bench; curl_bench

# ====================================================================== python
echo "== $PYTHON_IMAGE"
HELLO_PY='def main(args):
    print("hi")
    return {"greeting": "hello " + args.get("name", "world")}
'
t0=$(ms); start "$PYTHON_IMAGE" py-hello; t1=$(ms)
echo "  container start -> listening: $((t1 - t0)) ms"
post run "$(run_json '{}' early)"
expect "python /run before /init" 500 'typeof r.error === "string"'
post init "$(init_json main "$HELLO_PY")"
expect "python /init hello" 200 'r.ok === true'
echo "  python /init latency: $(node -e "console.log((1000 * $SECS).toFixed(1))") ms (curl time_total)"
post init "$(init_json main "$HELLO_PY")"
expect "python second /init" 403 'typeof r.error === "string"'
post run "$(run_json '{"name":"kwhisk"}' act-1)"
expect "python /run hello" 200 'r.greeting === "hello kwhisk"'
post run "$(run_json '{}' act-2)"
expect "python /run default" 200 'r.greeting === "hello world"'
check_logs "python hello" 2 hi
bench; curl_bench

start "$PYTHON_IMAGE" py-error
post init "$(init_json main 'def main(args):
    raise RuntimeError("boom")')"
expect "python /init throwing action" 200 'r.ok === true'
post run "$(run_json '{}' act-err)"
expect "python /run throwing action" 502 'typeof r.error === "string" && r.error.includes("boom")'
check_logs "python error" 1

start "$PYTHON_IMAGE" py-env
post init "$(init_json niam 'import os
def niam(args):
    return {"id": os.environ["__OW_ACTIVATION_ID"], "ns": os.environ["__OW_NAMESPACE"], "foo": os.environ.get("FOO"), "n": args["n"]}' false '{"FOO":"bar"}')"
expect "python /init main niam + env" 200 'r.ok === true'
post run "$(run_json '{"n":7}' act-env)"
expect "python /run (__OW_ env, init env)" 200 'r.id === "act-env" && r.ns === "guest" && r.foo === "bar" && r.n === 7'

start "$PYTHON_IMAGE" py-array
post init "$(init_json main 'def main(args):
    return list(reversed(args)) if isinstance(args, list) else [args["a"], args["b"]]')"
post run "$(run_json '{"a":1,"b":2}' act-arr1)"
expect "python /run array result" 200 'Array.isArray(r) && r[0] === 1 && r[1] === 2'
post run "$(run_json '[1,"two",3]' act-arr2)"
expect "python /run array parameters -> array result" 200 'Array.isArray(r) && r.join() === "3,two,1"'

start "$PYTHON_IMAGE" py-nondict
post init "$(init_json main 'def main(args):
    return 42')"
post run "$(run_json '{}' act-42)"
expect "python /run non-dict result" 502 'typeof r.error === "string" && r.error.includes("dictionary or array")'

start "$PYTHON_IMAGE" py-bad
post init '{"value":{"main":"main"}}'
expect "python /init without code" 500 'typeof r.error === "string"'
post init "$(init_json main 'def main(:')"
expect "python /init syntax error" 502 'typeof r.error === "string"'
start "$PYTHON_IMAGE" py-nomain
post init "$(init_json main 'def other(args): return {}')"
expect "python /init without the main function" 502 'typeof r.error === "string" && r.error.includes("main")'

start "$PYTHON_IMAGE" py-zip
mkdir -p "$WORK/pyzip/virtualenv/lib/python3.11/site-packages/vendored"
echo 'def twice(x): return 2 * x' >"$WORK/pyzip/helper.py"
echo 'NAME = "from the virtualenv"' >"$WORK/pyzip/virtualenv/lib/python3.11/site-packages/vendored/__init__.py"
cat >"$WORK/pyzip/__main__.py" <<'PY'
import helper
import vendored
def main(args):
    return {"zipped": helper.twice(args.get("x", 1)), "vendored": vendored.NAME}
PY
(cd "$WORK/pyzip" && zip -qr ../pyaction.zip .)
post init "$(init_json main "$(base64 -w0 "$WORK/pyaction.zip")" true)"
expect "python /init zip with __main__.py and a virtualenv" 200 'r.ok === true'
post run "$(run_json '{"x":21}' act-zip)"
expect "python /run zip (module beside __main__.py, package from virtualenv/)" 200 'r.zipped === 42 && r.vendored === "from the virtualenv"'

start "$PYTHON_IMAGE" py-zip-nomain
(cd "$WORK/pyzip" && rm __main__.py && zip -qr ../pynomain.zip .)
post init "$(init_json main "$(base64 -w0 "$WORK/pynomain.zip")" true)"
expect "python /init zip without __main__.py" 502 'typeof r.error === "string" && r.error.includes("__main__.py")'

echo "== $PASSES passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
