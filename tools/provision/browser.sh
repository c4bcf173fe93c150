#!/usr/bin/env bash
# Provisions the browser the end-to-end tests and the web bench drive:
# Debian's chromium at /usr/bin/chromium (playwright-core launches it; no
# browser is ever downloaded by a test tool). Idempotent: with chromium
# already installed it changes nothing and says so.
set -euo pipefail

CHROMIUM="${PAWS360_CHROMIUM:-/usr/bin/chromium}"

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ -x "$CHROMIUM" ]; then
  log "chromium already installed ($("$CHROMIUM" --version 2>/dev/null | head -1)): nothing to do"
  exit 0
fi
command -v apt-get >/dev/null 2>&1 ||
  die "no chromium at $CHROMIUM and this is not a Debian/Ubuntu host (no apt-get): install Chromium and set PAWS360_CHROMIUM to its path"
log "installing Debian's chromium (for the browser tests)"
as_root apt-get update -qq
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
[ -x "$CHROMIUM" ] || die "apt installed chromium but $CHROMIUM is missing"
log "chromium installed: $("$CHROMIUM" --version 2>/dev/null | head -1)"
