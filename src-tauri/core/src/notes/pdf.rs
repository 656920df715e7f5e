//! Decision notes as PDF: the print-ready HTML laid out by printpdf on A4, then the page
//! furniture drawn on every page (the letterhead logo and the body's name at the top, the
//! subject and "page X sur N" at the bottom). DejaVu fonts are embedded and subset, so the
//! file looks the same on every machine and stays small.

use crate::notes::export::Letterhead;
use crate::notes::DecisionNote;
use crate::shared::error::{CoreError, CoreResult};
use printpdf::{
    Base64OrRaw, Color, FontId, GeneratePdfOptions, Line, LinePoint, Mm, Op, ParsedFont,
    PdfDocument, PdfFontHandle, PdfSaveOptions, Point, Pt, RawImage, Rgb, TextItem,
    XObjectTransform,
};
use std::collections::BTreeMap;

const SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const SANS_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");
const SERIF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSerif.ttf");
const SERIF_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSerif-Bold.ttf");
const SERIF_ITALIC: &[u8] = include_bytes!("../../assets/fonts/DejaVuSerif-Italic.ttf");
const SERIF_BOLD_ITALIC: &[u8] = include_bytes!("../../assets/fonts/DejaVuSerif-BoldItalic.ttf");

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const MARGIN_X: f32 = 20.0;
/// Top margin of the text: room for the running header (logo up to 14 mm high).
const MARGIN_TOP: f32 = 32.0;
const MARGIN_BOTTOM: f32 = 22.0;
const GREEN: (f32, f32, f32) = (14.0 / 255.0, 94.0 / 255.0, 82.0 / 255.0);
const GREY: (f32, f32, f32) = (80.0 / 255.0, 90.0 / 255.0, 89.0 / 255.0);

fn pdf_error(e: impl std::fmt::Display) -> CoreError {
    CoreError::Io(std::io::Error::other(format!(
        "mise en page PDF impossible : {e}"
    )))
}

/// A font for the page furniture, with what is needed to measure text.
struct Furniture {
    id: FontId,
    font: ParsedFont,
}

impl Furniture {
    fn load(doc: &mut PdfDocument, bytes: &[u8]) -> CoreResult<Furniture> {
        let font = ParsedFont::from_bytes(bytes, 0, &mut Vec::new())
            .ok_or_else(|| pdf_error("police illisible"))?;
        Ok(Furniture {
            id: doc.add_font(&font),
            font,
        })
    }

    /// Width of `text` at `size` points, in millimetres.
    fn width_mm(&self, text: &str, size: f32) -> f32 {
        let upm = f32::from(self.font.font_metrics.units_per_em).max(1.0);
        let units: f32 = text
            .chars()
            .map(|c| {
                let gid = self.font.lookup_glyph_index(c as u32).unwrap_or(0);
                f32::from(self.font.get_horizontal_advance(gid))
            })
            .sum();
        units / upm * size * 25.4 / 72.0
    }

    /// `text` cut with an ellipsis so that it fits in `max_mm`.
    fn fit(&self, text: &str, size: f32, max_mm: f32) -> String {
        if self.width_mm(text, size) <= max_mm {
            return text.to_string();
        }
        let mut chars: Vec<char> = text.chars().collect();
        while !chars.is_empty() {
            chars.pop();
            let candidate = format!("{}…", chars.iter().collect::<String>().trim_end());
            if self.width_mm(&candidate, size) <= max_mm {
                return candidate;
            }
        }
        String::new()
    }

    fn text(&self, text: &str, size: f32, x_mm: f32, y_mm: f32, rgb: (f32, f32, f32)) -> [Op; 6] {
        [
            Op::StartTextSection,
            Op::SetFillColor {
                col: Color::Rgb(Rgb::new(rgb.0, rgb.1, rgb.2, None)),
            },
            Op::SetFont {
                font: PdfFontHandle::External(self.id.clone()),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point::new(Mm(x_mm), Mm(y_mm)),
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_string())],
            },
            Op::EndTextSection,
        ]
    }
}

fn rule(y_mm: f32, rgb: (f32, f32, f32), thickness: f32) -> [Op; 3] {
    [
        Op::SetOutlineColor {
            col: Color::Rgb(Rgb::new(rgb.0, rgb.1, rgb.2, None)),
        },
        Op::SetOutlineThickness { pt: Pt(thickness) },
        Op::DrawLine {
            line: Line {
                points: vec![
                    LinePoint {
                        p: Point::new(Mm(MARGIN_X), Mm(y_mm)),
                        bezier: false,
                    },
                    LinePoint {
                        p: Point::new(Mm(PAGE_W - MARGIN_X), Mm(y_mm)),
                        bezier: false,
                    },
                ],
                is_closed: false,
            },
        },
    ]
}

