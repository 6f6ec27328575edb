#!/usr/bin/env bash
# bench-scale.sh measures what the performance targets say about size
# rather than speed, on a fresh Sluice server in a temporary directory:
#
#   memory    the server's peak resident size (VmRSS from /proc, sampled
#             every 0.2 s) while `sluice bench get` writes GB gigabytes
#             (default 10) and then reads them back from TRIM_HORIZON
#   startup   the time from starting the server on that data until it
#             answers a PutRecord, after a clean stop and after kill -9
#   shards    `sluice bench shards` with STREAMS x SHARDS (100 x 100):
#             create 10,000 shards, write to every one, read every one
#             back; then the start-up time with them
#
# Needs Go only. Prints one line per figure; docs/benchmarks.md has the
# results. Settings (environment): GB=10 STREAMS=100 SHARDS=100
# READ_SECONDS=40 (how long the read phase runs; at the speed of these
# machines it reads the whole log about once).
set -euo pipefail

GB=${GB:-10}
STREAMS=${STREAMS:-100}
SHARDS=${SHARDS:-100}
READ_SECONDS=${READ_SECONDS:-40}
PORT=${PORT:-14610}

cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
server=""
sampler=""
cleanup() {
	[ -n "$sampler" ] && kill "$sampler" 2>/dev/null || true
	[ -n "$server" ] && kill -9 "$server" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

go build -o "$tmp/sluice" ./cmd/sluice
endpoint="http://127.0.0.1:$PORT"

# start launches the server on $1 (a data directory) in the background.
start() {
	"$tmp/sluice" --listen "127.0.0.1:$PORT" --data-dir "$1" --limits off \
		--create-delay 0 --delete-delay 0 --update-delay 0 >>"$tmp/server.log" 2>&1 &
	server=$!
}

# sample_rss writes the peak VmRSS (kB) of pid $1 to file $2, every 0.2 s.
sample_rss() {
	local peak=0 rss
	while kill -0 "$1" 2>/dev/null; do
		rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0)
		[ "${rss:-0}" -gt "$peak" ] && peak=$rss && echo "$peak" >"$2"
		sleep 0.2
	done
}

# ready_after prints the seconds from $2 (date +%s.%N) until the server
# accepts connections (polled every 10 ms) and has written a record to
# stream $1 with PutRecord.
ready_after() {
	until (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; do sleep 0.01; done
	"$tmp/sluice" put --endpoint "$endpoint" --stream "$1" ready >/dev/null
	awk -v t0="$2" -v t1="$(date +%s.%N)" 'BEGIN {printf "%.2f", t1 - t0}'
}

json_field() { # json_field FILE KEY: the first "KEY": number in FILE
	grep -o "\"$2\": *[0-9.]*" "$1" | head -1 | sed 's/.*: *//'
}

echo "== memory: write ${GB} GB, then read for ${READ_SECONDS}s =="
start "$tmp/data"
sleep 0.5
echo 0 >"$tmp/rss.write"
sample_rss "$server" "$tmp/rss.write" &
sampler=$!
records=$((GB * 1000 * 1000 * 1000 / 1024))
"$tmp/sluice" bench get -endpoint "$endpoint" -json -keep -stream scale -concurrency 8 -shards 4 -record-size 1024 \
	-preload "$records" -warmup 0s -duration "${READ_SECONDS}s" -server-pid "$server" >"$tmp/get.json" 2>"$tmp/get.log"
kill "$sampler" 2>/dev/null || true
stream=$(grep -o 'scale-get-[a-z0-9]*' "$tmp/get.log" | head -1 || true)
du_gb=$(du -sb "$tmp/data" | awk '{printf "%.2f", $1 / 1e9}')
echo "data directory: $du_gb GB"
awk '/"phase": "preload"/ {p=1} p && /"mib_per_sec"/ {sub(/,$/, "", $2); print "write: " $2 " MiB/s"; exit}' "$tmp/get.json"
echo "read: $(json_field "$tmp/get.json" mib_per_sec) MiB/s, $(json_field "$tmp/get.json" records) records in ${READ_SECONDS}s"
echo "peak RSS while writing and reading: $(($(cat "$tmp/rss.write") / 1024)) MiB"

echo "== startup with $du_gb GB =="
kill -TERM "$server"; wait "$server" || true
t0=$(date +%s.%N); start "$tmp/data"
echo "after a clean stop: $(ready_after "${stream:-scale}" "$t0") s"
kill -9 "$server"; wait "$server" 2>/dev/null || true
t0=$(date +%s.%N); start "$tmp/data"
echo "after kill -9: $(ready_after "${stream:-scale}" "$t0") s"
echo "RSS after start-up: $(($(awk '/^VmRSS:/ {print $2}' "/proc/$server/status") / 1024)) MiB"
kill -9 "$server"; wait "$server" 2>/dev/null || true
rm -rf "$tmp/data"

echo "== shards: $STREAMS streams x $SHARDS shards =="
start "$tmp/shards"
sleep 0.5
echo 0 >"$tmp/rss.shards"
sample_rss "$server" "$tmp/rss.shards" &
sampler=$!
"$tmp/sluice" bench shards -endpoint "$endpoint" -keep -stream many -streams "$STREAMS" -shards "$SHARDS" \
	-records-per-shard 10 -concurrency 8 2>"$tmp/shards.log" | grep -E "^shards:|THROTTLED|ERROR" || true
kill "$sampler" 2>/dev/null || true
echo "peak RSS: $(($(cat "$tmp/rss.shards") / 1024)) MiB"
first=$(grep -o 'many-shards-[a-z0-9]*-0*' "$tmp/shards.log" | head -1 || true)
kill -TERM "$server"; wait "$server" || true
t0=$(date +%s.%N); start "$tmp/shards"
echo "startup with $((STREAMS * SHARDS)) shards: $(ready_after "${first:-many}" "$t0") s"
echo "RSS after start-up: $(($(awk '/^VmRSS:/ {print $2}' "/proc/$server/status") / 1024)) MiB"
