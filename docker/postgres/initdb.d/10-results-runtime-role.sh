#!/bin/sh
# Creates (or updates) the results sink's runtime role tunet_app with the password RESULTS_DB_PASSWORD. The
# postgres image runs this once, when it creates the database in a fresh volume; run it again by hand to add the
# role to an older volume or to rotate the password (results-sink/README.md, "Database roles"):
#   docker compose exec postgres sh /docker-entrypoint-initdb.d/10-results-runtime-role.sh
# The role's grants come from the sink's own migration V3, run as the owner (POSTGRES_USER).
set -eu
: "${RESULTS_DB_PASSWORD:?set RESULTS_DB_PASSWORD, the results sink runtime role password}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v runtime_password="$RESULTS_DB_PASSWORD" <<'SQL'
SELECT 'CREATE ROLE tunet_app' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tunet_app')\gexec
SELECT format('ALTER ROLE tunet_app WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L',
              :'runtime_password')\gexec
-- only the owner creates in the schema (PostgreSQL 15+ already says so; older servers let everyone)
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
