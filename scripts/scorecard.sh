#!/usr/bin/env bash
# The reliability and security scorecard: runs every scorecard test in full (SCORECARD_FULL=1)
# on SQLite and PostgreSQL and prints one table (test, what was tried, threshold, result per
# database). CI runs the same tests in their quick form inside scripts/test.sh.
#
#   scripts/scorecard.sh                   # both databases
#   SCORECARD_DB=sqlite scripts/scorecard.sh
#   FUZZ_SECONDS=0 scripts/scorecard.sh    # without the fuzz targets (default: 60 s each)
#   SCORECARD_SCHEMATHESIS=0 SCORECARD_SQLMAP=0 scripts/scorecard.sh   # without the external tools
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

# Rows 1, 4 and 23: schemathesis in full once per role and database, with socdesk's own checks.
if [ "${SCORECARD_SCHEMATHESIS:-1}" = 1 ]; then
  cargo build -q -p socdesk-api
  for db in ${SCORECARD_DB:-sqlite postgres}; do
    for role in api-key admin analyst approver reviewer viewer; do
      log=$(mktemp)
      SOCDESK_TEST_DB=$db SCHEMATHESIS_ROLE=$role SCHEMATHESIS_MAX_EXAMPLES=${SCORECARD_SCHEMATHESIS_EXAMPLES:-100} \
        scripts/schemathesis.sh >"$log" 2>&1 && ok=1 || { ok=0; status=1; tail -40 "$log"; }
      python3 - "$out" "$db" "$role" "$ok" "$log" <<'PY'
import json, re, sys
out, db, role, ok, log = sys.argv[1:]
text = open(log, encoding="utf-8", errors="replace").read()
m = re.search(r"(\d+) generated, (\d+) passed", text)
generated = int(m.group(1)) if m else 0
ops = re.search(r"Tested: (\d+)", text)
with open(out, "a") as f:
    f.write(json.dumps({"kind": "schemathesis", "db": db, "role": role, "ok": ok == "1", "generated": generated,
        "operations": int(ops.group(1)) if ops else 0,
        "secrets": "no_secrets_or_undocumented_fields" in text, "internals": "no_internals_in_errors" in text}) + "\n")
PY
      rm -f "$log"
    done
  done
fi

# Row 21: sqlmap on every list, search and sort parameter, per database.
if [ "${SCORECARD_SQLMAP:-1}" = 1 ]; then
  for db in ${SCORECARD_DB:-sqlite postgres}; do
    log=$(mktemp)
    SOCDESK_TEST_DB=$db scripts/sqlmap.sh >"$log" 2>&1 && ok=1 || { ok=0; status=1; tail -20 "$log"; }
    python3 - "$out" "$db" "$ok" "$log" <<'PY'
import json, re, sys
out, db, ok, log = sys.argv[1:]
text = open(log, encoding="utf-8", errors="replace").read()
m = re.search(r"sqlmap: (\d+) targets, (\d+) parameters, (\d+) injectable \((\d+) parameters", text)
targets, params, found, skipped = m.groups() if m else ("?", "?", "?", "?")
with open(out, "a") as f:
    f.write(json.dumps({"number": 21, "db": db, "test": "sqlmap",
        "tried": f"sqlmap (level 2, risk 1, boolean, error, union, stacked and time-based) on {params} query parameters of "
                 f"{targets} lists, searches, exports and trends, and the log search's JSON body",
        "threshold": "0 injectable", "pass": ok == "1",
        "result": f"{found} injectable of {params} parameters ({skipped} left out: no value the server accepts)"}) + "\n")
PY
    rm -f "$log"
  done
fi

step "scorecard"
python3 - "$out" <<'PY'
import json, sys
rows = {}
dbs = []
runs = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("kind") == "schemathesis":
        runs.setdefault(r["db"], []).append(r)
        continue
    if r["db"] not in dbs:
        dbs.append(r["db"])
    rows.setdefault(r["number"], {"r": r, "by_db": {}})["by_db"][r["db"]] = r
for db, rs in runs.items():
    if db not in dbs:
        dbs.append(db)
    total = sum(r["generated"] for r in rs)
    ops = max(r["operations"] for r in rs)
    roles = ", ".join(r["role"] for r in rs)
    failed = [r["role"] for r in rs if not r["ok"]]
    def row(n, test, tried, threshold, pass_, result):
        rows.setdefault(n, {"r": {"test": test, "tried": tried, "threshold": threshold}, "by_db": {}})["by_db"][db] = {"pass": pass_, "result": result}
    row(1, "schemathesis", f"every operation ({ops}), all checks, examples + coverage + fuzzing + stateful, seed 20261122, as {roles}",
        "0 5xx, 0 schema / status / content-type violations, 0 ignored-auth", not failed,
        f"{total} test cases, 0 failures" if not failed else f"failures as {', '.join(failed)}")
    leaks = [r["role"] for r in rs if r["secrets"]]
    row(4, "response scan", f"every answer of test 1 ({total} test cases) for password, token and key hashes and undocumented fields",
        "0 password, token or key hashes; only documented fields", not leaks,
        "0 hashes, 0 undocumented fields" if not leaks else f"found as {', '.join(leaks)}")
    internals = [r["role"] for r in rs if r["internals"]]
    row(23, "negative-mode bodies", f"every error answer of test 1, negative coverage and fuzzing included ({total} test cases)",
        "0 stack traces, SQL text or file paths in answers", not internals,
        "0 stack traces, SQL or paths" if not internals else f"found as {', '.join(internals)}")
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
