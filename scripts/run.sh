#!/usr/bin/env bash
# Runs socdesk on this machine: builds the web app and the server (release), then serves on
# http://127.0.0.1:8080 with the embedded SQLite database in ./data. On first start the log
# shows the `admin` password (or set SOCDESK_ADMIN_PASSWORD).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
"$SOCDESK_ROOT/scripts/build-web.sh"
step "building the server (release)"
cargo build --manifest-path "$SOCDESK_ROOT/Cargo.toml" --release -p socdesk-api --bin socdesk
cd "$SOCDESK_ROOT"
export SOCDESK_WEB_DIR=${SOCDESK_WEB_DIR:-$SOCDESK_ROOT/frontend/dist}
step "starting socdesk (Ctrl-C stops it)"
exec "$CARGO_TARGET_DIR/release/socdesk" serve
