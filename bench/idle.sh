#!/usr/bin/env bash
# What an idle dashboard connection costs a node: RSS and live heap per connection at N idle SockJS WebSockets.
#
#   bench/idle.sh [--conns N] [--servers opshub,stock,floor] [--out DIR] [--port P] [--nmt] [--no-build]
#
# For each server in turn (never two at once) it starts the server with SERVER_JVM_OPTS (default: the node flags
# README recommends), waits for /eventbus/info, settles, takes a full GC and measures VmRSS (/proc/PID/status), the
# live heap (the GC.class_histogram total, which collects first) and with --nmt the JVM's native memory summary.
# Then bench/target/opshub-bench.jar opens N connections registered on the dashboard's streams (ops.health,
# ops.agents.state, ops.incidents), silent apart from the client's bridge pings and the server's heartbeats; once
# all are open and SETTLE seconds have passed it measures again and reports (after - before) / N.
# Servers: opshub (java -jar hub/target/opshub.jar, one node, all roles), stock (the vertx-web SockJS bridge,
# bench StockBridgeServer), floor (bench IdleFloorServer: a Vert.x server that accepts the same upgrade and only
# holds it). Results: DIR/idle.md, DIR/<server>-{before,after}.histo, DIR/<server>.*.log. Every step is bounded;
# the script only kills the PIDs it started.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH_JAR="$ROOT/bench/target/opshub-bench.jar"
HUB_JAR=${HUB_JAR:-"$ROOT/hub/target/opshub.jar"}
# README's recommended node flags: a fixed, pre-touched heap, so RSS/conn is what a connection adds outside the heap
# and its heap share is the live-heap figure (SERVER_JVM_OPTS="-Xms512m -Xmx512m" shows RSS as the heap grows)
NODE_JVM_OPTS="-Xms512m -Xmx512m -XX:+AlwaysPreTouch -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError"
SERVER_JVM_OPTS=${SERVER_JVM_OPTS:-"$NODE_JVM_OPTS"}
CLIENT_JVM_OPTS=${CLIENT_JVM_OPTS:-"-Xms512m -Xmx3g -XX:+UseG1GC"}
ADDRESSES=ops.health,ops.agents.state,ops.incidents
CONNS=15000
SERVERS="opshub,stock,floor"
OUT="$ROOT/bench/target/idle-$(date -u +%Y%m%dT%H%M%SZ)"
PORT=${PORT:-18490}
SETTLE=${SETTLE:-20}
NMT=0
BUILD=1

while [ $# -gt 0 ]; do
  case "$1" in
    --conns) CONNS="$2"; shift ;;
    --servers) SERVERS="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    --port) PORT="$2"; shift ;;
    --nmt) NMT=1 ;;
    --no-build) BUILD=0 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 64 ;;
  esac
  shift
done
[ "$NMT" = 1 ] && SERVER_JVM_OPTS="$SERVER_JVM_OPTS -XX:NativeMemoryTracking=summary"

ulimit -n 200000 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
mkdir -p "$OUT/jars"
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

if [ "$BUILD" = 1 ] && { [ ! -f "$BENCH_JAR" ] || [ ! -f "$HUB_JAR" ]; }; then
  log "building (mvn -q -o -DskipTests package)"
  (cd "$ROOT" && mvn -q -o -DskipTests package)
fi
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
cleanup() { for pid in "${STARTED_PIDS[@]}"; do stop_pid "$pid"; done; }
trap cleanup EXIT INT TERM
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

start_server() { # server logfile -> SERVER_PID
  local server="$1" logfile="$2"
  for _ in $(seq 1 50); do port_free && break; sleep 0.2; done
  port_free || { log "port $PORT is busy"; return 1; }
  case "$server" in
    opshub)
      local data; data=$(mktemp -d "$OUT/hub-data.XXXX")
      # shellcheck disable=SC2086
      java $SERVER_JVM_OPTS -jar "$HUB_JAR" --http-port "$PORT" --data-dir "$data" >"$logfile" 2>&1 & ;;
    stock)
      # shellcheck disable=SC2086
      java $SERVER_JVM_OPTS -jar "$BENCH_JAR" stock-server --port "$PORT" --address "$ADDRESSES" >"$logfile" 2>&1 & ;;
    floor)
      # shellcheck disable=SC2086
      java $SERVER_JVM_OPTS -jar "$BENCH_JAR" idle-floor-server --port "$PORT" >"$logfile" 2>&1 & ;;
  esac
  SERVER_PID=$!
  STARTED_PIDS+=("$SERVER_PID")
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "http://127.0.0.1:$PORT/eventbus/info" 2>/dev/null && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { log "$server exited at start, see $logfile"; return 1; }
    sleep 0.5
  done
  log "$server not ready after 60 s"; return 1
}

