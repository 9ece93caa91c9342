#!/usr/bin/env bash
# Builds the web app (Leptos, wasm32) into frontend/dist: release wasm, wasm-bindgen, wasm-opt -Oz,
# and an index.html that loads content-hashed files (the page itself is never cached).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_rust_components
ensure_wasm_bindgen
ensure_wasm_opt

step "building the web app (wasm32, size-optimised)"
CARGO_TARGET_DIR=$SOCDESK_WASM_TARGET_DIR cargo build --manifest-path "$SOCDESK_ROOT/Cargo.toml" \
  -p socdesk-web --target wasm32-unknown-unknown --profile wasm-release
wasm="$SOCDESK_WASM_TARGET_DIR/wasm32-unknown-unknown/wasm-release/socdesk-web.wasm"
[ -f "$wasm" ] || die "no wasm at $wasm"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
wasm-bindgen --target web --no-typescript --out-dir "$work" --out-name socdesk_web "$wasm"
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  -o "$work/socdesk_web_bg.opt.wasm" "$work/socdesk_web_bg.wasm"
mv "$work/socdesk_web_bg.opt.wasm" "$work/socdesk_web_bg.wasm"

hash=$(cat "$work/socdesk_web_bg.wasm" "$work/socdesk_web.js" "$SOCDESK_ROOT/frontend/style.css" | sha256sum | cut -c1-12)
dist="$SOCDESK_ROOT/frontend/dist"
rm -rf "$dist"
mkdir -p "$dist/app-$hash"
cp "$work/socdesk_web.js" "$work/socdesk_web_bg.wasm" "$dist/app-$hash/"
cp "$SOCDESK_ROOT/frontend/style.css" "$dist/app-$hash/style.css"
# A module file rather than an inline script: the CSP allows only the page's own scripts.
cat > "$dist/app-$hash/boot.js" <<JS
import init from './socdesk_web.js';
init({ module_or_path: new URL('./socdesk_web_bg.wasm', import.meta.url) });
JS
sed "s/__APP__/app-$hash/g" "$SOCDESK_ROOT/frontend/index.html" > "$dist/index.html"

echo "web app written to $dist:"
total_raw=0; total_gz=0
for f in "$dist/index.html" "$dist/app-$hash"/*; do
  raw=$(stat -c %s "$f"); gz=$(gzip -9 -c "$f" | wc -c)
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz))
  printf '  %-40s %9d bytes raw %9d bytes gzip\n' "${f#"$dist"/}" "$raw" "$gz"
done
printf '  %-40s %9d bytes raw %9d bytes gzip\n' total "$total_raw" "$total_gz"
