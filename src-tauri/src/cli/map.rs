//! `catalyse map`: the territory on a map (issue 27). `map territory` sets the territory's
//! communes.

use super::fail;
use catalyse_core::project::communes::{CommuneChoice, TerritoryCommunes};
use catalyse_core::shared::money::group_digits;
use catalyse_core::workspace::backups::CommandStore;
use catalyse_core::Store;
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum MapCommand {
    /// Les communes du territoire : ajoute ou retire un département, un EPCI ou une commune
    /// (tout ou rien ; sans --add ni --remove, affiche leur nombre et leur population).
    #[command(help_template = "{about}\n\nUtilisation : {usage}\n\nOptions :\n{options}\n")]
    Territory {
        #[arg(long, value_name = "FICHIER")]
        workspace: PathBuf,
        /// departement:CODE, epci:SIREN ou commune:CODE_INSEE (répétable).
        #[arg(long, value_name = "CHOIX")]
        add: Vec<String>,
        /// departement:CODE, epci:SIREN ou commune:CODE_INSEE (répétable), retirés après les ajouts.
        #[arg(long, value_name = "CHOIX")]
        remove: Vec<String>,
        /// Affiche le bilan en JSON.
        #[arg(long)]
        json: bool,
    },
}

pub(super) fn run(cmd: MapCommand) -> i32 {
    match cmd {
        MapCommand::Territory {
            workspace,
            add,
            remove,
            json,
        } => territory(&workspace, &add, &remove, json),
    }
}

fn territory(workspace: &std::path::Path, add: &[String], remove: &[String], json: bool) -> i32 {
    let parse = |texts: &[String]| -> Result<Vec<CommuneChoice>, catalyse_core::CoreError> {
        texts.iter().map(|t| CommuneChoice::parse(t)).collect()
    };
    let (add, remove) = match (parse(add), parse(remove)) {
        (Ok(a), Ok(r)) => (a, r),
        (Err(e), _) | (_, Err(e)) => return fail(&e),
    };
    let done = if add.is_empty() && remove.is_empty() {
        // Only read: the file is not locked, backed up nor written.
        Store::open_for_reading(workspace).and_then(|s| s.territory_communes())
    } else {
        let root = catalyse_core::workspace::paths::backups_root();
        CommandStore::open(workspace, &root)
            .and_then(|mut s| s.change_territory_communes(&add, &remove))
    };
    let r = match done {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    if json {
        return match serde_json::to_string_pretty(&r) {
            Ok(s) => {
                println!("{s}");
                0
            }
            Err(e) => {
                eprintln!("Erreur : bilan illisible ({e}).");
                1
            }
        };
    }
    say(&r);
    0
}

fn say(r: &TerritoryCommunes) {
    for n in &r.renamed {
        let what = if n.arrondissement {
            "un arrondissement de"
        } else {
            "une ancienne commune, aujourd'hui dans"
        };
        let former = if n.former_name.is_empty() {
            String::new()
        } else {
            format!(" ({})", n.former_name)
        };
        println!("{}{former} est {what} {} ({}).", n.given, n.name, n.insee);
    }
    if r.added > 0 || r.removed > 0 {
        println!(
            "{} commune(s) ajoutée(s), {} retirée(s).",
            r.added, r.removed
        );
    }
    println!(
        "Le territoire compte {} commune(s), {} habitant(s).",
        r.communes,
        group_digits(r.population)
    );
}
