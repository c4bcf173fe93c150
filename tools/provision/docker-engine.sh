#!/usr/bin/env bash
# Provisions what the PAWS360 stack needs from the host: a Docker engine that
# answers, and the one external base image (debian:bookworm-slim).
#
# Idempotent: on a host where both are already there it changes nothing and
# says so. A user with Docker Desktop (or any running engine) never needs it.
#
# Debian only: installs docker.io from apt and starts dockerd in the
# background when no engine answers; builds the base image offline with
# debootstrap + docker import when it can be neither found nor pulled.
set -euo pipefail

BASE_IMAGE="debian:bookworm-slim"
DOCKERD_LOG="${DOCKERD_LOG:-/var/log/paws360-dockerd.log}"
ENGINE_WAIT_SECONDS="${ENGINE_WAIT_SECONDS:-60}"
PULL_TIMEOUT_SECONDS="${PULL_TIMEOUT_SECONDS:-20}"

NO_APT_HINT="no Docker engine answers and this is not a Debian/Ubuntu host (no apt-get): install Docker yourself (Docker Desktop, or your distribution's docker package) and start it"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

engine_answers() { docker info >/dev/null 2>&1; }

ensure_engine() {
  if engine_answers; then
    log "Docker engine already answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null)): nothing to do"
    return
  fi
  if [ -n "${DOCKER_HOST:-}" ]; then
    die "DOCKER_HOST=${DOCKER_HOST} is set but no engine answers there: start that engine, or unset DOCKER_HOST to let this script start a local one"
  fi
  if ! command -v dockerd >/dev/null 2>&1; then
    log "no dockerd on this host: installing docker.io from apt"
    # iptables: dockerd sets up bridge NAT with it; ca-certificates: TLS for anything pulled.
    apt_install docker.io iptables ca-certificates
  fi
  if ! pgrep -x dockerd >/dev/null 2>&1; then
    log "starting dockerd in the background (log: ${DOCKERD_LOG})"
    as_root mkdir -p "$(dirname "$DOCKERD_LOG")"
    # setsid + nohup: the daemon must outlive this script and the CI step that ran it.
    # In / (env -C): the daemon outlives the checkout this runs in (a CI run's clone is deleted after it).
    as_root setsid nohup env -C / dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null &
  else
    log "dockerd is running but does not answer yet: waiting for it"
  fi
  local waited=0
  until engine_answers; do
    if [ "$waited" -ge "$ENGINE_WAIT_SECONDS" ]; then
      tail -n 20 "$DOCKERD_LOG" >&2 || true
      die "dockerd did not answer within ${ENGINE_WAIT_SECONDS}s (log above, full log in ${DOCKERD_LOG})"
    fi
    sleep 1
    waited=$((waited + 1))
  done
  log "Docker engine answers after ${waited}s ($(docker version --format '{{.Server.Version}}'))"
}

# The mirror the host's apt already uses, so the image reaches the same one.
host_debian_mirror() {
  local uri
  uri=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list /etc/apt/sources.list 2>/dev/null |
    grep -v security | grep -oE 'https?://[^ ]+' | head -n 1 || true)
  printf '%s' "${uri}"
}

build_base_image_offline() {
  command -v debootstrap >/dev/null 2>&1 || { log "installing debootstrap from apt"; apt_install debootstrap; }
  local rootfs mirror
  rootfs=$(mktemp -d /tmp/paws360-rootfs.XXXXXX)
  # The rootfs is ~120 MB: remove it however this script ends.
  ROOTFS_TO_CLEAN="$rootfs"
  trap 'as_root rm -rf "${ROOTFS_TO_CLEAN:-}"' EXIT
  mirror=$(host_debian_mirror)
  log "building ${BASE_IMAGE} with debootstrap --variant=minbase bookworm ${mirror:-(debootstrap default mirror)}"
  as_root debootstrap --variant=minbase bookworm "$rootfs" ${mirror:+"$mirror"} >/tmp/paws360-debootstrap.log 2>&1 ||
    { tail -n 20 /tmp/paws360-debootstrap.log >&2; die "debootstrap failed (log above, full log in /tmp/paws360-debootstrap.log)"; }
  # Same suites as the official image (bookworm, -updates, -security), from the
  # mirrors the host already uses, so containers get the same package versions.
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    as_root cp /etc/apt/sources.list.d/debian.sources "$rootfs/etc/apt/sources.list.d/debian.sources"
    as_root rm -f "$rootfs/etc/apt/sources.list"
  fi
  # Keep the image slim, like the official one: no package lists or caches.
  as_root rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb
  as_root tar -C "$rootfs" -c . | docker import \
    --change 'CMD ["bash"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    - "$BASE_IMAGE" >/dev/null
  log "imported ${BASE_IMAGE} ($(docker image inspect --format '{{.Id}}' "$BASE_IMAGE"))"
}

ensure_base_image() {
  if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    log "${BASE_IMAGE} already present: nothing to do"
    return
  fi
  log "${BASE_IMAGE} not present: trying to pull it (${PULL_TIMEOUT_SECONDS}s)"
  if timeout "$PULL_TIMEOUT_SECONDS" docker pull -q "$BASE_IMAGE" >/dev/null 2>&1; then
    log "pulled ${BASE_IMAGE}"
    return
  fi
  log "cannot pull ${BASE_IMAGE} (no registry reachable): building it offline"
  build_base_image_offline
}

ensure_engine
ensure_base_image
