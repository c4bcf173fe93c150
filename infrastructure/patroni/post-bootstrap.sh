#!/bin/sh
# Patroni's post_bootstrap hook: runs once, on the member that initialised the
# cluster, right after initdb, with a superuser connection string as $1.
# Creates the application database, so a fresh stack is usable at once.
set -eu
psql -v ON_ERROR_STOP=1 "$1" <<'SQL'
SELECT 'CREATE DATABASE paws360'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'paws360')\gexec
SQL
