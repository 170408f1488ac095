#!/usr/bin/env bash
# Makes a Chromium available for the e2e tests (test/e2e), idempotently. The tests drive it with
# playwright-core (no bundled browser download) at $CHROMIUM_PATH, else /usr/bin/chromium.
# On Debian/Ubuntu, run as root (CI is a fresh machine), a missing Chromium is installed with apt.
# Exports nothing; exits non-zero with a message when no usable Chromium can be had.
set -euo pipefail
log() { printf '[setup-browser] %s\n' "$*" >&2; }

CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
works() { [ -x "$CHROMIUM" ] && "$CHROMIUM" --version >/dev/null 2>&1; }

if works; then
  exit 0
fi
if [ -n "${CHROMIUM_PATH:-}" ]; then
  log "CHROMIUM_PATH=$CHROMIUM_PATH is not a working Chromium; fix it or unset it to install /usr/bin/chromium"
  exit 1
fi

fail() {
  log "$*"
  log "the e2e tests (test/e2e) need Chromium: install it (Debian: apt-get install chromium)"
  log "or point CHROMIUM_PATH at a Chromium/Chrome binary, then run this script again"
  exit 1
}
command -v apt-get >/dev/null || fail "$CHROMIUM is missing and apt-get is not available"
SUDO=
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null && sudo -n true 2>/dev/null || fail "$CHROMIUM is missing and installing it needs root (or passwordless sudo)"
  SUDO="sudo -n"
fi

log "$CHROMIUM is missing: apt-get update"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || fail "apt-get update failed"
log "apt-get install -y --no-install-recommends chromium"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >&2 || fail "apt-get install chromium failed"
works || fail "chromium was installed but $CHROMIUM --version does not run"
log "installed $("$CHROMIUM" --version 2>/dev/null)"
