//! `catalyse share` (init, join, move, status, compact, drop), `catalyse sync` and `catalyse conflicts`: team
//! sharing through a synced folder, from the command line.

use super::fail;
use catalyse_core::share::inbox::Resolution;
use catalyse_core::share::invariants::{Invariant, MAX_PAGE};
use catalyse_core::workspace::backups::CommandStore;
use catalyse_core::Store;
use clap::{Subcommand, ValueEnum};
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum ShareCommand {
    /// Partage cet espace de travail avec l'équipe par un dossier déjà synchronisé
    /// (Nextcloud, OneDrive, Syncthing, Dropbox, un partage réseau, une clé USB…).
    #[command(help_template = "{about}\n\nUtilisation : {usage}\n\nOptions :\n{options}\n")]
    Init {
        /// L'espace de travail à partager.
        #[arg(long, value_name = "FICHIER")]
        workspace: PathBuf,
        /// Le dossier partagé (il doit exister et ne contenir aucun autre espace).
        #[arg(
            long,
            value_name = "DOSSIER",
            required_unless_present = "server",
            conflicts_with = "server"
        )]
        folder: Option<PathBuf>,
        /// Ou le serveur PostgreSQL de l'organisation : postgresql://utilisateur@serveur/base?sslrootcert=FICHIER.
        #[arg(long, value_name = "URL")]
        server: Option<String>,
        /// Le nom de cet ordinateur pour les autres (par défaut « ordinateur de <utilisateur> »).
        #[arg(long, value_name = "NOM")]
        name: Option<String>,
        /// Affiche le résultat en JSON : {team, folder|server}.
        #[arg(long)]
        json: bool,
    },
    /// Rejoint l'espace partagé dans un dossier : crée l'espace de travail de cet ordinateur.
    #[command(help_template = "{about}\n\nUtilisation : {usage}\n\nOptions :\n{options}\n")]
    Join {
        /// Le dossier partagé.
        #[arg(
            long,
            value_name = "DOSSIER",
            required_unless_present = "server",
            conflicts_with = "server"
        )]
        folder: Option<PathBuf>,
        /// Ou le serveur PostgreSQL de l'organisation (avec --team).
        #[arg(long, value_name = "URL", requires = "team")]
        server: Option<String>,
        /// L'identité de l'équipe sur le serveur (donnée par « catalyse share init --server »).
        #[arg(long, value_name = "IDENTITE")]
        team: Option<String>,
        /// L'espace de travail à créer (il ne doit pas exister).
        #[arg(long, value_name = "FICHIER")]
        to: PathBuf,
        /// Le nom de cet ordinateur pour les autres.
        #[arg(long, value_name = "NOM")]
        name: Option<String>,
    },
    /// Déplace l'équipe de son dossier partagé vers le serveur PostgreSQL de l'organisation
    /// (identités et historique gardés), ou la suit sur un ordinateur qui pointe encore vers
    /// le dossier.
    #[command(help_template = "{about}\n\nUtilisation : {usage}\n\nOptions :\n{options}\n")]
    Move {
        /// L'espace de travail partagé par un dossier.
        #[arg(long, value_name = "FICHIER")]
        workspace: PathBuf,
        /// Le serveur PostgreSQL de l'organisation : postgresql://utilisateur@serveur/base?sslrootcert=FICHIER.
        #[arg(long, value_name = "URL")]
        server: String,
        /// Affiche le résultat en JSON : {team, server, followed, pushed, pulled}.
        #[arg(long)]
        json: bool,
    },
    /// Range les fichiers que tous les ordinateurs ont reçus dans un nouvel instantané et les
    /// retire du dossier partagé (avec les instantanés plus anciens).
    #[command(help_template = "{about}\n\nUtilisation : {usage}\n\nOptions :\n{options}\n")]
    Compact {
        #[arg(long, value_name = "FICHIER")]
        workspace: PathBuf,
        /// Affiche le bilan en JSON.
        #[arg(long)]
        json: bool,
    },
    /// Retire de l'équipe un ordinateur qui ne se synchronise plus : il ne retient plus les
    /// fichiers du dossier partagé, et devra rejoindre l'espace à nouveau s'il revient.
    #[command(help_template = "{about}\n\nUtilisation : {usage}\n\nOptions :\n{options}\n")]
    Drop {
        #[arg(long, value_name = "FICHIER")]
        workspace: PathBuf,
        /// L'identité de l'ordinateur (voir `catalyse share status`).
        #[arg(long, value_name = "IDENTITE")]
        device: String,
        /// Confirme le retrait.
        #[arg(long)]
        yes: bool,
    },
    /// Les ordinateurs de l'espace partagé, leur dernier fichier reçu et ce qui manque.
    #[command(help_template = "{about}\n\nUtilisation : {usage}\n\nOptions :\n{options}\n")]
    Status {
        #[arg(long, value_name = "FICHIER")]
        workspace: PathBuf,
        /// Affiche l'état en JSON.
        #[arg(long)]
        json: bool,
    },
}

