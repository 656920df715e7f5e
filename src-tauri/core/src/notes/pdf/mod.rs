//! Decision notes as PDF, laid out here on A4 from the same blocks as the DOCX: the header
//! (title and fields), one green heading per section, paragraphs with bold and italic runs,
//! lists and tables with a shaded header row repeated on every page they cross. Then the page
//! furniture is drawn on every page (the letterhead logo and the body's name at the top, the
//! subject and "page X sur N" at the bottom). DejaVu fonts are embedded and subset, so the file
//! looks the same on every machine and stays small.
//!
//! Lines break at spaces only: no-break spaces (before « : ; ! ? », inside « », in amounts)
//! keep French typography whole. A word wider than the line is cut where it must.

use crate::notes::letterhead::Letterhead;
use crate::notes::render::{blocks, header_lines, section_markdown, Block, Runs};
use crate::notes::DecisionNote;
use crate::shared::error::{CoreError, CoreResult};
use printpdf::{
    Color, Line as PdfLine, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfPage, PdfSaveOptions,
    Point, Pt, RawImage, Rect, Rgb, XObjectTransform,
};

mod fonts;
mod map;
#[cfg(test)]
mod tests;

use fonts::{Face, Fonts, Style};

/// Millimetres to points.
const fn mm(v: f32) -> f32 {
    v * 72.0 / 25.4
}

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const MARGIN_X: f32 = 20.0;
/// Top margin of the text: room for the running header (logo up to 14 mm high).
const MARGIN_TOP: f32 = 32.0;
const MARGIN_BOTTOM: f32 = 22.0;
/// The text area, in points from the page's lower left corner.
const LEFT: f32 = mm(MARGIN_X);
const WIDTH: f32 = mm(PAGE_W - 2.0 * MARGIN_X);
const TOP: f32 = mm(PAGE_H - MARGIN_TOP);
const BOTTOM: f32 = mm(MARGIN_BOTTOM);

type Rgb3 = (f32, f32, f32);
const fn hex(v: u32) -> Rgb3 {
    (
        ((v >> 16) & 0xff) as f32 / 255.0,
        ((v >> 8) & 0xff) as f32 / 255.0,
        (v & 0xff) as f32 / 255.0,
    )
}
const INK: Rgb3 = hex(0x1d2626);
const GREEN: Rgb3 = hex(0x0e5e52);
const GREY: Rgb3 = hex(0x505a59);
const BORDER: Rgb3 = hex(0xb9b3a7);
const SHADE: Rgb3 = hex(0xe3efec);

/// Body text: DejaVu Serif 11 pt, lines 1.45 apart (as the HTML export's print stylesheet).
const BODY: f32 = 11.0;
const BODY_LEADING: f32 = 1.45;
const TABLE: f32 = 9.5;
const TABLE_LEADING: f32 = 1.3;
const META: f32 = 10.0;
const CELL_PAD_X: f32 = 5.0;
const CELL_PAD_Y: f32 = 3.0;
/// DejaVu's ascender and descender, in ems: where the baseline sits in a line box.
const ASCENT: f32 = 0.928;
const DESCENT: f32 = 0.236;

fn pdf_error(e: impl std::fmt::Display) -> CoreError {
    CoreError::Io(std::io::Error::other(format!(
        "mise en page PDF impossible : {e}"
    )))
}

fn color(c: Rgb3) -> Color {
    Color::Rgb(Rgb::new(c.0, c.1, c.2, None))
}

/// One laid-out line: pieces of text at their offsets from the line's start.
#[derive(Debug, Default)]
struct Line {
    pieces: Vec<(f32, String, Style)>,
    width: f32,
}

impl Line {
    fn push(&mut self, text: &str, style: Style, width: f32) {
        match self.pieces.last_mut() {
            Some((_, t, s)) if *s == style => t.push_str(text),
            _ => self.pieces.push((self.width, text.to_string(), style)),
        }
        self.width += width;
    }
}

/// A word: what lies between two breakable spaces, possibly in several styles.
struct Word {
    parts: Vec<(String, Style)>,
    /// The style of the space before it, if there was one.
    space: Option<Style>,
}

