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
