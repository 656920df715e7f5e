#!/usr/bin/env bash
# Sets everything up, builds Catalyse and opens it. Arguments go to the app
# (e.g. `scripts/run.sh --workspace mon-territoire.catalyse`). Headless: `xvfb-run -a scripts/run.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup.sh
cargo build --release --locked
exec "$CARGO_TARGET_DIR/release/catalyse" "$@"
