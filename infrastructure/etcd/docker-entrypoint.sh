#!/bin/sh
# Starts one member of a statically bootstrapped etcd cluster. The image keeps
# no member count or host list of its own: the nx-stack plugin derives the
# topology from the Nx graph and injects it into every container (README.md):
#   PAWS360_MEMBERS   this service's member host names, comma-separated, in
#                     member order (etcd-1,etcd-2,etcd-3): the initial cluster
#   PAWS360_MEMBER    this member's 1-based position in that list
#   PAWS360_REPLICAS  how many members that list must have
#   PAWS360_STACK, PAWS360_SERVICE  the cluster token <stack>-<service>
set -eu

die() { echo "etcd entrypoint: error: $*" >&2; exit 1; }
for v in PAWS360_STACK PAWS360_SERVICE PAWS360_MEMBER PAWS360_REPLICAS PAWS360_MEMBERS; do
  eval "[ -n \"\${$v:-}\" ]" || die "$v is not set: start this image through the nx-stack plugin, which injects the stack's topology"
done

# This member's host name: entry PAWS360_MEMBER of PAWS360_MEMBERS, which
# must list exactly PAWS360_REPLICAS names.
name=$(echo "$PAWS360_MEMBERS" | awk -F, -v m="$PAWS360_MEMBER" -v r="$PAWS360_REPLICAS" \
  'NF == r && m ~ /^[1-9][0-9]*$/ && m <= NF && $m ~ /^[a-z0-9][a-z0-9.-]*$/ { print $m }')
[ -n "$name" ] ||
  die "PAWS360_MEMBER=$PAWS360_MEMBER, PAWS360_REPLICAS=$PAWS360_REPLICAS and PAWS360_MEMBERS=$PAWS360_MEMBERS do not agree: PAWS360_MEMBERS must hold PAWS360_REPLICAS host names and PAWS360_MEMBER a position in it"

# Every member by its host name; peers talk on 2380 (internal to the stack
# network, not a port of service.json).
cluster=$(echo "$PAWS360_MEMBERS" | awk -F, '{ for (i = 1; i <= NF; i++) printf "%s%s=http://%s:2380", (i > 1 ? "," : ""), $i, $i }')

# A member whose data dir already holds a cluster rejoins it; "new" only
# matters the first time, so the same command serves first start and restart.
exec etcd \
  --name "$name" \
  --data-dir /var/lib/etcd/member-data \
  --listen-client-urls http://0.0.0.0:2379 \
  --advertise-client-urls "http://${name}:2379" \
  --listen-peer-urls http://0.0.0.0:2380 \
  --initial-advertise-peer-urls "http://${name}:2380" \
  --initial-cluster "$cluster" \
  --initial-cluster-token "${PAWS360_STACK}-${PAWS360_SERVICE}" \
  --initial-cluster-state new \
  --heartbeat-interval "${ETCD_HEARTBEAT_INTERVAL_MS:-100}" \
  --election-timeout "${ETCD_ELECTION_TIMEOUT_MS:-1000}" \
  --auto-compaction-mode revision \
  --auto-compaction-retention 1000 \
  --logger zap \
  "$@"
