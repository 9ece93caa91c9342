#!/usr/bin/env bash
# The reliability and security scorecard: runs every scorecard test in full (SCORECARD_FULL=1)
# on SQLite and PostgreSQL and prints one table (test, what was tried, threshold, result per
# database). CI runs the same tests in their quick form inside scripts/test.sh.
#
#   scripts/scorecard.sh                   # both databases
#   SCORECARD_DB=sqlite scripts/scorecard.sh
#   FUZZ_SECONDS=0 scripts/scorecard.sh    # without the fuzz targets (default: 60 s each)
#
# Then the fuzz targets in fuzz/ (exports in five formats, Markdown) run FUZZ_SECONDS each under
# libFuzzer (cargo-fuzz on the nightly toolchain, both installed here when missing) and a second
# table gives each one's runs and crashes.
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
fuzz_seconds=${FUZZ_SECONDS:-60}
if [ "$fuzz_seconds" -gt 0 ]; then
  step "fuzz targets, ${fuzz_seconds} s each"
  rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
  command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
  export CARGO_TARGET_DIR=${SOCDESK_FUZZ_TARGET_DIR:-$HOME/.cache/socdesk/target-fuzz}
  cargo +nightly fuzz build -O
  echo
  echo "| fuzz target | ran | runs | result |"
  echo "| --- | --- | --- | --- |"
  for target in $(cargo +nightly fuzz list); do
    log=$(mktemp)
    if cargo +nightly fuzz run -O "$target" -- -max_total_time="$fuzz_seconds" -max_len=4096 >"$log" 2>&1; then
      result="0 crashes"
    else
      result="CRASH: $(grep -m1 -E 'panicked|ERROR' "$log" | cut -c1-200)"
      status=1
    fi
    runs=$(grep -oE 'Done [0-9]+ runs' "$log" | grep -oE '[0-9]+' || echo "?")
    echo "| $target | ${fuzz_seconds} s | $runs | $result |"
    rm -f "$log"
  done
fi
exit $status
