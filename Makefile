# orgaudit — run `make help` for the targets.

GO            ?= go
BIN           := bin/orgaudit
VERSION       ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT        ?= $(shell git rev-parse HEAD 2>/dev/null)
# The commit's date, not the time of the build: the same commit gives the
# same binary.
DATE          ?= $(shell git log -1 --format=%cI 2>/dev/null)
VERSION_PKG   := github.com/orgaudit/orgaudit/internal/version
LDFLAGS       := -s -w -X $(VERSION_PKG).Version=$(VERSION) -X $(VERSION_PKG).Commit=$(COMMIT) -X $(VERSION_PKG).Date=$(DATE)
# golangci-lint is pinned and run through `go run`, so nothing needs installing.
GOLANGCI_LINT := github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0
DEMO_SNAPSHOT ?= fixtures/startup-dev-prod.json
DEMO_CONFIG   ?= fixtures/startup-dev-prod.orgaudit.yaml
DEMO_HTML     ?= bin/orgaudit-report.html
FUZZTIME      ?= 30s

.DEFAULT_GOAL := help

.PHONY: help
help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## Build bin/orgaudit
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/orgaudit

.PHONY: test
test: ## Vet and run every Go test, Rego rule tests included
	$(GO) vet ./...
	$(GO) test ./...

.PHONY: lint
lint: ## Run gofmt and golangci-lint (pinned, fetched with go run)
	@test -z "$$(gofmt -l cmd internal rules)" || { gofmt -l cmd internal rules; echo "gofmt: files above need formatting"; exit 1; }
	$(GO) run $(GOLANGCI_LINT) run ./...

.PHONY: demo
demo: build ## Build, check a bundled fixture (findings exit 1, which is expected here) and write its HTML report
	@echo "$$ $(BIN) check --snapshot $(DEMO_SNAPSHOT) --config $(DEMO_CONFIG) --report table --report html=$(DEMO_HTML)"
	@$(BIN) check --snapshot $(DEMO_SNAPSHOT) --config $(DEMO_CONFIG) --report table --report html=$(DEMO_HTML); rc=$$?; \
	  if [ $$rc -eq 1 ] || [ $$rc -eq 0 ]; then echo "(exit code $$rc: 1 means findings at or above --fail-on)"; else exit $$rc; fi
	@echo "HTML report: $(abspath $(DEMO_HTML)) (open it in a browser; it needs no network)"

.PHONY: fuzz
fuzz: ## Run every fuzz target for FUZZTIME each
	@for pkg in $$($(GO) list ./...); do \
	  for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$target"; \
	    $(GO) test $$pkg -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 20x || exit 1; \
	  done; \
	done

.PHONY: bench
bench: ## Run the benchmarks
	$(GO) test -run '^$$' -bench . -benchmem ./...

.PHONY: golden
golden: ## Rewrite golden files and generated docs after an intended change
	$(GO) test ./internal/cli -update
	$(GO) test ./internal/snapshot -run TestSchemaDocs -update

.PHONY: clean
clean: ## Remove build output
	rm -rf bin

BENCH_DIR      ?= /tmp/orgaudit-bench
BENCH_ACCOUNTS ?= 1000 10000
BENCH_RUNS     ?= 3

.PHONY: bench-scale
bench-scale: build ## Generate 1,000 and 10,000 accounts, time check and paths (GNU time -v), print a table
	BIN=$(BIN) BENCH_DIR=$(BENCH_DIR) BENCH_RUNS=$(BENCH_RUNS) sh internal/orggen/bench-scale.sh $(BENCH_ACCOUNTS)

.PHONY: bench-collect
bench-collect: ## Seed 200 accounts in moto, collect with concurrency 16 straight, through a 25 ms proxy and replayed after 25 ms
	ORGAUDIT_BENCH_ACCOUNTS=200 ORGAUDIT_BENCH_CONCURRENCY=16 \
	  $(GO) test ./internal/collect -run '^$$' -bench Collect -benchtime 1x -timeout 60m -v
