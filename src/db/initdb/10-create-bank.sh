#!/usr/bin/env bash
# Runs once, when the container starts with an empty data directory
# (/docker-entrypoint-initdb.d/ of the official postgres image).
# Creates the application role and its database, then loads schema and data
# as that role so that it owns every table. The superuser is never used by
# the application.
set -Eeuo pipefail

: "${BANK_DB_PASSWORD:?BANK_DB_PASSWORD must be set (Kubernetes: secret api-secrets, key APP_DB_PASSWORD)}"
bank_user="${BANK_DB_USER:-bank}"
bank_db="${BANK_DB_NAME:-bank}"
data_file="${BANK_DB_DATA_FILE:-/opt/bankdata/bank.sql}"

# psql variables (:'x' literal, :"x" identifier) do the quoting.
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname postgres \
    --set=bank_user="$bank_user" --set=bank_db="$bank_db" \
    --set=bank_password="$BANK_DB_PASSWORD" <<'SQL'
CREATE ROLE :"bank_user" LOGIN PASSWORD :'bank_password';
CREATE DATABASE :"bank_db" OWNER :"bank_user";
REVOKE ALL ON DATABASE :"bank_db" FROM PUBLIC;
SQL

PGPASSWORD="$BANK_DB_PASSWORD" psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet \
    --username "$bank_user" --dbname "$bank_db" --single-transaction --output /dev/null \
    --file "$data_file"

echo "10-create-bank.sh: role ${bank_user} owns database ${bank_db}; data loaded"
