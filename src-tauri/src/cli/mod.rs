//! The headless command line: `catalyse demo`, `check`, `network`, `import`, `export`, and the
//! GUI's own options.
//!
//! Exit codes: 0 success, 1 a problem was found (or the command failed), 2 usage error.

use catalyse_core::exchange::ExchangeKind;
use catalyse_core::safety::backup::CommandStore;
use catalyse_core::safety::check::{check, CheckReport, Verdict};
use catalyse_core::shared::domain::TerritoryKind;
use catalyse_core::{demo, CoreError, Store};
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

/// Which person: a contact of an actor, or a team member.
#[derive(Debug, clap::Args)]
#[group(required = true, multiple = false)]
pub struct PersonArg {
    /// Un contact d'un acteur (son numéro).
    #[arg(long, value_name = "ID")]
    contact: Option<i64>,
    /// Un membre de l'équipe (son numéro).
    #[arg(long, value_name = "ID")]
    member: Option<i64>,
}

impl PersonArg {
    fn person(&self) -> catalyse_core::safety::rgpd::Person {
        match (self.contact, self.member) {
            (Some(id), _) => catalyse_core::safety::rgpd::Person::Contact(id),
            (None, Some(id)) => catalyse_core::safety::rgpd::Person::Member(id),
            (None, None) => unreachable!("clap requires one of --contact and --member"),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// Annule une modification (son numéro, voir `catalyse history`), comme le Journal de
    /// l'application : refusé, sans rien changer, quand des modifications plus récentes
    /// portent sur les mêmes données ou qu'un enregistrement dont elle dépend a été supprimé.
    #[command(
        help_template = "{about}\n\nUtilisation : {usage}\n\nArguments :\n{positionals}\n\nOptions :\n{options}\n"
    )]
    Undo {
        /// Le numéro de la modification.
        #[arg(value_name = "NUMERO")]
        set: i64,
        /// L'espace de travail.
        #[arg(long, value_name = "FICHIER")]
        workspace: PathBuf,
        /// Affiche le résultat en JSON : {"undone": n, "change_set": m} ou {"blocked": [...]}.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum PersonCommand {
    /// Écrit en JSON tout ce qui concerne la personne (fiche, enregistrements liés, textes qui la citent).
    #[command(help_template = "{about}\n\nUtilisation : {usage}\n\nOptions :\n{options}\n")]
    Export {
        #[command(flatten)]
        who: PersonArg,
        /// L'espace de travail.
        #[arg(long, value_name = "ESPACE")]
        workspace: PathBuf,
        /// Le fichier JSON à écrire.
        #[arg(long, value_name = "FICHIER")]
        out: PathBuf,
        /// Remplace le fichier s'il existe déjà.
        #[arg(long)]
        force: bool,
    },
    /// Efface un contact, ou anonymise un membre de l'équipe, partout (irréversible).
    #[command(help_template = "{about}\n\nUtilisation : {usage}\n\nOptions :\n{options}\n")]
    Erase {
        #[command(flatten)]
        who: PersonArg,
        /// L'espace de travail.
        #[arg(long, value_name = "ESPACE")]
        workspace: PathBuf,
        /// Confirme l'effacement (sans cette option, rien n'est modifié).
        #[arg(long)]
        yes: bool,
        /// Efface aussi la personne des sauvegardes de l'espace (réécrites sans elle, ou
        /// supprimées si elles ne peuvent pas l'être).
        #[arg(long)]
        backups: bool,
    },
}

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

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum NoteFormat {
    Docx,
    Pdf,
    Md,
    Html,
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
        Command::Demo { path } => match demo::write_demo(&path) {
            Ok(store) => {
                let n = store.counts().map(|c| c["actors"]).unwrap_or(0);
                println!(
                    "Espace de démonstration écrit dans {} ({} acteurs).",
                    path.display(),
                    n
                );
                0
            }
            Err(e) => fail(&e),
        },
        Command::New {
            path,
            territory,
            kind,
            title,
        } => {
            let new = catalyse_core::shared::domain::NewWorkspace {
                territory_name: territory,
                territory_kind: kind,
                project_title: title,
            };
            match Store::create(&path, &new) {
                Ok(_) => {
                    println!("Espace de travail créé : {}.", path.display());
                    0
                }
                Err(e) => fail(&e),
            }
        }
        Command::Network { workspace, json } => network(&workspace, json),
        Command::Backup {
            workspace,
            out,
            force,
        } => backup(&workspace, &out, force),
        Command::Restore { backup, to, force } => restore(&backup, &to, force),
        Command::Grid { workspace, json } => grid(&workspace, json),
        Command::History {
            action:
                Some(HistoryCommand::Undo {
                    set,
                    workspace,
                    json,
                }),
            ..
        } => history_undo(set, &workspace, json),
        Command::History {
            action: None,
            workspace,
            json,
            since,
            record,
        } => match workspace {
            Some(workspace) => history(&workspace, json, since, record),
            None => 2,
        },
        Command::Person(PersonCommand::Export {
            who,
            workspace,
            out,
            force,
        }) => person_export(who.person(), &workspace, &out, force),
        Command::Person(PersonCommand::Erase {
            who,
            workspace,
            yes,
            backups,
        }) => person_erase(who.person(), &workspace, yes, backups),
        Command::Note(NoteCommand::List { workspace, json }) => note_list(&workspace, json),
        Command::Note(NoteCommand::Export {
            id,
            format,
            out,
            workspace,
            force,
        }) => note_export(id, format, &out, &workspace, force),
        Command::Note(NoteCommand::Logo {
            image,
            remove,
            workspace,
        }) => note_logo(image.as_deref(), remove, &workspace),
        Command::Import {
            kind,
            file,
            workspace,
            to,
            keep_duplicates,
            dry_run,
        } => match (kind.records(), workspace, to) {
            (None, None, Some(to)) => import_workspace(&file, &to),
            (None, _, _) => {
                eprintln!("Erreur : un espace de travail entier s'importe dans un nouveau fichier : indiquez-le avec --to.");
                2
            }
            (Some(kind), Some(workspace), None) => {
                import(kind, &file, &workspace, keep_duplicates, dry_run)
            }
            _ => {
                eprintln!("Erreur : indiquez l'espace de travail où importer avec --workspace.");
                2
            }
        },
        Command::Export {
            kind,
            file,
            workspace,
            force,
        } => match kind.records() {
            None => export_workspace(&file, &workspace, force),
            Some(kind) => export(kind, &file, &workspace, force),
        },
        Command::Check { path, json } => {
            let report = check(&path);
            if json {
                match serde_json::to_string_pretty(&report) {
                    Ok(s) => println!("{s}"),
                    Err(e) => {
                        eprintln!("Erreur : rapport illisible ({e}).");
                        return 1;
                    }
                }
            } else {
                print_report(&report);
            }
            if report.healthy {
                0
            } else {
                1
            }
        }
    }
}

