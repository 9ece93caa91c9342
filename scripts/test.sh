#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit and integration tests on SQLite and PostgreSQL,
# the wasm build, end-to-end tests in headless Chromium and schemathesis against the live API.
# Installs what it needs (idempotently). Exits non-zero on the first failure.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$SOCDESK_ROOT"

step "tools"
ensure_rust_components
ensure_postgres
ensure_chromium
ensure_libreoffice
ensure_compose
ensure_schemathesis
ensure_aiosmtpd

step "format"
cargo fmt --all -- --check

step "docker-compose.yml is valid"
docker-compose -f docker-compose.yml config -q

step "clippy (server crates, warnings denied)"
cargo clippy --all-targets -- -D warnings
step "clippy (web app, wasm32)"
CARGO_TARGET_DIR=$SOCDESK_WASM_TARGET_DIR cargo clippy -p socdesk-web --target wasm32-unknown-unknown -- -D warnings

step "unit and integration tests on SQLite"
cargo test

step "web app unit tests (host: filters, column choice, chart axis, formats)"
cargo test -p socdesk-web --lib

step "integration tests on PostgreSQL"
# Databases of earlier runs are dropped first; each test then creates its own.
for db in $(psql -h 127.0.0.1 -U postgres -Atc "select datname from pg_database where datname like 'socdesk_test_%'"); do
  psql -h 127.0.0.1 -U postgres -qc "drop database if exists \"$db\"" >/dev/null
done
SOCDESK_TEST_DB=postgres cargo test -p socdesk-api --test api

step "web app build"
scripts/build-web.sh

step "server build"
cargo build -p socdesk-api --bin socdesk
export SOCDESK_BIN="$CARGO_TARGET_DIR/debug/socdesk"

step "end-to-end tests (headless Chromium)"
(cd e2e && npm ci --silent --no-audit --no-fund && npm test)

step "schemathesis against the running API"
scripts/schemathesis.sh

step "all checks passed"
