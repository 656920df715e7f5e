//! The headless command line: `catalyse demo`, `check`, `network`, `import`, `export`, and the
//! GUI's own options.
//!
//! Exit codes: 0 success, 1 a problem was found (or the command failed), 2 usage error.
//!
//! Here: the arguments (`Cli`, `Command`) and the dispatch (`run`); each group of commands
//! in its file, with its own subcommands: `workspace` (demo, new, check), `note`, `data`
//! (import, export), `backup` (backup, restore), `history`, `network`, `grid`, `person`,
//! `share` (share, sync, conflicts), `hub` (the organisation's PostgreSQL server);
//! `progress` draws the terminal's progress bar.

mod backup;
mod data;
mod grid;
mod history;
mod hub;
mod map;
mod network;
mod note;
mod person;
mod progress;
mod share;
mod share_hub;
mod sync_report;
mod workspace;

pub use data::DataKind;
pub use history::HistoryCommand;
pub use note::{NoteCommand, NoteFormat};
pub use person::{PersonArg, PersonCommand};
pub use share::{Choice, ShareCommand};

use catalyse_core::shared::domain::TerritoryKind;
use catalyse_core::CoreError;
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};

/// Catalyse : le Projet de territoire, ses acteurs et leurs liens, hors ligne.
///
/// Sans sous-commande, ouvre la fenêtre de l'application.
#[derive(Debug, Parser)]
#[command(
    name = "catalyse",
    version,
    about,
    long_about = None,
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    help_template = "{about}\n\nUtilisation : {usage}\n\nCommandes :\n{subcommands}\n\nArguments :\n{positionals}\n\nOptions :\n{options}\n",
    subcommand_help_heading = "Commandes",
    subcommand_value_name = "COMMANDE",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// Affiche cette aide.
    #[arg(short = 'h', long = "help", action = clap::ArgAction::Help, global = true)]
    help: Option<bool>,

    /// Affiche la version.
    #[arg(short = 'V', long = "version", action = clap::ArgAction::Version)]
    version: Option<bool>,

    /// Ouvre l'application sur cet espace de travail (fichier .catalyse).
    #[arg(long, value_name = "FICHIER")]
    pub workspace: Option<PathBuf>,

    /// L'espace de travail à ouvrir, comme --workspace (ce que donnent un double-clic sur un
    /// fichier .catalyse et `xdg-open`).
    #[arg(value_name = "FICHIER", conflicts_with = "workspace")]
    pub file: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Écrit l'espace de travail de démonstration (territoire fictif) dans FICHIER.
    #[command(
        help_template = "{about}\n\nUtilisation : {usage}\n\nArguments :\n{positionals}\n\nOptions :\n{options}\n"
    )]
    Demo {
        /// Fichier à créer ; un fichier existant n'est jamais remplacé.
        #[arg(value_name = "FICHIER")]
        path: PathBuf,
    },
    /// Crée un espace de travail vide pour un territoire et son projet.
    #[command(
        help_template = "{about}\n\nUtilisation : {usage}\n\nArguments :\n{positionals}\n\nOptions :\n{options}\n"
    )]
    New {
        /// Fichier à créer ; un fichier existant n'est jamais remplacé.
        #[arg(value_name = "FICHIER")]
        path: PathBuf,
        /// Le nom du territoire (par exemple « PETR du Briançonnais »).
        #[arg(long, value_name = "NOM")]
        territory: String,
        /// La nature du territoire.
        #[arg(long, value_name = "TYPE", default_value = "petr",
              value_parser = clap::builder::PossibleValuesParser::new(
                  TerritoryKind::ALL.iter().map(|k| k.code())))]
        kind: String,
        /// Le titre du Projet de territoire.
        #[arg(long, value_name = "TITRE", default_value = "Projet de territoire")]
        title: String,
    },
    /// Vérifie un espace de travail sans le modifier (intégrité, références, décomptes).
    #[command(
        help_template = "{about}\n\nUtilisation : {usage}\n\nArguments :\n{positionals}\n\nOptions :\n{options}\n"
    )]
    Check {
        /// L'espace de travail à vérifier.
        #[arg(value_name = "FICHIER")]
        path: PathBuf,
        /// Affiche le rapport sous la forme d'un objet JSON.
        #[arg(long)]
        json: bool,
    },
    /// Analyse le réseau des acteurs : degré, intermédiarité, composantes, ponts entre mondes.
    #[command(help_template = "{about}\n\nUtilisation : {usage}\n\nOptions :\n{options}\n")]
    Network {
        /// L'espace de travail à analyser.
        #[arg(long, value_name = "FICHIER")]
        workspace: PathBuf,
        /// Affiche l'analyse sous la forme d'un objet JSON.
        #[arg(long)]
        json: bool,
    },
    /// L'historique des modifications : qui a changé quoi, quand, et ce qui était écrit avant.
    #[command(help_template = "{about}\n\nUtilisation : {usage}\n\nOptions :\n{options}\n")]
    #[command(subcommand_negates_reqs = true, args_conflicts_with_subcommands = true)]
    History {
        /// Annuler une modification, comme « Annuler cette modification » dans le Journal.
        #[command(subcommand)]
        action: Option<HistoryCommand>,
        /// L'espace de travail.
        #[arg(long, value_name = "FICHIER", required = true)]
        workspace: Option<PathBuf>,
        /// Affiche les modifications sous la forme d'une liste JSON.
        #[arg(long)]
        json: bool,
        /// Seulement les modifications faites depuis ce jour (AAAA-MM-JJ, inclus).
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// Seulement celles d'un enregistrement (son identifiant, un UUID).
        #[arg(long, value_name = "ID")]
        record: Option<String>,
    },
    /// La grille des huit compétences de l'équipe : niveaux, meilleurs niveaux, manques.
    #[command(help_template = "{about}\n\nUtilisation : {usage}\n\nOptions :\n{options}\n")]
    Grid {
        /// L'espace de travail.
        #[arg(long, value_name = "FICHIER")]
        workspace: PathBuf,
        /// Affiche la matrice de l'équipe sous la forme d'un objet JSON.
        #[arg(long)]
        json: bool,
    },
    /// Écrit une sauvegarde cohérente d'un espace de travail (qui peut rester ouvert ailleurs).
    #[command(help_template = "{about}\n\nUtilisation : {usage}\n\nOptions :\n{options}\n")]
    Backup {
        /// L'espace de travail à sauvegarder.
        #[arg(long, value_name = "ESPACE")]
        workspace: PathBuf,
        /// Le fichier de sauvegarde à écrire.
        #[arg(long, value_name = "FICHIER")]
        out: PathBuf,
        /// Remplace le fichier s'il existe déjà.
        #[arg(long)]
        force: bool,
    },
    /// Restaure une sauvegarde, vérifiée d'abord, dans un espace de travail.
    #[command(
        help_template = "{about}\n\nUtilisation : {usage}\n\nArguments :\n{positionals}\n\nOptions :\n{options}\n"
    )]
    Restore {
        /// La sauvegarde à restaurer.
        #[arg(value_name = "SAUVEGARDE")]
        backup: PathBuf,
        /// L'espace de travail à écrire.
        #[arg(long, value_name = "ESPACE")]
        to: PathBuf,
        /// Remplace l'espace s'il existe (il est d'abord sauvegardé).
        #[arg(long)]
        force: bool,
    },
    /// RGPD : exporter ou effacer tout ce que l'espace de travail garde sur une personne.
    #[command(
        subcommand,
        help_template = "{about}\n\nUtilisation : {usage}\n\nCommandes :\n{subcommands}\n\nOptions :\n{options}\n",
        subcommand_help_heading = "Commandes",
        subcommand_value_name = "COMMANDE"
    )]
    Person(PersonCommand),
    /// Partager l'espace de travail avec l'équipe par un dossier synchronisé.
    #[command(
        subcommand,
        help_template = "{about}\n\nUtilisation : {usage}\n\nCommandes :\n{subcommands}\n\nOptions :\n{options}\n",
        subcommand_help_heading = "Commandes",
        subcommand_value_name = "COMMANDE"
    )]
    Share(ShareCommand),
    /// Le territoire sur une carte : ses communes.
    #[command(
        subcommand,
        help_template = "{about}\n\nUtilisation : {usage}\n\nCommandes :\n{subcommands}\n\nOptions :\n{options}\n",
        subcommand_help_heading = "Commandes",
        subcommand_value_name = "COMMANDE"
    )]
    Map(map::MapCommand),
    /// Le serveur PostgreSQL de l'organisation comme point d'échange des équipes (administrateurs).
    #[command(
        subcommand,
        help_template = "{about}\n\nUtilisation : {usage}\n\nCommandes :\n{subcommands}\n\nOptions :\n{options}\n",
        subcommand_help_heading = "Commandes",
        subcommand_value_name = "COMMANDE"
    )]
    Hub(hub::HubCommand),
    /// Un échange avec le dossier partagé : envoie les modifications de cet ordinateur et
    /// applique celles des autres.
    #[command(help_template = "{about}\n\nUtilisation : {usage}\n\nOptions :\n{options}\n")]
    Sync {
        #[arg(long, value_name = "FICHIER")]
        workspace: PathBuf,
        /// Affiche le résultat en JSON : {sent, applied, waiting, incomplete, ignored, conflicts, invariants, content_hash…}.
        #[arg(long)]
        json: bool,
    },
    /// Les conflits à examiner après les échanges, et leur résolution.
    #[command(help_template = "{about}\n\nUtilisation : {usage}\n\nOptions :\n{options}\n")]
    Conflicts {
        #[arg(long, value_name = "FICHIER")]
        workspace: PathBuf,
        /// Affiche la liste en JSON : {conflicts, invariants, invariant_count}.
        #[arg(long)]
        json: bool,
        /// Résout le conflit de ce numéro (avec --choice).
        #[arg(long, value_name = "NUMERO")]
        resolve: Option<i64>,
        /// Garder la valeur retenue (keep), prendre l'autre (take), restaurer (restore) ou laisser supprimé (dismiss).
        #[arg(long, value_enum, requires = "resolve")]
        choice: Option<Choice>,
        /// Fusionne l'acteur de cette identité (uid) dans celui de --into, puis le supprime.
        #[arg(
            long,
            value_name = "UID",
            requires = "into",
            conflicts_with = "resolve"
        )]
        merge_actor: Option<String>,
        /// L'acteur gardé par --merge-actor (son identité, uid).
        #[arg(long, value_name = "UID", requires = "merge_actor")]
        into: Option<String>,
        /// Laisse telle quelle l'anomalie de cette clé (« type:clé », comme la liste la donne).
        #[arg(long, value_name = "CLE", conflicts_with_all = ["resolve", "merge_actor"])]
        accept: Option<String>,
    },
    /// Les notes d'aide à la décision : liste et export.
    #[command(
        subcommand,
        help_template = "{about}\n\nUtilisation : {usage}\n\nCommandes :\n{subcommands}\n\nOptions :\n{options}\n",
        subcommand_help_heading = "Commandes",
        subcommand_value_name = "COMMANDE"
    )]
    Note(NoteCommand),
    /// Importe des acteurs, des liens ou des rencontres d'un fichier CSV ou XLSX : tout ou rien.
    #[command(
        help_template = "{about}\n\nUtilisation : {usage}\n\nArguments :\n{positionals}\n\nOptions :\n{options}\n"
    )]
    Import {
        /// Ce que contient le fichier : actors (acteurs), links (liens), meetings (rencontres),
        /// ou workspace (un espace de travail entier exporté en JSON, importé avec --to).
        #[arg(value_name = "TYPE", value_enum, ignore_case = true)]
        kind: DataKind,
        /// Le fichier à lire (.csv ou .xlsx ; .json pour workspace).
        #[arg(value_name = "FICHIER")]
        file: PathBuf,
        /// L'espace de travail où importer.
        #[arg(long, value_name = "ESPACE", required_unless_present = "to")]
        workspace: Option<PathBuf>,
        /// Pour workspace : le nouvel espace de travail à créer (il ne doit pas exister).
        #[arg(long, value_name = "ESPACE", conflicts_with = "workspace")]
        to: Option<PathBuf>,
        /// Importe aussi les doublons (même nom et même commune, par exemple) au lieu de les ignorer.
        #[arg(long)]
        keep_duplicates: bool,
        /// Vérifie le fichier et affiche ce qui serait importé, sans rien écrire.
        #[arg(long)]
        dry_run: bool,
    },
    /// Exporte les acteurs, les liens ou les rencontres en CSV (séparateur « ; », UTF-8) ou XLSX.
    #[command(
        help_template = "{about}\n\nUtilisation : {usage}\n\nArguments :\n{positionals}\n\nOptions :\n{options}\n"
    )]
    Export {
        /// Ce qu'il faut exporter : actors (acteurs), links (liens), meetings (rencontres), ou
        /// workspace (tout l'espace de travail en JSON).
        #[arg(value_name = "TYPE", value_enum, ignore_case = true)]
        kind: DataKind,
        /// Le fichier à écrire ; son extension (.csv ou .xlsx) choisit le format (.json pour
        /// workspace).
        #[arg(value_name = "FICHIER")]
        file: PathBuf,
        /// L'espace de travail à exporter.
        #[arg(long, value_name = "ESPACE")]
        workspace: PathBuf,
        /// Remplace le fichier s'il existe déjà.
        #[arg(long)]
        force: bool,
    },
}

