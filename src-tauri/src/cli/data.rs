//! `catalyse import` and `catalyse export`: actors, links and meetings in CSV or XLSX, or the
//! whole workspace in JSON.

use super::progress::{fail_after, terminal_progress};
use super::{fail, refuse_existing};
use catalyse_core::exchange::{ExchangeKind, ImportPreview};
use catalyse_core::safety::backup::CommandStore;
use catalyse_core::{CoreError, Store};
use std::path::{Path, PathBuf};

/// What `import` and `export` read or write: records of one kind (CSV or XLSX), or the
/// whole workspace (JSON). The French names are accepted too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DataKind {
    #[value(alias = "acteurs")]
    Actors,
    #[value(alias = "liens")]
    Links,
    #[value(alias = "rencontres")]
    Meetings,
    Workspace,
}

impl DataKind {
    /// The kind of records, or `None` for the whole workspace.
    fn records(self) -> Option<ExchangeKind> {
        match self {
            DataKind::Actors => Some(ExchangeKind::Actors),
            DataKind::Links => Some(ExchangeKind::Links),
            DataKind::Meetings => Some(ExchangeKind::Meetings),
            DataKind::Workspace => None,
        }
    }
}

/// Runs `catalyse import`: records into a workspace, or a whole workspace into a new file.
pub(super) fn import_command(
    kind: DataKind,
    file: &Path,
    workspace: Option<PathBuf>,
    to: Option<PathBuf>,
    keep_duplicates: bool,
    dry_run: bool,
) -> i32 {
    match (kind.records(), workspace, to) {
        (None, None, Some(to)) => import_workspace(file, &to),
        (None, _, _) => {
            eprintln!("Erreur : un espace de travail entier s'importe dans un nouveau fichier : indiquez-le avec --to.");
            2
        }
        (Some(kind), Some(workspace), None) => {
            import(kind, file, &workspace, keep_duplicates, dry_run)
        }
        _ => {
            eprintln!("Erreur : indiquez l'espace de travail où importer avec --workspace.");
            2
        }
    }
}

/// Runs `catalyse export`: records of one kind, or the whole workspace.
pub(super) fn export_command(kind: DataKind, file: &Path, workspace: &Path, force: bool) -> i32 {
    match kind.records() {
        None => export_workspace(file, workspace, force),
        Some(kind) => export(kind, file, workspace, force),
    }
}

/// "acteur importé" / "acteurs importés", agreeing with the count (`action`: "importé" or
/// "exporté").
fn counted(kind: ExchangeKind, n: usize, action: &str) -> String {
    let (noun, feminine) = match kind {
        ExchangeKind::Actors => ("acteur", false),
        ExchangeKind::Links => ("lien", false),
        ExchangeKind::Meetings => ("rencontre", true),
    };
    let plural = if n > 1 { "s" } else { "" };
    let e = if feminine { "e" } else { "" };
    format!("{n} {noun}{plural} {action}{e}{plural}")
}

fn import(kind: ExchangeKind, file: &Path, workspace: &Path, keep: bool, dry_run: bool) -> i32 {
    let mut store =
        match CommandStore::open(workspace, &catalyse_core::workspace::paths::backups_root()) {
            Ok(s) => s,
            Err(e) => return fail(&e),
        };
    let (progress, bar) = terminal_progress();
    let prepared = match store.prepare_import_file(kind, file, &progress) {
        Ok(p) => p,
        Err(e) => return fail_after(bar, &e),
    };
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let preview = prepared.preview().clone();
    let keep = keep && preview.duplicates_keepable;
    print_preview(file, &preview, keep);
    if preview.problem_count > 0 {
        print_problems(&preview);
        return 1;
    }
    if dry_run {
        print_dry_run(kind, &preview, keep);
        return 0;
    }
    // The command has the file alone: the import is written in place (see the method).
    store.write_bulk_in_place();
    let (progress, bar) = terminal_progress();
    let written = store.commit_import(prepared, keep, &progress);
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    match written {
        Ok(out) => {
            println!(
                "{}{}.",
                counted(kind, out.written, "importé"),
                if out.skipped_duplicates > 0 {
                    format!(", {} doublon(s) ignoré(s)", out.skipped_duplicates)
                } else {
                    String::new()
                }
            );
            0
        }
        Err(e) => fail(&e),
    }
}

/// What the file holds, before anything is written: its encoding and separator, the columns
/// ignored, the duplicates (imported anyway when `keep`, else ignored).
fn print_preview(file: &Path, preview: &ImportPreview, keep: bool) {
    println!(
        "Fichier : {} ({}{}), {} ligne(s) de données.",
        file.display(),
        preview.encoding,
        preview
            .separator
            .as_deref()
            .map(|s| format!(", séparateur « {s} »"))
            .unwrap_or_default(),
        preview.rows
    );
    let ignored: Vec<&str> = preview
        .columns
        .iter()
        .filter(|c| c.field.is_none())
        .map(|c| c.header.as_str())
        .collect();
    if !ignored.is_empty() {
        println!("Colonnes ignorées : {}.", ignored.join(", "));
    }
    const DUPLICATES_SHOWN: usize = 20;
    for d in preview.duplicates.iter().take(DUPLICATES_SHOWN) {
        let what = match d.same_as_line {
            Some(l) => format!("répète la ligne {l}"),
            None => "existe déjà dans l'espace de travail".to_string(),
        };
        let action = if keep {
            "importé quand même"
        } else {
            "ignoré"
        };
        println!("Doublon {action}, ligne {} : {} ({what}).", d.line, d.label);
    }
    if preview.duplicate_count > DUPLICATES_SHOWN {
        println!(
            "… et {} autre(s) doublon(s).",
            preview.duplicate_count - DUPLICATES_SHOWN
        );
    }
}

/// Why the import is refused: the problems found (the first ones), on stderr.
fn print_problems(preview: &ImportPreview) {
    const PROBLEMS_SHOWN: usize = 30;
    for p in preview.problems.iter().take(PROBLEMS_SHOWN) {
        eprintln!("{p}");
    }
    if preview.problem_count > PROBLEMS_SHOWN {
        eprintln!(
            "… et {} autre(s) problème(s).",
            preview.problem_count - PROBLEMS_SHOWN
        );
    }
    eprintln!(
        "Import refusé : {} problème(s) ; rien n'a été enregistré.",
        preview.problem_count
    );
}

/// What a dry run found importable.
fn print_dry_run(kind: ExchangeKind, preview: &ImportPreview, keep: bool) {
    let n = if keep {
        preview.ready + preview.duplicate_count
    } else {
        preview.ready
    };
    let (noun, word) = match kind {
        ExchangeKind::Actors => ("acteur(s)", "importable(s)"),
        ExchangeKind::Links => ("lien(s)", "importable(s)"),
        ExchangeKind::Meetings => ("rencontre(s)", "importable(s)"),
    };
    println!("Vérification seule, rien n'a été enregistré : {n} {noun} {word}.");
}

fn export(kind: ExchangeKind, file: &Path, workspace: &Path, force: bool) -> i32 {
    let (progress, bar) = terminal_progress();
    let result = Store::open_for_reading(workspace)
        .and_then(|s| s.export_file_with(kind, file, force, &progress));
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    match result {
        Ok(n) => {
            println!("{} dans {}.", counted(kind, n, "exporté"), file.display());
            0
        }
        Err(e @ CoreError::AlreadyExists { .. }) => {
            eprintln!("Erreur : {e} Ajoutez --force pour le remplacer.");
            1
        }
        Err(e) => fail(&e),
    }
}

fn export_workspace(file: &Path, workspace: &Path, force: bool) -> i32 {
    if let Some(code) = refuse_existing(file, force) {
        return code;
    }
    // Read-only: the workspace may be open in the app meanwhile.
    let text = catalyse_core::db::store::inspect(workspace)
        .and_then(|_| catalyse_core::db::store::open_read_only(workspace))
        .and_then(|conn| catalyse_core::exchange::workspace_json::export(&conn));
    match text.and_then(|t| catalyse_core::exchange::write_whole(file, t.as_bytes())) {
        Ok(()) => {
            println!("Espace de travail exporté dans {}.", file.display());
            0
        }
        Err(e) => fail(&e),
    }
}

fn import_workspace(file: &Path, to: &Path) -> i32 {
    match catalyse_core::exchange::workspace_json::import_file(file, to) {
        Ok(done) => {
            let total: i64 = done.counts.values().sum();
            println!(
                "Espace de travail importé dans {} : {total} enregistrement(s), dont {} acteurs et {} notes.",
                to.display(),
                done.counts.get("actors").unwrap_or(&0),
                done.counts.get("decision_notes").unwrap_or(&0)
            );
            0
        }
        Err(e) => fail(&e),
    }
}