# prints "rss_kb live_heap_bytes sockets descriptors"; the class histogram collects (full GC) before counting live objects
measure() { # pid histo-file [nmt-file]
  local pid="$1" histo="$2"
  jcmd "$pid" GC.run >/dev/null
  jcmd "$pid" GC.class_histogram >"$histo"
  [ "$NMT" = 1 ] && [ -n "${3:-}" ] && jcmd "$pid" VM.native_memory summary >"$3"
  local rss heap sockets fds
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
  heap=$(awk '/^Total/ {print $3}' "$histo")
  sockets=$(find "/proc/$pid/fd" -lname 'socket:*' 2>/dev/null | wc -l)
  fds=$(find "/proc/$pid/fd" -mindepth 1 2>/dev/null | wc -l)
  echo "$rss $heap $sockets $fds"
}

open_count() { grep -o 'open [0-9]*/' "$1" 2>/dev/null | tail -1 | tr -dc 0-9; }

{
  echo "| server | connections open | RSS before → after (MB) | RSS / conn | live heap before → after (MB) | live heap / conn |"
  echo "|---|---|---|---|---|---|"
} >"$OUT/idle.md"

run_one() { # server
  local server="$1" base="$OUT/$1"
  log "$server: starting ($SERVER_JVM_OPTS)"
  start_server "$server" "$base.server.log" || { stop_pid "$SERVER_PID"; return 0; }
  sleep "$SETTLE"
  read -r rss0 heap0 sock0 fds0 < <(measure "$SERVER_PID" "$base-before.histo" "$base-before.nmt")
  log "$server before: RSS $rss0 kB, live heap $heap0 B, $sock0 sockets, $fds0 descriptors"
  # the client holds the connections for up to 10 minutes; we stop it as soon as the server is measured
  # shellcheck disable=SC2086
  timeout --kill-after=10 900 java $CLIENT_JVM_OPTS -jar "$BENCH_JAR" --url "http://127.0.0.1:$PORT/eventbus" \
    --conns "$CONNS" --address "$ADDRESSES" --warmup 1 --duration 600 --connect-timeout 300 \
    --server-pid "$SERVER_PID" --label "$server" --scenario idle >"$base.client.txt" 2>"$base.client.log" &
  local client=$!
  STARTED_PIDS+=("$client")
  local waited=0
  while [ "$(open_count "$base.client.log")" != "$CONNS" ] && [ $waited -lt 300 ] && kill -0 "$client" 2>/dev/null; do
    sleep 2; waited=$((waited + 2))
  done
  sleep "$SETTLE"
  local open; open=$(open_count "$base.client.log"); open=${open:-0}
  read -r rss1 heap1 sock1 fds1 < <(measure "$SERVER_PID" "$base-after.histo" "$base-after.nmt")
  log "$server after: $open open, RSS $rss1 kB, live heap $heap1 B, $sock1 sockets, $fds1 descriptors"
  stop_pid "$client"
  stop_pid "$SERVER_PID"
  if [ "$open" -gt 0 ]; then
    awk -v s="$server" -v n="$open" -v r0="$rss0" -v r1="$rss1" -v h0="$heap0" -v h1="$heap1" 'BEGIN {
      printf "| %s | %d | %.0f → %.0f | %.1f KB | %.1f → %.1f | %.1f KB |\n", s, n, r0/1024, r1/1024,
        (r1-r0)*1024/n/1000, h0/1e6, h1/1e6, (h1-h0)/n/1000 }' >>"$OUT/idle.md"
  fi
}

IFS=',' read -r -a list <<<"$SERVERS"
for s in "${list[@]}"; do run_one "$s"; done
{
  echo
  echo "- N = $CONNS idle connections on $ADDRESSES; KB = 1000 bytes; settle ${SETTLE} s; full GC before each figure"
  echo "- server JVM flags: $SERVER_JVM_OPTS; client: $CLIENT_JVM_OPTS"
  echo "- machine: $(nproc) cpus, $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1), kernel $(uname -r)"
  echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} >>"$OUT/idle.md"
cat "$OUT/idle.md"
log "results in $OUT"
