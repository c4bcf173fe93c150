#!/bin/sh
# Starts one Redis member. The nx-stack plugin gives every container its
# identity through PAWS360_SERVICE and PAWS360_MEMBER (host name
# <service>-<n> on the stack network) and the password through
# REDIS_PASSWORD. Member 1 is the master of a brand-new stack, the others
# replicate it; after that, the Sentinels decide who is master.
set -eu

log() { echo "redis entrypoint: $*"; }
die() { echo "redis entrypoint: error: $*" >&2; exit 1; }

: "${PAWS360_STACK:?PAWS360_STACK is not set: start this image through the nx-stack plugin}"
: "${PAWS360_SERVICE:?PAWS360_SERVICE is not set: start this image through the nx-stack plugin}"
: "${PAWS360_MEMBER:?PAWS360_MEMBER is not set: start this image through the nx-stack plugin}"
[ -n "${REDIS_PASSWORD:-}" ] ||
  die "REDIS_PASSWORD is not set or empty: the nx-stack plugin generates it into the stack's env file"
case "$REDIS_PASSWORD" in *'
'*) die "REDIS_PASSWORD must be a single line";; esac

service="$PAWS360_SERVICE"
member="$PAWS360_MEMBER"
name="${service}-${member}"
# Where to find the Sentinels, and the name they monitor the master under.
sentinel_service="${SENTINEL_SERVICE:-sentinel}"
sentinel_members="${SENTINEL_MEMBERS:-3}"
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
  if [ "$member" != 1 ]; then
    printf '\n# Initial role: replica of member 1 (Sentinel rewrites this on failover).\nreplicaof %s-1 6379\n' "$service" >> "$conf.tmp"
  fi
  mv "$conf.tmp" "$conf"
fi
chmod 0600 "$conf"   # it holds the password

# Ask the Sentinels who the master is now. The answer most of them give wins;
# when none answers (e.g. the whole stack is starting), the role saved in
# redis.conf (the one Sentinel last wrote) stands. This closes the window in
# which an old master that restarts after a failover would come back as a
# second master until Sentinel notices and demotes it.
answers=""
i=1
while [ "$i" -le "$sentinel_members" ]; do
  a=$(timeout 2 redis-cli -h "${sentinel_service}-${i}" -p 26379 --raw \
        SENTINEL get-master-addr-by-name "$master_name" 2>/dev/null | paste -sd ' ' - || true)
  case "$a" in *' '[0-9]*) answers="${answers}${a}
";; esac
  i=$((i + 1))
done
master=$(printf '%s' "$answers" | sed '/^$/d' | sort | uniq -c | sort -rn | awk 'NR == 1 { print $2, $3 }')

drop_directives requirepass masterauth replica-announce-ip slave-announce-ip
if [ -n "$master" ]; then
  drop_directives replicaof slaveof
fi
{
  echo "requirepass $(quote "$REDIS_PASSWORD")"
  # Replicas authenticate to the master with the same password (and any
  # member may become a replica after a failover).
  echo "masterauth $(quote "$REDIS_PASSWORD")"
  echo "replica-announce-ip ${name}"
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
