//! The hub's address, in libpq's conventions so that an administrator's scripts work
//! unchanged: `postgresql://user[:password]@host[:port]/database?sslmode=verify-full&sslrootcert=…`,
//! the password from the address, else `PGPASSWORD`, else the password file (`PGPASSFILE`,
//! `~/.pgpass`, `%APPDATA%\postgresql\pgpass.conf`); the user from the address, else `PGUSER`,
//! else the system's user name, as `psql` does.
//!
//! Stricter than libpq where security asks it: only `sslmode=verify-full` is accepted (and is
//! the default when the address says nothing): the connection is encrypted, the server's
//! certificate must be signed by the CA given by `sslrootcert` (a file, or `system` for the
//! system's authorities; by default `~/.postgresql/root.crt`, as libpq) and name the host of
//! the address. A client certificate (`sslcert`, `sslkey`) may replace the password.

use crate::error::{HubError, HubResult};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;
use tokio_postgres::config::Host;

/// What is percent-encoded in an address shown: what a URL's parts cannot hold as is.
const ENCODED: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'+')
    .add(b'/')
    .add(b':')
    .add(b'<')
    .add(b'=')
    .add(b'>')
    .add(b'?')
    .add(b'@')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// How long a connection may take before the server counts as unreachable, unless the address
/// says otherwise (`connect_timeout`).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Where the server's certificate authority comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Roots {
    /// A PEM file of one or more CA certificates (the organisation's own CA).
    File(PathBuf),
    /// The system's authorities (`sslrootcert=system`).
    System,
}

/// A client certificate and its key (PEM files), for servers that authenticate by certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCert {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// What the process's environment gives libpq: read once, passed explicitly (tests give their own).
#[derive(Debug, Clone, Default)]
pub struct Environment {
    /// `PGPASSWORD`.
    pub password: Option<String>,
    /// `PGPASSFILE`.
    pub passfile: Option<PathBuf>,
    /// `PGUSER`, else the system's user name.
    pub user: Option<String>,
    /// The folder of libpq's files: `~/.postgresql` (Unix) or `%APPDATA%\postgresql` (Windows).
    pub libpq_dir: Option<PathBuf>,
    /// The default password file: `~/.pgpass` or `%APPDATA%\postgresql\pgpass.conf`.
    pub default_passfile: Option<PathBuf>,
}

impl Environment {
    /// The environment of this process.
    pub fn of_process() -> Environment {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let user = var("PGUSER")
            .or_else(|| var("USER"))
            .or_else(|| var("USERNAME"));
        let (libpq_dir, default_passfile) = if cfg!(windows) {
            let d = dirs::config_dir().map(|a| a.join("postgresql"));
            (d.clone(), d.map(|d| d.join("pgpass.conf")))
        } else {
            let h = dirs::home_dir();
            (
                h.as_ref().map(|h| h.join(".postgresql")),
                h.map(|h| h.join(".pgpass")),
            )
        };
        Environment {
            password: var("PGPASSWORD"),
            passfile: var("PGPASSFILE").map(PathBuf::from),
            user,
            libpq_dir,
            default_passfile,
        }
    }
}

/// A hub's address, read and checked.
#[derive(Clone)]
pub struct Address {
    pub(crate) config: tokio_postgres::Config,
    pub host: String,
    pub port: u16,
    pub user: String,
    pub dbname: String,
    pub roots: Roots,
    pub client_cert: Option<ClientCert>,
}

impl std::fmt::Debug for Address {
    // Never the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Address({})", self.shown())
    }
}

/// The address's parameters Catalyse reads itself (tokio-postgres knows none of them).
const OURS: &[&str] = &["sslmode", "sslrootcert", "sslcert", "sslkey", "passfile"];

