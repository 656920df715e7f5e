//! A link's row checked: its two actors, its nature, strength and date, who introduced it.

use super::rows::RowReader;
use crate::exchange::{names::*, problems::*};
use crate::network::{Introducer, LinkInput, ValidLink};
use crate::shared::domain::LinkNature;

pub(super) fn prepare_link(r: &mut RowReader, names: &Names) -> Option<ValidLink> {
    let nature = r.enumerated::<LinkNature>("nature", true);
    let strength = r.number("strength", 1..=3);
    let since = r.date("since");
    let mut ends = [None, None];
    for (i, (key, commune)) in [("actor_a", "commune_a"), ("actor_b", "commune_b")]
        .into_iter()
        .enumerate()
    {
        let name = r.text(key);
        if name.is_empty() {
            r.problem(key, required_value());
            continue;
        }
        match names.actor(name, r.text(commune)) {
            Ok(id) => ends[i] = Some(id),
            Err(m) => r.problem(key, m),
        }
    }
    let by = r.text("introduced_by");
    let introduced_by = if by.is_empty() {
        Some(None)
    } else {
        match names.member(by) {
            Some(Ok(m)) => Some(Some(Introducer::Member(m))),
            Some(Err(msg)) => {
                r.problem("introduced_by", msg);
                None
            }
            None => match names.actor(by, "") {
                Ok(a) => Some(Some(Introducer::Actor(a))),
                Err(_) => {
                    let said = Said::new(
                        "introducer.unknown",
                        format!(
                            "« {} » n'est ni un membre de l'équipe ni un acteur connu (ou plusieurs acteurs portent ce nom).",
                            crate::shared::domain::truncate_for_message(by)
                        ),
                    )
                    .value(by);
                    r.problem("introduced_by", said);
                    None
                }
            },
        }
    };
    let input = LinkInput {
        actor_a: ends[0]?,
        actor_b: ends[1]?,
        nature: nature.ok()??.code().to_string(),
        strength: strength.ok()?.unwrap_or(2),
        since: since.ok()?,
        notes: r.get("notes"),
        introduced_by: introduced_by?,
        meeting_id: None,
    };
    match input.validate() {
        Ok(v) => Some(v),
        Err(e) => {
            r.error(
                |f| match f {
                    "actor_a" => "actor_a",
                    "actor_b" => "actor_b",
                    "introduced_by" => "introduced_by",
                    "notes" => "notes",
                    _ => "",
                },
                e,
            );
            None
        }
    }
}
