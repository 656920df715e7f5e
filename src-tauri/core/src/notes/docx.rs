//! Decision notes as DOCX (Word and LibreOffice): A4, the body's name in the page header, page
//! numbers in the footer, the header fields as a table, one heading per section, and the
//! section texts (Markdown subset) as paragraphs, bold and italic runs, bulleted lists and
//! tables with a shaded header row.

use crate::notes::letterhead::Letterhead;
use crate::notes::render::{blocks, header_lines, section_markdown, Block, HeaderLines, Runs};
use crate::notes::DecisionNote;
use crate::shared::domain::printable;
use crate::shared::error::{CoreError, CoreResult};
use docx_rs::{
    AlignmentType, BorderType, Docx, FieldCharType, Footer, Header, InstrNUMPAGES, InstrPAGE,
    InstrText, LineSpacing, PageMargin, Paragraph, Pic, Run, RunFonts, Shading, Style, StyleType,
    Table, TableBorders, TableCell, TableCellMargins, TableRow, VAlignType, WidthType,
};

const FONT: &str = "DejaVu Sans";
const GREEN: &str = "0E5E52";
/// Usable width of an A4 page with 2 cm margins, in twentieths of a point.
const TEXT_WIDTH: usize = 9638;

fn fonts() -> RunFonts {
    RunFonts::new()
        .ascii(FONT)
        .hi_ansi(FONT)
        .cs(FONT)
        .east_asia(FONT)
}

/// A run of text. Every text of the document goes through here or [`text_run`]: docx-rs
/// escapes markup but passes control characters, which make the XML invalid.
fn run(text: &str, bold: bool, italic: bool) -> Run {
    let mut r = text_run(text).fonts(fonts()).size(21);
    if bold {
        r = r.bold();
    }
    if italic {
        r = r.italic();
    }
    r
}

/// A run holding `text` less what XML 1.0 forbids (see [`printable`]).
fn text_run(text: &str) -> Run {
    Run::new().add_text(printable(text))
}

fn paragraph(runs: &Runs) -> Paragraph {
    runs.iter().fold(
        Paragraph::new().line_spacing(LineSpacing::new().after(120).line(264)),
        |p, (t, b, i)| p.add_run(run(t, *b, *i)),
    )
}

/// A field (page number, page count) in the footer's font.
fn field(instr: InstrText, placeholder: &str) -> Vec<Run> {
    let styled = |r: Run| r.fonts(fonts()).size(16).color("505A59");
    vec![
        styled(Run::new().add_field_char(FieldCharType::Begin, true)),
        styled(Run::new().add_instr_text(instr)),
        styled(Run::new().add_field_char(FieldCharType::Separate, false)),
        styled(text_run(placeholder)),
        styled(Run::new().add_field_char(FieldCharType::End, false)),
    ]
}

fn table(rows: &[Vec<String>]) -> Table {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(1).max(1);
    let width = TEXT_WIDTH / cols;
    let rows: Vec<TableRow> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            TableRow::new(
                (0..cols)
                    .map(|c| {
                        let text = r.get(c).map(String::as_str).unwrap_or("");
                        let mut p = Paragraph::new()
                            .line_spacing(LineSpacing::new().after(0))
                            .add_run(run(text, i == 0, false).size(18));
                        if c > 0 && i > 0 && (text.ends_with('€') || text.ends_with('%')) {
                            p = p.align(AlignmentType::Right);
                        }
                        let mut cell = TableCell::new()
                            .add_paragraph(p)
                            .width(width, WidthType::Dxa);
                        if i == 0 {
                            cell = cell.shading(Shading::new().fill("E3EFEC"));
                        }
                        cell
                    })
                    .collect(),
            )
        })
        .collect();
    Table::new(rows)
        .set_grid(vec![width; cols])
        .width(TEXT_WIDTH, WidthType::Dxa)
        .margins(TableCellMargins::new().margin(50, 90, 50, 90))
}

/// The note as DOCX bytes, with the letterhead logo if any (and no map drawn).
pub fn to_docx(n: &DecisionNote, logo: Option<&Letterhead>) -> CoreResult<Vec<u8>> {
    to_docx_with(n, logo, &crate::notes::maps::NoteMaps::new())
}

