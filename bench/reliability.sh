#!/usr/bin/env bash
# Runs the fault tests (real JVMs from the jar, see docs/RELIABILITY.md) RUNS times and tabulates what they measured.
#
#   bench/reliability.sh [--runs N] [--tests TakeoverIT,AgentFailoverIT,ReconnectIT,PartitionIT] [--out DIR] [--no-build]
#
# Each run is `mvn verify -pl hub -Dit.test=<tests>` (every test bounded in time, nodes killed by PID); each test
# appends one JSON line per fault to hub/target/reliability/<test>.jsonl. The lines of these runs are copied to
# DIR/*.jsonl and DIR/table.md gets the markdown table for docs/RELIABILITY.md (runs, min, median, max per figure).
# PartitionIT needs root (network namespaces); elsewhere it is skipped and says why.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=3
TESTS="TakeoverIT,AgentFailoverIT,ReconnectIT,PartitionIT"
OUT="$ROOT/bench/target/reliability-$(date -u +%Y%m%dT%H%M%SZ)"
BUILD=1

while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift ;;
    --tests) TESTS="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    --no-build) BUILD=0 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 64 ;;
  esac
  shift
done

cd "$ROOT"
if [ "$BUILD" = 1 ]; then
  mvn -B -q -DskipTests install
fi
mkdir -p "$OUT"
rm -rf hub/target/reliability
for run in $(seq 1 "$RUNS"); do
  echo "== run $run of $RUNS: $TESTS"
  timeout 1800 mvn -B -o verify -pl hub -Dit.test="$TESTS" -Dtest=NoSuch -Dsurefire.failIfNoSpecifiedTests=false \
    -Dfailsafe.failIfNoSpecifiedTests=false > "$OUT/run-$run.log" 2>&1 \
    || { echo "run $run failed: see $OUT/run-$run.log" >&2; exit 1; }
  grep -h '^reliability ' "$OUT/run-$run.log" || true
done
cp hub/target/reliability/*.jsonl "$OUT/"
java -jar bench/target/opshub-bench.jar reliability-table "$OUT"/*.jsonl | tee "$OUT/table.md"
{
  echo "- $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1)"
  echo "- commit $(git rev-parse --short HEAD), $RUNS runs of $TESTS, nothing else running"
} > "$OUT/machine.md"
echo "results in $OUT"
