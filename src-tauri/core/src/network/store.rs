//! Queries on team members, contacts, actor profiles, links and meetings. Every change that
//! touches more than one row runs in one transaction.

use crate::db::store::{
    date_text, delete_row, insert_batched, int, now, require_exists, text, Store, BATCH_ROWS,
};
use crate::network::*;
use crate::shared::domain::LinkNature;
use crate::shared::error::{CoreError, CoreResult};
use crate::shared::progress::{Phase, Progress};
use rusqlite::{params, OptionalExtension, Transaction};

fn introducer_columns(i: Option<Introducer>) -> (Option<i64>, Option<i64>) {
    match i {
        Some(Introducer::Actor(a)) => (Some(a), None),
        Some(Introducer::Member(m)) => (None, Some(m)),
        None => (None, None),
    }
}

/// Meetings with more actors than this propose no links (see [`Store::proposed_links`]).
pub const PROPOSE_MAX_ACTORS: usize = 20;

impl Store {
    // ----- Team members -----------------------------------------------------------------------

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

    // ----- Contacts ---------------------------------------------------------------------------

    pub fn list_contacts(&self, actor_id: i64) -> CoreResult<Vec<Contact>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, actor_id, name, role, email, phone, notes FROM contact WHERE actor_id = ?1 ORDER BY position, id",
        )?;
        let rows = st.query_map([actor_id], |r| {
            Ok(Contact {
                id: r.get(0)?,
                actor_id: r.get(1)?,
                name: r.get(2)?,
                role: r.get(3)?,
                email: r.get(4)?,
                phone: r.get(5)?,
                notes: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn contact(&self, id: i64) -> CoreResult<Contact> {
        let actor_id: i64 = self
            .conn
            .query_row("SELECT actor_id FROM contact WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or(CoreError::NotFound {
                what: "Contact",
                id,
            })?;
        self.list_contacts(actor_id)?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or(CoreError::NotFound {
                what: "Contact",
                id,
            })
    }

    pub fn create_contact(&mut self, actor_id: i64, input: &ContactInput) -> CoreResult<Contact> {
        let v = input.validate()?;
        require_exists(&self.conn, "actor", actor_id, "actor_id", "L'acteur")?;
        let id = Self::insert_contact(&self.conn, actor_id, &v, &now())?;
        self.contact(id)
    }

    /// Appends a validated contact to an actor's list.
    pub(crate) fn insert_contact(
        conn: &rusqlite::Connection,
        actor_id: i64,
        v: &ValidContact,
        at: &str,
    ) -> CoreResult<i64> {
        let pos: i64 = conn.query_row(
            "SELECT coalesce(max(position) + 1, 0) FROM contact WHERE actor_id = ?1",
            [actor_id],
            |r| r.get(0),
        )?;
        conn.execute(
            "INSERT INTO contact (actor_id, name, role, email, phone, notes, position, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
            params![actor_id, v.name, v.role, v.email, v.phone, v.notes, pos, at],
        )?;
        Ok(conn.last_insert_rowid())
    }

    pub fn update_contact(&mut self, id: i64, input: &ContactInput) -> CoreResult<Contact> {
        let v = input.validate()?;
        let n = self.conn.execute(
            "UPDATE contact SET name = ?1, role = ?2, email = ?3, phone = ?4, notes = ?5, updated_at = ?6 WHERE id = ?7",
            params![v.name, v.role, v.email, v.phone, v.notes, now(), id],
        )?;
        if n == 0 {
            return Err(CoreError::NotFound {
                what: "Contact",
                id,
            });
        }
        self.contact(id)
    }

    pub fn delete_contact(&mut self, id: i64) -> CoreResult<()> {
        delete_row(&self.conn, "contact", "Contact", id)
    }

    // ----- Actor profile ----------------------------------------------------------------------

    pub fn actor_profile(&self, actor_id: i64) -> CoreResult<ActorProfile> {
        let (needs, contributions, influence, interest) = self
            .conn
            .query_row(
                "SELECT needs, contributions, influence, interest FROM actor WHERE id = ?1",
                [actor_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?
            .ok_or(CoreError::NotFound {
                what: "Acteur",
                id: actor_id,
            })?;
        let mut st = self.conn.prepare_cached(
            "SELECT tag FROM actor_tag WHERE actor_id = ?1 ORDER BY tag COLLATE NOCASE",
        )?;
        let tags = st
            .query_map([actor_id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(ActorProfile {
            needs,
            contributions,
            influence,
            interest,
            tags,
        })
    }

    pub fn update_actor_profile(
        &mut self,
        actor_id: i64,
        profile: &ActorProfile,
    ) -> CoreResult<ActorProfile> {
        let v = profile.validate()?;
        let tx = self.conn.transaction()?;
        Self::write_profile(&tx, actor_id, &v, &now())?;
        tx.commit()?;
        self.actor_profile(actor_id)
    }

    /// Writes a validated profile (columns and tags) inside `tx`.
    pub(crate) fn write_profile(
        tx: &Transaction,
        actor_id: i64,
        v: &ActorProfile,
        at: &str,
    ) -> CoreResult<()> {
        let n = tx.execute(
            "UPDATE actor SET needs = ?1, contributions = ?2, influence = ?3, interest = ?4, updated_at = ?5 WHERE id = ?6",
            params![v.needs, v.contributions, v.influence, v.interest, at, actor_id],
        )?;
        if n == 0 {
            return Err(CoreError::NotFound {
                what: "Acteur",
                id: actor_id,
            });
        }
        tx.execute("DELETE FROM actor_tag WHERE actor_id = ?1", [actor_id])?;
        for t in &v.tags {
            tx.execute(
                "INSERT INTO actor_tag (actor_id, tag) VALUES (?1, ?2)",
                params![actor_id, t],
            )?;
        }
        Ok(())
    }

    // ----- Links ------------------------------------------------------------------------------

    fn link_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Link> {
        let by_actor: Option<i64> = r.get(7)?;
        let by_member: Option<i64> = r.get(8)?;
        Ok(Link {
            id: r.get(0)?,
            actor_a: r.get(1)?,
            actor_b: r.get(2)?,
            nature: r.get(3)?,
            strength: r.get(4)?,
            since: r.get(5)?,
            notes: r.get(6)?,
            introduced_by: by_actor
                .map(Introducer::Actor)
                .or(by_member.map(Introducer::Member)),
            meeting_id: r.get(9)?,
        })
    }

    const LINK_COLUMNS: &'static str = "id, actor_a, actor_b, nature, strength, since, notes, introduced_by_actor, introduced_by_member, meeting_id";

    pub fn list_links(&self) -> CoreResult<Vec<Link>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {} FROM link ORDER BY id",
            Self::LINK_COLUMNS
        ))?;
        let rows = st.query_map([], Self::link_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn links_of(&self, actor_id: i64) -> CoreResult<Vec<Link>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {} FROM link WHERE actor_a = ?1 OR actor_b = ?1 ORDER BY id",
            Self::LINK_COLUMNS
        ))?;
        let rows = st.query_map([actor_id], Self::link_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub(crate) fn link(&self, id: i64) -> CoreResult<Link> {
        self.conn
            .query_row(
                &format!("SELECT {} FROM link WHERE id = ?1", Self::LINK_COLUMNS),
                [id],
                Self::link_from_row,
            )
            .optional()?
            .ok_or(CoreError::NotFound { what: "Lien", id })
    }

    fn check_link(&self, id: Option<i64>, v: &ValidLink) -> CoreResult<()> {
        require_exists(&self.conn, "actor", v.actor_a, "actor_a", "L'acteur")?;
        require_exists(&self.conn, "actor", v.actor_b, "actor_b", "L'acteur")?;
        match v.introduced_by {
            Some(Introducer::Actor(a)) => require_exists(
                &self.conn,
                "actor",
                a,
                "introduced_by",
                "L'acteur qui a présenté",
            )?,
            Some(Introducer::Member(m)) => require_exists(
                &self.conn,
                "member",
                m,
                "introduced_by",
                "Le membre de l'équipe",
            )?,
            None => {}
        }
        if let Some(m) = v.meeting_id {
            require_exists(&self.conn, "meeting", m, "meeting_id", "La rencontre")?;
        }
        let twin: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM link WHERE min(actor_a, actor_b) = min(?1, ?2) AND max(actor_a, actor_b) = max(?1, ?2)
                 AND nature = ?3 AND id IS NOT ?4",
                params![v.actor_a, v.actor_b, v.nature, id],
                |r| r.get(0),
            )
            .optional()?;
        if twin.is_some() {
            return Err(CoreError::validation(
                "nature",
                "link.duplicate",
                "Un lien de cette nature existe déjà entre ces deux acteurs ; modifiez-le plutôt.",
            ));
        }
        Ok(())
    }

    pub fn create_link(&mut self, input: &LinkInput) -> CoreResult<Link> {
        let v = input.validate()?;
        self.check_link(None, &v)?;
        let (by_actor, by_member) = introducer_columns(v.introduced_by);
        self.conn.execute(
            "INSERT INTO link (actor_a, actor_b, nature, strength, since, notes, introduced_by_actor, introduced_by_member,
                               meeting_id, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
            params![
                v.actor_a,
                v.actor_b,
                v.nature,
                v.strength,
                date_text(v.since),
                v.notes,
                by_actor,
                by_member,
                v.meeting_id,
                now()
            ],
        )?;
        self.link(self.conn.last_insert_rowid())
    }

    pub fn update_link(&mut self, id: i64, input: &LinkInput) -> CoreResult<Link> {
        let v = input.validate()?;
        self.link(id)?;
        self.check_link(Some(id), &v)?;
        let (by_actor, by_member) = introducer_columns(v.introduced_by);
        self.conn.execute(
            "UPDATE link SET actor_a = ?1, actor_b = ?2, nature = ?3, strength = ?4, since = ?5, notes = ?6,
                    introduced_by_actor = ?7, introduced_by_member = ?8, meeting_id = ?9, updated_at = ?10 WHERE id = ?11",
            params![
                v.actor_a,
                v.actor_b,
                v.nature,
                v.strength,
                date_text(v.since),
                v.notes,
                by_actor,
                by_member,
                v.meeting_id,
                now(),
                id
            ],
        )?;
        self.link(id)
    }

    pub fn delete_link(&mut self, id: i64) -> CoreResult<()> {
        delete_row(&self.conn, "link", "Lien", id)
    }

    // ----- Meetings ---------------------------------------------------------------------------

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
            actor_ids: Vec::new(),
            member_ids: Vec::new(),
            follow_ups: Vec::new(),
        })
    }

    const MEETING_COLUMNS: &'static str =
        "id, date, kind, title, practice, activity, notes, minutes_spent";

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
            "INSERT INTO meeting (date, kind, title, practice, activity, notes, minutes_spent, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
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
                at
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
                    minutes_spent = ?7, updated_at = ?8 WHERE id = ?9",
            params![
                date_text(Some(v.date)),
                v.kind,
                v.title,
                v.practice,
                v.activity,
                v.notes,
                v.minutes_spent,
                now(),
                id
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::domain::{ActorInput, LinkNature};

    fn store_with_actors(n: usize) -> (Store, Vec<i64>) {
        let mut s = Store::open_in_memory().unwrap();
        let ids = (0..n)
            .map(|i| {
                s.create_actor(&ActorInput {
                    name: format!("Acteur {i}"),
                    world: "association".into(),
                    commune: "".into(),
                    engagement: "involved".into(),
                    notes: "".into(),
                })
                .unwrap()
                .id
            })
            .collect();
        (s, ids)
    }

    fn member(s: &mut Store, name: &str, is_user: bool) -> i64 {
        s.create_member(&MemberInput {
            name: name.into(),
            role: "Cheffe de projet".into(),
            structure: "PETR".into(),
            is_user,
        })
        .unwrap()
        .id
    }

    fn link(a: i64, b: i64, by: Option<Introducer>) -> LinkInput {
        LinkInput {
            actor_a: a,
            actor_b: b,
            nature: "partnership".into(),
            strength: 2,
            since: None,
            notes: "".into(),
            introduced_by: by,
            meeting_id: None,
        }
    }

    #[test]
    fn only_one_member_is_the_user() {
        let (mut s, _) = store_with_actors(0);
        let a = member(&mut s, "Camille", true);
        let b = member(&mut s, "Lou", true);
        let users: Vec<_> = s
            .list_members()
            .unwrap()
            .into_iter()
            .filter(|m| m.is_user)
            .map(|m| m.id)
            .collect();
        assert_eq!(users, vec![b]);
        assert!(!s.member(a).unwrap().is_user);
    }

    #[test]
    fn links_are_unique_per_pair_and_nature_in_either_direction() {
        let (mut s, ids) = store_with_actors(3);
        let m = member(&mut s, "Camille", true);
        let l = s
            .create_link(&link(ids[0], ids[1], Some(Introducer::Member(m))))
            .unwrap();
        assert_eq!(l.introduced_by, Some(Introducer::Member(m)));
        let e = s.create_link(&link(ids[1], ids[0], None)).err().unwrap();
        assert_eq!(e.code(), Some("link.duplicate"));
        let mut other = link(ids[1], ids[0], None);
        other.nature = "funding".into();
        let f = s.create_link(&other).unwrap();
        assert_eq!(f.nature, LinkNature::Funding);
        // Editing a link into an existing one is refused too; editing itself is fine.
        let mut edit = link(ids[0], ids[1], Some(Introducer::Actor(ids[2])));
        edit.strength = 3;
        assert_eq!(s.update_link(l.id, &edit).unwrap().strength, 3);
        assert_eq!(
            s.update_link(f.id, &edit).err().unwrap().code(),
            Some("link.duplicate")
        );
        assert_eq!(s.links_of(ids[0]).unwrap().len(), 2);
        assert_eq!(s.counts().unwrap()["links"], 2);
        // Deleting the introducer keeps the link.
        s.delete_actor(ids[2]).unwrap();
        assert_eq!(s.link(l.id).unwrap().introduced_by, None);
        // Deleting one end removes it.
        s.delete_actor(ids[1]).unwrap();
        assert_eq!(s.counts().unwrap()["links"], 0);
    }

    #[test]
    fn missing_references_are_named() {
        let (mut s, ids) = store_with_actors(2);
        let e = s.create_link(&link(ids[0], 99, None)).err().unwrap();
        assert_eq!(e.field(), Some("actor_b"));
        let e = s
            .create_link(&link(ids[0], ids[1], Some(Introducer::Member(7))))
            .err()
            .unwrap();
        assert_eq!(e.field(), Some("introduced_by"));
        assert_eq!(s.counts().unwrap()["links"], 0);
    }

    #[test]
    fn meetings_keep_participants_follow_ups_and_time_and_propose_links() {
        let (mut s, ids) = store_with_actors(3);
        let m = member(&mut s, "Camille", true);
        s.create_link(&link(ids[0], ids[1], None)).unwrap();
        let input = MeetingInput {
            date: "2026-03-12".into(),
            kind: "workshop".into(),
            title: "Atelier mobilité".into(),
            practice: Some("dialogue".into()),
            activity: Some(2),
            notes: "Bonne dynamique".into(),
            hours: "2,5".into(),
            actor_ids: ids.clone(),
            member_ids: vec![m],
            follow_ups: vec![FollowUp {
                text: "Envoyer le compte rendu".into(),
                due_date: Some("2026-03-19".into()),
                done: false,
            }],
        };
        let meeting = s.create_meeting(&input).unwrap();
        assert_eq!(meeting.minutes_spent, 150);
        assert_eq!(meeting.actor_ids.len(), 3);
        assert_eq!(
            meeting.follow_ups[0].due_date.as_deref(),
            Some("2026-03-19")
        );
        let proposed = s.proposed_links(meeting.id).unwrap();
        assert_eq!(proposed, vec![(ids[0], ids[2]), (ids[1], ids[2])]);
        // A forum of 21 actors proposes nothing.
        let (mut big, many) = store_with_actors(PROPOSE_MAX_ACTORS + 1);
        let forum = big
            .create_meeting(&MeetingInput {
                actor_ids: many.clone(),
                member_ids: vec![],
                ..input.clone()
            })
            .unwrap();
        assert!(big.proposed_links(forum.id).unwrap().is_empty());
        let smaller = big
            .create_meeting(&MeetingInput {
                actor_ids: many[..PROPOSE_MAX_ACTORS].to_vec(),
                member_ids: vec![],
                ..input.clone()
            })
            .unwrap();
        assert_eq!(big.proposed_links(smaller.id).unwrap().len(), 190);
        // A failing update (unknown member) changes nothing.
        let bad = MeetingInput {
            member_ids: vec![42],
            ..input.clone()
        };
        assert!(s.update_meeting(meeting.id, &bad).is_err());
        assert_eq!(s.meeting(meeting.id).unwrap(), meeting);
        s.delete_meeting(meeting.id).unwrap();
        let c = s.counts().unwrap();
        assert_eq!((c["meetings"], c["follow_ups"]), (0, 0));
    }

    #[test]
    fn contacts_and_profile() {
        let (mut s, ids) = store_with_actors(1);
        let c = s
            .create_contact(
                ids[0],
                &ContactInput {
                    name: "Camille Martin".into(),
                    role: "Directrice".into(),
                    email: "c.martin@exemple.fr".into(),
                    phone: "04 92 00 00 00".into(),
                    notes: "".into(),
                },
            )
            .unwrap();
        assert_eq!(s.list_contacts(ids[0]).unwrap(), vec![c]);
        let p = s
            .update_actor_profile(
                ids[0],
                &ActorProfile {
                    needs: "Des locaux".into(),
                    contributions: "Bénévoles".into(),
                    influence: Some(4),
                    interest: Some(5),
                    tags: vec!["ESS".into(), "mobilité".into()],
                },
            )
            .unwrap();
        assert_eq!(p.tags, vec!["ESS", "mobilité"]);
        assert_eq!(s.actor_profile(ids[0]).unwrap().influence, Some(4));
        // The plain actor edit leaves the profile alone.
        s.update_actor(
            ids[0],
            &ActorInput {
                name: "Acteur renommé".into(),
                world: "association".into(),
                commune: "".into(),
                engagement: "partner".into(),
                notes: "".into(),
            },
        )
        .unwrap();
        assert_eq!(s.actor_profile(ids[0]).unwrap(), p);
        s.delete_actor(ids[0]).unwrap();
        assert_eq!(s.counts().unwrap()["contacts"], 0);
    }
}

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
        actors: &[crate::shared::domain::ActorInput],
    ) -> CoreResult<Vec<i64>> {
        let valid = actors
            .iter()
            .enumerate()
            .map(|(i, a)| a.validate().map_err(|e| at_line(i, e)))
            .collect::<CoreResult<Vec<_>>>()?;
        let at = now();
        let tx = self.conn.transaction()?;
        let mut ids = Vec::with_capacity(valid.len());
        {
            let mut st = tx.prepare(
                "INSERT INTO actor (name, world, commune, engagement, notes, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            )?;
            for v in &valid {
                st.execute(params![
                    v.name,
                    v.world,
                    v.commune,
                    v.engagement,
                    v.notes,
                    at
                ])?;
                ids.push(tx.last_insert_rowid());
            }
        }
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
        self.bulk(&progress, true, |tx| {
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
        f: impl FnOnce(&Transaction) -> CoreResult<R>,
    ) -> CoreResult<R> {
        let before: i64 = self.conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        // 128 MiB of cache: a million rows and their indexes stay in memory until the commit.
        self.conn.pragma_update(None, "cache_size", -131_072)?;
        if references_checked {
            self.conn.pragma_update(None, "foreign_keys", false)?;
        }
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
            .and_then(|_| self.conn.pragma_update(None, "foreign_keys", true));
        match out {
            Err(_) if progress.cancelled() => Err(CoreError::Cancelled),
            Ok(_) if restored.is_err() => Err(restored.unwrap_err().into()),
            other => other,
        }
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
        let mut deferred = crate::db::bulk::defer(tx, &[], &["link"], links.len())?;
        deferred.journal_inserts(tx, "link", "id")?;
        deferred.check_codes(tx, "link")?;
        progress.step(Phase::Writing, 0, Some(links.len() as u64))?;
        // A large batch goes in the order of the pair index: the indexes built afterwards then
        // sort data that is mostly in order already (about twice as fast for a million links).
        let links: Vec<&ValidLink> = if links.len() >= crate::db::bulk::REBUILD_FROM {
            // Sorted by keys gathered side by side (sorting the references themselves would
            // fetch each link from memory at every comparison). A batch holds no two links of
            // the same key, so the order is fully determined.
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
            progress.step(Phase::Writing, 0, Some(links.len() as u64))?;
            keys.into_iter().map(|k| links[k.3 as usize]).collect()
        } else {
            links.to_vec()
        };
        let links = &links[..];
        let total = Some(links.len() as u64);
        let since: Vec<Option<String>> = links.iter().map(|v| date_text(v.since)).collect();
        insert_batched(
            tx,
            "link (actor_a, actor_b, nature, strength, since, notes, introduced_by_actor,
                   introduced_by_member, meeting_id, created_at, updated_at)",
            11,
            links.len(),
            |i, out| {
                let v = links[i];
                let (by_actor, by_member) = introducer_columns(v.introduced_by);
                out.extend([
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
            },
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

#[cfg(test)]
mod bulk_tests {
    use super::*;
    use crate::shared::domain::ActorInput;

    fn actor(name: &str) -> ActorInput {
        ActorInput {
            name: name.into(),
            world: "business".into(),
            commune: "".into(),
            engagement: "informed".into(),
            notes: "".into(),
        }
    }

    fn link(a: i64, b: i64) -> LinkInput {
        LinkInput {
            actor_a: a,
            actor_b: b,
            nature: "dialogue".into(),
            strength: 1,
            since: None,
            notes: "".into(),
            introduced_by: None,
            meeting_id: None,
        }
    }

    #[test]
    fn bulk_writes_are_all_or_nothing_with_line_numbers() {
        let mut s = Store::open_in_memory().unwrap();
        let e = s
            .insert_actors_bulk(&[actor("A"), actor(" "), actor("C")])
            .err()
            .unwrap();
        assert!(e.to_string().starts_with("Ligne 2 : "), "{e}");
        assert_eq!(s.counts().unwrap()["actors"], 0);
        let ids = s
            .insert_actors_bulk(&[actor("A"), actor("B"), actor("C")])
            .unwrap();
        assert_eq!(
            s.insert_links_bulk(&[link(ids[0], ids[1]), link(ids[1], ids[2])])
                .unwrap(),
            2
        );
        let e = s
            .insert_links_bulk(&[link(ids[0], ids[2]), link(ids[1], ids[0])])
            .err()
            .unwrap();
        assert_eq!(e.code(), Some("link.duplicate"));
        assert!(e.to_string().starts_with("Ligne 2 : "));
        let e = s.insert_links_bulk(&[link(ids[0], 999)]).err().unwrap();
        assert_eq!(e.field(), Some("actor_b"));
        assert_eq!(
            s.counts().unwrap()["links"],
            2,
            "failed batches wrote nothing"
        );
        assert_eq!(
            s.search("b").unwrap().len(),
            1,
            "the search index follows bulk inserts"
        );
    }

    /// The journal's entries for links, in order: (set, record, op, after without the
    /// creation time and id, which differ between two stores).
    fn link_entries(s: &Store) -> Vec<(i64, String, i64, String)> {
        let mut st = s
            .conn
            .prepare(
                "SELECT set_id, record, op, json_remove(after, '$.created_at', '$.id')
                 FROM change WHERE tbl = 'link' ORDER BY id",
            )
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn a_bulk_write_journals_its_links_as_the_trigger_does_one_by_one() {
        let names: Vec<ActorInput> = (0..30).map(|i| actor(&format!("Acteur {i}"))).collect();
        let mut pairs = Vec::new();
        for a in 0..30i64 {
            for b in (a + 1)..30 {
                if (a * 7 + b * 3) % 5 == 0 {
                    let mut l = link(a + 1, b + 1);
                    l.notes = format!("note {a}-{b}");
                    l.strength = 1 + (a + b) % 3;
                    pairs.push(l);
                }
            }
        }
        let (first, rest) = pairs.split_at(10);
        // One store writes links one by one (the triggers), the other in bulk.
        let mut single = Store::open_in_memory().unwrap();
        let mut bulk = Store::open_in_memory().unwrap();
        for s in [&mut single, &mut bulk] {
            s.insert_actors_bulk(&names).unwrap();
        }
        for l in first {
            single.create_link(l).unwrap();
        }
        bulk.insert_links_bulk(first).unwrap();
        let sets_before = link_entries(&bulk).len();
        bulk.insert_links_bulk(rest).unwrap();
        for l in rest {
            single.create_link(l).unwrap();
        }
        let (one, many) = (link_entries(&single), link_entries(&bulk));
        assert_eq!(one.len(), pairs.len());
        assert_eq!(
            many.len(),
            pairs.len(),
            "every link once, the earlier ones not again"
        );
        // The references are identities, which differ between the two stores: named by
        // the actors' names to compare.
        let named = |s: &Store, json: &str| -> String {
            let mut out = json.to_string();
            for (uid, name) in s
                .conn
                .prepare("SELECT uid, name FROM actor")
                .unwrap()
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
                .unwrap()
                .map(Result::unwrap)
            {
                out = out.replace(&uid, &name);
            }
            out
        };
        for (a, b) in one.iter().zip(&many) {
            assert_eq!(
                (a.2, named(&single, &a.3)),
                (b.2, named(&bulk, &b.3)),
                "same operation and values"
            );
            assert!(
                !a.3.contains("\"actor_a\":1"),
                "references are identities: {}",
                a.3
            );
        }
        // Each record is named by its identity; each batch is one change set.
        let uids = crate::actors::testing::texts(&bulk, "SELECT uid FROM link ORDER BY id");
        assert_eq!(many.iter().map(|e| e.1.clone()).collect::<Vec<_>>(), uids);
        assert_eq!(many[0].0, many[sets_before - 1].0);
        assert_ne!(many[0].0, many[sets_before].0);
        assert!(many[sets_before..]
            .iter()
            .all(|e| e.0 == many[sets_before].0));
        // The trigger is back: a link added alone afterwards is journaled.
        bulk.create_link(&link(1, 30)).unwrap();
        assert_eq!(link_entries(&bulk).len(), pairs.len() + 1);
        // With the journal switched off, a bulk write journals nothing.
        bulk.journal().set_enabled(false);
        bulk.insert_links_bulk(&[link(2, 30)]).unwrap();
        assert_eq!(link_entries(&bulk).len(), pairs.len() + 1);
    }

    /// Deleting a member or a meeting: the dialog is told everything that goes with it or
    /// changes, counted.
    #[test]
    fn a_member_s_and_a_meeting_s_deletion_count_what_goes_with_them() {
        let dir = tempfile::TempDir::new().unwrap();
        let s = crate::demo::write_demo(&dir.path().join("d.catalyse")).unwrap();
        let member: i64 = s
            .conn
            .query_row(
                "SELECT member_id FROM self_assessment GROUP BY member_id
                 HAVING member_id IN (SELECT member_id FROM meeting_member) ORDER BY count(*) DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let impact = s.member_delete_impact(member).unwrap();
        let count = |code: &str, sql: &str, id: i64| {
            let n: i64 = s.conn.query_row(sql, [id], |r| r.get(0)).unwrap();
            let e = impact_of(&impact, code);
            assert_eq!(e.map_or(0, |e| e.total), n, "{code}");
            n
        };
        fn impact_of<'a>(
            i: &'a crate::plan::DeleteImpact,
            code: &str,
        ) -> Option<&'a crate::plan::Effect> {
            i.effects.iter().find(|e| e.code == code)
        }
        assert!(
            count(
                "member.assessments",
                "SELECT count(*) FROM self_assessment WHERE member_id = ?1",
                member
            ) > 0
        );
        assert!(
            count(
                "member.meetings",
                "SELECT count(*) FROM meeting_member WHERE member_id = ?1",
                member
            ) > 0
        );
        count(
            "member.referent",
            "SELECT count(*) FROM action WHERE referent_member_id = ?1",
            member,
        );
        count(
            "member.introductions",
            "SELECT count(*) FROM link WHERE introduced_by_member = ?1",
            member,
        );
        let meeting: i64 = s
            .conn
            .query_row(
                "SELECT meeting_id FROM follow_up GROUP BY meeting_id ORDER BY count(*) DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let impact = s.meeting_delete_impact(meeting).unwrap();
        let count = |code: &str, sql: &str| {
            let n: i64 = s.conn.query_row(sql, [meeting], |r| r.get(0)).unwrap();
            assert_eq!(impact_of(&impact, code).map_or(0, |e| e.total), n, "{code}");
            n
        };
        assert!(
            count(
                "meeting.follow_ups",
                "SELECT count(*) FROM follow_up WHERE meeting_id = ?1"
            ) > 0
        );
        assert!(
            count(
                "meeting.actors",
                "SELECT count(*) FROM meeting_actor WHERE meeting_id = ?1"
            ) > 0
        );
        count(
            "meeting.members",
            "SELECT count(*) FROM meeting_member WHERE meeting_id = ?1",
        );
        count(
            "meeting.links",
            "SELECT count(*) FROM link WHERE meeting_id = ?1",
        );
    }
}