/// The note as DOCX bytes, with the letterhead logo if any and the maps it asks for (as
/// images, 170 mm wide).
pub fn to_docx_with(
    n: &DecisionNote,
    logo: Option<&Letterhead>,
    maps: &crate::notes::maps::NoteMaps,
) -> CoreResult<Vec<u8>> {
    let h = header_lines(n);
    let mut doc = Docx::new()
        .page_size(11906, 16838)
        .page_margin(PageMargin {
            top: 1700,
            left: 1134,
            bottom: 1134,
            right: 1134,
            header: 600,
            footer: 500,
            gutter: 0,
        })
        .add_style(
            Style::new("Heading1", StyleType::Paragraph)
                .name("Heading 1")
                .bold()
                .size(34),
        )
        .add_style(
            Style::new("Heading2", StyleType::Paragraph)
                .name("Heading 2")
                .bold()
                .size(26),
        )
        .header(page_header(&h, logo))
        .footer(page_footer(n))
        .add_paragraph(heading(&h.title, 34, "Heading1", 0))
        .add_table(meta_table(&h));
    for i in 0..n.sections.len() {
        doc = add_section(doc, n, i, maps)?;
    }
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut out)
        .map_err(|e| CoreError::Io(std::io::Error::other(e.to_string())))?;
    Ok(out.into_inner())
}

/// A green heading that stays with what follows it.
fn heading(text: &str, size: usize, style: &str, before: u32) -> Paragraph {
    Paragraph::new()
        .style(style)
        .keep_next(true)
        .line_spacing(LineSpacing::new().before(before).after(100))
        .add_run(text_run(text).fonts(fonts()).bold().size(size).color(GREEN))
}

/// The running header: the logo (if any) and the body's name on the left, the kind of
/// document on the right, over a green rule.
fn page_header(h: &HeaderLines, logo: Option<&Letterhead>) -> Header {
    let name_run = text_run(&h.body.to_uppercase())
        .fonts(fonts())
        .bold()
        .size(18)
        .color(GREEN);
    let kind_run = text_run(&h.title).fonts(fonts()).size(16).color("505A59");
    let cell = |p: Paragraph, width: usize| {
        TableCell::new()
            .add_paragraph(p)
            .width(width, WidthType::Dxa)
            .vertical_align(VAlignType::Center)
    };
    let mut cells = Vec::new();
    let mut widths = Vec::new();
    let mut name_width = TEXT_WIDTH - 3000;
    if let Some(l) = logo {
        let (w, hh) = l.fit_mm(45.0, 14.0);
        let emu = |mm: f32| (mm * 36_000.0).round() as u32;
        let logo_width = (w * 56.7).round() as usize + 200;
        name_width -= logo_width;
        widths.push(logo_width);
        cells.push(cell(
            Paragraph::new().add_run(Run::new().add_image(
                Pic::new_with_dimensions(l.png.clone(), l.width, l.height).size(emu(w), emu(hh)),
            )),
            logo_width,
        ));
    }
    cells.push(cell(Paragraph::new().add_run(name_run), name_width));
    widths.extend([name_width, 3000]);
    cells.push(cell(
        Paragraph::new()
            .align(AlignmentType::Right)
            .add_run(kind_run),
        3000,
    ));
    Header::new().add_table(
        Table::new(vec![TableRow::new(cells)])
            .set_grid(widths)
            .width(TEXT_WIDTH, WidthType::Dxa)
            .set_borders(
                TableBorders::with_empty().set(
                    docx_rs::TableBorder::new(docx_rs::TableBorderPosition::Bottom)
                        .border_type(BorderType::Single)
                        .size(8)
                        .color(GREEN),
                ),
            )
            .margins(TableCellMargins::new().margin(0, 0, 80, 0)),
    )
}

/// The footer: the subject, then « page X sur N » as fields Word fills in.
fn page_footer(n: &DecisionNote) -> Footer {
    let grey = |text: &str| text_run(text).fonts(fonts()).size(16).color("505A59");
    let mut foot = Paragraph::new()
        .align(AlignmentType::Right)
        .add_run(grey(&format!("{} — page ", n.subject)));
    for r in field(InstrText::PAGE(InstrPAGE::new()), "1") {
        foot = foot.add_run(r);
    }
    foot = foot.add_run(grey(" sur "));
    for r in field(InstrText::NUMPAGES(InstrNUMPAGES::new()), "1") {
        foot = foot.add_run(r);
    }
    Footer::new().add_paragraph(foot)
}

/// The header fields (body, meeting, date, subject, author…) as a two-column table.
fn meta_table(h: &HeaderLines) -> Table {
    let meta_rows: Vec<TableRow> = h
        .meta
        .iter()
        .map(|(k, v)| {
            TableRow::new(vec![
                TableCell::new()
                    .add_paragraph(Paragraph::new().add_run(run(k, true, false)))
                    .width(2200, WidthType::Dxa),
                TableCell::new()
                    .add_paragraph(Paragraph::new().add_run(run(v, false, false)))
                    .width(TEXT_WIDTH - 2200, WidthType::Dxa),
            ])
        })
        .collect();
    Table::new(meta_rows)
        .set_grid(vec![2200, TEXT_WIDTH - 2200])
        .set_borders(
            TableBorders::with_empty().set(
                docx_rs::TableBorder::new(docx_rs::TableBorderPosition::Bottom)
                    .border_type(BorderType::Single)
                    .size(12)
                    .color(GREEN),
            ),
        )
        .margins(TableCellMargins::new().margin(30, 60, 30, 0))
}

