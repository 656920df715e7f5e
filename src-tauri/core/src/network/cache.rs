//! The last network analysis, kept in the workspace (`network_figures`, `network_summary`,
//! derived tables of migration 7): the analysis screen shows it at once, with its date, and
//! it is computed again — on a reader, in the background, with progress — when the actors or
//! the links changed since (their fingerprint differs). Screens read it in pages: the
//! brokers, best first; the isolated actors; the sole bridges with their first actors.

use crate::db::store::{insert_batched, int, now, Store};
/// Named here too, where the analysis screens read it.
pub use crate::network::analytics::NamedActor;
use crate::network::analytics::{figures, SoleBridge, EXACT_LIMIT, PIVOTS};
use crate::shared::domain::World;
use crate::shared::error::{CoreError, CoreResult};
use crate::shared::progress::{Phase, Progress};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

/// The figures of a whole network, computed and ready to be kept.
pub struct ComputedNetwork {
    fingerprint: String,
    figures: crate::network::analytics::Figures,
}

/// What the analysis screen shows first.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct NetworkSummary {
    /// When the figures were computed (RFC 3339, UTC).
    pub computed_at: String,
    /// False when actors or links changed since: the figures are those of that date.
    pub fresh: bool,
    #[ts(type = "number")]
    pub actors: i64,
    #[ts(type = "number")]
    pub links: i64,
    #[ts(type = "number")]
    pub components: i64,
    /// Actors in the largest component.
    #[ts(type = "number")]
    pub largest: i64,
    #[ts(type = "number")]
    pub isolated: i64,
    /// False when betweenness was estimated from a sample of sources.
    pub exact: bool,
    pub sole_bridges: Vec<BridgeSummary>,
}

/// A pair of mondes connected only through a few actors: the first of them, by name.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct BridgeSummary {
    pub mondes: [World; 2],
    /// How many actors every connection between the two mondes goes through.
    #[ts(type = "number")]
    pub count: i64,
    /// The first of them (at most [`BRIDGE_NAMES`]), by name.
    pub actors: Vec<NamedActor>,
}

/// One row of the brokers table.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct BrokerRow {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub monde: World,
    #[ts(type = "number")]
    pub degree: i64,
    pub betweenness: f64,
    #[ts(type = "number")]
    pub mondes_bridged: i64,
}

/// The actors a bridge names at most.
pub const BRIDGE_NAMES: usize = 10;
/// The most rows a page of the analysis may ask for.
pub const MAX_ROWS: u32 = 500;

fn check_rows(limit: u32) -> CoreResult<()> {
    if limit == 0 || limit > MAX_ROWS {
        return Err(CoreError::validation(
            "limit",
            "list.limit",
            format!("Une page compte de 1 à {MAX_ROWS} lignes (demandé : {limit})."),
        ));
    }
    Ok(())
}

impl Store {
    /// What the analysis depends on: the actors and the links, by count, newest id and last
    /// change. A different fingerprint means the kept figures are out of date.
    pub fn network_fingerprint(&self) -> CoreResult<String> {
        let part = |table: &str| -> CoreResult<String> {
            // The table names are constants of this function.
            Ok(self.conn.query_row(
                &format!(
                    "SELECT count(*) || ':' || coalesce(max(id), 0) || ':' || coalesce(max(updated_at), '') FROM {table}"
                ),
                [],
                |r| r.get(0),
            )?)
        };
        Ok(format!("{}|{}", part("actor")?, part("link")?))
    }

    /// Computes the figures of the whole network (a reader may do it), reporting
    /// [`Phase::Analysing`] and stopping when cancelled.
    pub fn compute_network(&self, progress: &Progress) -> CoreResult<ComputedNetwork> {
        let fingerprint = self.network_fingerprint()?;
        let (nodes, graph) = self.network_graph(progress)?;
        let figures = figures(&graph, &nodes, EXACT_LIMIT, PIVOTS, progress)?;
        Ok(ComputedNetwork {
            fingerprint,
            figures,
        })
    }

