#!/usr/bin/env bash
# Provisions Podman next to Docker, so the stack (and its Podman integration
# suite) can run on Podman's Docker-compatible API:
#   DOCKER_HOST=unix:///run/podman/podman.sock npx nx run-many -t up
#
# Idempotent: every step checks first and says what it did or why it did
# nothing. Debian only (apt); rootful (run as root or through sudo).
#
#   1. podman, netavark + aardvark-dns (container-to-container DNS on a user
#      network: the CNI stack that also satisfies podman's dependency has
#      none), catatonit (HostConfig.Init: true), iptables (netavark's NAT),
#      from apt when missing;
#   2. /etc/containers/containers.conf: `default_ulimits = []` (these
#      machines forbid setting rlimits, Podman's default sets nofile),
#      network_backend = "netavark", and, on a host without systemd,
#      cgroup_manager = "cgroupfs", events_logger = "file" and
#      log_driver = "k8s-file"; other settings are kept;
#   3. `podman system service --time=0 unix:///run/podman/podman.sock` in the
#      background when the socket does not answer (log: PODMAN_LOG), then
#      waits until it answers GET /_ping;
#   4. debian:bookworm-slim in Podman's store: from Docker's store
#      (docker save | podman load) when Docker has it, else built offline
#      with debootstrap + podman import, like docker-engine.sh does.
set -euo pipefail

BASE_IMAGE="debian:bookworm-slim"
PODMAN_SOCKET="${PODMAN_SOCKET:-/run/podman/podman.sock}"
PODMAN_LOG="${PODMAN_LOG:-/var/log/paws360-podman.log}"
CONTAINERS_CONF="${CONTAINERS_CONF_FILE:-/etc/containers/containers.conf}"
ENGINE_WAIT_SECONDS="${ENGINE_WAIT_SECONDS:-60}"

PROVISION_TAG="provision podman"
NO_APT_HINT="this is not a Debian/Ubuntu host (no apt-get): install podman (with netavark and aardvark-dns) yourself; on macOS use 'podman machine' (docs/podman.md)"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_packages() {
  local wanted=(podman netavark aardvark-dns catatonit iptables runc) missing=() pkg
  for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    log "podman $(podman version --format '{{.Client.Version}}' 2>/dev/null), netavark, aardvark-dns, catatonit, runc already installed: nothing to do"
    return
  fi
  log "installing from apt: ${missing[*]}"
  apt_install "${missing[@]}"
  log "installed podman $(podman version --format '{{.Client.Version}}' 2>/dev/null)"
}

# Sets `key = value` in [section] of the TOML file: replaces an existing
# setting of that key in that section (a multi-line array included), or adds
# it at the top of the section, creating the section when missing. Prints
# "changed" when the file changed.
toml_set() {
  local file=$1 section=$2 key=$3 value=$4 tmp
  tmp=$(mktemp)
  [ -f "$file" ] || : >"$tmp.src"
  awk -v section="$section" -v key="$key" -v value="$value" '
    function flush_missing() { if (in_section && !done) { print key " = " value; done = 1 } }
    /^[[:space:]]*\[[^]]*\][[:space:]]*$/ {
      header = $0; gsub(/[[:space:]\[\]]/, "", header)
      if (in_section) flush_missing()
      in_section = (header == section)
      print
      if (in_section && !done) { print key " = " value; done = 1; replaced_here = 1 }
      next
    }
    skipping { if ($0 ~ /\]/) skipping = 0; next }
    in_section && $0 ~ "^[[:space:]]*" key "[[:space:]]*=" {
      # Our line was written right under the header: drop the old setting.
      if ($0 ~ /\[/ && $0 !~ /\]/) skipping = 1
      next
    }
    { print }
    END {
      if (!done) { print ""; print "[" section "]"; print key " = " value }
    }
  ' "$( [ -f "$file" ] && echo "$file" || echo "$tmp.src")" >"$tmp"
  rm -f "$tmp.src"
  if [ -f "$file" ] && cmp -s "$file" "$tmp"; then
    rm -f "$tmp"
    return
  fi
  as_root mkdir -p "$(dirname "$file")"
  as_root cp "$tmp" "$file"
  rm -f "$tmp"
  echo changed
}

# The current value of key in [section], as written ("" when not set).
toml_get() {
  local file=$1 section=$2 key=$3
  [ -f "$file" ] || return 0
  awk -v section="$section" -v key="$key" '
    /^[[:space:]]*\[[^]]*\][[:space:]]*$/ { header = $0; gsub(/[[:space:]\[\]]/, "", header); in_section = (header == section); next }
    in_section && $0 ~ "^[[:space:]]*" key "[[:space:]]*=" { sub("^[[:space:]]*" key "[[:space:]]*=[[:space:]]*", ""); print; exit }
  ' "$file"
}

ensure_setting() {
  local section=$1 key=$2 value=$3 current
  current=$(toml_get "$CONTAINERS_CONF" "$section" "$key")
  if [ "$current" = "$value" ]; then
    log "${CONTAINERS_CONF}: [${section}] ${key} = ${value} already set"
    return
  fi
  toml_set "$CONTAINERS_CONF" "$section" "$key" "$value" >/dev/null
  log "${CONTAINERS_CONF}: set [${section}] ${key} = ${value}${current:+ (was ${current})}"
  CONF_CHANGED=1
}

