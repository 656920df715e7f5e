//! Export of actors, links and meetings: French headers and labels, CSV or XLSX.

use super::records::*;
use crate::db::store::Store;
use crate::exchange::tabular::{self, FileFormat};
use crate::network::Introducer;
use crate::shared::domain::{Engagement, World};
use crate::shared::error::CoreResult;
use crate::shared::progress::{Phase, Progress};
use crate::shared::sheet::format_hours;
use crate::shared::text::fold;
use std::collections::HashMap;

// ----- Export -----------------------------------------------------------------------------------

impl Store {
    /// The rows an export writes: French headers, French labels for coded values.
    pub fn export_rows(
        &self,
        kind: ExchangeKind,
    ) -> CoreResult<(Vec<&'static str>, Vec<Vec<String>>)> {
        self.export_rows_with(kind, &Progress::none())
    }

    /// [`Store::export_rows`], reporting the rows read to `progress` (and stopping when it
    /// is cancelled).
    pub fn export_rows_with(
        &self,
        kind: ExchangeKind,
        progress: &Progress,
    ) -> CoreResult<(Vec<&'static str>, Vec<Vec<String>>)> {
        let headers: Vec<&'static str> = kind.columns().iter().map(|c| c.label).collect();
        let table = match kind {
            ExchangeKind::Actors => "actor",
            ExchangeKind::Links => "link",
            ExchangeKind::Meetings => "meeting",
        };
        let total: u64 = self
            .conn
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| {
                r.get::<_, i64>(0)
            })? as u64;
        let tick = Tick { progress, total };
        tick.at(0)?;
        let rows = match kind {
            ExchangeKind::Actors => self.export_actors(&tick)?,
            ExchangeKind::Links => self.export_links(&tick)?,
            ExchangeKind::Meetings => self.export_meetings(&tick)?,
        };
        progress.step(Phase::Exporting, total, Some(total))?;
        Ok((headers, rows))
    }

    /// The export as file bytes, CSV or XLSX.
    pub fn export(&self, kind: ExchangeKind, format: FileFormat) -> CoreResult<Vec<u8>> {
        let (headers, rows) = self.export_rows(kind)?;
        encode(kind, format, &headers, &rows)
    }

    pub(crate) fn export_actors(&self, tick: &Tick) -> CoreResult<Vec<Vec<String>>> {
        let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
        let mut st = self
            .conn
            .prepare("SELECT actor_id, tag FROM actor_tag ORDER BY tag COLLATE NOCASE")?;
        for row in st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
            let (id, t) = row?;
            tags.entry(id).or_default().push(t);
        }
        let mut contacts: HashMap<i64, [String; 4]> = HashMap::new();
        let mut st = self.conn.prepare("SELECT actor_id, name, role, email, phone FROM contact ORDER BY actor_id, position DESC, id DESC")?;
        for row in st.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                [r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?],
            ))
        })? {
            // Ordered last first, so the first contact is the one kept.
            let (id, c) = row?;
            contacts.insert(id, c);
        }
        let mut st = self.conn.prepare(
            "SELECT id, name, world, commune, engagement, influence, interest, needs, contributions, notes,
                    coalesce(insee, '')
             FROM actor ORDER BY name COLLATE NOCASE, id",
        )?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, World>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Engagement>(4)?,
                r.get::<_, Option<i64>>(5)?,
                r.get::<_, Option<i64>>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, String>(9)?,
                r.get::<_, String>(10)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (
                id,
                name,
                world,
                commune,
                engagement,
                influence,
                interest,
                needs,
                contributions,
                notes,
                insee,
            ) = row?;
            tick.at(out.len())?;
            let [cn, cr, ce, cp] = contacts.remove(&id).unwrap_or_default();
            out.push(vec![
                name,
                world.label_fr().into(),
                commune,
                insee,
                engagement.label_fr().into(),
                influence.map(|x| x.to_string()).unwrap_or_default(),
                interest.map(|x| x.to_string()).unwrap_or_default(),
                needs,
                contributions,
                tags.remove(&id).unwrap_or_default().join(", "),
                cn,
                cr,
                ce,
                cp,
                notes,
            ]);
        }
        Ok(out)
    }

    pub(crate) fn export_links(&self, tick: &Tick) -> CoreResult<Vec<Vec<String>>> {
        let mut actors: HashMap<i64, (String, String)> = HashMap::new();
        let mut st = self.conn.prepare("SELECT id, name, commune FROM actor")?;
        for row in st.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })? {
            let (id, n, c) = row?;
            actors.insert(id, (n, c));
        }
        let members: HashMap<i64, String> = self
            .list_members()?
            .into_iter()
            .map(|m| (m.id, m.name))
            .collect();
        let empty = (String::new(), String::new());
        let mut out = Vec::new();
        for l in self.list_links()? {
            tick.at(out.len())?;
            let a = actors.get(&l.actor_a).unwrap_or(&empty);
            let b = actors.get(&l.actor_b).unwrap_or(&empty);
            let by = match l.introduced_by {
                Some(Introducer::Actor(id)) => actors.get(&id).map(|x| x.0.clone()),
                Some(Introducer::Member(id)) => members.get(&id).cloned(),
                None => None,
            };
            out.push(vec![
                a.0.clone(),
                a.1.clone(),
                b.0.clone(),
                b.1.clone(),
                l.nature.label_fr().into(),
                l.strength.to_string(),
                l.since.unwrap_or_default(),
                by.unwrap_or_default(),
                l.notes,
            ]);
        }
        Ok(out)
    }

    pub(crate) fn export_meetings(&self, tick: &Tick) -> CoreResult<Vec<Vec<String>>> {
        let actors: HashMap<i64, String> = self
            .list_actors()?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect();
        let members: HashMap<i64, String> = self
            .list_members()?
            .into_iter()
            .map(|m| (m.id, m.name))
            .collect();
        let join = |ids: &[i64], names: &HashMap<i64, String>| {
            let mut v: Vec<String> = ids.iter().filter_map(|id| names.get(id).cloned()).collect();
            v.sort_by_key(|n| fold(n));
            v.join(" | ")
        };
        let mut meetings = self.list_meetings()?;
        meetings.reverse();
        meetings
            .into_iter()
            .enumerate()
            .map(|(i, m)| {
                tick.at(i)?;
                Ok(vec![
                    m.date,
                    m.kind.label_fr().into(),
                    m.title,
                    m.practice
                        .map(|p| p.label_fr().to_string())
                        .unwrap_or_default(),
                    m.activity.map(|a| a.to_string()).unwrap_or_default(),
                    format_hours(m.minutes_spent),
                    join(&m.actor_ids, &actors),
                    join(&m.member_ids, &members),
                    m.notes,
                    m.commune.unwrap_or_default(),
                    m.insee.unwrap_or_default(),
                ])
            })
            .collect()
    }
}

/// Reports an export's progress every few thousand rows.
pub(crate) struct Tick<'a> {
    progress: &'a Progress,
    total: u64,
}

impl Tick<'_> {
    pub(crate) fn at(&self, done: usize) -> CoreResult<()> {
        if done.is_multiple_of(4096) {
            self.progress
                .step(Phase::Exporting, done as u64, Some(self.total))?;
        }
        Ok(())
    }
}

pub(crate) fn encode(
    kind: ExchangeKind,
    format: FileFormat,
    headers: &[&str],
    rows: &[Vec<String>],
) -> CoreResult<Vec<u8>> {
    match format {
        FileFormat::Csv => tabular::write_csv(headers, rows),
        FileFormat::Xlsx => tabular::write_xlsx(kind.sheet_name(), headers, rows),
    }
}
