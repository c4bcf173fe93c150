#!/bin/sh
# Starts one Redis Sentinel. The image keeps no member count or host list of
# its own: the nx-stack plugin derives the topology from the Nx graph and
# injects it into every container (README.md, "Contract"):
#   PAWS360_MEMBERS, PAWS360_MEMBER  this service's member host names and this
#                     Sentinel's 1-based position: the name it announces
#   PAWS360_REPLICAS  how many Sentinels there are: the default quorum is a
#                     majority of them
#   PAWS360_REDIS_MEMBERS, PAWS360_REDIS_REDIS_ENDPOINTS  the Redis members
#                     (host names, host:port): the first one is the master of
#                     a brand-new stack
# and the Redis password through REDIS_PASSWORD.
set -eu
# No globbing: config lines are split into words below and must stay words.
set -f

log() { echo "sentinel entrypoint: $*"; }
die() { echo "sentinel entrypoint: error: $*" >&2; exit 1; }

for v in PAWS360_STACK PAWS360_SERVICE PAWS360_MEMBER PAWS360_REPLICAS PAWS360_MEMBERS PAWS360_REDIS_MEMBERS PAWS360_REDIS_REDIS_ENDPOINTS; do
  eval "[ -n \"\${$v:-}\" ]" || die "$v is not set: start this image through the nx-stack plugin, which injects the stack's topology"
done
[ -n "${REDIS_PASSWORD:-}" ] ||
  die "REDIS_PASSWORD is not set or empty: the nx-stack plugin generates it into the stack's env file"
case "$REDIS_PASSWORD" in *'
'*) die "REDIS_PASSWORD must be a single line";; esac

# Entry PAWS360_MEMBER of PAWS360_MEMBERS (a list of PAWS360_REPLICAS names).
name=$(echo "$PAWS360_MEMBERS" | awk -F, -v m="$PAWS360_MEMBER" -v r="$PAWS360_REPLICAS" \
  'NF == r && m ~ /^[1-9][0-9]*$/ && m <= NF && $m ~ /^[a-z0-9][a-z0-9.-]*$/ { print $m }')
[ -n "$name" ] ||
  die "PAWS360_MEMBER=$PAWS360_MEMBER, PAWS360_REPLICAS=$PAWS360_REPLICAS and PAWS360_MEMBERS=$PAWS360_MEMBERS do not agree: PAWS360_MEMBERS must hold PAWS360_REPLICAS host names and PAWS360_MEMBER a position in it"
# The first Redis member, and its port from the endpoint of the same host.
first_master="${PAWS360_REDIS_MEMBERS%%,*}"
first_port=$(echo "$PAWS360_REDIS_REDIS_ENDPOINTS" | tr ',' '\n' | awk -F: -v h="$first_master" '$1 == h && $2 ~ /^[0-9]+$/ { print $2; exit }')
[ -n "$first_port" ] ||
  die "PAWS360_REDIS_REDIS_ENDPOINTS=$PAWS360_REDIS_REDIS_ENDPOINTS has no host:port for ${first_master}, the first of PAWS360_REDIS_MEMBERS"
master_name="${REDIS_MASTER_NAME:-mymaster}"
# A majority of the Sentinels must agree the master is down (a majority is
# needed anyway to elect the Sentinel that runs the failover): 2 of 3.
quorum="${SENTINEL_QUORUM:-$((PAWS360_REPLICAS / 2 + 1))}"
case "$master_name" in *[!A-Za-z0-9_-]*) die "REDIS_MASTER_NAME may only hold letters, digits, - and _";; esac
case "$first_master" in ''|*[!a-z0-9.-]*) die "PAWS360_REDIS_MEMBERS must be host names, got '$PAWS360_REDIS_MEMBERS'";; esac
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
      -e "s/@MASTER_HOST@/${first_master}/g" -e "s/@MASTER_PORT@/${first_port}/g" \
      -e "s/@QUORUM@/${quorum}/g" \
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
# "<host> <port> <quorum>" of the line "sentinel monitor <name> ...".
monitor=$(awk -v m="$master_name" 'tolower($1) == "sentinel" && tolower($2) == "monitor" && $3 == m { print $4, $5, $6; exit }' "$conf")
[ -n "$monitor" ] || die "$conf has no 'sentinel monitor $master_name' line"
# Polled every 0.2 s: the name appears the moment the container starts.
waited=0
until resolves "${monitor%% *}"; do
  [ $((waited % 50)) -eq 0 ] && log "waiting for the master ${monitor%% *} to resolve on the stack network"
  sleep 0.2
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

log "starting ${name}: monitoring ${master_name} at $(echo "$monitor" | awk '{ print $1 ":" $2 ", quorum " $3 }')"
exec redis-sentinel "$conf"
