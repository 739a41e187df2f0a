#!/usr/bin/env bash
# Measures the opshub bridge beside the stock vertx-web SockJS bridge, scenario by scenario, with one load client.
#
#   bench/compare.sh [--quick] [--only a,b,c,d,ramp,linger] [--servers opshub,stock,floor] [--out DIR] [--port P] [--no-build]
#
# For each scenario it starts ONE server (never two at once), waits for /eventbus/info, runs
# bench/target/opshub-bench.jar against it with --server-pid (server CPU per 100k deliveries, RSS start/peak/end),
# stops that server, then does the same with the other one. Results: DIR/<scenario>-<server>.json (+ .txt, logs),
# DIR/table.md (markdown table for docs/BENCHMARKS.md) and DIR/machine.md. Every run is bounded in time; the script
# only ever kills the PIDs it started itself.
#
# Scenarios (issue 3), 200-byte pad:
#   a     1,000 connections x 200 msg/s = 200,000 deliveries/s
#   b     1,000 connections x  10 msg/s
#   c    10,000 connections x  10 msg/s (RSS); then its floors ("floor", C programs compiled with cc when there is
#         one): the same load on loopback TCP alone (bench/floor/loopback_floor.c) and from a SockJS server that does
#         nothing but write the frames (bench/floor/sockjs_floor.c) to the same load client
#   d     1,000 connections x 100 msg/s for 60 s; one connection stops reading for 30 s, then reconnects with its
#         last epoch/offset (RSS growth, the others' p99, slow_consumer close, resume completeness); opshub runs
#         with a history of 10,000 messages (HUB_D_CONFIG_JSON) so a 30 s gap is still resumable
#   ramp  stock bridge only, 1,000 connections x 20 and 50 msg/s: where the baseline breaks
#   linger opshub only, scenario a again with the bridge's batchFillWait at 0 (every busy connection on the 35 ms
#         linger) and 50 ms (default 45): emptier or fuller frames, more or fewer socket writes, more or less CPU,
#         shorter or longer waits (the CPU/latency trade-off in docs/BENCHMARKS.md)
#
# JVM flags: both servers get the same SERVER_JVM_OPTS (default below), the client CLIENT_JVM_OPTS. The servers' heap
# is fixed and pre-touched (-Xms = -Xmx, AlwaysPreTouch) so that RSS growth measures memory the server holds on to
# (direct buffers of stuck sockets, native memory), not G1 deciding to grow the heap under allocation pressure;
# jstat's old-generation figures (start/end of the window) show retained heap.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH_JAR="$ROOT/bench/target/opshub-bench.jar"
# HUB_JAR=/path/to/opshub.jar measures another build of the hub (an earlier commit, say) with the same load client
HUB_JAR=${HUB_JAR:-"$ROOT/hub/target/opshub.jar"}
SERVER_JVM_OPTS=${SERVER_JVM_OPTS:-"-Xms512m -Xmx512m -XX:+AlwaysPreTouch -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError"}
CLIENT_JVM_OPTS=${CLIENT_JVM_OPTS:-"-Xms512m -Xmx2g -XX:+UseG1GC"}
PAYLOAD=200
# the stock server deploys its HTTP verticle once per core (what a Vert.x user does); opshub deploys one web verticle
STOCK_INSTANCES=${STOCK_INSTANCES:-$(nproc)}

QUICK=0
ONLY="a,b,c,d,ramp,linger"
SERVERS="opshub,stock,floor"
OUT="$ROOT/bench/target/compare-$(date -u +%Y%m%dT%H%M%SZ)"
PORT=${PORT:-18480}
BUILD=1

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --only) ONLY="$2"; shift ;;
    --servers) SERVERS="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    --port) PORT="$2"; shift ;;
    --no-build) BUILD=0 ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 64 ;;
  esac
  shift
done

if [ "$QUICK" = 1 ]; then
  WARMUP=3; DURATION=8; C_CONNS=2000; D_DURATION=20; D_STALL=10
