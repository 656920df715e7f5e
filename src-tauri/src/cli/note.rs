//! `catalyse note list|export|logo`: the decision notes.

use super::{fail, refuse_existing};
use catalyse_core::safety::backup::CommandStore;
use catalyse_core::{CoreError, Store};
use clap::Subcommand;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum NoteCommand {
    /// Liste les notes (statut, date de séance).
    #[command(help_template = "{about}\n\nUtilisation : {usage}\n\nOptions :\n{options}\n")]
    List {
        /// L'espace de travail.
        #[arg(long, value_name = "FICHIER")]
        workspace: PathBuf,
        /// Affiche la liste en JSON : [{id, title, status, meeting_date}].
        #[arg(long)]
        json: bool,
    },
    /// Exporte une note dans un fichier (DOCX, PDF, Markdown ou HTML prêt à imprimer).
    #[command(
        help_template = "{about}\n\nUtilisation : {usage}\n\nArguments :\n{positionals}\n\nOptions :\n{options}\n"
    )]
    Export {
        /// Le numéro de la note (voir `catalyse note list`).
        #[arg(value_name = "ID")]
        id: i64,
        /// Le format du fichier.
        #[arg(long, value_enum)]
        format: NoteFormat,
        /// Le fichier à écrire.
        #[arg(long, value_name = "FICHIER")]
        out: PathBuf,
        /// L'espace de travail.
        #[arg(long, value_name = "ESPACE")]
        workspace: PathBuf,
        /// Remplace le fichier s'il existe déjà.
        #[arg(long)]
        force: bool,
    },
    /// Choisit le logo imprimé en tête des notes exportées (PNG ou JPEG), ou le retire.
    #[command(
        help_template = "{about}\n\nUtilisation : {usage}\n\nArguments :\n{positionals}\n\nOptions :\n{options}\n"
    )]
    Logo {
        /// L'image du logo.
        #[arg(value_name = "IMAGE", required_unless_present = "remove")]
        image: Option<PathBuf>,
        /// Retire le logo.
        #[arg(long, conflicts_with = "image")]
        remove: bool,
        /// L'espace de travail.
        #[arg(long, value_name = "ESPACE")]
        workspace: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum NoteFormat {
    Docx,
    Pdf,
    Md,
    Html,
}

/// Runs `catalyse note …`.
pub(super) fn run(cmd: NoteCommand) -> i32 {
    match cmd {
        NoteCommand::List { workspace, json } => note_list(&workspace, json),
        NoteCommand::Export {
            id,
            format,
            out,
            workspace,
            force,
        } => note_export(id, format, &out, &workspace, force),
        NoteCommand::Logo {
            image,
            remove,
            workspace,
        } => note_logo(image.as_deref(), remove, &workspace),
    }
}

fn note_list(path: &Path, json: bool) -> i32 {
    let notes = match Store::open_for_reading(path).and_then(|s| s.list_notes()) {
        Ok(n) => n,
        Err(e) => return fail(&e),
    };
    if json {
        let list: Vec<serde_json::Value> = notes
            .iter()
            .map(|n| {
                serde_json::json!({
                    "id": n.id,
                    "title": n.title,
                    "status": n.status.code(),
                    "meeting_date": n.meeting_date,
                })
            })
            .collect();
        println!("{}", serde_json::Value::Array(list));
        return 0;
    }
    if notes.is_empty() {
        println!("Aucune note d'aide à la décision.");
    }
    for n in &notes {
        println!(
            "{:>4}  {:<11} {:<12} {}",
            n.id,
            n.status.label_fr(),
            n.meeting_date.as_deref().unwrap_or("sans date"),
            n.title
        );
    }
    0
}

fn note_export(id: i64, format: NoteFormat, out: &Path, workspace: &Path, force: bool) -> i32 {
    if let Some(code) = refuse_existing(out, force) {
        return code;
    }
    use catalyse_core::notes::export::NoteFormat as F;
    let format = match format {
        NoteFormat::Docx => F::Docx,
        NoteFormat::Pdf => F::Pdf,
        NoteFormat::Md => F::Markdown,
        NoteFormat::Html => F::Html,
    };
    let bytes = match Store::open_for_reading(workspace).and_then(|s| s.export_note(id, format)) {
        Ok(b) => b,
        Err(e) => return fail(&e),
    };
    match catalyse_core::exchange::write_whole(out, &bytes) {
        Ok(()) => {
            println!("Note {id} exportée dans {}.", out.display());
            0
        }
        Err(e) => fail(&e),
    }
}

fn note_logo(image: Option<&Path>, remove: bool, workspace: &Path) -> i32 {
    let mut store =
        match CommandStore::open(workspace, &catalyse_core::workspace::paths::backups_root()) {
            Ok(s) => s,
            Err(e) => return fail(&e),
        };
    let done = match (image, remove) {
        (_, true) => store
            .remove_note_logo()
            .map(|()| "Logo retiré : les notes portent le nom de la structure seul.".to_string()),
        (Some(path), false) => std::fs::metadata(path)
            .map_err(|_| CoreError::FileNotFound {
                path: path.to_path_buf(),
            })
            .and_then(|m| catalyse_core::notes::export::check_logo_size(m.len()))
            .and_then(|()| std::fs::read(path).map_err(CoreError::Io))
            .and_then(|bytes| {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                store.set_note_logo(&name, &bytes)
            })
            .map(|i| {
                format!(
                    "Logo « {} » enregistré ({} × {} pixels).",
                    i.file_name, i.width, i.height
                )
            }),
        (None, false) => {
            eprintln!("Erreur : indiquez l'image du logo, ou --remove pour le retirer.");
            return 2;
        }
    };
    match done {
        Ok(message) => {
            println!("{message}");
            0
        }
        Err(e) => fail(&e),
    }
}
