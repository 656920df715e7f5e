//! What went wrong with the hub, named for a person: the message says which step failed (the
//! address, the name lookup, the connection, TLS, the password, a privilege, the server's
//! schema) so that « tester la connexion » can tell the user what to fix. `kind` gives the
//! machine-readable name the UI receives beside the French message.

use std::error::Error as _;
use thiserror::Error;
use tokio_postgres::error::SqlState;

pub type HubResult<T> = Result<T, HubError>;

#[derive(Debug, Error)]
pub enum HubError {
    /// The address cannot be read.
    #[error("L'adresse du serveur est invalide : {0}")]
    Address(String),
    /// The address asks for less than a verified TLS connection.
    #[error("Catalyse n'accepte que les connexions chiffrées au certificat vérifié (sslmode=verify-full) ; l'adresse demande sslmode={0}.")]
    Insecure(String),
    /// A certificate or key file named by the address cannot be used.
    #[error("Le fichier de certificat « {path} » est inutilisable : {why}")]
    Certificate { path: String, why: String },
    /// The server's name is not known to the DNS.
    #[error("Le nom du serveur « {host} » est introuvable : vérifiez l'adresse, ou la connexion au réseau.")]
    Dns { host: String },
    /// Nothing listens at the address, or a firewall refuses.
    #[error("Le serveur {host} (port {port}) refuse la connexion : PostgreSQL n'y écoute pas, ou un pare-feu la bloque.")]
    Refused { host: String, port: u16 },
    /// No answer in time: offline, or the server is down.
    #[error("Le serveur {host} ne répond pas : vous êtes peut-être hors ligne.")]
    Unreachable { host: String },
    /// The connection was cut, or the server shut down or restarted, during an exchange.
    #[error("La connexion avec le serveur a été coupée pendant l'échange (réseau, ou serveur redémarré) : rien n'est perdu ni reçu deux fois, l'échange reprendra à la prochaine synchronisation.")]
    Interrupted,
    /// The TLS handshake failed: the certificate is not signed by the trusted CA, names
    /// another server, has expired, or the server offers no TLS.
    #[error("La connexion chiffrée avec le serveur {host} a échoué : {why}")]
    Tls { host: String, why: String },
    /// Wrong user name or password (or a certificate the server does not accept).
    #[error("Le serveur refuse l'utilisateur « {user} » : identifiant ou mot de passe incorrect, ou connexion non autorisée pour cet utilisateur.")]
    Authentication { user: String },
    /// The server asks for a password and none was given.
    #[error("Le serveur demande le mot de passe de « {user} » : donnez-le par la variable PGPASSWORD ou le fichier ~/.pgpass (comme pour psql), ou enregistrez-le dans le trousseau du système (« catalyse hub password »).")]
    NoPassword { user: String },
    /// Another laptop pushes under this laptop's identity (a workspace copied from one laptop
    /// to another): the server holds another file under this laptop's number `seq`.
    #[error("Le serveur a déjà un autre fichier n° {seq} de cet ordinateur : un autre ordinateur envoie sous la même identité (un espace de travail copié d'un ordinateur à l'autre ?). Rien n'a été remplacé. Sur l'un des deux ordinateurs, rejoignez l'équipe à nouveau au lieu d'utiliser la copie.")]
    ClonedDevice { seq: i64 },
    /// The role may not do what was asked.
    #[error("L'utilisateur « {role} » n'a pas le droit de {what} sur ce serveur.")]
    Permission { role: String, what: String },
    /// The server's Catalyse schema is newer than this version of Catalyse knows.
    #[error("Le serveur porte le schéma Catalyse version {found}, plus récent que celui que cette version de Catalyse connaît ({known}) : mettez Catalyse à jour. Rien n'a été modifié sur le serveur.")]
    NewerSchema { found: i32, known: i32 },
    /// The server has no Catalyse schema yet.
    #[error("Ce serveur n'a pas encore de schéma Catalyse : un administrateur doit lancer « catalyse hub init --server … ».")]
    NoSchema,
    /// No such team on the server (or the role may not see it).
    #[error("L'équipe {0} est inconnue sur ce serveur.")]
    UnknownTeam(String),
    /// A role named in a command does not exist on the server.
    #[error("Le rôle PostgreSQL « {0} » n'existe pas sur ce serveur : un administrateur doit le créer (CREATE ROLE … LOGIN).")]
    UnknownRole(String),
    /// The role is not (or no longer) a member of the team.
    #[error("Vous n'êtes pas (ou plus) membre de l'équipe {0} sur ce serveur : cet ordinateur garde ce qu'il a reçu, et ne reçoit plus rien. Un administrateur peut vous y donner accès (« catalyse hub grant »).")]
    NotMember(String),
    /// The workspace is not shared through a hub.
    #[error("Cet espace de travail n'est pas partagé par un serveur de l'organisation.")]
    NotHub,
    /// A team to move, and the workspace is not shared at all.
    #[error("Cet espace de travail n'est pas partagé : il n'y a pas d'équipe à déplacer.")]
    NotShared,
    /// A team to move, and the workspace is already shared through a server.
    #[error("Cet espace de travail est déjà partagé par le serveur de l'organisation.")]
    AlreadyHub,
    /// The system's keyring could not keep a password (the message says why, in French).
    #[error("{0}")]
    Keyring(String),
    /// The workspace's side (the local copy, the merge).
    #[error("{0}")]
    Core(#[from] catalyse_core::CoreError),
    /// Anything else the server answered.
    #[error("Le serveur a répondu par une erreur : {0}")]
    Server(String),
}

impl HubError {
    /// The machine-readable kind the UI receives with the message.
    pub fn kind(&self) -> &'static str {
        match self {
            HubError::Address(_) => "hub_address",
            HubError::Insecure(_) => "hub_insecure",
            HubError::Certificate { .. } => "hub_certificate",
            HubError::Dns { .. } => "hub_dns",
            HubError::Refused { .. } => "hub_refused",
            HubError::Unreachable { .. } => "hub_unreachable",
            HubError::Interrupted => "hub_interrupted",
            HubError::Tls { .. } => "hub_tls",
            HubError::Authentication { .. } => "hub_authentication",
            HubError::NoPassword { .. } => "hub_no_password",
            HubError::ClonedDevice { .. } => "hub_cloned_device",
            HubError::Permission { .. } => "hub_permission",
            HubError::NewerSchema { .. } => "hub_newer_schema",
            HubError::NoSchema => "hub_no_schema",
            HubError::UnknownTeam(_) => "hub_unknown_team",
            HubError::UnknownRole(_) => "hub_unknown_role",
            HubError::NotMember(_) => "hub_not_member",
            HubError::NotHub => "hub_not_hub",
            HubError::NotShared => "hub_not_shared",
            HubError::AlreadyHub => "hub_already",
            HubError::Keyring(_) => "hub_keyring",
            HubError::Core(e) => e.kind(),
            HubError::Server(_) => "hub_server",
        }
    }

