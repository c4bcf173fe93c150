# Shared by the provisioning scripts (sourced, not run). Before sourcing, a
# script sets PROVISION_TAG (its log prefix) and NO_APT_HINT (what to do on a
# host without apt-get).
log() { printf '[%s] %s\n' "${PROVISION_TAG:-provision}" "$*"; }
die() { printf '[%s] error: %s\n' "${PROVISION_TAG:-provision}" "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "${NO_APT_HINT:-this is not a Debian/Ubuntu host (no apt-get)}"
  # apt-get update once per run: package look-ups need fresh lists.
  if [ -z "${APT_UPDATED:-}" ]; then
    as_root apt-get update -qq
    APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
