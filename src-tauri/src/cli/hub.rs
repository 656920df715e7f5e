//! `catalyse hub` (init, grant, revoke): the organisation's PostgreSQL server as the team's
//! hub, for its administrators. The address follows libpq's conventions (`PGPASSWORD`,
//! `~/.pgpass`), so their scripts work unchanged.

use catalyse_hub::address::{Address, Environment};
use catalyse_hub::connect::Hub;
use catalyse_hub::{members, schema, HubError};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum HubCommand {
    /// Crée (ou met à jour) le schéma Catalyse sur le serveur PostgreSQL, avec ses règles
    /// d'accès : à lancer une fois par un administrateur.
    #[command(help_template = "{about}\n\nUtilisation : {usage}\n\nOptions :\n{options}\n")]
    Init {
        /// L'adresse du serveur : postgresql://utilisateur@serveur:port/base?sslrootcert=FICHIER
        /// (la connexion est toujours chiffrée et le certificat vérifié : sslmode=verify-full).
        #[arg(long, value_name = "URL")]
        server: String,
        /// Affiche le bilan en JSON : {from, to}.
        #[arg(long)]
        json: bool,
    },
    /// Ce que votre rôle voit du serveur : ses équipes, leurs membres et leurs ordinateurs.
    #[command(help_template = "{about}\n\nUtilisation : {usage}\n\nOptions :\n{options}\n")]
    Status {
        #[arg(long, value_name = "URL")]
        server: String,
        /// Affiche l'état en JSON : {server, schema, role, teams: [{team, name, members, devices}]}.
        #[arg(long)]
        json: bool,
    },
    /// Enregistre dans le trousseau du système le mot de passe de ce serveur, lu sur l'entrée
    /// standard et vérifié auprès du serveur : « catalyse sync » s'en sert ensuite, comme
    /// l'application (jamais écrit dans l'espace de travail ni dans un journal).
    #[command(help_template = "{about}\n\nUtilisation : {usage}\n\nOptions :\n{options}\n")]
    Password {
        #[arg(long, value_name = "URL")]
        server: String,
        /// Retire le mot de passe du trousseau au lieu de l'enregistrer.
        #[arg(long)]
        forget: bool,
    },
    /// Donne à un rôle PostgreSQL (une personne) l'accès aux fichiers d'une équipe.
    #[command(help_template = "{about}\n\nUtilisation : {usage}\n\nOptions :\n{options}\n")]
    Grant(Access),
    /// Retire à un rôle l'accès à une équipe : son ordinateur garde ce qu'il a reçu et ne
    /// reçoit plus rien.
    #[command(help_template = "{about}\n\nUtilisation : {usage}\n\nOptions :\n{options}\n")]
    Revoke(Access),
}

/// Whose access to which team, on which server.
#[derive(Debug, clap::Args)]
pub struct Access {
    /// L'adresse du serveur (postgresql://administrateur@serveur/base?sslrootcert=FICHIER).
    #[arg(long, value_name = "URL")]
    server: String,
    /// L'identité de l'équipe (voir « catalyse share status ») ; sans elle ni --workspace,
    /// « grant » permet seulement au rôle de créer des équipes (« catalyse share init --server »).
    #[arg(long, value_name = "IDENTITE")]
    team: Option<String>,
    /// L'équipe de cet espace de travail (partagé par ce serveur), au lieu de --team.
    #[arg(long, value_name = "FICHIER", conflicts_with = "team")]
    workspace: Option<std::path::PathBuf>,
    /// Le rôle PostgreSQL de la personne.
    #[arg(long, value_name = "ROLE")]
    role: String,
}

impl Access {
    /// The server, and the team: given by `--team`, or the one of the workspace `--workspace`
    /// names (read-only; it must be shared through a server).
    fn team(self) -> Result<(String, Option<String>), HubError> {
        let team = match (self.team, self.workspace) {
            (Some(team), _) => Some(team),
            (None, Some(file)) => Some(catalyse_hub::share::team_of_file(&file)?),
            (None, None) => None,
        };
        Ok((self.server, team))
    }
}

pub(super) fn run(cmd: HubCommand) -> i32 {
    block_on(run_async(cmd)).map_or_else(|e| fail(&e), |()| 0)
}

pub(super) use crate::hubs::block_on;

pub(super) fn fail(e: &HubError) -> i32 {
    eprintln!("Erreur : {e}");
    1
}

