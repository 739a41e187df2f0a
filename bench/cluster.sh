#!/usr/bin/env bash
# Measures the cluster hop: the same load on one opshub node and through HAProxy in front of two web nodes and an
# engine node, then the same cluster over SockJS xhr-streaming instead of WebSocket.
#
#   bench/cluster.sh [--quick] [--runs single,cluster,xhr] [--out DIR] [--port P] [--no-build]
#
# Runs (1,000 connections x 10 msg/s each, 200-byte pad, one load client bench/target/opshub-bench.jar):
#   single   one hub node with every role and --bench-rate, the client straight at it
#   cluster  an agents,engine node publishing the bench stream, two --roles web nodes (own HTTP and Hazelcast ports,
#            a random cluster name, --cluster-members listing all three), HAProxy with deploy/haproxy/haproxy.cfg as
#            shipped (OPSHUB_HTTP_SERVE=yes: its plain-HTTP frontend; the TLS bind gets a throwaway self-signed
#            certificate), the client through HAProxy over WebSocket
#   xhr      the same cluster, the client with --transport xhr-streaming; skipped (a line in the table says so)
#            when the web nodes answer 404 for xhr_streaming
# Each process's CPU (/proc/PID/stat utime+stime) is read at the client's first and last progress line of its measured
# window (one line a second, so DURATION-1 s inside it; the client's deliveries/s times that time is the divisor): CPU seconds per 100k deliveries per node and for HAProxy. Results: DIR/<run>.json (+ .txt, logs),
# DIR/cpu-<run>.tsv, DIR/table.md (with the hop: cluster p50/p99 minus single p50/p99) and DIR/machine.md.
# Every wait is bounded; the script only ever kills the PIDs it started itself.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH_JAR="$ROOT/bench/target/opshub-bench.jar"
HUB_JAR=${HUB_JAR:-"$ROOT/hub/target/opshub.jar"}
HAPROXY_CFG="$ROOT/deploy/haproxy/haproxy.cfg"
SERVER_JVM_OPTS=${SERVER_JVM_OPTS:-"-Xms512m -Xmx512m -XX:+AlwaysPreTouch -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError"}
CLIENT_JVM_OPTS=${CLIENT_JVM_OPTS:-"-Xms512m -Xmx2g -XX:+UseG1GC"}
CONNS=1000
RATE=10
PAYLOAD=200

QUICK=0
RUNS="single,cluster,xhr"
OUT="$ROOT/bench/target/cluster-$(date -u +%Y%m%dT%H%M%SZ)"
PORT=${PORT:-18580}
BUILD=1

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --runs) RUNS="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    --port) PORT="$2"; shift ;;
    --no-build) BUILD=0 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 64 ;;
  esac
  shift
done
if [ "$QUICK" = 1 ]; then WARMUP=3; DURATION=8; else WARMUP=20; DURATION=30; fi

# ports: single node, engine, two web nodes, HAProxy http and https, three Hazelcast members
SINGLE_PORT=$PORT; ENGINE_PORT=$((PORT + 1)); WEB1_PORT=$((PORT + 2)); WEB2_PORT=$((PORT + 3))
HAPROXY_HTTP=$((PORT + 4)); HAPROXY_HTTPS=$((PORT + 5))
HZ1=$((PORT + 10)); HZ2=$((PORT + 11)); HZ3=$((PORT + 12))
MEMBERS="127.0.0.1:$HZ1,127.0.0.1:$HZ2,127.0.0.1:$HZ3"
CLUSTER_NAME="bench-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"

ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
# HAProxy wants about 2 descriptors per connection and refuses to start above the limit; xhr-streaming needs 2
# connections per session (stream + send), so 4,000 at most here
FD_LIMIT=$(ulimit -n)
HAPROXY_MAXCONN=$(( (FD_LIMIT - 200) / 2 < 10000 ? (FD_LIMIT - 200) / 2 : 10000 ))
mkdir -p "$OUT"
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
has() { [[ ",$RUNS," == *",$1,"* ]]; }

if [ "$BUILD" = 1 ]; then
  log "building (mvn -q -o -DskipTests package)"
  (cd "$ROOT" && mvn -q -o -DskipTests package)
fi
for f in "$BENCH_JAR" "$HUB_JAR"; do [ -f "$f" ] || { echo "missing $f (build without --no-build)" >&2; exit 1; }; done
# private copies: a build started meanwhile must not swap a jar under a running node
mkdir -p "$OUT/jars"
cp "$BENCH_JAR" "$OUT/jars/opshub-bench.jar"; BENCH_JAR="$OUT/jars/opshub-bench.jar"
cp "$HUB_JAR" "$OUT/jars/opshub.jar"; HUB_JAR="$OUT/jars/opshub.jar"

STARTED_PIDS=()
stop_pid() {
  local pid="$1"
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}
cleanup() { for pid in ${STARTED_PIDS[@]+"${STARTED_PIDS[@]}"}; do stop_pid "$pid"; done; }
trap cleanup EXIT INT TERM

