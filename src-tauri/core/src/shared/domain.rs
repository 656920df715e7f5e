//! The checks every text, date and identity entering a workspace passes, shared by every
//! domain's validation. The code enumerations are [`crate::shared::codes`]'s (re-exported
//! here).

use crate::shared::error::{CoreError, CoreResult};
use chrono::NaiveDate;

pub use crate::shared::codes::*;
pub(crate) use crate::shared::text::truncate_for_message;

/// Checks a record identity that arrives from outside (IPC, a file): a UUID, hyphenated, in
/// lower case, as `catalyse_uid()` writes it.
pub fn valid_uid(field: &'static str, value: &str) -> CoreResult<String> {
    match uuid::Uuid::parse_str(value) {
        Ok(u) if u.hyphenated().to_string() == value => Ok(value.to_string()),
        _ => Err(CoreError::validation(
            field,
            "uid.invalid",
            format!(
                "Identifiant d'enregistrement invalide : « {} ».",
                truncate_for_message(value)
            ),
        )),
    }
}

/// Maximum length of a name (actor, territory), in characters.
pub const NAME_MAX: usize = 200;
/// Maximum length of a short text (commune, title), in characters.
pub const SHORT_MAX: usize = 300;
/// Maximum length of a long text (notes, vision), in characters.
pub const LONG_MAX: usize = 20_000;

/// Reads an optional practice code and an optional activity number (1 to 4), which needs a
/// practice. Shared by actions and meetings.
pub(crate) fn practice_and_activity(
    practice: &Option<String>,
    activity: Option<i64>,
) -> CoreResult<(Option<Practice>, Option<i64>)> {
    let practice = practice
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| Practice::parse("practice", p))
        .transpose()?;
    let activity = match (practice, activity) {
        (_, None) => None,
        (None, Some(_)) => {
            return Err(CoreError::validation(
                "activity",
                "activity.without_practice",
                "Choisissez d'abord la pratique de catalyse à laquelle l'activité appartient.",
            ))
        }
        (Some(_), Some(a)) if (1..=4).contains(&a) => Some(a),
        (Some(_), Some(a)) => {
            return Err(CoreError::validation(
                "activity",
                "activity.unknown",
                format!("Activité inconnue : {a} (chaque pratique en compte quatre)."),
            ))
        }
    };
    Ok((practice, activity))
}

