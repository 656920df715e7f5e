//! Exporting decision notes: the formats, and the letterhead logo printed in their header.
//!
//! The logo belongs to the workspace (the body that sends the notes), so it lives in SQLite
//! with the notes, never in the preferences. Whatever the user picks (PNG or JPEG, any size) is
//! decoded with limits, flattened on white, scaled down to at most
//! [`LOGO_MAX_WIDTH`]×[`LOGO_MAX_HEIGHT`] pixels and stored as PNG, so every exporter reads
//! one known format.

use crate::db::store::{now, Store};
pub use crate::notes::letterhead::Letterhead;
use crate::shared::error::{CoreError, CoreResult};
use image::{DynamicImage, GenericImageView, ImageFormat, ImageReader, Limits, RgbImage};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::io::Cursor;
use ts_rs::TS;

/// Largest logo file accepted, in bytes.
pub const LOGO_MAX_FILE: usize = 10 * 1024 * 1024;
/// Largest stored logo, in pixels (a header logo is printed about 4 cm wide at most).
pub const LOGO_MAX_WIDTH: u32 = 1200;
pub const LOGO_MAX_HEIGHT: u32 = 400;
/// Largest picture decoded, in pixels per side (bigger ones are refused before decoding).
const DECODE_MAX_SIDE: u32 = 12_000;

/// The formats a note exports to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteFormat {
    Docx,
    Pdf,
    Markdown,
    Html,
}

impl NoteFormat {
    /// The format a file name asks for, from its extension (case-insensitive).
    pub fn from_extension(ext: &str) -> Option<NoteFormat> {
        match ext.to_lowercase().as_str() {
            "docx" => Some(NoteFormat::Docx),
            "pdf" => Some(NoteFormat::Pdf),
            "md" | "markdown" => Some(NoteFormat::Markdown),
            "html" | "htm" => Some(NoteFormat::Html),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            NoteFormat::Docx => "docx",
            NoteFormat::Pdf => "pdf",
            NoteFormat::Markdown => "md",
            NoteFormat::Html => "html",
        }
    }
}

/// What the UI shows about the logo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LogoInfo {
    pub file_name: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u32,
    pub updated_at: String,
}

fn logo_error(code: &'static str, message: impl Into<String>) -> CoreError {
    CoreError::Validation {
        field: "logo",
        code,
        message: message.into(),
    }
}

/// Refuses a logo file too heavy to be one (checked before reading the file, too).
pub fn check_logo_size(len: u64) -> CoreResult<()> {
    if len > LOGO_MAX_FILE as u64 {
        return Err(logo_error(
            "logo.too_big",
            format!(
                "Le logo pèse {} Mo : choisissez une image de moins de 10 Mo.",
                len.div_ceil(1024 * 1024)
            ),
        ));
    }
    Ok(())
}

/// Decodes a picked logo (PNG or JPEG) and makes it the stored form.
pub fn normalise_logo(bytes: &[u8]) -> CoreResult<Letterhead> {
    check_logo_size(bytes.len() as u64)?;
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| logo_error("logo.unreadable", format!("Image illisible : {e}")))?;
    if !matches!(reader.format(), Some(ImageFormat::Png | ImageFormat::Jpeg)) {
        return Err(logo_error(
            "logo.format",
            "Le logo doit être une image PNG ou JPEG.",
        ));
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(DECODE_MAX_SIDE);
    limits.max_image_height = Some(DECODE_MAX_SIDE);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| {
        logo_error(
            "logo.unreadable",
            format!("Le logo n'a pas pu être lu (image abîmée ou trop grande) : {e}"),
        )
    })?;
    let image = if image.width() > LOGO_MAX_WIDTH || image.height() > LOGO_MAX_HEIGHT {
        image.resize(
            LOGO_MAX_WIDTH,
            LOGO_MAX_HEIGHT,
            image::imageops::FilterType::Triangle,
        )
    } else {
        image
    };
    // Flatten any transparency on white paper.
    let rgba = image.to_rgba8();
    let (width, height) = image.dimensions();
    let mut rgb = RgbImage::new(width, height);
    for (x, y, p) in rgba.enumerate_pixels() {
        let a = p[3] as u32;
        let blend = |c: u8| ((c as u32 * a + 255 * (255 - a)) / 255) as u8;
        rgb.put_pixel(x, y, image::Rgb([blend(p[0]), blend(p[1]), blend(p[2])]));
    }
    let mut png = Vec::new();
    DynamicImage::ImageRgb8(rgb)
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .map_err(|e| logo_error("logo.unreadable", format!("Conversion du logo : {e}")))?;
    Ok(Letterhead { png, width, height })
}