haproxy_command() { # the runtime API over its unix socket (no socat needed)
  python3 -c 'import socket,sys
s = socket.socket(socket.AF_UNIX); s.settimeout(2); s.connect(sys.argv[1]); s.sendall((sys.argv[2] + "\n").encode())
out = b""
while True:
    b = s.recv(65536)
    if not b: break
    out += b
sys.stdout.write(out.decode())' "$OUT/haproxy.sock" "$1" 2>/dev/null || true
}
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in $SINGLE_PORT $ENGINE_PORT $WEB1_PORT $WEB2_PORT $HAPROXY_HTTP $HAPROXY_HTTPS $HZ1 $HZ2 $HZ3; do
  port_free "$p" || { echo "port $p is busy (choose another base with --port)" >&2; exit 1; }
done

# wait_http URL SECONDS PID: until URL answers 2xx, while PID lives
wait_http() {
  local url="$1" seconds="$2" pid="$3"
  for _ in $(seq 1 $((seconds * 2))); do
    curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.5
  done
  return 1
}

start_hub() { # name logfile args... -> sets LAST_PID
  local name="$1" logfile="$2"; shift 2
  local data; data=$(mktemp -d "$OUT/data-$name.XXXX")
  # shellcheck disable=SC2086
  java $SERVER_JVM_OPTS -jar "$HUB_JAR" --host 127.0.0.1 --data-dir "$data" "$@" >"$logfile" 2>&1 &
  LAST_PID=$!
  STARTED_PIDS+=("$LAST_PID")
}

cpu_ticks() { # utime + stime of a PID (fields 14 and 15, counted after the command name's closing parenthesis)
  local stat; stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo -1; return; }
  stat=${stat##*) }
  # shellcheck disable=SC2086
  set -- $stat
  echo $(( ${12} + ${13} ))
}

# run_client NAME URL "node=pid ..." [client args...]: the load, and each node's CPU over the measured window
run_client() {
  local name="$1" url="$2" nodes="$3"; shift 3
  local base="$OUT/$name" bound=$((WARMUP + DURATION + 240))
  log "run $name: $CONNS connections x $RATE msg/s at $url $*"
  # shellcheck disable=SC2086
  timeout --kill-after=10 "$bound" java $CLIENT_JVM_OPTS -jar "$BENCH_JAR" --url "$url" --conns "$CONNS" \
    --rate "$RATE" --warmup "$WARMUP" --duration "$DURATION" --scenario "$name" --label "$name" \
    --json "$base.json" "$@" >"$base.txt" 2>"$base.progress.log" &
  local client=$!
  declare -A start=()
  local t0="" t1="" spec
  while kill -0 "$client" 2>/dev/null; do
    if [ -z "$t0" ] && grep -q '^\[ *[0-9]*s\] measure ' "$base.progress.log" 2>/dev/null; then
      t0=$(date +%s.%N)
      for spec in $nodes; do start[${spec%%=*}]=$(cpu_ticks "${spec#*=}"); done
    elif [ -n "$t0" ] && [ "$(grep -c '^\[ *[0-9]*s\] measure ' "$base.progress.log")" -ge "$DURATION" ]; then
      break   # the last progress line of the window: the CPU read stays inside it (no connection teardown)
    fi
    sleep 0.2
  done
  if [ -n "$t0" ]; then
    t1=$(date +%s.%N)
    : >"$OUT/cpu-$name.tsv"
    for spec in $nodes; do
      local now; now=$(cpu_ticks "${spec#*=}")
      printf '%s\t%s\t%s\n' "${spec%%=*}" "$(( now - ${start[${spec%%=*}]} ))" "$(awk "BEGIN {print $t1 - $t0}")" >>"$OUT/cpu-$name.tsv"
    done
  fi
  wait "$client" || log "client exited with $? (see $base.progress.log)"
  cat "$base.txt" >&2 || true
}

{
  echo "- date (UTC): $(date -u '+%Y-%m-%d %H:%M')"
  echo "- cpus: $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "- memory: $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo)"
  echo "- java: $(java -version 2>&1 | head -1); $(haproxy -v 2>/dev/null | sed -n 1p)"
  echo "- tree: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown); server JVM flags: $SERVER_JVM_OPTS"
  echo "- load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- mode: $([ "$QUICK" = 1 ] && echo quick || echo full), warmup ${WARMUP} s, measured ${DURATION} s"
} >"$OUT/machine.md"
: >"$OUT/skipped.txt"

if has single; then
  start_hub single "$OUT/single.server.log" --http-port "$SINGLE_PORT" --bench-rate "$RATE" --bench-payload "$PAYLOAD"
  SINGLE_PID=$LAST_PID
  if wait_http "http://127.0.0.1:$SINGLE_PORT/eventbus/info" 60 "$SINGLE_PID"; then
    sleep 2   # the publisher and the engine start
    run_client single "http://127.0.0.1:$SINGLE_PORT/eventbus" "node=$SINGLE_PID"
  else
    log "single node not ready, see $OUT/single.server.log"; echo "single	node did not start" >>"$OUT/skipped.txt"
  fi
  stop_pid "$SINGLE_PID"