/// The note as PDF bytes, with the letterhead logo if any.
pub fn to_pdf(n: &DecisionNote, logo: Option<&Letterhead>) -> CoreResult<Vec<u8>> {
    let html = crate::notes::render::html_for_pdf(n);
    let mut fonts = BTreeMap::new();
    for (name, data) in [
        ("DejaVu Sans", SANS),
        ("DejaVu Sans Bold", SANS_BOLD),
        ("DejaVu Serif", SERIF),
        ("DejaVu Serif Bold", SERIF_BOLD),
        ("DejaVu Serif Italic", SERIF_ITALIC),
        ("DejaVu Serif Bold Italic", SERIF_BOLD_ITALIC),
    ] {
        fonts.insert(name.to_string(), Base64OrRaw::Raw(data.to_vec()));
    }
    let options = GeneratePdfOptions {
        page_width: Some(PAGE_W),
        page_height: Some(PAGE_H),
        margin_top: Some(MARGIN_TOP),
        margin_bottom: Some(MARGIN_BOTTOM),
        margin_left: Some(MARGIN_X),
        margin_right: Some(MARGIN_X),
        ..Default::default()
    };
    let mut warnings = Vec::new();
    let mut doc = PdfDocument::from_html(&html, &BTreeMap::new(), &fonts, &options, &mut warnings)
        .map_err(pdf_error)?;
    doc.metadata.info.document_title = n.subject.clone();
    doc.metadata.info.author = n.author.clone();
    doc.metadata.info.creator = "Catalyse".into();

    let bold = Furniture::load(&mut doc, SANS_BOLD)?;
    let regular = Furniture::load(&mut doc, SANS)?;
    let image = match logo {
        Some(l) => {
            let raw = RawImage::decode_from_bytes(&l.png, &mut warnings).map_err(pdf_error)?;
            Some((doc.add_image(&raw), l.fit_mm(45.0, 14.0), l.width))
        }
        None => None,
    };
    let header_base = PAGE_H - 12.0; // top of the header band
    let total = doc.pages.len();
    let title = "Note d'aide à la décision";
    for (i, page) in doc.pages.iter_mut().enumerate() {
        let mut ops = vec![Op::SaveGraphicsState];
        let mut x = MARGIN_X;
        let mut band = 8.0_f32;
        if let Some((id, (w, h), px_w)) = &image {
            band = band.max(*h);
            // At `dpi`, the image is px_w / dpi inches wide: choose the dpi giving w mm.
            let dpi = *px_w as f32 * 25.4 / w;
            ops.push(Op::UseXobject {
                id: id.clone(),
                transform: XObjectTransform {
                    translate_x: Some(Mm(MARGIN_X).into()),
                    translate_y: Some(Mm(header_base - h).into()),
                    dpi: Some(dpi),
                    ..Default::default()
                },
            });
            x += w + 5.0;
        }
        let baseline = header_base - band / 2.0 - 1.2;
        let right_w = regular.width_mm(title, 8.0);
        let body = bold.fit(
            &n.body_name.to_uppercase(),
            9.0,
            PAGE_W - MARGIN_X - right_w - 6.0 - x,
        );
        ops.extend(bold.text(&body, 9.0, x, baseline, GREEN));
        ops.extend(regular.text(title, 8.0, PAGE_W - MARGIN_X - right_w, baseline, GREY));
        ops.extend(rule(header_base - band - 2.5, GREEN, 0.8));

        let page_no = format!("page {} sur {}", i + 1, total);
        let page_w = regular.width_mm(&page_no, 8.0);
        let subject = regular.fit(&n.subject, 8.0, PAGE_W - 2.0 * MARGIN_X - page_w - 8.0);
        ops.extend(rule(14.5, GREY, 0.4));
        ops.extend(regular.text(&subject, 8.0, MARGIN_X, 10.5, GREY));
        ops.extend(regular.text(&page_no, 8.0, PAGE_W - MARGIN_X - page_w, 10.5, GREY));
        ops.push(Op::RestoreGraphicsState);
        page.ops.extend(ops);
    }
    Ok(doc.save(&PdfSaveOptions::default(), &mut warnings))
}

#[cfg(test)]
mod tests {
    #[test]
    fn demo_notes_make_small_pdfs_with_page_furniture() {
        let mut s = crate::db::store::Store::open_in_memory().unwrap();
        crate::demo::populate(&mut s).unwrap();
        for n in s.list_notes().unwrap() {
            let pdf = super::to_pdf(&s.note(n.id).unwrap(), None).unwrap();
            assert!(pdf.starts_with(b"%PDF-"));
            assert!(pdf.len() < 400_000, "{} bytes: fonts are subset", pdf.len());
        }
    }
}
