#!/bin/sh
# Starts one Patroni member (PostgreSQL 15). The nx-stack plugin gives every
# container its identity through PAWS360_STACK, PAWS360_SERVICE and
# PAWS360_MEMBER, and the passwords through POSTGRES_SUPERUSER_PASSWORD and
# POSTGRES_REPLICATION_PASSWORD; the member is reachable by the others as
# <service>-<n> on the stack network.
set -eu

die() { echo "patroni entrypoint: error: $*" >&2; exit 1; }

: "${PAWS360_STACK:?PAWS360_STACK is not set: start this image through the nx-stack plugin}"
: "${PAWS360_SERVICE:?PAWS360_SERVICE is not set: start this image through the nx-stack plugin}"
: "${PAWS360_MEMBER:?PAWS360_MEMBER is not set: start this image through the nx-stack plugin}"
[ -n "${POSTGRES_SUPERUSER_PASSWORD:-}" ] ||
  die "POSTGRES_SUPERUSER_PASSWORD is not set or empty: the nx-stack plugin generates it into the stack's env file"
[ -n "${POSTGRES_REPLICATION_PASSWORD:-}" ] ||
  die "POSTGRES_REPLICATION_PASSWORD is not set or empty: the nx-stack plugin generates it into the stack's env file"

MEMBER_NAME="${PAWS360_SERVICE}-${PAWS360_MEMBER}"
# One Patroni cluster per stack; PATRONI_CLUSTER_NAME overrides it.
SCOPE="${PATRONI_CLUSTER_NAME:-$PAWS360_STACK}"
# The DCS: the stack's etcd members, by host name.
ETCD_HOSTS="${ETCD_HOSTS:-etcd-1:2379,etcd-2:2379,etcd-3:2379}"
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