fi

if has cluster || has xhr; then
  command -v haproxy >/dev/null || { log "no haproxy (apt-get install -y haproxy): cluster runs skipped"; exit 1; }
  command -v openssl >/dev/null || { log "no openssl: cluster runs skipped"; exit 1; }
  TLS="$OUT/tls"; mkdir -p "$TLS"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$TLS/key.pem" -out "$TLS/cert.pem" 2>/dev/null
  cat "$TLS/cert.pem" "$TLS/key.pem" >"$TLS/opshub.pem"
  CLUSTER=(--cluster --cluster-name "$CLUSTER_NAME" --cluster-members "$MEMBERS" --cluster-interface 127.0.0.1)
  start_hub engine "$OUT/engine.server.log" "${CLUSTER[@]}" --roles agents,engine --cluster-port "$HZ1" \
    --http-port "$ENGINE_PORT" --bench-rate "$RATE" --bench-payload "$PAYLOAD"
  ENGINE_PID=$LAST_PID
  start_hub web1 "$OUT/web1.server.log" "${CLUSTER[@]}" --roles web --cluster-port "$HZ2" --http-port "$WEB1_PORT"
  WEB1_PID=$LAST_PID
  start_hub web2 "$OUT/web2.server.log" "${CLUSTER[@]}" --roles web --cluster-port "$HZ3" --http-port "$WEB2_PORT"
  WEB2_PID=$LAST_PID
  OPSHUB_TLS_PEM="$TLS/opshub.pem" OPSHUB_HTTPS_BIND="127.0.0.1:$HAPROXY_HTTPS" OPSHUB_HTTP_BIND="127.0.0.1:$HAPROXY_HTTP" \
    OPSHUB_HTTP_SERVE=yes OPSHUB_WEB1="127.0.0.1:$WEB1_PORT" OPSHUB_WEB2="127.0.0.1:$WEB2_PORT" \
    OPSHUB_HAPROXY_SOCKET="$OUT/haproxy.sock" OPSHUB_HAPROXY_MAXCONN=$HAPROXY_MAXCONN OPSHUB_HAPROXY_LOG=stdout \
    haproxy -db -f "$HAPROXY_CFG" >"$OUT/haproxy.log" 2>&1 &
  HAPROXY_PID=$!
  STARTED_PIDS+=("$HAPROXY_PID")
  ready=1
  for spec in "web1 $WEB1_PORT $WEB1_PID" "web2 $WEB2_PORT $WEB2_PID"; do
    set -- $spec
    wait_http "http://127.0.0.1:$2/ready" 90 "$3" || { log "$1 not ready, see $OUT/$1.server.log"; ready=0; }
  done
  for _ in $(seq 1 120); do grep -q 'engine active' "$OUT/engine.server.log" && break; sleep 0.5; done
  grep -q 'engine active' "$OUT/engine.server.log" || { log "engine not active, see $OUT/engine.server.log"; ready=0; }
  # both web nodes UP in HAProxy (2 good checks each), then the bridge answers through it
  for _ in $(seq 1 60); do
    up=$(haproxy_command "show servers state opshub_web" | awk '$6 == 2' | wc -l || true)
    [ "${up:-0}" -ge 2 ] && break
    sleep 0.5
  done
  wait_http "http://127.0.0.1:$HAPROXY_HTTP/eventbus/info" 30 "$HAPROXY_PID" || { log "HAProxy not serving, see $OUT/haproxy.log"; ready=0; }
  NODES="engine=$ENGINE_PID web1=$WEB1_PID web2=$WEB2_PID haproxy=$HAPROXY_PID"
  if [ "$ready" = 1 ]; then
    sleep 2
    if has cluster; then run_client cluster "http://127.0.0.1:$HAPROXY_HTTP/eventbus" "$NODES"; fi
    if has xhr; then
      status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -X POST \
        "http://127.0.0.1:$HAPROXY_HTTP/eventbus/000/clusterprobe/xhr_streaming" || true)
      if [ "$status" = 200 ]; then
        run_client xhr "http://127.0.0.1:$HAPROXY_HTTP/eventbus" "$NODES" --transport xhr-streaming
      else
        log "xhr run skipped: the web nodes answer $status for xhr_streaming"
        echo "xhr	skipped: the web nodes answer HTTP $status for xhr_streaming (no xhr-streaming transport in this build)" >>"$OUT/skipped.txt"
      fi
    fi
  else
    echo "cluster	skipped: the cluster did not come up (logs in $OUT)" >>"$OUT/skipped.txt"
  fi
fi

echo "- load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/machine.md"
python3 "$ROOT/bench/cluster_table.py" "$OUT" >"$OUT/table.md"
cat "$OUT/machine.md" "$OUT/table.md"
log "results in $OUT"
