//! Bulk writes for imports.

use super::introducer_columns;
use crate::db::store::{cells_of, date_text, int, now, text, Cell, Store, BATCH_ROWS};
use crate::network::*;
use crate::shared::domain::LinkNature;
use crate::shared::error::{CoreError, CoreResult};
use crate::shared::progress::{Phase, Progress};
use rusqlite::Transaction;

/// The columns a bulk write of links gives, in this order.
pub(crate) const LINK_COLUMNS: &[&str] = &[
    "id",
    "uid",
    "actor_a",
    "actor_b",
    "nature",
    "strength",
    "since",
    "notes",
    "introduced_by_actor",
    "introduced_by_member",
    "meeting_id",
    "created_at",
    "updated_at",
];

/// Prefixes a validation message with the (1-based) line of the batch it comes from.
fn at_line(index: usize, e: CoreError) -> CoreError {
    match e {
        CoreError::Validation {
            field,
            code,
            message,
        } => CoreError::Validation {
            field,
            code,
            message: format!("Ligne {} : {message}", index + 1),
        },
        other => other,
    }
}

/// Bulk writes for imports: everything is validated first, then written in one transaction,
/// so a batch is applied entirely or not at all.
impl Store {
    /// Adds many actors at once; returns their ids in input order.
    pub fn insert_actors_bulk(
        &mut self,
        actors: &[crate::actors::ActorInput],
    ) -> CoreResult<Vec<i64>> {
        let valid = actors
            .iter()
            .enumerate()
            .map(|(i, a)| a.validate().map_err(|e| at_line(i, e)))
            .collect::<CoreResult<Vec<_>>>()?;
        let at = now();
        let tx = self.conn.transaction()?;
        let ids = valid
            .iter()
            .map(|v| crate::actors::store::insert_actor(&tx, v, &at))
            .collect::<CoreResult<Vec<i64>>>()?;
        tx.commit()?;
        Ok(ids)
    }