fn words(spans: &[(String, Style)]) -> Vec<Word> {
    let mut out = Vec::new();
    let mut current: Vec<(String, Style)> = Vec::new();
    let mut space = None;
    for (text, style) in spans {
        for c in text.chars() {
            if matches!(c, ' ' | '\n' | '\r' | '\t') {
                if !current.is_empty() {
                    out.push(Word {
                        parts: std::mem::take(&mut current),
                        space: space.take(),
                    });
                }
                space = Some(*style);
                continue;
            }
            match current.last_mut() {
                Some((t, s)) if s == style => t.push(c),
                _ => current.push((c.to_string(), *style)),
            }
        }
    }
    if !current.is_empty() {
        out.push(Word {
            parts: current,
            space,
        });
    }
    out
}

/// Breaks styled text into lines of at most `max` points, at spaces; a word longer than a
/// line is cut between characters.
fn wrap(fonts: &Fonts, spans: &[(String, Style)], max: f32) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut line = Line::default();
    for word in words(spans) {
        let width: f32 = word.parts.iter().map(|(t, s)| fonts.width(t, *s)).sum();
        let space = match word.space {
            Some(style) if !line.pieces.is_empty() => Some((style, fonts.width(" ", style))),
            _ => None,
        };
        let space_w = space.map_or(0.0, |(_, w)| w);
        if !line.pieces.is_empty() && line.width + space_w + width > max {
            lines.push(std::mem::take(&mut line));
        } else if let Some((style, w)) = space {
            line.push(" ", style, w);
        }
        for (text, style) in &word.parts {
            for c in text.chars() {
                let mut buf = [0u8; 4];
                let c = c.encode_utf8(&mut buf);
                let w = fonts.width(c, *style);
                if width > max && !line.pieces.is_empty() && line.width + w > max {
                    lines.push(std::mem::take(&mut line));
                }
                line.push(c, *style, w);
            }
        }
    }
    if !line.pieces.is_empty() {
        lines.push(line);
    }
    lines
}

fn spans(runs: &Runs, size: f32, color: Rgb3) -> Vec<(String, Style)> {
    runs.iter()
        .map(|(t, b, i)| (t.clone(), Style::new(Face::serif(*b, *i), size, color)))
        .collect()
}

/// Where lines are drawn: pages of operations and the height still free on the last one.
struct Flow<'a> {
    fonts: &'a Fonts,
    /// The maps the note asks for (`notes::maps`).
    maps: &'a crate::notes::maps::NoteMaps,
    pages: Vec<Vec<Op>>,
    /// Top of the free space on the current page, in points from the bottom.
    y: f32,
}

impl<'a> Flow<'a> {
    fn new(fonts: &'a Fonts, maps: &'a crate::notes::maps::NoteMaps) -> Flow<'a> {
        Flow {
            fonts,
            maps,
            pages: vec![Vec::new()],
            y: TOP,
        }
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    fn at_top(&self) -> bool {
        self.y >= TOP
    }

    /// Moves to the next page unless `height` points fit in what is left of this one.
    fn ensure(&mut self, height: f32) {
        if self.y - height < BOTTOM && !self.at_top() {
            self.new_page();
        }
    }

