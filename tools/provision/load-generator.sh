#!/usr/bin/env bash
# Provisions the load generator the bench's API latency row drives: Debian's
# ApacheBench (`ab`, package apache2-utils), a small C client that costs the
# API's two cores far less per request than a Node.js one. Idempotent: with
# ab already installed it changes nothing and says so.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if command -v ab >/dev/null 2>&1; then
  log "ab already installed ($(ab -V 2>/dev/null | head -1)): nothing to do"
  exit 0
fi
command -v apt-get >/dev/null 2>&1 ||
  die "no ab (ApacheBench) and this is not a Debian/Ubuntu host (no apt-get): install ApacheBench (apache2-utils or httpd-tools)"
log "installing Debian's apache2-utils (ab, for the bench's API latency row)"
as_root apt-get update -qq
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends apache2-utils >/dev/null
command -v ab >/dev/null 2>&1 || die "apt installed apache2-utils but ab is not on PATH"
log "ab installed: $(ab -V 2>/dev/null | head -1)"
