# The two commands of the README:
#   make test   set up everything on a fresh machine, then type check, lint and run all tests
#   make dev    set up, then start Temporal (temporal-dev.yaml), the worker, the api and local chat
SHELL := /bin/bash
BIN := $(CURDIR)/.tools/bin
export PATH := $(BIN):$(PATH)
export TEMPORAL_CLI ?= $(BIN)/temporal
export TEMPORAL_TEST_SERVER ?= $(BIN)/temporal-test-server

.PHONY: setup test typecheck lint unit dev dev-banner build clean record-histories bench docs

setup:
	@scripts/setup.sh

typecheck: setup
	npx tsc --noEmit

lint: setup
	npx eslint .

test: setup
	npx tsc --noEmit
	npx eslint .
	@mkdir -p test-results
	NODE_OPTIONS=--experimental-vm-modules npx jest --ci --json --outputFile=test-results/jest.json; \
	  status=$$?; node scripts/test-summary.js test-results/jest.json || true; exit $$status

unit: setup
	NODE_OPTIONS=--experimental-vm-modules npx jest test/unit

# The Elasticsearch store, archive and wire tests against another real cluster (`make test` runs them
# against its own node, test/helpers/elasticsearch.ts): make test-real-es ELASTICSEARCH_URL=http://127.0.0.1:9200 [ELASTICSEARCH_API_KEY=...]
.PHONY: test-real-es
test-real-es: setup
	@test -n "$(ELASTICSEARCH_URL)" || { echo 'set ELASTICSEARCH_URL, e.g. make test-real-es ELASTICSEARCH_URL=http://127.0.0.1:9200' >&2; exit 2; }
	ELASTICSEARCH_URL='$(ELASTICSEARCH_URL)' NODE_OPTIONS=--experimental-vm-modules npx jest --ci test/integration/elasticsearch

build: setup
	rm -rf dist && npx tsc -p tsconfig.build.json && cp -r platforms/local/inbound/static dist/platforms/local/inbound/ && node dist/worker/bundle.js

# Ports and config are checked before the build: a second `make dev` must not remove dist/ under
# the one already running.
# The build's output is shown only when it fails, or with `make dev VERBOSE=1` (which also shows
# every line of every process the stack runs; see scripts/dev-console.ts).
# The build is the production one (no simcluster/, no dev scripts): the dev-only parts, scripts/dev.ts
# and the simulated cluster, run from source through @swc-node/register.
dev: setup
	@node -r @swc-node/register scripts/dev.ts --preflight
	@case '$(VERBOSE)' in 1|true|yes|on) $(MAKE) --no-print-directory build ;; \
	  *) echo '[dev]      building (`make dev VERBOSE=1` shows the build output)'; \
	     out=$$($(MAKE) --no-print-directory build 2>&1) || { printf '%s\n' "$$out" >&2; echo '[dev]      the build failed: its output is above' >&2; exit 1; } ;; esac
	@VERBOSE='$(VERBOSE)' node -r @swc-node/register scripts/dev.ts

# The running dev stack's banner (addresses, token file, demo command) again, from any terminal.
dev-banner:
	@cat data/dev-banner.txt 2>/dev/null || { echo 'no banner in data/dev-banner.txt: is `make dev` running (and past start-up)?' >&2; exit 1; }

clean:
	rm -rf dist .tools node_modules

# Helm chart checks (also part of `make test`): helm lint, helm template of the value sets in
# charts/k8s-incident-flow/ci, kubeconform -strict against offline Kubernetes schemas. The tools and
# schemas are installed by scripts/setup-chart-tools.sh into a cache outside the clone.
.PHONY: chart-check chart-schema
chart-check: setup
	NODE_OPTIONS=--experimental-vm-modules npx jest --ci test/unit/charts test/integration/charts

# Regenerates the chart's values.schema.json from config/schema.ts (a unit test fails when it is stale).
chart-schema: build
	node dist/scripts/chart-schema.js

# Regenerates what is generated from the zod config schema (unit tests fail when either is stale):
# docs/configuration.md and config/config.schema.json (scripts/config-reference.ts), and the chart's
# values.schema.json (scripts/chart-schema.ts), which carries the same .describe() texts.
docs: setup
	node -r @swc-node/register scripts/config-reference.ts
	node -r @swc-node/register scripts/chart-schema.ts

# Records the release histories the replay test checks into test/workflow/histories/releases/<package.json
# version>; part of every release (docs/upgrades.md). RERECORD=1 replaces an existing folder on purpose.
record-histories: setup
	NODE_OPTIONS=--experimental-vm-modules npx jest --testMatch '**/test/workflow/histories/record.ts'

# Benchmarks (speed and memory); tables and how to read them in bench/README.md.
# ONLY=P2 (or ONLY=P1,P5) runs some figures, QUICK=1 small sizes (both passed on in the environment).
bench: setup
	node -r @swc-node/register bench/run.ts

# The property tests (test/**/*.property.test.ts, fast-check) with 10,000 cases each instead of the
# few dozen `make test` runs; FC_SEED=<n> tries other inputs, FC_RUNS=<n> another count. A failure
# prints its seed and the command that replays it. Time on this machine: bench/README.md.
.PHONY: properties
properties: setup
	FC_RUNS=$${FC_RUNS:-10000} NODE_OPTIONS=--experimental-vm-modules npx jest --ci '\.property\.test\.ts$$'

# The fault suite (issue 11 item 5): every case in test/faults, the slow *.fault.ts ones and the fast
# *.test.ts ones `make test` runs too, one at a time (their recovery times are figures); each prints
# incidents lost, duplicate pages and messages and time to recover, and a table closes the run.
.PHONY: test-faults
test-faults: setup
	@mkdir -p test-results && rm -f test-results/fault-figures.jsonl
	FAULT_FIGURES=$(CURDIR)/test-results/fault-figures.jsonl NODE_OPTIONS=--experimental-vm-modules npx jest --ci --maxWorkers=1 \
	  --testMatch '**/test/faults/**/*.fault.ts' '**/test/faults/**/*.test.ts'; \
	  status=$$?; node -r @swc-node/register test/faults/summary.ts test-results/fault-figures.jsonl || true; exit $$status
