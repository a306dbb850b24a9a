#!/usr/bin/env bash
# A local PostgreSQL for the ledger tests (tests/ledger), from Debian's packages.
#
#   eval "$(bash ci/postgres.sh)"      # installs/starts if needed, then exports TAXDOCS_TEST_PG_URL
#
# Status lines go to stderr; the only thing on stdout is the `export TAXDOCS_TEST_PG_URL=...`
# line, printed only when the server answers. It always exits 0: if anything fails, the
# PostgreSQL ledger tests skip with a visible reason instead of failing.
# Measured on the CI machine kind (2 cores): apt-get update + install postgresql ~8 s,
# cluster start ~2 s, role and database < 1 s; ~0.5 s when already running.
set -u
LOG="${POSTGRES_SH_LOG:-${TMPDIR:-/tmp}/taxdocs-postgres.log}"
PY="${PYTHON:-python3}"
ROLE=taxdocs PASS=taxdocs DB=taxdocs_test
start=$(date +%s)
: >"$LOG" 2>/dev/null || LOG=/dev/null

say() { echo "ci/postgres.sh: $*" >&2; }
done_() { say "$* ($(( $(date +%s) - start ))s)"; exit 0; }

if [ "$(id -u)" != 0 ]; then
    done_ "not root: cannot install or start PostgreSQL here; the PostgreSQL ledger tests will skip"
fi
export DEBIAN_FRONTEND=noninteractive

if ! command -v pg_lsclusters >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || done_ "no apt-get: cannot install PostgreSQL"
    if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -1)" ]; then
        timeout 300 apt-get update -qq >>"$LOG" 2>&1 || say "apt-get update failed (see $LOG)"
    fi
    # policy-rc.d may forbid starting services from the package scripts; we start it below
    timeout 600 apt-get install -y -qq --no-install-recommends postgresql >>"$LOG" 2>&1 \
        || done_ "apt-get install postgresql failed (see $LOG)"
fi

ver=$(ls /usr/lib/postgresql | sort -V | tail -1)
cluster=$(pg_lsclusters -h 2>/dev/null | awk -v v="$ver" '$1 == v {print $2; exit}')
if [ -z "$cluster" ]; then
    cluster=main
    pg_createcluster "$ver" "$cluster" >>"$LOG" 2>&1 || done_ "pg_createcluster $ver $cluster failed (see $LOG)"
fi
port=$(pg_lsclusters -h | awk -v v="$ver" -v c="$cluster" '$1 == v && $2 == c {print $3}')
status=$(pg_lsclusters -h | awk -v v="$ver" -v c="$cluster" '$1 == v && $2 == c {print $4}')
if [ "$status" != online ]; then
    pg_ctlcluster "$ver" "$cluster" start >>"$LOG" 2>&1 || done_ "pg_ctlcluster $ver $cluster start failed (see $LOG)"
fi
for _ in $(seq 1 60); do
    pg_isready -q -h 127.0.0.1 -p "$port" && break
    sleep 0.5
done
pg_isready -q -h 127.0.0.1 -p "$port" || done_ "PostgreSQL $ver did not answer on port $port (see $LOG)"

psql_() { runuser -u postgres -- psql -p "$port" -v ON_ERROR_STOP=1 -qtA "$@" 2>>"$LOG"; }
if [ "$(psql_ -c "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != 1 ]; then
    psql_ -c "CREATE ROLE $ROLE LOGIN PASSWORD '$PASS'" || done_ "could not create role $ROLE (see $LOG)"
fi
if [ "$(psql_ -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]; then
    psql_ -c "CREATE DATABASE $DB OWNER $ROLE" || done_ "could not create database $DB (see $LOG)"
fi

if ! "$PY" -c "import psycopg" >>"$LOG" 2>&1; then
    timeout 300 "$PY" -m pip install -q --disable-pip-version-check 'psycopg[binary]>=3.1' >>"$LOG" 2>&1 \
        || say "pip install psycopg failed (see $LOG); the PostgreSQL ledger tests will skip"
fi

url="postgresql+psycopg://$ROLE:$PASS@127.0.0.1:$port/$DB"
echo "export TAXDOCS_TEST_PG_URL='$url'"
done_ "PostgreSQL $ver ready on 127.0.0.1:$port, database $DB"