else
  # 20 s of warm-up: after 1,000 connections open, the first seconds still include JIT compilation (per-second
  # progress lines of a 10 s warm-up showed p99 60-110 ms in its first 4 measured seconds, 39-43 ms after)
  WARMUP=20; DURATION=30; C_CONNS=10000; D_DURATION=60; D_STALL=30
fi
# Scenario d: the stalled client must come back while what it missed is still in the node's history. The bridge
# keeps 1,000 messages / 60 s per address by default = 10 s at 100 msg/s; this config keeps 100 s of ops.bench.
HUB_D_CONFIG_JSON='{"bridge":{"historySize":10000,"historyMaxAge":120000}}'
HUB_EXTRA_ARGS=()

# 10,000 client sockets in one process and as many in the server: raise the descriptor limit as far as allowed
ulimit -n 200000 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

mkdir -p "$OUT"
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

if [ "$BUILD" = 1 ] && { [ ! -f "$BENCH_JAR" ] || { [[ ",$SERVERS," == *",opshub,"* ]] && [ ! -f "$HUB_JAR" ]; }; }; then
  log "building (mvn -q -o -DskipTests package)"
  (cd "$ROOT" && mvn -q -o -DskipTests package)
fi
[ -f "$BENCH_JAR" ] || { echo "missing $BENCH_JAR" >&2; exit 1; }
# run private copies: a build started meanwhile (the tree is shared) must not swap a jar under a running server
mkdir -p "$OUT/jars"
cp "$BENCH_JAR" "$OUT/jars/opshub-bench.jar"; BENCH_JAR="$OUT/jars/opshub-bench.jar"
HUB_JAR_SOURCE=$HUB_JAR
if [ -f "$HUB_JAR" ]; then cp "$HUB_JAR" "$OUT/jars/opshub.jar"; HUB_JAR="$OUT/jars/opshub.jar"; fi

STARTED_PIDS=()
SERVER_PID=""
stop_server() {
  local pid="$1"
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}
cleanup() { for pid in "${STARTED_PIDS[@]}"; do stop_server "$pid"; done; }
trap cleanup EXIT INT TERM

# port must be free: another server still bound there would be measured instead of ours
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

start_server() { # server rate logfile -> sets SERVER_PID
  local server="$1" rate="$2" logfile="$3"
  for _ in $(seq 1 50); do port_free && break; sleep 0.2; done
  port_free || { log "port $PORT is busy"; return 1; }
  case "$server" in
    opshub)
      [ -f "$HUB_JAR" ] || { log "missing $HUB_JAR"; return 1; }
      local data; data=$(mktemp -d "$OUT/hub-data.XXXX")
      # shellcheck disable=SC2086
      java $SERVER_JVM_OPTS -jar "$HUB_JAR" --http-port "$PORT" --data-dir "$data" \
        --bench-rate "$rate" --bench-payload "$PAYLOAD" ${HUB_EXTRA_ARGS[@]+"${HUB_EXTRA_ARGS[@]}"} >"$logfile" 2>&1 &
      ;;
    stock)
      # shellcheck disable=SC2086
      java $SERVER_JVM_OPTS -jar "$BENCH_JAR" stock-server --port "$PORT" \
        --rate "$rate" --payload "$PAYLOAD" --instances "$STOCK_INSTANCES" >"$logfile" 2>&1 &
      ;;
    floor)
      # exits by itself after the connect phase's bound, warm-up and measurement
      "$OUT/jars/sockjs_floor" "$PORT" "$rate" "$PAYLOAD" $((WARMUP + DURATION + 300)) >"$logfile" 2>&1 &
      ;;
  esac
  SERVER_PID=$!
  STARTED_PIDS+=("$SERVER_PID")
  for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/eventbus/info" 2>/dev/null; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { log "$server exited at start, see $logfile"; return 1; }
    sleep 0.5
  done
  log "$server not ready after 60 s, see $logfile"
  return 1
}

