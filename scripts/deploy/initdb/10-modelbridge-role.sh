#!/bin/sh
# Run once by the postgres image on an empty data folder (/docker-entrypoint-initdb.d), and by DeployTopologyIT:
# the minimal role of docs/operations.md, "Your own PostgreSQL": a login without superuser that owns its database.
set -eu
password="$(cat "${MODELBRIDGE_SECRETS_DIR:-/run/secrets}/mb_db_password")"
psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
  -v password="$password" <<'SQL'
CREATE ROLE modelbridge LOGIN PASSWORD :'password';
CREATE DATABASE modelbridge OWNER modelbridge;
SQL
