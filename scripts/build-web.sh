#!/usr/bin/env bash
# Builds the web app (Leptos, wasm32) into frontend/dist: release wasm, wasm-bindgen, wasm-opt -Oz,
# and HTML pages that load content-hashed files (the pages themselves are never cached). Three
# bundles: the analyst app (index.html), the Settings area (settings.html) and the violator's
# token page (explain.html), each carrying only what its pages use.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_rust_components
ensure_wasm_bindgen
ensure_wasm_opt

step "building the web app (wasm32, size-optimised)"
CARGO_TARGET_DIR=$SOCDESK_WASM_TARGET_DIR cargo build --manifest-path "$SOCDESK_ROOT/Cargo.toml" \
  -p socdesk-web --bins --target wasm32-unknown-unknown --profile wasm-release

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# binary name → output name
for bin in socdesk-web socdesk-admin socdesk-explain; do
  wasm="$SOCDESK_WASM_TARGET_DIR/wasm32-unknown-unknown/wasm-release/$bin.wasm"
  [ -f "$wasm" ] || die "no wasm at $wasm"
  out=${bin//-/_}
  wasm-bindgen --target web --no-typescript --out-dir "$work" --out-name "$out" "$wasm"
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    -o "$work/${out}_bg.opt.wasm" "$work/${out}_bg.wasm"
  mv "$work/${out}_bg.opt.wasm" "$work/${out}_bg.wasm"
done

# The analyst app's style sheet: the base, then one file per part of the app.
cat "$SOCDESK_ROOT/frontend/style.css" "$SOCDESK_ROOT"/frontend/styles/*.css > "$work/style.css"
hash=$(cat "$work"/*.wasm "$work"/*.js "$work/style.css" "$SOCDESK_ROOT/frontend/explain.css" \
  | sha256sum | cut -c1-12)
dist="$SOCDESK_ROOT/frontend/dist"
app="$dist/app-$hash"
rm -rf "$dist"
mkdir -p "$app"
cp "$work"/*.js "$work"/*.wasm "$work/style.css" "$SOCDESK_ROOT/frontend/explain.css" "$app/"
# Module files rather than inline scripts: the CSP allows only the page's own scripts.
for out in socdesk_web socdesk_admin socdesk_explain; do
  cat > "$app/boot-$out.js" <<JS
import init from './$out.js';
init({ module_or_path: new URL('./${out}_bg.wasm', import.meta.url) });
JS
done
# gzip twins the server sends to browsers that take gzip (compressed once here, not per request).
for f in "$app"/*.js "$app"/*.wasm "$app"/*.css; do gzip -9 -k -n "$f"; done
sed "s/__APP__/app-$hash/g" "$SOCDESK_ROOT/frontend/index.html" > "$dist/index.html"
sed "s/__APP__/app-$hash/g" "$SOCDESK_ROOT/frontend/settings.html" > "$dist/settings.html"
sed "s/__APP__/app-$hash/g" "$SOCDESK_ROOT/frontend/explain.html" > "$dist/explain.html"

echo "web app written to $dist:"
report() { # page, files...
  local page=$1; shift
  local total_raw=0 total_gz=0 raw gz
  for f in "$@"; do
    raw=$(stat -c %s "$f"); gz=$(gzip -9 -c "$f" | wc -c)
    total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz))
    printf '  %-44s %9d bytes raw %9d bytes gzip\n' "${f#"$dist"/}" "$raw" "$gz"
  done
  printf '  %-44s %9d bytes raw %9d bytes gzip\n' "total ($page)" "$total_raw" "$total_gz"
}
report "analyst app" "$dist/index.html" "$app/boot-socdesk_web.js" "$app/socdesk_web.js" \
  "$app/socdesk_web_bg.wasm" "$app/style.css"
report "settings" "$dist/settings.html" "$app/boot-socdesk_admin.js" "$app/socdesk_admin.js" \
  "$app/socdesk_admin_bg.wasm" "$app/style.css"
report "token page" "$dist/explain.html" "$app/boot-socdesk_explain.js" "$app/socdesk_explain.js" \
  "$app/socdesk_explain_bg.wasm" "$app/explain.css"
