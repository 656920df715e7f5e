//! The erasure of a person, in one transaction: a contact deleted, a member anonymised, every
//! text naming them rewritten, the journal scrubbed ([`crate::safety::rgpd::scrub`]); then no
//! copy left of what it removed, in the file nor its WAL. Recorded beside the backups
//! ([`erase_and_record`]) so that a restored backup erases them again.

use crate::db::journal::{self, ChangeLabel};
use crate::db::store::Store;
use crate::db::tables::quote;
use crate::safety::erasures::{record_erasure, ErasureKey};
use crate::safety::rgpd::find::{mentions_of, name_of, needles};
use crate::safety::rgpd::forms::{forms_of, replace_all};
use crate::safety::rgpd::model::{ErasureSummary, Mention, Person, ERASED};
use crate::safety::rgpd::scrub::scrub_journal;
use crate::shared::error::{CoreError, CoreResult};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;
use std::path::Path;

/// Erases `p` from `store` (see [`Store::person_erase`]) and records the erasure in the
/// workspace's backup folder `dir`, so that restoring an older backup erases them again.
pub fn erase_and_record(store: &mut Store, p: Person, dir: &Path) -> CoreResult<ErasureSummary> {
    let summary = store.person_erase(p)?;
    record_erasure(dir, &ErasureKey::for_backups(dir)?, &summary.person)?;
    Ok(summary)
}

impl Store {
    /// Erases (a contact) or anonymises (a team member) a person everywhere, in one
    /// transaction; returns what changed.
    pub fn person_erase(&mut self, p: Person) -> CoreResult<ErasureSummary> {
        let name = name_of(&self.conn, p)?;
        let forms = needles(&self.conn, p, &name)?;
        let found = mentions_of(&self.conn, &forms, (p.table(), p.id()))?;
        let uid: String = self.conn.query_row(
            &format!("SELECT uid FROM {} WHERE id = ?1", p.table()),
            [p.id()],
            |r| r.get(0),
        )?;
        // Every page the erasure frees or rewrites is overwritten with zeros.
        self.erase_leaving_no_copy(p, true, &name, &forms, &found, &uid)
    }

    /// The erasure's transaction ([`Store::erase_in_transaction_with`]) with every page it
    /// frees or rewrites overwritten with zeros, then [`Store::leave_no_copy`].
    fn erase_leaving_no_copy(
        &mut self,
        p: Person,
        present: bool,
        name: &str,
        forms: &[String],
        found: &[(Mention, String)],
        uid: &str,
    ) -> CoreResult<ErasureSummary> {
        let secure: i64 = self
            .conn
            .query_row("PRAGMA secure_delete", [], |r| r.get(0))?;
        self.conn.pragma_update(None, "secure_delete", true)?;
        let erased = self.erase_in_transaction_with(p, present, name, forms, found, uid);
        let cleaned = erased.and_then(|summary| {
            self.leave_no_copy()?;
            Ok(summary)
        });
        self.conn.pragma_update(None, "secure_delete", secure)?;
        cleaned
    }