/// A decision for an entry of the inbox.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Choice {
    /// Garder la valeur retenue.
    Keep,
    /// Prendre l'autre valeur.
    Take,
    /// Restaurer l'enregistrement supprimé, avec la modification.
    Restore,
    /// Laisser l'enregistrement supprimé.
    Dismiss,
}

fn default_name() -> String {
    let user = ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "utilisateur".into());
    format!("ordinateur de {user}")
}

fn open(workspace: &Path) -> Result<CommandStore, i32> {
    CommandStore::open(workspace, &catalyse_core::workspace::paths::backups_root())
        .map_err(|e| fail(&e))
}

pub(super) fn run(cmd: ShareCommand) -> i32 {
    match cmd {
        ShareCommand::Init {
            workspace,
            folder,
            server,
            name,
            json,
        } => init(&workspace, folder, server, name, json),
        ShareCommand::Join {
            folder,
            server,
            team,
            to,
            name,
        } => join(folder, server, team, &to, name),
        ShareCommand::Status { workspace, json } => status(&workspace, json),
        ShareCommand::Compact { workspace, json } => compact(&workspace, json),
        ShareCommand::Move {
            workspace,
            server,
            json,
        } => {
            let mut store = match open(&workspace) {
                Ok(s) => s,
                Err(code) => return code,
            };
            let backups = catalyse_core::safety::backup::dir_for(
                &catalyse_core::workspace::paths::backups_root(),
                &workspace,
            );
            super::share_hub::share_move(&mut store, &server, &backups, json)
        }
        ShareCommand::Drop {
            workspace,
            device,
            yes,
        } => {
            if !yes {
                eprintln!(
                    "Retrait d'un ordinateur de l'équipe : relancez avec --yes pour confirmer. Rien n'a été modifié."
                );
                return 1;
            }
            let mut store = match open(&workspace) {
                Ok(s) => s,
                Err(code) => return code,
            };
            match store.share_drop_device(&device) {
                Ok(()) => {
                    println!("L'ordinateur {device} est retiré de l'équipe.");
                    0
                }
                Err(e) => fail(&e),
            }
        }
    }
}

/// `catalyse share init`: through a folder, or the organisation's server.
fn init(
    workspace: &Path,
    folder: Option<PathBuf>,
    server: Option<String>,
    name: Option<String>,
    json: bool,
) -> i32 {
    let mut store = match open(workspace) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let name = name.unwrap_or_else(default_name);
    let folder = match (folder, server) {
        (_, Some(server)) => return super::share_hub::share_init(&mut store, &server, &name, json),
        (Some(folder), None) => folder,
        (None, None) => return 2,
    };
    match store.share_init(&folder, &name) {
        Ok(space) if json => {
            println!(
                "{}",
                serde_json::json!({"team": space.workspace, "folder": space.folder})
            );
            0
        }
        Ok(space) => {
            println!(
                "Espace partagé créé dans « {} » (identité {}).",
                folder.display(),
                space.workspace
            );
            0
        }
        Err(e) => fail(&e),
    }
}

/// `catalyse share join`: from a folder, or the organisation's server.
fn join(
    folder: Option<PathBuf>,
    server: Option<String>,
    team: Option<String>,
    to: &Path,
    name: Option<String>,
) -> i32 {
    let name = name.unwrap_or_else(default_name);
    let folder = match (folder, server, team) {
        (_, Some(server), Some(team)) => {
            return super::share_hub::share_join(&server, &team, to, &name)
        }
        (Some(folder), None, _) => folder,
        _ => return 2,
    };
    match catalyse_core::share::space::share_join(&folder, to, &name) {
        Ok(mut store) => match store.sync() {
            Ok(r) => {
                println!(
                    "« {} » a rejoint l'espace partagé : {} modification(s) reçue(s).",
                    to.display(),
                    r.applied
                );
                0
            }
            Err(e) => fail(&e),
        },
        Err(e) => fail(&e),
    }
}

