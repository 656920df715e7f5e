//! Queries on meetings, their participants and follow-ups, and the links they propose.

use crate::db::store::{date_text, delete_row, now, require_exists, Store};
use crate::network::*;
use crate::shared::error::{CoreError, CoreResult};
use rusqlite::{params, OptionalExtension, Transaction};

/// Meetings with more actors than this propose no links (see [`Store::proposed_links`]).
pub const PROPOSE_MAX_ACTORS: usize = 20;

impl Store {
    fn fill_meeting(&self, m: &mut Meeting) -> CoreResult<()> {
        let ids = |sql: &str| -> CoreResult<Vec<i64>> {
            let mut st = self.conn.prepare_cached(sql)?;
            let rows = st.query_map([m.id], |r| r.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        };
        m.actor_ids =
            ids("SELECT actor_id FROM meeting_actor WHERE meeting_id = ?1 ORDER BY actor_id")?;
        m.member_ids =
            ids("SELECT member_id FROM meeting_member WHERE meeting_id = ?1 ORDER BY member_id")?;
        let mut st = self.conn.prepare_cached(
            "SELECT text, due_date, done FROM follow_up WHERE meeting_id = ?1 ORDER BY position, id",
        )?;
        let rows = st.query_map([m.id], |r| {
            Ok(FollowUp {
                text: r.get(0)?,
                due_date: r.get(1)?,
                done: r.get(2)?,
            })
        })?;
        m.follow_ups = rows.collect::<Result<_, _>>()?;
        Ok(())
    }

    fn meeting_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Meeting> {
        Ok(Meeting {
            id: r.get(0)?,
            date: r.get(1)?,
            kind: r.get(2)?,
            title: r.get(3)?,
            practice: r.get(4)?,
            activity: r.get(5)?,
            notes: r.get(6)?,
            minutes_spent: r.get(7)?,
            insee: r.get(8)?,
            commune: crate::geo::place::name_of(r.get_ref(8)?.as_str_or_null()?),
            actor_ids: Vec::new(),
            member_ids: Vec::new(),
            follow_ups: Vec::new(),
        })
    }

    const MEETING_COLUMNS: &'static str =
        "id, date, kind, title, practice, activity, notes, minutes_spent, insee";

    /// All meetings, most recent first.
    pub fn list_meetings(&self) -> CoreResult<Vec<Meeting>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {} FROM meeting ORDER BY date DESC, id DESC",
            Self::MEETING_COLUMNS
        ))?;
        let rows = st.query_map([], Self::meeting_from_row)?;
        let mut all: Vec<Meeting> = rows.collect::<Result<_, _>>()?;
        for m in &mut all {
            self.fill_meeting(m)?;
        }
        Ok(all)
    }

    pub fn meeting(&self, id: i64) -> CoreResult<Meeting> {
        let mut m = self
            .conn
            .query_row(
                &format!(
                    "SELECT {} FROM meeting WHERE id = ?1",
                    Self::MEETING_COLUMNS
                ),
                [id],
                Self::meeting_from_row,
            )
            .optional()?
            .ok_or(CoreError::NotFound {
                what: "Rencontre",
                id,
            })?;
        self.fill_meeting(&mut m)?;
        Ok(m)
    }

    fn write_meeting_parts(tx: &Transaction, id: i64, v: &ValidMeeting) -> CoreResult<()> {
        tx.prepare_cached("DELETE FROM meeting_actor WHERE meeting_id = ?1")?
            .execute([id])?;
        for a in &v.actor_ids {
            require_exists(tx, "actor", *a, "actor_ids", "L'acteur")?;
            tx.prepare_cached("INSERT INTO meeting_actor (meeting_id, actor_id) VALUES (?1, ?2)")?
                .execute(params![id, a])?;
        }
        tx.prepare_cached("DELETE FROM meeting_member WHERE meeting_id = ?1")?
            .execute([id])?;
        for m in &v.member_ids {
            require_exists(tx, "member", *m, "member_ids", "Le membre de l'équipe")?;
            tx.prepare_cached(
                "INSERT INTO meeting_member (meeting_id, member_id) VALUES (?1, ?2)",
            )?
            .execute(params![id, m])?;
        }
        tx.prepare_cached("DELETE FROM follow_up WHERE meeting_id = ?1")?
            .execute([id])?;
        for (i, f) in v.follow_ups.iter().enumerate() {
            tx.prepare_cached(
                "INSERT INTO follow_up (meeting_id, text, due_date, done, position) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![id, f.text, date_text(f.due_date), f.done, i as i64])?;
        }
        Ok(())
    }

    /// Inserts a validated meeting with its participants and follow-ups, inside `tx`.
    pub(crate) fn insert_meeting(tx: &Transaction, v: &ValidMeeting, at: &str) -> CoreResult<i64> {
        tx.prepare_cached(
            "INSERT INTO meeting (date, kind, title, practice, activity, notes, minutes_spent, created_at, updated_at, insee)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)",
        )?
        .execute(
            params![
                date_text(Some(v.date)),
                v.kind,
                v.title,
                v.practice,
                v.activity,
                v.notes,
                v.minutes_spent,
                at,
                v.insee
            ],
        )?;
        let id = tx.last_insert_rowid();
        Self::write_meeting_parts(tx, id, v)?;
        Ok(id)
    }

    pub fn create_meeting(&mut self, input: &MeetingInput) -> CoreResult<Meeting> {
        let v = input.validate()?;
        let tx = self.conn.transaction()?;
        let id = Self::insert_meeting(&tx, &v, &now())?;
        tx.commit()?;
        self.meeting(id)
    }

    pub fn update_meeting(&mut self, id: i64, input: &MeetingInput) -> CoreResult<Meeting> {
        let v = input.validate()?;
        let tx = self.conn.transaction()?;
        let n = tx.execute(
            "UPDATE meeting SET date = ?1, kind = ?2, title = ?3, practice = ?4, activity = ?5, notes = ?6,
                    minutes_spent = ?7, updated_at = ?8, insee = ?10 WHERE id = ?9",
            params![
                date_text(Some(v.date)),
                v.kind,
                v.title,
                v.practice,
                v.activity,
                v.notes,
                v.minutes_spent,
                now(),
                id,
                v.insee
            ],
        )?;
        if n == 0 {
            return Err(CoreError::NotFound {
                what: "Rencontre",
                id,
            });
        }
        Self::write_meeting_parts(&tx, id, &v)?;
        tx.commit()?;
        self.meeting(id)
    }

    pub fn delete_meeting(&mut self, id: i64) -> CoreResult<()> {
        delete_row(&self.conn, "meeting", "Rencontre", id)
    }

    /// What deleting a meeting would take with it or change: its follow-ups (deleted), its
    /// participants (no longer recorded as there), the links made there (which keep no
    /// meeting).
    pub fn meeting_delete_impact(&self, id: i64) -> CoreResult<crate::plan::DeleteImpact> {
        let meeting = self.meeting(id)?;
        let effects = crate::plan::effects_of(
            &self.conn,
            id,
            &[
                (
                    "meeting.follow_ups",
                    "SELECT text FROM follow_up WHERE meeting_id = ?1 ORDER BY position, id",
                    "{} suite(s) à donner seront supprimées.",
                ),
                (
                    "meeting.actors",
                    "SELECT a.name FROM actor a JOIN meeting_actor p ON p.actor_id = a.id
                     WHERE p.meeting_id = ?1 ORDER BY a.name",
                    "{} acteur(s) n'y seront plus notés comme participants.",
                ),
                (
                    "meeting.members",
                    "SELECT m.name FROM member m JOIN meeting_member p ON p.member_id = m.id
                     WHERE p.meeting_id = ?1 ORDER BY m.name",
                    "{} membre(s) de l'équipe n'y seront plus notés comme participants.",
                ),
                (
                    "meeting.links",
                    "SELECT a.name || ' — ' || b.name FROM link l JOIN actor a ON a.id = l.actor_a
                     JOIN actor b ON b.id = l.actor_b WHERE l.meeting_id = ?1 ORDER BY a.name, b.name",
                    "{} lien(s) noués à cette rencontre ne diront plus où (les liens restent).",
                ),
            ],
        )?;
        Ok(crate::plan::DeleteImpact {
            name: meeting.title,
            effects,
        })
    }

    /// Pairs of actors who met at this meeting and have no link yet: the links the meeting
    /// may have created, for the user to confirm. A large gathering (more than
    /// [`PROPOSE_MAX_ACTORS`] actors: a forum, a conference) proposes none: not everyone there
    /// met everyone, and its pairs would run into the thousands.
    pub fn proposed_links(&self, meeting_id: i64) -> CoreResult<Vec<(i64, i64)>> {
        let m = self.meeting(meeting_id)?;
        if m.actor_ids.len() > PROPOSE_MAX_ACTORS {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for (i, a) in m.actor_ids.iter().enumerate() {
            for b in &m.actor_ids[i + 1..] {
                let linked: bool = self.conn.query_row(
                    "SELECT count(*) > 0 FROM link WHERE min(actor_a, actor_b) = min(?1, ?2) AND max(actor_a, actor_b) = max(?1, ?2)",
                    params![a, b],
                    |r| r.get(0),
                )?;
                if !linked {
                    out.push((*a, *b));
                }
            }
        }
        Ok(out)
    }
}
