# Sluice: `make run` starts the server, `make test` runs every test.
GO      ?= go
PKGS    := ./...
# The core packages also run under the race detector.
RACE_PKGS := ./internal/awsproto/... ./internal/streams/... ./internal/storage/... ./internal/logstore/... ./internal/vfs/... ./internal/server/... ./internal/api/...

.PHONY: run build test test-tools test-js vet fmt fuzz bench

run:
	$(GO) run ./cmd/sluice --listen 127.0.0.1:4567 --data-dir ./data

build:
	$(GO) build -o bin/sluice ./cmd/sluice

# test-tools installs what the tests drive besides Go: Debian's AWS CLI and
# the JavaScript SDK (test-js).
test-tools: test-js
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
	@if [ ! -d test/js/node_modules ] && command -v npm >/dev/null; then \
		npm ci --prefix test/js --no-audit --no-fund; \
	fi

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet $(PKGS)

test: test-tools vet
	SLUICE_REQUIRE_AWSCLI=1 SLUICE_REQUIRE_NODE=1 $(GO) test -count=1 -timeout 15m $(PKGS)
	$(GO) test -count=1 -race -timeout 15m $(RACE_PKGS)

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
