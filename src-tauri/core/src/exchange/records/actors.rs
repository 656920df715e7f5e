//! An actor's row checked: the actor, its profile and its contact.

use super::rows::RowReader;
use crate::actors::ActorInput;
use crate::network::{ActorProfile, ContactInput, ValidContact};
use crate::shared::domain::{Engagement, World};

/// An actor's row checked: what the commit (`commit.rs`) writes.
pub(super) struct PreparedActor {
    pub(super) actor: crate::actors::ValidActor,
    pub(super) profile: ActorProfile,
    pub(super) contact: Option<ValidContact>,
}

fn actor_field_key(field: &str) -> &'static str {
    match field {
        "name" => "name",
        "world" => "world",
        "commune" => "commune",
        "insee" => "insee",
        "engagement" => "engagement",
        "needs" => "needs",
        "contributions" => "contributions",
        "tags" => "tags",
        "influence" => "influence",
        "interest" => "interest",
        "notes" => "notes",
        _ => "",
    }
}

fn contact_field_key(field: &str) -> &'static str {
    match field {
        "name" => "contact_name",
        "role" => "contact_role",
        "email" => "contact_email",
        "phone" => "contact_phone",
        _ => "",
    }
}

pub(super) fn prepare_actor(r: &mut RowReader, within: &[String]) -> Option<PreparedActor> {
    let place = r.place(within);
    let world = r.enumerated::<World>("world", true);
    let engagement = r.enumerated::<Engagement>("engagement", false);
    let influence = r.number("influence", 1..=5);
    let interest = r.number("interest", 1..=5);
    // Placeholders where the coded values failed, so that the other fields are still checked.
    let input = ActorInput {
        name: r.get("name"),
        world: world
            .ok()
            .flatten()
            .unwrap_or(World::Association)
            .code()
            .to_string(),
        commune: r.get("commune"),
        insee: place.clone().flatten(),
        engagement: engagement
            .ok()
            .flatten()
            .unwrap_or(Engagement::Informed)
            .code()
            .to_string(),
        notes: r.get("notes"),
    };
    let contact_input = ContactInput {
        name: r.get("contact_name"),
        role: r.get("contact_role"),
        email: r.get("contact_email"),
        phone: r.get("contact_phone"),
        notes: String::new(),
    };
    let profile = ActorProfile {
        needs: r.get("needs"),
        contributions: r.get("contributions"),
        influence: influence.ok().flatten(),
        interest: interest.ok().flatten(),
        tags: r
            .get("tags")
            .split([',', ';', '|'])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect(),
    };
    let actor = match input.validate() {
        Ok(a) => Some(a),
        Err(e) => {
            r.error(actor_field_key, e);
            None
        }
    };
    let profile = match profile.validate() {
        Ok(p) => Some(p),
        Err(e) => {
            r.error(actor_field_key, e);
            None
        }
    };
    let contact = prepare_contact(r, contact_input);
    if world.is_err() || engagement.is_err() || influence.is_err() || interest.is_err() {
        return None;
    }
    // An unknown or ambiguous commune was reported.
    place.as_ref()?;
    Some(PreparedActor {
        actor: actor?,
        profile: profile?,
        contact: contact?,
    })
}

/// The row's contact: `Some(None)` when the row names none, `None` when it is reported.
fn prepare_contact(r: &mut RowReader, contact_input: ContactInput) -> Option<Option<ValidContact>> {
    let has_contact = [
        &contact_input.name,
        &contact_input.role,
        &contact_input.email,
        &contact_input.phone,
    ]
    .iter()
    .any(|v| !v.is_empty());
    if has_contact {
        let mut c = contact_input;
        if c.name.is_empty() {
            // A row with an email but no person: the contact takes the role, or "Contact".
            c.name = if c.role.is_empty() {
                "Contact".into()
            } else {
                c.role.clone()
            };
        }
        match c.validate() {
            Ok(v) => Some(Some(v)),
            Err(e) => {
                r.error(contact_field_key, e);
                None
            }
        }
    } else {
        Some(None)
    }
}
