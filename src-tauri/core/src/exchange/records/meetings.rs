//! A meeting's row checked: date, kind, practice and activity, hours, participants.

use super::rows::{split_list, RowReader};
use crate::exchange::{names::*, problems::*};
use crate::network::{parse_hours, FollowUp, MeetingInput, ValidMeeting};
use crate::shared::domain::{MeetingKind, Practice};
use crate::shared::text::fold;

pub(super) fn prepare_meeting(
    r: &mut RowReader,
    names: &Names,
    within: &[String],
) -> Option<ValidMeeting> {
    let date = r.date("date");
    let place = r.place(within);
    let kind = r.enumerated::<MeetingKind>("kind", true);
    let practice = r.enumerated::<Practice>("practice", false).ok().flatten();
    let activity = prepare_activity(r, practice);
    let hours = r.get("hours");
    if !hours.is_empty() {
        if let Err(e) = parse_hours(&hours) {
            r.error(|_| "hours", e);
        }
    }
    let mut actor_ids = Vec::new();
    for name in split_list(&r.get("actors")) {
        match names.actor(&name, "") {
            Ok(id) => actor_ids.push(id),
            Err(m) => r.problem("actors", m),
        }
    }
    let mut member_ids = Vec::new();
    for name in split_list(&r.get("members")) {
        match names.member(&name) {
            Some(Ok(id)) => member_ids.push(id),
            Some(Err(m)) => r.problem("members", m),
            None => r.problem(
                "members",
                Said::new(
                    "member.unknown",
                    format!(
                        "« {} » n'est pas un membre de l'équipe.",
                        crate::shared::domain::truncate_for_message(&name)
                    ),
                )
                .value(&name),
            ),
        }
    }
    if !r.problems.is_empty() {
        return None;
    }
    let input = MeetingInput {
        date: date.ok()?.unwrap_or_default(),
        kind: kind.ok()??.code().to_string(),
        title: r.get("title"),
        insee: place?,
        practice: practice.map(|p| p.code().to_string()),
        activity: activity?,
        notes: r.get("notes"),
        hours,
        actor_ids,
        member_ids,
        follow_ups: Vec::<FollowUp>::new(),
    };
    match input.validate() {
        Ok(v) => Some(v),
        Err(e) => {
            r.error(
                |f| match f {
                    "date" => "date",
                    "title" => "title",
                    "practice" => "practice",
                    "activity" => "activity",
                    "notes" => "notes",
                    "hours" => "hours",
                    "insee" => "insee",
                    _ => "",
                },
                e,
            );
            None
        }
    }
}

/// The row's activity, by its number or its words within the row's practice: `Some(None)`
/// when empty, `None` when reported.
fn prepare_activity(r: &mut RowReader, practice: Option<Practice>) -> Option<Option<i64>> {
    let activity_text = r.get("activity");
    if activity_text.is_empty() {
        Some(None)
    } else if let Ok(n) = activity_text.parse::<i64>() {
        Some(Some(n))
    } else {
        // The activity's own words, as the deck gives them.
        let f = fold(&activity_text);
        let found = practice.and_then(|p| {
            p.activities()
                .iter()
                .position(|a| fold(a) == f)
                .map(|i| i as i64 + 1)
        });
        if found.is_none() {
            let said = Said::new(
                "activity.unknown",
                format!(
                    "activité inconnue : « {} » (un numéro de 1 à 4, ou l'intitulé exact d'une activité de la pratique).",
                    crate::shared::domain::truncate_for_message(&activity_text)
                ),
            )
            .value(&activity_text);
            r.problem("activity", said);
        }
        found.map(Some)
    }
}
