//! Writing a checked file: all of it in one transaction, or nothing.

use super::actors::PreparedActor;
use super::*;
use crate::db::journal_rows::{insert_journaled, Plan};
use crate::db::store::{cells_of, insert_batched, int, now, text, Cell, BATCH_ROWS};
use crate::network::ValidContact;
use crate::shared::error::CoreError;
use crate::shared::ids::new_uid;
use crate::shared::progress::Phase;
use rusqlite::Transaction;

impl Store {
    /// Writes a checked file: all of it in one transaction, or nothing (a row with a problem,
    /// a cancellation, a full disk). The file must have been checked against the workspace
    /// as it is now ([`PreparedImport::stamp`]); otherwise nothing is written and the error
    /// asks to check it again.
    pub fn commit_import(
        &mut self,
        prepared: PreparedImport,
        keep_duplicates: bool,
        progress: &Progress,
    ) -> CoreResult<ImportOutcome> {
        let PreparedImport {
            preview,
            items,
            duplicate,
            stamp,
            file_name,
        } = prepared;
        if preview.problem_count > 0 {
            return Err(problems_error(&preview.problems, preview.problem_count));
        }
        if stamp != self.change_stamp() {
            return Err(CoreError::validation(
                "file",
                "import.stale",
                "L'espace de travail a changé depuis la vérification du fichier : vérifiez-le de nouveau avant de l'importer.",
            ));
        }
        let kind = preview.kind;
        let keep = keep_duplicates && preview.duplicates_keepable;
        let wanted = |i: usize| keep || !duplicate[i];
        let skipped = if keep { 0 } else { preview.duplicate_count };
        let at = now();
        let total = duplicate
            .iter()
            .enumerate()
            .filter(|(i, _)| wanted(*i))
            .count() as u64;
        self.label_import(kind, total, file_name);
        // Links check their references themselves; actors name only the rows written here.
        let references_checked = kind != ExchangeKind::Meetings;
        let written = self.bulk(progress, references_checked, total as usize, |tx| {
            Self::write_items(tx, &items, wanted, &at, total, progress)
        })?;
        Ok(ImportOutcome {
            kind,
            written,
            skipped_duplicates: skipped,
        })
    }

    /// Writes the items `wanted` (by their index), reporting [`Phase::Writing`] of `total`;
    /// returns how many it wrote.
    fn write_items(
        tx: &Transaction,
        items: &Items,
        wanted: impl Fn(usize) -> bool,
        at: &str,
        total: u64,
        progress: &Progress,
    ) -> CoreResult<usize> {
        let mut n = 0u64;
        match items {
            Items::Actors(v) => {
                let chosen: Vec<&PreparedActor> = v
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| wanted(*i))
                    .map(|(_, a)| a)
                    .collect();
                write_actors(tx, &chosen, at, total, progress)?;
                n = chosen.len() as u64;
            }
            Items::Links(v) => {
                let chosen: Vec<&ValidLink> = v
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| wanted(*i))
                    .map(|(_, l)| l)
                    .collect();
                n = Self::write_links(tx, &chosen, at, progress)? as u64;
            }
            Items::Meetings(v) => {
                for (_, m) in v.iter().enumerate().filter(|(i, _)| wanted(*i)) {
                    Self::insert_meeting(tx, m, at)?;
                    n += 1;
                    if n.is_multiple_of(512) {
                        progress.step(Phase::Writing, n, Some(total))?;
                    }
                }
            }
        }
        progress.step(Phase::Writing, n, Some(total))?;
        Ok(n as usize)
    }

    /// Names the change in the journal: an import of `total` records of `kind` from `file_name`.
    fn label_import(&self, kind: ExchangeKind, total: u64, file_name: String) {
        self.journal()
            .set_label(&crate::db::journal::ChangeLabel::new(
                "import",
                &[
                    (
                        "kind",
                        match kind {
                            ExchangeKind::Actors => "actors",
                            ExchangeKind::Links => "links",
                            ExchangeKind::Meetings => "meetings",
                        }
                        .to_string(),
                    ),
                    ("count", total.to_string()),
                    ("file", file_name),
                ],
            ));
    }
}

/// The columns a bulk write of actors gives, in this order.
pub(crate) const ACTOR_COLUMNS: &[&str] = &[
    "id",
    "uid",
    "name",
    "world",
    "commune",
    "engagement",
    "notes",
    "needs",
    "contributions",
    "influence",
    "interest",
    "created_at",
    "updated_at",
    "insee",
];

/// The columns a bulk write of contacts gives, in this order.
pub(crate) const CONTACT_COLUMNS: &[&str] = &[
    "id",
    "uid",
    "actor_id",
    "name",
    "role",
    "email",
    "phone",
    "notes",
    "position",
    "created_at",
    "updated_at",
];

