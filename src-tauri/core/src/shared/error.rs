//! Typed errors of the core. Every variant carries a French message meant for the user;
//! `kind()` gives a stable machine-readable name that the IPC layer passes to the UI.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// Result type of the core.
pub type CoreResult<T> = Result<T, CoreError>;

/// What went wrong, in terms a user can act upon.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// A value entered by the user (or sent over IPC, or read from an import) is not acceptable.
    #[error("{message}")]
    Validation {
        /// The field at fault, in code terms (`name`, `world`, ...).
        field: &'static str,
        /// Stable code of the rule that failed, e.g. `actor.name.empty`.
        code: &'static str,
        /// French message naming what is wrong.
        message: String,
    },
    /// The record asked for does not exist (any more).
    #[error("{what} introuvable (identifiant {id}).")]
    NotFound { what: &'static str, id: i64 },
    /// The file is not a Catalyse workspace (another SQLite database, or not SQLite at all).
    #[error("« {} » n'est pas un espace de travail Catalyse.", path.display())]
    NotAWorkspace { path: PathBuf },
    /// The file was written by a newer version of Catalyse; it is left untouched.
    #[error(
        "« {} » a été enregistré par une version plus récente de Catalyse (schéma {found}, cette version connaît le schéma {known}). Le fichier n'a pas été modifié ; mettez Catalyse à jour pour l'ouvrir.",
        path.display()
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    /// The file uses a code (a kind of actor, a status...) that this version does not know: it
    /// was written by a newer version of Catalyse. It is left untouched.
    #[error(
        "« {} » a été enregistré par une version plus récente de Catalyse : il utilise la valeur « {code} » ({list}), que cette version ne connaît pas. Le fichier n'a pas été modifié ; mettez Catalyse à jour pour l'ouvrir.",
        path.display()
    )]
    NewerCodes {
        path: PathBuf,
        list: String,
        code: String,
    },
    /// The file's schema is not the one Catalyse's migrations build for its version: an
    /// object unknown, changed or missing (`object`: table, view, trigger, index, object;
    /// `problem`: unknown, changed, missing). Nothing of it was run; it is left untouched.
    #[error("{}", foreign_schema_message(path, object, name, problem))]
    ForeignSchema {
        path: PathBuf,
        object: &'static str,
        name: String,
        problem: &'static str,
    },
    /// An undo needs a record that has been deleted since (it names it by identity): refused,
    /// naming the record (`what`: its kind with its article, « L'acteur »).
    #[error("Cette modification ne peut pas être annulée : {what}{} a été supprimé{} depuis ; annulez d'abord sa suppression.", if name.is_empty() { String::new() } else { format!(" « {name} »") }, if *feminine { "e" } else { "" })]
    GoneSince {
        what: String,
        name: String,
        feminine: bool,
    },
    /// SQLite reports the file as damaged.
    #[error("« {} » est endommagé : {detail}. Le fichier n'a pas été modifié ; restaurez une sauvegarde.", path.display())]
    Corrupt { path: PathBuf, detail: String },
    /// A file that must not be overwritten already exists.
    #[error("Le fichier « {} » existe déjà ; il n'a pas été remplacé.", path.display())]
    AlreadyExists { path: PathBuf },
    /// The file does not exist.
    #[error("Le fichier « {} » est introuvable.", path.display())]
    FileNotFound { path: PathBuf },
    /// The database is busy (another process holds a lock).
    #[error("L'espace de travail est occupé par un autre programme : la modification n'a pas été enregistrée. Réessayez dans un instant.")]
    Busy,
    /// A write was refused because the workspace file or its folder cannot be written (any
    /// more): write-protected, read-only media, or the folder gone.
    #[error("Impossible d'enregistrer : l'espace de travail est en lecture seule (le fichier ou son dossier). La modification n'a pas été enregistrée ; les données déjà enregistrées sont intactes. Rendez le fichier modifiable puis réessayez.")]
    ReadOnly,
    /// The disk is full: the write was rolled back.
    #[error("Impossible d'enregistrer : le disque est plein. La modification n'a pas été enregistrée ; les données déjà enregistrées sont intactes. Libérez de la place puis réessayez.")]
    DiskFull,
    /// The workspace cannot be opened for writing: the file (or its folder) is write-protected.
    /// Nothing was written to it.
    #[error("« {} » est en lecture seule (le fichier ou son dossier) : Catalyse ne pourrait pas y enregistrer vos modifications. Le fichier n'a pas été modifié. Rendez-le modifiable, ou ouvrez-en une copie.", path.display())]
    ReadOnlyFile { path: PathBuf },
    /// Reading or writing a file failed.
    #[error("Erreur de fichier : {0}")]
    Io(std::io::Error),
    /// An unexpected database error.
    #[error("Erreur de la base de données : {0}")]
    Database(String),
    /// A bug: an operation stopped on an unexpected state (a panic, caught). Nothing it was
    /// writing was kept, and the workspace stays usable.
    #[error("Erreur interne de Catalyse ({detail}) : l'opération n'a pas été faite, vos données enregistrées sont intactes. Réessayez ; si l'erreur revient, signalez-la.")]
    Internal { detail: String },
    /// A record's stored content cannot be read back (a saved version of a note, for one).
    #[error("{what} est illisible ({detail}) : restaurez une sauvegarde si elle vous manque.")]
    Unreadable { what: &'static str, detail: String },
    /// The writer thread is gone (the workspace was closed).
    #[error("L'espace de travail est fermé.")]
    Closed,
    /// The user stopped a long operation; nothing it would have written was written.
    #[error("Opération annulée : rien n'a été modifié.")]
    Cancelled,
    /// Another Catalyse window or command has the workspace open for writing.
    #[error("« {} » est déjà ouvert dans une autre fenêtre de Catalyse (ou par une commande en cours). Fermez-le là-bas pour le modifier ici ; rien n'y a été écrit.", path.display())]
    Locked { path: PathBuf },
}

