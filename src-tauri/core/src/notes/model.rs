//! Decision notes ("notes d'aide à la décision"): a header, the records they are about, nine
//! sections, structured options and versions.
//!
//! The sections about the context, the actors, the funding plan and the schedule are
//! **generated** from the data and stay editable: each section keeps the user's text and the
//! generated text it was last refreshed from, so that a refresh replaces a section silently
//! only when the user has not touched it, and otherwise shows both and lets the user choose.
//! Section texts are a small Markdown subset (paragraphs, bold, italics, lists, tables).
//!
//! Types and validation here; their queries in `store.rs`, the generated sections in
//! `generate.rs`.

use crate::shared::domain::{
    multi_line, optional_date, single_line, Addressee, NoteRecordKind, NoteStatus, SectionKey,
    LONG_MAX, NAME_MAX, SHORT_MAX,
};
use crate::shared::error::CoreResult;
use crate::shared::money::parse_euros;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Longest section text, in characters.
pub const SECTION_MAX: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NoteRecord {
    pub kind: NoteRecordKind,
    #[ts(type = "number")]
    pub record_id: i64,
    /// The record's current title or name.
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NoteSection {
    pub key: SectionKey,
    pub content: String,
    /// The generated text the content was last refreshed from (generated sections only).
    pub generated: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NoteOption {
    pub title: String,
    pub description: String,
    pub pros: String,
    pub cons: String,
    #[ts(type = "number | null")]
    pub cost_cents: Option<i64>,
    pub risks: String,
    pub recommended: bool,
}

/// A decision note as stored (and as snapshotted in its versions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DecisionNote {
    #[ts(type = "number")]
    pub id: i64,
    pub subject: String,
    pub body_name: String,
    pub addressee: Addressee,
    pub meeting_date: Option<String>,
    pub author: String,
    pub status: NoteStatus,
    pub records: Vec<NoteRecord>,
    /// All nine sections, in order.
    pub sections: Vec<NoteSection>,
    pub options: Vec<NoteOption>,
    /// Number of the latest version.
    #[ts(type = "number")]
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NoteRecordInput {
    #[ts(as = "NoteRecordKind")]
    pub kind: String,
    #[ts(type = "number")]
    pub record_id: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SectionInput {
    #[ts(as = "SectionKey")]
    pub key: String,
    pub content: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OptionInput {
    pub title: String,
    pub description: String,
    pub pros: String,
    pub cons: String,
    /// Typed amount (`12 500,00`), empty when unknown.
    pub cost: String,
    pub risks: String,
    pub recommended: bool,
}

/// What the user saves. Sections left out keep their text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NoteInput {
    pub subject: String,
    pub body_name: String,
    #[ts(as = "Addressee")]
    pub addressee: String,
    pub meeting_date: Option<String>,
    pub author: String,
    pub records: Vec<NoteRecordInput>,
    pub sections: Vec<SectionInput>,
    pub options: Vec<OptionInput>,
}

/// One line of the notes list.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct NoteSummary {
    #[ts(type = "number")]
    pub id: i64,
    pub title: String,
    pub status: NoteStatus,
    pub meeting_date: Option<String>,
    pub addressee: Addressee,
    pub updated_at: String,
}

/// A saved version of a note.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct NoteVersion {
    #[ts(type = "number")]
    pub number: i64,
    pub saved_at: String,
    pub status: NoteStatus,
    pub frozen: bool,
}

/// What a refresh would change in one generated section.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct SectionChange {
    pub key: SectionKey,
    /// The text now in the note.
    pub current: String,
    /// The text generated from today's data.
    pub generated: String,
    /// The user changed the section since it was last generated: they choose.
    pub edited: bool,
}

/// The generated sections of a note.
pub const GENERATED: [SectionKey; 4] = [
    SectionKey::Contexte,
    SectionKey::Acteurs,
    SectionKey::Financement,
    SectionKey::Calendrier,
];

/// A date the French way: `1er mars 2026`, `14 novembre 2023`.
pub fn date_fr(iso: &str) -> String {
    const MONTHS: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    match NaiveDate::parse_from_str(iso, "%Y-%m-%d") {
        Ok(d) => {
            let day = if d.day() == 1 {
                "1er".to_string()
            } else {
                d.day().to_string()
            };
            format!("{day} {} {}", MONTHS[d.month0() as usize], d.year())
        }
        Err(_) => iso.to_string(),
    }
}

/// Escapes the characters that would change the meaning of generated Markdown.
pub(super) fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '|' | '[' | ']' | '<' | '>' | '`' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub(super) struct ValidNote {
    pub(super) subject: String,
    pub(super) body_name: String,
    pub(super) addressee: Addressee,
    pub(super) meeting_date: Option<NaiveDate>,
    pub(super) author: String,
    pub(super) records: Vec<(NoteRecordKind, i64)>,
    pub(super) sections: Vec<(SectionKey, String)>,
    pub(super) options: Vec<NoteOption>,
}

impl NoteInput {
    pub(super) fn validate(&self) -> CoreResult<ValidNote> {
        let mut records = Vec::new();
        for r in &self.records {
            let k = NoteRecordKind::parse("records", &r.kind)?;
            if !records.contains(&(k, r.record_id)) {
                records.push((k, r.record_id));
            }
        }
        let mut sections = Vec::new();
        for s in &self.sections {
            let key = SectionKey::parse("sections", &s.key)?;
            let content = multi_line("sections", key.label_fr(), &s.content, SECTION_MAX)?;
            sections.retain(|(k, _)| *k != key);
            sections.push((key, content));
        }
        let mut options = Vec::new();
        for (i, o) in self.options.iter().enumerate() {
            let n = i + 1;
            let cost = o.cost.trim();
            options.push(NoteOption {
                title: single_line(
                    "options",
                    &format!("Le titre de l'option {n}"),
                    &o.title,
                    SHORT_MAX,
                    true,
                )?,
                description: multi_line("options", "La description", &o.description, LONG_MAX)?,
                pros: multi_line("options", "Les avantages", &o.pros, LONG_MAX)?,
                cons: multi_line("options", "Les inconvénients", &o.cons, LONG_MAX)?,
                cost_cents: if cost.is_empty() {
                    None
                } else {
                    Some(parse_euros(
                        "options",
                        &format!("Le coût de l'option {n}"),
                        cost,
                    )?)
                },
                risks: multi_line("options", "Les risques", &o.risks, LONG_MAX)?,
                recommended: o.recommended,
            });
        }
        Ok(ValidNote {
            subject: single_line(
                "subject",
                "L'objet de la note",
                &self.subject,
                SHORT_MAX,
                true,
            )?,
            body_name: single_line(
                "body_name",
                "La structure",
                &self.body_name,
                NAME_MAX,
                false,
            )?,
            addressee: Addressee::parse("addressee", &self.addressee)?,
            meeting_date: optional_date(
                "meeting_date",
                "La date de la séance",
                &self.meeting_date,
            )?,
            author: single_line("author", "L'auteur", &self.author, NAME_MAX, false)?,
            records,
            sections,
            options,
        })
    }
}
