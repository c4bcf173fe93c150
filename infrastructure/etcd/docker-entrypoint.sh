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

data=/var/lib/etcd/member-data
token="${PAWS360_STACK}-${PAWS360_SERVICE}"

# First start (no data yet). etcd's own bootstrap of a "new" member asks
# every peer's /members whether this member has run before, giving each peer
# 1 s; but the peers of a cluster starting together have bound their peer
# port and do not answer until they are past that same check, so every
# member of a fresh cluster waited exactly 2 s (3 members) before raft even
# started. The same question is asked here, of all peers at once, before
# anything is bound here, with the same verdict:
#  - a peer names this member with client URLs: it ran before and its data is
#    gone; refuse, as etcd does ("member has already been bootstrapped"),
#    since a member that forgot what it acknowledged must not vote again;
#  - otherwise the member's data dir is created from an empty cluster's
#    snapshot for this exact cluster (etcdctl snapshot restore: same names,
#    peer URLs and token give the same member and cluster ids as a "new"
#    bootstrap), and etcd starts on it at once, as on a restart.
# A peer that is starting too refuses or does not resolve yet: no wait. One
# whose container is still being wired up swallows the connection attempt,
# hence a first try of 0.3 s and, if that timed out, one of 1 s: a peer that
# runs answers in milliseconds, and every peer still gets etcd's own 1 s.
# The body is read by its Content-Length: a member that has just started
# answers but keeps the connection open for a while.
get_members='exec 3<>"/dev/tcp/$1/2380" && printf "GET /members HTTP/1.0\r\nHost: %s\r\n\r\n" "$1" >&3 || exit 1
length=0
while IFS= read -r line <&3; do
  line=$(printf "%s" "$line" | tr -d "\r"); [ -n "$line" ] || break
  case "$line" in [Cc]ontent-[Ll]ength:*) length=${line#*:} ;; esac
done
read -r -N "$((length))" body <&3; printf "%s\n" "$body"'
members_of() { # peer: its /members on stdout
  for limit in 0.3 1; do
    timeout "$limit" bash -c "$get_members" _ "$1" 2>/dev/null && return 0
    [ $? -eq 124 ] || return 0   # refused or unknown: nothing runs there
  done
}
if [ ! -d "$data/member" ]; then
  asked=$(mktemp -d)
  for peer in $(echo "$PAWS360_MEMBERS" | tr ',' ' '); do
    [ "$peer" = "$name" ] || members_of "$peer" > "$asked/$peer" &
  done
  wait
  # /members is a JSON list of {"id","name","peerURLs","clientURLs"}.
  if cat "$asked"/* | tr '{' '\n' | grep -F "\"name\":\"${name}\"" | grep -q '"clientURLs":\["'; then
    rm -rf "$asked"
    die "${name} has no data, but its peers say it has run before: its data is lost. Remove it from the cluster and add it back (etcdctl member remove / member add), or wipe every member's volume to start a new cluster"
  fi
  rm -rf "$asked"
  echo "etcd entrypoint: first start of ${name}: creating ${data} for cluster ${token} (${cluster})"
  ETCDCTL_API=3 etcdctl snapshot restore /usr/local/lib/etcd/empty-cluster.db \
    --name "$name" --data-dir "$data" --initial-cluster "$cluster" \
    --initial-cluster-token "$token" --initial-advertise-peer-urls "http://${name}:2380" >/dev/null
fi

# A member whose data dir already holds a cluster rejoins it; "new" only
# matters the first time, so the same command serves first start and restart.
exec etcd \
  --name "$name" \
  --data-dir "$data" \
  --listen-client-urls http://0.0.0.0:2379 \
  --advertise-client-urls "http://${name}:2379" \
  --listen-peer-urls http://0.0.0.0:2380 \
  --initial-advertise-peer-urls "http://${name}:2380" \
  --initial-cluster "$cluster" \
  --initial-cluster-token "$token" \
  --initial-cluster-state new \
  --heartbeat-interval "${ETCD_HEARTBEAT_INTERVAL_MS:-100}" \
  --election-timeout "${ETCD_ELECTION_TIMEOUT_MS:-1000}" \
  --auto-compaction-mode revision \
  --auto-compaction-retention 1000 \
  --logger zap \
  "$@"
