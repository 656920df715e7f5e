#!/usr/bin/env bash
# Builds Catalyse's Linux packages from the release build: a .deb (Debian 12, Ubuntu 22.04 and
# later) and an .rpm, with Tauri's bundler (@tauri-apps/cli, pinned in package-lock.json).
# They are written to $CARGO_TARGET_DIR/release/bundle/{deb,rpm}/ and their paths printed.
# The AppImage is not built here: the bundler downloads its tools from the internet, so the
# release workflow (.github/workflows/release.yml) builds it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
if [ "${CATALYSE_SETUP_DONE:-}" != 1 ]; then bash scripts/setup.sh; fi
cargo build --locked --release --bin catalyse
# `tauri bundle` packages the binary cargo just built (`tauri build` would build it again).
npx tauri bundle --bundles deb,rpm
out="$CARGO_TARGET_DIR/release/bundle"
ls "$out"/deb/*.deb "$out"/rpm/*.rpm
