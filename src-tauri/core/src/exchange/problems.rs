//! What an import finds wrong: the problems, their codes (said in every language by the UI)
//! and the error that refuses an import.

use crate::shared::error::CoreError;
use serde::Serialize;
use std::collections::BTreeMap;
use ts_rs::TS;

/// A problem found in the file: its line (0 for the file as a whole) and column.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ImportProblem {
    #[ts(type = "number")]
    pub line: usize,
    pub column: Option<String>,
    /// In French (the core's language).
    pub message: String,
    /// What kind of problem, for the UI to say it in another language: a code of
    /// [`PROBLEM_CODES`] (its `import_problem.` message), or a validation rule of the core
    /// (its `error.` message).
    pub code: String,
    /// The value at fault, when there is one.
    pub value: Option<String>,
    /// The other values the message quotes, by name (column numbers, limits, a commune…).
    pub args: BTreeMap<String, String>,
}

/// The codes of the problems the import itself finds (beside the validation rules of the
/// records): the UI has a message for each, in every language (a test checks the catalogue).
pub const PROBLEM_CODES: &[&str] = &[
    "column.duplicate",
    "column.missing",
    "file.no_rows",
    "row.extra_cells",
    "cell.too_long",
    "required",
    "unknown_value",
    "number.invalid",
    "date.invalid",
    "actor.unknown",
    "actor.unknown_in_commune",
    "actor.ambiguous",
    "actor.ambiguous_in_commune",
    "member.ambiguous",
    "member.unknown",
    "introducer.unknown",
    "activity.unknown",
    "commune.unknown",
    "commune.ambiguous",
];

/// What a problem says: its code (one of [`PROBLEM_CODES`]), the values it quotes by name,
/// and the French sentence.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Said {
    pub(crate) code: &'static str,
    pub(crate) value: Option<String>,
    pub(crate) args: Vec<(&'static str, String)>,
    pub(crate) french: String,
}

impl Said {
    pub(crate) fn new(code: &'static str, french: String) -> Said {
        debug_assert!(PROBLEM_CODES.contains(&code), "{code}");
        Said {
            code,
            value: None,
            args: Vec::new(),
            french,
        }
    }

    /// The value at fault (shortened for a message).
    pub(crate) fn value(mut self, v: &str) -> Said {
        self.value = Some(crate::shared::domain::truncate_for_message(v));
        self
    }

    pub(crate) fn arg(mut self, name: &'static str, v: impl ToString) -> Said {
        self.args.push((name, v.to_string()));
        self
    }

    pub(crate) fn at(self, line: usize, column: Option<String>) -> ImportProblem {
        ImportProblem {
            line,
            column,
            message: self.french,
            code: self.code.to_string(),
            value: self.value,
            args: self
                .args
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        }
    }
}

impl std::fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, &self.column) {
            (0, _) => write!(f, "{}", self.message),
            (l, Some(c)) => write!(f, "Ligne {l}, colonne « {c} » : {}", self.message),
            (l, None) => write!(f, "Ligne {l} : {}", self.message),
        }
    }
}

/// One error listing the first problems of a refused import.
pub(crate) fn problems_error(problems: &[ImportProblem], count: usize) -> CoreError {
    pub(crate) const SHOWN: usize = 5;
    let mut message = format!(
        "Import refusé, rien n'a été enregistré : {} problème{} à corriger dans le fichier.",
        count,
        if count > 1 { "s" } else { "" }
    );
    for p in problems.iter().take(SHOWN) {
        message.push_str(&format!("\n{p}"));
    }
    if count > SHOWN {
        message.push_str(&format!("\n… et {} autre(s).", count - SHOWN));
    }
    CoreError::validation("file", "import.problems", message)
}

/// A required value left empty.
pub(crate) fn required_value() -> Said {
    Said::new("required", "valeur obligatoire manquante.".into())
}
