//! Decision notes ("notes d'aide à la décision"): a header, the records they are about, nine
//! sections, structured options and versions.
//!
//! The sections about the context, the actors, the funding plan and the schedule are
//! **generated** from the data and stay editable: each section keeps the user's text and the
//! generated text it was last refreshed from, so that a refresh replaces a section silently
//! only when the user has not touched it, and otherwise shows both and lets the user choose.
//! Section texts are a small Markdown subset (paragraphs, bold, italics, lists, tables).

use crate::db::store::{date_text, delete_row, now, Store};
use crate::shared::domain::{
    multi_line, optional_date, single_line, Addressee, NoteRecordKind, NoteStatus, SectionKey,
    LONG_MAX, NAME_MAX, SHORT_MAX,
};
use crate::shared::error::{CoreError, CoreResult};
use crate::shared::money::{format_euros, format_percent, parse_euros};
use chrono::{Datelike, NaiveDate};
use rusqlite::{params, OptionalExtension};
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
fn md(s: &str) -> String {
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

struct ValidNote {
    subject: String,
    body_name: String,
    addressee: Addressee,
    meeting_date: Option<NaiveDate>,
    author: String,
    records: Vec<(NoteRecordKind, i64)>,
    sections: Vec<(SectionKey, String)>,
    options: Vec<NoteOption>,
}

impl NoteInput {
    fn validate(&self) -> CoreResult<ValidNote> {
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

impl Store {
    fn record_label(&self, kind: NoteRecordKind, id: i64) -> CoreResult<Option<String>> {
        let sql = match kind {
            NoteRecordKind::Action => "SELECT title FROM action WHERE id = ?1",
            NoteRecordKind::Need => "SELECT title FROM need WHERE id = ?1",
            NoteRecordKind::Actor => "SELECT name FROM actor WHERE id = ?1",
        };
        Ok(self.conn.query_row(sql, [id], |r| r.get(0)).optional()?)
    }

    /// The columns of `decision_note` a [`NoteSummary`] is read from, in order.
    pub(crate) const SUMMARY_COLUMNS: &'static str =
        "id, subject, status, meeting_date, addressee, updated_at";

    /// A [`NoteSummary`] from a row of [`Self::SUMMARY_COLUMNS`].
    pub(crate) fn summary_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<NoteSummary> {
        Ok(NoteSummary {
            id: r.get(0)?,
            title: r.get(1)?,
            status: r.get(2)?,
            meeting_date: r.get(3)?,
            addressee: r.get(4)?,
            updated_at: r.get(5)?,
        })
    }

    /// Every note, the next meetings first, then the undated ones (the command line's list;
    /// the app reads them a page at a time, `listing::note_page`).
    pub fn list_notes(&self) -> CoreResult<Vec<NoteSummary>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {} FROM decision_note ORDER BY meeting_date IS NULL, meeting_date DESC, id DESC",
            Self::SUMMARY_COLUMNS
        ))?;
        let rows = st.query_map([], Self::summary_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One note, whole.
    pub fn note(&self, id: i64) -> CoreResult<DecisionNote> {
        let mut n = self
            .conn
            .query_row(
                "SELECT id, subject, body_name, addressee, meeting_date, author, status, created_at, updated_at,
                        (SELECT coalesce(max(number), 0) FROM note_version v WHERE v.note_id = decision_note.id)
                 FROM decision_note WHERE id = ?1",
                [id],
                |r| {
                    Ok(DecisionNote {
                        id: r.get(0)?,
                        subject: r.get(1)?,
                        body_name: r.get(2)?,
                        addressee: r.get(3)?,
                        meeting_date: r.get(4)?,
                        author: r.get(5)?,
                        status: r.get(6)?,
                        created_at: r.get(7)?,
                        updated_at: r.get(8)?,
                        version: r.get(9)?,
                        records: Vec::new(),
                        sections: Vec::new(),
                        options: Vec::new(),
                    })
                },
            )
            .optional()?
            .ok_or(CoreError::NotFound { what: "Note", id })?;
        let mut st = self.conn.prepare_cached(
            "SELECT kind, record_id FROM note_record WHERE note_id = ?1 ORDER BY position",
        )?;
        let refs: Vec<(NoteRecordKind, i64)> = st
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        for (kind, record_id) in refs {
            if let Some(label) = self.record_label(kind, record_id)? {
                n.records.push(NoteRecord {
                    kind,
                    record_id,
                    label,
                });
            }
        }
        let mut st = self.conn.prepare_cached(
            "SELECT key, content, generated FROM note_section WHERE note_id = ?1",
        )?;
        let stored: Vec<(SectionKey, String, Option<String>)> = st
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        n.sections = SectionKey::ALL
            .iter()
            .map(|k| {
                let s = stored.iter().find(|(key, _, _)| key == k);
                NoteSection {
                    key: *k,
                    content: s.map(|s| s.1.clone()).unwrap_or_default(),
                    generated: s.and_then(|s| s.2.clone()),
                }
            })
            .collect();
        let mut st = self.conn.prepare_cached(
            "SELECT title, description, pros, cons, cost_cents, risks, recommended FROM note_option
             WHERE note_id = ?1 ORDER BY position",
        )?;
        n.options = st
            .query_map([id], |r| {
                Ok(NoteOption {
                    title: r.get(0)?,
                    description: r.get(1)?,
                    pros: r.get(2)?,
                    cons: r.get(3)?,
                    cost_cents: r.get(4)?,
                    risks: r.get(5)?,
                    recommended: r.get(6)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(n)
    }

    fn check_records(&self, records: &[(NoteRecordKind, i64)]) -> CoreResult<()> {
        for (kind, id) in records {
            if self.record_label(*kind, *id)?.is_none() {
                return Err(CoreError::validation(
                    "records",
                    "reference.missing",
                    format!("{} {id} n'existe pas (ou plus).", kind.label_fr()),
                ));
            }
        }
        Ok(())
    }

    /// Writes the note's parts (records, given sections, options) and a new version, in `tx`.
    fn write_note_parts(
        tx: &rusqlite::Transaction,
        id: i64,
        v: &ValidNote,
        generated: &[(SectionKey, String)],
    ) -> CoreResult<()> {
        tx.execute("DELETE FROM note_record WHERE note_id = ?1", [id])?;
        for (i, (kind, record)) in v.records.iter().enumerate() {
            tx.execute(
                "INSERT INTO note_record (note_id, kind, record_id, position) VALUES (?1, ?2, ?3, ?4)",
                params![id, kind, record, i as i64],
            )?;
        }
        for (key, content) in &v.sections {
            tx.execute(
                "INSERT INTO note_section (note_id, key, content) VALUES (?1, ?2, ?3)
                 ON CONFLICT (note_id, key) DO UPDATE SET content = excluded.content",
                params![id, key, content],
            )?;
        }
        for (key, text) in generated {
            tx.execute(
                "INSERT INTO note_section (note_id, key, content, generated) VALUES (?1, ?2, ?3, ?3)
                 ON CONFLICT (note_id, key) DO UPDATE SET content = excluded.content, generated = excluded.generated",
                params![id, key, text],
            )?;
        }
        tx.execute("DELETE FROM note_option WHERE note_id = ?1", [id])?;
        for (i, o) in v.options.iter().enumerate() {
            tx.execute(
                "INSERT INTO note_option (note_id, position, title, description, pros, cons, cost_cents, risks, recommended)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![id, i as i64, o.title, o.description, o.pros, o.cons, o.cost_cents, o.risks, o.recommended],
            )?;
        }
        Ok(())
    }

    /// Saves the note as it is now as its next version. Called inside the transaction that
    /// changed the note (an `unchecked_transaction` on `self.conn`), so that the change and
    /// its version are written together or not at all.
    fn snapshot_version(&self, id: i64, frozen: bool) -> CoreResult<()> {
        let n = self.note(id)?;
        let snapshot = serde_json::to_string(&n).map_err(|e| CoreError::Unreadable {
            what: "La note",
            detail: e.to_string(),
        })?;
        self.conn.execute(
            "INSERT INTO note_version (note_id, number, saved_at, status, frozen, snapshot)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id, n.version + 1, now(), n.status, frozen, snapshot],
        )?;
        Ok(())
    }

    /// Creates a note; its generated sections are filled from the records it is about.
    pub fn create_note(&mut self, input: &NoteInput) -> CoreResult<DecisionNote> {
        let v = input.validate()?;
        self.check_records(&v.records)?;
        let generated = self.generate_sections(&v.records, v.meeting_date, v.addressee)?;
        let at = now();
        // Unchecked: the version is read back through `self` inside this transaction.
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO decision_note (subject, body_name, addressee, meeting_date, author, status, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'draft', ?6, ?6)",
            params![v.subject, v.body_name, v.addressee, date_text(v.meeting_date), v.author, at],
        )?;
        let id = tx.last_insert_rowid();
        // Generated text first, then whatever the user already wrote over it.
        let generated: Vec<(SectionKey, String)> = generated
            .into_iter()
            .filter(|(k, _)| !v.sections.iter().any(|(key, _)| key == k))
            .collect();
        Self::write_note_parts(&tx, id, &v, &generated)?;
        self.snapshot_version(id, false)?;
        tx.commit()?;
        self.note(id)
    }

    /// Saves the user's changes as a new version. A validated or presented note is frozen:
    /// put it back to draft first (an explicit step).
    pub fn update_note(&mut self, id: i64, input: &NoteInput) -> CoreResult<DecisionNote> {
        let current = self.note(id)?;
        if matches!(
            current.status,
            NoteStatus::Validated | NoteStatus::Presented
        ) {
            return Err(CoreError::validation(
                "status",
                "note.frozen",
                format!(
                    "Cette note est « {} » : elle ne se modifie plus. Repassez-la en brouillon pour la corriger (une nouvelle version sera créée).",
                    current.status.label_fr()
                ),
            ));
        }
        let v = input.validate()?;
        self.check_records(&v.records)?;
        // Unchecked: the version is read back through `self` inside this transaction.
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "UPDATE decision_note SET subject = ?1, body_name = ?2, addressee = ?3, meeting_date = ?4, author = ?5,
                    updated_at = ?6 WHERE id = ?7",
            params![v.subject, v.body_name, v.addressee, date_text(v.meeting_date), v.author, now(), id],
        )?;
        Self::write_note_parts(&tx, id, &v, &[])?;
        self.snapshot_version(id, false)?;
        tx.commit()?;
        self.note(id)
    }

    /// Changes the status. Validating freezes a version.
    pub fn set_note_status(&mut self, id: i64, status: NoteStatus) -> CoreResult<DecisionNote> {
        let current = self.note(id)?;
        if current.status == status {
            return Ok(current);
        }
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "UPDATE decision_note SET status = ?1, updated_at = ?2 WHERE id = ?3",
            params![status, now(), id],
        )?;
        self.snapshot_version(id, status == NoteStatus::Validated)?;
        tx.commit()?;
        self.note(id)
    }

    pub fn delete_note(&mut self, id: i64) -> CoreResult<()> {
        delete_row(&self.conn, "decision_note", "Note", id)
    }

    pub fn note_versions(&self, id: i64) -> CoreResult<Vec<NoteVersion>> {
        self.note(id)?;
        let mut st = self.conn.prepare_cached(
            "SELECT number, saved_at, status, frozen FROM note_version WHERE note_id = ?1 ORDER BY number DESC",
        )?;
        let rows = st.query_map([id], |r| {
            Ok(NoteVersion {
                number: r.get(0)?,
                saved_at: r.get(1)?,
                status: r.get(2)?,
                frozen: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A saved version as it was.
    pub fn note_version(&self, id: i64, number: i64) -> CoreResult<DecisionNote> {
        let snapshot: String = self
            .conn
            .query_row(
                "SELECT snapshot FROM note_version WHERE note_id = ?1 AND number = ?2",
                params![id, number],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(CoreError::NotFound {
                what: "Version de la note",
                id: number,
            })?;
        serde_json::from_str(&snapshot).map_err(|e| CoreError::Unreadable {
            what: "Cette version de la note",
            detail: e.to_string(),
        })
    }

    /// Brings back an earlier version's text (a new version; the note must not be frozen).
    pub fn restore_note_version(&mut self, id: i64, number: i64) -> CoreResult<DecisionNote> {
        let old = self.note_version(id, number)?;
        let input = NoteInput {
            subject: old.subject.clone(),
            body_name: old.body_name.clone(),
            addressee: old.addressee.code().into(),
            meeting_date: old.meeting_date.clone(),
            author: old.author.clone(),
            records: old
                .records
                .iter()
                .map(|r| NoteRecordInput {
                    kind: r.kind.code().into(),
                    record_id: r.record_id,
                })
                .filter(|r| {
                    NoteRecordKind::parse("", &r.kind)
                        .ok()
                        .and_then(|k| self.record_label(k, r.record_id).ok().flatten())
                        .is_some()
                })
                .collect(),
            sections: old
                .sections
                .iter()
                .map(|s| SectionInput {
                    key: s.key.code().into(),
                    content: s.content.clone(),
                })
                .collect(),
            options: old
                .options
                .iter()
                .map(|o| OptionInput {
                    title: o.title.clone(),
                    description: o.description.clone(),
                    pros: o.pros.clone(),
                    cons: o.cons.clone(),
                    cost: o
                        .cost_cents
                        .map(|c| format!("{},{:02}", c / 100, c % 100))
                        .unwrap_or_default(),
                    risks: o.risks.clone(),
                    recommended: o.recommended,
                })
                .collect(),
        };
        self.update_note(id, &input)
    }

    /// What a refresh from today's data would change: the generated sections whose text
    /// differs, each saying whether the user edited it since the last refresh.
    pub fn refresh_preview(&self, id: i64) -> CoreResult<Vec<SectionChange>> {
        let n = self.note(id)?;
        let records: Vec<(NoteRecordKind, i64)> =
            n.records.iter().map(|r| (r.kind, r.record_id)).collect();
        let meeting = n
            .meeting_date
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        let fresh = self.generate_sections(&records, meeting, n.addressee)?;
        Ok(fresh
            .into_iter()
            .filter_map(|(key, generated)| {
                let s = n.sections.iter().find(|s| s.key == key)?;
                (s.content != generated).then(|| SectionChange {
                    key,
                    current: s.content.clone(),
                    edited: s.generated.as_deref() != Some(s.content.as_str()),
                    generated,
                })
            })
            .collect())
    }

    /// Applies a refresh: unedited sections take the new text; edited ones take it only when
    /// listed in `take` (the others keep the user's text, and remember the new generated text
    /// so that the next refresh compares with it).
    pub fn apply_refresh(&mut self, id: i64, take: &[String]) -> CoreResult<DecisionNote> {
        let n = self.note(id)?;
        if matches!(n.status, NoteStatus::Validated | NoteStatus::Presented) {
            return Err(CoreError::validation(
                "status",
                "note.frozen",
                "Une note validée ou présentée ne se met plus à jour.",
            ));
        }
        let take: Vec<SectionKey> = take
            .iter()
            .map(|k| SectionKey::parse("take", k))
            .collect::<CoreResult<_>>()?;
        let changes = self.refresh_preview(id)?;
        // Unchecked: the version is read back through `self` inside this transaction.
        let tx = self.conn.unchecked_transaction()?;
        for c in &changes {
            let content = if !c.edited || take.contains(&c.key) {
                &c.generated
            } else {
                &c.current
            };
            tx.execute(
                "INSERT INTO note_section (note_id, key, content, generated) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (note_id, key) DO UPDATE SET content = excluded.content, generated = excluded.generated",
                params![id, c.key, content, c.generated],
            )?;
        }
        tx.execute(
            "UPDATE decision_note SET updated_at = ?1 WHERE id = ?2",
            params![now(), id],
        )?;
        if !changes.is_empty() {
            self.snapshot_version(id, false)?;
        }
        tx.commit()?;
        self.note(id)
    }
}

// ----- Generated sections ---------------------------------------------------------------------

impl Store {
    /// The generated sections for notes about `records`.
    pub fn generate_sections(
        &self,
        records: &[(NoteRecordKind, i64)],
        meeting_date: Option<NaiveDate>,
        addressee: Addressee,
    ) -> CoreResult<Vec<(SectionKey, String)>> {
        let actions: Vec<crate::plan::Action> = records
            .iter()
            .filter(|(k, _)| *k == NoteRecordKind::Action)
            .map(|(_, id)| self.action(*id))
            .collect::<CoreResult<_>>()?;
        let mut need_ids: Vec<i64> = records
            .iter()
            .filter(|(k, _)| *k == NoteRecordKind::Need)
            .map(|(_, id)| *id)
            .collect();
        for a in &actions {
            for n in &a.need_ids {
                if !need_ids.contains(n) {
                    need_ids.push(*n);
                }
            }
        }
        let actor_ids: Vec<i64> = records
            .iter()
            .filter(|(k, _)| *k == NoteRecordKind::Actor)
            .map(|(_, id)| *id)
            .collect();
        let sections = vec![
            (SectionKey::Contexte, self.gen_context(&actions, &need_ids)?),
            (SectionKey::Acteurs, self.gen_actors(&actions, &actor_ids)?),
            (SectionKey::Financement, self.gen_funding(&actions)?),
            (
                SectionKey::Calendrier,
                self.gen_schedule(&actions, meeting_date, addressee)?,
            ),
        ];
        // French typography: no-break spaces before « : ; ! ? » and inside guillemets.
        Ok(sections
            .into_iter()
            .map(|(k, text)| (k, crate::shared::typography::french_spacing(&text)))
            .collect())
    }

    fn actor_line(&self, id: i64) -> CoreResult<String> {
        let a = self.actor(id)?;
        Ok(format!(
            "{} ({}, {})",
            md(&a.name),
            a.world.label_fr().to_lowercase(),
            a.engagement.label_fr().to_lowercase()
        ))
    }

    fn gen_context(&self, actions: &[crate::plan::Action], need_ids: &[i64]) -> CoreResult<String> {
        let header = self.header()?;
        let mut out = Vec::new();
        for a in actions {
            let axis = match a.axis_id {
                Some(x) => format!(", de l'axe « {} »", md(&self.axis(x)?.title)),
                None => String::new(),
            };
            out.push(format!(
                "L'action « {} » (statut : {}){axis} s'inscrit dans le Projet de territoire « {} » ({}).",
                md(&a.title),
                a.status.label_fr().to_lowercase(),
                md(&header.title),
                md(&header.territory_name)
            ));
        }
        if !need_ids.is_empty() {
            let mut lines = vec!["Elle répond aux enjeux suivants :".to_string()];
            for id in need_ids {
                let n = self.need(*id)?;
                lines.push(format!(
                    "- {} (priorité {})",
                    md(&n.title),
                    n.priority.label_fr().to_lowercase()
                ));
            }
            out.push(lines.join("\n"));
        }
        if out.is_empty() {
            out.push("Aucune action ni aucun enjeu n'est rattaché à cette note.".into());
        }
        Ok(out.join("\n\n"))
    }

    fn gen_actors(&self, actions: &[crate::plan::Action], actor_ids: &[i64]) -> CoreResult<String> {
        let mut lines = Vec::new();
        for a in actions {
            if actions.len() > 1 {
                lines.push(format!("**{}**", md(&a.title)));
                lines.push(String::new());
            }
            match a.lead_actor_id {
                Some(l) => lines.push(format!("- **Porteur** : {}", self.actor_line(l)?)),
                None => lines.push("- **Porteur** : non désigné".into()),
            }
            for p in &a.partners {
                let role = if p.role.is_empty() {
                    String::new()
                } else {
                    format!(" — {}", md(&p.role))
                };
                lines.push(format!(
                    "- **Partenaire** : {}{role}",
                    self.actor_line(p.actor_id)?
                ));
            }
            for f in self.list_fundings(a.id)? {
                if let Some(id) = f.funder_id {
                    if f.status != crate::shared::domain::FundingStatus::Refused {
                        lines.push(format!(
                            "- **Financeur** : {} — {}",
                            self.actor_line(id)?,
                            f.status.label_fr().to_lowercase()
                        ));
                    }
                }
            }
            lines.push(String::new());
        }
        for id in actor_ids {
            lines.push(format!("- **Acteur concerné** : {}", self.actor_line(*id)?));
        }
        let text = lines.join("\n").trim().to_string();
        Ok(if text.is_empty() {
            "Aucun acteur n'est rattaché à cette note.".into()
        } else {
            text
        })
    }

    fn gen_funding(&self, actions: &[crate::plan::Action]) -> CoreResult<String> {
        if actions.is_empty() {
            return Ok(
                "Pas de plan de financement : aucune action n'est rattachée à cette note.".into(),
            );
        }
        let mut out = Vec::new();
        for a in actions {
            let plan = self.funding_plan(a.id)?;
            let mut t = Vec::new();
            if actions.len() > 1 {
                t.push(format!("**{}**", md(&a.title)));
                t.push(String::new());
            }
            let lines = self.list_fundings(a.id)?;
            if lines.is_empty() {
                t.push("Aucune ligne de financement n'est encore enregistrée.".into());
            } else {
                t.push("| Financeur | Dispositif | Statut | Montant | Part du budget |".into());
                t.push("|---|---|---|---:|---:|".into());
                for f in &lines {
                    let name = match f.funder_id {
                        Some(id) => md(&self.actor(id)?.name),
                        None => "Financeur non précisé".into(),
                    };
                    let share = crate::shared::money::share_basis_points(
                        f.amount_cents,
                        plan.budget_cents.unwrap_or(0),
                    )
                    .filter(|_| f.status != crate::shared::domain::FundingStatus::Refused)
                    .map(format_percent)
                    .unwrap_or_else(|| "—".into());
                    t.push(format!(
                        "| {name} | {} | {} | {} | {share} |",
                        md(&f.scheme),
                        f.status.label_fr(),
                        format_euros(f.amount_cents)
                    ));
                }
            }
            t.push(String::new());
            let budget = match plan.budget_cents {
                Some(b) => format!("Budget : **{}**", format_euros(b)),
                None => "Budget non renseigné".into(),
            };
            let mut summary = format!(
                "{budget} — acquis {} ; sollicité {}",
                format_euros(plan.granted_cents),
                format_euros(plan.requested_cents)
            );
            match plan.gap_cents {
                Some(g) if g > 0 => {
                    summary.push_str(&format!(" ; **reste à financer {}**", format_euros(g)))
                }
                Some(g) if g < 0 => {
                    summary.push_str(&format!(" ; **dépassement de {}**", format_euros(-g)))
                }
                Some(_) => summary.push_str(" ; plan bouclé"),
                None => {}
            }
            summary.push('.');
            t.push(summary);
            out.push(t.join("\n"));
        }
        Ok(out.join("\n\n"))
    }

    fn gen_schedule(
        &self,
        actions: &[crate::plan::Action],
        meeting_date: Option<NaiveDate>,
        addressee: Addressee,
    ) -> CoreResult<String> {
        let mut lines = Vec::new();
        if let Some(d) = meeting_date {
            lines.push(format!(
                "- {} : {} (présentation de cette note)",
                date_fr(&d.to_string()),
                addressee.label_fr()
            ));
        }
        for a in actions {
            let prefix = if actions.len() > 1 {
                format!("« {} » : ", md(&a.title))
            } else {
                String::new()
            };
            match (&a.start_date, &a.end_date) {
                (Some(s), Some(e)) => {
                    lines.push(format!("- {prefix}du {} au {}", date_fr(s), date_fr(e)))
                }
                (Some(s), None) => lines.push(format!("- {prefix}à partir du {}", date_fr(s))),
                (None, Some(e)) => lines.push(format!("- {prefix}jusqu'au {}", date_fr(e))),
                (None, None) => lines.push(format!("- {prefix}dates à préciser")),
            }
            for f in self.list_fundings(a.id)? {
                let who = match f.funder_id {
                    Some(id) => md(&self.actor(id)?.name),
                    None => "financeur non précisé".into(),
                };
                if let Some(d) = &f.decision_on {
                    lines.push(format!(
                        "- {} : décision de {who} ({})",
                        date_fr(d),
                        f.status.label_fr().to_lowercase()
                    ));
                } else if let Some(d) = &f.requested_on {
                    lines.push(format!(
                        "- {} : demande déposée auprès de {who}",
                        date_fr(d)
                    ));
                }
            }
        }
        Ok(if lines.is_empty() {
            "Calendrier à préciser.".into()
        } else {
            lines.join("\n")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{ActionInput, AxisInput, FundingInput, NeedInput, Partner};
    use crate::shared::domain::{ActorInput, NewWorkspace};

    struct Fixture {
        s: Store,
        action: i64,
        region: i64,
        _dir: tempfile::TempDir,
    }

    fn actor(s: &mut Store, name: &str, world: &str, engagement: &str) -> i64 {
        s.create_actor(&ActorInput {
            name: name.into(),
            world: world.into(),
            commune: "Gap".into(),
            engagement: engagement.into(),
            notes: String::new(),
        })
        .unwrap()
        .id
    }

    fn fixture() -> Fixture {
        let dir = tempfile::TempDir::new().unwrap();
        let mut s = Store::create(
            &dir.path().join("n.catalyse"),
            &NewWorkspace {
                territory_name: "PETR du Val".into(),
                territory_kind: "petr".into(),
                project_title: "Val 2030".into(),
            },
        )
        .unwrap();
        let need = s
            .create_need(&NeedInput {
                title: "Se déplacer sans voiture".into(),
                description: String::new(),
                priority: "high".into(),
            })
            .unwrap()
            .id;
        let axis = s
            .create_axis(&AxisInput {
                title: "Une mobilité pour tous".into(),
                description: String::new(),
                need_ids: vec![need],
            })
            .unwrap()
            .id;
        let cc = actor(&mut s, "CC du Val", "local_authority", "lead");
        let asso = actor(&mut s, "Vélo pour tous", "association", "partner");
        let region = actor(&mut s, "Région", "funder", "partner");
        let action = s
            .create_action(&ActionInput {
                title: "Garage solidaire".into(),
                description: String::new(),
                axis_id: Some(axis),
                need_ids: vec![need],
                status: "preparing".into(),
                start_date: Some("2026-03-01".into()),
                end_date: Some("2027-12-31".into()),
                budget: "50 000".into(),
                lead_actor_id: Some(cc),
                referent_member_id: None,
                partners: vec![Partner {
                    actor_id: asso,
                    role: "animation".into(),
                }],
                practice: None,
                activity: None,
                engineering: None,
            })
            .unwrap()
            .id;
        s.create_funding(
            action,
            &FundingInput {
                funder_id: Some(region),
                scheme: "Fonds mobilité".into(),
                amount: "20 000".into(),
                status: "granted".into(),
                requested_on: Some("2025-11-02".into()),
                decision_on: Some("2026-01-15".into()),
                notes: String::new(),
            },
        )
        .unwrap();
        Fixture {
            s,
            action,
            region,
            _dir: dir,
        }
    }

    fn input(action: i64) -> NoteInput {
        NoteInput {
            subject: "Garage solidaire : convention de financement".into(),
            body_name: "PETR du Val".into(),
            addressee: "bureau".into(),
            meeting_date: Some("2026-12-01".into()),
            author: "Camille".into(),
            records: vec![NoteRecordInput {
                kind: "action".into(),
                record_id: action,
            }],
            sections: vec![SectionInput {
                key: "objet".into(),
                content: "Autoriser le Président à signer la convention.".into(),
            }],
            options: vec![],
        }
    }

    fn section(n: &DecisionNote, key: SectionKey) -> &str {
        &n.sections.iter().find(|s| s.key == key).unwrap().content
    }

    #[test]
    fn generated_sections_say_the_data_in_french() {
        // The expected texts are written with ordinary spaces; the note has French typography.
        let fr = crate::shared::typography::french_spacing;
        let mut f = fixture();
        let n = f.s.create_note(&input(f.action)).unwrap();
        assert_eq!((n.status, n.version), (NoteStatus::Draft, 1));
        for key in [
            SectionKey::Contexte,
            SectionKey::Acteurs,
            SectionKey::Financement,
            SectionKey::Calendrier,
        ] {
            let problems = crate::shared::typography::spacing_problems(section(&n, key));
            assert!(problems.is_empty(), "{key:?}: {problems:?}");
        }
        assert_eq!(n.sections.len(), 9);
        assert_eq!(
            section(&n, SectionKey::Objet),
            "Autoriser le Président à signer la convention."
        );
        let ctx = section(&n, SectionKey::Contexte);
        assert!(ctx.contains(&fr("L'action « Garage solidaire » (statut : en préparation), de l'axe « Une mobilité pour tous »")), "{ctx}");
        assert!(
            ctx.contains(&fr("- Se déplacer sans voiture (priorité haute)")),
            "{ctx}"
        );
        let actors = section(&n, SectionKey::Acteurs);
        assert!(
            actors.contains(&fr(
                "- **Porteur** : CC du Val (collectivité territoriale, porteur)"
            )),
            "{actors}"
        );
        assert!(
            actors.contains(&fr(
                "- **Partenaire** : Vélo pour tous (association / ess, partenaire) — animation"
            )),
            "{actors}"
        );
        assert!(
            actors.contains(&fr(
                "- **Financeur** : Région (fondation / financeur, partenaire) — acquis"
            )),
            "{actors}"
        );
        let plan = section(&n, SectionKey::Financement);
        assert!(
            plan.contains(&fr(
                "| Région | Fonds mobilité | Acquis | 20\u{202f}000,00\u{a0}€ | 40\u{a0}% |"
            )),
            "{plan}"
        );
        assert!(plan.contains(&fr("Budget : **50\u{202f}000,00\u{a0}€** — acquis 20\u{202f}000,00\u{a0}€ ; sollicité 0,00\u{a0}€ ; **reste à financer 30\u{202f}000,00\u{a0}€**.")), "{plan}");
        let cal = section(&n, SectionKey::Calendrier);
        assert!(
            cal.contains(&fr(
                "- 1er décembre 2026 : Bureau (présentation de cette note)"
            )),
            "{cal}"
        );
        assert!(
            cal.contains(&fr("- du 1er mars 2026 au 31 décembre 2027")),
            "{cal}"
        );
        assert!(
            cal.contains(&fr("- 15 janvier 2026 : décision de Région (acquis)")),
            "{cal}"
        );
    }

    #[test]
    fn a_refresh_never_loses_the_users_writing_silently() {
        let mut f = fixture();
        let n = f.s.create_note(&input(f.action)).unwrap();
        // The user rewrites the actors section; the funding section stays as generated.
        let mut edit = input(f.action);
        edit.sections.push(SectionInput {
            key: "acteurs".into(),
            content: "Texte de l'auteur sur les acteurs.".into(),
        });
        f.s.update_note(n.id, &edit).unwrap();
        // The data changes: a new funding line.
        f.s.create_funding(
            f.action,
            &FundingInput {
                funder_id: Some(f.region),
                scheme: "Fonds rural".into(),
                amount: "10 000".into(),
                status: "requested".into(),
                requested_on: Some("2026-02-01".into()),
                decision_on: None,
                notes: String::new(),
            },
        )
        .unwrap();
        let changes = f.s.refresh_preview(n.id).unwrap();
        let keys: Vec<(SectionKey, bool)> = changes.iter().map(|c| (c.key, c.edited)).collect();
        assert!(keys.contains(&(SectionKey::Financement, false)), "{keys:?}");
        assert!(keys.contains(&(SectionKey::Acteurs, true)), "{keys:?}");
        // Keep mine: the funding plan updates, the user's actors text stays.
        let after = f.s.apply_refresh(n.id, &[]).unwrap();
        assert_eq!(
            section(&after, SectionKey::Acteurs),
            "Texte de l'auteur sur les acteurs."
        );
        assert!(section(&after, SectionKey::Financement).contains("Fonds rural"));
        assert!(section(&after, SectionKey::Financement)
            .contains("**reste à financer 20\u{202f}000,00\u{a0}€**"));
        // Next time the same data proposes nothing new for the kept section.
        assert!(f
            .s
            .refresh_preview(n.id)
            .unwrap()
            .iter()
            .all(|c| c.key == SectionKey::Acteurs && c.edited));
        // Take the new text when chosen.
        let taken = f.s.apply_refresh(n.id, &["acteurs".into()]).unwrap();
        assert!(section(&taken, SectionKey::Acteurs).contains("**Porteur**"));
        assert!(taken.version >= 4);
    }

    #[test]
    fn versions_restore_and_validation_freezes() {
        let mut f = fixture();
        let n = f.s.create_note(&input(f.action)).unwrap();
        let mut v2 = input(f.action);
        v2.sections[0].content = "Deuxième rédaction.".into();
        v2.options = vec![OptionInput {
            title: "Signer".into(),
            description: String::new(),
            pros: "Rapide".into(),
            cons: String::new(),
            cost: "1 200,50".into(),
            risks: String::new(),
            recommended: true,
        }];
        let n2 = f.s.update_note(n.id, &v2).unwrap();
        assert_eq!(n2.options[0].cost_cents, Some(120_050));
        let restored = f.s.restore_note_version(n.id, 1).unwrap();
        assert_eq!(
            section(&restored, SectionKey::Objet),
            "Autoriser le Président à signer la convention."
        );
        assert!(restored.options.is_empty());
        assert_eq!(
            f.s.note_version(n.id, 2).unwrap().options.len(),
            1,
            "history kept"
        );
        let validated = f.s.set_note_status(n.id, NoteStatus::Validated).unwrap();
        let versions = f.s.note_versions(n.id).unwrap();
        assert!(versions[0].frozen && versions[0].status == NoteStatus::Validated);
        assert_eq!(versions.len() as i64, validated.version);
        assert_eq!(
            f.s.update_note(n.id, &v2).unwrap_err().code(),
            Some("note.frozen")
        );
        assert_eq!(
            f.s.apply_refresh(n.id, &[]).unwrap_err().code(),
            Some("note.frozen")
        );
        f.s.set_note_status(n.id, NoteStatus::Draft).unwrap();
        f.s.update_note(n.id, &v2).unwrap();
        // Bad input names the field.
        let mut bad = input(f.action);
        bad.addressee = "préfet".into();
        assert_eq!(
            f.s.create_note(&bad).unwrap_err().field(),
            Some("addressee")
        );
        let mut bad = input(f.action);
        bad.records[0].record_id = 999;
        assert_eq!(
            f.s.create_note(&bad).unwrap_err().code(),
            Some("reference.missing")
        );
        assert_eq!(f.s.counts().unwrap()["decision_notes"], 1);
        // Deleting the action unlinks it; the note stays.
        f.s.delete_action(f.action).unwrap();
        assert!(f.s.note(n.id).unwrap().records.is_empty());
    }

    #[test]
    fn a_change_and_its_version_are_written_together_or_not_at_all() {
        let mut f = fixture();
        let n = f.s.create_note(&input(f.action)).unwrap();
        // Saving a version fails (as a full disk would make it): the change must not stay.
        f.s.conn
            .execute_batch(
                "CREATE TEMP TRIGGER no_version BEFORE INSERT ON note_version
                 BEGIN SELECT RAISE(ABORT, 'version refusée'); END;",
            )
            .unwrap();
        let mut v2 = input(f.action);
        v2.subject = "Un autre objet".into();
        assert!(f.s.update_note(n.id, &v2).is_err());
        assert_eq!(f.s.note(n.id).unwrap(), n, "the edit was rolled back");
        assert!(f.s.set_note_status(n.id, NoteStatus::Validated).is_err());
        assert_eq!(
            f.s.note(n.id).unwrap().status,
            NoteStatus::Draft,
            "no validated note without its frozen copy"
        );
        assert!(f.s.create_note(&input(f.action)).is_err());
        assert_eq!(
            f.s.counts().unwrap()["decision_notes"],
            1,
            "no note without a version"
        );
        f.s.conn
            .execute_batch("DROP TRIGGER temp.no_version")
            .unwrap();
        let validated = f.s.set_note_status(n.id, NoteStatus::Validated).unwrap();
        assert_eq!(
            f.s.note_versions(n.id).unwrap().len() as i64,
            validated.version
        );
    }

    #[test]
    fn an_unreadable_version_says_so() {
        let mut f = fixture();
        let n = f.s.create_note(&input(f.action)).unwrap();
        f.s.conn
            .execute(
                "UPDATE note_version SET snapshot = '{\"subject\": 12}' WHERE note_id = ?1",
                [n.id],
            )
            .unwrap();
        let e = f.s.note_version(n.id, 1).unwrap_err();
        assert_eq!(e.kind(), "unreadable");
        assert!(
            e.to_string()
                .starts_with("Cette version de la note est illisible"),
            "{e}"
        );
    }

    #[test]
    fn exports_contain_every_section_and_escape_raw_html() {
        let mut f = fixture();
        let mut i = input(f.action);
        i.sections.push(SectionInput {
            key: "avis".into(),
            content: "Avis **favorable**.\n\n<script>alert(1)</script>".into(),
        });
        let n = f.s.create_note(&i).unwrap();
        let md = crate::notes::render::to_markdown(&n);
        for key in SectionKey::ALL {
            assert!(md.contains(key.label_fr()), "{}", key.label_fr());
        }
        assert!(md.contains("| Région | Fonds mobilité | Acquis |"));
        let html = crate::notes::render::to_html(&n, None);
        assert!(html.contains("<strong>favorable</strong>"));
        assert!(html.contains("&lt;script&gt;"), "raw HTML shown as text");
        assert!(!html.contains("<script>"));
        assert!(html.contains("<table>") && html.contains("<td>Fonds mobilité</td>"));
        assert!(html.contains("<th scope=\"row\">Séance</th><td>1er décembre 2026</td>"));
        assert_eq!(date_fr("2023-11-14"), "14 novembre 2023");
    }
}
