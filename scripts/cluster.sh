#!/usr/bin/env bash
# cluster.sh - a real multi-node kwhisk on this machine, from the images of scripts/build-images.sh:
#
#   scripts/cluster.sh up [--build]   3 Kafka brokers (KRaft, replication 3), 2 controllers behind HAProxy, 2 invokers
#   scripts/cluster.sh status         the containers, the probes and the invokers the controllers see healthy
#   scripts/cluster.sh down           stops everything (gracefully: invokers remove their action containers)
#
# Each process runs in its own container on the Docker network kwhisk-cluster; the invokers share this machine's
# Docker engine (its socket) for action containers, which they attach to that network, unisolated
# (KWHISK_INVOKER_NETWORK_ISOLATION=off: an invoker in a container of its own cannot install the host rules, and on a
# network with inter-container traffic off it could not call its containers; a test bed, not a deployment). The API is
# http://localhost:${KWHISK_CLUSTER_PORT:-3280}; `up` registers the namespace guest and writes its key, in the wsk
# properties format, to .kwhisk/cluster/wskprops (the README's tour and perf/run.sh work with it unchanged).
# --build (re)builds the images first; without it they are built only when missing.
#
# Environment: KWHISK_CLUSTER_PORT (3280), KWHISK_CLUSTER_USER_MEMORY_MB (per invoker, 2048),
#   KWHISK_CLUSTER_LOGS=stream|file (invokers run as a non-root user and read logs from the engine's stream; file
#   runs them as root with /var/lib/docker/containers mounted read-only, to read the json log files).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.kwhisk/cluster"
NET=kwhisk-cluster
PORT="${KWHISK_CLUSTER_PORT:-3280}"
MEMORY="${KWHISK_CLUSTER_USER_MEMORY_MB:-2048}"
LOGS="${KWHISK_CLUSTER_LOGS:-stream}"
TAG="${KWHISK_IMAGE_TAG:-latest}"
BROKERS=(1 2 3)
CONTROLLERS=(0 1)
INVOKERS=(1 2)
BOOTSTRAP="kafka-1:9092,kafka-2:9092,kafka-3:9092"
LABEL=io.kwhisk.deployment=cluster-sh

