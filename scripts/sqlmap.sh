#!/usr/bin/env bash
# Scorecard 21: sqlmap against every query parameter of every list and search in the OpenAPI
# document (filters, search text, sort, cursor, limit), and the JSON body of the log search, on
# a freshly started server with a few tickets (SOCDESK_TEST_DB=postgres for PostgreSQL).
# Prints one line per target and a summary; fails if any parameter is injectable.
#
#   scripts/sqlmap.sh
#   SQLMAP_LEVEL=3 SQLMAP_RISK=2 scripts/sqlmap.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
command -v sqlmap >/dev/null || { step "installing sqlmap"; python3 -m pip install -q 'sqlmap==1.9.11'; }
start_test_server

curl -fs -X POST "$base/api/sites" -H "authorization: Bearer $token" -H 'content-type: application/json' \
  -d '{"name":"HQ"}' >/dev/null
for title in "port scan" "phishing mail" "usb copy"; do
  curl -fs -X POST "$base/api/tickets" -H "authorization: Bearer $token" -H 'content-type: application/json' \
    -d "{\"site_id\":1,\"kind\":\"analysis\",\"title\":\"$title\"}" >/dev/null
done

# One URL per GET operation with query parameters, each parameter given a value the server
# accepts (sqlmap compares answers to that baseline; a refused one would hide everything). A
# parameter no probe value makes acceptable is left out and counted.
urls_file=$(mktemp)
curl -fs "$base/api/openapi.json" >"$urls_file.doc"
skipped=$(python3 - "$base" "$token" "$urls_file" "$urls_file.doc" <<'PY'
import json, sys, urllib.error, urllib.parse, urllib.request
base, token, out, doc_file = sys.argv[1:]
doc = json.load(open(doc_file))
def ok(path, query):
    req = urllib.request.Request(base + path + "?" + urllib.parse.urlencode(query), headers={"Authorization": "Bearer " + token})
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            return res.status == 200
    except urllib.error.HTTPError:
        return False
def resolve(s):
    while isinstance(s, dict) and "$ref" in s:
        s = doc["components"]["schemas"][s["$ref"].rsplit("/", 1)[-1]]
    for key in ("oneOf", "anyOf"):
        if isinstance(s, dict) and key in s:
            s = next((resolve(x) for x in s[key] if resolve(x).get("type") != "null"), s)
    return s
def candidates(p):
    s = resolve(p.get("schema", {}))
    if s.get("type") == "array" or (isinstance(s.get("type"), list) and "array" in s["type"]):
        s = resolve(s.get("items", {}))
    t = s.get("type")
    t = [x for x in t if x != "null"][0] if isinstance(t, list) else t
    if "enum" in s:
        return [v for v in s["enum"] if v is not None][:1]
    if p["name"] == "sort":
        return ["id", "-id", "created_at", "name", "title"]
    if s.get("format") == "date-time" or p["name"] in ("from", "to"):
        return ["2026-01-01T00:00:00Z", "2026-01-01"]
    return {"integer": ["1"], "number": ["1"], "boolean": ["true"]}.get(t, ["a", "1", "new", "high", "id", "1..=2"])
skipped = 0
with open(out, "w") as f:
    for path, ops in sorted(doc["paths"].items()):
        op = ops.get("get")
        if not op or "{" in path or path == "/api/events":
            continue
        params = [p for p in op.get("parameters", []) if p.get("in") == "query" and p["name"] != "cursor"]
        if not params or not ok(path, {}):
            continue
        query = {}
        for p in params:
            value = next((v for v in candidates(p) if ok(path, {**query, p["name"]: v})), None)
            if value is None:
                skipped += 1
            else:
                query[p["name"]] = value
        if query:
            f.write(path + "?" + urllib.parse.urlencode(query) + "\n")
print(skipped)
PY
)
urls=$(cat "$urls_file")
rm -f "$urls_file" "$urls_file.doc"

found=0
targets=0
params=0
log=$(mktemp -d)
for url in $urls; do
  targets=$((targets + 1))
  n=$(tr '&' '\n' <<<"${url#*\?}" | wc -l)
  params=$((params + n))
  out="$log/$targets.txt"
  sqlmap -u "$base$url" -H "Authorization: Bearer $token" --batch --level="${SQLMAP_LEVEL:-2}" --risk="${SQLMAP_RISK:-1}" \
    --technique=BEUST --time-sec=1 --threads=2 --output-dir="$log/out" --disable-coloring >"$out" 2>&1 || true
  if grep -q "identified the following injection point" "$out"; then
    echo "INJECTABLE $url"; grep -A6 "identified the following injection point" "$out"; found=$((found + 1))
  else
    echo "ok        $url ($n parameters)"
  fi
done
# The log search takes its filters as JSON.
targets=$((targets + 1))
params=$((params + 4))
curl -fs -X POST "$base/api/log-schemas" -H "authorization: Bearer $token" -H 'content-type: application/json' \
  -d '{"name":"fw","fields":[{"name":"src_ip","type":"ip"}]}' >/dev/null
curl -fs -X POST "$base/api/log-tables" -H "authorization: Bearer $token" -H 'content-type: application/json' \
  -d '{"name":"fw","schema_id":1}' >/dev/null
out="$log/search.txt"
sqlmap -u "$base/api/logs/fw/search" --method=POST --data='{"keywords":"a","emp_key":"e1","from":"2026-01-01T00:00:00Z","to":"2027-01-01T00:00:00Z"}' \
  -H "Authorization: Bearer $token" -H 'Content-Type: application/json' --batch --level="${SQLMAP_LEVEL:-2}" \
  --risk="${SQLMAP_RISK:-1}" --technique=BEUST --time-sec=1 --threads=2 --output-dir="$log/out" --disable-coloring >"$out" 2>&1 || true
if grep -q "identified the following injection point" "$out"; then
  echo "INJECTABLE POST /api/logs/fw/search"; found=$((found + 1))
else
  echo "ok        POST /api/logs/fw/search (JSON body)"
fi
check_server_log sqlmap
rm -rf "$log"
echo "sqlmap: $targets targets, $params parameters, $found injectable ($skipped parameters without an accepted value left out)"
[ "$found" -eq 0 ]