    /// Adds many links at once (references and duplicates checked for the whole batch).
    pub fn insert_links_bulk(&mut self, links: &[LinkInput]) -> CoreResult<usize> {
        let mut actors = std::collections::HashSet::new();
        {
            let mut st = self.conn.prepare("SELECT id FROM actor")?;
            for id in st.query_map([], |r| r.get::<_, i64>(0))? {
                actors.insert(id?);
            }
        }
        let mut pairs = std::collections::HashSet::new();
        {
            let mut st = self
                .conn
                .prepare("SELECT min(actor_a, actor_b), max(actor_a, actor_b), nature FROM link")?;
            for row in st.query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, LinkNature>(2)?,
                ))
            })? {
                pairs.insert(row?);
            }
        }
        let mut valid = Vec::with_capacity(links.len());
        for (i, l) in links.iter().enumerate() {
            let line = |e: CoreError| at_line(i, e);
            let v = l.validate().map_err(line)?;
            for (id, field) in [(v.actor_a, "actor_a"), (v.actor_b, "actor_b")] {
                if !actors.contains(&id) {
                    return Err(line(CoreError::validation(
                        field,
                        "reference.missing",
                        format!("l'acteur {id} n'existe pas."),
                    )));
                }
            }
            if let Some(Introducer::Actor(a)) = v.introduced_by {
                if !actors.contains(&a) {
                    return Err(line(CoreError::validation(
                        "introduced_by",
                        "reference.missing",
                        format!("l'acteur {a} n'existe pas."),
                    )));
                }
            }
            if !pairs.insert((v.actor_a.min(v.actor_b), v.actor_a.max(v.actor_b), v.nature)) {
                return Err(line(CoreError::validation(
                    "nature",
                    "link.duplicate",
                    "ce lien existe déjà (même paire d'acteurs, même nature).".to_string(),
                )));
            }
            valid.push(v);
        }
        let at = now();
        let chosen: Vec<&ValidLink> = valid.iter().collect();
        let progress = Progress::none();
        self.bulk(&progress, true, chosen.len(), |tx| {
            Self::write_links(tx, &chosen, &at, &progress)
        })
    }

    /// Runs a bulk write in one IMMEDIATE transaction with a larger page cache, reporting the
    /// final commit as [`Phase::Indexing`]; a failure or a cancellation rolls everything back.
    ///
    /// With `references_checked`, SQLite does not look up each new row's foreign keys: the
    /// writer (`f`) checks every reference itself, inside this same transaction, before it
    /// writes (see [`Store::write_links`]); any other write keeps SQLite's checks.
    pub(crate) fn bulk<R>(
        &mut self,
        progress: &Progress,
        references_checked: bool,
        rows: usize,
        f: impl FnOnce(&Transaction) -> CoreResult<R>,
    ) -> CoreResult<R> {
        let before: i64 = self.conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        // 128 MiB of cache: a million rows and their indexes stay in memory until the commit.
        self.conn.pragma_update(None, "cache_size", -131_072)?;
        if references_checked {
            self.conn.pragma_update(None, "foreign_keys", false)?;
        }
        // Changing the journal mode ends a transaction of its own, which forgets the label
        // of the change set to come: kept across it.
        let label = self.journal.pending_label();
        let in_place =
            self.bulk_in_place && rows >= crate::db::bulk::REBUILD_FROM && self.leave_wal()?;
        self.journal.keep_label(label);
        let handle = self.conn.get_interrupt_handle();
        let out = (|| {
            let tx = self
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let out = f(&tx)?;
            progress.check()?;
            progress.watch(&handle, Phase::Indexing, || Ok(tx.commit()?))?;
            Ok(out)
        })();
        let restored = self
            .conn
            .pragma_update(None, "cache_size", before)
            .and_then(|_| self.conn.pragma_update(None, "foreign_keys", true))
            .map_err(CoreError::from)
            .and_then(|_| match in_place {
                true => crate::db::connection::use_wal(&self.conn),
                false => Ok(()),
            });
        match out {
            Err(_) if progress.cancelled() => Err(CoreError::Cancelled),
            Ok(_) if restored.is_err() => Err(restored.unwrap_err()),
            other => other,
        }
    }

    /// From now on, a large bulk write of this store (an import of at least
    /// [`crate::db::bulk::REBUILD_FROM`] rows) leaves WAL for a rollback journal during its
    /// transaction, and comes back to WAL after it: the new pages are then
    /// written once, into the file, instead of twice (into the WAL, then copied into the
    /// file by the checkpoint), and the journal holds only the few pages the import changes
    /// (pages past the file's end are not journaled): about a fifth of a large import's
    /// time. Only for a store that is alone on its file (a command of the command line):
    /// readers would wait for the whole import. A write cut short (the process killed)
    /// leaves a hot journal, rolled back at the next opening
    /// (`db::inspect::roll_back_interrupted_write`). A refused or failed import leaves the
    /// records as they were, but not the file byte for byte: the two changes of journal mode
    /// rewrite its header (a smaller import stays in WAL, where a rollback writes nothing).
    pub fn write_bulk_in_place(&mut self) {
        self.bulk_in_place = true;
    }

    /// Leaves WAL for a rollback journal, with every write synchronised (a rollback journal
    /// needs `FULL` to survive a power cut): whether it did (it does not while another
    /// connection has the file open).
    fn leave_wal(&self) -> CoreResult<bool> {
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
            .or_else(|e| match e {
                rusqlite::Error::SqliteFailure(f, _)
                    if f.code == rusqlite::ffi::ErrorCode::DatabaseBusy =>
                {
                    Ok("wal".to_string())
                }
                e => Err(e),
            })?;
        if mode != "delete" {
            return Ok(false);
        }
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        Ok(true)
    }

    /// Fails unless every actor, member and meeting that `links` name exists (in `tx`).
    fn check_link_references(tx: &Transaction, links: &[&ValidLink]) -> CoreResult<()> {
        let ids = |sql: &str| -> CoreResult<std::collections::HashSet<i64>> {
            let mut st = tx.prepare(sql)?;
            let rows = st.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        };
        let actors = ids("SELECT id FROM actor")?;
        let members = ids("SELECT id FROM member")?;
        let meetings = ids("SELECT id FROM meeting")?;
        let missing = |what: &str, id: i64| {
            CoreError::validation(
                "links",
                "reference.missing",
                format!("{what} {id} n'existe pas (ou plus) : rien n'a été importé."),
            )
        };
        for l in links {
            for id in [l.actor_a, l.actor_b] {
                if !actors.contains(&id) {
                    return Err(missing("L'acteur", id));
                }
            }
            match l.introduced_by {
                Some(Introducer::Actor(a)) if !actors.contains(&a) => {
                    return Err(missing("L'acteur", a))
                }
                Some(Introducer::Member(m)) if !members.contains(&m) => {
                    return Err(missing("Le membre de l'équipe", m))
                }
                _ => {}
            }
            if let Some(m) = l.meeting_id {
                if !meetings.contains(&m) {
                    return Err(missing("La rencontre", m));
                }
            }
        }
        Ok(())
    }

    /// Takes out what a bulk write of `links` puts off ([`crate::db::bulk::defer`]) and
    /// checks their codes; returns it with the plan of their journal.
    fn defer_links(
        tx: &Transaction,
        links: &[&ValidLink],
    ) -> CoreResult<(
        crate::db::bulk::Deferred,
        Option<crate::db::journal_rows::Plan>,
    )> {
        // The index of introducers is kept up to date rather than built again when few of
        // the links have one (it holds only those).
        let introduced = links
            .iter()
            .filter(|l| matches!(l.introduced_by, Some(Introducer::Actor(_))))
            .count();
        let keep: &[&str] = if introduced <= links.len() / 16 {
            &["link_introduced_by_actor"]
        } else {
            &[]
        };
        let mut deferred = crate::db::bulk::defer_keeping(tx, &[], &["link"], links.len(), keep)?;
        // The journal written from the rows here when it can be (the columns are those
        // written), from the table after them otherwise.
        let journal = deferred.journal_rows(tx, "link", LINK_COLUMNS)?;
        deferred.check_codes_given(tx, "link", |column| {
            (column == "nature").then(|| {
                let natures: rustc_hash::FxHashSet<LinkNature> =
                    links.iter().map(|l| l.nature).collect();
                natures.into_iter().map(|n| n.code()).collect()
            })
        })?;
        Ok((deferred, journal))
    }

    /// Writes checked links inside `tx`, after checking that everything they name exists (the
    /// transaction may run without SQLite's own checks, see [`Store::bulk`]). A batch larger than the links already there is
    /// written without the link indexes, which are then built again from the table: sorting
    /// once is much faster than a million inserts at random places in three B-trees. The
    /// indexes are recreated from their own SQL, so the schema ends exactly as it was.
    pub(crate) fn write_links(
        tx: &Transaction,
        links: &[&ValidLink],
        at: &str,
        progress: &Progress,
    ) -> CoreResult<usize> {
        progress.step(Phase::Writing, 0, Some(links.len() as u64))?;
        Self::check_link_references(tx, links)?;
        // The links written here are those from this id on (ids only grow).
        let first_id = crate::db::bulk::next_value(tx, "link", "id")?;
        let (deferred, journal) = Self::defer_links(tx, links)?;
        progress.step(Phase::Writing, 0, Some(links.len() as u64))?;
        let (links, uids) = ordered_with_uids(links);
        progress.step(Phase::Writing, 0, Some(links.len() as u64))?;
        let links = &links[..];
        let total = Some(links.len() as u64);
        let since: Vec<Option<String>> = links.iter().map(|v| date_text(v.since)).collect();
        let row = cells_of(|i: usize, out: &mut Vec<Cell>| {
            let v = links[i];
            let (by_actor, by_member) = introducer_columns(v.introduced_by);
            out.extend([
                int(Some(first_id + i as i64)),
                text(&uids[i]),
                int(Some(v.actor_a)),
                int(Some(v.actor_b)),
                text(v.nature.code()),
                int(Some(v.strength)),
                since[i].as_deref().map_or(int(None), text),
                text(&v.notes),
                int(by_actor),
                int(by_member),
                int(v.meeting_id),
                text(at),
                text(at),
            ]);
        });
        crate::db::journal_rows::insert_journaled(
            tx,
            journal.as_ref(),
            &format!("link ({})", LINK_COLUMNS.join(", ")),
            LINK_COLUMNS.len(),
            links.len(),
            &row,
            |done| {
                if done % 4096 < BATCH_ROWS {
                    progress.step(Phase::Writing, done as u64, total)?;
                }
                Ok(())
            },
        )?;
        progress.step(Phase::Writing, links.len() as u64, total)?;
        crate::db::bulk::restore(tx, deferred, first_id, progress)?;
        Ok(links.len())
    }
}

