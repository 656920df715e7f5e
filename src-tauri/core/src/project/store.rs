//! The territory and project header: read and edited together.

use crate::db::store::{date_text, Store};
use crate::project::{ProjectHeader, ProjectHeaderInput};
use crate::shared::error::CoreResult;
use rusqlite::params;

impl Store {
    /// The territory and project header.
    pub fn header(&self) -> CoreResult<ProjectHeader> {
        Ok(self.conn.query_row(
            "SELECT t.name, t.kind, p.title, p.vision, p.status, p.period_start, p.period_end, p.adoption_date
             FROM project p JOIN territory t ON t.id = p.territory_id WHERE p.id = 1",
            [],
            |r| {
                Ok(ProjectHeader {
                    territory_name: r.get(0)?,
                    territory_kind: r.get(1)?,
                    title: r.get(2)?,
                    vision: r.get(3)?,
                    status: r.get(4)?,
                    period_start: r.get(5)?,
                    period_end: r.get(6)?,
                    adoption_date: r.get(7)?,
                })
            },
        )?)
    }

    /// Validates and saves the header (territory and project in one transaction).
    pub fn update_header(&mut self, input: &ProjectHeaderInput) -> CoreResult<ProjectHeader> {
        let v = input.validate()?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE territory SET name = ?1, kind = ?2 WHERE id = 1",
            params![v.territory_name, v.territory_kind],
        )?;
        tx.execute(
            "UPDATE project SET title = ?1, vision = ?2, status = ?3, period_start = ?4,
                    period_end = ?5, adoption_date = ?6 WHERE id = 1",
            params![
                v.title,
                v.vision,
                v.status,
                date_text(v.period_start),
                date_text(v.period_end),
                date_text(v.adoption_date)
            ],
        )?;
        tx.commit()?;
        self.header()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::NewWorkspace;
    use crate::shared::domain::TerritoryKind;
    use tempfile::TempDir;

    fn new_ws() -> NewWorkspace {
        NewWorkspace {
            territory_name: "PETR du Haut-Verdanson".into(),
            territory_kind: "petr".into(),
            project_title: "Projet de territoire 2030".into(),
        }
    }

    #[test]
    fn header_update_is_validated_and_saved() {
        let dir = TempDir::new().unwrap();
        let mut s = Store::create(&dir.path().join("w.catalyse"), &new_ws()).unwrap();
        let mut input = ProjectHeaderInput {
            territory_name: "PETR du Val".into(),
            territory_kind: "pays".into(),
            title: "Cap 2035".into(),
            vision: "Vivre et travailler au pays".into(),
            status: "adopted".into(),
            period_start: Some("2025-01-01".into()),
            period_end: Some("2035-12-31".into()),
            adoption_date: Some("2024-12-12".into()),
        };
        let h = s.update_header(&input).unwrap();
        assert_eq!(h.territory_kind, TerritoryKind::Pays);
        assert_eq!(h.period_end.as_deref(), Some("2035-12-31"));
        input.period_end = Some("2020-01-01".into());
        assert!(s.update_header(&input).is_err());
        assert_eq!(
            s.header().unwrap().period_end.as_deref(),
            Some("2035-12-31")
        );
    }
}
