#!/bin/sh
# Starts the PostgreSQL router: HAProxy in front of the Patroni members. The
# image keeps no member count or host list of its own: the nx-stack plugin
# derives the topology from the Nx graph and injects it (README.md):
#   PAWS360_PATRONI_POSTGRES_ENDPOINTS  host:port of every Patroni member's
#                     PostgreSQL: one server per entry, in member order
#   PAWS360_PATRONI_API_ENDPOINTS       host:port of the same members' REST
#                     API, same order: the health check of each server
#   PAWS360_STACK     only checked (the image runs inside a stack)
# Needs no secrets: it never speaks the PostgreSQL protocol itself.
set -eu

die() { echo "router entrypoint: error: $*" >&2; exit 1; }
for v in PAWS360_STACK PAWS360_PATRONI_POSTGRES_ENDPOINTS PAWS360_PATRONI_API_ENDPOINTS; do
  eval "[ -n \"\${$v:-}\" ]" || die "$v is not set: start this image through the nx-stack plugin, which injects the stack's topology"
done

# One "server" line per member: HAProxy sends clients to its PostgreSQL port
# and checks its REST API port. HAProxy can check another port of the same
# address only, so both lists must name the same host at each position.
servers=$(awk -v pg="$PAWS360_PATRONI_POSTGRES_ENDPOINTS" -v api="$PAWS360_PATRONI_API_ENDPOINTS" 'BEGIN {
  n = split(pg, p, ","); if (split(api, a, ",") != n) { print "the two endpoint lists have different lengths"; exit 1 }
  for (i = 1; i <= n; i++) {
    if (split(p[i], ph, ":") != 2 || split(a[i], ah, ":") != 2 || ph[1] != ah[1] || ph[1] !~ /^[a-z0-9][a-z0-9.-]*$/ || ph[2] !~ /^[0-9]+$/ || ah[2] !~ /^[0-9]+$/) {
      print "entry " i " is not host:port in both lists with the same host (" p[i] " / " a[i] ")"; exit 1
    }
    out = out sprintf("    server %s %s:%s check port %s\n", ph[1], ph[1], ph[2], ah[2])
  }
  printf "%s", out
}') || die "PAWS360_PATRONI_POSTGRES_ENDPOINTS=$PAWS360_PATRONI_POSTGRES_ENDPOINTS and PAWS360_PATRONI_API_ENDPOINTS=$PAWS360_PATRONI_API_ENDPOINTS: $servers"

cfg=/run/haproxy/haproxy.cfg
awk -v servers="$servers" '$0 == "@SERVERS@" { print servers; next } { print }' \
  /usr/local/lib/router/haproxy.cfg.tmpl > "$cfg.tmp"
mv "$cfg.tmp" "$cfg"
haproxy -c -q -f "$cfg" || die "generated $cfg is invalid"

echo "router entrypoint: routing to ${PAWS360_PATRONI_POSTGRES_ENDPOINTS} (health: ${PAWS360_PATRONI_API_ENDPOINTS}; 5432 leader, 5433 replicas, 7000 /stats)"
# -W: master-worker mode, the master stays PID 1 and reaps its worker;
# -db: stay in the foreground and log to stdout.
exec haproxy -W -db -f "$cfg" "$@"
