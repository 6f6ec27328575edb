#!/usr/bin/env bash
# bench-analytics.sh measures Data Analytics SQL applications with
# `sluice bench analytics-filter` and `analytics-window`, each run on a
# fresh server (its own data directory, --limits off, every write fsynced
# before it is acknowledged: the default --sync-interval 0), in rounds, and
# prints the medians and ranges. docs/benchmarks.md ("Data Analytics")
# explains the figures; internal/bench/analytics.go defines them.
#
# The runs (RUNS, each -label'd with its name):
#   filter          analytics-filter: drain a 1,000,000-record backlog, then
#                   PutRecords as fast as the clients can (10% pass)
#   window          analytics-window, the same (1 s windows, 500 tickers)
#   filter-latency  analytics-filter, PutRecord at 1,000/s, every row passing
#   filter-100k     analytics-filter at 100,000 records/s (PutRecords of 500
#                   at 200/s), 10% passing: keeps up? latency under load
#   window-200k     analytics-window at 200,000 records/s (500 x 400/s)
#   window-memory   analytics-window at 100,000 records/s for MEMORY_DURATION:
#                   the server's RSS over time
#
# Settings (environment):
#   ROUNDS=3  DURATION=10s  WARMUP=2s  MEMORY_DURATION=300s
#   RUNS="filter window filter-latency filter-100k window-200k window-memory"
#   OUT=bench-analytics.json   every run's -json report, one after another
#   PORT=14620                 the server's port (PORT+1 serves pprof)
#   SLUICE_FLAGS=""            extra flags for the server
#   REV=                       the commit measured, for a tree without .git
#
# Needs Go and jq. It builds the working tree: run it from a clean
# checkout (git worktree add, or git archive) to measure a commit.
set -euo pipefail

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
MEMORY_DURATION=${MEMORY_DURATION:-300s}
RUNS=${RUNS:-filter window filter-latency filter-100k window-200k window-memory}
OUT=${OUT:-bench-analytics.json}
PORT=${PORT:-14620}
SLUICE_FLAGS=${SLUICE_FLAGS:-}

cd "$(dirname "$0")/.."
NAME=bench-analytics
# shellcheck source=scripts/bench-server.sh
. scripts/bench-server.sh

# args gives a run's workload and flags.
args() {
	local d="-duration $DURATION -warmup $WARMUP"
	case $1 in
	filter) echo "analytics-filter $d" ;;
	window) echo "analytics-window $d" ;;
	filter-latency) echo "analytics-filter $d -rate 1000" ;;
	filter-100k) echo "analytics-filter $d -rate 200 -batch 500 -selectivity 10" ;;
	window-200k) echo "analytics-window $d -rate 400 -batch 500" ;;
	window-memory) echo "analytics-window -duration $MEMORY_DURATION -warmup 5s -rate 200 -batch 500" ;;
	*)
		echo "bench-analytics: unknown run $1" >&2
		exit 2
		;;
	esac
}

: >"$OUT.tmp"
for round in $(seq "$ROUNDS"); do
	for run in $RUNS; do
		start
		echo "bench-analytics: round $round/$ROUNDS: $run; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
		"$tmp/sluice" bench -json -label "$run" -server-pid "$server" -endpoint "http://127.0.0.1:$PORT" $(args "$run") \
			>"$tmp/run.json" 2>>"$tmp/bench.log" || true
		jq -c --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" '. + {load_after: $load}' "$tmp/run.json" >>"$OUT.tmp"
		stop
	done
done
mv "$OUT.tmp" "$OUT"

echo
echo "Medians [min–max] of $ROUNDS rounds, a fresh server each run; $(nproc) CPUs, $(uname -r), $rev."
echo
jq -rs -f /dev/stdin "$OUT" <<'JQ'
def med: sort | if length == 0 then null elif length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
def r(n): (. * pow(10; n) | round) / pow(10; n);
def span(f): [.[] | f | select(. != null)] | if length == 0 then "–" else "\(med | r(3)) [\(min | r(3))–\(max | r(3))]" end;
def phase(n): .phases[] | select(.phase == n);
group_by(.label)[] | . as $runs | "\($runs[0].label) (\($runs[0].workload), \($runs | length) runs, errors: \([$runs[] | .error // empty] | length))",
  (if any($runs[]; any(.phases[]; .phase == "drain")) then
    "  preload records/s \($runs | span(phase("preload").records_per_sec))",
    "  drain rows/s \($runs | span(phase("drain").records_per_sec)); seconds \($runs | span(phase("drain").seconds)); server CPU s per 1k rows \($runs | span(phase("drain").cpu.server_seconds_per_1k_records)); client \($runs | span(phase("drain").cpu.client_seconds_per_1k_records))",
    "  live put records/s \($runs | span(phase("put").records_per_sec)); process rows/s \($runs | span(phase("process").records_per_sec)); server CPU s per 1k \($runs | span(phase("put").cpu.server_seconds_per_1k_records)); client \($runs | span(phase("put").cpu.client_seconds_per_1k_records))"
  else
    "  put records/s \($runs | span(phase("put").records_per_sec)); server CPU s per 1k \($runs | span(phase("put").cpu.server_seconds_per_1k_records)); client \($runs | span(phase("put").cpu.client_seconds_per_1k_records))",
    "  deliver rows/s \($runs | span(phase("deliver").records_per_sec)); ms p50 \($runs | span(phase("deliver").latency_ms.p50)) p90 \($runs | span(phase("deliver").latency_ms.p90)) p99 \($runs | span(phase("deliver").latency_ms.p99)) max \($runs | span(phase("deliver").latency_ms.max)); missing \($runs | span(.delivery.missing))"
  end),
  "  behind when the input stopped (s) \($runs | span(.analytics.behind_seconds)); start (s) \($runs | span(.analytics.start_seconds)); output records \($runs | span(.analytics.output_records)) (expected \($runs | span(.analytics.expected_output_records)))",
  "  server RSS MiB: peak \($runs | span(.memory.peak_mib)); measured window start \($runs | span(.memory.start_mib)), end \($runs | span(.memory.end_mib)), first-quarter mean \($runs | span(.memory.first_quarter_mean_mib)), last-quarter mean \($runs | span(.memory.last_quarter_mean_mib))",
  "  load average after each run: \([$runs[] | .load_after] | join("; "))",
  ""
JQ
