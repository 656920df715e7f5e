#!/usr/bin/env bash
# Cross-builds the Windows catalyse.exe (x86_64-pc-windows-gnu, MinGW from Debian) and runs
# its command line under Wine against the Linux build (tests/windows/). The window needs the
# WebView2 runtime, which Wine cannot provide here: the installers and the window are built
# and tested by the release workflow (.github/workflows/release.yml) on Windows itself.
#
#   scripts/windows.sh          build, then test (the test command calls it)
#   scripts/windows.sh build    build only; prints where catalyse.exe is
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
target=x86_64-pc-windows-gnu
profile=wine

if ! rustup target list --installed | grep -qx "$target"; then
  rustup target add "$target"
fi
cargo build --locked --profile "$profile" --target "$target" --bin catalyse
built="$CARGO_TARGET_DIR/$target/$profile"
size=$(stat -c %s "$built/catalyse.exe")
awk -v b="$size" -v p="$profile" 'BEGIN { printf "catalyse.exe (Windows, profile %s): %d bytes (%.1f MB)\n", p, b, b / 1e6 }'

# What runs under Wine: the exe, the WebView2 loader it ships with, and the shim Wine 8 needs.
run_dir="$CARGO_TARGET_DIR/wine"
mkdir -p "$run_dir"
cp "$built/catalyse.exe" "$run_dir/"
if [ -f "$built/WebView2Loader.dll" ]; then cp "$built/WebView2Loader.dll" "$run_dir/"; fi
x86_64-w64-mingw32-gcc -O2 -shared -o "$run_dir/bcryptprimitives.dll" \
  packaging/windows/wine-bcryptprimitives.c -ladvapi32

if [ "${1:-}" = build ]; then
  echo "$run_dir/catalyse.exe"
  exit 0
fi
CATALYSE_WINDOWS_EXE="$run_dir/catalyse.exe" \
CATALYSE_BIN="${CATALYSE_BIN:-$CARGO_TARGET_DIR/release/catalyse}" \
  node --test tests/windows/
