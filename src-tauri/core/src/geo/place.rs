//! A commune written as free text placed in the list: used once by migration 17 on the
//! actors' communes (through the SQL function `catalyse_place`), and by imports.

use super::communes::{cog, NameMatch};
use crate::shared::error::{CoreError, CoreResult};

/// A commune picked for a record: the current commune of the code given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    /// The current commune's INSEE code.
    pub insee: String,
    /// Its name in the list.
    pub name: String,
    /// The former commune or arrondissement the code given was, when it was not the
    /// commune's own.
    pub via: Option<String>,
}

/// The commune of code `code` (a current INSEE code, a former one after a merger, or an
/// arrondissement's), for the field `field`; `None` when no code is given (empty or absent);
/// an error naming the code when the list does not know it.
pub fn checked(field: &'static str, code: Option<&str>) -> CoreResult<Option<Placed>> {
    let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    match cog().current_of(code) {
        Some((c, alias)) => Ok(Some(Placed {
            insee: c.insee.clone(),
            name: c.name.clone(),
            via: alias.map(|a| {
                if a.name.is_empty() {
                    a.code.clone()
                } else {
                    a.name.clone()
                }
            }),
        })),
        None => Err(CoreError::validation(
            field,
            "insee.unknown",
            format!(
                "Le code commune « {} » n'est pas un code INSEE de la liste des communes de France.",
                crate::shared::text::truncate_for_message(code)
            ),
        )),
    }
}

/// The name the list gives the commune of INSEE code `insee` (`None` for none, or for a code
/// the list does not know: a record written by a later list).
pub fn name_of(insee: Option<&str>) -> Option<String> {
    insee.and_then(|c| cog().commune(c)).map(|c| c.name.clone())
}

/// The distinct départements of the communes of INSEE codes `codes` (current codes of the
/// list; others are skipped), in their order of appearance.
pub fn departements_of<'a>(codes: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for code in codes {
        if let Some(c) = cog().commune(code.trim()) {
            if !out.contains(&c.departement) {
                out.push(c.departement.clone());
            }
        }
    }
    out
}

/// The INSEE code of the one current commune the free text `name` names, first within the
/// départements `within`, then in all of France (see [`super::communes::Cog::match_name`]);
/// `None` when it names none or several (never guessed).
pub fn place(name: &str, within: &[String]) -> Option<String> {
    if name.trim().is_empty() {
        return None;
    }
    let within: Vec<&str> = within.iter().map(String::as_str).collect();
    match cog().match_name(name, &within) {
        NameMatch::One { insee, .. } => Some(insee),
        NameMatch::Ambiguous(_) | NameMatch::Unknown => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_free_text_commune_is_placed_only_when_one_commune_bears_it() {
        // Saint-Brieuc is one commune of France.
        assert_eq!(place("st brieuc", &[]).as_deref(), Some("22278"));
        assert_eq!(place("SAINT-BRIEUC", &[]).as_deref(), Some("22278"));
        // Several Sainte-Colombe in France: not guessed, unless the territory chooses.
        assert_eq!(place("Sainte-Colombe", &[]), None);
        assert_eq!(
            place("Sainte-Colombe", &departements_of(["35238", "nope"])).as_deref(),
            Some("35262")
        );
        assert_eq!(place("", &[]), None);
        assert_eq!(place("Trifouillis-les-Oies", &[]), None);
        assert_eq!(
            departements_of(["22278", "22001", "35238", "99999"]),
            ["22", "35"]
        );
    }

    #[test]
    fn a_picked_code_is_a_current_commune_or_leads_to_one() {
        assert_eq!(checked("insee", None).unwrap(), None);
        assert_eq!(checked("insee", Some("  ")).unwrap(), None);
        let p = checked("insee", Some("22278")).unwrap().unwrap();
        assert_eq!(
            (p.insee.as_str(), p.name.as_str(), p.via),
            ("22278", "Saint-Brieuc", None)
        );
        // A former code after a merger leads to its current commune and says so.
        let former = cog()
            .aliases
            .iter()
            .find(|a| a.kind != crate::geo::communes::AliasKind::Arrondissement)
            .unwrap();
        let p = checked("insee", Some(&former.code)).unwrap().unwrap();
        assert_eq!(p.insee, former.insee);
        assert!(p.via.is_some());
        let e = checked("insee", Some("99999")).unwrap_err();
        assert!(e.to_string().contains("« 99999 »"), "{e}");
    }
}
