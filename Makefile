# The two commands of the README:
#   make test   set up everything on a fresh machine, then type check, lint and run all tests
#   make dev    set up, then start Temporal (temporal-dev.yaml), the worker, the api and local chat
SHELL := /bin/bash
BIN := $(CURDIR)/.tools/bin
export PATH := $(BIN):$(PATH)
export TEMPORAL_CLI ?= $(BIN)/temporal
export TEMPORAL_TEST_SERVER ?= $(BIN)/temporal-test-server

.PHONY: setup test typecheck lint unit dev build clean record-histories bench

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

# The Elasticsearch store, archive and wire tests against a real cluster instead of the fake (not
# part of `make test`): make test-real-es ELASTICSEARCH_URL=http://127.0.0.1:9200 [ELASTICSEARCH_API_KEY=...]
.PHONY: test-real-es
test-real-es: setup
	@test -n "$(ELASTICSEARCH_URL)" || { echo 'set ELASTICSEARCH_URL, e.g. make test-real-es ELASTICSEARCH_URL=http://127.0.0.1:9200' >&2; exit 2; }
	ELASTICSEARCH_URL='$(ELASTICSEARCH_URL)' NODE_OPTIONS=--experimental-vm-modules npx jest --ci test/integration/elasticsearch

build: setup
	rm -rf dist && npx tsc -p tsconfig.build.json && cp -r api/local-chat/static dist/api/local-chat/ && node dist/worker/bundle.js

dev: build
	@node dist/scripts/dev.js

clean:
	rm -rf dist .tools node_modules

# Helm chart check (not part of `make test`: it needs the Go module proxy, and kubeconform fetches
# Kubernetes JSON schemas from GitHub once; they are cached in .tools/kubeconform-cache). Offline,
# point it at local schemas: make chart-check KUBECONFORM_FLAGS='-schema-location /path/{{.ResourceKind}}.json'
HELM_VERSION ?= v3.22.0
KUBECONFORM_VERSION ?= v0.8.0
KUBECONFORM_FLAGS ?=
GOBIN_DIR := $(CURDIR)/.tools/go/bin
CHART := charts/k8s-incident-flow

.PHONY: chart-check chart-schema
$(GOBIN_DIR)/helm:
	GOBIN=$(GOBIN_DIR) go install helm.sh/helm/v3/cmd/helm@$(HELM_VERSION)
$(GOBIN_DIR)/kubeconform:
	GOBIN=$(GOBIN_DIR) go install github.com/yannh/kubeconform/cmd/kubeconform@$(KUBECONFORM_VERSION)
chart-check: $(GOBIN_DIR)/helm $(GOBIN_DIR)/kubeconform
	$(GOBIN_DIR)/helm lint --strict $(CHART)
	mkdir -p .tools/kubeconform-cache
	set -o pipefail; $(GOBIN_DIR)/helm template k8s-incident-flow $(CHART) \
	  | $(GOBIN_DIR)/kubeconform -strict -ignore-missing-schemas -summary -cache .tools/kubeconform-cache $(KUBECONFORM_FLAGS)

# Regenerates the chart's values.schema.json from config/schema.ts (a unit test fails when it is stale).
chart-schema: build
	node dist/scripts/chart-schema.js

# Records the release histories the replay test checks into test/workflow/histories/releases/<package.json
# version>; part of every release (docs/upgrades.md). RERECORD=1 replaces an existing folder on purpose.
record-histories: setup
	NODE_OPTIONS=--experimental-vm-modules npx jest --testMatch '**/test/workflow/histories/record.ts'

# Benchmarks (speed and memory); tables and how to read them in bench/README.md.
bench: setup
	node -r @swc-node/register bench/run.ts
