//! The influence / interest matrix: every cell counted in SQL, the first actors of each.

use crate::db::store::Store;
use crate::shared::domain::World;
use crate::shared::error::CoreResult;
use serde::Serialize;
use ts_rs::TS;

/// An actor on the influence / interest matrix.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct MatrixActor {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub world: World,
    /// 1 to 5, or none when not assessed.
    #[ts(type = "number | null")]
    pub influence: Option<i64>,
    #[ts(type = "number | null")]
    pub interest: Option<i64>,
}

/// Actors shown in each cell of the matrix, and in the list of actors not placed yet: a
/// country's network must not put 100,000 buttons in the page.
pub const MATRIX_SHOWN: u32 = 40;

/// One cell of the influence / interest matrix: how many actors are there, and the first of
/// them by name.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct MatrixCell {
    #[ts(type = "number")]
    pub influence: i64,
    #[ts(type = "number")]
    pub interest: i64,
    #[ts(type = "number")]
    pub count: i64,
    /// At most [`MATRIX_SHOWN`], alphabetically (folded).
    pub actors: Vec<MatrixActor>,
}

/// The influence / interest matrix, counted in SQL, with the first actors of each cell.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct InfluenceMatrix {
    #[ts(type = "number")]
    pub total: i64,
    /// The cells that hold actors, by influence then interest.
    pub cells: Vec<MatrixCell>,
    /// Actors with no influence or no interest yet.
    #[ts(type = "number")]
    pub unplaced: i64,
    /// The first of them alphabetically (at most [`MATRIX_SHOWN`]).
    pub unplaced_first: Vec<MatrixActor>,
}

impl Store {
    /// The influence / interest matrix: every cell's count, and the first actors of each cell
    /// and of those not placed yet (at most [`MATRIX_SHOWN`] each, alphabetically).
    pub fn influence_matrix(&self) -> CoreResult<InfluenceMatrix> {
        let actor = |r: &rusqlite::Row| -> rusqlite::Result<MatrixActor> {
            Ok(MatrixActor {
                id: r.get(0)?,
                name: r.get(1)?,
                world: r.get(2)?,
                influence: r.get(3)?,
                interest: r.get(4)?,
            })
        };
        let total: i64 = self
            .conn
            .query_row("SELECT count(*) FROM actor", [], |r| r.get(0))?;
        let mut cells: Vec<MatrixCell> = Vec::new();
        let mut st = self.conn.prepare_cached(
            "SELECT influence, interest, count(*) FROM actor
             WHERE influence IS NOT NULL AND interest IS NOT NULL
             GROUP BY influence, interest ORDER BY influence DESC, interest",
        )?;
        for row in st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))? {
            let (influence, interest, count) = row?;
            cells.push(MatrixCell {
                influence,
                interest,
                count,
                actors: Vec::new(),
            });
        }
        let mut st = self.conn.prepare_cached(
            "SELECT id, name, world, influence, interest FROM (
                 SELECT a.id, a.name, a.world, a.influence, a.interest,
                        row_number() OVER (PARTITION BY a.influence, a.interest
                                           ORDER BY k.sort, a.id) AS rank
                 FROM actor a JOIN actor_key k ON k.actor_id = a.id
                 WHERE a.influence IS NOT NULL AND a.interest IS NOT NULL)
             WHERE rank <= ?1 ORDER BY influence DESC, interest, rank",
        )?;
        for row in st.query_map([MATRIX_SHOWN], actor)? {
            let a = row?;
            if let Some(cell) = cells
                .iter_mut()
                .find(|c| Some(c.influence) == a.influence && Some(c.interest) == a.interest)
            {
                cell.actors.push(a);
            }
        }
        let unplaced: i64 = self.conn.query_row(
            "SELECT count(*) FROM actor WHERE influence IS NULL OR interest IS NULL",
            [],
            |r| r.get(0),
        )?;
        let mut st = self.conn.prepare_cached(
            "SELECT a.id, a.name, a.world, a.influence, a.interest
             FROM actor_key k JOIN actor a ON a.id = k.actor_id
             WHERE a.influence IS NULL OR a.interest IS NULL
             ORDER BY k.sort, k.actor_id LIMIT ?1",
        )?;
        let unplaced_first = st
            .query_map([MATRIX_SHOWN], actor)?
            .collect::<Result<_, _>>()?;
        Ok(InfluenceMatrix {
            total,
            cells,
            unplaced,
            unplaced_first,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actors::testing::many_actors;

    #[test]
    fn the_matrix_counts_every_cell_in_sql_and_shows_the_first_actors_of_each() {
        let mut s = Store::open_in_memory().unwrap();
        let m = s.influence_matrix().unwrap();
        assert_eq!((m.total, m.unplaced, m.cells.len()), (0, 0, 0));
        many_actors(&mut s, 1_000, 600);
        let m = s.influence_matrix().unwrap();
        assert_eq!(m.total, 1_000);
        assert_eq!(m.unplaced, 400);
        assert_eq!(m.unplaced_first.len(), MATRIX_SHOWN as usize);
        assert_eq!(m.unplaced_first[0].name, "Acteur 0600", "alphabetical");
        // Five cells of 120 actors each, the first MATRIX_SHOWN of each by name.
        assert_eq!(m.cells.len(), 5);
        assert_eq!(m.cells.iter().map(|c| c.count).sum::<i64>(), 600);
        assert_eq!(
            (m.cells[0].influence, m.cells[0].interest),
            (5, 1),
            "strongest influence first"
        );
        for c in &m.cells {
            assert_eq!(c.count, 120);
            assert_eq!(c.actors.len(), MATRIX_SHOWN as usize);
            assert!(c
                .actors
                .iter()
                .all(|a| a.influence == Some(c.influence) && a.interest == Some(c.interest)));
            let names: Vec<&str> = c.actors.iter().map(|a| a.name.as_str()).collect();
            let mut sorted = names.clone();
            sorted.sort();
            assert_eq!(names, sorted);
        }
        assert_eq!(m.cells[4].actors[0].name, "Acteur 0000");
    }
}