/// Section `i`: its numbered heading, then its paragraphs, bullets and tables.
fn add_section(
    mut doc: Docx,
    n: &DecisionNote,
    i: usize,
    maps: &crate::notes::maps::NoteMaps,
) -> CoreResult<Docx> {
    doc = doc.add_paragraph(heading(
        &format!("{}. {}", i + 1, n.sections[i].key.label_fr()),
        26,
        "Heading2",
        if i == 0 { 300 } else { 240 },
    ));
    let md = section_markdown(n, i);
    if md.is_empty() {
        return Ok(doc.add_paragraph(Paragraph::new().add_run(run("Néant.", false, true))));
    }
    let blocks = blocks(&md);
    let before_table: Vec<bool> = (0..blocks.len())
        .map(|j| matches!(blocks.get(j + 1), Some(Block::Table(_))))
        .collect();
    for (b, keep) in blocks.into_iter().zip(before_table) {
        doc = match b {
            // A paragraph introducing a table stays on the table's page.
            Block::Paragraph(r) => doc.add_paragraph(paragraph(&r).keep_next(keep)),
            Block::Item {
                level,
                marker,
                runs,
            } => {
                // A list item's later paragraphs have no marker, only its indent.
                let mut all: Runs = Vec::new();
                if !marker.is_empty() {
                    all.push((format!("{marker}\u{00A0}"), false, false));
                }
                all.extend(runs);
                let indent = 360 * (level as i32 + 1);
                let hanging =
                    (!marker.is_empty()).then_some(docx_rs::SpecialIndentType::Hanging(240));
                doc.add_paragraph(
                    paragraph(&all)
                        .line_spacing(LineSpacing::new().after(40))
                        .indent(Some(indent), hanging, None, None),
                )
            }
            Block::Table(rows) => doc.add_table(table(&rows)).add_paragraph(Paragraph::new()),
            Block::Map { address, caption } => map(doc, maps.get(&address), &caption)?,
        };
    }
    Ok(doc)
}

/// The map a note asks for, as an image 170 mm wide with its caption, or why it is not drawn.
fn map(
    doc: Docx,
    drawn: Option<&Result<crate::map::render::MapDrawing, String>>,
    caption: &str,
) -> CoreResult<Docx> {
    let d = match drawn {
        Some(Ok(d)) => d,
        Some(Err(why)) => {
            return Ok(doc.add_paragraph(Paragraph::new().add_run(run(why, false, true))))
        }
        None => {
            return Ok(doc.add_paragraph(Paragraph::new().add_run(run(
                "Carte non dessinée.",
                false,
                true,
            ))))
        }
    };
    let png = crate::map::render::png(d, 2.5)?;
    let (ow, oh) = crate::map::render::outer_size(d);
    let (px_w, px_h) = ((ow * 2.5).round() as u32, (oh * 2.5).round() as u32);
    let emu = |mm: f64| (mm * 36_000.0).round() as u32;
    let (w, h) = (170.0, 170.0 * oh / ow);
    let title = if caption.is_empty() {
        d.title.as_str()
    } else {
        caption
    };
    Ok(doc
        .add_paragraph(
            Paragraph::new()
                .add_run(run(title, true, false))
                .keep_next(true),
        )
        .add_paragraph(Paragraph::new().add_run(
            Run::new().add_image(Pic::new_with_dimensions(png, px_w, px_h).size(emu(w), emu(h))),
        )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn the_demo_notes_make_valid_docx_with_every_section_and_the_funding_table() {
        let mut s = crate::db::store::Store::open_in_memory().unwrap();
        crate::demo::populate(&mut s).unwrap();
        for summary in s.list_notes().unwrap() {
            let n = s.note(summary.id).unwrap();
            let bytes = to_docx(&n, None).unwrap();
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            let mut xml = String::new();
            zip.by_name("word/document.xml")
                .unwrap()
                .read_to_string(&mut xml)
                .unwrap();
            for key in crate::shared::domain::SectionKey::ALL {
                assert!(
                    xml.contains(key.label_fr().replace('\'', "&apos;").as_str())
                        || xml.contains(key.label_fr()),
                    "{}",
                    key.label_fr()
                );
            }
            assert!(xml.contains("<w:tbl>"), "tables");
            assert!(xml.contains("Financeur"));
            assert!(xml.contains("€"));
            let mut footer = String::new();
            zip.by_name("word/footer1.xml")
                .unwrap()
                .read_to_string(&mut footer)
                .unwrap();
            assert!(footer.contains("PAGE"), "page numbers");
        }
    }
}
