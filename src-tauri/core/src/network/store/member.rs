//! Queries on team members.

use crate::db::store::{delete_row, now, Store};
use crate::network::*;
use crate::shared::error::{CoreError, CoreResult};
use rusqlite::{params, Transaction};

impl Store {
    pub fn list_members(&self) -> CoreResult<Vec<Member>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, name, role, structure, is_user FROM member ORDER BY is_user DESC, name COLLATE NOCASE, id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(Member {
                id: r.get(0)?,
                name: r.get(1)?,
                role: r.get(2)?,
                structure: r.get(3)?,
                is_user: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn member(&self, id: i64) -> CoreResult<Member> {
        self.list_members()?
            .into_iter()
            .find(|m| m.id == id)
            .ok_or(CoreError::NotFound {
                what: "Membre de l'équipe",
                id,
            })
    }

    fn write_member(tx: &Transaction, id: Option<i64>, v: &ValidMember) -> CoreResult<i64> {
        if v.is_user {
            // Only one member is the workspace's user.
            tx.execute("UPDATE member SET is_user = 0 WHERE is_user = 1", [])?;
        }
        match id {
            Some(id) => {
                let n = tx.execute(
                    "UPDATE member SET name = ?1, role = ?2, structure = ?3, is_user = ?4, updated_at = ?5 WHERE id = ?6",
                    params![v.name, v.role, v.structure, v.is_user, now(), id],
                )?;
                if n == 0 {
                    return Err(CoreError::NotFound {
                        what: "Membre de l'équipe",
                        id,
                    });
                }
                Ok(id)
            }
            None => {
                tx.execute(
                    "INSERT INTO member (name, role, structure, is_user, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                    params![v.name, v.role, v.structure, v.is_user, now()],
                )?;
                Ok(tx.last_insert_rowid())
            }
        }
    }

    pub fn create_member(&mut self, input: &MemberInput) -> CoreResult<Member> {
        let v = input.validate()?;
        crate::browse::listing::check_room(&self.conn, "member")?;
        let tx = self.conn.transaction()?;
        let id = Self::write_member(&tx, None, &v)?;
        tx.commit()?;
        self.member(id)
    }

    pub fn update_member(&mut self, id: i64, input: &MemberInput) -> CoreResult<Member> {
        let v = input.validate()?;
        let tx = self.conn.transaction()?;
        Self::write_member(&tx, Some(id), &v)?;
        tx.commit()?;
        self.member(id)
    }

    pub fn delete_member(&mut self, id: i64) -> CoreResult<()> {
        delete_row(&self.conn, "member", "Membre de l'équipe", id)
    }

    /// What deleting a team member would take with it or change: their self-assessments and
    /// development plan (deleted), the meetings they took part in (they leave them), the
    /// actions they are référent of and the links they made (which keep no one).
    pub fn member_delete_impact(&self, id: i64) -> CoreResult<crate::plan::DeleteImpact> {
        let member = self.member(id)?;
        let effects = crate::plan::effects_of(
            &self.conn,
            id,
            &[
                (
                    "member.assessments",
                    "SELECT assessed_on FROM self_assessment WHERE member_id = ?1 ORDER BY assessed_on DESC",
                    "{} auto-évaluation(s) seront supprimées.",
                ),
                (
                    "member.plan",
                    "SELECT CASE WHEN length(plan) > 80 THEN substr(plan, 1, 80) || '…' ELSE plan END
                     FROM development_plan WHERE member_id = ?1 AND plan <> ''",
                    "Son plan de développement sera supprimé.",
                ),
                (
                    "member.meetings",
                    "SELECT m.date || ' — ' || m.title FROM meeting m JOIN meeting_member p ON p.meeting_id = m.id
                     WHERE p.member_id = ?1 ORDER BY m.date DESC",
                    "Participant à {} rencontre(s) ; il en sera retiré (les rencontres restent).",
                ),
                (
                    "member.referent",
                    "SELECT title FROM action WHERE referent_member_id = ?1 ORDER BY title",
                    "Référent de {} action(s), qui n'auront plus de référent.",
                ),
                (
                    "member.introductions",
                    "SELECT a.name || ' — ' || b.name FROM link l JOIN actor a ON a.id = l.actor_a
                     JOIN actor b ON b.id = l.actor_b WHERE l.introduced_by_member = ?1 ORDER BY a.name, b.name",
                    "A mis en relation {} lien(s), qui ne diront plus par qui.",
                ),
            ],
        )?;
        Ok(crate::plan::DeleteImpact {
            name: member.name,
            effects,
        })
    }
}
