//! Queries on decision notes: list, read, write, status, versions and the refresh of their
//! generated sections.

use super::model::ValidNote;
use crate::db::store::{date_text, delete_row, now, Store};
use crate::notes::*;
use crate::shared::domain::{NoteRecordKind, NoteStatus, SectionKey};
use crate::shared::error::{CoreError, CoreResult};
use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};

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

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
