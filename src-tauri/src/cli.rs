//! The headless command line: `catalyse demo`, `catalyse check`, and the GUI's own options.
//!
//! Exit codes: 0 success, 1 a problem was found (or the command failed), 2 usage error.

use catalyse_core::check::{check, CheckReport, Verdict};
use catalyse_core::{demo, CoreError};
use clap::{Parser, Subcommand};
use std::path::PathBuf;

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
    help_template = "{about}\n\nUtilisation : {usage}\n\nCommandes :\n{subcommands}\n\nOptions :\n{options}\n",
    subcommand_help_heading = "Commandes",
    subcommand_value_name = "COMMANDE"
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
            let _ = e.print();
            return Invocation::Headless(code);
        }
    };
    match cli.command {
        None => Invocation::Gui {
            workspace: cli.workspace,
        },
        Some(cmd) => Invocation::Headless(run(cmd)),
    }
}

fn run(cmd: Command) -> i32 {
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
        Command::Network { workspace, json } => network(&workspace, json),
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
    let report = match catalyse_core::Store::open(path).and_then(|s| s.network_report()) {
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
