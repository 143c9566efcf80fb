#!/usr/bin/env bash
# The login role the services with row-level security (portfolio, notifications) connect as:
# it owns nothing, is no superuser and has no BYPASSRLS, so every policy applies to it. Its password
# comes from APP_DB_PASSWORD, which has no default: the postgres image runs this on its first start
# with the container's environment; by hand: APP_DB_PASSWORD=... PGHOST=... bash 03-app-role.sh
set -euo pipefail
: "${APP_DB_PASSWORD:?APP_DB_PASSWORD must be set: the nexanest_app role gets no default password}"

# psql reads the password from the environment (\getenv, psql 15+) and format(%L) quotes it: it is
# never part of a command line.
export APP_DB_PASSWORD
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname postgres <<'SQL'
\getenv app_password APP_DB_PASSWORD
SELECT format('CREATE ROLE nexanest_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD %L', :'app_password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nexanest_app') \gexec
SELECT format('ALTER ROLE nexanest_app LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD %L', :'app_password') \gexec
SQL