    /// Vertical space; none at the top of a page.
    fn gap(&mut self, height: f32) {
        if !self.at_top() {
            self.y -= height;
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a page")
    }

    /// Draws `line` in a line box of `leading` points whose top is at `top`.
    fn draw_line(&mut self, line: &Line, x: f32, top: f32, size: f32, leading: f32) {
        let baseline = top - (leading - (ASCENT + DESCENT) * size) / 2.0 - ASCENT * size;
        let fonts = self.fonts;
        for (dx, text, style) in &line.pieces {
            let ops = fonts.text(text, *style, x + dx, baseline);
            self.ops().extend(ops);
        }
    }

    /// Lays out a paragraph at `x`, `width` points wide, keeping its first `keep` lines
    /// together (no line left alone at the bottom of a page).
    fn paragraph(&mut self, spans: &[(String, Style)], x: f32, width: f32, keep: usize) {
        let size = spans.first().map_or(BODY, |(_, s)| s.size);
        let leading = size * BODY_LEADING;
        let lines = wrap(self.fonts, spans, width);
        self.ensure(leading * keep.min(lines.len()) as f32);
        for line in &lines {
            self.ensure(leading);
            let top = self.y;
            self.draw_line(line, x, top, size, leading);
            self.y -= leading;
        }
    }

    fn heading(&mut self, text: &str, style: Style, before: f32, after: f32) {
        let leading = style.size * 1.25;
        let lines = wrap(self.fonts, &[(text.to_string(), style)], WIDTH);
        self.gap(before);
        // The heading stays with the first two lines of what follows it.
        self.ensure(leading * lines.len() as f32 + after + 2.0 * BODY * BODY_LEADING);
        for line in &lines {
            let top = self.y;
            self.draw_line(line, LEFT, top, style.size, leading);
            self.y -= leading;
        }
        self.y -= after;
    }

    fn rect(&mut self, x: f32, top: f32, w: f32, h: f32, fill: Option<Rgb3>) {
        let rect = |mode| Rect {
            x: Pt(x),
            y: Pt(top - h),
            width: Pt(w),
            height: Pt(h),
            mode: Some(mode),
            winding_order: None,
        };
        let ops = self.ops();
        if let Some(fill) = fill {
            ops.push(Op::SetFillColor { col: color(fill) });
            ops.push(Op::DrawRectangle {
                rectangle: rect(PaintMode::Fill),
            });
        }
        ops.push(Op::SetOutlineColor { col: color(BORDER) });
        ops.push(Op::SetOutlineThickness { pt: Pt(0.75) });
        ops.push(Op::DrawRectangle {
            rectangle: rect(PaintMode::Stroke),
        });
    }

    /// A table with a shaded header row, equal columns and cells wrapped in them. The header
    /// row is repeated on each page the table continues on; a row taller than what is left
    /// goes to the next page, and a row taller than a page is split between pages.
    fn table(&mut self, rows: &[Vec<String>]) {
        let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
        if cols == 0 {
            return;
        }
        let col_w = WIDTH / cols as f32;
        let leading = TABLE * TABLE_LEADING;
        let cells: Vec<Vec<Vec<Line>>> = rows
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let style = Style::new(Face::serif(i == 0, false), TABLE, INK);
                (0..cols)
                    .map(|c| {
                        let text = row.get(c).map(String::as_str).unwrap_or("");
                        wrap(
                            self.fonts,
                            &[(text.to_string(), style)],
                            col_w - 2.0 * CELL_PAD_X,
                        )
                    })
                    .collect()
            })
            .collect();
        let height = |row: &[Vec<Line>]| {
            row.iter().map(Vec::len).max().unwrap_or(0).max(1) as f32 * leading + 2.0 * CELL_PAD_Y
        };
        let header = &cells[0];
        self.gap(6.0);
        // The header row stays with the first row.
        self.ensure(height(header) + cells.get(1).map_or(0.0, |r| height(r)));
        self.table_row(header, rows.first(), col_w, leading, true, 0, usize::MAX);
        for (row, texts) in cells.iter().zip(rows).skip(1) {
            let full = height(row);
            if self.y - full < BOTTOM && full <= TOP - BOTTOM - height(header) {
                self.new_page();
                self.table_row(header, rows.first(), col_w, leading, true, 0, usize::MAX);
            }
            let mut from = 0;
            let most = row.iter().map(Vec::len).max().unwrap_or(0).max(1);
            while from < most {
                let room = ((self.y - BOTTOM - 2.0 * CELL_PAD_Y) / leading)
                    .floor()
                    .max(0.0) as usize;
                if room == 0 {
                    self.new_page();
                    self.table_row(header, rows.first(), col_w, leading, true, 0, usize::MAX);
                    continue;
                }
                self.table_row(row, Some(texts), col_w, leading, false, from, room);
                from += room;
            }
        }
        self.y -= 6.0;
    }

    /// Draws lines `from..from + count` of each cell of a row, at the top of the free space.
    #[allow(clippy::too_many_arguments)]
    fn table_row(
        &mut self,
        row: &[Vec<Line>],
        texts: Option<&Vec<String>>,
        col_w: f32,
        leading: f32,
        header: bool,
        from: usize,
        count: usize,
    ) {
        let shown = row
            .iter()
            .map(|c| c.len().saturating_sub(from).min(count))
            .max()
            .unwrap_or(0)
            .max(1);
        let h = shown as f32 * leading + 2.0 * CELL_PAD_Y;
        let top = self.y;
        for (c, lines) in row.iter().enumerate() {
            let x = LEFT + c as f32 * col_w;
            self.rect(x, top, col_w, h, header.then_some(SHADE));
            // Amounts and shares line up on the right, as in the DOCX.
            let text = texts.and_then(|t| t.get(c)).map_or("", String::as_str);
            let right = !header && c > 0 && (text.ends_with('€') || text.ends_with('%'));
            for (k, line) in lines.iter().skip(from).take(count).enumerate() {
                let x = if right {
                    x + col_w - CELL_PAD_X - line.width
                } else {
                    x + CELL_PAD_X
                };
                let line_top = top - CELL_PAD_Y - k as f32 * leading;
                self.draw_line(line, x, line_top, TABLE, leading);
            }
        }
        self.y -= h;
    }

    /// The note's fields, as label and value, the values wrapped beside their labels.
    fn meta(&mut self, fields: &[(String, String)]) {
        let label_w = mm(30.0);
        let leading = META * BODY_LEADING;
        for (label, value) in fields {
            let label = wrap(
                self.fonts,
                &[(label.clone(), Style::new(Face::SerifBold, META, INK))],
                label_w - 6.0,
            );
            let value = wrap(
                self.fonts,
                &[(value.clone(), Style::new(Face::Serif, META, INK))],
                WIDTH - label_w,
            );
            let lines = label.len().max(value.len()).max(1);
            self.ensure(lines as f32 * leading);
            let top = self.y;
            for (k, line) in label.iter().enumerate() {
                self.draw_line(line, LEFT, top - k as f32 * leading, META, leading);
            }
            for (k, line) in value.iter().enumerate() {
                self.draw_line(
                    line,
                    LEFT + label_w,
                    top - k as f32 * leading,
                    META,
                    leading,
                );
            }
            self.y -= lines as f32 * leading + 2.0;
        }
    }

    fn blocks(&mut self, blocks: &[Block]) {
        for (i, block) in blocks.iter().enumerate() {
            let next_is_table = matches!(blocks.get(i + 1), Some(Block::Table(_)));
            match block {
                Block::Paragraph(runs) => {
                    let spans = spans(runs, BODY, INK);
                    if next_is_table {
                        // A paragraph introducing a table stays with its first two rows.
                        let lines = wrap(self.fonts, &spans, WIDTH).len() as f32;
                        let row = TABLE * TABLE_LEADING + 2.0 * CELL_PAD_Y;
                        self.ensure(lines * BODY * BODY_LEADING + 12.0 + 2.0 * row);
                    }
                    self.paragraph(&spans, LEFT, WIDTH, 2);
                    self.y -= 6.0;
                }
                Block::Item {
                    level,
                    marker,
                    runs,
                } => {
                    let indent = 14.0 * (*level as f32 + 1.0);
                    if !marker.is_empty() {
                        let style = Style::new(Face::Serif, BODY, INK);
                        let w = self.fonts.width(marker, style);
                        let leading = BODY * BODY_LEADING;
                        self.ensure(leading * 2.0);
                        let top = self.y;
                        let mut line = Line::default();
                        line.push(marker, style, w);
                        self.draw_line(&line, LEFT + indent - 4.0 - w, top, BODY, leading);
                    }
                    self.paragraph(&spans(runs, BODY, INK), LEFT + indent, WIDTH - indent, 2);
                    // The end of a list is set apart from what follows.
                    let last = !matches!(blocks.get(i + 1), Some(Block::Item { .. }));
                    self.y -= if last { 6.0 } else { 2.0 };
                }
                Block::Table(rows) => self.table(rows),
                Block::Map { address, caption } => self.map(address, caption),
            }
        }
    }
}

