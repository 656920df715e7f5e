//! The decision notes list, next meetings first, paged in SQL.

use crate::browse::listing::*;
use crate::db::store::Store;
use crate::notes::NoteSummary;
use crate::shared::domain::NoteStatus;
use crate::shared::error::CoreResult;
use crate::shared::text::fold;
use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One page of the notes list, the next meetings first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NoteListQuery {
    /// Found anywhere in the subject, ignoring case and accents.
    pub filter: String,
    pub status: Option<NoteStatus>,
    #[ts(type = "number")]
    pub offset: u32,
    #[ts(type = "number")]
    pub limit: u32,
    pub count: bool,
}

/// A page of notes.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct NoteListPage {
    #[ts(type = "number | null")]
    pub total: Option<i64>,
    #[ts(type = "number | null")]
    pub matched: Option<i64>,
    /// The notes of each status, in the order of `NoteStatus::ALL` (when counted).
    #[ts(type = "Array<number>")]
    pub status_counts: Vec<i64>,
    #[ts(type = "number")]
    pub offset: u32,
    pub rows: Vec<NoteSummary>,
}

impl Store {
    /// One page of the notes list (the next meetings first, notes without a date last),
    /// filtered on the subject and the status in SQL.
    pub fn note_page(&self, q: &NoteListQuery) -> CoreResult<NoteListPage> {
        check_page(q.offset, q.limit, &q.filter)?;
        let f = crate::db::store::FOLD_FUNCTION;
        let filter = fold(&q.filter);
        let status = q.status.map(|s| s.code());
        let clause =
            format!("(?1 = '' OR instr({f}(subject), ?1) > 0) AND (?2 IS NULL OR status = ?2)");
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {} FROM decision_note WHERE {clause}
             ORDER BY meeting_date IS NULL, meeting_date DESC, id DESC LIMIT ?3 OFFSET ?4",
            Store::SUMMARY_COLUMNS
        ))?;
        let rows = st.query_map(
            params![filter, status, q.limit, q.offset],
            Store::summary_from_row,
        )?;
        let rows: Vec<NoteSummary> = rows.collect::<Result<_, _>>()?;
        let (total, matched, status_counts) = if q.count {
            let total: i64 =
                self.conn
                    .query_row("SELECT count(*) FROM decision_note", [], |r| r.get(0))?;
            let matched: i64 = self
                .conn
                .prepare_cached(&format!(
                    "SELECT count(*) FROM decision_note WHERE {clause}"
                ))?
                .query_row(params![filter, status], |r| r.get(0))?;
            let mut counts = Vec::with_capacity(NoteStatus::ALL.len());
            let mut st = self
                .conn
                .prepare_cached("SELECT count(*) FROM decision_note WHERE status = ?1")?;
            for s in NoteStatus::ALL {
                counts.push(st.query_row([s.code()], |r| r.get(0))?);
            }
            (Some(total), Some(matched), counts)
        } else {
            (None, None, Vec::new())
        };
        Ok(NoteListPage {
            total,
            matched,
            status_counts,
            offset: q.offset,
            rows,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actors::ActorInput;
    use crate::plan::listing::tests::action_input;
    use crate::shared::error::CoreError;

    #[test]
    fn notes_and_funding_lines_come_in_pages() {
        let dir = tempfile::TempDir::new().unwrap();
        let mut s = Store::create(
            &dir.path().join("n.catalyse"),
            &crate::project::NewWorkspace {
                territory_name: "PETR du Val".into(),
                territory_kind: "petr".into(),
                project_title: "Val 2030".into(),
            },
        )
        .unwrap();
        s.create_actor(&ActorInput {
            name: "Région Sud".into(),
            world: "funder".into(),
            commune: "Marseille".into(),
            insee: None,
            engagement: "informed".into(),
            notes: String::new(),
        })
        .unwrap();
        for (subject, date) in [
            ("Garage solidaire", Some("2027-01-20")),
            ("Énergie", None),
            ("Tiers-lieu", Some("2026-05-01")),
        ] {
            s.create_note(&crate::notes::NoteInput {
                subject: subject.into(),
                body_name: String::new(),
                addressee: "bureau".into(),
                meeting_date: date.map(Into::into),
                author: String::new(),
                records: vec![],
                sections: vec![],
                options: vec![],
            })
            .unwrap();
        }
        let q = |filter: &str, status: Option<NoteStatus>| NoteListQuery {
            filter: filter.into(),
            status,
            offset: 0,
            limit: 10,
            count: true,
        };
        let p = s.note_page(&q("", None)).unwrap();
        let subjects: Vec<&str> = p.rows.iter().map(|n| n.title.as_str()).collect();
        assert_eq!(subjects, ["Garage solidaire", "Tiers-lieu", "Énergie"]);
        assert_eq!((p.total, p.matched), (Some(3), Some(3)));
        assert_eq!(p.status_counts, [3, 0, 0, 0]);
        let p = s.note_page(&q("ENERGIE", None)).unwrap();
        assert_eq!((p.rows.len(), p.matched), (1, Some(1)));
        assert_eq!(
            s.note_page(&q("", Some(NoteStatus::Validated)))
                .unwrap()
                .matched,
            Some(0)
        );

        let action = s
            .create_action(&action_input("Garage", None, "idea", None))
            .unwrap()
            .id;
        for i in 0..5 {
            s.create_funding(
                action,
                &crate::plan::FundingInput {
                    funder_id: if i % 2 == 0 { Some(1) } else { None },
                    scheme: format!("Dispositif {i}"),
                    amount: "1 000".into(),
                    status: "requested".into(),
                    requested_on: None,
                    decision_on: None,
                    notes: String::new(),
                },
            )
            .unwrap();
        }
        let p = s.funding_page(action, 3, 2).unwrap();
        assert_eq!(p.total, 5);
        let schemes: Vec<&str> = p.rows.iter().map(|f| f.scheme.as_str()).collect();
        assert_eq!(schemes, ["Dispositif 3", "Dispositif 4"]);
        assert_eq!(
            p.funders
                .iter()
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>(),
            ["Région Sud"]
        );
        assert!(matches!(
            s.funding_page(999, 0, 10),
            Err(CoreError::NotFound { .. })
        ));
        assert!(s.funding_page(action, 0, MAX_PAGE + 1).is_err());
    }
}