fn compact(workspace: &Path, json: bool) -> i32 {
    let mut store = match open(workspace) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let report = match store.share_compact() {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    if json {
        println!("{}", serde_json::json!(report));
        return 0;
    }
    println!(
        "{} fichier(s) rangé(s) dans l'instantané {}, {} ancien(s) instantané(s) retiré(s), {} fichier(s) gardé(s) ; dossier : {} Ko → {} Ko.",
        report.removed_files,
        report.snapshot,
        report.removed_snapshots,
        report.kept_files,
        report.bytes_before / 1024,
        report.bytes_after / 1024
    );
    for name in &report.holding_back {
        println!(
            "  « {name} » n'a pas encore tout reçu : ses fichiers restent dans le dossier jusqu'à sa prochaine synchronisation (ou son retrait de l'équipe)."
        );
    }
    if report.held_for_joiners > 0 {
        println!(
            "  {} fichier(s) reçus par tous sont gardés quelques jours encore, pour un ordinateur qui aurait rejoint l'espace depuis le dernier instantané.",
            report.held_for_joiners
        );
    }
    if report.failed > 0 {
        println!(
            "  {} fichier(s) n'ont pas pu être retirés (ouverts par l'outil de synchronisation ?) : ils le seront la prochaine fois.",
            report.failed
        );
    }
    0
}

fn status(workspace: &Path, json: bool) -> i32 {
    let store = match Store::open_for_reading(workspace) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let space = match store.share_space() {
        Ok(Some(s)) => s,
        Ok(None) => {
            eprintln!("Erreur : cet espace de travail n'est pas partagé.");
            return 1;
        }
        Err(e) => return fail(&e),
    };
    let devices = match store.share_devices() {
        Ok(d) => d,
        Err(e) => return fail(&e),
    };
    let dropped = match store.share_dropped() {
        Ok(d) => d,
        Err(e) => return fail(&e),
    };
    if json {
        println!(
            "{}",
            serde_json::json!({ "space": space, "devices": devices, "dropped": dropped })
        );
        return 0;
    }
    println!("Dossier partagé : {}", space.folder.display());
    for d in devices {
        let me = if d.device == space.device {
            " (cet ordinateur)"
        } else {
            ""
        };
        let seen = if d.seen.is_empty() {
            "jamais".to_string()
        } else {
            d.seen.clone()
        };
        let gone = if dropped.contains(&d.device) {
            " — retiré de l'équipe"
        } else {
            ""
        };
        println!(
            "  {}{me} ({}) : fichier n° {}, dernier échange {seen}{gone}",
            d.name, d.device, d.seq
        );
    }
    0
}

pub(super) fn sync(workspace: &Path, json: bool) -> i32 {
    let mut store = match open(workspace) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let backups = catalyse_core::safety::backup::dir_for(
        &catalyse_core::workspace::paths::backups_root(),
        workspace,
    );
    match catalyse_hub::share::link_of(&store) {
        Ok(Some(link)) => return super::share_hub::sync(&mut store, &link, &backups, json),
        Ok(None) => {}
        Err(e) => return fail(&e),
    }
    let report = match catalyse_core::share::sync::sync_recording(&mut store, &backups, true) {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    super::sync_report::print_sync(&store, &report, json, None)
}

pub(super) fn conflicts(
    workspace: &Path,
    json: bool,
    resolve: Option<i64>,
    choice: Option<Choice>,
) -> i32 {
    let mut store = match open(workspace) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if let Some(id) = resolve {
        let how = match choice {
            Some(Choice::Keep) => Resolution::Keep,
            Some(Choice::Take) => Resolution::Take,
            Some(Choice::Restore) => Resolution::Restore,
            Some(Choice::Dismiss) => Resolution::Dismiss,
            None => {
                eprintln!("Erreur : précisez --choice (keep, take, restore ou dismiss).");
                return 2;
            }
        };
        return match store.resolve_conflict(id, how) {
            Ok(()) => {
                println!("Conflit n° {id} résolu.");
                0
            }
            Err(e) => fail(&e),
        };
    }
    let list = match store.conflicts(0, 500) {
        Ok(l) => l,
        Err(e) => return fail(&e),
    };
    let (invariants, count) = match store
        .invariants(0, MAX_PAGE)
        .and_then(|l| Ok((l, store.invariant_count()?)))
    {
        Ok(l) => l,
        Err(e) => return fail(&e),
    };
    if json {
        println!(
            "{}",
            serde_json::json!({
                "conflicts": list,
                "invariants": invariants,
                "invariant_count": count,
            })
        );
        return 0;
    }
    if list.is_empty() {
        println!("Aucun conflit à examiner.");
    }
    print_invariants(&invariants, count);
    for c in list {
        let what = if c.field.is_empty() {
            "l'enregistrement".to_string()
        } else {
            format!("« {} »", c.field)
        };
        let kind = if c.kind == "deleted" {
            "supprimé entre-temps"
        } else {
            "modifié en même temps"
        };
        println!(
            "n° {} : {} « {} », {what} ({kind}) : {} par {} ({}), retenu : {}",
            c.id, c.table, c.record_name, c.value, c.author, c.device_name, c.current
        );
    }
    0
}

fn euros(cents: Option<i64>) -> String {
    cents.map_or_else(String::new, |c| format!("{},{:02} €", c / 100, c % 100))
}

/// The broken invariants, one paragraph each, with what to give to resolve them.
fn print_invariants(list: &[Invariant], count: usize) {
    if list.is_empty() {
        println!("Aucune anomalie à examiner.");
        return;
    }
    println!("{count} anomalie(s) à examiner :");
    for i in list {
        let names: Vec<String> = i
            .records
            .iter()
            .map(|r| format!("« {} » ({})", r.name, r.uid))
            .collect();
        let parent = i
            .parent
            .as_ref()
            .map(|p| format!(" de « {} »", p.name))
            .unwrap_or_default();
        let what = match i.kind.as_str() {
            "same_actor" => format!(
                "acteurs en double (même nom, commune « {} ») : {}",
                i.detail,
                names.join(", ")
            ),
            "over_funded" => format!(
                "financements au-delà du coût de l'action {} : {} pour un coût de {}",
                names.join(", "),
                euros(i.total_cents),
                euros(i.budget_cents)
            ),
            "same_date" => format!(
                "deux auto-évaluations{parent} le {} : {}",
                i.detail,
                names.join(", ")
            ),
            _ => format!(
                "deux éléments à la même place ({}){parent} : {}",
                i.records
                    .first()
                    .and_then(|r| catalyse_core::db::records::kind(&r.table))
                    .map_or("", |k| k.label_fr),
                names.join(", ")
            ),
        };
        println!("  {what}");
        println!("    clé : {}:{}", i.kind, i.key);
    }
    if count > list.len() {
        println!("  … et {} autre(s).", count - list.len());
    }
}

fn actor_id(store: &Store, uid: &str) -> Result<i64, i32> {
    match store.actor_id_by_uid(uid) {
        Ok(Some(id)) => Ok(id),
        Ok(None) => {
            eprintln!("Erreur : aucun acteur n'a l'identité {uid}.");
            Err(1)
        }
        Err(e) => Err(fail(&e)),
    }
}

/// `conflicts --merge-actor OTHER --into KEEP`.
pub(super) fn merge_actors(workspace: &Path, keep: &str, other: &str) -> i32 {
    let mut store = match open(workspace) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let (k, o) = match (actor_id(&store, keep), actor_id(&store, other)) {
        (Ok(k), Ok(o)) => (k, o),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    match store.merge_actors(k, o) {
        Ok(()) => {
            println!("Acteurs fusionnés : {other} a rejoint {keep}.");
            0
        }
        Err(e) => fail(&e),
    }
}

/// `conflicts --accept KIND:KEY`.
pub(super) fn accept(workspace: &Path, key: &str) -> i32 {
    let Some((kind, key)) = key.split_once(':') else {
        eprintln!("Erreur : la clé s'écrit « type:clé », comme la liste la donne.");
        return 2;
    };
    let mut store = match open(workspace) {
        Ok(s) => s,
        Err(code) => return code,
    };
    match store.accept_invariant(kind, key) {
        Ok(()) => {
            println!("Anomalie laissée telle quelle.");
            0
        }
        Err(e) => fail(&e),
    }
}
