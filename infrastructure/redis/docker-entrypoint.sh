#!/bin/sh
# Starts one Redis member. The image keeps no member count or host list of its
# own: the nx-stack plugin derives the topology from the Nx graph and injects
# it into every container (README.md, "Contract"):
#   PAWS360_MEMBERS, PAWS360_MEMBER  this service's member host names and this
#                     member's 1-based position: the name it announces. The
#                     first name is the master of a brand-new stack, the others
#                     replicate it; after that, the Sentinels decide.
#   PAWS360_REPLICAS  how many names PAWS360_MEMBERS must hold
#   PAWS360_SENTINEL_SENTINEL_ENDPOINTS  host:port of every Sentinel: asked
#                     at each start who the master is
# and the password through REDIS_PASSWORD.
set -eu

log() { echo "redis entrypoint: $*"; }
die() { echo "redis entrypoint: error: $*" >&2; exit 1; }

for v in PAWS360_STACK PAWS360_SERVICE PAWS360_MEMBER PAWS360_REPLICAS PAWS360_MEMBERS PAWS360_SENTINEL_SENTINEL_ENDPOINTS; do
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
first="${PAWS360_MEMBERS%%,*}"
# The Sentinels, as host:port words, and the name they monitor the master under.
echo "$PAWS360_SENTINEL_SENTINEL_ENDPOINTS" | grep -Eq '^[a-z0-9][a-z0-9.-]*:[0-9]+(,[a-z0-9][a-z0-9.-]*:[0-9]+)*$' ||
  die "PAWS360_SENTINEL_SENTINEL_ENDPOINTS=$PAWS360_SENTINEL_SENTINEL_ENDPOINTS is not a comma-separated list of host:port"
sentinels=$(echo "$PAWS360_SENTINEL_SENTINEL_ENDPOINTS" | tr ',' ' ')
master_name="${REDIS_MASTER_NAME:-mymaster}"

dir=/var/lib/redis
conf="$dir/redis.conf"
[ -w "$dir" ] ||
  die "$dir is not writable by $(id -un) (uid $(id -u)); it is owned by $(stat -c %U:%G "$dir"). Mount a fresh named volume there (it inherits redis ownership from the image), not a host directory"

# A value inside double quotes in redis.conf: escape \ and ".
quote() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }

# Drops every line that sets one of the given directives (case-insensitive),
# keeping comments and everything else.
drop_directives() {
  awk -v names="$*" 'BEGIN { n = split(tolower(names), a, " "); for (i = 1; i <= n; i++) drop[a[i]] = 1 }
    { split($0, w, /[ \t]+/); if (!(tolower(w[1]) in drop)) print }' "$conf" > "$conf.tmp"
  mv "$conf.tmp" "$conf"
}

if [ ! -f "$conf" ]; then
  log "first start of ${name}: creating ${conf}"
  sed "s/@MEMBER_NAME@/${name}/g" /usr/local/lib/redis/redis.conf.tmpl > "$conf.tmp"
  if [ "$name" != "$first" ]; then
    printf '\n# Initial role: replica of the first member (Sentinel rewrites this on failover).\nreplicaof %s 6379\n' "$first" >> "$conf.tmp"
  fi
  mv "$conf.tmp" "$conf"
fi
chmod 0600 "$conf"   # it holds the password

# Ask the Sentinels who the master is now. The answer most of them give wins;
# when none answers (e.g. the whole stack is starting), the role saved in
# redis.conf (the one Sentinel last wrote) stands. This closes the window in
# which an old master that restarts after a failover would come back as a
# second master until Sentinel notices and demotes it.
# All of them at once, each given 2 s: a cold start, where no Sentinel
# exists yet, costs one look-up that fails at once (or at most 2 s when the
# DNS server hangs on unknown names), not one per Sentinel.
asked=$(mktemp -d)
i=0
for endpoint in $sentinels; do
  i=$((i + 1))
  (timeout 2 redis-cli -h "${endpoint%:*}" -p "${endpoint##*:}" --raw \
     SENTINEL get-master-addr-by-name "$master_name" 2>/dev/null | paste -sd ' ' - > "$asked/$i" || true) &
done
wait
answers=$(cat "$asked"/* | grep ' [0-9]' || true)
rm -rf "$asked"
master=$(printf '%s' "$answers" | sed '/^$/d' | sort | uniq -c | sort -rn | awk 'NR == 1 { print $2, $3 }')

drop_directives requirepass masterauth replica-announce-ip slave-announce-ip repl-diskless-sync-max-replicas
if [ -n "$master" ]; then
  drop_directives replicaof slaveof
fi
{
  echo "requirepass $(quote "$REDIS_PASSWORD")"
  # Replicas authenticate to the master with the same password (and any
  # member may become a replica after a failover).
  echo "masterauth $(quote "$REDIS_PASSWORD")"
  echo "replica-announce-ip ${name}"
  # A master starts the diskless full sync of waiting replicas after
  # repl-diskless-sync-delay (5 s) so that replicas arriving together share
  # one transfer; once every other member is waiting there is nobody left to
  # wait for. On a cold start this saves ~4 s before the replicas are online.
  echo "repl-diskless-sync-max-replicas $((PAWS360_REPLICAS - 1))"
  if [ -n "$master" ] && [ "${master%% *}" != "$name" ]; then
    echo "replicaof ${master}"
  fi
} >> "$conf"

if [ -n "$master" ]; then
  log "Sentinels report master ${master}; starting ${name} as $([ "${master%% *}" = "$name" ] && echo master || echo "replica of ${master}")"
else
  saved=$(grep -iE '^(replicaof|slaveof) ' "$conf" | tail -n 1 || true)
  log "no Sentinel answered; starting ${name} with the role saved in ${conf}: ${saved:-master}"
fi
exec redis-server "$conf" "$@"