/// What the binary should do.
pub enum Invocation {
    /// A headless command ran; here is its exit code.
    Headless(i32),
    /// Open the window.
    Gui { workspace: Option<PathBuf> },
}

/// Parses the process arguments and runs headless commands.
pub fn parse() -> Invocation {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            match invalid_value_in_french(&e) {
                Some(message) => eprintln!("{message}"),
                None => {
                    let _ = e.print();
                }
            }
            return Invocation::Headless(code);
        }
    };
    match cli.command {
        None => {
            // A word that is neither a command nor a workspace is a typing error, not a file
            // for the window to look for.
            if let Some(file) = cli.file.as_deref() {
                let workspace = file.extension().is_some_and(|e| e == "catalyse");
                if !workspace && !file.is_file() {
                    eprintln!(
                        "Erreur : « {} » n'est ni une commande ni un espace de travail (fichier .catalyse).\nPour l'aide : catalyse --help",
                        file.display()
                    );
                    return Invocation::Headless(2);
                }
            }
            Invocation::Gui {
                workspace: cli.workspace.or(cli.file),
            }
        }
        Some(cmd) => Invocation::Headless(run(cmd)),
    }
}

/// The workspace a launch's arguments (`argv`, the program first) ask the window to open:
/// `catalyse FICHIER` or `catalyse --workspace FICHIER`; None for a command or none given.
pub fn workspace_argument(argv: &[String]) -> Option<PathBuf> {
    let cli = Cli::try_parse_from(argv).ok()?;
    if cli.command.is_some() {
        return None;
    }
    cli.workspace.or(cli.file)
}

