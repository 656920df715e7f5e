#!/usr/bin/env bash
# Regenerates the fonts embedded for PDF notes (src-tauri/core/assets/fonts) as subsets of
# DejaVu: the scripts a French territory writes in (Latin with every accent, Greek and
# Cyrillic for names) and the punctuation and symbols of French typography (no-break
# spaces, « », –, —, …, €, ≤, →, •). Hinting is dropped: PDF viewers do not use it. The
# full fonts are ~2.9 MB; the subsets ~1 MB, which the binary carries compressed (0.56 MB,
# issue 13).
# Not run by the tests: its output is committed. Needs Debian's fonts-dejavu-core,
# fonts-dejavu-extra and python3-fonttools (installed here when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
sudo_if() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
need=()
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSerif-BoldItalic.ttf ] || need+=(fonts-dejavu-core fonts-dejavu-extra)
/usr/bin/python3 -c 'import fontTools' 2>/dev/null || need+=(python3-fonttools)
if [ ${#need[@]} -gt 0 ]; then
  sudo_if apt-get update -qq
  sudo_if env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
src=/usr/share/fonts/truetype/dejavu
out=src-tauri/core/assets/fonts
# Latin (Basic, Latin-1, Extended A/B, IPA, spacing modifiers, combining marks, Extended
# Additional), Greek, Cyrillic, General Punctuation (U+202F included), super/subscripts,
# currency, letterlike (№, ™), number forms, arrows, mathematical operators, box drawing,
# geometric shapes, a few dingbats (✓ ✗), ligatures (ﬁ ﬂ).
unicodes="U+0000-024F,U+0250-02FF,U+0300-036F,U+0370-03FF,U+0400-04FF,U+1E00-1EFF,U+2000-206F,\
U+2070-209F,U+20A0-20CF,U+2100-214F,U+2150-218F,U+2190-21FF,U+2200-22FF,U+2500-257F,\
U+25A0-25FF,U+2713-2718,U+FB00-FB06,U+FFFD"
for f in DejaVuSans DejaVuSans-Bold DejaVuSerif DejaVuSerif-Bold DejaVuSerif-Italic DejaVuSerif-BoldItalic; do
  /usr/bin/python3 -m fontTools.subset "$src/$f.ttf" --unicodes="$unicodes" \
    --layout-features='*' --name-IDs='*' --name-languages='*' --notdef-outline \
    --no-hinting --desubroutinize --output-file="$out/$f.ttf"
  # Embedded compressed (zlib), decompressed once when a note is first exported.
  /usr/bin/python3 -c 'import sys, zlib; d = open(sys.argv[1], "rb").read(); open(sys.argv[1] + ".z", "wb").write(zlib.compress(d, 9))' "$out/$f.ttf"
  printf '%-24s %8d → %8d bytes (%d compressed)\n' "$f" "$(stat -c %s "$src/$f.ttf")" "$(stat -c %s "$out/$f.ttf")" "$(stat -c %s "$out/$f.ttf.z")"
  rm "$out/$f.ttf"
done
