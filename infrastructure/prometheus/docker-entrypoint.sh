#!/bin/sh
# Starts Prometheus and one exporter per member it reads through one. The
# image keeps no target list of its own: the nx-stack plugin renders both
# from the services Prometheus depends on (kinds/prometheus/scrape-config.ts):
#   PAWS360_PROMETHEUS_YML  prometheus.yml
#   PAWS360_EXPORTERS       one line per exporter: "<postgres|redis> <local port> <member host:port>"
# and the passwords through POSTGRES_SUPERUSER_PASSWORD and REDIS_PASSWORD.
set -eu

log() { echo "prometheus entrypoint: $*"; }
die() { echo "prometheus entrypoint: error: $*" >&2; exit 1; }

[ -n "${PAWS360_PROMETHEUS_YML:-}" ] ||
  die "PAWS360_PROMETHEUS_YML is not set: start this image through the nx-stack plugin (nx run stack:observe), which renders it"

config=/var/lib/prometheus/prometheus.yml
printf '%s\n' "$PAWS360_PROMETHEUS_YML" > "$config"

count=0
# Not a pipe: the loop must run in this shell, so the exporters stay its children until exec.
while read -r exporter port target; do
  [ -n "$exporter" ] || continue
  case "$exporter" in
    postgres)
      DATA_SOURCE_URI="$target/postgres?sslmode=disable" DATA_SOURCE_USER=postgres DATA_SOURCE_PASS="${POSTGRES_SUPERUSER_PASSWORD:?}" \
        prometheus-postgres-exporter --web.listen-address="127.0.0.1:$port" --log.level=warn &
      ;;
    redis)
      # redis_exporter reads REDIS_PASSWORD from the environment: never on its command line.
      prometheus-redis-exporter -redis.addr="redis://$target" -web.listen-address="127.0.0.1:$port" -log-format=txt &
      ;;
    *) die "unknown exporter \"$exporter\" in PAWS360_EXPORTERS" ;;
  esac
  count=$((count + 1))
done <<EXPORTERS
${PAWS360_EXPORTERS:-}
EXPORTERS

log "$count exporters started; scraping $(grep -c 'job_name' "$config") jobs"
exec prometheus --config.file="$config" --storage.tsdb.path=/var/lib/prometheus/data \
  --storage.tsdb.retention.time="${PROMETHEUS_RETENTION:-2d}" --web.listen-address=:9090
