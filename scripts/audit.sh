#!/usr/bin/env bash
# Security audit of the dependencies: the RustSec advisories against Cargo.lock (cargo audit,
# offline against a snapshot, failing on any vulnerability or unaccepted warning) and the npm
# advisories against package-lock.json (npm audit, failing on high or critical). Where an
# advisory source is missing or cannot be reached, the step says so in capitals and does not
# count as passed; everything else still runs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

# The RustSec advisory database cannot be fetched from these machines: a snapshot of it sits
# beside the project (../shared/advisory-db, CC0, its SNAPSHOT.txt gives commit and date).
# cargo-audit (installed by scripts/setup.sh) reads it offline. Any vulnerability fails, and so
# does any warning (unmaintained, unsound, yanked) not accepted, with its reason, in
# .cargo/audit.toml.
DB="${CATALYSE_ADVISORY_DB:-../shared/advisory-db}"
if [ -d "$DB/crates" ]; then
  echo "$(sed -n 1p "$DB/SNAPSHOT.txt" 2>/dev/null || echo "RustSec advisory-db snapshot in $DB (no SNAPSHOT.txt)")"
  cargo audit --db "$DB" --no-fetch --stale --deny warnings
else
  echo "CARGO AUDIT NOT RUN: no RustSec advisory database snapshot at $DB, and github.com/rustsec/advisory-db cannot be reached from this machine."
fi

# npm audit exits non-zero both on findings and when its endpoint fails: tell them apart.
report="$(npm audit --json 2>/dev/null || true)"
printf '%s' "$report" | node scripts/npm-audit-verdict.mjs
