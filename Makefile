# stocksync — run `make help` for the targets.
SHELL := /bin/bash
GO    ?= go
ONLY  ?=
VENDOR := static/vendor/htmx.min.js static/vendor/bootstrap.min.css
BIN   ?= bin/stocksync

.PHONY: help run test lint generate assets bench build

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

# run builds first and then execs the binary rather than `go run`: Ctrl-C
# reaches the server alone, which drains and exits 0 (an interrupted `go run`
# exits 1 whatever its child did, and make reports that as an error).
run: $(VENDOR) ## the dashboard with the sandbox channels (finds or starts PostgreSQL when DATABASE_URL is unset)
	@echo "Building $(BIN) (the first build takes a couple of minutes; later ones take seconds)…"
	@$(GO) build -o $(BIN) ./cmd/stocksync
	@echo "Starting stocksync; Ctrl-C stops it."
	@exec $(BIN) serve --dev --sandbox --migrate

test: $(VENDOR) ## the whole suite with the race detector (needs PostgreSQL and Chromium)
	$(GO) test -race -count=1 -timeout 15m ./...

lint: ## gofmt check, go vet, templ output fresh
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "not gofmt-formatted:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool templ generate >/dev/null
	@git diff --exit-code --stat -- '*_templ.go' || { echo "templ output was stale: commit the regenerated files"; exit 1; }

generate: ## regenerate templ output
	$(GO) tool templ generate

assets: ## copy the pinned Bootstrap and htmx from npm into static/vendor
	npm ci --no-audit --no-fund --silent
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/
	cp node_modules/bootstrap/dist/css/bootstrap.min.css static/vendor/

$(VENDOR):
	$(MAKE) assets

bench: $(VENDOR) ## benchmarks: prints BENCH <name> <value> <unit>; ONLY=<name prefix> runs a subset
	$(GO) run ./cmd/bench -only '$(ONLY)'

build: $(VENDOR) ## the stocksync binary in bin/
	$(GO) build -o $(BIN) ./cmd/stocksync