/// A value outside a closed list (a kind, a format), said in French with the accepted values.
fn invalid_value_in_french(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::InvalidValue {
        return None;
    }
    let text = |k| match e.get(k) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join(", ")),
        _ => None,
    };
    let value = text(ContextKind::InvalidValue)?;
    let arg = text(ContextKind::InvalidArg)?;
    let valid = text(ContextKind::ValidValue)?;
    Some(format!(
        "Erreur : « {value} » n'est pas une valeur possible pour {arg}. Valeurs possibles : {valid}.\nPour l'aide : catalyse --help"
    ))
}

fn run(cmd: Command) -> i32 {
    // A headless command piped into `head` or a closed pager ends quietly, as command-line
    // tools do, instead of panicking on the broken pipe.
    // SAFETY: restoring the default disposition of SIGPIPE, before any other thread exists.
    // (Windows has no SIGPIPE: a closed pipe is a write error there.)
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    match cmd {
        Command::Demo { path } => workspace::demo_workspace(&path),
        Command::New {
            path,
            territory,
            kind,
            title,
        } => workspace::new_workspace(&path, territory, kind, title),
        Command::Network { workspace, json } => network::network(&workspace, json),
        Command::Backup {
            workspace,
            out,
            force,
        } => backup::backup(&workspace, &out, force),
        Command::Restore { backup, to, force } => backup::restore(&backup, &to, force),
        Command::Grid { workspace, json } => grid::grid(&workspace, json),
        Command::History {
            action:
                Some(HistoryCommand::Undo {
                    set,
                    workspace,
                    json,
                }),
            ..
        } => history::history_undo(set, &workspace, json),
        Command::History {
            action: None,
            workspace,
            json,
            since,
            record,
        } => match workspace {
            Some(workspace) => history::history(&workspace, json, since, record),
            None => 2,
        },
        Command::Person(cmd) => person::run(cmd),
        Command::Share(cmd) => share::run(cmd),
        Command::Map(cmd) => map::run(cmd),
        Command::Hub(cmd) => hub::run(cmd),
        Command::Sync { workspace, json } => share::sync(&workspace, json),
        Command::Conflicts {
            workspace,
            json,
            resolve,
            choice,
            merge_actor,
            into,
            accept,
        } => match (merge_actor, into, accept) {
            (Some(other), Some(keep), _) => share::merge_actors(&workspace, &keep, &other),
            (_, _, Some(key)) => share::accept(&workspace, &key),
            _ => share::conflicts(&workspace, json, resolve, choice),
        },
        Command::Note(cmd) => note::run(cmd),
        Command::Import {
            kind,
            file,
            workspace,
            to,
            keep_duplicates,
            dry_run,
        } => data::import_command(kind, &file, workspace, to, keep_duplicates, dry_run),
        Command::Export {
            kind,
            file,
            workspace,
            force,
        } => data::export_command(kind, &file, &workspace, force),
        Command::Check { path, json } => workspace::check_workspace(&path, json),
    }
}