impl Store {
    /// Stores the logo printed in exported notes' header (replaces the previous one).
    pub fn set_note_logo(&mut self, file_name: &str, bytes: &[u8]) -> CoreResult<LogoInfo> {
        let logo = normalise_logo(bytes)?;
        let name: String = file_name
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        self.conn.execute(
            "INSERT INTO letterhead_logo (id, file_name, png, width, height, updated_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (id) DO UPDATE SET file_name = excluded.file_name, png = excluded.png,
               width = excluded.width, height = excluded.height, updated_at = excluded.updated_at",
            params![name, logo.png, logo.width, logo.height, now()],
        )?;
        self.note_logo_info()?
            .ok_or_else(|| CoreError::Io(std::io::Error::other("logo non enregistré")))
    }

    /// What the UI shows about the logo, if there is one.
    pub fn note_logo_info(&self) -> CoreResult<Option<LogoInfo>> {
        Ok(self
            .conn
            .query_row(
                "SELECT file_name, width, height, length(png), updated_at FROM letterhead_logo",
                [],
                |r| {
                    Ok(LogoInfo {
                        file_name: r.get(0)?,
                        width: r.get(1)?,
                        height: r.get(2)?,
                        bytes: r.get(3)?,
                        updated_at: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    /// The logo to print, if there is one.
    pub fn letterhead(&self) -> CoreResult<Option<Letterhead>> {
        Ok(self
            .conn
            .query_row("SELECT png, width, height FROM letterhead_logo", [], |r| {
                Ok(Letterhead {
                    png: r.get(0)?,
                    width: r.get(1)?,
                    height: r.get(2)?,
                })
            })
            .optional()?)
    }

    /// Removes the logo; notes are exported with the body's name only.
    pub fn remove_note_logo(&mut self) -> CoreResult<()> {
        self.conn.execute("DELETE FROM letterhead_logo", [])?;
        Ok(())
    }

    /// One note as a document in the given format, with the letterhead logo when there is one.
    pub fn export_note(&self, id: i64, format: NoteFormat) -> CoreResult<Vec<u8>> {
        let note = typeset(self.note(id)?);
        let logo = self.letterhead()?;
        let logo = logo.as_ref();
        Ok(match format {
            NoteFormat::Markdown => crate::notes::render::to_markdown(&note).into_bytes(),
            NoteFormat::Html => {
                let maps = self.note_maps(&note)?;
                crate::notes::render::to_html_with(&note, logo, &maps).into_bytes()
            }
            NoteFormat::Docx => {
                crate::notes::docx::to_docx_with(&note, logo, &self.note_maps(&note)?)?
            }
            NoteFormat::Pdf => {
                crate::notes::pdf::to_pdf_with(&note, logo, &self.note_maps(&note)?)?
            }
        })
    }
}

/// The note with French typography applied to every text it prints (the user's included),
/// and without the characters no document may hold (`domain::printable`: a crafted file can
/// hold anything, and every format is written from this note).
pub fn typeset(mut n: crate::notes::DecisionNote) -> crate::notes::DecisionNote {
    use crate::shared::domain::printable;
    let fs = |text: &str| crate::shared::typography::french_spacing(&printable(text));
    n.subject = fs(&n.subject);
    n.meeting_date = n.meeting_date.map(|d| printable(&d).into_owned());
    n.body_name = fs(&n.body_name);
    n.author = fs(&n.author);
    for r in &mut n.records {
        r.label = fs(&r.label);
    }
    for s in &mut n.sections {
        s.content = fs(&s.content);
    }
    for o in &mut n.options {
        for text in [
            &mut o.title,
            &mut o.description,
            &mut o.pros,
            &mut o.cons,
            &mut o.risks,
        ] {
            *text = fs(text);
        }
    }
    n
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A PNG of the given size: a green square on a transparent background.
    pub(crate) fn sample_png(width: u32, height: u32) -> Vec<u8> {
        let mut img = image::RgbaImage::new(width, height);
        for (x, y, p) in img.enumerate_pixels_mut() {
            *p = if x < width / 2 && y < height / 2 {
                image::Rgba([14, 94, 82, 255])
            } else {
                image::Rgba([0, 0, 0, 0])
            };
        }
        let mut out = Vec::new();
        DynamicImage::ImageRgba8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn formats_come_from_the_extension() {
        assert_eq!(NoteFormat::from_extension("PDF"), Some(NoteFormat::Pdf));
        assert_eq!(NoteFormat::from_extension("docx"), Some(NoteFormat::Docx));
        assert_eq!(NoteFormat::from_extension("md"), Some(NoteFormat::Markdown));
        assert_eq!(NoteFormat::from_extension("htm"), Some(NoteFormat::Html));
        assert_eq!(NoteFormat::from_extension("odt"), None);
    }

    #[test]
    fn a_big_transparent_logo_is_scaled_down_and_flattened_on_white() {
        let logo = normalise_logo(&sample_png(3000, 600)).unwrap();
        assert_eq!((logo.width, logo.height), (1200, 240));
        let img = image::load_from_memory(&logo.png).unwrap().to_rgb8();
        assert_eq!(
            img.get_pixel(1100, 200).0,
            [255, 255, 255],
            "transparent → white"
        );
        assert_eq!(img.get_pixel(10, 10).0, [14, 94, 82]);
        let (w, h) = logo.fit_mm(45.0, 14.0);
        assert!(
            (w - 45.0).abs() < 0.01 && (h - 9.0).abs() < 0.01,
            "{w} × {h}"
        );
        let small = normalise_logo(&sample_png(200, 100)).unwrap();
        assert_eq!(
            (small.width, small.height),
            (200, 100),
            "small logos kept as they are"
        );
        assert_eq!(small.fit_mm(45.0, 14.0), (28.0, 14.0));
    }

    #[test]
    fn what_is_not_a_png_or_jpeg_picture_is_refused_clearly() {
        for (bytes, code) in [
            (b"GIF89a\x01\x00\x01\x00".to_vec(), "logo.format"),
            (b"hello, not an image".to_vec(), "logo.format"),
            (sample_png(10, 10)[..40].to_vec(), "logo.unreadable"),
            (vec![0u8; LOGO_MAX_FILE + 1], "logo.too_big"),
        ] {
            match normalise_logo(&bytes) {
                Err(CoreError::Validation {
                    code: c, message, ..
                }) => {
                    assert_eq!(c, code, "{message}");
                    assert!(!message.is_empty());
                }
                other => panic!("{code}: {other:?}"),
            }
        }
    }

    #[test]
    fn the_logo_is_stored_replaced_and_removed_and_reaches_every_export() {
        let mut s = Store::open_in_memory().unwrap();
        crate::demo::populate(&mut s).unwrap();
        assert_eq!(s.note_logo_info().unwrap(), None);
        let id = s.list_notes().unwrap()[0].id;
        let without = s.export_note(id, NoteFormat::Html).unwrap();
        assert!(!String::from_utf8(without)
            .unwrap()
            .contains("data:image/png"));

        let info = s
            .set_note_logo("logo\u{7}petr.png", &sample_png(300, 100))
            .unwrap();
        assert_eq!(info.file_name, "logopetr.png");
        assert_eq!((info.width, info.height), (300, 100));
        let info = s
            .set_note_logo("nouveau.png", &sample_png(600, 100))
            .unwrap();
        assert_eq!((info.file_name.as_str(), info.width), ("nouveau.png", 600));
        let count: i64 = s
            .conn
            .query_row("SELECT count(*) FROM letterhead_logo", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 1, "one logo per workspace");

        let html = String::from_utf8(s.export_note(id, NoteFormat::Html).unwrap()).unwrap();
        assert!(html.contains("<img class=\"logo\" src=\"data:image/png;base64,"));
        let docx = s.export_note(id, NoteFormat::Docx).unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(docx)).unwrap();
        assert!(
            (0..zip.len()).any(|i| zip
                .by_index(i)
                .unwrap()
                .name()
                .unwrap()
                .starts_with("word/media/")),
            "the logo is in the DOCX"
        );
        let pdf = s.export_note(id, NoteFormat::Pdf).unwrap();
        assert!(
            pdf.windows(b"/Subtype /Image".len())
                .any(|w| w == b"/Subtype /Image")
                || pdf
                    .windows(b"/Subtype/Image".len())
                    .any(|w| w == b"/Subtype/Image"),
            "the logo is in the PDF"
        );

        s.remove_note_logo().unwrap();
        assert_eq!(s.note_logo_info().unwrap(), None);
        assert!(s.letterhead().unwrap().is_none());
    }

    #[test]
    fn a_refused_logo_leaves_the_stored_one_in_place() {
        let mut s = Store::open_in_memory().unwrap();
        s.set_note_logo("bon.png", &sample_png(100, 50)).unwrap();
        assert!(s.set_note_logo("mauvais.png", b"not a picture").is_err());
        assert_eq!(s.note_logo_info().unwrap().unwrap().file_name, "bon.png");
    }

    #[test]
    fn every_export_of_a_note_follows_french_typography() {
        use std::io::Read;
        let dir = tempfile::TempDir::new().unwrap();
        let s = crate::demo::write_demo(&dir.path().join("d.catalyse")).unwrap();
        // The user's own text, typed with ordinary spaces, is set right in the exports too.
        let first = s.list_notes().unwrap()[0].id;
        s.conn
            .execute(
                "UPDATE note_section SET content = 'Avis : favorable ; « sous réserve » ! Vraiment ?' WHERE note_id = ?1 AND key = 'avis'",
                [first],
            )
            .unwrap();
        let text_of = |xml: &str| -> String {
            // The text runs of a DOCX or the text of an HTML page, without the markup.
            let mut out = String::new();
            let mut in_tag = false;
            for c in xml.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => {
                        in_tag = false;
                        out.push(' ');
                    }
                    c if !in_tag => out.push(c),
                    _ => {}
                }
            }
            out.replace("&nbsp;", "\u{a0}").replace("&#160;", "\u{a0}")
        };
        for n in s.list_notes().unwrap() {
            let md = String::from_utf8(s.export_note(n.id, NoteFormat::Markdown).unwrap()).unwrap();
            let html = String::from_utf8(s.export_note(n.id, NoteFormat::Html).unwrap()).unwrap();
            let docx = s.export_note(n.id, NoteFormat::Docx).unwrap();
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
            let mut xml = String::new();
            zip.by_name("word/document.xml")
                .unwrap()
                .read_to_string(&mut xml)
                .unwrap();
            let body = html.split("<body").nth(1).unwrap_or(&html).to_string();
            for (format, text) in [
                ("md", md),
                ("html", text_of(&body)),
                ("docx", text_of(&xml)),
            ] {
                let problems = crate::shared::typography::spacing_problems(&text);
                assert!(
                    problems.is_empty(),
                    "{format} of note {}: {problems:#?}",
                    n.id
                );
                assert!(!text.contains(" 1 janvier"), "{format}: « 1er »");
            }
        }
        let md = String::from_utf8(s.export_note(first, NoteFormat::Markdown).unwrap()).unwrap();
        assert!(
            md.contains(
                "Avis\u{a0}: favorable\u{a0}; «\u{a0}sous réserve\u{a0}»\u{a0}! Vraiment\u{a0}?"
            ),
            "{md}"
        );
    }

    /// What in an XML part is not an XML 1.0 character, raw or as a character reference.
    fn xml_char_problems(xml: &str) -> Vec<String> {
        let allowed = |c: u32| matches!(c, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF);
        let mut found: Vec<String> = xml
            .char_indices()
            .filter(|(_, c)| !allowed(*c as u32))
            .map(|(i, c)| format!("U+{:04X} at byte {i}", c as u32))
            .collect();
        for reference in xml.split("&#").skip(1) {
            let Some((number, _)) = reference.split_once(';') else {
                continue;
            };
            let value = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16),
                None => number.parse(),
            };
            if value.is_ok_and(|v| !allowed(v)) {
                found.push(format!("&#{number};"));
            }
        }
        found
    }

    #[test]
    fn control_characters_held_by_the_database_never_reach_an_exported_note() {
        use std::io::Read;
        let dir = tempfile::TempDir::new().unwrap();
        let s = crate::demo::write_demo(&dir.path().join("d.catalyse")).unwrap();
        let id = s.list_notes().unwrap()[0].id;
        // A crafted file can hold anything: written here with SQL, past every validation.
        s.conn
            .execute_batch(&format!(
                "UPDATE decision_note SET subject = 'Objet\u{1}piégé', author = 'Auteur\u{b}x',
                   body_name = 'Structure\u{1f}y' WHERE id = {id};
                 UPDATE note_section SET content = 'Avis\u{3} contrôlé\u{7} ; fin\u{fffe}.'
                   WHERE note_id = {id} AND key = 'avis';
                 UPDATE actor SET name = 'Acteur\u{2}caché'
                   WHERE id IN (SELECT record_id FROM note_record WHERE note_id = {id} AND kind = 'actor');"
            ))
            .unwrap();
        let raw = s.note(id).unwrap();
        assert!(raw.subject.contains('\u{1}'), "the database holds it");
        let check_docx = |bytes: Vec<u8>, what: &str| {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            let mut document = String::new();
            for i in 0..zip.len() {
                let mut part = zip.by_index(i).unwrap();
                let name = part.name().unwrap().to_string();
                if !(name.ends_with(".xml") || name.ends_with(".rels")) {
                    continue;
                }
                let mut xml = String::new();
                part.read_to_string(&mut xml).unwrap();
                let problems = xml_char_problems(&xml);
                assert!(problems.is_empty(), "{what}, {name}: {problems:?}");
                if name == "word/document.xml" {
                    document = xml;
                }
            }
            assert!(
                document.contains("Objetpiégé"),
                "{what}: the text stays, less the control character"
            );
            assert!(document.contains("contrôlé"), "{what}");
        };
        // The exporter, and the DOCX writer itself given the note as stored.
        check_docx(s.export_note(id, NoteFormat::Docx).unwrap(), "export");
        check_docx(crate::notes::docx::to_docx(&raw, None).unwrap(), "writer");
        for format in [NoteFormat::Html, NoteFormat::Markdown] {
            let text = String::from_utf8(s.export_note(id, format).unwrap()).unwrap();
            let problems = xml_char_problems(&text);
            assert!(problems.is_empty(), "{format:?}: {problems:?}");
            assert!(text.contains("Objetpiégé"), "{format:?}");
        }
        let pdf = s.export_note(id, NoteFormat::Pdf).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
    }
}
