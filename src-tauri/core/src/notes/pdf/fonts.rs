//! The six DejaVu faces a note is set in: loading them, measuring and drawing text, and
//! embedding only the glyphs drawn.

use super::{color, pdf_error, Rgb3};
use crate::shared::error::CoreResult;
use printpdf::{DictItem, FontId, Op, ParsedFont, PdfDocument, PdfFontHandle, Point, Pt, TextItem};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

/// The font files, in the order of `Face` (`shared::fonts`).
fn faces() -> CoreResult<&'static [Vec<u8>]> {
    crate::shared::fonts::faces().map_err(|_| pdf_error("police illisible"))
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Face {
    Serif,
    SerifBold,
    SerifItalic,
    SerifBoldItalic,
    Sans,
    SansBold,
}

impl Face {
    pub(super) fn serif(bold: bool, italic: bool) -> Face {
        match (bold, italic) {
            (false, false) => Face::Serif,
            (true, false) => Face::SerifBold,
            (false, true) => Face::SerifItalic,
            (true, true) => Face::SerifBoldItalic,
        }
    }
}

/// How a piece of text looks.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(super) struct Style {
    pub(super) face: Face,
    pub(super) size: f32,
    pub(super) color: Rgb3,
}

impl Style {
    pub(super) const fn new(face: Face, size: f32, color: Rgb3) -> Style {
        Style { face, size, color }
    }
}

/// A font, with what is needed to measure text, and the characters drawn with it.
struct Font {
    id: FontId,
    parsed: ParsedFont,
    units_per_em: f32,
    /// The font file, to subset.
    source: &'static [u8],
    used: RefCell<BTreeSet<char>>,
}

/// The six faces a note may use. Each is embedded only if something is drawn with it, and
/// then only the glyphs drawn (see `embed`).
pub(super) struct Fonts(Vec<Font>);

impl Fonts {
    pub(super) fn load() -> CoreResult<Fonts> {
        let mut fonts = Vec::new();
        for (i, source) in faces()?.iter().enumerate() {
            let source: &'static [u8] = source;
            let parsed = ParsedFont::from_bytes(source, 0, &mut Vec::new())
                .ok_or_else(|| pdf_error("police illisible"))?;
            fonts.push(Font {
                // Replaced by the document's own id when the font is embedded.
                id: FontId(format!("catalyse-face-{i}")),
                units_per_em: f32::from(parsed.units_per_em).max(1.0),
                parsed,
                source,
                used: RefCell::new(BTreeSet::new()),
            });
        }
        Ok(Fonts(fonts))
    }

    /// Adds each font something was drawn with to the document, cut down to the glyphs
    /// drawn, and points the pages' operations at it.
    pub(super) fn embed(&self, doc: &mut PdfDocument, pages: &mut [Vec<Op>]) {
        let mut ids = BTreeMap::new();
        for font in &self.0 {
            let used = font.used.borrow();
            if used.is_empty() {
                continue;
            }
            let subset = subset(font.source, &font.parsed, &used);
            let parsed = subset
                .as_deref()
                .and_then(|bytes| ParsedFont::from_bytes(bytes, 0, &mut Vec::new()))
                // Should subsetting fail, the whole font keeps the file right, only larger.
                .unwrap_or_else(|| font.parsed.clone());
            ids.insert(font.id.clone(), doc.add_font(&parsed));
        }
        for op in pages.iter_mut().flatten() {
            if let Op::SetFont {
                font: PdfFontHandle::External(id),
                ..
            } = op
            {
                if let Some(real) = ids.get(id) {
                    *id = real.clone();
                }
            }
        }
    }

    fn get(&self, face: Face) -> &Font {
        &self.0[face as usize]
    }

    /// Width of `text` in `style`, in points.
    pub(super) fn width(&self, text: &str, style: Style) -> f32 {
        let font = self.get(style.face);
        let units: u32 = text
            .chars()
            .map(|c| {
                let gid = font.parsed.lookup_glyph_index(c as u32).unwrap_or(0);
                u32::from(font.parsed.get_glyph_width(gid).unwrap_or(0))
            })
            .sum();
        units as f32 / font.units_per_em * style.size
    }

    /// `text` cut with an ellipsis so that it fits in `max` points.
    pub(super) fn fit(&self, text: &str, style: Style, max: f32) -> String {
        if self.width(text, style) <= max {
            return text.to_string();
        }
        let mut chars: Vec<char> = text.chars().collect();
        while !chars.is_empty() {
            chars.pop();
            let candidate = format!("{}…", chars.iter().collect::<String>().trim_end());
            if self.width(&candidate, style) <= max {
                return candidate;
            }
        }
        String::new()
    }

    /// The operations drawing `text` with its baseline's left end at (x, y), in points.
    ///
    /// The piece carries its text (`/ActualText`), as readers are told to copy and search
    /// it: without it, pdftotext and copy-paste turn the no-break spaces of French
    /// typography (« Montclar : », « 12 000 € ») into plain ones.
    pub(super) fn text(&self, text: &str, style: Style, x: f32, y: f32) -> Vec<Op> {
        let font = self.get(style.face);
        font.used.borrow_mut().extend(text.chars());
        let mut utf16 = vec![0xfe, 0xff];
        utf16.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        let mut ops = vec![Op::BeginMarkedContentWithProperties {
            tag: "Span".into(),
            properties: DictItem::Dict {
                map: BTreeMap::from([(
                    "ActualText".to_string(),
                    DictItem::String {
                        data: utf16,
                        literal: false,
                    },
                )]),
            },
        }];
        ops.extend([
            Op::StartTextSection,
            Op::SetFillColor {
                col: color(style.color),
            },
            Op::SetFont {
                font: PdfFontHandle::External(font.id.clone()),
                size: Pt(style.size),
            },
            Op::SetTextCursor {
                pos: Point { x: Pt(x), y: Pt(y) },
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_string())],
            },
            Op::EndTextSection,
            Op::EndMarkedContent,
        ]);
        ops
    }
}

/// `source` cut down to the glyphs of `chars` (and .notdef, first), with a Unicode cmap for
/// them; glyph widths are kept, so text measured with the whole font fits the same.
fn subset(source: &[u8], font: &ParsedFont, chars: &BTreeSet<char>) -> Option<Vec<u8>> {
    use allsorts::binary::read::ReadScope;
    use allsorts::font_data::FontData;
    use allsorts::subset::{subset, CmapTarget, SubsetProfile};
    let glyphs: BTreeSet<u16> = chars
        .iter()
        .filter_map(|c| font.lookup_glyph_index(*c as u32))
        .filter(|g| *g != 0)
        .collect();
    let ids: Vec<u16> = std::iter::once(0).chain(glyphs).collect();
    let data = ReadScope::new(source).read::<FontData<'_>>().ok()?;
    let provider = data.table_provider(0).ok()?;
    subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode).ok()
}
