//! The territory's map in a decision note (issue 27). A section's text asks for it with a
//! picture whose address is `carte:` and a measure — `![Acteurs par commune](carte:actors)`,
//! with `?monde=…`, `?du=AAAA-MM-JJ&au=…` when wanted — and the export draws it there: vector
//! paths in the PDF, an image in the DOCX, inline SVG in the HTML; the Markdown keeps the line.
//! The communes of the note's subject (its actions' and actors') are outlined in black. A map
//! that cannot be drawn (an unknown measure, no contours yet) is replaced by a sentence saying
//! why: the note still exports.

use crate::db::store::Store;
use crate::map::render::RenderOptions;
use crate::map::values::{MapMeasure, MapQuery};
use crate::notes::render::{blocks, section_markdown, Block};
use crate::notes::DecisionNote;
use crate::shared::codes::World;
use crate::shared::domain::NoteRecordKind;
use crate::shared::error::CoreResult;
use rusqlite::OptionalExtension;

pub use crate::notes::render::{is_map_address, NoteMaps};

/// The width a note's map is laid out at, in points (the text's width on A4).
pub const NOTE_MAP_WIDTH: f64 = 481.0;

/// The map a `carte:` address asks for.
pub fn parse_address(url: &str) -> CoreResult<MapQuery> {
    let rest = url.get(6..).unwrap_or_default();
    let (measure, params) = rest.split_once('?').unwrap_or((rest, ""));
    let mut query = MapQuery {
        measure: MapMeasure::parse(measure)?,
        ..MapQuery::default()
    };
    for pair in params.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k {
            "monde" | "world" => query.world = Some(World::parse("monde", v)?),
            "du" | "from" => query.from = Some(v.to_string()),
            "au" | "to" => query.to = Some(v.to_string()),
            _ => {}
        }
    }
    Ok(query)
}

impl Store {
    /// The communes of a note's subject: those of its actions and actors.
    fn note_communes(&self, n: &DecisionNote) -> CoreResult<Vec<String>> {
        let mut out = Vec::new();
        for r in &n.records {
            let sql = match r.kind {
                NoteRecordKind::Action => "SELECT insee FROM action WHERE id = ?1",
                NoteRecordKind::Actor => "SELECT insee FROM actor WHERE id = ?1",
                _ => continue,
            };
            // A record deleted since the note named it has no commune; any other fault is one.
            let insee: Option<String> = self
                .conn
                .query_row(sql, [r.record_id], |row| row.get(0))
                .optional()?
                .flatten();
            if let Some(c) = insee.filter(|c| !out.contains(c)) {
                out.push(c);
            }
        }
        Ok(out)
    }

    /// Draws every map the note's sections ask for.
    pub fn note_maps(&self, n: &DecisionNote) -> CoreResult<NoteMaps> {
        let mut maps = NoteMaps::new();
        let highlight = self.note_communes(n)?;
        for i in 0..n.sections.len() {
            for b in blocks(&section_markdown(n, i)) {
                let Block::Map { address, .. } = b else {
                    continue;
                };
                if maps.contains_key(&address) {
                    continue;
                }
                let options = RenderOptions {
                    width: NOTE_MAP_WIDTH,
                    highlight: highlight.clone(),
                    title: None,
                };
                let drawn = parse_address(&address)
                    .and_then(|q| self.map_drawing(&q, &options))
                    .map_err(|e| format!("Carte non dessinée : {e}"));
                maps.insert(address, drawn);
            }
        }
        Ok(maps)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_name_a_measure_a_monde_and_a_period() {
        assert!(is_map_address("carte:actors") && is_map_address("CARTE:actors"));
        assert!(!is_map_address("data:image/png") && !is_map_address("cart"));
        let q = parse_address("carte:meetings?du=2025-01-01&au=2025-06-30").unwrap();
        assert_eq!(q.measure, MapMeasure::Meetings);
        assert_eq!(
            (q.from.as_deref(), q.to.as_deref()),
            (Some("2025-01-01"), Some("2025-06-30"))
        );
        let q = parse_address("carte:actors?monde=association").unwrap();
        assert_eq!(q.world, Some(World::Association));
        assert_eq!(
            parse_address("carte:never-met").unwrap().measure,
            MapMeasure::NeverMet
        );
        assert!(parse_address("carte:partout").is_err());
        assert!(parse_address("carte:actors?monde=martiens").is_err());
    }

    use crate::notes::export::NoteFormat;

    /// The demo's first note, its context asking for the map of actors and one that cannot be.
    fn demo_note_with_maps() -> (Store, i64) {
        let mut s = Store::open_in_memory().unwrap();
        crate::demo::populate(&mut s).unwrap();
        let id = s.list_notes().unwrap()[0].id;
        s.conn
            .execute(
                "UPDATE note_section SET content = content || ?2
                  WHERE note_id = ?1 AND key = 'contexte'",
                rusqlite::params![
                    id,
                    "\n\n![Les acteurs de la vallée](carte:actors)\n\n![Mauvaise](carte:partout)\n"
                ],
            )
            .unwrap();
        (s, id)
    }

    #[test]
    fn a_note_draws_the_maps_it_asks_for_and_says_why_not_for_the_others() {
        let (s, id) = demo_note_with_maps();
        let note = s.note(id).unwrap();
        let maps = s.note_maps(&note).unwrap();
        assert_eq!(maps.len(), 2);
        let drawn = maps["carte:actors"].as_ref().unwrap();
        assert_eq!(drawn.communes.len(), 10);
        assert!(maps["carte:partout"]
            .as_ref()
            .unwrap_err()
            .contains("Mesure inconnue"));
        // The note's subject (its actions' and actors' communes) is outlined.
        let subject = s.note_communes(&note).unwrap();
        assert_eq!(
            drawn.communes.iter().filter(|c| c.highlighted).count(),
            subject.len()
        );

        let html = String::from_utf8(s.export_note(id, NoteFormat::Html).unwrap()).unwrap();
        assert_eq!(html.matches("<svg").count(), 1);
        assert!(html.contains("<strong class=\"map-caption\">Les acteurs de la vallée</strong>"));
        assert!(html.contains("Carte non dessinée : Mesure inconnue"));
        for name in crate::demo::COMMUNES {
            assert!(html.contains(&format!("<title>{name} · ")), "{name}");
        }

        let docx = s.export_note(id, NoteFormat::Docx).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
        let images = (0..zip.len())
            .filter(|&i| {
                let f = zip.by_index(i).unwrap();
                f.name().unwrap().starts_with("word/media/") && f.size() > 10_000
            })
            .count();
        assert_eq!(images, 1, "the map as an image in the DOCX");

        let with_map = s.export_note(id, NoteFormat::Pdf).unwrap();
        assert!(with_map.starts_with(b"%PDF"));
        // The same note without its maps: the map's paths make the difference.
        let plain =
            crate::notes::pdf::to_pdf(&crate::notes::export::typeset(s.note(id).unwrap()), None)
                .unwrap();
        assert!(
            with_map.len() > plain.len() + 2_000,
            "{} vs {}",
            with_map.len(),
            plain.len()
        );
        // The Markdown keeps the line as written.
        let md = String::from_utf8(s.export_note(id, NoteFormat::Markdown).unwrap()).unwrap();
        assert!(md.contains("(carte:actors)"));
    }
}
