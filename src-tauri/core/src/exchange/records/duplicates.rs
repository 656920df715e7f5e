//! Rows repeating a record of the workspace or an earlier row.

use super::actors::PreparedActor;
use super::*;
use crate::shared::domain::LinkNature;
use crate::shared::progress::Phase;
use crate::shared::text::fold;
use rustc_hash::FxHashMap;

impl Store {
    pub(super) fn find_duplicates(
        &self,
        items: &Items,
        lines: &[usize],
        progress: &Progress,
    ) -> CoreResult<(Vec<ImportDuplicate>, Vec<bool>)> {
        let mut duplicates = Vec::new();
        let mut flags = Vec::with_capacity(lines.len());
        match items {
            Items::Actors(v) => {
                self.actor_duplicates(v, lines, &mut duplicates, &mut flags, progress)?
            }
            Items::Links(v) => {
                self.link_duplicates(v, lines, &mut duplicates, &mut flags, progress)?
            }
            Items::Meetings(v) => {
                self.meeting_duplicates(v, lines, &mut duplicates, &mut flags, progress)?
            }
        }
        Ok((duplicates, flags))
    }

    /// Actors of the same name and commune (folded) as an actor of the workspace or an
    /// earlier row.
    fn actor_duplicates(
        &self,
        v: &[PreparedActor],
        lines: &[usize],
        duplicates: &mut Vec<ImportDuplicate>,
        flags: &mut Vec<bool>,
        progress: &Progress,
    ) -> CoreResult<()> {
        let mut seen: FxHashMap<(String, String), Option<usize>> = FxHashMap::default();
        let mut st = self.conn.prepare("SELECT name, commune FROM actor_key")?;
        for row in st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
            seen.insert(row?, None);
        }
        let label = |i: usize| {
            let a = &v[i].actor;
            if a.commune.is_empty() {
                a.name.clone()
            } else {
                format!("{} ({})", a.name, a.commune)
            }
        };
        let keys = v
            .iter()
            .map(|a| (fold(&a.actor.name), fold(&a.actor.commune)));
        mark(seen, keys, lines, label, duplicates, flags, progress)?;
        Ok(())
    }

    /// Links of the same pair and nature as a link of the workspace or an earlier row.
    fn link_duplicates(
        &self,
        v: &[ValidLink],
        lines: &[usize],
        duplicates: &mut Vec<ImportDuplicate>,
        flags: &mut Vec<bool>,
        progress: &Progress,
    ) -> CoreResult<()> {
        let mut seen: FxHashMap<(i64, i64, LinkNature), Option<usize>> = FxHashMap::default();
        seen.reserve(v.len());
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
            seen.insert(row?, None);
        }
        let name = |id: i64| -> String {
            self.conn
                .prepare_cached("SELECT name FROM actor WHERE id = ?1")
                .and_then(|mut st| st.query_row([id], |r| r.get(0)))
                .unwrap_or_else(|_| "?".into())
        };
        let label = |i: usize| {
            let l = &v[i];
            format!(
                "{} — {} ({})",
                name(l.actor_a),
                name(l.actor_b),
                l.nature.label_fr()
            )
        };
        let keys = v
            .iter()
            .map(|l| (l.actor_a.min(l.actor_b), l.actor_a.max(l.actor_b), l.nature));
        mark(seen, keys, lines, label, duplicates, flags, progress)?;
        Ok(())
    }

    /// Meetings of the same date and title (folded) as a meeting of the workspace or an earlier
    /// row.
    fn meeting_duplicates(
        &self,
        v: &[ValidMeeting],
        lines: &[usize],
        duplicates: &mut Vec<ImportDuplicate>,
        flags: &mut Vec<bool>,
        progress: &Progress,
    ) -> CoreResult<()> {
        let mut seen: FxHashMap<(String, String), Option<usize>> = FxHashMap::default();
        let mut st = self.conn.prepare("SELECT date, title FROM meeting_key")?;
        for row in st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
            seen.insert(row?, None);
        }
        let label = |i: usize| {
            let m = &v[i];
            format!("{} ({})", m.title, m.date.format("%d/%m/%Y"))
        };
        let keys = v.iter().map(|m| (m.date.to_string(), fold(&m.title)));
        mark(seen, keys, lines, label, duplicates, flags, progress)?;
        Ok(())
    }
}

/// Marks the items whose key was seen (in the workspace: `None`; on an earlier line:
/// `Some(line)`), labelling only those. Reports the checking as done meanwhile (a
/// million keys take a few tenths of a second).
#[allow(clippy::too_many_arguments)]
fn mark<K: std::hash::Hash + Eq>(
    mut seen: FxHashMap<K, Option<usize>>,
    keys: impl Iterator<Item = K>,
    lines: &[usize],
    label: impl Fn(usize) -> String,
    duplicates: &mut Vec<ImportDuplicate>,
    flags: &mut Vec<bool>,
    progress: &Progress,
) -> CoreResult<()> {
    let total = lines.len() as u64;
    for (i, (key, line)) in keys.zip(lines).enumerate() {
        if i % 16_384 == 0 {
            progress.step(Phase::Checking, total, Some(total))?;
        }
        match seen.get(&key) {
            Some(earlier) => {
                if duplicates.len() < LISTED {
                    duplicates.push(ImportDuplicate {
                        line: *line,
                        label: label(i),
                        same_as_line: *earlier,
                    });
                }
                flags.push(true);
            }
            None => {
                seen.insert(key, Some(*line));
                flags.push(false);
            }
        }
    }
    Ok(())
}
