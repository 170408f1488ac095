#!/usr/bin/env bash
# Installs the real Kubernetes API server and etcd that `make test` starts
# (test/helpers/kube-apiserver.ts), idempotently, built once into a cache OUTSIDE the clone (a
# fresh clone or `git clean` must not pay again):
#   kube-apiserver -> $KUBE_APISERVER if set, else one on PATH, else built from scripts/kube-build/
#                     apiserver (k8s.io/kubernetes v1.34.4 with every k8s.io/* staging module replaced
#                     by its published v0.34.4; ~500 MB of modules, 5-13 min cold on 2 cores)
#   etcd           -> $ETCD if set, else one on PATH that is 3.5 or newer (Debian's 3.4 stalls
#                     watches), else built from scripts/kube-build/etcd (go.etcd.io/etcd/server/v3)
# Links both into .tools/bin. Uses the machine's GOPROXY; GOFLAGS gains -mod=mod.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=$ROOT/.tools/bin
KUBE_VERSION=1.34.4
ETCD_VERSION=$(sed -n 's/^require go.etcd.io\/etcd\/server\/v3 v//p' scripts/kube-build/etcd/go.mod)
CACHE=${K8S_INCIDENT_FLOW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/k8s-incident-flow}/kube/v$KUBE_VERSION
mkdir -p "$BIN" "$CACHE"
log() { printf '[setup-kube] %s\n' "$*" >&2; }
fail() { log "$*"; exit 1; }
export GOFLAGS="${GOFLAGS:-} -mod=mod"

# Two setups at once (two clones, two engineers) must not build into the same directory.
exec 9>"$CACHE/.lock"
flock 9

apiserver_version() { "$1" --version 2>/dev/null | sed -n 's/^Kubernetes v//p'; }
etcd_minor() { "$1" --version 2>/dev/null | sed -n 's/^etcd Version: 3\.\([0-9]*\)\..*/\1/p'; }

# name, env override -> prints an existing binary to use, or nothing
chosen() {
  local name=$1 override=$2 found
  if [ -n "$override" ]; then
    [ -x "$override" ] || fail "$name: the binary named by the environment ($override) is not executable: fix the path or unset it"
    # Resolved: the override may be the .tools/bin link itself, which must not point at itself.
    readlink -f "$override"; return
  fi
  found=$(PATH=${PATH#"$BIN:"} command -v "$name" 2>/dev/null || true)
  if [ -n "$found" ] && [ "$name" = etcd ] && [ "$(etcd_minor "$found" | grep . || echo 0)" -lt 5 ]; then
    log "ignoring $found: etcd older than 3.5 stalls watches from 'now'"; found=
  fi
  [ -z "$found" ] || readlink -f "$found"
}

build_apiserver() {
  local dir=$CACHE/apiserver-build out=$CACHE/kube-apiserver mod pkg=k8s.io/component-base/version
  rm -rf "$dir" && mkdir -p "$dir"
  cp scripts/kube-build/apiserver/go.mod "$dir/go.mod"
  mod=$(cd "$dir" && go mod download -json "k8s.io/kubernetes@v$KUBE_VERSION" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p')
  [ -f "$mod" ] || fail "could not fetch k8s.io/kubernetes v$KUBE_VERSION's go.mod (is the Go proxy reachable? GOPROXY=$(go env GOPROXY))"
  # Every `k8s.io/x => ./staging/src/k8s.io/x` becomes `k8s.io/x => k8s.io/x v0.<minor>.<patch>`.
  { echo; echo 'replace ('
    sed -n "s#^\t\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*#\t\1 => \1 v0.${KUBE_VERSION#*.}#p" "$mod"
    echo ')'; } >> "$dir/go.mod"
  local ld="-s -w -X $pkg.gitVersion=v$KUBE_VERSION -X $pkg.gitMajor=${KUBE_VERSION%%.*}"
  ld="$ld -X $pkg.gitMinor=$(echo "$KUBE_VERSION" | cut -d. -f2) -X $pkg.gitTreeState=clean"
  ld="$ld -X $pkg.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  log "building kube-apiserver v$KUBE_VERSION into $out (once: 5-13 min and ~500 MB of Go modules)"
  (cd "$dir" && go build -trimpath -ldflags "$ld" -o "$out.tmp" k8s.io/kubernetes/cmd/kube-apiserver) >&2 \
    || fail "building kube-apiserver failed (see above); set KUBE_APISERVER to an existing v1.3x binary to skip the build"
  mv "$out.tmp" "$out"
  rm -rf "$dir"
}

build_etcd() {
  local dir=$CACHE/etcd-build out=$CACHE/etcd
  rm -rf "$dir" && mkdir -p "$dir"
  cp scripts/kube-build/etcd/go.mod "$dir/go.mod"
  log "building etcd v$ETCD_VERSION into $out (once: about a minute)"
  (cd "$dir" && go build -trimpath -ldflags "-s -w" -o "$out.tmp" go.etcd.io/etcd/server/v3) >&2 \
    || fail "building etcd failed (see above); set ETCD to an existing etcd 3.5+ binary to skip the build"
  mv "$out.tmp" "$out"
  rm -rf "$dir"
}

apiserver=$(chosen kube-apiserver "${KUBE_APISERVER:-}")
if [ -z "$apiserver" ]; then
  [ -x "$CACHE/kube-apiserver" ] || build_apiserver
  apiserver=$CACHE/kube-apiserver
fi
etcd=$(chosen etcd "${ETCD:-}")
if [ -z "$etcd" ]; then
  [ -x "$CACHE/etcd" ] || build_etcd
  etcd=$CACHE/etcd
fi
ln -sf "$apiserver" "$BIN/kube-apiserver"
ln -sf "$etcd" "$BIN/etcd"
[ -n "$(apiserver_version "$BIN/kube-apiserver")" ] || fail "$apiserver does not answer --version with 'Kubernetes v...'"
log "kube-apiserver v$(apiserver_version "$BIN/kube-apiserver") at $apiserver, etcd 3.$(etcd_minor "$BIN/etcd") at $etcd"
