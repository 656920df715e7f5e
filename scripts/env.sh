# Sourced by the scripts: where cargo builds (outside the clone, so builds are reused between
# clones on the same machine; a fresh machine simply builds from scratch).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/catalyse/target}"
export PATH="$HOME/.cargo/bin:$PATH"
