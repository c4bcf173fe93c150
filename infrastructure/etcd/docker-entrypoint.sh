#!/bin/sh
# Starts one member of a statically bootstrapped etcd cluster. The nx-stack
# plugin gives every container its place in the cluster through
# PAWS360_SERVICE, PAWS360_MEMBER (1-based) and PAWS360_REPLICAS; peers are
# reached by their host names <service>-<n> on the stack's network.
set -eu

service="${PAWS360_SERVICE:?PAWS360_SERVICE is not set: start this image through the nx-stack plugin}"
member="${PAWS360_MEMBER:?PAWS360_MEMBER is not set}"
replicas="${PAWS360_REPLICAS:?PAWS360_REPLICAS is not set}"
name="${service}-${member}"

cluster=""
i=1
while [ "$i" -le "$replicas" ]; do
  cluster="${cluster:+${cluster},}${service}-${i}=http://${service}-${i}:2380"
  i=$((i + 1))
done

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
  --initial-cluster-token "${PAWS360_STACK:-paws360}-${service}" \
  --initial-cluster-state new \
  --heartbeat-interval "${ETCD_HEARTBEAT_INTERVAL_MS:-100}" \
  --election-timeout "${ETCD_ELECTION_TIMEOUT_MS:-1000}" \
  --auto-compaction-mode revision \
  --auto-compaction-retention 1000 \
  --logger zap \
  "$@"