fn rule(y: f32, rgb: Rgb3, thickness: f32) -> [Op; 3] {
    let point = |x: f32| LinePoint {
        p: Point { x: Pt(x), y: Pt(y) },
        bezier: false,
    };
    [
        Op::SetOutlineColor { col: color(rgb) },
        Op::SetOutlineThickness { pt: Pt(thickness) },
        Op::DrawLine {
            line: PdfLine {
                points: vec![point(LEFT), point(LEFT + WIDTH)],
                is_closed: false,
            },
        },
    ]
}

/// The note's pages, laid out: the header, then each section.
fn layout(n: &DecisionNote, fonts: &Fonts, maps: &crate::notes::maps::NoteMaps) -> Vec<Vec<Op>> {
    let h = header_lines(n);
    let mut flow = Flow::new(fonts, maps);
    flow.heading(&h.title, Style::new(Face::SansBold, 18.0, INK), 0.0, 8.0);
    flow.meta(&h.meta);
    flow.y -= 8.0;
    let y = flow.y;
    flow.ops().extend(rule(y, GREEN, 1.5));
    flow.y -= 14.0;
    for (i, s) in n.sections.iter().enumerate() {
        let title = format!("{}. {}", i + 1, s.key.label_fr());
        flow.heading(&title, Style::new(Face::SansBold, 13.0, GREEN), 16.0, 6.0);
        let md = section_markdown(n, i);
        if md.is_empty() {
            let empty = [(
                "Néant.".to_string(),
                Style::new(Face::SerifItalic, BODY, GREY),
            )];
            flow.paragraph(&empty, LEFT, WIDTH, 1);
            flow.y -= 6.0;
        } else {
            flow.blocks(&blocks(&md));
        }
    }
    flow.pages
}

