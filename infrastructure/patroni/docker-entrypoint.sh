#!/bin/sh
# Starts one Patroni member (PostgreSQL 15). The image keeps no member count or
# host list of its own: the nx-stack plugin derives the topology from the Nx
# graph and injects it into every container (README.md, "Contract"):
#   PAWS360_MEMBERS, PAWS360_MEMBER  this service's member host names and this
#                     member's 1-based position: its Patroni name and the host
#                     name the other members and the router reach it by
#   PAWS360_REPLICAS  how many names PAWS360_MEMBERS must hold
#   PAWS360_STACK     the Patroni scope (one cluster per stack)
#   PAWS360_ETCD_CLIENT_ENDPOINTS  the DCS: etcd's client endpoints, host:port
# and the passwords through POSTGRES_SUPERUSER_PASSWORD and
# POSTGRES_REPLICATION_PASSWORD.
set -eu

die() { echo "patroni entrypoint: error: $*" >&2; exit 1; }

for v in PAWS360_STACK PAWS360_SERVICE PAWS360_MEMBER PAWS360_REPLICAS PAWS360_MEMBERS PAWS360_ETCD_CLIENT_ENDPOINTS; do
  eval "[ -n \"\${$v:-}\" ]" || die "$v is not set: start this image through the nx-stack plugin, which injects the stack's topology"
done
[ -n "${POSTGRES_SUPERUSER_PASSWORD:-}" ] ||
  die "POSTGRES_SUPERUSER_PASSWORD is not set or empty: the nx-stack plugin generates it into the stack's env file"
[ -n "${POSTGRES_REPLICATION_PASSWORD:-}" ] ||
  die "POSTGRES_REPLICATION_PASSWORD is not set or empty: the nx-stack plugin generates it into the stack's env file"

# Entry PAWS360_MEMBER of PAWS360_MEMBERS (a list of PAWS360_REPLICAS names).
MEMBER_NAME=$(echo "$PAWS360_MEMBERS" | awk -F, -v m="$PAWS360_MEMBER" -v r="$PAWS360_REPLICAS" \
  'NF == r && m ~ /^[1-9][0-9]*$/ && m <= NF { print $m }')
[ -n "$MEMBER_NAME" ] ||
  die "PAWS360_MEMBER=$PAWS360_MEMBER, PAWS360_REPLICAS=$PAWS360_REPLICAS and PAWS360_MEMBERS=$PAWS360_MEMBERS do not agree: PAWS360_MEMBERS must hold PAWS360_REPLICAS host names and PAWS360_MEMBER a position in it"
# One Patroni cluster per stack; PATRONI_CLUSTER_NAME overrides it.
SCOPE="${PATRONI_CLUSTER_NAME:-$PAWS360_STACK}"
# The DCS: every etcd member, host:port, as Patroni's etcd3.hosts takes them.
ETCD_HOSTS="$PAWS360_ETCD_CLIENT_ENDPOINTS"
export MEMBER_NAME SCOPE ETCD_HOSTS

volume=/var/lib/postgresql/data
[ -w "$volume" ] ||
  die "$volume is not writable by $(id -un) (uid $(id -u)); it is owned by $(stat -c %U:%G "$volume"). Mount a fresh named volume there (it inherits postgres ownership from the image), not a host directory"
# PostgreSQL refuses to start on a data directory others can read; a copied
# or restored volume may have lost the mode.
if [ -d "$volume/pgdata" ]; then
  chmod 0700 "$volume/pgdata"
fi

python3 /usr/local/lib/patroni/render-config.py \
  /usr/local/lib/patroni/patroni.yml.tmpl /etc/patroni/patroni.yml

echo "patroni entrypoint: starting ${MEMBER_NAME} of cluster ${SCOPE} (etcd: ${ETCD_HOSTS})"
# exec: Patroni becomes PID 1; it detects that, runs itself as a child and
# reaps orphaned processes, and forwards SIGTERM so PostgreSQL stops cleanly.
exec patroni /etc/patroni/patroni.yml "$@"
