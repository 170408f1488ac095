#!/usr/bin/env bash
# Installs the real Alertmanager that `make test` starts (test/helpers/alertmanager.ts),
# idempotently, built once into a cache OUTSIDE the clone (a fresh clone or `git clean` must not
# pay again):
#   alertmanager -> $ALERTMANAGER if set, else built from the Go module proxy's
#                   github.com/prometheus/alertmanager v0.35.0 (about 3 min on 2 cores)
# Links it into .tools/bin. Plain `go install .../cmd/alertmanager@v0.35.0` fails: ui/web.go embeds
# ui/app/dist, which the module zip lacks (it is built by npm in Alertmanager's own release). The
# tests use only the API, so the module is copied and given placeholder pages before the build.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=$ROOT/.tools/bin
AM_VERSION=0.35.0
MODULE=github.com/prometheus/alertmanager
CACHE=${K8S_INCIDENT_FLOW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/k8s-incident-flow}/alertmanager/v$AM_VERSION
mkdir -p "$BIN" "$CACHE"
log() { printf '[setup-alertmanager] %s\n' "$*" >&2; }
fail() { log "$*"; exit 1; }

# Two setups at once (two clones, two engineers) must not build into the same directory.
exec 9>"$CACHE/.lock"
flock 9

am_version() { "$1" --version 2>&1 | sed -n 's/^alertmanager, version \([0-9.]*\).*/\1/p' | head -1; }

build_alertmanager() {
  local dir=$CACHE/build out=$CACHE/alertmanager src
  src=$(go mod download -json "$MODULE@v$AM_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [ -d "$src" ] || fail "could not fetch $MODULE v$AM_VERSION (is the Go proxy reachable? GOPROXY=$(go env GOPROXY)); or set ALERTMANAGER to an existing binary"
  rm -rf "$dir" && cp -r "$src" "$dir" && chmod -R u+w "$dir"
  local page
  for page in elm mantine; do
    mkdir -p "$dir/ui/app/dist/$page"
    echo '<!doctype html><title>Alertmanager</title><p>UI not built (API only).</p>' > "$dir/ui/app/dist/$page/index.html"
  done
  local pkg=github.com/prometheus/common/version
  log "building alertmanager v$AM_VERSION into $out (once: about 3 min)"
  (cd "$dir" && GOFLAGS="${GOFLAGS:-} -mod=mod" go build -trimpath -ldflags "-s -w -X $pkg.Version=$AM_VERSION" -o "$out.tmp" ./cmd/alertmanager) >&2 \
    || fail "building alertmanager failed (see above); set ALERTMANAGER to an existing v0.2x+ binary to skip the build"
  mv "$out.tmp" "$out"
  rm -rf "$dir"
}

if [ -n "${ALERTMANAGER:-}" ]; then
  [ -x "$ALERTMANAGER" ] || fail "ALERTMANAGER=$ALERTMANAGER is not executable: fix the path or unset it"
  am=$(readlink -f "$ALERTMANAGER")
else
  [ -x "$CACHE/alertmanager" ] || build_alertmanager
  am=$CACHE/alertmanager
fi
ln -sf "$am" "$BIN/alertmanager"
log "alertmanager $(am_version "$BIN/alertmanager" | grep . || echo '(version unknown)') at $am"