    /// Whether the failure is the network's (the laptop offline, the server down): normal
    /// offline work, shown quietly.
    pub fn is_offline(&self) -> bool {
        matches!(
            self,
            HubError::Dns { .. }
                | HubError::Refused { .. }
                | HubError::Unreachable { .. }
                | HubError::Interrupted
        )
    }

    /// A failure of a statement run for `role`, who was doing `what` (« créer le schéma »).
    pub fn from_statement(e: tokio_postgres::Error, role: &str, what: &str) -> HubError {
        match e.code() {
            Some(c) if *c == SqlState::INSUFFICIENT_PRIVILEGE => HubError::Permission {
                role: role.to_string(),
                what: what.to_string(),
            },
            _ => server_error(&e),
        }
    }
}

/// A failure of the connection during an exchange ([`HubError::Interrupted`]: cut, the server
/// shut down or restarting), or the server's answer.
pub(crate) fn server_error(e: &tokio_postgres::Error) -> HubError {
    let shutdown = e.code().is_some_and(|c| {
        *c == SqlState::ADMIN_SHUTDOWN
            || *c == SqlState::CRASH_SHUTDOWN
            || *c == SqlState::CANNOT_CONNECT_NOW
    });
    let mut io = false;
    let mut source = e.source();
    while let Some(s) = source {
        io |= s.is::<std::io::Error>();
        source = s.source();
    }
    if shutdown || io || e.is_closed() {
        HubError::Interrupted
    } else {
        HubError::Server(describe(e))
    }
}

