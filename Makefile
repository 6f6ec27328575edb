# Sluice: `make run` starts the server, `make test` runs every test.
GO      ?= go
PKGS    := ./...
# The core packages also run under the race detector.
RACE_PKGS := ./internal/analytics/... ./internal/video/... ./internal/awsproto/... ./internal/streams/... ./internal/storage/... ./internal/logstore/... ./internal/vfs/... ./internal/server/... ./internal/api/... ./internal/firehose/... ./internal/metrics/... ./internal/objectstore/...

.PHONY: run build test test-tools test-js test-browser test-s3 test-python test-ffmpeg test-postgres vet fmt fuzz bench bench-peers bench-scale bench-cluster

run:
	$(GO) run ./cmd/sluice --listen 127.0.0.1:4567 --data-dir ./data

build:
	$(GO) build -o bin/sluice ./cmd/sluice

# test-tools installs what the tests drive besides Go: Debian's AWS CLI, the
# JavaScript SDK (test-js), the browser for the console (test-browser), a
# real S3 server for Firehose (test-s3), boto3 (test-python), ffmpeg for
# the video packaging tests (test-ffmpeg) and PostgreSQL for the Firehose
# Redshift destination (test-postgres).
test-tools: test-js test-browser test-s3 test-python test-ffmpeg test-postgres
	@if [ ! -x /usr/bin/aws ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "installing awscli (Debian) for the CLI tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli >/dev/null; \
		else \
			echo "warning: /usr/bin/aws missing and cannot apt-get install it; the CLI test uses aws from PATH"; \
		fi; \
	fi

# test-js installs the JavaScript SDK test's packages from the committed lock
# file, and Debian's nodejs and npm first when there is no node.
test-js:
	@if ! command -v node >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "installing nodejs and npm (Debian) for the JavaScript SDK test"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
		else \
			echo "warning: node missing and cannot apt-get install it; the JavaScript SDK test needs it"; \
		fi; \
	fi
	@if [ ! -d test/js/node_modules/playwright-core ] || [ ! -d test/js/node_modules/@aws-sdk/client-kinesis ] || [ ! -d test/js/node_modules/@aws-sdk/client-kinesis-video-media ] || [ ! -d test/js/node_modules/@aws-sdk/client-kinesis-video ] || [ ! -d test/js/node_modules/@aws-sdk/client-kinesis-video-archived-media ] || [ ! -d test/js/node_modules/hls.js ] || [ ! -d test/js/node_modules/hyparquet ] || [ ! -d test/js/node_modules/icebird ]; then \
		if command -v npm >/dev/null; then npm ci --prefix test/js --no-audit --no-fund; fi; \
	fi

# test-browser installs Debian's chromium for the console's browser tests
# (playwright-core drives it; it never downloads a browser), and fails when
# it cannot: those tests are part of the suite.
test-browser: test-js
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "installing chromium (Debian) for the console's browser tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		fi; \
	fi
	@test -x /usr/bin/chromium || { echo "error: the console's browser tests need /usr/bin/chromium; run as root with apt-get, or apt-get install -y chromium"; exit 1; }
	@test -d test/js/node_modules/playwright-core || { echo "error: the console's browser tests need playwright-core: npm ci --prefix test/js (needs node and npm)"; exit 1; }

# test-s3 installs versitygw, the S3-compatible server the Firehose tests
# deliver to (POSIX backend in a temporary directory), into GOPATH/bin.
VERSITYGW := $(shell $(GO) env GOPATH)/bin/versitygw
test-s3:
	@if ! command -v versitygw >/dev/null && [ ! -x "$(VERSITYGW)" ]; then \
		echo "installing versitygw v1.8.0 for the Firehose S3 tests"; \
		$(GO) install github.com/versity/versitygw/cmd/versitygw@v1.8.0; \
	fi

# test-python installs Debian's python3-boto3 for the boto3 smoke test.
test-python:
	@if ! /usr/bin/python3 -c 'import boto3' 2>/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "installing python3-boto3 (Debian) for the boto3 test"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-boto3 >/dev/null; \
		else \
			echo "warning: /usr/bin/python3 cannot import boto3 and cannot apt-get install python3-boto3"; \
		fi; \
	fi

# test-ffmpeg installs Debian's ffmpeg (with ffprobe): the video tests make
# their fixtures with it and check what Sluice packages with ffprobe.
test-ffmpeg:
	@if ! command -v ffprobe >/dev/null || ! command -v ffmpeg >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "installing ffmpeg (Debian) for the video tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg >/dev/null; \
		else \
			echo "warning: ffmpeg/ffprobe missing and cannot apt-get install them (run as root, or apt-get install -y ffmpeg); the video packaging tests skip"; \
		fi; \
	fi

# test-postgres installs Debian's postgresql: the Firehose Redshift tests
# start its server binaries (/usr/lib/postgresql/*/bin) on a cluster of
# their own in a temporary directory, and fail without them.
test-postgres:
	@if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "installing postgresql (Debian) for the Firehose Redshift tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
		else \
			echo "warning: /usr/lib/postgresql/*/bin/postgres missing and cannot apt-get install postgresql (run as root, or apt-get install -y postgresql); the Redshift destination tests fail"; \
		fi; \
	fi

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet $(PKGS)

test: test-tools vet
	SLUICE_REQUIRE_AWSCLI=1 SLUICE_REQUIRE_NODE=1 SLUICE_REQUIRE_BROWSER=1 SLUICE_REQUIRE_VERSITYGW=1 SLUICE_REQUIRE_BOTO3=1 VERSITYGW=$(VERSITYGW) $(GO) test -count=1 -timeout 15m $(PKGS)
	$(GO) test -count=1 -race -timeout 15m $(RACE_PKGS)
	# The cluster runtime's in-process tests (election, forwarding, hand-over,
	# subscriptions across owners) under the race detector too; -short skips
	# the fault test, whose nodes are processes and which ran above.
	$(GO) test -count=1 -race -short -timeout 15m ./internal/cluster/...
	# Data Streams' end-to-end tests again, against a 3-node cluster
	# (docs/cluster.md): etcd in the test binary, versitygw, forwarding.
	SLUICE_TEST_CLUSTER=3 SLUICE_REQUIRE_VERSITYGW=1 VERSITYGW=$(VERSITYGW) $(GO) test -count=1 -timeout 15m ./internal/api/kinesisapi/

# fuzz runs each fuzz target for a while (FUZZTIME, default 30s).
FUZZTIME ?= 30s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./internal/...

# bench-peers compares Sluice with kinesalite and kinesis-local (needs node
# and npm); bench-scale measures memory, start-up and 10,000 shards. See
# docs/benchmarks.md. They take about 15 and 5 minutes.
bench-peers:
	scripts/bench-peers.sh

bench-scale:
	scripts/bench-scale.sh

# bench-cluster measures a cluster of 1, 2 and 3 nodes (3 etcd members and
# versitygw on loopback): PutRecords throughput through every node and
# PutRecord latency at the default flush interval (docs/benchmarks.md).
# RUNS (default 3) runs per size; about 10 minutes.
bench-cluster: test-s3
	SLUICE_BENCH_CLUSTER=1 SLUICE_REQUIRE_VERSITYGW=1 VERSITYGW=$(VERSITYGW) $(GO) test -count=1 -timeout 60m -run '^TestBenchCluster$$' -v ./internal/cluster/
