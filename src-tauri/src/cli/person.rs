//! `catalyse person export|erase`: what the workspace keeps about a person (RGPD).

use super::{fail, refuse_existing};
use catalyse_core::safety::backup::CommandStore;
use catalyse_core::Store;
use clap::Subcommand;
use std::path::{Path, PathBuf};

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

/// Runs `catalyse person …`.
pub(super) fn run(cmd: PersonCommand) -> i32 {
    match cmd {
        PersonCommand::Export {
            who,
            workspace,
            out,
            force,
        } => person_export(who.person(), &workspace, &out, force),
        PersonCommand::Erase {
            who,
            workspace,
            yes,
            backups,
        } => person_erase(who.person(), &workspace, yes, backups),
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
    let root = catalyse_core::workspace::paths::backups_root();
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
    let summary = match catalyse_core::safety::rgpd::erase_and_record(&mut store, p, &dir) {
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