/// The server's own message when there is one (PostgreSQL's, in the server's language),
/// otherwise the whole chain of causes.
pub(crate) fn describe(e: &tokio_postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return db.message().to_string();
    }
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(" : ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// A failure to connect to `host:port` as `user`, classified: authentication, TLS, name
/// lookup, refused, no answer, or the server's message.
pub(crate) fn from_connect(
    e: tokio_postgres::Error,
    host: &str,
    port: u16,
    user: &str,
) -> HubError {
    if let Some(db) = e.as_db_error() {
        let code = db.code();
        if *code == SqlState::INVALID_PASSWORD
            || *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
        {
            return HubError::Authentication {
                user: user.to_string(),
            };
        }
        // Shutting down, starting up or restarting: it will answer again.
        if *code == SqlState::ADMIN_SHUTDOWN
            || *code == SqlState::CRASH_SHUTDOWN
            || *code == SqlState::CANNOT_CONNECT_NOW
        {
            return HubError::Unreachable {
                host: host.to_string(),
            };
        }
        return HubError::Server(db.message().to_string());
    }
    if let Some(classified) = from_causes(&e, host, port) {
        return classified;
    }
    // Closed by the server during the handshake (shutting down or restarting).
    if e.is_closed() {
        return HubError::Interrupted;
    }
    let text = describe(&e);
    if text.contains("password missing") {
        return HubError::NoPassword {
            user: user.to_string(),
        };
    }
    if text.contains("timed out") {
        return HubError::Unreachable {
            host: host.to_string(),
        };
    }
    if text.contains("server does not support TLS") {
        return HubError::Tls {
            host: host.to_string(),
            why: "le serveur n'accepte pas les connexions chiffrées (ssl = off).".into(),
        };
    }
    HubError::Server(text)
}

/// A connection failure classified by its causes: TLS, refused, no answer, cut, name lookup.
fn from_causes(e: &tokio_postgres::Error, host: &str, port: u16) -> Option<HubError> {
    let mut source = e.source();
    while let Some(s) = source {
        if let Some(tls) = s.downcast_ref::<rustls::Error>() {
            return Some(HubError::Tls {
                host: host.to_string(),
                why: tls_reason(tls),
            });
        }
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            if let Some(tls) = io.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
                return Some(HubError::Tls {
                    host: host.to_string(),
                    why: tls_reason(tls),
                });
            }
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => {
                    return Some(HubError::Refused {
                        host: host.to_string(),
                        port,
                    })
                }
                std::io::ErrorKind::TimedOut => {
                    return Some(HubError::Unreachable {
                        host: host.to_string(),
                    })
                }
                // Closed during the handshake (a server restarting, a network dropping).
                std::io::ErrorKind::UnexpectedEof
                | std::io::ErrorKind::ConnectionReset
                | std::io::ErrorKind::ConnectionAborted
                | std::io::ErrorKind::BrokenPipe => return Some(HubError::Interrupted),
                _ => {}
            }
            // The resolver's failure has no kind of its own (`getaddrinfo`'s message).
            let text = io.to_string();
            if text.contains("lookup address") || text.contains("not known") {
                return Some(HubError::Dns {
                    host: host.to_string(),
                });
            }
        }
        source = s.source();
    }
    None
}

/// Why a TLS handshake failed, in French.
fn tls_reason(e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            C::NotValidForName | C::NotValidForNameContext { .. } => {
                "le certificat du serveur est établi pour un autre nom que celui de l'adresse.".into()
            }
            C::UnknownIssuer => "le certificat du serveur n'est pas signé par l'autorité de confiance donnée (sslrootcert).".into(),
            C::Expired | C::ExpiredContext { .. } => "le certificat du serveur a expiré.".into(),
            C::NotValidYet | C::NotValidYetContext { .. } => {
                "le certificat du serveur n'est pas encore valide (vérifiez l'horloge de cet ordinateur).".into()
            }
            C::Revoked => "le certificat du serveur a été révoqué.".into(),
            other => format!("le certificat du serveur est refusé ({other:?})."),
        },
        other => format!("{other}."),
    }
}