/// Writes the chosen actors, their tags and their contacts, the derived tables and indexes put
/// off until all are written.
fn write_actors(
    tx: &Transaction,
    chosen: &[&PreparedActor],
    at: &str,
    total: u64,
    progress: &Progress,
) -> CoreResult<()> {
    // Ids given here, so that tags and contacts can name their actor.
    let base: i64 = tx.query_row("SELECT coalesce(max(id), 0) FROM actor", [], |r| r.get(0))?;
    let mut deferred = crate::db::bulk::defer(
        tx,
        crate::db::bulk::ACTOR_BACKFILLS,
        &["actor", "actor_key", "search_key"],
        chosen.len(),
    )?;
    // Journaled in the order the triggers would have: the actors, their tags, then the
    // contacts.
    let journal = deferred.journal_rows(tx, "actor", ACTOR_COLUMNS)?;
    deferred.journal_inserts(tx, "actor_tag", "actor_id")?;
    deferred.check_codes_given(tx, "actor", |column| match column {
        "world" => Some(chosen.iter().map(|a| a.actor.world.code()).collect()),
        "engagement" => Some(chosen.iter().map(|a| a.actor.engagement.code()).collect()),
        _ => None,
    })?;
    insert_actors(tx, chosen, base, at, total, progress, journal.as_ref())?;
    insert_tags(tx, chosen, base, progress)?;
    crate::db::bulk::restore(tx, deferred, base + 1, progress)?;
    insert_contacts(tx, chosen, base, at, progress)
}

/// Inserts and journals the contacts of the actors numbered from `base + 1`, the triggers
/// and indexes they would run put off until all are written.
fn insert_contacts(
    tx: &Transaction,
    chosen: &[&PreparedActor],
    base: i64,
    at: &str,
    progress: &Progress,
) -> CoreResult<()> {
    let contacts: Vec<(i64, &ValidContact)> = chosen
        .iter()
        .enumerate()
        .filter_map(|(i, a)| a.contact.as_ref().map(|c| (base + 1 + i as i64, c)))
        .collect();
    let first = crate::db::bulk::next_value(tx, "contact", "id")?;
    let mut deferred = crate::db::bulk::defer(
        tx,
        crate::db::bulk::CONTACT_BACKFILLS,
        &["contact"],
        contacts.len(),
    )?;
    let journal = deferred.journal_rows(tx, "contact", CONTACT_COLUMNS)?;
    let uids: Vec<String> = contacts.iter().map(|_| new_uid()).collect();
    let row = cells_of(|i: usize, out: &mut Vec<Cell>| {
        let (id, c) = contacts[i];
        out.extend([
            int(Some(first + i as i64)),
            text(&uids[i]),
            int(Some(id)),
            text(&c.name),
            text(&c.role),
            text(&c.email),
            text(&c.phone),
            text(&c.notes),
            int(Some(0)),
            text(at),
            text(at),
        ]);
    });
    insert_journaled(
        tx,
        journal.as_ref(),
        &format!("contact ({})", CONTACT_COLUMNS.join(", ")),
        CONTACT_COLUMNS.len(),
        contacts.len(),
        &row,
        |_| progress.check(),
    )?;
    crate::db::bulk::restore(tx, deferred, first, progress)
}

/// Inserts the actors, numbered from `base + 1`, and journals them when there is a `journal`.
fn insert_actors(
    tx: &Transaction,
    chosen: &[&PreparedActor],
    base: i64,
    at: &str,
    total: u64,
    progress: &Progress,
    journal: Option<&Plan>,
) -> CoreResult<()> {
    let uids: Vec<String> = chosen.iter().map(|_| new_uid()).collect();
    let row = cells_of(|i: usize, out: &mut Vec<Cell>| {
        let (v, p) = (&chosen[i].actor, &chosen[i].profile);
        out.extend([
            int(Some(base + 1 + i as i64)),
            text(&uids[i]),
            text(&v.name),
            text(v.world.code()),
            text(&v.commune),
            text(v.engagement.code()),
            text(&v.notes),
            text(&p.needs),
            text(&p.contributions),
            int(p.influence),
            int(p.interest),
            text(at),
            text(at),
            v.insee.as_deref().map_or(int(None), text),
        ]);
    });
    insert_journaled(
        tx,
        journal,
        &format!("actor ({})", ACTOR_COLUMNS.join(", ")),
        ACTOR_COLUMNS.len(),
        chosen.len(),
        &row,
        |done| {
            if done % 1024 < BATCH_ROWS {
                progress.step(Phase::Writing, done as u64, Some(total))?;
            }
            Ok(())
        },
    )
}

/// Inserts the tags of the actors numbered from `base + 1`.
fn insert_tags(
    tx: &Transaction,
    chosen: &[&PreparedActor],
    base: i64,
    progress: &Progress,
) -> CoreResult<()> {
    let tags: Vec<(i64, &String)> = chosen
        .iter()
        .enumerate()
        .flat_map(|(i, a)| a.profile.tags.iter().map(move |t| (base + 1 + i as i64, t)))
        .collect();
    insert_batched(
        tx,
        "actor_tag (actor_id, tag)",
        2,
        tags.len(),
        |i, out| out.extend([int(Some(tags[i].0)), text(tags[i].1)]),
        |_| progress.check(),
    )?;
    Ok(())
}
