#!/usr/bin/env bash
# Installs what the chart checks in `make test` need (test/integration/charts), idempotently:
#   helm, kubeconform -> $HELM / $KUBECONFORM if set, else one on PATH, else `go install` of the
#                        pinned versions into a cache OUTSIDE the clone (helm takes minutes to build,
#                        so a fresh clone or `git clean` must not pay it again)
#   Kubernetes schemas -> PyPI kubernetes-validate (wheel only, not installed), converted by
#                        scripts/k8s-schemas.py into standalone strict per-kind schemas in the cache
# The chosen binaries are linked into .tools/bin and the schemas into .tools/k8s-schemas.
# Cache: $K8S_INCIDENT_FLOW_CACHE, default ${XDG_CACHE_HOME:-$HOME/.cache}/k8s-incident-flow.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=$ROOT/.tools/bin
CACHE=${K8S_INCIDENT_FLOW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/k8s-incident-flow}
HELM_VERSION=${HELM_VERSION:-v3.22.0}
KUBECONFORM_VERSION=${KUBECONFORM_VERSION:-v0.8.0}
KUBERNETES_VALIDATE_VERSION=${KUBERNETES_VALIDATE_VERSION:-1.37.0}
# The Kubernetes version the rendered manifests are validated against (a schema set in the wheel).
K8S_SCHEMA_VERSION=${K8S_SCHEMA_VERSION:-1.33.0}
mkdir -p "$BIN" "$CACHE/bin"
log() { printf '[setup-chart-tools] %s\n' "$*" >&2; }

go_bin() {
  if command -v go >/dev/null; then command -v go
  elif [ -x /usr/local/go/bin/go ]; then echo /usr/local/go/bin/go
  else return 1; fi
}

# tool name, env override, go package -> .tools/bin/<name>
install_tool() {
  local name=$1 override=$2 pkg=$3 found
  if [ -n "$override" ]; then
    [ -x "$override" ] || { log "$name: \$${name^^}=$override is not an executable file"; exit 1; }
    ln -sf "$override" "$BIN/$name"; return
  fi
  [ -x "$BIN/$name" ] && return
  found=$(PATH=${PATH#"$BIN:"} command -v "$name" 2>/dev/null || true)
  if [ -n "$found" ]; then ln -sf "$found" "$BIN/$name"; log "using $name from PATH: $found"; return; fi
  if [ ! -x "$CACHE/bin/$name" ]; then
    local go
    go=$(go_bin) || { log "$name is missing and Go is not installed: install Go, or set ${name^^}=/path/to/$name"; exit 1; }
    log "building $pkg with go install into $CACHE/bin (once; helm takes a few minutes)"
    GOBIN=$CACHE/bin "$go" install "$pkg" >&2
  fi
  ln -sf "$CACHE/bin/$name" "$BIN/$name"
}
install_tool helm "${HELM:-}" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
install_tool kubeconform "${KUBECONFORM:-}" "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION"

# --- Kubernetes JSON schemas, standalone ------------------------------------------------------
schemas=$CACHE/k8s-schemas/v$K8S_SCHEMA_VERSION-kv$KUBERNETES_VALIDATE_VERSION-strict
if [ ! -f "$schemas/.complete" ]; then
  wheels=$CACHE/wheels
  wheel=$wheels/kubernetes_validate-$KUBERNETES_VALIDATE_VERSION-py3-none-any.whl
  if [ ! -f "$wheel" ]; then
    log "downloading kubernetes-validate $KUBERNETES_VALIDATE_VERSION (wheel only) from PyPI"
    python3 -m pip download --quiet --disable-pip-version-check --no-deps \
      "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" -d "$wheels" >&2
  fi
  rm -rf "$schemas.tmp"
  python3 "$ROOT/scripts/k8s-schemas.py" "$wheel" "$K8S_SCHEMA_VERSION" "$schemas.tmp"
  touch "$schemas.tmp/.complete"
  rm -rf "$schemas" && mv "$schemas.tmp" "$schemas"
fi
ln -sfn "$schemas" "$ROOT/.tools/k8s-schemas"
# (go-installed binaries report no release version, hence the paths)
log "helm $(readlink -f "$BIN/helm"), kubeconform $(readlink -f "$BIN/kubeconform"), schemas for Kubernetes $K8S_SCHEMA_VERSION"
