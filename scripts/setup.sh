#!/usr/bin/env bash
# Installs everything Catalyse needs to build, run and test, on Debian 12 (as root or with sudo).
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_AUDIT_VERSION=0.22.2
TAURI_DRIVER_VERSION=2.1.0
APT_PACKAGES=(
  build-essential pkg-config file
  libwebkit2gtk-4.1-dev librsvg2-dev
  xvfb xauth webkit2gtk-driver xdotool imagemagick fonts-dejavu-core poppler-utils
  libreoffice-writer-nogui
  util-linux e2fsprogs git
  # A workspace on a USB key: FAT32 and exFAT images (tests/usb_key.rs); exFAT mounted with
  # its FUSE driver where the kernel has none.
  dosfstools exfatprogs exfat-fuse
  # The Debian package's test (install, desktop entry, MIME type, xdg-open).
  desktop-file-utils shared-mime-info xdg-utils libfile-mimeinfo-perl dbus-daemon
  # The Windows build (MinGW) and its command line under Wine.
  gcc-mingw-w64-x86-64 wine wine64
  # Reads the DOCX text in the Wine comparison (zipfile).
  python3
  # Crafts hostile workspaces in the end-to-end tests, as a reviewer would.
  sqlite3
  # The hub's tests start a real PostgreSQL (initdb as an unprivileged user), with TLS
  # certificates made by openssl, and try each role's rights with psql.
  postgresql openssl
  # The server's password in the system's keyring: GNOME Keyring in a D-Bus session of the
  # test's own (dbus-run-session).
  gnome-keyring dbus-bin
)

say() { printf '\n== %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then missing+=(nodejs npm); fi
if [ ${#missing[@]} -gt 0 ]; then
  say "Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null; then
  echo "Rust (cargo) est introuvable : installez la chaîne Rust stable (rustup) puis relancez." >&2
  exit 1
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "Node.js $node_major est trop ancien : les tests de bout en bout demandent Node.js 20 ou plus." >&2
  exit 1
fi

# The Windows target of the Rust toolchain (scripts/windows.sh cross-builds catalyse.exe).
if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx x86_64-pc-windows-gnu; then
  say "Rust target x86_64-pc-windows-gnu"
  rustup target add x86_64-pc-windows-gnu
fi

if ! command -v tauri-driver >/dev/null || ! cargo install --list | grep -q "^tauri-driver v$TAURI_DRIVER_VERSION:"; then
  say "tauri-driver $TAURI_DRIVER_VERSION"
  cargo install tauri-driver --locked --version "$TAURI_DRIVER_VERSION"
fi

# The RustSec audit, run offline against the advisory snapshot (scripts/audit.sh).
if ! cargo install --list | grep -q "^cargo-audit v$CARGO_AUDIT_VERSION:"; then
  say "cargo-audit $CARGO_AUDIT_VERSION"
  cargo install cargo-audit --locked --version "$CARGO_AUDIT_VERSION"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm packages"
  npm ci --no-audit --no-fund
fi
