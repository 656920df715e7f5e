//! An actor, and what the workspace keeps about it beyond its identity: the people to reach
//! there (contacts, personal data) and its profile (needs, contributions, influence and
//! interest, tags). Types and validation here; queries in `store.rs`, `contact.rs` and
//! `profile.rs`.

use crate::shared::domain::{
    multi_line, single_line, truncate_for_message, Engagement, World, LONG_MAX, NAME_MAX, SHORT_MAX,
};
use crate::shared::error::{CoreError, CoreResult};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An actor of the territory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Actor {
    #[ts(type = "number")]
    pub id: i64,
    /// Stable identity (UUID version 7), kept by edits, undo, backups and exports.
    pub uid: String,
    pub name: String,
    pub world: World,
    pub commune: String,
    /// Its commune's INSEE code, when placed in the list Catalyse ships.
    pub insee: Option<String>,
    pub engagement: Engagement,
    pub notes: String,
    /// Creation time, RFC 3339 in UTC.
    pub created_at: String,
    /// Last change, RFC 3339 in UTC.
    pub updated_at: String,
}

/// What the user submits to create or edit an actor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ActorInput {
    pub name: String,
    #[ts(as = "World")]
    pub world: String,
    /// As written; replaced by the list's name of the commune when `insee` is given.
    pub commune: String,
    /// The commune picked in the list (a current or former INSEE code); `None`: not placed.
    #[serde(default)]
    pub insee: Option<String>,
    #[ts(as = "Engagement")]
    pub engagement: String,
    pub notes: String,
}

/// A validated actor, ready to be written.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidActor {
    pub name: String,
    pub world: World,
    pub commune: String,
    /// A current commune's INSEE code.
    pub insee: Option<String>,
    pub engagement: Engagement,
    pub notes: String,
}

impl ActorInput {
    /// Checks every field; the first problem found is returned with a French message.
    pub fn validate(&self) -> CoreResult<ValidActor> {
        let place = crate::geo::place::checked("insee", self.insee.as_deref())?;
        Ok(ValidActor {
            name: single_line("name", "Le nom de l'acteur", &self.name, NAME_MAX, true)?,
            world: World::parse("world", &self.world)?,
            commune: match &place {
                Some(p) => p.name.clone(),
                None => single_line("commune", "La commune", &self.commune, SHORT_MAX, false)?,
            },
            insee: place.map(|p| p.insee),
            engagement: Engagement::parse("engagement", &self.engagement)?,
            notes: multi_line("notes", "Les notes", &self.notes, LONG_MAX)?,
        })
    }
}

/// A person to reach at an actor (personal data: see RGPD).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Contact {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub actor_id: i64,
    pub name: String,
    pub role: String,
    pub email: String,
    pub phone: String,
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ContactInput {
    pub name: String,
    pub role: String,
    pub email: String,
    pub phone: String,
    pub notes: String,
}

/// What the actor card adds to an actor: needs, contributions, influence and interest, tags.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ActorProfile {
    pub needs: String,
    pub contributions: String,
    /// 1 to 5, if assessed.
    #[ts(type = "number | null")]
    pub influence: Option<i64>,
    /// 1 to 5, if assessed.
    #[ts(type = "number | null")]
    pub interest: Option<i64>,
    pub tags: Vec<String>,
}

pub struct ValidContact {
    pub name: String,
    pub role: String,
    pub email: String,
    pub phone: String,
    pub notes: String,
}

/// Most tags an actor can carry, and the longest tag.
pub const TAGS_MAX: usize = 30;
pub const TAG_LEN_MAX: usize = 60;

fn score(field: &'static str, label: &str, v: Option<i64>) -> CoreResult<Option<i64>> {
    match v {
        None => Ok(None),
        Some(x) if (1..=5).contains(&x) => Ok(Some(x)),
        Some(x) => Err(CoreError::validation(
            field,
            "score.range",
            format!("{label} va de 1 à 5 (reçu : {x})."),
        )),
    }
}