impl Address {
    /// Reads `text` (a `postgresql://` URL) with what `env` gives.
    pub fn parse(text: &str, env: &Environment) -> HubResult<Address> {
        let text = text.trim();
        let rest = text
            .strip_prefix("postgresql://")
            .or_else(|| text.strip_prefix("postgres://"))
            .ok_or_else(|| {
                HubError::Address(
                    "elle doit commencer par « postgresql:// » (par exemple postgresql://marie@base.petr.fr/territoire)."
                        .into(),
                )
            })?;
        let (base, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (ours, mut kept) = split_query(query)?;
        match ours.get("sslmode") {
            None | Some("verify-full") => {}
            Some(other) => return Err(HubError::Insecure(other.to_string())),
        }
        // tokio-postgres only asks for TLS; the name and the CA are checked by our verifier.
        kept.push("sslmode=require".into());
        let url = format!("postgresql://{base}?{}", kept.join("&"));
        let mut config = tokio_postgres::Config::from_str(&url)
            .map_err(|e| HubError::Address(format!("{e}.")))?;
        let (host, port) = host_and_port(&config)?;
        let user = match config.get_user() {
            Some(u) => u.to_string(),
            None => {
                let u = env.user.clone().ok_or_else(|| {
                    HubError::Address(
                        "elle ne donne pas d'utilisateur (postgresql://UTILISATEUR@serveur/base)."
                            .into(),
                    )
                })?;
                config.user(&u);
                u
            }
        };
        let dbname = config.get_dbname().unwrap_or(&user).to_string();
        config.dbname(&dbname);
        if config.get_password().is_none() {
            let passfile = ours
                .get("passfile")
                .map(PathBuf::from)
                .or_else(|| env.passfile.clone())
                .or_else(|| env.default_passfile.clone());
            let found = env.password.clone().or_else(|| {
                passfile.and_then(|f| password_from_file(&f, &host, port, &dbname, &user))
            });
            if let Some(p) = found {
                config.password(p);
            }
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("catalyse");
        }
        Ok(Address {
            config,
            host,
            port,
            user,
            dbname,
            roots: ours.roots(env)?,
            client_cert: ours.client_cert()?,
        })
    }

    /// The address as shown to a person and written in files: never the password.
    pub fn shown(&self) -> String {
        let enc = |s: &str| utf8_percent_encode(s, ENCODED).to_string();
        let mut s = format!(
            "postgresql://{}@{}:{}/{}",
            enc(&self.user),
            self.host,
            self.port,
            enc(&self.dbname)
        );
        match &self.roots {
            Roots::System => s.push_str("?sslrootcert=system"),
            Roots::File(p) => {
                s.push_str("?sslrootcert=");
                s.push_str(&enc(&p.to_string_lossy()));
            }
        }
        s
    }

    /// Whether a password is known (from the address, `PGPASSWORD` or the password file).
    pub fn has_password(&self) -> bool {
        self.config.get_password().is_some()
    }

    /// The same address with `password` (the app's, from the system's keyring).
    pub fn with_password(mut self, password: &str) -> Address {
        self.config.password(password);
        self
    }
}

/// The parameters of the address Catalyse reads itself (the last of each wins, as in libpq).
struct Ours(Vec<(String, String)>);

impl Ours {
    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn roots(&self, env: &Environment) -> HubResult<Roots> {
        Ok(match self.get("sslrootcert") {
            Some("system") => Roots::System,
            Some(path) => Roots::File(PathBuf::from(path)),
            None => Roots::File(env.libpq_dir.as_ref().map(|d| d.join("root.crt")).ok_or_else(
                || {
                    HubError::Address("elle ne donne pas l'autorité de certification du serveur (sslrootcert=FICHIER, ou sslrootcert=system).".into())
                },
            )?),
        })
    }

    fn client_cert(&self) -> HubResult<Option<ClientCert>> {
        match (self.get("sslcert"), self.get("sslkey")) {
            (None, None) => Ok(None),
            (Some(cert), Some(key)) => Ok(Some(ClientCert {
                cert: cert.into(),
                key: key.into(),
            })),
            _ => Err(HubError::Address(
                "un certificat client (sslcert) va avec sa clé (sslkey).".into(),
            )),
        }
    }
}

/// The query's parameters: Catalyse's own (decoded), and the others as written, for tokio-postgres.
fn split_query(query: &str) -> HubResult<(Ours, Vec<String>)> {
    let mut ours = Vec::new();
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode(k)?;
        if OURS.contains(&key.as_str()) {
            ours.push((key, decode(v)?));
        } else {
            kept.push(pair.to_string());
        }
    }
    Ok((Ours(ours), kept))
}

/// The one server of the address, by name (a socket is not encrypted), and its port.
fn host_and_port(config: &tokio_postgres::Config) -> HubResult<(String, u16)> {
    let host =
        match config.get_hosts() {
            [Host::Tcp(h)] => h.clone(),
            [] => {
                return Err(HubError::Address(
                    "elle ne donne pas le nom du serveur.".into(),
                ))
            }
            // A Unix socket (there are none on Windows).
            #[cfg(unix)]
            [_] => return Err(HubError::Address(
                "une connexion locale par socket n'est pas chiffrée : donnez le nom du serveur."
                    .into(),
            )),
            _ => {
                return Err(HubError::Address(
                    "Catalyse se connecte à un seul serveur à la fois.".into(),
                ))
            }
        };
    let port = match config.get_ports() {
        [] => 5432,
        [p] => *p,
        _ => return Err(HubError::Address("elle donne plusieurs ports.".into())),
    };
    Ok((host, port))
}

fn decode(s: &str) -> HubResult<String> {
    percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| HubError::Address("un paramètre n'est pas de l'UTF-8 valide.".into()))
}

/// The password of the first line of libpq's password file that matches (`*` matches
/// anything; `\:` and `\\` escape). As libpq, a file others may read is ignored on Unix.
pub fn password_from_file(
    path: &Path,
    host: &str,
    port: u16,
    dbname: &str,
    user: &str,
) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode();
        if mode & 0o077 != 0 {
            return None;
        }
    }
    let text = std::fs::read_to_string(path).ok()?;
    let port = port.to_string();
    let wanted = [host, port.as_str(), dbname, user];
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .find_map(|line| {
            let f = fields(line);
            if f.len() < 5 {
                return None;
            }
            let matches = f[..4]
                .iter()
                .zip(wanted)
                .all(|((raw, value), w)| raw == "*" || value == w);
            matches.then(|| {
                f[4..]
                    .iter()
                    .map(|(_, v)| v.as_str())
                    .collect::<Vec<_>>()
                    .join(":")
            })
        })
}

