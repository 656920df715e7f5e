//! The fonts Catalyse draws text with, embedded in the binary (DejaVu, free): the notes' PDF
//! sets them, the map's PNG renders its legend with them, the same on every computer.

use crate::shared::error::{CoreError, CoreResult};

/// The files of the faces (DejaVu Serif, its bold, italic and bold italic, DejaVu Sans and
/// its bold), compressed (zlib: 0.56 MB instead of 1 MB
/// in the binary, issue 13; `scripts/subset-fonts.sh` writes them).
const FACES: [&[u8]; 6] = [
    include_bytes!("../../assets/fonts/DejaVuSerif.ttf.z"),
    include_bytes!("../../assets/fonts/DejaVuSerif-Bold.ttf.z"),
    include_bytes!("../../assets/fonts/DejaVuSerif-Italic.ttf.z"),
    include_bytes!("../../assets/fonts/DejaVuSerif-BoldItalic.ttf.z"),
    include_bytes!("../../assets/fonts/DejaVuSans.ttf.z"),
    include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf.z"),
];

/// The font files, decompressed once per process (a few milliseconds).
pub fn faces() -> CoreResult<&'static [Vec<u8>]> {
    use std::io::Read;
    static FILES: std::sync::OnceLock<Option<Vec<Vec<u8>>>> = std::sync::OnceLock::new();
    FILES
        .get_or_init(|| {
            FACES
                .iter()
                .map(|z| {
                    let mut out = Vec::new();
                    flate2::read::ZlibDecoder::new(*z)
                        .read_to_end(&mut out)
                        .ok()
                        .map(|_| out)
                })
                .collect()
        })
        .as_deref()
        .ok_or_else(|| CoreError::Internal {
            detail: "police embarquée illisible".into(),
        })
}

/// DejaVu Sans (the map's legend).
pub const SANS: usize = 4;