/// The first character of `text` that no text of a workspace may hold: a control character
/// other than tab, line feed and carriage return (C0, DEL, C1; XML 1.0, and so the DOCX
/// export, forbids most of them). The one rule for every way text comes in: the forms and
/// IPC (`single_line`, which also refuses line breaks, and `multi_line`), the imports (which
/// go through the same `validate()`), the workspace JSON (each `TEXT` value).
pub fn forbidden_control(text: &str) -> Option<char> {
    text.chars()
        .find(|&c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// `text` without what an exported document must never print: the control characters
/// [`forbidden_control`] refuses, and U+FFFE and U+FFFF (not XML 1.0 characters either). A
/// file crafted outside Catalyse may hold anything, so the exports clean what they read
/// whatever the validation let in.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let unwanted = |c: char| {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
    };
    if text.contains(unwanted) {
        std::borrow::Cow::Owned(text.chars().filter(|&c| !unwanted(c)).collect())
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Trims a one-line text and checks its length and characters.
pub(crate) fn single_line(
    field: &'static str,
    label: &str,
    value: &str,
    max: usize,
    required: bool,
) -> CoreResult<String> {
    let v = value.trim();
    if required && v.is_empty() {
        return Err(CoreError::validation(
            field,
            "text.empty",
            format!("{label} est obligatoire."),
        ));
    }
    if v.chars().any(|c| c.is_control()) {
        return Err(CoreError::validation(
            field,
            "text.control",
            format!("{label} contient des caractères de contrôle (retour à la ligne, tabulation…) ; une seule ligne est attendue."),
        ));
    }
    check_length(field, label, v, max)?;
    Ok(v.to_string())
}

/// Trims a multi-line text; only line breaks and tabs are allowed among control characters.
pub(crate) fn multi_line(
    field: &'static str,
    label: &str,
    value: &str,
    max: usize,
) -> CoreResult<String> {
    let v = value.trim();
    if forbidden_control(v).is_some() {
        return Err(CoreError::validation(
            field,
            "text.control",
            format!("{label} contiennent des caractères de contrôle non imprimables."),
        ));
    }
    check_length(field, label, v, max)?;
    Ok(v.replace("\r\n", "\n"))
}

fn check_length(field: &'static str, label: &str, v: &str, max: usize) -> CoreResult<()> {
    let n = v.chars().count();
    if n > max {
        return Err(CoreError::validation(
            field,
            "text.too_long",
            format!("{label} est trop long ({n} caractères, {max} au plus)."),
        ));
    }
    Ok(())
}

/// Parses an optional ISO date (`AAAA-MM-JJ`); an empty string means "not set".
pub(crate) fn optional_date(
    field: &'static str,
    label: &str,
    value: &Option<String>,
) -> CoreResult<Option<NaiveDate>> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                CoreError::validation(
                    field,
                    "date.invalid",
                    format!(
                        "{label} n'est pas une date valide : « {} » (format attendu : AAAA-MM-JJ).",
                        truncate_for_message(s)
                    ),
                )
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actors::ActorInput;
    use crate::project::{NewWorkspace, ProjectHeaderInput};

    fn actor(name: &str, world: &str) -> ActorInput {
        ActorInput {
            name: name.into(),
            world: world.into(),
            commune: "Larrieu".into(),
            insee: None,
            engagement: "partner".into(),
            notes: String::new(),
        }
    }

    #[test]
    fn actor_name_is_required_and_trimmed() {
        let e = actor("   ", "business").validate().unwrap_err();
        assert_eq!(e.kind(), "validation");
        assert_eq!(e.field(), Some("name"));
        assert_eq!(e.to_string(), "Le nom de l'acteur est obligatoire.");
        let ok = actor("  Scierie Blanc  ", "business").validate().unwrap();
        assert_eq!(ok.name, "Scierie Blanc");
        assert_eq!(ok.world, World::Business);
        assert_eq!(ok.engagement, Engagement::Partner);
    }

    #[test]
    fn actor_name_length_is_bounded() {
        let long = "é".repeat(NAME_MAX + 1);
        let e = actor(&long, "state").validate().unwrap_err();
        assert_eq!(e.code(), Some("text.too_long"));
        assert!(e.to_string().contains("201 caractères"));
        assert!(actor(&"é".repeat(NAME_MAX), "state").validate().is_ok());
    }

    #[test]
    fn unknown_world_is_named_in_french() {
        let e = actor("X", "martians").validate().unwrap_err();
        assert_eq!(e.field(), Some("world"));
        let msg = e.to_string();
        assert!(msg.starts_with("Monde inconnu : « martians »"), "{msg}");
        assert!(msg.contains("Association / ESS"));
    }

    #[test]
    fn control_characters_are_refused_in_names_but_newlines_allowed_in_notes() {
        assert_eq!(
            actor("A\u{0007}B", "state").validate().unwrap_err().code(),
            Some("text.control")
        );
        let mut a = actor("A", "state");
        a.notes = "ligne 1\r\nligne 2\tfin".into();
        assert_eq!(a.validate().unwrap().notes, "ligne 1\nligne 2\tfin");
        a.notes = "x\u{0000}".into();
        assert!(a.validate().is_err());
    }

    #[test]
    fn every_code_round_trips() {
        for w in World::ALL {
            assert_eq!(World::parse("world", w.code()).unwrap(), *w);
        }
        for e in Engagement::ALL {
            assert_eq!(Engagement::parse("engagement", e.code()).unwrap(), *e);
        }
        for k in TerritoryKind::ALL {
            assert_eq!(TerritoryKind::parse("k", k.code()).unwrap(), *k);
        }
        for s in ProjectStatus::ALL {
            assert_eq!(ProjectStatus::parse("s", s.code()).unwrap(), *s);
        }
        assert_eq!(World::ALL.len(), 8);
        assert_eq!(Engagement::ALL.len(), 5);
    }

    fn header() -> ProjectHeaderInput {
        ProjectHeaderInput {
            territory_name: "PETR du Haut-Verdanson".into(),
            territory_kind: "petr".into(),
            title: "Projet de territoire 2024-2030".into(),
            vision: "Une vallée vivante".into(),
            status: "adopted".into(),
            period_start: Some("2024-01-01".into()),
            period_end: Some("2030-12-31".into()),
            adoption_date: Some(String::new()),
        }
    }

    #[test]
    fn header_period_must_be_ordered() {
        assert!(header().validate().is_ok());
        assert_eq!(header().validate().unwrap().adoption_date, None);
        let mut h = header();
        h.period_end = Some("2023-12-31".into());
        let e = h.validate().unwrap_err();
        assert_eq!(e.code(), Some("project.period.order"));
        assert_eq!(e.field(), Some("period_end"));
    }

    #[test]
    fn header_dates_must_be_iso() {
        let mut h = header();
        h.period_start = Some("31/12/2024".into());
        let e = h.validate().unwrap_err();
        assert_eq!(e.code(), Some("date.invalid"));
        assert!(e.to_string().contains("AAAA-MM-JJ"));
    }

    #[test]
    fn new_workspace_needs_name_kind_and_title() {
        let nw = NewWorkspace {
            territory_name: "PETR".into(),
            territory_kind: "petr".into(),
            project_title: "".into(),
        };
        assert_eq!(nw.validate().unwrap_err().field(), Some("project_title"));
        let nw = NewWorkspace {
            project_title: "T".into(),
            territory_kind: "canton".into(),
            ..nw
        };
        assert_eq!(nw.validate().unwrap_err().field(), Some("territory_kind"));
    }
}
