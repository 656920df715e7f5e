//! A real PostgreSQL for the hub's tests (Debian 12's `postgresql` package, installed by the
//! setup script): `initdb` in a temporary folder as an unprivileged user (`nobody` when the
//! tests run as root: PostgreSQL refuses to run as root), on a free port, TLS only, with a
//! certificate authority and a server certificate for `localhost` made here with `openssl`.
//! Stopped and removed with the value.

use std::net::TcpListener;
use std::os::unix::fs::{chown, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The superuser made by `initdb` and its password.
pub const SUPERUSER: &str = "hub_super";
pub const SUPERUSER_PASSWORD: &str = "super-secret-de-test";

pub struct Postgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    /// The user the server runs as (`nobody` when the tests run as root).
    owner: Option<(u32, u32)>,
    pub port: u16,
    /// The authority that signed the server's certificate (for `localhost` only).
    pub ca: PathBuf,
    /// An authority that signed nothing here.
    pub other_ca: PathBuf,
}

/// The newest PostgreSQL's programs.
fn bin_dir() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is installed (scripts/setup.sh installs Debian's postgresql)")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    versions.sort_by_key(|p| {
        p.parent()
            .and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok())
            .unwrap_or(0)
    });
    versions
        .pop()
        .expect("a PostgreSQL server in /usr/lib/postgresql/*/bin")
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn openssl(dir: &Path, args: &[&str]) {
    run(Command::new("openssl").current_dir(dir).args(args));
}

/// A CA (`NAME.crt`, `NAME.key`) in `dir`.
fn make_ca(dir: &Path, name: &str) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.crt"),
            "-days",
            "2",
            "-subj",
            &format!("/CN={name}"),
        ],
    );
}