impl CoreError {
    /// Stable name of the error kind, sent to the UI as `kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            CoreError::Validation { .. } => "validation",
            CoreError::NotFound { .. } => "not_found",
            CoreError::NotAWorkspace { .. } => "not_a_workspace",
            CoreError::NewerSchema { .. } => "newer_schema",
            CoreError::NewerCodes { .. } => "newer_codes",
            CoreError::Corrupt { .. } => "corrupt",
            CoreError::ForeignSchema { .. } => "foreign_schema",
            CoreError::GoneSince { .. } => "gone_since",
            CoreError::AlreadyExists { .. } => "already_exists",
            CoreError::FileNotFound { .. } => "file_not_found",
            CoreError::Busy => "busy",
            CoreError::ReadOnly => "read_only",
            CoreError::DiskFull => "disk_full",
            CoreError::ReadOnlyFile { .. } => "read_only_file",
            CoreError::Io(_) => "io",
            CoreError::Database(_) => "database",
            CoreError::Unreadable { .. } => "unreadable",
            CoreError::Internal { .. } => "internal",
            CoreError::Closed => "closed",
            CoreError::Locked { .. } => "locked",
            CoreError::Cancelled => "cancelled",
        }
    }

    /// Code of the validation rule, when this is a validation error.
    pub fn code(&self) -> Option<&'static str> {
        match self {
            CoreError::Validation { code, .. } => Some(code),
            CoreError::ForeignSchema { problem, .. } => Some(match *problem {
                "missing" => "foreign_schema.missing",
                "changed" => "foreign_schema.changed",
                _ => "foreign_schema.unknown",
            }),
            _ => None,
        }
    }

    /// Field at fault, when this is a validation error.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            CoreError::Validation { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The values the message quotes, by name, for the UI to say it in another language
    /// (`error.<kind>` in the catalogue).
    pub fn args(&self) -> Vec<(&'static str, String)> {
        let path = |p: &PathBuf| ("path", p.display().to_string());
        match self {
            CoreError::Validation { .. }
            | CoreError::Busy
            | CoreError::ReadOnly
            | CoreError::DiskFull
            | CoreError::Closed
            | CoreError::Cancelled => Vec::new(),
            CoreError::NotFound { id, .. } => vec![("id", id.to_string())],
            CoreError::NotAWorkspace { path: p }
            | CoreError::AlreadyExists { path: p }
            | CoreError::FileNotFound { path: p }
            | CoreError::ReadOnlyFile { path: p }
            | CoreError::Locked { path: p } => vec![path(p)],
            CoreError::NewerSchema {
                path: p,
                found,
                known,
            } => vec![
                path(p),
                ("found", found.to_string()),
                ("known", known.to_string()),
            ],
            CoreError::NewerCodes {
                path: p,
                list,
                code,
            } => vec![path(p), ("list", list.clone()), ("code", code.clone())],
            CoreError::Corrupt { path: p, .. } => vec![path(p)],
            CoreError::GoneSince { name, .. } => vec![("name", name.clone())],
            CoreError::ForeignSchema {
                path: p,
                object,
                name,
                problem,
            } => vec![
                path(p),
                ("object", (*object).to_string()),
                ("name", name.clone()),
                ("problem", (*problem).to_string()),
            ],
            CoreError::Io(e) => vec![("detail", e.to_string())],
            CoreError::Database(d)
            | CoreError::Internal { detail: d }
            | CoreError::Unreadable { detail: d, .. } => vec![("detail", d.clone())],
        }
    }

    pub(crate) fn validation(
        field: &'static str,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        CoreError::Validation {
            field,
            code,
            message: message.into(),
        }
    }
}