    /// Erases the person `who` names, by identity: through [`Store::person_erase`] when their
    /// row is here, or, when only the journal holds them (a contact deleted before), from the
    /// journal and the texts under the name, e-mail and phone it last had. True when there was
    /// something of them to erase (a member already anonymised has nothing left).
    pub fn erase_identity(
        &mut self,
        who: &crate::safety::erasures::ErasedPerson,
    ) -> CoreResult<bool> {
        who.validate()?;
        let table = if who.kind == "contact" {
            "contact"
        } else {
            "member"
        };
        let row: Option<(i64, String)> = self
            .conn
            .query_row(
                &format!("SELECT id, name FROM {table} WHERE uid = ?1"),
                [&who.uid],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let person = |id: i64| {
            if table == "contact" {
                Person::Contact(id)
            } else {
                Person::Member(id)
            }
        };
        if let Some((id, name)) = &row {
            if !(table == "member" && name.starts_with("Membre anonymisé n° ")) {
                self.person_erase(person(*id))?;
                return Ok(true);
            }
        }
        let last = self.last_whole(table, &who.uid)?;
        let Some(Ok(Value::Object(record))) = last.map(|j| serde_json::from_str::<Value>(&j))
        else {
            return Ok(false);
        };
        let text = |k: &str| {
            record
                .get(k)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let name = text("name");
        let id = match &row {
            Some((id, _)) => *id,
            None => record.get("id").and_then(Value::as_i64).unwrap_or(0),
        };
        let p = person(id);
        // A member's journaled row has no e-mail nor phone: empty, not searched.
        let mut forms = forms_of(&name, &text("email"), &text("phone"));
        if table == "member" {
            // Its row stays (anonymised): only the journal and the texts are left to clean.
            forms.retain(|n| !n.starts_with("Membre anonymisé n° "));
        }
        let found = mentions_of(&self.conn, &forms, (p.table(), 0))?;
        self.erase_leaving_no_copy(p, false, &name, &forms, &found, &who.uid)?;
        Ok(true)
    }

    /// The last whole record of `uid` (a row of `table`) this file keeps: in the journal, not
    /// yet scrubbed, else held whole in the inbox; as JSON.
    fn last_whole(&self, table: &str, uid: &str) -> CoreResult<Option<String>> {
        // The last whole record the journal keeps of them, not yet scrubbed.
        let last: Option<String> = self
            .conn
            .query_row(
                &format!(
                    "SELECT coalesce(before, after) FROM {} WHERE op IN (1, 3)
                       AND json_valid(coalesce(before, after))
                       AND CASE WHEN json_valid(coalesce(before, after))
                                THEN json_extract(coalesce(before, after), '$.rgpd') END IS NULL
                     ORDER BY id DESC, pos DESC LIMIT 1",
                    journal::record_entries("?1")
                ),
                [uid],
                |r| r.get(0),
            )
            .optional()?;
        // Else the record the inbox holds whole (created under an actor deleted meanwhile,
        // never in this file's journal).
        let last = match last {
            Some(last) => Some(last),
            None => self
                .conn
                .query_row(
                    &format!(
                        "SELECT value FROM share_conflict WHERE tbl = '{table}' AND record = ?1
                           AND field = '' AND kind = 'deleted' ORDER BY at DESC LIMIT 1"
                    ),
                    [uid],
                    |r| r.get(0),
                )
                .optional()?,
        };
        Ok(last)
    }

    /// Contacts that an erasure made on another laptop rewrote (`records`: the same person
    /// under another record, a copy made meanwhile): their journal here keeps only their
    /// identity, as it does on the laptop that rewrote them (the rewrite's own new values
    /// stay, they no longer name the person), and the inbox keeps nothing of them that
    /// names the person (a copy held whole, created under an actor deleted meanwhile; a
    /// value of a field that identifies her): on the laptop that rewrote them, their
    /// journal's creation no longer names her either; then no copy is left of what went.
    pub(crate) fn forget_rewritten(&mut self, records: &[String]) -> CoreResult<()> {
        if records.is_empty() {
            return Ok(());
        }
        let secure: i64 = self
            .conn
            .query_row("PRAGMA secure_delete", [], |r| r.get(0))?;
        self.conn.pragma_update(None, "secure_delete", true)?;
        let forgotten = (|| {
            let tx = self.conn.transaction()?;
            crate::safety::rgpd::scrub::keep_only_identity(&tx, records)?;
            crate::safety::rgpd::scrub::forget_in_inbox(&tx, records)?;
            tx.commit()?;
            self.leave_no_copy()
        })();
        self.conn.pragma_update(None, "secure_delete", secure)?;
        forgotten
    }

    /// After an erasure: no byte of the file nor of its WAL keeps what it removed. Freed
    /// space that held it before this erasure (an old edit, deleted rows, when
    /// `secure_delete` was off) is rewritten by a `VACUUM`; the WAL, which holds older
    /// copies of the pages, is checkpointed into the file and truncated.
    fn leave_no_copy(&mut self) -> CoreResult<()> {
        {
            // A VACUUM attaches a temporary database of its own (no file name).
            let _attach = crate::db::guard::AttachAllowed::new("");
            self.conn.execute_batch("VACUUM")?;
        }
        // Readers of the app (other threads) may hold the WAL for a moment: waited for.
        for _ in 0..50 {
            let (busy, _, _): (i64, i64, i64) =
                self.conn
                    .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                    })?;
            if busy == 0 {
                return Ok(());
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        Err(CoreError::Busy)
    }

    /// The erasure's one transaction (see [`Store::person_erase`]); `present` false when only
    /// the journal holds the person (their row deleted before): nothing to delete or
    /// anonymise, the rest as usual.
    fn erase_in_transaction_with(
        &mut self,
        p: Person,
        present: bool,
        name: &str,
        forms: &[String],
        found: &[(Mention, String)],
        uid: &str,
    ) -> CoreResult<ErasureSummary> {
        let name = name.to_string();
        // The erasure is journaled like any change, under a label without the name.
        self.journal.set_label(&ChangeLabel::new(
            "rgpd.erase",
            &[("kind", p.table().to_string())],
        ));
        let tx = self.conn.transaction()?;
        let mut changes = remove_person(&tx, p, present)?;
        replace_mentions(&tx, found, forms)?;
        let journal = scrub_journal(&tx, forms, uid, p)?;
        merge_search_index(&tx)?;
        if journal > 0 {
            changes.push(format!(
                "L'historique des modifications ne garde plus rien de la personne ({journal} entrée(s) effacée(s))."
            ));
        }
        if !found.is_empty() {
            changes.push(format!(
                "Le nom a été remplacé par « {ERASED} » dans {} texte(s) (comptes rendus, notes, versions des notes…).",
                found.len()
            ));
        }
        changes.push(
            "Les sauvegardes faites avant cet effacement contiennent encore ces données : effacez-la aussi des sauvegardes si la personne le demande."
                .to_string(),
        );
        tx.commit()?;
        Ok(ErasureSummary {
            name,
            changes,
            mentions_replaced: found.len(),
            person: crate::safety::erasures::ErasedPerson {
                kind: p.table().to_string(),
                uid: uid.to_string(),
            },
        })
    }
}

/// Deletes the contact, or anonymises the member (their self-assessments and development plan
/// deleted, their participation in meetings kept); nothing when `present` is false. The lines
/// saying what changed.
fn remove_person(tx: &Connection, p: Person, present: bool) -> CoreResult<Vec<String>> {
    let mut changes = Vec::new();
    match p {
        _ if !present => {}
        Person::Contact(id) => {
            tx.execute("DELETE FROM contact WHERE id = ?1", [id])?;
            changes.push("Le contact et ses coordonnées ont été supprimés.".to_string());
        }
        Person::Member(id) => {
            let assessments: i64 = tx.query_row(
                "SELECT count(*) FROM self_assessment WHERE member_id = ?1",
                [id],
                |r| r.get(0),
            )?;
            let meetings: i64 = tx.query_row(
                "SELECT count(*) FROM meeting_member WHERE member_id = ?1",
                [id],
                |r| r.get(0),
            )?;
            tx.execute(
                "UPDATE member SET name = ?2, role = '', structure = '' WHERE id = ?1",
                params![id, format!("Membre anonymisé n° {id}")],
            )?;
            tx.execute("DELETE FROM self_assessment WHERE member_id = ?1", [id])?;
            tx.execute("DELETE FROM development_plan WHERE member_id = ?1", [id])?;
            changes.push(format!(
                "Le membre est anonymisé (« Membre anonymisé n° {id} ») : nom, rôle et structure effacés."
            ));
            changes.push(format!(
                "{assessments} auto-évaluation(s) et le plan de développement supprimés."
            ));
            changes.push(format!(
                "{meetings} participation(s) à des rencontres gardées sans le nom, pour les bilans de l'équipe."
            ));
        }
    }
    Ok(changes)
}

/// Every text naming the person (`found`) with each of their `forms` replaced by [`ERASED`].
fn replace_mentions(
    tx: &Connection,
    found: &[(Mention, String)],
    forms: &[String],
) -> CoreResult<()> {
    for (m, text) in found {
        // By value: identical texts all hold the name and get the same replacement, and
        // tables without rowid are reached too.
        let sql = format!(
            "UPDATE {t} SET {c} = ?1 WHERE {c} = ?2",
            t = quote(&m.table),
            c = quote(&m.column)
        );
        tx.execute(&sql, params![replace_all(text, forms), text])
            .map_err(|e| {
                CoreError::Io(std::io::Error::other(format!(
                    "remplacement du nom impossible dans « {} » : {e}",
                    m.table
                )))
            })?;
    }
    Ok(())
}

/// The search index keeps the words of deleted and replaced texts in its segments until they
/// are merged: merged now, and from now on removed as they are deleted.
fn merge_search_index(tx: &Connection) -> CoreResult<()> {
    tx.execute(
        "INSERT INTO search_index(search_index, rank) VALUES ('secure-delete', 1)",
        [],
    )?;
    tx.execute(
        "INSERT INTO search_index(search_index) VALUES ('optimize')",
        [],
    )?;
    Ok(())
}
