//! Helpers for the tests of every domain: workspaces of many actors.

use crate::db::store::Store;

/// `n` actors named « Acteur NNNN » (bulk), the first `placed` of them on the matrix at
/// influence 1 + i % 5, interest 5 - i % 5.
pub(crate) fn many_actors(s: &mut Store, n: usize, placed: usize) -> Vec<i64> {
    let actors: Vec<crate::actors::ActorInput> = (0..n)
        .map(|i| crate::actors::ActorInput {
            name: format!("Acteur {i:04}"),
            world: "business".into(),
            commune: String::new(),
            insee: None,
            engagement: "informed".into(),
            notes: String::new(),
        })
        .collect();
    let ids = s.insert_actors_bulk(&actors).unwrap();
    for (i, id) in ids.iter().take(placed).enumerate() {
        s.conn
            .execute(
                "UPDATE actor SET influence = ?1, interest = ?2 WHERE id = ?3",
                rusqlite::params![(1 + i % 5) as i64, (5 - i % 5) as i64, id],
            )
            .unwrap();
    }
    ids
}

/// The first column of `sql`'s rows, as text.
pub(crate) fn texts(s: &Store, sql: &str) -> Vec<String> {
    let mut st = s.conn.prepare(sql).unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Every object of the schema (type, name, SQL), in a stable order: a bulk write must leave
/// it exactly as it found it.
pub(crate) fn schema(s: &Store) -> Vec<String> {
    texts(
        s,
        "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name",
    )
}

/// Seventeen communes of the Hautes-Alpes whose names no other commune of France bears (an
/// import places them without a code).
pub(crate) const REAL_COMMUNES: [&str; 17] = [
    "Embrun",
    "Gap",
    "Briançon",
    "Saint-Véran",
    "Guillestre",
    "Ceillac",
    "Risoul",
    "Abriès-Ristolas",
    "Molines-en-Queyras",
    "Chorges",
    "Savines-le-Lac",
    "Orcières",
    "Tallard",
    "Laragne-Montéglin",
    "Veynes",
    "Arvieux",
    "Ancelle",
];
