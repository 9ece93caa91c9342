# Shared by the scripts: where builds and tools are cached, and idempotent installers.
# Source it; every function installs only what is missing or at the wrong version.

SOCDESK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SOCDESK_CACHE=${SOCDESK_CACHE:-$HOME/.cache/socdesk}
# Builds live outside the clone so repeated CI runs on one machine reuse them.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$SOCDESK_CACHE/target}
export SOCDESK_WASM_TARGET_DIR=${SOCDESK_WASM_TARGET_DIR:-$SOCDESK_CACHE/target-wasm}
export PATH="$HOME/.cargo/bin:$SOCDESK_CACHE/tools/node_modules/.bin:$PATH"
mkdir -p "$SOCDESK_CACHE"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

apt_install() {
  if [ -z "${SOCDESK_APT_UPDATED:-}" ]; then apt-get update -qq; SOCDESK_APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_rust_components() {
  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
  rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
}

# The wasm-bindgen CLI must equal the library version locked in Cargo.lock.
ensure_wasm_bindgen() {
  local want
  want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' "$SOCDESK_ROOT/Cargo.lock")
  [ -n "$want" ] || die "wasm-bindgen is not in Cargo.lock"
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
    step "installing wasm-bindgen-cli $want (once, several minutes)"
    cargo install wasm-bindgen-cli --version "$want" --force
  fi
}

# wasm-opt from npm's binaryen 132: Debian's binaryen 108 silently corrupts modern wasm.
ensure_wasm_opt() {
  if [ "$(wasm-opt --version 2>/dev/null | awk '{print $3}')" != "132" ]; then
    step "installing binaryen@132 (wasm-opt) into $SOCDESK_CACHE/tools"
    npm install --silent --no-audit --no-fund --prefix "$SOCDESK_CACHE/tools" binaryen@132
  fi
}

ensure_chromium() {
  [ -x /usr/bin/chromium ] || { step "installing Debian's chromium"; apt_install chromium; }
}

# LibreOffice without a GUI: the export tests open CSV, Excel XML and Word files with it.
ensure_libreoffice() {
  command -v soffice >/dev/null 2>&1 || {
    step "installing LibreOffice (Calc and Writer, no GUI)"
    apt_install --no-install-recommends libreoffice-calc-nogui libreoffice-writer-nogui
  }
}

# docker-compose (Debian's, v1.29): only to check docker-compose.yml; no Docker engine needed.
ensure_compose() {
  command -v docker-compose >/dev/null 2>&1 || { step "installing docker-compose"; apt_install --no-install-recommends docker-compose; }
}

ensure_schemathesis() {
  command -v schemathesis >/dev/null 2>&1 || { step "installing schemathesis"; python3 -m pip install -q 'schemathesis==4.32.5'; }
}

# aiosmtpd: the real SMTP server the mail tests deliver to (on loopback, into a maildir).
ensure_aiosmtpd() {
  python3 -c 'import aiosmtpd' 2>/dev/null || { step "installing aiosmtpd"; python3 -m pip install -q 'aiosmtpd==1.4.6'; }
}

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

# PostgreSQL on 127.0.0.1:5432 (user postgres, trust): start it where it is installed, install it
# where it is not, and fail loudly when it still can't be reached. Tests never skip it.
ensure_postgres() {
  pg_up && return 0
  step "starting PostgreSQL"
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then apt_install postgresql postgresql-client; fi
  local version
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)
  [ -n "$version" ] || die "PostgreSQL is installed but has no cluster"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  pg_up || die "PostgreSQL is not reachable at 127.0.0.1:5432"
  # Trust local TCP connections for the test user, as on the CI machines.
  psql -h 127.0.0.1 -U postgres -c 'select 1' >/dev/null 2>&1 || die "cannot connect to PostgreSQL as user postgres at 127.0.0.1:5432 (trust auth expected)"
}

# A throwaway server for the tools that attack the API (schemathesis, sqlmap): the debug binary
# on a free port, on a fresh SQLite file or (SOCDESK_TEST_DB=postgres) a fresh PostgreSQL
# database, the admin signed in. Sets base, password, token; stops and cleans up on exit.
start_test_server() {
  local bin=${SOCDESK_BIN:-$CARGO_TARGET_DIR/debug/socdesk}
  [ -x "$bin" ] || die "no server binary at $bin (cargo build -p socdesk-api)"
  server_dir=$(mktemp -d)
  local port database_url
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')
  if [ "${SOCDESK_TEST_DB:-sqlite}" = postgres ]; then
    ensure_postgres
    server_pg_db="socdesk_tool_$$_$RANDOM"
    psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $server_pg_db" >/dev/null
    database_url="postgres://postgres@127.0.0.1:5432/$server_pg_db"
  else
    database_url="sqlite://$server_dir/socdesk.db?mode=rwc"
  fi
  DATABASE_URL="$database_url" SOCDESK_BIND="127.0.0.1:$port" SOCDESK_ADMIN_PASSWORD="$password" \
    SOCDESK_LOGIN_MAX_FAILURES=1000000 SOCDESK_ACCESS_TOKEN_TTL=86400 SOCDESK_WEB_DIR="$server_dir/no-web" \
    "$bin" serve >"$server_dir/server.log" 2>&1 &
  server_pid=$!
  trap stop_test_server EXIT
  base="http://127.0.0.1:$port"
  for _ in $(seq 1 60); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.5; done
  curl -fs "$base/healthz" >/dev/null || { cat "$server_dir/server.log"; die "server did not start"; }
  token=$(curl -fs -X POST "$base/api/auth/login" -H 'content-type: application/json' \
    -d "{\"login\":\"admin\",\"password\":\"$password\"}" | json_field access_token)
}

stop_test_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  rm -rf "$server_dir"
  if [ -n "${server_pg_db:-}" ]; then
    psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $server_pg_db" >/dev/null 2>&1 || true
  fi
}

# The server log panicked: show it and fail.
check_server_log() {
  if grep -q "panicked" "$server_dir/server.log"; then cat "$server_dir/server.log"; die "the server panicked during $1"; fi
}

# Field $1 of the JSON on stdin.
json_field() { python3 -c "import sys,json; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }
