//! `catalyse backup` and `catalyse restore`.

use super::{fail, refuse_existing};
use catalyse_core::CoreError;
use std::path::Path;

pub(super) fn backup(workspace: &Path, out: &Path, force: bool) -> i32 {
    if let Some(code) = refuse_existing(out, force) {
        return code;
    }
    match catalyse_core::safety::backup::backup_file_to(workspace, out) {
        Ok(counts) => {
            println!(
                "Sauvegarde écrite dans {} ({} acteurs, {} rencontres, {} notes).",
                out.display(),
                counts.get("actors").unwrap_or(&0),
                counts.get("meetings").unwrap_or(&0),
                counts.get("decision_notes").unwrap_or(&0)
            );
            0
        }
        Err(e) => fail(&e),
    }
}

pub(super) fn restore(backup: &Path, to: &Path, force: bool) -> i32 {
    if to.exists() && !force {
        eprintln!(
            "Erreur : {} Ajoutez --force pour le remplacer (il sera d'abord sauvegardé).",
            CoreError::AlreadyExists {
                path: to.to_path_buf()
            }
        );
        return 1;
    }
    let safety = catalyse_core::safety::backup::dir_for(
        &catalyse_core::workspace::paths::backups_root(),
        to,
    );
    match catalyse_core::safety::backup::restore(backup, to, force, &safety) {
        Ok(outcome) => {
            println!("Sauvegarde restaurée dans {}.", to.display());
            if let Some(previous) = outcome.previous_saved_as {
                println!("L'espace remplacé a d'abord été sauvegardé dans {previous}.");
            }
            if outcome.erased_again > 0 {
                println!(
                    "Attention : {} personne(s) effacée(s) (RGPD) depuis cette sauvegarde l'ont été à nouveau dans l'espace restauré.",
                    outcome.erased_again
                );
            }
            0
        }
        Err(e) => fail(&e),
    }
}