/// A connection to `server`: the password from the address, `PGPASSWORD` or the password
/// file as for `psql`, else the one the app (or `catalyse hub password`) kept in the keyring.
pub(super) async fn connect(server: &str) -> Result<Hub, HubError> {
    crate::hubs::connect_shown(server).await
}

async fn run_async(cmd: HubCommand) -> Result<(), HubError> {
    match cmd {
        HubCommand::Init { server, json } => {
            let mut hub = connect(&server).await?;
            let report = schema::init(&mut hub).await?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string(&report).expect("a report serialises")
                );
            } else if report.from == report.to {
                println!(
                    "Le schéma Catalyse du serveur est déjà à jour (version {}).",
                    report.to
                );
            } else if report.from == 0 {
                println!(
                    "Schéma Catalyse créé sur {} (version {}).",
                    hub.address.shown(),
                    report.to
                );
            } else {
                println!(
                    "Schéma Catalyse mis à jour : version {} → {}.",
                    report.from, report.to
                );
            }
        }
        HubCommand::Password { server, forget } => password(&server, forget).await?,
        HubCommand::Status { server, json } => {
            let mut hub = connect(&server).await?;
            let status = catalyse_hub::status::status(&mut hub).await?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string(&status).expect("a status serialises")
                );
            } else {
                print_status(&status);
            }
        }
        HubCommand::Grant(access) => {
            let role = access.role.clone();
            let (server, team) = access.team()?;
            let mut hub = connect(&server).await?;
            match team {
                None => {
                    members::grant_creator(&mut hub, &role).await?;
                    println!("« {role} » peut maintenant créer des équipes sur ce serveur.");
                }
                Some(team) if members::grant(&mut hub, &team, &role).await? => {
                    println!("« {role} » a maintenant accès à l'équipe {team}.");
                }
                Some(team) => println!("« {role} » avait déjà accès à l'équipe {team}."),
            }
        }
        HubCommand::Revoke(access) => {
            let role = access.role.clone();
            let (server, Some(team)) = access.team()? else {
                return Err(HubError::Address(
                    "précisez l'équipe (--team IDENTITE ou --workspace FICHIER).".into(),
                ));
            };
            let mut hub = connect(&server).await?;
            if members::revoke(&mut hub, &team, &role).await? {
                println!("« {role} » n'a plus accès à l'équipe {team} : son ordinateur garde ce qu'il a reçu et ne recevra plus rien.");
            } else {
                println!("« {role} » n'avait pas accès à l'équipe {team}.");
            }
        }
    }
    Ok(())
}

/// `catalyse hub password`: the password read from the standard input (its first line),
/// checked by connecting, then kept in the keyring; or forgotten.
async fn password(server: &str, forget: bool) -> Result<(), HubError> {
    let address = Address::parse(server, &Environment::default())?;
    if forget {
        crate::hubs::forget(&address);
        println!("Mot de passe de {} retiré du trousseau.", address.shown());
        return Ok(());
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| HubError::Address(format!("le mot de passe n'a pas pu être lu : {e}")))?;
    let password = line.trim_end_matches(['\r', '\n']);
    if password.is_empty() {
        return Err(HubError::Address(
            "aucun mot de passe sur l'entrée standard.".into(),
        ));
    }
    let address = address.with_password(password);
    let mut hub = Hub::connect(&address).await?;
    schema::check(&mut hub).await?;
    crate::hubs::remember(&address, password)?;
    println!(
        "Mot de passe de « {} » vérifié et enregistré dans le trousseau du système pour {}.",
        hub.role,
        address.shown()
    );
    Ok(())
}

fn print_status(status: &catalyse_hub::status::HubStatus) {
    println!(
        "Serveur {} : schéma Catalyse version {}, connecté en tant que « {} ».",
        status.server, status.schema, status.role
    );
    if status.teams.is_empty() {
        println!("Aucune équipe visible pour ce rôle.");
    }
    for t in &status.teams {
        println!("Équipe {} ({}) :", t.name, t.team);
        let members: Vec<String> = t
            .members
            .iter()
            .map(|m| {
                if m.revoked {
                    format!("{} (accès retiré)", m.role)
                } else {
                    m.role.clone()
                }
            })
            .collect();
        println!("  membres : {}", members.join(", "));
        for d in &t.devices {
            println!(
                "  « {} » ({}) : {} fichier(s) envoyé(s), le dernier {}",
                d.name,
                d.role,
                d.files,
                d.last_push.as_deref().unwrap_or("jamais")
            );
        }
    }
}