/// The fields of a password-file line: each as written (to tell `*` from `\*`) and unescaped.
fn fields(line: &str) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), String::new())];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        let last = out.last_mut().expect("one field at least");
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    last.0.push('\\');
                    last.0.push(n);
                    last.1.push(n);
                }
            }
            ':' => out.push((String::new(), String::new())),
            c => {
                last.0.push(c);
                last.1.push(c);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> Environment {
        Environment {
            user: Some("systeme".into()),
            libpq_dir: Some("/maison/.postgresql".into()),
            ..Environment::default()
        }
    }

    #[test]
    fn a_full_address_is_read_with_its_certificates() {
        let a = Address::parse(
            "postgresql://marie%40petr:s%C3%A9cret@base.petr.fr:6543/territoire?sslmode=verify-full&sslrootcert=%2Fetc%2Fca%20petr.pem&application_name=x",
            &env(),
        )
        .unwrap();
        assert_eq!(a.user, "marie@petr");
        assert_eq!(a.host, "base.petr.fr");
        assert_eq!(a.port, 6543);
        assert_eq!(a.dbname, "territoire");
        assert_eq!(a.roots, Roots::File("/etc/ca petr.pem".into()));
        assert_eq!(a.config.get_password(), Some("sécret".as_bytes()));
        assert_eq!(a.config.get_application_name(), Some("x"));
        assert_eq!(a.config.get_connect_timeout(), Some(&CONNECT_TIMEOUT));
        let shown = a.shown();
        assert!(!shown.contains("cret"), "{shown}");
        assert!(!format!("{a:?}").contains("cret"));
        assert!(shown
            .starts_with("postgresql://marie%40petr@base.petr.fr:6543/territoire?sslrootcert="));
    }

    #[test]
    fn defaults_follow_libpq_and_only_verify_full_is_accepted() {
        let a = Address::parse("postgres://base.petr.fr", &env()).unwrap();
        assert_eq!(
            (a.user.as_str(), a.dbname.as_str(), a.port),
            ("systeme", "systeme", 5432)
        );
        assert_eq!(a.roots, Roots::File("/maison/.postgresql/root.crt".into()));
        assert!(!a.has_password());
        let a = Address::parse("postgresql://u@h/d?sslrootcert=system", &env()).unwrap();
        assert_eq!(a.roots, Roots::System);
        for mode in ["disable", "allow", "prefer", "require", "verify-ca"] {
            let e =
                Address::parse(&format!("postgresql://u@h/d?sslmode={mode}"), &env()).unwrap_err();
            assert_eq!(e.kind(), "hub_insecure", "{mode}");
            assert!(e.to_string().contains(mode));
        }
        let bad = [
            "http://h/d",
            "postgresql://u@h1,h2/d",
            "postgresql://u@h:1,2/d",
            "postgresql://u@%2Frun%2Fpostgresql/d",
            "postgresql://u@h/d?sslcert=c.pem",
            "postgresql://u@h/d?nimporte=1",
            "postgresql://u@h:port/d",
        ];
        for b in bad {
            let e = Address::parse(b, &env()).unwrap_err();
            assert_eq!(e.kind(), "hub_address", "{b}: {e}");
        }
        let nobody = Environment::default();
        assert_eq!(
            Address::parse("postgresql://h/d", &nobody)
                .unwrap_err()
                .kind(),
            "hub_address"
        );
    }

    #[test]
    fn the_password_comes_from_the_address_then_pgpassword_then_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pgpass");
        std::fs::write(
            &file,
            "# commentaire\nautre:*:*:*:non\nbase.petr.fr:5432:territoire:marie:pa\\:ss\\\\\n*:*:*:*:joker\n",
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let mut e = env();
        e.passfile = Some(file.clone());
        let pw = |url: &str, e: &Environment| {
            Address::parse(url, e)
                .unwrap()
                .config
                .get_password()
                .map(|p| String::from_utf8(p.to_vec()).unwrap())
        };
        assert_eq!(
            pw("postgresql://marie@base.petr.fr/territoire", &e).as_deref(),
            Some("pa:ss\\")
        );
        assert_eq!(
            pw("postgresql://paul@base.petr.fr/territoire", &e).as_deref(),
            Some("joker")
        );
        assert_eq!(
            pw("postgresql://marie:url@base.petr.fr/territoire", &e).as_deref(),
            Some("url")
        );
        e.password = Some("env".into());
        assert_eq!(
            pw("postgresql://marie@base.petr.fr/territoire", &e).as_deref(),
            Some("env")
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert_eq!(
                password_from_file(&file, "base.petr.fr", 5432, "territoire", "marie"),
                None
            );
        }
        let with = Address::parse("postgresql://u@h/d", &env())
            .unwrap()
            .with_password("k");
        assert!(with.has_password());
    }
}