impl ContactInput {
    pub fn validate(&self) -> CoreResult<ValidContact> {
        let email = single_line(
            "email",
            "L'adresse électronique",
            &self.email,
            SHORT_MAX,
            false,
        )?;
        if !email.is_empty() {
            let ok = email.split_once('@').is_some_and(|(user, domain)| {
                !user.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            }) && !email.contains(char::is_whitespace);
            if !ok {
                return Err(CoreError::validation(
                    "email",
                    "email.invalid",
                    format!(
                        "L'adresse électronique n'est pas valide : « {} ».",
                        truncate_for_message(&email)
                    ),
                ));
            }
        }
        let phone = single_line("phone", "Le téléphone", &self.phone, 40, false)?;
        if phone
            .chars()
            .any(|c| !(c.is_ascii_digit() || " +().-/".contains(c)))
        {
            return Err(CoreError::validation(
                "phone",
                "phone.invalid",
                "Le téléphone ne peut contenir que des chiffres, des espaces et les signes + ( ) . - /.",
            ));
        }
        Ok(ValidContact {
            name: single_line("name", "Le nom du contact", &self.name, NAME_MAX, true)?,
            role: single_line("role", "La fonction", &self.role, SHORT_MAX, false)?,
            email,
            phone,
            notes: multi_line("notes", "Les notes", &self.notes, LONG_MAX)?,
        })
    }
}

impl ActorProfile {
    /// Checks and normalises the profile (tags trimmed, without duplicates, case kept).
    pub fn validate(&self) -> CoreResult<ActorProfile> {
        let mut tags: Vec<String> = Vec::new();
        for t in &self.tags {
            let t = single_line("tags", "Une étiquette", t, TAG_LEN_MAX, false)?;
            if !t.is_empty() && !tags.iter().any(|x| x.to_lowercase() == t.to_lowercase()) {
                tags.push(t);
            }
        }
        if tags.len() > TAGS_MAX {
            return Err(CoreError::validation(
                "tags",
                "tags.too_many",
                format!("Trop d'étiquettes ({} ; {TAGS_MAX} au plus).", tags.len()),
            ));
        }
        Ok(ActorProfile {
            needs: multi_line("needs", "Les besoins", &self.needs, LONG_MAX)?,
            contributions: multi_line(
                "contributions",
                "Les contributions",
                &self.contributions,
                LONG_MAX,
            )?,
            influence: score("influence", "L'influence", self.influence)?,
            interest: score("interest", "L'intérêt", self.interest)?,
            tags,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_check_email_and_phone() {
        let c = ContactInput {
            name: "Camille Martin".into(),
            role: "Directrice".into(),
            email: "camille.martin@exemple.fr".into(),
            phone: "+33 (0)4 92 00 00 00".into(),
            notes: "".into(),
        };
        assert!(c.validate().is_ok());
        for bad in ["camille", "a@b", "a b@exemple.fr", "@exemple.fr"] {
            let c = ContactInput {
                email: bad.into(),
                ..c.clone()
            };
            assert_eq!(
                c.validate().err().unwrap().code(),
                Some("email.invalid"),
                "{bad}"
            );
        }
        let c = ContactInput {
            phone: "04 92 <script>".into(),
            ..c
        };
        assert_eq!(c.validate().err().unwrap().field(), Some("phone"));
    }

    #[test]
    fn profile_scores_and_tags() {
        let p = ActorProfile {
            needs: "".into(),
            contributions: "".into(),
            influence: Some(5),
            interest: Some(1),
            tags: vec![
                " mobilité ".into(),
                "Mobilité".into(),
                "".into(),
                "ESS".into(),
            ],
        };
        assert_eq!(p.validate().unwrap().tags, vec!["mobilité", "ESS"]);
        let p = ActorProfile {
            influence: Some(6),
            ..p
        };
        assert_eq!(p.validate().err().unwrap().field(), Some("influence"));
    }
}