run_one() { # scenario server conns rate duration [extra client args...]
  local scenario="$1" server="$2" conns="$3" rate="$4" duration="$5"; shift 5
  local base="$OUT/$scenario-$server"
  [[ ",$SERVERS," == *",$server,"* ]] || return 0
  log "scenario $scenario on $server: $conns connections x $rate msg/s $*"
  if ! start_server "$server" "$rate" "$base.server.log"; then
    stop_server "$SERVER_PID"; return 0
  fi
  sleep 2   # let the publisher and (opshub) the engine start before connections arrive
  local bound=$((WARMUP + duration + 300))
  # shellcheck disable=SC2086
  timeout --kill-after=10 "$bound" java $CLIENT_JVM_OPTS -jar "$BENCH_JAR" \
    --url "http://127.0.0.1:$PORT/eventbus" --conns "$conns" --rate "$rate" --warmup "$WARMUP" --duration "$duration" \
    --server-pid "$SERVER_PID" --scenario "$scenario" --label "$server" --json "$base.json" "$@" \
    >"$base.txt" 2>"$base.progress.log" || log "client exited with $? (see $base.progress.log)"
  cat "$base.txt" >&2 || true
  stop_server "$SERVER_PID"
  SERVER_PID=""
}

# Scenario c's floors, so each reference shows what this machine allows in the same period (needs a C compiler, cc;
# without one they are skipped with a message):
# - loopback: bench/floor/loopback_floor.c sends the same connections, rate and frame size over loopback TCP (one
#   thread writing, one reading; no JVM, WebSocket or bridge): the kernel alone. Its output: c-loopback.txt.
# - server "floor": bench/floor/sockjs_floor.c, a SockJS server that only writes each bench message to every
#   connection (no JVM, no queues, no batching), measured with the same load client as the bridges: c-floor.json.
build_floors() {
  local cc; cc=$(command -v cc || command -v gcc || true)
  if [ -z "$cc" ]; then log "scenario c floors: no C compiler (cc or gcc) on this machine, skipped"; return 1; fi
  "$cc" -O2 -o "$OUT/jars/loopback_floor" "$ROOT/bench/floor/loopback_floor.c" \
    && "$cc" -O2 -o "$OUT/jars/sockjs_floor" "$ROOT/bench/floor/sockjs_floor.c" \
    || { log "scenario c floors: compile failed"; return 1; }
}
run_floors() { # conns rate
  [[ ",$SERVERS," == *",floor,"* ]] || return 0
  build_floors || return 0
  # a bench message on the wire: the pad plus 172 bytes (SockJS frame, bridge envelope, seq/ts, WebSocket header)
  local frame=$((PAYLOAD + 172))
  log "scenario c on loopback TCP alone (bench/floor/loopback_floor.c): $1 connections x $2 msg/s, $frame-byte frames"
  timeout --kill-after=10 $((DURATION + 120)) "$OUT/jars/loopback_floor" "$1" "$2" "$frame" 5 "$DURATION" \
    >"$OUT/c-loopback.txt" 2>&1 || log "loopback_floor exited with $?"
  cat "$OUT/c-loopback.txt" >&2 || true
  run_one c floor "$1" "$2" "$DURATION" --connect-timeout 240
}

{
  echo "- date (UTC): $(date -u '+%Y-%m-%d %H:%M')"
  echo "- cpus: $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "- virtualization: $(lscpu 2>/dev/null | awk -F: '/Hypervisor vendor|Virtualization type/ {gsub(/^ +/, "", $2); printf "%s ", $2}')"
  echo "- memory: $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo)"
  echo "- java: $(java -version 2>&1 | head -1)"
  echo "- kernel: $(uname -r)"
  echo "- server JVM flags: $SERVER_JVM_OPTS"
  echo "- client JVM flags: $CLIENT_JVM_OPTS"
  echo "- stock server HTTP verticle instances: $STOCK_INSTANCES"
  echo "- tree: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown) (+ uncommitted changes); hub jar $HUB_JAR_SOURCE built $(date -u -r "$HUB_JAR_SOURCE" '+%H:%M UTC' 2>/dev/null || echo never), bench jar built $(date -u -r "$ROOT/bench/target/opshub-bench.jar" '+%H:%M UTC')"
  echo "- load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- mode: $([ "$QUICK" = 1 ] && echo quick || echo full), warmup ${WARMUP} s, measured ${DURATION} s (d: ${D_DURATION} s, stall ${D_STALL} s)"
} >"$OUT/machine.md"