log() { echo "cluster: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

containers() { docker ps -a --filter "label=$LABEL" --format '{{.Names}}' | sort; }
ip_of() { docker inspect -f "{{ (index .NetworkSettings.Networks \"$NET\").IPAddress }}" "$1" 2>/dev/null || true; }
http_ok() { curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; }

# wait_for WHAT SECONDS COMMAND... : polls COMMAND every half second until it succeeds
wait_for() {
  local what="$1" limit="$2" i; shift 2
  for ((i = 0; i < limit * 2; i++)); do
    if "$@"; then return 0; fi
    sleep 0.5
  done
  die "$what not ready after ${limit}s (docker logs of the cluster's containers: scripts/cluster.sh status)"
}

kafka_started() { docker logs "kwhisk-kafka-$1" 2>&1 | grep -q "Kafka Server started"; }
controller_ready() { local ip; ip="$(ip_of "kwhisk-controller-$1")"; [ -n "$ip" ] && http_ok "http://$ip:3233/ping"; }
invoker_ready() { local ip; ip="$(ip_of "kwhisk-invoker-$1")"; [ -n "$ip" ] && http_ok "http://$ip:8081/ready"; }
healthy_invokers() { # as controller $1 sees them
  local ip; ip="$(ip_of "kwhisk-controller-$1")"
  curl -fsS --max-time 2 "http://$ip:3233/metrics" 2>/dev/null | awk '/^kwhisk_controller_invokers_healthy/ { print int($2) }'
}
all_invokers_seen() { local c; for c in "${CONTROLLERS[@]}"; do [ "$(healthy_invokers "$c")" = "${#INVOKERS[@]}" ] || return 1; done; }

up() {
  local build=0 t0=$SECONDS
  [ "${1:-}" = --build ] && build=1
  bash "$ROOT/scripts/ensure-docker.sh"
  [ -n "$(containers)" ] && die "a cluster exists already (scripts/cluster.sh down first)"
  for i in controller invoker kafka lb; do
    [ -n "$(docker images -q "kwhisk/$i:$TAG")" ] || build=1
  done
  [ "$build" -eq 1 ] && bash "$ROOT/scripts/build-images.sh"
  bash "$ROOT/scripts/build-runtimes.sh" nodejs java

  mkdir -p "$STATE"
  docker network inspect "$NET" >/dev/null 2>&1 || docker network create --label "$LABEL" "$NET" >/dev/null
  local cluster_id voters="" b c n
  cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
  for b in "${BROKERS[@]}"; do voters="${voters:+$voters,}$b@kafka-$b:9093"; done

  log "starting ${#BROKERS[@]} Kafka brokers (cluster $cluster_id) ..."
  for b in "${BROKERS[@]}"; do
    docker run -d --name "kwhisk-kafka-$b" --hostname "kafka-$b" --network "$NET" --label "$LABEL" \
      --stop-timeout 30 -e KAFKA_NODE_ID="$b" -e KAFKA_CLUSTER_ID="$cluster_id" \
      -e KAFKA_CONTROLLER_QUORUM_VOTERS="$voters" -e KAFKA_JAVA_OPTS="-Xms256m -Xmx768m" \
      "kwhisk/kafka:$TAG" >/dev/null
  done
  for b in "${BROKERS[@]}"; do wait_for "kafka-$b" 120 kafka_started "$b"; done

  # The namespace guest and its key: kept across down/up in the state directory, registered at every up.
  [ -s "$STATE/guest.auth" ] || echo "$(cat /proc/sys/kernel/random/uuid):$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 64)" >"$STATE/guest.auth"
  local auth; auth="$(cat "$STATE/guest.auth")"
  log "registering namespace guest ..."
  docker run --rm --network "$NET" --label "$LABEL" -e KWHISK_KAFKA_BOOTSTRAP_SERVERS="$BOOTSTRAP" \
    -e KWHISK_CONTROLLER_REPLICATION_FACTOR=3 -e JAVA_TOOL_OPTIONS="-Xmx256m" "kwhisk/controller:$TAG" \
    io.kwhisk.controller.admin.AdminMain namespace register guest "$auth" 2>&1 | grep -v JAVA_TOOL_OPTIONS >&2

  log "starting ${#CONTROLLERS[@]} controllers and ${#INVOKERS[@]} invokers ..."
  # With n > 1, each controller admits its share of every namespace limit and creates the containers of the actions
  # the consumer group kwhisk-schedulers assigns it (ARCHITECTURE.md, Deployment).
  for c in "${CONTROLLERS[@]}"; do
    docker run -d --name "kwhisk-controller-$c" --hostname "controller-$c" --network "$NET" --label "$LABEL" \
      --stop-timeout 70 -e KWHISK_CONTROLLER_ID="$c" -e KWHISK_KAFKA_BOOTSTRAP_SERVERS="$BOOTSTRAP" \
      -e KWHISK_CONTROLLER_ADVERTISED_URL="http://controller-$c:3233" \
      -e KWHISK_CONTROLLER_THROTTLE_CONTROLLERS="${#CONTROLLERS[@]}" \
      -e KWHISK_CONTROLLER_REPLICATION_FACTOR=3 -e JAVA_TOOL_OPTIONS="-Xmx768m -XX:+ExitOnOutOfMemoryError" \
      "kwhisk/controller:$TAG" >/dev/null
  done
  local gid user=() logs=()
  gid="$(stat -c %g /var/run/docker.sock)"
  if [ "$LOGS" = file ]; then
    user=(--user 0); logs=(-v /var/lib/docker/containers:/var/lib/docker/containers:ro)
  else
    user=(--group-add "$gid")
  fi
  for n in "${INVOKERS[@]}"; do
    docker run -d --name "kwhisk-invoker-$n" --hostname "invoker-$n" --network "$NET" --label "$LABEL" \
      --stop-timeout 70 "${user[@]}" -v /var/run/docker.sock:/var/run/docker.sock "${logs[@]}" \
      -e KWHISK_INVOKER_ID="$n" -e KWHISK_KAFKA_BOOTSTRAP_SERVERS="$BOOTSTRAP" -e KWHISK_INVOKER_NETWORK="$NET" \
      -e KWHISK_INVOKER_NETWORK_ISOLATION=off \
      -e KWHISK_INVOKER_USER_MEMORY_MB="$MEMORY" -e JAVA_TOOL_OPTIONS="-Xmx768m -XX:+ExitOnOutOfMemoryError" \
      "kwhisk/invoker:$TAG" >/dev/null
  done

  # HAProxy: round robin over the controllers that answer /ping; Docker's DNS finds them by name.
  cat >"$STATE/haproxy.cfg" <<CFG
global
  maxconn 8000
resolvers docker
  nameserver dns 127.0.0.11:53
defaults
  mode http
  timeout connect 5s
  timeout client 120s
  timeout server 120s
  timeout http-keep-alive 120s
  option http-keep-alive
  default-server init-addr last,libc,none resolvers docker check inter 2s fall 2 rise 1
frontend api
  bind :3233
  default_backend controllers
backend controllers
  balance roundrobin
  option httpchk
  http-check send meth GET uri /ping ver HTTP/1.1 hdr Host kwhisk
$(for c in "${CONTROLLERS[@]}"; do echo "  server controller-$c controller-$c:3233"; done)
CFG
  docker run -d --name kwhisk-lb --hostname lb --network "$NET" --label "$LABEL" -p "$PORT:3233" \
    -v "$STATE/haproxy.cfg:/etc/haproxy/haproxy.cfg:ro" "kwhisk/lb:$TAG" >/dev/null

  for c in "${CONTROLLERS[@]}"; do wait_for "controller-$c" 120 controller_ready "$c"; done
  for n in "${INVOKERS[@]}"; do wait_for "invoker-$n" 120 invoker_ready "$n"; done
  wait_for "the invokers' heartbeats" 60 all_invokers_seen
  wait_for "the load balancer" 30 http_ok "http://localhost:$PORT/ping"
  printf 'APIHOST=http://localhost:%s\nAUTH=%s\nNAMESPACE=guest\n' "$PORT" "$auth" >"$STATE/wskprops"
  log "up in $((SECONDS - t0)) s: API http://localhost:$PORT, credentials in $STATE/wskprops"
}

status() {
  local n
  if [ -z "$(containers)" ]; then echo "no cluster (scripts/cluster.sh up)"; return 3; fi
  docker ps -a --filter "label=$LABEL" --format 'table {{.Names}}\t{{.Status}}\t{{.Ports}}'
  for n in "${CONTROLLERS[@]}"; do
    printf 'controller-%s  /ping %s  healthy invokers: %s\n' "$n" \
      "$(controller_ready "$n" && echo ok || echo DOWN)" "$(healthy_invokers "$n" || echo ?)"
  done
  for n in "${INVOKERS[@]}"; do
    printf 'invoker-%s     /ready %s  action containers: %s\n' "$n" "$(invoker_ready "$n" && echo ok || echo DOWN)" \
      "$(docker ps -q --filter "label=io.kwhisk.invoker=$n" --filter "network=$NET" | wc -l)"
  done
  printf 'load balancer  http://localhost:%s/ping %s\n' "$PORT" "$(http_ok "http://localhost:$PORT/ping" && echo ok || echo DOWN)"
}

down() {
  local all
  all="$(containers)"
  if [ -n "$all" ]; then
    log "stopping: load balancer, controllers and invokers (graceful), then Kafka ..."
    docker stop kwhisk-lb >/dev/null 2>&1 || true
    # shellcheck disable=SC2046
    docker stop -t 70 $(grep -E 'controller|invoker' <<<"$all") >/dev/null 2>&1 || true
    # shellcheck disable=SC2046
    docker stop -t 30 $(grep kafka <<<"$all") >/dev/null 2>&1 || true
    # shellcheck disable=SC2046
    docker rm -f -v $all >/dev/null
  fi
  docker network rm "$NET" >/dev/null 2>&1 || true
  rm -f "$STATE/wskprops"
  log "down"
}

case "${1:-}" in
  up) shift; up "$@" ;;
  status) status ;;
  down) down ;;
  *) sed -n '2,17p' "$0"; exit 2 ;;
esac