/// Refuses to write over an existing file unless `--force`: the message, and the exit code.
fn refuse_existing(path: &Path, force: bool) -> Option<i32> {
    if force || !path.exists() {
        return None;
    }
    eprintln!(
        "Erreur : {} Ajoutez --force pour le remplacer.",
        CoreError::AlreadyExists {
            path: path.to_path_buf()
        }
    );
    Some(1)
}

fn fail(e: &CoreError) -> i32 {
    eprintln!("Erreur : {e}");
    1
}

#[cfg(test)]
mod tests {
    use super::workspace_argument;
    use std::path::PathBuf;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    /// What a second launch hands over: the workspace to open, given either way; nothing
    /// for a command, for no argument, or for arguments that do not parse.
    #[test]
    fn the_workspace_a_launch_asks_for() {
        let want = Some(PathBuf::from("Mon territoire.catalyse"));
        assert_eq!(
            workspace_argument(&args(&["catalyse", "Mon territoire.catalyse"])),
            want
        );
        assert_eq!(
            workspace_argument(&args(&[
                "catalyse",
                "--workspace",
                "Mon territoire.catalyse"
            ])),
            want
        );
        assert_eq!(workspace_argument(&args(&["catalyse"])), None);
        assert_eq!(
            workspace_argument(&args(&["catalyse", "check", "a.catalyse"])),
            None
        );
        assert_eq!(
            workspace_argument(&args(&["catalyse", "--nope", "a.catalyse"])),
            None
        );
    }
}