/// The French sentence of [`CoreError::ForeignSchema`].
fn foreign_schema_message(
    path: &std::path::Path,
    object: &str,
    name: &str,
    problem: &str,
) -> String {
    // (indefinite, definite, feminine) article of each kind of object.
    let (a, the, feminine) = match object {
        "table" => ("une table", "la table", true),
        "view" => ("une vue", "la vue", true),
        "trigger" => ("un déclencheur", "le déclencheur", false),
        "index" => ("un index", "l'index", false),
        _ => ("un objet", "l'objet", false),
    };
    let e = if feminine { "e" } else { "" };
    let file = path.display();
    let what = match problem {
        "missing" => format!("« {file} » n'a pas {the} « {name} » que Catalyse y met"),
        "changed" => format!("« {file} » contient {the} « {name} » modifié{e}"),
        _ => format!("« {file} » contient {a} inconnu{e} « {name} »"),
    };
    format!("{what} : il n'a pas été écrit par Catalyse ou a été modifié. Le fichier n'a pas été modifié.")
}

impl From<rusqlite::Error> for CoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode;
        // A text stored with bytes that are not UTF-8 (damage, or a file written by another
        // tool): SQLite keeps it as it is, Rust cannot read it.
        let not_utf8 = match &e {
            rusqlite::Error::Utf8Error(..) => true,
            rusqlite::Error::FromSqlConversionFailure(_, _, inner) => {
                inner.downcast_ref::<std::str::Utf8Error>().is_some()
                    || inner.downcast_ref::<std::string::FromUtf8Error>().is_some()
            }
            _ => false,
        };
        if not_utf8 {
            return CoreError::Unreadable {
                what: "Un texte de l'espace de travail",
                detail: "ses octets ne sont pas du texte UTF-8 ; le fichier a été abîmé ou modifié hors de Catalyse".into(),
            };
        }
        if let rusqlite::Error::SqliteFailure(f, _) = &e {
            match f.code {
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => return CoreError::Busy,
                ErrorCode::ReadOnly | ErrorCode::CannotOpen => return CoreError::ReadOnly,
                ErrorCode::DiskFull => return CoreError::DiskFull,
                _ => {}
            }
        }
        CoreError::Database(e.to_string())
    }
}

impl From<std::io::Error> for CoreError {
    fn from(e: std::io::Error) -> Self {
        match e.kind() {
            std::io::ErrorKind::StorageFull => CoreError::DiskFull,
            _ => CoreError::Io(e),
        }
    }
}

/// How an error reaches the user interface: `{kind, message}`, plus the field and rule code
/// of validation errors so the form can point at the field, and the values the message quotes
/// so the UI can say it in another language.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ErrorPayload {
    pub kind: String,
    /// French message for the user.
    pub message: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub field: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub code: Option<String>,
    /// The values quoted in the message, by name (`path`, `id`, `detail`…).
    #[ts(as = "Option<BTreeMap<String, String>>", optional)]
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub args: BTreeMap<String, String>,
}

impl ErrorPayload {
    /// An error that does not come from the core (dialogs, preferences...): its kind, the code
    /// of its message in the UI's catalogue (`error.<code>`), and the French message.
    pub fn new(kind: &str, code: &str, message: impl Into<String>) -> Self {
        ErrorPayload {
            kind: kind.into(),
            message: message.into(),
            field: None,
            code: Some(code.into()),
            args: BTreeMap::new(),
        }
    }

    /// A value the message quotes, by name.
    pub fn with_arg(mut self, name: &str, value: impl ToString) -> Self {
        self.args.insert(name.into(), value.to_string());
        self
    }
}

impl From<CoreError> for ErrorPayload {
    fn from(e: CoreError) -> Self {
        ErrorPayload {
            kind: e.kind().into(),
            message: e.to_string(),
            field: e.field().map(Into::into),
            code: e.code().map(Into::into),
            args: e
                .args()
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_payload_carries_the_values_its_message_quotes() {
        let e = CoreError::NewerSchema {
            path: PathBuf::from("/tmp/gap.catalyse"),
            found: 12,
            known: 9,
        };
        let p = ErrorPayload::from(e);
        assert_eq!(p.kind, "newer_schema");
        assert!(p.message.contains("schéma 12"), "{}", p.message);
        let args: Vec<(&str, &str)> = p
            .args
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            args,
            [
                ("found", "12"),
                ("known", "9"),
                ("path", "/tmp/gap.catalyse")
            ]
        );
        // Nothing quoted: no `args` in the JSON the UI receives.
        let json = serde_json::to_value(ErrorPayload::from(CoreError::Busy)).unwrap();
        assert_eq!(json.get("args"), None);
        let json = serde_json::to_value(
            ErrorPayload::new("not_found", "backup.not_found", "…").with_arg("file", "a.db"),
        )
        .unwrap();
        assert_eq!(json["code"], "backup.not_found");
        assert_eq!(json["args"]["file"], "a.db");
    }
}