impl Postgres {
    /// Starts a server. Panics (naming what failed) when it cannot.
    pub fn start() -> Postgres {
        let dir = tempfile::TempDir::new().expect("temporary folder");
        let root = dir.path();
        let bin = bin_dir();
        // SAFETY: geteuid has no preconditions.
        let owner = (unsafe { libc::geteuid() } == 0).then(|| {
            // SAFETY: getpwnam with a NUL-terminated name; the result is read at once.
            let pw = unsafe { libc::getpwnam(c"nobody".as_ptr()) };
            assert!(!pw.is_null(), "the user nobody exists");
            unsafe { ((*pw).pw_uid, (*pw).pw_gid) }
        });
        make_ca(root, "ca");
        make_ca(root, "other-ca");
        openssl(
            root,
            &[
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=localhost",
            ],
        );
        std::fs::write(
            root.join("server.ext"),
            "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        openssl(
            root,
            &[
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "server.crt",
                "-days",
                "2",
                "-extfile",
                "server.ext",
            ],
        );
        std::fs::set_permissions(
            root.join("server.key"),
            std::fs::Permissions::from_mode(0o600),
        )
        .unwrap();
        std::fs::write(root.join("pw"), SUPERUSER_PASSWORD).unwrap();
        if let Some((uid, gid)) = owner {
            for entry in std::fs::read_dir(root).unwrap() {
                chown(entry.unwrap().path(), Some(uid), Some(gid)).unwrap();
            }
            chown(root, Some(uid), Some(gid)).unwrap();
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let pg = Postgres {
            ca: root.join("ca.crt"),
            other_ca: root.join("other-ca.crt"),
            dir,
            bin,
            owner,
            port,
        };
        pg.as_owner("initdb")
            .args([
                "-D",
                "data",
                "-U",
                SUPERUSER,
                "--pwfile=pw",
                "-A",
                "scram-sha-256",
            ])
            .args(["-E", "UTF8", "--locale=C", "--no-sync"])
            .output()
            .map(|o| {
                assert!(
                    o.status.success(),
                    "initdb: {}",
                    String::from_utf8_lossy(&o.stderr)
                )
            })
            .expect("initdb runs");
        let data = pg.dir.path().join("data");
        let conf = format!(
            "\nlisten_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{}'\n\
             ssl = on\nssl_cert_file = '{}'\nssl_key_file = '{}'\n\
             fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 200\n",
            pg.dir.path().display(),
            pg.dir.path().join("server.crt").display(),
            pg.dir.path().join("server.key").display(),
        );
        let mut text = std::fs::read_to_string(data.join("postgresql.conf")).unwrap();
        text.push_str(&conf);
        std::fs::write(data.join("postgresql.conf"), text).unwrap();
        // TLS only: a connection without it is rejected.
        std::fs::write(
            data.join("pg_hba.conf"),
            "local all all scram-sha-256\n\
             hostssl all all 127.0.0.1/32 scram-sha-256\n\
             hostnossl all all 0.0.0.0/0 reject\n",
        )
        .unwrap();
        let out = pg
            .as_owner("pg_ctl")
            .args(["-D", "data", "-l", "log", "-w", "-t", "60", "start"])
            .output()
            .expect("pg_ctl runs");
        assert!(
            out.status.success(),
            "pg_ctl start: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(pg.dir.path().join("log")).unwrap_or_default()
        );
        pg
    }

    /// A PostgreSQL program run in the server's folder, as the server's user.
    fn as_owner(&self, program: &str) -> Command {
        let mut cmd = Command::new(self.bin.join(program));
        cmd.current_dir(self.dir.path()).env_remove("PGDATA");
        if let Some((uid, gid)) = self.owner {
            cmd.uid(uid).gid(gid);
        }
        cmd
    }

    /// The address of database `db` for `user`, verified against the server's CA.
    pub fn url(&self, user: &str, db: &str) -> String {
        format!(
            "postgresql://{user}@localhost:{}/{db}?sslrootcert={}",
            self.port,
            self.ca.display()
        )
    }

    /// `psql` as `user` (password `password`) on `db`, over verified TLS: the output, or
    /// the error's first line.
    pub fn psql(&self, user: &str, password: &str, db: &str, sql: &str) -> Result<String, String> {
        let conninfo = format!(
            "host=localhost port={} dbname={db} user={user} sslmode=verify-full sslrootcert={}",
            self.port,
            self.ca.display()
        );
        let out = Command::new("psql")
            .args([
                &conninfo,
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                sql,
            ])
            .env("PGPASSWORD", password)
            .env("PGCONNECT_TIMEOUT", "10")
            .output()
            .expect("psql runs");
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        } else {
            let err = String::from_utf8_lossy(&out.stderr);
            Err(err.lines().next().unwrap_or("").to_string())
        }
    }

    /// `psql` as the superuser; panics on an error.
    pub fn admin(&self, db: &str, sql: &str) -> String {
        self.psql(SUPERUSER, SUPERUSER_PASSWORD, db, sql)
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// Stops the server (its folder, certificates included, stays until the value is dropped).
    pub fn stop(&self) {
        let out = self
            .as_owner("pg_ctl")
            .args(["-D", "data", "-m", "fast", "-w", "stop"])
            .output()
            .expect("pg_ctl runs");
        assert!(
            out.status.success(),
            "pg_ctl stop: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Restarts the server (its connections are ended, as an administrator's restart does).
    pub fn restart(&self) {
        let out = self
            .as_owner("pg_ctl")
            .args([
                "-D", "data", "-l", "log", "-m", "fast", "-w", "-t", "60", "restart",
            ])
            .output()
            .expect("pg_ctl runs");
        assert!(
            out.status.success(),
            "pg_ctl restart: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The server's folder (its data, certificates and log).
    pub fn dir_path(&self) -> &Path {
        self.dir.path()
    }

    /// The server's log.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir_path().join("log")).unwrap_or_default()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self
            .as_owner("pg_ctl")
            .args(["-D", "data", "-m", "immediate", "-w", "stop"])
            .output();
    }
}