ensure_config() {
  CONF_CHANGED=
  # These machines forbid setting rlimits: Podman's default nofile ulimit makes every container fail to start.
  ensure_setting containers default_ulimits '[]'
  # netavark + aardvark-dns: members find each other by name on the stack's network.
  ensure_setting network network_backend '"netavark"'
  # runc, the runtime Docker uses here too. Podman prefers crun when both are installed,
  # and Debian 12's crun 1.8 refuses hosts whose cgroups are in hybrid mode (v1 with a
  # cgroup2 mount, as on these machines): "crun: cgroups in hybrid mode not supported".
  ensure_setting engine runtime '"runc"'
  if [ ! -d /run/systemd/system ]; then
    # No systemd here: no systemd cgroup manager, no journald for events and logs.
    ensure_setting engine cgroup_manager '"cgroupfs"'
    ensure_setting engine events_logger '"file"'
    ensure_setting containers log_driver '"k8s-file"'
  fi
}

socket_answers() {
  [ -S "$PODMAN_SOCKET" ] && curl -sf --max-time 5 --unix-socket "$PODMAN_SOCKET" http://d/_ping >/dev/null 2>&1
}

service_pids() { pgrep -f "podman system service .*unix://${PODMAN_SOCKET}" || true; }

# A service whose working folder was deleted (it was started from a checkout
# that is gone, such as a CI run's clone) still answers _ping, but conmon
# starts in that folder and every container start fails ("write child: broken
# pipe", "[conmon:e] Failed to get working directory").
stale_cwd() {
  local pid cwd
  for pid in $(service_pids); do
    cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null || true)
    case "$cwd" in *' (deleted)') echo "$cwd"; return ;; esac
  done
}

ensure_service() {
  local stale
  stale=$(stale_cwd)
  if socket_answers && [ -z "${CONF_CHANGED:-}" ] && [ -z "$stale" ]; then
    log "Podman API already answers on unix://${PODMAN_SOCKET}: nothing to do"
    return
  fi
  if { [ -n "${CONF_CHANGED:-}" ] || [ -n "$stale" ]; } && [ -n "$(service_pids)" ]; then
    # containers.conf is read when the service starts, and a service in a deleted folder cannot
    # start containers: restart our own service.
    log "${stale:+the Podman API service runs in a deleted folder (${stale}), where conmon cannot start containers: }${CONF_CHANGED:+containers.conf changed: }restarting the Podman API service ($(service_pids | tr '\n' ' '))"
    # shellcheck disable=SC2046
    as_root kill $(service_pids) 2>/dev/null || true
    sleep 1
  fi
  as_root mkdir -p "$(dirname "$PODMAN_SOCKET")" "$(dirname "$PODMAN_LOG")"
  log "starting podman system service --time=0 unix://${PODMAN_SOCKET} in the background (log: ${PODMAN_LOG})"
  # setsid + nohup: the service must outlive this script and the CI step that ran it.
  # In / (env -C): the service outlives the checkout this runs in, and conmon works in its folder.
  as_root setsid nohup env -C / podman system service --time=0 "unix://${PODMAN_SOCKET}" >>"$PODMAN_LOG" 2>&1 </dev/null &
  local waited=0
  until socket_answers; do
    if [ "$waited" -ge "$ENGINE_WAIT_SECONDS" ]; then
      tail -n 20 "$PODMAN_LOG" >&2 || true
      die "the Podman API did not answer on ${PODMAN_SOCKET} within ${ENGINE_WAIT_SECONDS}s (log above, full log in ${PODMAN_LOG})"
    fi
    sleep 1
    waited=$((waited + 1))
  done
  log "Podman API answers on unix://${PODMAN_SOCKET} after ${waited}s (API $(curl -s --unix-socket "$PODMAN_SOCKET" http://d/version | sed -n 's/.*"ApiVersion":"\([^"]*\)".*/\1/p'))"
}

podman_has_base() { as_root podman image exists "$BASE_IMAGE" 2>/dev/null; }

ensure_base_image() {
  if podman_has_base; then
    log "${BASE_IMAGE} already in Podman's store: nothing to do"
    return
  fi
  if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    log "loading ${BASE_IMAGE} from Docker's store (docker save | podman load)"
    docker save "$BASE_IMAGE" | as_root podman load -q >/dev/null
  else
    log "${BASE_IMAGE} is in neither store: building it offline with debootstrap (no registry is assumed)"
    command -v debootstrap >/dev/null 2>&1 || { log "installing debootstrap from apt"; apt_install debootstrap; }
    local rootfs mirror
    rootfs=$(mktemp -d /tmp/paws360-rootfs.XXXXXX)
    ROOTFS_TO_CLEAN="$rootfs"
    trap 'as_root rm -rf "${ROOTFS_TO_CLEAN:-}"' EXIT
    mirror=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list /etc/apt/sources.list 2>/dev/null |
      grep -v security | grep -oE 'https?://[^ ]+' | head -n 1 || true)
    as_root debootstrap --variant=minbase bookworm "$rootfs" ${mirror:+"$mirror"} >/tmp/paws360-debootstrap.log 2>&1 ||
      { tail -n 20 /tmp/paws360-debootstrap.log >&2; die "debootstrap failed (full log in /tmp/paws360-debootstrap.log)"; }
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
      as_root cp /etc/apt/sources.list.d/debian.sources "$rootfs/etc/apt/sources.list.d/debian.sources"
      as_root rm -f "$rootfs/etc/apt/sources.list"
    fi
    as_root rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb
    as_root tar -C "$rootfs" -c . | as_root podman import \
      --change 'CMD ["bash"]' \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      - "docker.io/library/${BASE_IMAGE}" >/dev/null
  fi
  podman_has_base || die "${BASE_IMAGE} is still not in Podman's store"
  log "${BASE_IMAGE} in Podman's store ($(as_root podman image inspect --format '{{.Id}}' "$BASE_IMAGE" | cut -c1-12))"
}

ensure_packages
ensure_config
ensure_service
ensure_base_image
log "ready: DOCKER_HOST=unix://${PODMAN_SOCKET}"
