#!/usr/bin/env bash
# action-network.sh - an isolated Docker network for action containers (run as root, on the invoker's host).
#
#   scripts/action-network.sh up   [NAME] [--allow-tcp PORT ...]   create the network and its host rules (idempotent)
#   scripts/action-network.sh down [NAME]                           remove the rules and the network
#   scripts/action-network.sh status [NAME]                         show the network's options and rules
#   scripts/action-network.sh bench [N] [IMAGE]                     cold-start cost of the isolation options
#
# NAME defaults to kwhisk-actions. The invoker makes the same network and rules itself at start by default
# (kwhisk.invoker.network-isolation=iptables); this script is for an invoker that cannot (no root, another network
# namespace): run `up` on its host and set kwhisk.invoker.network-isolation=external (and kwhisk.invoker.network=NAME).
# `down` also removes what an invoker installed.
#
# What it sets up (see ARCHITECTURE.md "Security"):
#   - a bridge network with inter-container communication disabled (com.docker.network.bridge.enable_icc=false):
#     the engine drops traffic between two containers of the network, so no action reaches another's /run;
#     traffic to other Docker networks is dropped by the engine's own isolation chains;
#   - an iptables chain KWHISK-<network id> jumped to from INPUT for packets coming in on the network's bridge: it
#     rejects every connection an action container opens to any address of this host (the invoker's ports,
#     metrics, brokers listening on the host, sshd ...) except replies to connections the host opened (the
#     invoker calling /init and /run) and the TCP ports given with --allow-tcp (the controller's API, which actions
#     reach through __OW_API_HOST). Outbound traffic to other hosts is untouched (Docker's NAT).
# IPv4 only: the network is created without IPv6.
set -euo pipefail

log() { echo "action-network: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

cmd="${1:-}"; shift || true
NAME=kwhisk-actions
if [ $# -gt 0 ] && [[ "$1" != --* ]] && [ "$cmd" != bench ]; then NAME="$1"; shift; fi

chain_of() { echo "KWHISK-$(docker network inspect -f '{{.Id}}' "$1" | cut -c1-12)"; }
bridge_of() {
  local named
  named="$(docker network inspect -f '{{index .Options "com.docker.network.bridge.name"}}' "$1")"
  if [ -n "$named" ]; then echo "$named"; else echo "br-$(docker network inspect -f '{{.Id}}' "$1" | cut -c1-12)"; fi
}

up() {
  local ports=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --allow-tcp) [ $# -ge 2 ] || die "--allow-tcp needs a port"; ports+=("$2"); shift 2 ;;
      *) die "unknown argument: $1" ;;
    esac
  done
  [ "$(id -u)" -eq 0 ] || die "iptables needs root"
  if ! docker network inspect "$NAME" >/dev/null 2>&1; then
    docker network create --driver bridge -o com.docker.network.bridge.enable_icc=false \
      --label io.kwhisk.network=actions "$NAME" >/dev/null
    log "created network $NAME"
  fi
  [ "$(docker network inspect -f '{{index .Options "com.docker.network.bridge.enable_icc"}}' "$NAME")" = "false" ] \
    || die "network $NAME exists with inter-container communication enabled; remove it first"
  local chain bridge p
  chain="$(chain_of "$NAME")"
  bridge="$(bridge_of "$NAME")"
  iptables -N "$chain" 2>/dev/null || iptables -F "$chain"
  iptables -A "$chain" -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN
  for p in "${ports[@]}"; do iptables -A "$chain" -p tcp --dport "$p" -j RETURN; done
  iptables -A "$chain" -p tcp -j REJECT --reject-with tcp-reset
  iptables -A "$chain" -j REJECT --reject-with icmp-port-unreachable
  iptables -C INPUT -i "$bridge" -j "$chain" 2>/dev/null || iptables -I INPUT -i "$bridge" -j "$chain"
  log "network $NAME ($bridge): host ports closed to actions except ${ports[*]:-none}"
}

down() {
  docker network inspect "$NAME" >/dev/null 2>&1 || { log "no network $NAME"; return 0; }
  local chain bridge
  chain="$(chain_of "$NAME")"
  bridge="$(bridge_of "$NAME")"
  while iptables -D INPUT -i "$bridge" -j "$chain" 2>/dev/null; do :; done
  iptables -F "$chain" 2>/dev/null || true
  iptables -X "$chain" 2>/dev/null || true
  docker network rm "$NAME" >/dev/null
  log "removed network $NAME and its rules"
}

status() {
  docker network inspect -f '{{.Name}} {{.Id}} icc={{index .Options "com.docker.network.bridge.enable_icc"}}' "$NAME"
  iptables -S "$(chain_of "$NAME")"
}

# Cold start of a container (create + start until its port answers) on the default bridge, on one shared isolated
# network, and on a network of its own (created before and removed after, as a network-per-container design must),
# interleaved so that the three see the same load.
bench() {
  local n="${1:-10}" image="${2:-kwhisk/action-nodejs-v20:latest}" i
  local shared="kwhisk-bench-shared-$$"
  docker network create -o com.docker.network.bridge.enable_icc=false "$shared" >/dev/null
  trap 'docker network rm "$shared" >/dev/null 2>&1 || true' RETURN
  one() { # NETWORK [own] -> prints milliseconds from create to an open port, including its own network's create
    local net="$1" own="${2:-}" t0 id ip
    t0=$(date +%s%N)
    if [ -n "$own" ]; then docker network create -o com.docker.network.bridge.enable_icc=false "$net" >/dev/null; fi
    id=$(docker run -d --network "$net" "$image")
    ip=$(docker inspect -f "{{(index .NetworkSettings.Networks \"$net\").IPAddress}}" "$id")
    until (exec 3<>"/dev/tcp/$ip/8080") 2>/dev/null; do sleep 0.005; done
    echo $(( ($(date +%s%N) - t0) / 1000000 ))
    t0=$(date +%s%N)
    docker rm -f "$id" >/dev/null
    if [ -n "$own" ]; then docker network rm "$net" >/dev/null; fi
    echo $(( ($(date +%s%N) - t0) / 1000000 )) >&2
  }
  local b=() s=() o=() rb=() rs=() ro=() r
  for i in $(seq 1 "$n"); do
    b+=("$(one bridge 2>/tmp/an-r$$)"); rb+=("$(cat /tmp/an-r$$)")
    s+=("$(one "$shared" 2>/tmp/an-r$$)"); rs+=("$(cat /tmp/an-r$$)")
    o+=("$(one "kwhisk-bench-own-$$-$i" own 2>/tmp/an-r$$)"); ro+=("$(cat /tmp/an-r$$)")
  done
  rm -f /tmp/an-r$$
  median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  printf '%-44s %8s %8s\n' "option ($n runs, $image)" "start ms" "remove ms"
  printf '%-44s %8s %8s\n' "default bridge (no isolation)" "$(median "${b[@]}")" "$(median "${rb[@]}")"
  printf '%-44s %8s %8s\n' "shared network, ICC off (+ host rules)" "$(median "${s[@]}")" "$(median "${rs[@]}")"
  printf '%-44s %8s %8s\n' "a network per container" "$(median "${o[@]}")" "$(median "${ro[@]}")"
}

case "$cmd" in
  up) up "$@" ;;
  down) down ;;
  status) status ;;
  bench) bench "$@" ;;
  *) sed -n '2,8p' "$0"; exit 2 ;;
esac
