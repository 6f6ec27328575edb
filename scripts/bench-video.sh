#!/usr/bin/env bash
# bench-video.sh measures Kinesis Video Streams with `sluice bench
# video-put`, `video-live` and `video-store`, each run on a fresh server
# (its own data directory, every write fsynced before it is acknowledged:
# the default --sync-interval 0; --limits off: AWS's per-stream limits on
# PutMedia, 5 fragments/s and 12.5 MB/s, would hold video-store's one fast
# producer back), in rounds, and prints the medians and ranges. docs/benchmarks.md
# ("Video Streams") explains the figures; internal/bench/video.go defines
# them.
#
# The runs (RUNS, each -label'd with its name):
#   put-50       video-put: 50 producers, a stream each, 2 Mbit/s at a
#                real-time pace, 2 s fragments: last byte -> PERSISTED
#   put-50-1s    the same with 1 s fragments
#   put-shared   50 producers, 5 to a stream (10 streams)
#   live-50      video-live: put-50 with a GetMedia reader per stream:
#                PERSISTED ACK -> the chunk read
#   store        video-store: STORE_HOURS hours of 2 Mbit/s video stored
#                as fast as the server takes it while HLS ON_DEMAND
#                segments and 60 s GetClip clips are fetched over the range
#                stored; the server's RSS over it
#   put-100, put-200, put-300
#                (not run by default) video-put with more producers: where
#                the latency goes as the machine runs out
#
# Settings (environment):
#   ROUNDS=3  DURATION=30s  STORE_HOURS=6
#   RUNS="put-50 put-50-1s put-shared live-50 store"
#   OUT=bench-video.json   every run's -json report, one after another
#   PORT=14680             the server's port (PORT+1 serves pprof)
#   SLUICE_FLAGS=""        extra flags for the server
#   REV=                   the commit measured, for a tree without .git
#
# Needs Go and jq. It builds the working tree: run it from a clean
# checkout (git worktree add, or git archive) to measure a commit.
set -euo pipefail

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-30s}
STORE_HOURS=${STORE_HOURS:-6}
RUNS=${RUNS:-put-50 put-50-1s put-shared live-50 store}
OUT=${OUT:-bench-video.json}
PORT=${PORT:-14680}
SLUICE_FLAGS=${SLUICE_FLAGS:-}

cd "$(dirname "$0")/.."
NAME=bench-video
# shellcheck source=scripts/bench-server.sh
. scripts/bench-server.sh

# args gives a run's workload and flags.
args() {
	local d="-duration $DURATION"
	case $1 in
	put-50) echo "video-put $d -concurrency 50" ;;
	put-50-1s) echo "video-put $d -concurrency 50 -fragment 1s" ;;
	put-shared) echo "video-put $d -concurrency 50 -stream-producers 5" ;;
	live-50) echo "video-live $d -concurrency 50" ;;
	put-100) echo "video-put $d -concurrency 100" ;;
	put-200) echo "video-put $d -concurrency 200" ;;
	put-300) echo "video-put $d -concurrency 300" ;;
	store) echo "video-store -video-hours $STORE_HOURS -timeout 60s" ;;
	*)
		echo "bench-video: unknown run $1" >&2
		exit 2
		;;
	esac
}

: >"$OUT.tmp"
for round in $(seq "$ROUNDS"); do
	for run in $RUNS; do
		start
		load=$(cut -d' ' -f1-3 /proc/loadavg)
		echo "bench-video: round $round/$ROUNDS: $run; load average $load" >&2
		"$tmp/sluice" bench -json -label "$run" -server-pid "$server" -endpoint "http://127.0.0.1:$PORT" $(args "$run") \
			>"$tmp/run.json" 2>>"$tmp/bench.log" || true
		jq -c --arg before "$load" --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" '. + {load_before: $before, load_after: $load}' \
			"$tmp/run.json" >>"$OUT.tmp"
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
def errs: [.phases[] | .errors | to_entries[] | "\(.key) \(.value)"] | join(", ");
group_by(.label)[] | . as $runs | "\($runs[0].label) (\($runs[0].workload), \($runs | length) runs, failed runs: \([$runs[] | .error // empty] | length))",
  (if $runs[0].workload == "video-store" then
    "  stored hours \($runs | span(.video.hours_stored)) in s \($runs | span(.video.store_seconds)) (x real time \($runs | span(.video.speedup))); MiB/s \($runs | span(phase("store").mib_per_sec)); server CPU s per MiB \($runs | span(.video.server_cpu_seconds_per_mib))",
    "  last byte -> PERSISTED ms p50 \($runs | span(phase("store").latency_ms.p50)) p99 \($runs | span(phase("store").latency_ms.p99)) (fragments queue behind each other: not a latency target)",
    "  HLS segment GETs \($runs | span(phase("hls").records)) ms p50 \($runs | span(phase("hls").latency_ms.p50)) p99 \($runs | span(phase("hls").latency_ms.p99)) max \($runs | span(phase("hls").latency_ms.max)); sessions \($runs | span(.video.hls_sessions))",
    "  GetClip (60 s) \($runs | span(phase("clip").records)) ms p50 \($runs | span(phase("clip").latency_ms.p50)) p99 \($runs | span(phase("clip").latency_ms.p99)) max \($runs | span(phase("clip").latency_ms.max)); fragments a clip \($runs | span(.video.clip_fragments_mean))",
    "  server RSS MiB: peak \($runs | span(.memory.peak_mib)); store start \($runs | span(.memory.start_mib)), end \($runs | span(.memory.end_mib)), first-quarter mean \($runs | span(.memory.first_quarter_mean_mib)), last-quarter mean \($runs | span(.memory.last_quarter_mean_mib))"
  else
    "  \($runs[0].video.producers) producers on \($runs[0].video.streams) streams; fragments PERSISTED \($runs | span(.video.fragments)); Mbit/s \($runs | span(.video.mbit_per_sec)); unacknowledged \($runs | span(.video.unacknowledged))",
    "  last byte -> PERSISTED ms p50 \($runs | span(.latency_ms.p50)) p90 \($runs | span(.latency_ms.p90)) p99 \($runs | span(.latency_ms.p99)) max \($runs | span(.latency_ms.max))",
    "  BUFFERING -> PERSISTED ms p50 \($runs | span(.video.buffering_to_persisted_ms.p50)) p99 \($runs | span(.video.buffering_to_persisted_ms.p99))",
    "  writes late by > 1 frame \($runs | span(.video.late_writes)), latest ms \($runs | span(.video.max_write_lag_ms)); server CPU s per MiB \($runs | span(.video.server_cpu_seconds_per_mib)), server CPU s \($runs | span(.cpu.server_seconds)), client \($runs | span(.cpu.client_seconds))",
    (if $runs[0].workload == "video-live" then
      "  live PERSISTED -> chunk read ms p50 \($runs | span(.video.live_ms.p50)) p90 \($runs | span(.video.live_ms.p90)) p99 \($runs | span(.video.live_ms.p99)) max \($runs | span(.video.live_ms.max)); missing \($runs | span(.video.live_missing // 0)); read before the ACK \($runs | span(.video.live_before_ack // 0))"
    else empty end)
  end),
  "  errors: \([$runs[] | errs | select(. != "")] | if length == 0 then "none" else join("; ") end)",
  "  load average before/after each run: \([$runs[] | "\(.load_before) / \(.load_after)"] | join("; "))",
  ""
JQ
