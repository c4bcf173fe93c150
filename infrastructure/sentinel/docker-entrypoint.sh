#!/bin/sh
# Starts one Redis Sentinel. The nx-stack plugin gives every container its
# identity through PAWS360_SERVICE and PAWS360_MEMBER (host name
# <service>-<n> on the stack network) and the Redis password through
# REDIS_PASSWORD.
set -eu
# No globbing: config lines are split into words below and must stay words.
set -f

log() { echo "sentinel entrypoint: $*"; }
die() { echo "sentinel entrypoint: error: $*" >&2; exit 1; }

: "${PAWS360_STACK:?PAWS360_STACK is not set: start this image through the nx-stack plugin}"
: "${PAWS360_SERVICE:?PAWS360_SERVICE is not set: start this image through the nx-stack plugin}"
: "${PAWS360_MEMBER:?PAWS360_MEMBER is not set: start this image through the nx-stack plugin}"
[ -n "${REDIS_PASSWORD:-}" ] ||
  die "REDIS_PASSWORD is not set or empty: the nx-stack plugin generates it into the stack's env file"
case "$REDIS_PASSWORD" in *'
'*) die "REDIS_PASSWORD must be a single line";; esac

name="${PAWS360_SERVICE}-${PAWS360_MEMBER}"
master_name="${REDIS_MASTER_NAME:-mymaster}"
redis_service="${REDIS_SERVICE:-redis}"
quorum="${SENTINEL_QUORUM:-2}"
case "$master_name$redis_service" in *[!A-Za-z0-9_-]*) die "REDIS_MASTER_NAME / REDIS_SERVICE may only hold letters, digits, - and _";; esac
case "$quorum" in ''|*[!0-9]*) die "SENTINEL_QUORUM must be a number";; esac

dir=/var/lib/redis-sentinel
conf="$dir/sentinel.conf"
[ -w "$dir" ] ||
  die "$dir is not writable by $(id -un) (uid $(id -u)); it is owned by $(stat -c %U:%G "$dir"). Mount a fresh named volume there (it inherits redis ownership from the image), not a host directory"

quote() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }
resolves() { getent hosts "$1" >/dev/null 2>&1; }

if [ ! -f "$conf" ]; then
  log "first start of ${name}: creating ${conf}"
  sed -e "s/@ANNOUNCE_IP@/${name}/g" -e "s/@MASTER_NAME@/${master_name}/g" \
      -e "s/@MASTER_HOST@/${redis_service}-1/g" -e "s/@QUORUM@/${quorum}/g" \
      /usr/local/lib/sentinel/sentinel.conf.tmpl > "$conf.tmp"
  mv "$conf.tmp" "$conf"
fi

# Sentinel 7.0 resolves every host name in its config while loading it.
# Docker's DNS drops a container's name while it is stopped, and Sentinel
# copes badly with a name that does not resolve: it keeps the instance with
# an empty address, and a later config rewrite can save it under the wrong
# name (seen with 7.0.15: an unresolvable known-replica was written back as
# a known-replica named after the master). So:
#  - known-replica / known-sentinel entries for members that are down right
#    now are dropped (Sentinel rediscovers them from the master's INFO and
#    the hello channel as soon as they are back);
#  - the monitored master must resolve: wait for it (during a cold start of
#    the stack the Redis containers may simply not exist yet).
monitor=$(awk -v m="$master_name" 'tolower($1) == "sentinel" && tolower($2) == "monitor" && $3 == m { print $4; exit }' "$conf")
[ -n "$monitor" ] || die "$conf has no 'sentinel monitor $master_name' line"
waited=0
until resolves "$monitor"; do
  [ $((waited % 10)) -eq 0 ] && log "waiting for the master ${monitor} to resolve on the stack network"
  sleep 1
  waited=$((waited + 1))
done

# Rebuild the file: drop the lines re-applied below and the unresolvable
# known-* entries; keep everything else Sentinel wrote.
: > "$conf.tmp"
chmod 0600 "$conf.tmp"   # it holds the password
while IFS= read -r line; do
  set -- $line
  if [ "$(printf '%s' "${1:-}" | tr 'A-Z' 'a-z')" = sentinel ]; then
    case "$(printf '%s' "${2:-}" | tr 'A-Z' 'a-z')" in
      auth-pass|announce-ip) continue ;;
      known-replica|known-slave)
        if ! resolves "${4:-}"; then log "forgetting replica ${4:-} for now (does not resolve)"; continue; fi ;;
      known-sentinel)
        if ! resolves "${4:-}"; then log "forgetting sentinel ${4:-} for now (does not resolve)"; continue; fi ;;
    esac
  fi
  printf '%s\n' "$line" >> "$conf.tmp"
done < "$conf"
set --
{
  echo "sentinel announce-ip ${name}"
  # Sentinel authenticates to every Redis member with the Redis password.
  echo "sentinel auth-pass ${master_name} $(quote "$REDIS_PASSWORD")"
} >> "$conf.tmp"
mv "$conf.tmp" "$conf"

log "starting ${name}: monitoring ${master_name} at ${monitor}:6379, quorum ${quorum}"
exec redis-sentinel "$conf"