fn network(path: &std::path::Path, json: bool) -> i32 {
    let (progress, bar) = terminal_progress();
    let report = Store::open_for_reading(path).and_then(|s| s.network_report_with(&progress));
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let report = match report {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    if json {
        return match serde_json::to_string_pretty(&report) {
            Ok(s) => {
                println!("{s}");
                0
            }
            Err(e) => {
                eprintln!("Erreur : analyse illisible ({e}).");
                1
            }
        };
    }
    println!(
        "{} acteurs, {} composante(s), {} acteur(s) isolé(s).",
        report.actors.len(),
        report.components.len(),
        report.isolated.len()
    );
    let mut by_betweenness: Vec<_> = report.actors.iter().collect();
    by_betweenness.sort_by(|a, b| b.betweenness.total_cmp(&a.betweenness));
    println!("Acteurs les plus « passeurs » (intermédiarité) :");
    for m in by_betweenness.iter().take(10) {
        println!(
            "  {:.3}  {} ({} liens, {} mondes reliés)",
            m.betweenness, m.name, m.degree, m.mondes_bridged
        );
    }
    let name = |id: i64| {
        report
            .actors
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.name.as_str())
            .unwrap_or("?")
    };
    for b in report
        .sole_bridges
        .iter()
        .filter(|b| b.actor_ids.len() == 1)
    {
        println!(
            "Seul pont entre « {} » et « {} » : {}",
            b.mondes[0].label_fr(),
            b.mondes[1].label_fr(),
            name(b.actor_ids[0])
        );
    }
    0
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
    let mut store = match CommandStore::open(workspace, &catalyse_core::db::paths::backups_root()) {
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

fn backup(workspace: &Path, out: &Path, force: bool) -> i32 {
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

fn restore(backup: &Path, to: &Path, force: bool) -> i32 {
    if to.exists() && !force {
        eprintln!(
            "Erreur : {} Ajoutez --force pour le remplacer (il sera d'abord sauvegardé).",
            CoreError::AlreadyExists {
                path: to.to_path_buf()
            }
        );
        return 1;
    }
    let safety =
        catalyse_core::safety::backup::dir_for(&catalyse_core::db::paths::backups_root(), to);
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

fn history(workspace: &Path, json: bool, since: Option<String>, record: Option<String>) -> i32 {
    use std::io::Write;
    let store = match Store::open_for_reading(workspace) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    if let Some(r) = &record {
        if let Err(e) = catalyse_core::shared::domain::valid_uid("record", r) {
            return fail(&e);
        }
    }
    let q = catalyse_core::history::model::HistoryQuery {
        since,
        record,
        ..Default::default()
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut first = true;
    let mut count = 0usize;
    let result = store.export_history(&q, |set| {
        count += 1;
        let written = if json {
            let sep = if first { "[\n" } else { ",\n" };
            first = false;
            serde_json::to_string(&set)
                .map_err(|e| std::io::Error::other(e.to_string()))
                .and_then(|text| write!(out, "{sep}{text}"))
        } else {
            print_change_set(&mut out, &set)
        };
        written.map_err(CoreError::from)
    });
    if let Err(e) = result {
        let _ = out.flush();
        return fail(&e);
    }
    let closed = if json {
        if first {
            writeln!(out, "[]")
        } else {
            writeln!(out, "\n]")
        }
    } else if count == 0 {
        writeln!(out, "Aucune modification enregistrée.")
    } else {
        Ok(())
    };
    match closed.and_then(|_| out.flush()).map_err(CoreError::from) {
        Ok(()) => 0,
        Err(e) => fail(&e),
    }
}

/// A change set as lines of text: when, who, what, then each change.
fn print_change_set(
    out: &mut impl std::io::Write,
    set: &catalyse_core::history::export::ExportedSet,
) -> std::io::Result<()> {
    writeln!(
        out,
        "n° {} — {} — {} — {}",
        set.id, set.at, set.who, set.label
    )?;
    for c in &set.changes {
        let value = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => format!("« {s} »"),
            serde_json::Value::Null => "(vide)".into(),
            other => other.to_string(),
        };
        match (c.op, &c.field) {
            ("insert", _) => writeln!(out, "  + {} {} : créé", c.table, c.record)?,
            ("delete", _) => writeln!(out, "  − {} {} : supprimé", c.table, c.record)?,
            (_, Some(field)) => writeln!(
                out,
                "  ~ {} {} : {field} : {} → {}",
                c.table,
                c.record,
                value(&c.before),
                value(&c.after)
            )?,
            _ => {}
        }
    }
    Ok(())
}

fn grid(path: &Path, json: bool) -> i32 {
    let team = match Store::open_for_reading(path).and_then(|s| s.team_grid()) {
        Ok(t) => t,
        Err(e) => return fail(&e),
    };
    if json {
        #[derive(serde::Serialize)]
        struct Out<'a> {
            members: &'a [catalyse_core::grid::assessment::MemberLevels],
            competences: &'a [catalyse_core::grid::assessment::CompetenceCoverage],
            axes: &'a [catalyse_core::grid::assessment::AxisCoverage],
            summary: &'a str,
        }
        let out = Out {
            members: &team.members,
            competences: &team.competences,
            axes: &team.axes,
            summary: &team.summary,
        };
        return match serde_json::to_string_pretty(&out) {
            Ok(s) => {
                println!("{s}");
                0
            }
            Err(e) => {
                eprintln!("Erreur : matrice illisible ({e}).");
                1
            }
        };
    }
    let header: String = (1..=8).map(|n| format!("{n:>3}")).collect();
    println!("{:<28}{header}  évaluée le", "Membre");
    for m in &team.members {
        let cells: String = (1..=8)
            .map(|n| match m.levels.get(&n.to_string()) {
                Some(l) => format!("{l:>3}"),
                None => "  –".to_string(),
            })
            .collect();
        let name: String = m.name.chars().take(27).collect();
        println!(
            "{name:<28}{cells}  {}",
            m.assessed_on.as_deref().unwrap_or("jamais")
        );
    }
    for c in &team.competences {
        println!(
            "{}. {} — meilleur niveau {}, {} membre(s) au niveau 3 ou plus{}",
            c.number,
            c.title,
            c.best,
            c.doers,
            if c.gap { " : MANQUE" } else { "" }
        );
    }
    println!("{}", team.summary);
    0
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
    let mut store = match CommandStore::open(workspace, &catalyse_core::db::paths::backups_root()) {
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
    let keep = keep && preview.duplicates_keepable;
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
    if preview.problem_count > 0 {
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
        return 1;
    }
    if dry_run {
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
        return 0;
    }
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

/// A progress bar on the terminal (stderr) for long work; nothing when stderr is not a
/// terminal (a script, a pipe, a log file).
fn terminal_progress() -> (
    catalyse_core::shared::progress::Progress,
    Option<indicatif::ProgressBar>,
) {
    use catalyse_core::shared::progress::{Phase, Progress};
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return (Progress::none(), None);
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        None,
        indicatif::ProgressDrawTarget::stderr_with_hz(8),
    );
    let counted =
        indicatif::ProgressStyle::with_template("{msg:<28} [{bar:30}] {percent:>3} % ({elapsed})")
            .expect("a valid template")
            .progress_chars("=> ");
    let spinner = indicatif::ProgressStyle::with_template("{msg:<28} {spinner} ({elapsed})")
        .expect("a valid template");
    let b = bar.clone();
    let progress = Progress::new(Default::default(), move |e| {
        let label = match e.phase {
            Phase::Reading => "Lecture du fichier",
            Phase::Checking => "Vérification des lignes",
            Phase::Writing => "Écriture",
            Phase::Indexing => "Index et enregistrement",
            Phase::Analysing => "Analyse du réseau",
            Phase::Layout => "Placement des acteurs",
            Phase::Copying => "Copie",
            Phase::Exporting => "Export",
        };
        if b.message() != label {
            b.set_message(label);
        }
        match e.total {
            Some(total) => {
                b.set_style(counted.clone());
                b.set_length(total.max(1));
                b.set_position(e.done.min(total));
            }
            None => {
                b.set_style(spinner.clone());
                b.tick();
            }
        }
    });
    (progress, Some(bar))
}

/// [`fail`], once the progress bar is gone.
fn fail_after(bar: Option<indicatif::ProgressBar>, e: &CoreError) -> i32 {
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    fail(e)
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

fn person_export(
    p: catalyse_core::safety::rgpd::Person,
    workspace: &Path,
    out: &Path,
    force: bool,
) -> i32 {
    if let Some(code) = refuse_existing(out, force) {
        return code;
    }
    let done = Store::open(workspace)
        .and_then(|s| s.person_export(p))
        .and_then(|text| catalyse_core::exchange::write_whole(out, text.as_bytes()));
    match done {
        Ok(()) => {
            println!("Données de la personne exportées dans {}.", out.display());
            0
        }
        Err(e) => fail(&e),
    }
}

fn person_erase(
    p: catalyse_core::safety::rgpd::Person,
    workspace: &Path,
    yes: bool,
    backups: bool,
) -> i32 {
    let root = catalyse_core::db::paths::backups_root();
    let mut store = match CommandStore::open(workspace, &root) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    if !yes {
        eprintln!(
            "Effacement irréversible : relancez avec --yes pour confirmer (exportez d'abord ses données avec `catalyse person export` si la personne les demande). Rien n'a été modifié."
        );
        return 1;
    }
    let dir = catalyse_core::safety::backup::dir_for(&root, workspace);
    let summary = match catalyse_core::safety::erasures::erase_and_record(&mut store, p, &dir) {
        Ok(summary) => summary,
        Err(e) => return fail(&e),
    };
    println!("« {} » a été effacé(e) :", summary.name);
    for c in &summary.changes {
        println!("- {c}");
    }
    if backups {
        match catalyse_core::safety::erasures::erase_from_backups(&dir, &summary.person) {
            Ok(done) => println!(
                "- Sauvegardes : {} réécrite(s) sans la personne, {} supprimée(s), {} qui ne la contenaient pas.",
                done.rewritten, done.removed, done.untouched
            ),
            Err(e) => return fail(&e),
        }
    }
    0
}

fn history_undo(set: i64, workspace: &Path, json: bool) -> i32 {
    use catalyse_core::history::model::UndoOutcome;
    let mut store = match CommandStore::open(workspace, &catalyse_core::db::paths::backups_root()) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    match store.undo_change_set(set) {
        Ok(UndoOutcome::Done { change_set }) => {
            if json {
                println!(
                    "{}",
                    serde_json::json!({ "undone": set, "change_set": change_set })
                );
            } else {
                match change_set {
                    Some(m) => {
                        println!("Modification n° {set} annulée (nouvelle modification n° {m}).")
                    }
                    None => println!(
                        "Modification n° {set} annulée (il n'y avait plus rien à défaire)."
                    ),
                }
            }
            0
        }
        Ok(UndoOutcome::Blocked { blockers }) => {
            if json {
                let list: Vec<serde_json::Value> = blockers
                    .iter()
                    .map(|b| {
                        serde_json::json!({
                            "id": b.id, "at": b.at, "author": b.author,
                            "label": catalyse_core::history::store::label_fr(&b.label),
                        })
                    })
                    .collect();
                println!("{}", serde_json::json!({ "blocked": list }));
            }
            eprintln!(
                "Erreur : la modification n° {set} ne peut pas être annulée : des modifications plus récentes portent sur les mêmes données. Annulez-les d'abord :"
            );
            for b in &blockers {
                eprintln!(
                    "- n° {} — {} — {} — {}",
                    b.id,
                    b.at,
                    b.author,
                    catalyse_core::history::store::label_fr(&b.label)
                );
            }
            1
        }
        Err(e) => {
            if json {
                println!(
                    "{}",
                    serde_json::json!({ "error": { "kind": e.kind(), "code": e.code(), "message": e.to_string() } })
                );
            }
            fail(&e)
        }
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

fn verdict_text(v: &Option<Verdict>) -> String {
    match v {
        None => "non vérifié".into(),
        Some(Verdict::Ok(_)) => "ok".into(),
        Some(Verdict::Problems(p)) => format!("{} problème(s) : {}", p.len(), p.join(" ; ")),
    }
}

fn print_report(r: &CheckReport) {
    println!("Fichier : {}", r.path.display());
    println!(
        "Espace de travail Catalyse : {}",
        if r.workspace { "oui" } else { "non" }
    );
    if let Some(v) = r.schema_version {
        println!(
            "Version du schéma : {v} (cette version de Catalyse : {})",
            r.app_schema_version
        );
    }
    println!("Intégrité : {}", verdict_text(&r.integrity));
    println!("Références : {}", verdict_text(&r.foreign_keys));
    if !r.counts.is_empty() {
        println!("Enregistrements :");
        for (k, n) in &r.counts {
            println!("  {k} : {n}");
        }
    }
    if r.healthy {
        println!("Résultat : aucun problème trouvé.");
    } else {
        for p in &r.problems {
            eprintln!("Problème : {p}");
        }
    }
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
