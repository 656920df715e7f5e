//! Decision notes as PDF: the print-ready HTML laid out by printpdf (A4, margins, the body's
//! name in the page header, page numbers in the footer), with DejaVu fonts embedded and
//! subset, so the file looks the same on every machine and stays small.

use crate::error::{CoreError, CoreResult};
use crate::note::DecisionNote;
use printpdf::{Base64OrRaw, GeneratePdfOptions, PdfDocument, PdfSaveOptions};
use std::collections::BTreeMap;

const SANS: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
const SANS_BOLD: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-Bold.ttf");
const SERIF: &[u8] = include_bytes!("../assets/fonts/DejaVuSerif.ttf");
const SERIF_BOLD: &[u8] = include_bytes!("../assets/fonts/DejaVuSerif-Bold.ttf");

/// The note as PDF bytes.
pub fn to_pdf(n: &DecisionNote) -> CoreResult<Vec<u8>> {
    let html = crate::note_render::to_html(n);
    let mut fonts = BTreeMap::new();
    for (name, data) in [
        ("DejaVu Sans", SANS),
        ("DejaVu Sans Bold", SANS_BOLD),
        ("DejaVu Serif", SERIF),
        ("DejaVu Serif Bold", SERIF_BOLD),
    ] {
        fonts.insert(name.to_string(), Base64OrRaw::Raw(data.to_vec()));
    }
    let options = GeneratePdfOptions {
        page_width: Some(210.0),
        page_height: Some(297.0),
        margin_top: Some(18.0),
        margin_bottom: Some(18.0),
        margin_left: Some(18.0),
        margin_right: Some(18.0),
        show_page_numbers: Some(true),
        header_text: Some(n.body_name.clone()),
        skip_first_page: Some(true),
        ..Default::default()
    };
    let mut warnings = Vec::new();
    let doc = PdfDocument::from_html(&html, &BTreeMap::new(), &fonts, &options, &mut warnings)
        .map_err(|e| {
            CoreError::Io(std::io::Error::other(format!(
                "mise en page PDF impossible : {e}"
            )))
        })?;
    Ok(doc.save(&PdfSaveOptions::default(), &mut warnings))
}

#[cfg(test)]
mod tests {
    #[test]
    fn demo_notes_make_small_pdfs() {
        let mut s = crate::store::Store::open_in_memory().unwrap();
        crate::demo::populate(&mut s).unwrap();
        for n in s.list_notes().unwrap() {
            let pdf = super::to_pdf(&s.note(n.id).unwrap()).unwrap();
            assert!(pdf.starts_with(b"%PDF-"));
            assert!(pdf.len() < 400_000, "{} bytes: fonts are subset", pdf.len());
        }
    }
}
