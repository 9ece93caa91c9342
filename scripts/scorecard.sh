#!/usr/bin/env bash
# The reliability and security scorecard: runs every scorecard test in full (SCORECARD_FULL=1)
# on SQLite and PostgreSQL and prints one table (test, what was tried, threshold, result per
# database). CI runs the same tests in their quick form inside scripts/test.sh.
#
#   scripts/scorecard.sh                   # both databases
#   SCORECARD_DB=sqlite scripts/scorecard.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$SOCDESK_ROOT"
ensure_postgres

out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
for db in ${SCORECARD_DB:-sqlite postgres}; do
  step "scorecard on $db"
  SOCDESK_TEST_DB=$db SCORECARD_FULL=1 SCORECARD_OUT=$out \
    cargo test -q -p socdesk-api --test api scorecard_ || status=1
done

step "scorecard"
python3 - "$out" <<'PY'
import json, sys
rows = {}
dbs = []
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["db"] not in dbs:
        dbs.append(r["db"])
    rows.setdefault(r["number"], {"r": r, "by_db": {}})["by_db"][r["db"]] = r
cell = lambda s: str(s).replace("|", "\\|")
print("| # | test | tried | threshold | " + " | ".join(dbs) + " |")
print("| --- | --- | --- | --- | " + " | ".join("---" for _ in dbs) + " |")
for n in sorted(rows):
    r = rows[n]["r"]
    results = []
    for db in dbs:
        x = rows[n]["by_db"].get(db)
        results.append("not run" if x is None else ("PASS: " if x["pass"] else "FAIL: ") + cell(x["result"]))
    print(f"| {n} | {cell(r['test'])} | {cell(r['tried'])} | {cell(r['threshold'])} | " + " | ".join(results) + " |")
PY
exit $status
