#!/usr/bin/env bash
# The benchmark suite: seeds BENCH_TICKETS tickets (default 1,000,000; 5,000,000 as an option)
# and prints, per database, one table of figures beside their floors measured in the same run
# (list under load, deep cursor, search, trend, bulk close, /healthz, memory, web download), then
# the export and ingest benchmarks with their floors (COPY / the sqlite3 shell, batched INSERT).
#
#   scripts/bench.sh                      # SQLite and PostgreSQL
#   BENCH_DB=postgres scripts/bench.sh    # one of them
#   BENCH_TICKETS=100000 scripts/bench.sh # a quicker run
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$SOCDESK_ROOT"

command -v wrk >/dev/null 2>&1 || { step "installing wrk"; apt_install wrk; }
command -v sqlite3 >/dev/null 2>&1 || { step "installing sqlite3"; apt_install sqlite3; }
ensure_postgres
[ -f frontend/dist/index.html ] || scripts/build-web.sh

databases=${BENCH_DB:-sqlite postgres}
export BENCH_RECORDS=${BENCH_RECORDS:-1000000}
for db in $databases; do
  export BENCH_DB=$db
  step "suite on $db"
  cargo bench -q -p socdesk-api --bench suite
  step "export on $db"
  cargo bench -q -p socdesk-api --bench export
  step "ingest on $db"
  cargo bench -q -p socdesk-api --bench ingest
done