has() { [[ ",$ONLY," == *",$1,"* ]]; }
if has a; then run_one a opshub 1000 200 "$DURATION"; run_one a stock 1000 200 "$DURATION"; fi
if has b; then run_one b opshub 1000 10 "$DURATION"; run_one b stock 1000 10 "$DURATION"; fi
if has c; then
  run_one c opshub "$C_CONNS" 10 "$DURATION" --connect-timeout 240
  run_one c stock "$C_CONNS" 10 "$DURATION" --connect-timeout 240
  run_floors "$C_CONNS" 10
fi
if has d; then
  echo "$HUB_D_CONFIG_JSON" >"$OUT/hub-d.json"
  HUB_EXTRA_ARGS=(--config "$OUT/hub-d.json")
  run_one d opshub 1000 100 "$D_DURATION" --stall 1 --stall-for "$D_STALL"
  HUB_EXTRA_ARGS=()
  run_one d stock 1000 100 "$D_DURATION" --stall 1 --stall-for "$D_STALL"
fi
if has linger; then
  for fill in 0 50; do
    echo "{\"bridge\":{\"batchFillWait\":$fill}}" >"$OUT/hub-fill$fill.json"
    HUB_EXTRA_ARGS=(--config "$OUT/hub-fill$fill.json")
    run_one "a-fill$fill" opshub 1000 200 "$DURATION"
  done
  HUB_EXTRA_ARGS=()
fi
if has ramp; then
  run_one ramp20 stock 1000 20 "$DURATION"
  run_one ramp50 stock 1000 50 "$DURATION"
fi

echo "- load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/machine.md"
# the network transport each server logged (hub: --transport auto; stock server and load client: epoll where it loads)
for f in "$OUT"/*.server.log; do
  [ -f "$f" ] || continue
  [[ "$f" == *-floor.server.log ]] && continue   # the C floor server has no transport to choose
  t=$(grep -o -m1 -E 'network transport [a-z_]+|transport [a-z_]+\)' "$f" | awk '{print $NF}' | tr -d ')' || true)
  echo "- network transport of $(basename "$f" .server.log): ${t:-unknown}" >>"$OUT/machine.md"
done
reports=()
for f in a-opshub a-stock b-opshub b-stock c-opshub c-stock c-floor d-opshub d-stock ramp20-stock ramp50-stock \
    a-fill0-opshub a-fill50-opshub; do
  [ -f "$OUT/$f.json" ] && reports+=("$OUT/$f.json")
done
: >"$OUT/table.md"
[ ${#reports[@]} -gt 0 ] && java -jar "$BENCH_JAR" table "${reports[@]}" >"$OUT/table.md"
if [ -f "$OUT/c-floor.json" ]; then
  { echo; echo "c / floor: bench/floor/sockjs_floor.c, a SockJS server in C that only writes every message to every"
    echo "connection (one frame per message, no batching), with the same load client."; } >>"$OUT/table.md"
fi
if [ -s "$OUT/c-loopback.txt" ]; then
  { echo; echo "Scenario c on loopback TCP alone (bench/floor/loopback_floor.c, same connections, rate and frame size):"
    echo; sed 's/^/    /' "$OUT/c-loopback.txt"; } >>"$OUT/table.md"
fi
[ -s "$OUT/table.md" ] && cat "$OUT/machine.md" "$OUT/table.md"
log "results in $OUT"
