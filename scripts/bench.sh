#!/usr/bin/env bash
# Sets everything up and runs the benchmarks that compare Catalyse with the best reference
# tool on the same data in the same run (figures and ratios printed, nothing asserted):
#   1-4. `cargo bench --bench scale`: import vs the sqlite3 shell, search vs a LIKE scan,
#        network analytics vs NetworKit, the map's layout;
#   share. `cargo bench --bench share`: 100,000 changes applied from the shared folder vs
#        plain SQL, change file size, the folder before and after compaction;
#   communes. `cargo bench --bench communes`: the commune picker's keystroke over France's
#        communes vs the same searches by the sqlite3 shell;
#   hub. `cargo bench --bench hub`: 50 laptops pushing 2,000 changes each through a real
#        PostgreSQL at once, then converging, vs psql's \copy of the same rows;
#   5.   start-up and idle memory vs a minimal Tauri 2 window (benches/startup.mjs);
#   6.   the size of the release binaries (Catalyse and the hello world, stripped).
# Needs Debian's sqlite3 and python3-venv, and PyPI's networkit (installed here when missing,
# in a virtual environment under the cache folder). Sizes: see benches/scale.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup.sh

NETWORKIT_VERSION=11.3
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
say() { printf '\n== %s\n' "$*"; }

missing=()
for p in sqlite3 python3-venv python3-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

venv="${XDG_CACHE_HOME:-$HOME/.cache}/catalyse/bench-venv"
if ! "$venv/bin/python" -c "import networkit, sys; sys.exit(networkit.__version__ != '$NETWORKIT_VERSION')" 2>/dev/null; then
  say "networkit $NETWORKIT_VERSION (PyPI)"
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "networkit==$NETWORKIT_VERSION"
fi

say "release builds (Catalyse and the hello world, same profile)"
cargo build --locked --release --bin catalyse --example hello
bin="$CARGO_TARGET_DIR/release/catalyse"
hello="$CARGO_TARGET_DIR/release/examples/hello"

say "1-4. scale: import, search, network analytics, map"
CATALYSE_BENCH_PYTHON="$venv/bin/python" cargo bench --locked --bench scale

say "share: applying changes from the shared folder, their files, compaction"
cargo bench --locked --bench share

say "communes: the commune picker over France's communes"
cargo bench --locked --bench communes

say "hub: laptops exchanging through the organisation's PostgreSQL server"
cargo bench --locked --bench hub

say "5. start-up and memory beside a Tauri hello world"
xvfb-run -a -s "-screen 0 1280x800x24" node benches/startup.mjs "$bin" "$hello" "${CATALYSE_BENCH_RUNS:-15}"

say "6. binary size"
size_of() { local f; f=$(mktemp); strip -o "$f" "$1"; stat -c %s "$f"; rm -f "$f"; }
c=$(size_of "$bin"); h=$(size_of "$hello")
awk -v c="$c" -v h="$h" 'BEGIN { printf "release binary, stripped\n    Catalyse %.1f MB | hello world %.1f MB | ratio %.2f× | target ≤ 15 MB\n", c/1e6, h/1e6, c/h }'
