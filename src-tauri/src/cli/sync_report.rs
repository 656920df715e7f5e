//! What an exchange with the team did, printed for a person or as JSON: the same for a
//! shared folder and for the organisation's server.

use super::fail;
use catalyse_core::share::report::SyncReport;
use catalyse_core::Store;

/// Prints what an exchange did (as JSON with `json`); `hub`: the files pushed to and pulled
/// from the organisation's server.
pub(super) fn print_sync(
    store: &Store,
    report: &SyncReport,
    json: bool,
    hub: Option<(usize, usize)>,
) -> i32 {
    if json {
        let hash = match store.content_hash() {
            Ok(h) => h,
            Err(e) => return fail(&e),
        };
        println!(
            "{}",
            serde_json::json!({
                "sent": report.sent,
                "applied": report.applied,
                "waiting": report.waiting,
                "incomplete": report.incomplete,
                "refused": report.refused,
                "ignored": report.ignored,
                "conflict_copies": report.conflict_copies,
                "conflicts": report.conflicts,
                "invariants": report.invariants,
                "skewed": report.skewed,
                "unreachable": report.unreachable,
                "erased": report.erased.len(),
                "dropped": report.dropped,
                "moved": report.moved,
                "content_hash": hash,
                "pushed": hub.map(|h| h.0),
                "pulled": hub.map(|h| h.1),
            })
        );
        return 0;
    }
    if report.unreachable {
        if hub.is_some() {
            println!("Le serveur de l'organisation est injoignable pour l'instant : rien n'a été échangé (vous pouvez continuer hors ligne).");
        } else {
            println!("Le dossier partagé est inaccessible pour l'instant : rien n'a été échangé.");
        }
        return 0;
    }
    println!(
        "{} modification(s) envoyée(s), {} reçue(s), {} conflit(s) et {} anomalie(s) à examiner.",
        report.sent, report.applied, report.conflicts, report.invariants
    );
    for w in &report.waiting {
        println!(
            "  En attente : « {} », fichier n° {} ({}).",
            w.name, w.seq, w.why
        );
    }
    for r in &report.refused {
        println!("  Refusé : {} ({}).", r.path, r.why);
    }
    for name in &report.skewed {
        println!("  L'horloge de l'ordinateur « {name} » semble décalée.");
    }
    if !report.erased.is_empty() {
        println!(
            "  {} personne(s) effacée(s) (RGPD) sur un autre ordinateur l'ont été ici aussi.",
            report.erased.len()
        );
    }
    if let Some(m) = &report.moved {
        println!(
            "  L'équipe est passée sur le serveur {} (par « {} ») : suivez-la avec « catalyse share move --workspace … --server {} » (votre rôle doit en être membre).",
            m.server, m.by, m.server
        );
    }
    if report.dropped {
        println!(
            "  Cet ordinateur a été retiré de l'équipe : rejoignez l'espace partagé à nouveau (`catalyse share join`)."
        );
    }
    0
}
