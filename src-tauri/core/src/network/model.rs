//! The territory's network: team members, links between actors (with who introduced them)
//! and meetings (with participants, follow-ups and time spent). Types and validation here;
//! queries in [`crate::network::store`]. An actor's contacts and profile are the actors'
//! (`crate::actors`), re-exported by `network` too.

use crate::shared::domain::{
    multi_line, optional_date, practice_and_activity, single_line, truncate_for_message,
    LinkNature, MeetingKind, Practice, LONG_MAX, NAME_MAX, SHORT_MAX,
};
use crate::shared::error::{CoreError, CoreResult};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A member of the team (the workspace's user is one of them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Member {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub role: String,
    pub structure: String,
    pub is_user: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MemberInput {
    pub name: String,
    pub role: String,
    pub structure: String,
    pub is_user: bool,
}

/// Who made an introduction: an actor or a team member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
#[ts(export)]
pub enum Introducer {
    Actor(#[ts(type = "number")] i64),
    Member(#[ts(type = "number")] i64),
}

/// A link between two actors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Link {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub actor_a: i64,
    #[ts(type = "number")]
    pub actor_b: i64,
    pub nature: LinkNature,
    /// 1 (weak) to 3 (strong).
    #[ts(type = "number")]
    pub strength: i64,
    pub since: Option<String>,
    pub notes: String,
    pub introduced_by: Option<Introducer>,
    /// The meeting where the link was made, if any.
    #[ts(type = "number | null")]
    pub meeting_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LinkInput {
    #[ts(type = "number")]
    pub actor_a: i64,
    #[ts(type = "number")]
    pub actor_b: i64,
    #[ts(as = "LinkNature")]
    pub nature: String,
    #[ts(type = "number")]
    pub strength: i64,
    pub since: Option<String>,
    pub notes: String,
    pub introduced_by: Option<Introducer>,
    #[ts(type = "number | null")]
    pub meeting_id: Option<i64>,
}

/// A follow-up decided at a meeting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FollowUp {
    pub text: String,
    pub due_date: Option<String>,
    pub done: bool,
}

/// A meeting (rencontre).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Meeting {
    #[ts(type = "number")]
    pub id: i64,
    pub date: String,
    pub kind: MeetingKind,
    pub title: String,
    pub practice: Option<Practice>,
    #[ts(type = "number | null")]
    pub activity: Option<i64>,
    pub notes: String,
    /// Time spent, in minutes (shown in hours).
    #[ts(type = "number")]
    pub minutes_spent: i64,
    /// Where it took place: a commune's INSEE code, and its name in the list.
    pub insee: Option<String>,
    pub commune: Option<String>,
    #[ts(type = "Array<number>")]
    pub actor_ids: Vec<i64>,
    #[ts(type = "Array<number>")]
    pub member_ids: Vec<i64>,
    pub follow_ups: Vec<FollowUp>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MeetingInput {
    pub date: String,
    #[ts(as = "MeetingKind")]
    pub kind: String,
    pub title: String,
    #[ts(as = "Option<Practice>")]
    pub practice: Option<String>,
    #[ts(type = "number | null")]
    pub activity: Option<i64>,
    pub notes: String,
    /// Typed hours, e.g. `1,5` or `2`; empty means none recorded.
    pub hours: String,
    #[ts(type = "Array<number>")]
    pub actor_ids: Vec<i64>,
    #[ts(type = "Array<number>")]
    pub member_ids: Vec<i64>,
    pub follow_ups: Vec<FollowUp>,
    /// Where it took place: a commune of the list (a current or former INSEE code).
    #[serde(default)]
    pub insee: Option<String>,
}

pub struct ValidMember {
    pub name: String,
    pub role: String,
    pub structure: String,
    pub is_user: bool,
}

pub struct ValidLink {
    pub actor_a: i64,
    pub actor_b: i64,
    pub nature: LinkNature,
    pub strength: i64,
    pub since: Option<NaiveDate>,
    pub notes: String,
    pub introduced_by: Option<Introducer>,
    pub meeting_id: Option<i64>,
}

pub struct ValidFollowUp {
    pub text: String,
    pub due_date: Option<NaiveDate>,
    pub done: bool,
}

pub struct ValidMeeting {
    pub date: NaiveDate,
    pub kind: MeetingKind,
    pub title: String,
    pub practice: Option<Practice>,
    pub activity: Option<i64>,
    pub notes: String,
    pub minutes_spent: i64,
    /// A current commune's INSEE code.
    pub insee: Option<String>,
    pub actor_ids: Vec<i64>,
    pub member_ids: Vec<i64>,
    pub follow_ups: Vec<ValidFollowUp>,
}

fn dedup(ids: &[i64]) -> Vec<i64> {
    let mut out: Vec<i64> = Vec::with_capacity(ids.len());
    for id in ids {
        if !out.contains(id) {
            out.push(*id);
        }
    }
    out
}

/// Reads typed hours (`1,5`, `2`, `0,25`) as minutes, rounded to the minute.
pub fn parse_hours(input: &str) -> CoreResult<i64> {
    let s = input.trim().trim_end_matches('h').trim().replace(',', ".");
    if s.is_empty() {
        return Ok(0);
    }
    match s.parse::<f64>() {
        Ok(h) if h.is_finite() && (0.0..=1000.0).contains(&h) => Ok((h * 60.0).round() as i64),
        _ => Err(CoreError::validation(
            "hours",
            "hours.invalid",
            format!(
                "Le temps passé n'est pas un nombre d'heures valide : « {} » (entre 0 et 1 000, par exemple 1,5).",
                truncate_for_message(input)
            ),
        )),
    }
}

impl MemberInput {
    pub fn validate(&self) -> CoreResult<ValidMember> {
        Ok(ValidMember {
            name: single_line("name", "Le nom du membre", &self.name, NAME_MAX, true)?,
            role: single_line("role", "La fonction", &self.role, SHORT_MAX, false)?,
            structure: single_line(
                "structure",
                "La structure",
                &self.structure,
                SHORT_MAX,
                false,
            )?,
            is_user: self.is_user,
        })
    }
}

impl LinkInput {
    pub fn validate(&self) -> CoreResult<ValidLink> {
        if self.actor_a == self.actor_b {
            return Err(CoreError::validation(
                "actor_b",
                "link.same_actor",
                "Un lien relie deux acteurs différents.",
            ));
        }
        if !(1..=3).contains(&self.strength) {
            return Err(CoreError::validation(
                "strength",
                "link.strength",
                format!("La force du lien va de 1 à 3 (reçu : {}).", self.strength),
            ));
        }
        if let Some(Introducer::Actor(id)) = self.introduced_by {
            if id == self.actor_a || id == self.actor_b {
                return Err(CoreError::validation(
                    "introduced_by",
                    "link.self_introduction",
                    "L'acteur qui a fait la présentation doit être un tiers, pas l'un des deux acteurs reliés.",
                ));
            }
        }
        Ok(ValidLink {
            actor_a: self.actor_a,
            actor_b: self.actor_b,
            nature: LinkNature::parse("nature", &self.nature)?,
            strength: self.strength,
            since: optional_date("since", "La date de début du lien", &self.since)?,
            notes: multi_line("notes", "Les notes", &self.notes, LONG_MAX)?,
            introduced_by: self.introduced_by,
            meeting_id: self.meeting_id,
        })
    }
}

impl MeetingInput {
    pub fn validate(&self) -> CoreResult<ValidMeeting> {
        let date = optional_date("date", "La date de la rencontre", &Some(self.date.clone()))?
            .ok_or_else(|| {
                CoreError::validation(
                    "date",
                    "text.empty",
                    "La date de la rencontre est obligatoire.",
                )
            })?;
        let (practice, activity) = practice_and_activity(&self.practice, self.activity)?;
        let mut follow_ups = Vec::new();
        for f in &self.follow_ups {
            follow_ups.push(ValidFollowUp {
                text: single_line("follow_ups", "Une suite à donner", &f.text, 1000, true)?,
                due_date: optional_date(
                    "follow_ups",
                    "L'échéance d'une suite à donner",
                    &f.due_date,
                )?,
                done: f.done,
            });
        }
        Ok(ValidMeeting {
            date,
            kind: MeetingKind::parse("kind", &self.kind)?,
            title: single_line(
                "title",
                "L'intitulé de la rencontre",
                &self.title,
                SHORT_MAX,
                true,
            )?,
            practice,
            activity,
            notes: multi_line("notes", "Les notes", &self.notes, LONG_MAX)?,
            minutes_spent: parse_hours(&self.hours)?,
            insee: crate::geo::place::checked("insee", self.insee.as_deref())?.map(|p| p.insee),
            actor_ids: dedup(&self.actor_ids),
            member_ids: dedup(&self.member_ids),
            follow_ups,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link() -> LinkInput {
        LinkInput {
            actor_a: 1,
            actor_b: 2,
            nature: "partnership".into(),
            strength: 2,
            since: Some("2025-04-01".into()),
            notes: "".into(),
            introduced_by: Some(Introducer::Member(1)),
            meeting_id: None,
        }
    }

    #[test]
    fn link_rules() {
        assert!(link().validate().is_ok());
        let mut l = link();
        l.actor_b = 1;
        assert_eq!(l.validate().err().unwrap().code(), Some("link.same_actor"));
        let mut l = link();
        l.strength = 4;
        assert_eq!(l.validate().err().unwrap().field(), Some("strength"));
        let mut l = link();
        l.introduced_by = Some(Introducer::Actor(2));
        assert_eq!(
            l.validate().err().unwrap().code(),
            Some("link.self_introduction")
        );
        let mut l = link();
        l.nature = "amitié".into();
        assert!(l
            .validate()
            .err()
            .unwrap()
            .to_string()
            .contains("Nature du lien inconnu"));
    }

    #[test]
    fn introducer_serialises_with_its_kind() {
        let j = serde_json::to_string(&Introducer::Member(4)).unwrap();
        assert_eq!(j, r#"{"kind":"member","id":4}"#);
        let back: Introducer = serde_json::from_str(r#"{"kind":"actor","id":9}"#).unwrap();
        assert_eq!(back, Introducer::Actor(9));
    }

    #[test]
    fn hours_are_read_the_french_way() {
        assert_eq!(parse_hours("1,5").unwrap(), 90);
        assert_eq!(parse_hours(" 2 h").unwrap(), 120);
        assert_eq!(parse_hours("").unwrap(), 0);
        assert_eq!(parse_hours("0,25").unwrap(), 15);
        assert_eq!(
            parse_hours("-1").err().unwrap().code(),
            Some("hours.invalid")
        );
        assert_eq!(
            parse_hours("beaucoup").err().unwrap().code(),
            Some("hours.invalid")
        );
    }

    #[test]
    fn meeting_needs_a_date_and_valid_hours() {
        let m = MeetingInput {
            date: "2026-03-12".into(),
            kind: "workshop".into(),
            title: "Atelier mobilité".into(),
            insee: None,
            practice: Some("experimentation".into()),
            activity: Some(2),
            notes: "".into(),
            hours: "3,5".into(),
            actor_ids: vec![1, 2, 1],
            member_ids: vec![1],
            follow_ups: vec![FollowUp {
                text: "Envoyer le compte rendu".into(),
                due_date: Some("2026-03-19".into()),
                done: false,
            }],
        };
        let v = m.validate().unwrap();
        assert_eq!(v.minutes_spent, 210);
        assert_eq!(v.actor_ids, vec![1, 2]);
        let bad = MeetingInput {
            date: "".into(),
            ..m.clone()
        };
        assert_eq!(bad.validate().err().unwrap().field(), Some("date"));
        let bad = MeetingInput {
            kind: "apéro".into(),
            ..m
        };
        assert_eq!(bad.validate().err().unwrap().field(), Some("kind"));
    }
}
