#!/bin/sh
# Starts the PostgreSQL router: HAProxy in front of the Patroni members
# <PATRONI_SERVICE>-1 .. <PATRONI_SERVICE>-<PATRONI_MEMBERS> on the stack
# network. Needs no secrets: it never speaks the PostgreSQL protocol itself.
set -eu

die() { echo "router entrypoint: error: $*" >&2; exit 1; }

: "${PAWS360_STACK:?PAWS360_STACK is not set: start this image through the nx-stack plugin}"
backend="${PATRONI_SERVICE:-patroni}"
members="${PATRONI_MEMBERS:-3}"
case "$members" in ''|*[!0-9]*) die "PATRONI_MEMBERS must be a number, got '$members'";; esac
[ "$members" -ge 1 ] || die "PATRONI_MEMBERS must be at least 1"
case "$backend" in ''|*[!a-z0-9-]*) die "PATRONI_SERVICE must be a host name prefix, got '$backend'";; esac

servers=""
i=1
while [ "$i" -le "$members" ]; do
  servers="${servers}    server ${backend}-${i} ${backend}-${i}:5432
"
  i=$((i + 1))
done

cfg=/run/haproxy/haproxy.cfg
awk -v servers="$servers" '$0 == "@SERVERS@" { printf "%s", servers; next } { print }' \
  /usr/local/lib/router/haproxy.cfg.tmpl > "$cfg.tmp"
mv "$cfg.tmp" "$cfg"
haproxy -c -q -f "$cfg" || die "generated $cfg is invalid"

echo "router entrypoint: routing to ${backend}-1..${backend}-${members} (5432 leader, 5433 replicas, 7000 /stats)"
# -W: master-worker mode, the master stays PID 1 and reaps its worker;
# -db: stay in the foreground and log to stdout.
exec haproxy -W -db -f "$cfg" "$@"