/// The letterhead and the page numbers, drawn over every page.
fn furniture(
    n: &DecisionNote,
    fonts: &Fonts,
    image: Option<&(printpdf::XObjectId, (f32, f32), u32)>,
    page: usize,
    total: usize,
) -> Vec<Op> {
    let bold = Style::new(Face::SansBold, 9.0, GREEN);
    let small = Style::new(Face::Sans, 8.0, GREY);
    let header_base = mm(PAGE_H - 12.0); // top of the header band
    let mut ops = vec![Op::SaveGraphicsState];
    let mut x = LEFT;
    let mut band = mm(8.0);
    if let Some((id, (w, h), px_w)) = image {
        band = band.max(mm(*h));
        // At `dpi`, the image is px_w / dpi inches wide: choose the dpi giving w mm.
        let dpi = *px_w as f32 * 25.4 / w;
        ops.push(Op::UseXobject {
            id: id.clone(),
            transform: XObjectTransform {
                translate_x: Some(Pt(LEFT)),
                translate_y: Some(Pt(header_base - mm(*h))),
                dpi: Some(dpi),
                ..Default::default()
            },
        });
        x += mm(w + 5.0);
    }
    let baseline = header_base - band / 2.0 - mm(1.2);
    let title = "Note d'aide à la décision";
    let right_w = fonts.width(title, small);
    let body = fonts.fit(
        &n.body_name.to_uppercase(),
        bold,
        LEFT + WIDTH - right_w - mm(6.0) - x,
    );
    ops.extend(fonts.text(&body, bold, x, baseline));
    ops.extend(fonts.text(title, small, LEFT + WIDTH - right_w, baseline));
    ops.extend(rule(header_base - band - mm(2.5), GREEN, 0.8));

    let page_no = format!("page {page} sur {total}");
    let page_w = fonts.width(&page_no, small);
    let subject = fonts.fit(&n.subject, small, WIDTH - page_w - mm(8.0));
    ops.extend(rule(mm(14.5), GREY, 0.4));
    ops.extend(fonts.text(&subject, small, LEFT, mm(10.5)));
    ops.extend(fonts.text(&page_no, small, LEFT + WIDTH - page_w, mm(10.5)));
    ops.push(Op::RestoreGraphicsState);
    ops
}

/// The note as PDF bytes, with the letterhead logo if any (and no map drawn).
pub fn to_pdf(n: &DecisionNote, logo: Option<&Letterhead>) -> CoreResult<Vec<u8>> {
    to_pdf_with(n, logo, &crate::notes::maps::NoteMaps::new())
}

/// The note as PDF bytes, with the letterhead logo if any and the maps it asks for.
pub fn to_pdf_with(
    n: &DecisionNote,
    logo: Option<&Letterhead>,
    maps: &crate::notes::maps::NoteMaps,
) -> CoreResult<Vec<u8>> {
    let mut doc = PdfDocument::new(&n.subject);
    doc.metadata.info.document_title = n.subject.clone();
    doc.metadata.info.author = n.author.clone();
    doc.metadata.info.creator = "Catalyse".into();
    let fonts = Fonts::load()?;
    let mut warnings = Vec::new();
    let image = match logo {
        Some(l) => {
            let raw = RawImage::decode_from_bytes(&l.png, &mut warnings).map_err(pdf_error)?;
            Some((doc.add_image(&raw), l.fit_mm(45.0, 14.0), l.width))
        }
        None => None,
    };
    let mut pages = layout(n, &fonts, maps);
    let total = pages.len();
    for (i, ops) in pages.iter_mut().enumerate() {
        ops.extend(furniture(n, &fonts, image.as_ref(), i + 1, total));
    }
    fonts.embed(&mut doc, &mut pages);
    let pages = pages
        .into_iter()
        .map(|ops| PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), ops))
        .collect();
    doc.with_pages(pages);
    Ok(doc.save(&PdfSaveOptions::default(), &mut warnings))
}
