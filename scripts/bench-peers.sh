#!/usr/bin/env bash
# bench-peers.sh runs the same `sluice bench` workloads against Sluice and
# two other Kinesis servers, kinesalite 3.3.3 and kinesis-local 0.6.2
# (kinesis-mock), in alternating rounds, and prints a table of medians with
# the ratios Sluice/peer and each server's CPU seconds per 1,000 records
# (from /proc). docs/benchmarks.md explains the figures.
#
# Needs Go and Node.js with npm (apt-get install -y nodejs npm). The peers
# are installed from npm into a temporary directory that is removed at the
# end, like the servers' data.
#
# Settings (environment):
#   ROUNDS=3              rounds; in each, every server runs every workload
#   DURATION=10s          measured time per run (after WARMUP=2s)
#   WORKLOADS="putrecords put subscribe e2e get"
#   SERVERS="sluice kinesalite kinesis-local"
#   CONCURRENCY=8 SHARDS=4 RECORD_SIZE=1024 BATCH=500
#   GET_PRELOAD=20000     records the get workload writes first, then reads
#   RUN_TIMEOUT=180       seconds a run may take before it is stopped (and
#                         reported as failed): kinesis-local takes seconds
#                         per PutRecords call under load
#   OUT=bench-results.json  every run's -json report, appended
#   SLUICE_FLAGS=""       extra flags for the Sluice server
set -euo pipefail

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
WORKLOADS=${WORKLOADS:-putrecords put subscribe e2e get}
SERVERS=${SERVERS:-sluice kinesalite kinesis-local}
CONCURRENCY=${CONCURRENCY:-8}
SHARDS=${SHARDS:-4}
RECORD_SIZE=${RECORD_SIZE:-1024}
BATCH=${BATCH:-500}
GET_PRELOAD=${GET_PRELOAD:-20000}
RUN_TIMEOUT=${RUN_TIMEOUT:-180}
OUT=${OUT:-bench-results.json}
SLUICE_FLAGS=${SLUICE_FLAGS:-}

cd "$(dirname "$0")/.."
for tool in go node npm; do
	command -v "$tool" >/dev/null || { echo "bench-peers: $tool is needed (apt-get install -y nodejs npm for node)" >&2; exit 2; }
done

tmp=$(mktemp -d)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

echo "bench-peers: building sluice and installing the peers into $tmp" >&2
go build -o "$tmp/sluice" ./cmd/sluice
npm install --silent --no-audit --no-fund --prefix "$tmp/peers" kinesalite@3.3.3 kinesis-local@0.6.2 >&2

# wait_port waits until something accepts connections on 127.0.0.1:$1.
wait_port() {
	for _ in $(seq 300); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
		sleep 0.1
	done
	echo "bench-peers: nothing listens on port $1" >&2
	return 1
}

for p in 14600 14601 14602 14603; do # before starting anything
	if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
		echo "bench-peers: port $p is taken; stop what listens there first" >&2
		exit 2
	fi
done

declare -A port
port[sluice]=14600
port[kinesalite]=14601
port[kinesis-local]=14602
server=""

# start starts server $1 afresh (empty state) and waits until it listens.
# Every server keeps its records in its own way: Sluice fsyncs each
# acknowledged write to disk (its default); kinesalite and kinesis-local
# keep them in memory. Each round starts each server anew, and only one
# runs at a time: kinesis-local keeps a core busy long after a heavy run
# (and stops answering after some), which would tax whoever runs beside it.
start() {
	rm -rf "$tmp/sluice-data"
	case $1 in
	sluice)
		"$tmp/sluice" --listen 127.0.0.1:14600 --data-dir "$tmp/sluice-data" --limits off \
			--create-delay 0 --delete-delay 0 --update-delay 0 $SLUICE_FLAGS >"$tmp/sluice.log" 2>&1 &
		;;
	kinesalite)
		node "$tmp/peers/node_modules/kinesalite/cli.js" --port 14601 --shardLimit 100000 \
			--createStreamMs 0 --deleteStreamMs 0 --updateStreamMs 0 >"$tmp/kinesalite.log" 2>&1 &
		;;
	kinesis-local)
		(cd "$tmp/peers/node_modules/kinesis-local" &&
			KINESIS_MOCK_PLAIN_PORT=14602 KINESIS_MOCK_TLS_PORT=14603 LOG_LEVEL=WARN SHARD_LIMIT=100000 \
				CREATE_STREAM_DURATION=0ms DELETE_STREAM_DURATION=0ms REGISTER_STREAM_CONSUMER_DURATION=0ms \
				DEREGISTER_STREAM_CONSUMER_DURATION=0ms exec node main.js) >"$tmp/kinesis-local.log" 2>&1 &
		;;
	*)
		echo "bench-peers: unknown server $1" >&2
		exit 2
		;;
	esac
	server=$!
	pids=("$server")
	wait_port "${port[$1]}"
	kill -0 "$server" 2>/dev/null || { echo "bench-peers: $1 exited:" >&2; cat "$tmp/$1.log" >&2; exit 1; }
}

# stop stops the running server: SIGTERM, then SIGKILL after 5 seconds,
# because a busy kinesis-local ignores SIGTERM.
stop() {
	kill "$server" 2>/dev/null || true
	for _ in $(seq 50); do
		kill -0 "$server" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$server" 2>/dev/null || true
	wait "$server" 2>/dev/null || true
	pids=()
}

# flags gives a workload's flags: the issue's settings (8 clients, 4
# shards, 1 KiB; PutRecords in batches of 500; subscribe and e2e at 1,000
# records/s, the bench default).
flags() {
	local f="-duration $DURATION -warmup $WARMUP -concurrency $CONCURRENCY -shards $SHARDS -record-size $RECORD_SIZE -batch $BATCH"
	[ "$1" = get ] && f="$f -preload $GET_PRELOAD"
	echo "$f"
}

: >"$OUT.tmp"
order=($SERVERS)
for round in $(seq "$ROUNDS"); do
	for s in "${order[@]}"; do
		start "$s"
		for workload in $WORKLOADS; do
			echo "bench-peers: round $round/$ROUNDS: $workload against $s" >&2
			# A failed or unsupported run still writes its report (with
			# "error" or "skipped"), which the table shows; one that runs
			# out of time gets a report saying so.
			if ! timeout -k 30 "$RUN_TIMEOUT" "$tmp/sluice" bench -json -label "$s" -server-pid "$server" \
				-endpoint "http://127.0.0.1:${port[$s]}" $(flags "$workload") "$workload" >"$tmp/run.json" 2>>"$tmp/bench.log"; then
				if [ ! -s "$tmp/run.json" ]; then
					printf '{"label": "%s", "workload": "%s", "error": "no report within %ss"}\n' "$s" "$workload" "$RUN_TIMEOUT" >"$tmp/run.json"
				fi
			fi
			cat "$tmp/run.json" >>"$OUT.tmp"
		done
		stop
	done
	# Alternate who goes first, so no server always runs on a machine
	# in the same state.
	order=("${order[@]:1}" "${order[0]}")
done
mv "$OUT.tmp" "$OUT"

echo
echo "Medians of $ROUNDS rounds; $DURATION measured per run after $WARMUP warmup; $CONCURRENCY clients, $SHARDS shards," \
	"$RECORD_SIZE-byte records, PutRecords batches of $BATCH; $(nproc) CPUs, $(uname -r)."
echo
"$tmp/sluice" bench table -base sluice "$OUT"