/// `links` in the order they are written, and their new identities (increasing). A batch
/// that is not small (from [`crate::db::bulk::REBUILD_FROM`]) is put in pair order
/// ([`in_pair_order`]), its identities made on a second thread meanwhile (a million each:
/// about 0.1 s); a small one keeps its order.
fn ordered_with_uids<'a>(links: &[&'a ValidLink]) -> (Vec<&'a ValidLink>, Vec<String>) {
    let uids = || {
        (0..links.len())
            .map(|_| crate::shared::ids::new_uid())
            .collect::<Vec<String>>()
    };
    if links.len() < crate::db::bulk::REBUILD_FROM {
        return (links.to_vec(), uids());
    }
    std::thread::scope(|scope| {
        let uids = scope.spawn(uids);
        let ordered = in_pair_order(links);
        let uids = uids.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        (ordered, uids)
    })
}

/// A large batch (the caller decides) in the order of the pair index: the indexes built
/// afterwards then sort data that is mostly in order already (about twice as fast for a
/// million links). Sorted by keys gathered side by side (sorting the references themselves
/// would fetch each link from memory at every comparison). A batch holds no two links of the
/// same key, so the order is fully determined.
fn in_pair_order<'a>(links: &[&'a ValidLink]) -> Vec<&'a ValidLink> {
    let mut keys: Vec<(i64, i64, LinkNature, u32)> = links
        .iter()
        .enumerate()
        .map(|(i, l)| {
            (
                l.actor_a.min(l.actor_b),
                l.actor_a.max(l.actor_b),
                l.nature,
                i as u32,
            )
        })
        .collect();
    keys.sort_unstable();
    keys.into_iter().map(|k| links[k.3 as usize]).collect()
}
