#!/usr/bin/env bash
# Packs the app and claimdesk-cli, already built by cargo, into a .deb and an .rpm with Tauri's
# bundler. Usage: packaging/bundle.sh release|debug
# The packages land in target/package/<profile>/bundle/{deb,rpm}/.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=${1:-}
case "$profile" in
  release) mode=() ;;
  debug) mode=(--debug) ;;
  *) echo "usage: packaging/bundle.sh release|debug" >&2; exit 2 ;;
esac

# The bundler packs from a copy in a target directory of its own: it rewrites the binary it packs
# in place (even with --no-binary-patching it writes the original back), which fails while the
# app is running from target/<profile> (a test, `make run`) and would race with cargo otherwise.
stage=$PWD/target/package
mkdir -p "$stage/$profile"
for bin in claimdesk claimdesk-cli; do
  [ -x "target/$profile/$bin" ] || { echo "error: target/$profile/$bin is not built; run cargo build first" >&2; exit 1; }
  cp "target/$profile/$bin" "$stage/$profile/$bin.new"
  mv -f "$stage/$profile/$bin.new" "$stage/$profile/$bin"
done

# The Tauri CLI only accepts a config beside the app crate, so it reads the root tauri.conf.json
# through the link src-tauri/tauri.conf.json and resolves the bundle's paths from src-tauri/.
# The icon is the one path the app's own build reads too (from the root), so the bundler is given
# it here from src-tauri/, together with the staged CLI.
overrides=$(cat <<JSON
{"bundle": {"icon": ["icons/icon.png"], "linux": {
  "deb": {"files": {"/usr/bin/claimdesk-cli": "$stage/$profile/claimdesk-cli"}},
  "rpm": {"files": {"/usr/bin/claimdesk-cli": "$stage/$profile/claimdesk-cli"}}}}}
JSON
)

# No binary patching: it marks the binary with the package type for Tauri's updater, which
# Claimdesk does not use; unpatched, the packed binary is byte for byte the one cargo built.
CARGO_TARGET_DIR=$stage TAURI_APP_PATH=src-tauri TAURI_FRONTEND_PATH=ui ui/node_modules/.bin/tauri bundle \
  "${mode[@]}" --bundles deb,rpm --no-binary-patching --ci --config "$overrides"
