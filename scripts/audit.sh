#!/usr/bin/env bash
# Security audit of the dependencies: the RustSec advisories against Cargo.lock (cargo audit,
# failing on any known vulnerability) and the npm advisories against package-lock.json
# (npm audit, failing on high or critical). Both need their advisory source on the network.
# Where it cannot be reached (the build machines reach only the package registries), the step
# says so in capitals and does not count as passed; everything else still runs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

CARGO_AUDIT_VERSION=0.22.2

if timeout 20 git ls-remote https://github.com/rustsec/advisory-db HEAD >/dev/null 2>&1; then
  if ! cargo audit --version 2>/dev/null | grep -qF "$CARGO_AUDIT_VERSION"; then
    cargo install --locked cargo-audit --version "$CARGO_AUDIT_VERSION"
  fi
  cargo audit
else
  echo "CARGO AUDIT NOT RUN: the RustSec advisory database (github.com/rustsec/advisory-db) cannot be reached from this machine."
fi

# npm audit exits non-zero both on findings and when its endpoint fails: tell them apart.
report="$(npm audit --json 2>/dev/null || true)"
printf '%s' "$report" | node scripts/npm-audit-verdict.mjs