    /// Keeps computed figures in place of the previous ones, in one transaction. Refused
    /// (nothing written) when the network changed while they were computed.
    pub fn save_network(&mut self, c: &ComputedNetwork, progress: &Progress) -> CoreResult<()> {
        if self.network_fingerprint()? != c.fingerprint {
            return Err(CoreError::validation(
                "network",
                "network.stale",
                "Le réseau a changé pendant l'analyse : elle va être refaite.",
            ));
        }
        let f = &c.figures;
        let bridges = serde_json::to_string(&f.sole_bridges)
            .map_err(|e| CoreError::Database(e.to_string()))?;
        let n = f.ids.len();
        let links: i64 = self
            .conn
            .query_row("SELECT count(*) FROM link", [], |r| r.get(0))?;
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM network_figures", [])?;
        insert_batched(
            &tx,
            "network_figures (actor_id, degree, betweenness, mondes_bridged, component)",
            5,
            n,
            |i, out| {
                out.extend([
                    int(Some(f.ids[i])),
                    int(Some(f.degree[i] as i64)),
                    rusqlite::types::ToSqlOutput::Owned(rusqlite::types::Value::Real(
                        f.betweenness[i],
                    )),
                    int(Some(f.mondes_bridged[i] as i64)),
                    int(Some(f.component[i] as i64)),
                ]);
            },
            |done| {
                progress.report(Phase::Writing, done as u64, Some(n as u64));
                progress.check()
            },
        )?;
        tx.execute(
            "INSERT OR REPLACE INTO network_summary
                 (id, computed_at, fingerprint, actors, links, components, largest, isolated, exact, sole_bridges)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                now(),
                c.fingerprint,
                n as i64,
                links,
                f.components.len() as i64,
                f.components.first().map_or(0, |c| c.len()) as i64,
                f.degree.iter().filter(|d| **d == 0).count() as i64,
                f.exact,
                bridges
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The kept analysis (`None` before the first one), and whether it is up to date.
    pub fn network_summary(&self) -> CoreResult<Option<NetworkSummary>> {
        let row = self
            .conn
            .query_row(
                "SELECT computed_at, fingerprint, actors, links, components, largest, isolated, exact, sole_bridges
                 FROM network_summary WHERE id = 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, i64>(4)?,
                        r.get::<_, i64>(5)?,
                        r.get::<_, i64>(6)?,
                        r.get::<_, bool>(7)?,
                        r.get::<_, String>(8)?,
                    ))
                },
            )
            .optional()?;
        let Some((
            computed_at,
            fingerprint,
            actors,
            links,
            components,
            largest,
            isolated,
            exact,
            bridges,
        )) = row
        else {
            return Ok(None);
        };
        let bridges: Vec<SoleBridge> = serde_json::from_str(&bridges).unwrap_or_default();
        let mut sole_bridges = Vec::with_capacity(bridges.len());
        for b in bridges {
            let mut actors = Vec::new();
            for id in b.actor_ids.iter().take(BRIDGE_NAMES) {
                if let Some(a) = self.named_actor(*id)? {
                    actors.push(a);
                }
            }
            sole_bridges.push(BridgeSummary {
                mondes: b.mondes,
                count: b.actor_ids.len() as i64,
                actors,
            });
        }
        Ok(Some(NetworkSummary {
            fresh: self.network_fingerprint()? == fingerprint,
            computed_at,
            actors,
            links,
            components,
            largest,
            isolated,
            exact,
            sole_bridges,
        }))
    }

    fn named_actor(&self, id: i64) -> CoreResult<Option<NamedActor>> {
        Ok(self
            .conn
            .prepare_cached("SELECT id, name, world FROM actor WHERE id = ?1")?
            .query_row([id], |r| {
                Ok(NamedActor {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    monde: r.get(2)?,
                })
            })
            .optional()?)
    }

    /// The brokers, best first (betweenness, then degree): a page of the kept figures.
    pub fn network_brokers(&self, offset: u32, limit: u32) -> CoreResult<Vec<BrokerRow>> {
        check_rows(limit)?;
        let mut st = self.conn.prepare_cached(
            "SELECT a.id, a.name, a.world, f.degree, f.betweenness, f.mondes_bridged
             FROM network_figures f JOIN actor a ON a.id = f.actor_id
             ORDER BY f.betweenness DESC, f.degree DESC, f.actor_id LIMIT ?1 OFFSET ?2",
        )?;
        let rows = st.query_map(params![limit, offset], |r| {
            Ok(BrokerRow {
                id: r.get(0)?,
                name: r.get(1)?,
                monde: r.get(2)?,
                degree: r.get(3)?,
                betweenness: r.get(4)?,
                mondes_bridged: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Actors without any link (as of the kept figures), by name: a page.
    pub fn network_isolated(&self, offset: u32, limit: u32) -> CoreResult<Vec<NamedActor>> {
        check_rows(limit)?;
        let mut st = self.conn.prepare_cached(
            "SELECT a.id, a.name, a.world FROM network_figures f
             JOIN actor a ON a.id = f.actor_id JOIN actor_key k ON k.actor_id = a.id
             WHERE f.degree = 0 ORDER BY k.sort, a.id LIMIT ?1 OFFSET ?2",
        )?;
        let rows = st.query_map(params![limit, offset], |r| {
            Ok(NamedActor {
                id: r.get(0)?,
                name: r.get(1)?,
                monde: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_analysis_is_kept_read_in_pages_and_known_stale_after_a_change() {
        let dir = tempfile::TempDir::new().unwrap();
        let mut s = crate::demo::write_demo(&dir.path().join("d.catalyse")).unwrap();
        assert_eq!(s.network_summary().unwrap(), None);
        let computed = s.compute_network(&Progress::none()).unwrap();
        s.save_network(&computed, &Progress::none()).unwrap();
        let summary = s.network_summary().unwrap().unwrap();
        assert!(summary.fresh);
        let report = s.network_report().unwrap();
        assert_eq!(summary.actors, report.actors.len() as i64);
        assert_eq!(summary.components, report.components.len() as i64);
        assert_eq!(summary.isolated, report.isolated.len() as i64);
        assert_eq!(summary.sole_bridges.len(), report.sole_bridges.len());
        // Brokers come best first, as the report ranks them.
        let brokers = s.network_brokers(0, 5).unwrap();
        let mut ranked = report.actors.clone();
        ranked.sort_by(|a, b| {
            b.betweenness
                .total_cmp(&a.betweenness)
                .then(b.degree.cmp(&a.degree))
                .then(a.id.cmp(&b.id))
        });
        assert_eq!(
            brokers.iter().map(|b| b.id).collect::<Vec<_>>(),
            ranked.iter().take(5).map(|a| a.id).collect::<Vec<_>>()
        );
        let isolated = s.network_isolated(0, 100).unwrap();
        assert_eq!(isolated.len(), report.isolated.len());
        assert_eq!(
            s.network_brokers(0, MAX_ROWS + 1).unwrap_err().code(),
            Some("list.limit")
        );
        // A new link: the kept analysis is out of date, and a result computed before the
        // change is not kept.
        let before = s.compute_network(&Progress::none()).unwrap();
        s.create_link(&crate::network::LinkInput {
            actor_a: isolated[0].id,
            actor_b: brokers[0].id,
            nature: "dialogue".into(),
            strength: 1,
            since: None,
            notes: String::new(),
            introduced_by: None,
            meeting_id: None,
        })
        .unwrap();
        assert!(!s.network_summary().unwrap().unwrap().fresh);
        assert_eq!(
            s.save_network(&before, &Progress::none())
                .unwrap_err()
                .code(),
            Some("network.stale")
        );
        let after = s.compute_network(&Progress::none()).unwrap();
        s.save_network(&after, &Progress::none()).unwrap();
        let summary = s.network_summary().unwrap().unwrap();
        assert!(summary.fresh);
        assert_eq!(summary.isolated, report.isolated.len() as i64 - 1);
    }
}
