# bench-server.sh is sourced by the bench-*.sh scripts that run each
# measurement on a fresh server: it checks the tools and the port, builds
# sluice from the working tree into a temporary directory removed at exit,
# and defines start (a fresh server with its own data directory, --limits
# off, every write fsynced before it is acknowledged) and stop.
#
# The sourcing script sets NAME (for messages), PORT (PORT+1 serves pprof)
# and SLUICE_FLAGS (extra server flags); afterwards $tmp is the temporary
# directory, $tmp/sluice the binary, $server the running server's PID and
# $rev the commit measured (REV overrides it, for a tree without .git).

for tool in go jq; do
	command -v "$tool" >/dev/null || { echo "$NAME: $tool is needed" >&2; exit 2; }
done
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
	echo "$NAME: port $PORT is taken; set PORT" >&2
	exit 2
fi

tmp=$(mktemp -d)
server=""
cleanup() {
	[ -n "$server" ] && kill -9 "$server" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# What is measured: the commit, and whether the tree differs from it.
rev=${REV:-$(git rev-parse --short HEAD 2>/dev/null || echo "an unknown commit")}
if [ -n "$(git status --porcelain --untracked-files=no -- '*.go' 2>/dev/null)" ]; then
	rev="$rev with uncommitted changes"
fi
echo "$NAME: building sluice (as make build does) at $rev" >&2
go build -o "$tmp/sluice" ./cmd/sluice

start() {
	rm -rf "$tmp/data"
	# shellcheck disable=SC2086 # SLUICE_FLAGS is a list of flags
	"$tmp/sluice" --listen "127.0.0.1:$PORT" --debug-listen "127.0.0.1:$((PORT + 1))" --data-dir "$tmp/data" --limits off \
		--create-delay 0 --delete-delay 0 --update-delay 0 $SLUICE_FLAGS >"$tmp/sluice.log" 2>&1 &
	server=$!
	for _ in $(seq 300); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then return 0; fi
		sleep 0.1
	done
	echo "$NAME: the server did not start:" >&2
	cat "$tmp/sluice.log" >&2
	exit 1
}

stop() {
	kill "$server" 2>/dev/null || true
	wait "$server" 2>/dev/null || true
	server=""
}
