//! Write-protected workspaces, on the real binary: a read-only file, a read-only folder, and
//! journal files left write-protected beside a writable file. Each is refused (or repaired)
//! with a French message, left byte-identical, still readable (check, backup), and usable as
//! soon as the user makes it writable again.
//!
//! File modes mean nothing to root, so when the tests run as root the binary runs as `nobody`
//! (uid and gid 65534; the standard library drops root's groups); otherwise it runs as the
//! current user, whom the modes bind.

use crate::util::bytes;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NOBODY: u32 = 65534;

/// A folder everyone may enter, with the binary where the user running it can reach it.
struct Sandbox {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    bin: PathBuf,
    as_root: bool,
}

impl Sandbox {
    fn new() -> Sandbox {
        let tmp = tempfile::TempDir::new().unwrap();
        let root = tmp.path().to_path_buf();
        chmod(&root, 0o777);
        // The build's folder may be closed to `nobody` (under /root): a link, or a copy.
        let bin = root.join("catalyse");
        let built = PathBuf::from(env!("CARGO_BIN_EXE_catalyse"));
        if std::fs::hard_link(&built, &bin).is_err() {
            std::fs::copy(&built, &bin).unwrap();
        }
        chmod(&bin, 0o755);
        for d in ["home", "espace"] {
            std::fs::create_dir(root.join(d)).unwrap();
            chmod(&root.join(d), 0o777);
        }
        // SAFETY: geteuid has no preconditions.
        let as_root = unsafe { libc::geteuid() } == 0;
        Sandbox {
            _tmp: tmp,
            root,
            bin,
            as_root,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    /// Runs `catalyse ARGS` as the user whose rights are checked.
    fn run(&self, args: &[&str]) -> Output {
        let home = self.path("home");
        let mut cmd = Command::new(&self.bin);
        cmd.args(args)
            .current_dir(&self.root)
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY");
        if self.as_root {
            cmd.uid(NOBODY).gid(NOBODY);
        }
        cmd.output().unwrap()
    }

    /// Erases contact `id` of `ws`: a command that writes.
    fn erase(&self, ws: &str, id: i64) -> Output {
        self.run(&[
            "person",
            "erase",
            "--contact",
            &id.to_string(),
            "--yes",
            "--workspace",
            ws,
        ])
    }

    fn contacts(&self, ws: &str) -> i64 {
        let out = self.run(&["check", "--json", ws]);
        assert!(out.status.success(), "{}", text(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["counts"]["contacts"].as_i64().unwrap()
    }
}

fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn companions(ws: &Path) -> Vec<String> {
    ["-wal", "-shm"]
        .iter()
        .map(|s| format!("{}{s}", ws.display()))
        .filter(|p| Path::new(p).exists())
        .collect()
}

/// A demo workspace in `espace/`, owned by whoever runs the tests.
fn demo(sb: &Sandbox, name: &str) -> (String, PathBuf) {
    let rel = format!("espace/{name}");
    let path = sb.path(&rel);
    let out = Command::new(&sb.bin)
        .arg("demo")
        .arg(&path)
        .env("HOME", sb.path("home"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    chmod(&path, 0o666);
    (rel, path)
}

fn assert_refused_read_only(out: &Output) {
    assert!(!out.status.success(), "a write went through: {}", text(out));
    let t = text(out);
    assert!(t.contains("est en lecture seule"), "{t}");
    assert!(t.contains("n'a pas été modifié"), "{t}");
}

#[test]
fn a_read_only_file_is_refused_untouched_readable_and_usable_once_writable() {
    let sb = Sandbox::new();
    let (ws, path) = demo(&sb, "demo.catalyse");
    chmod(&path, 0o444);
    let before = bytes(&path);
    let before_contacts = sb.contacts(&ws);

    assert_refused_read_only(&sb.erase(&ws, 1));
    assert_eq!(bytes(&path), before, "the file is byte-identical");
    // Reading creates no journal beside it (one would inherit its read-only mode).
    assert_eq!(companions(&path), Vec::<String>::new());

    // Still readable: a check and a backup of it.
    assert_eq!(sb.contacts(&ws), before_contacts);
    let out = sb.run(&["backup", "--workspace", &ws, "--out", "home/copie.catalyse"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(sb.contacts("home/copie.catalyse"), before_contacts);
    assert_eq!(companions(&path), Vec::<String>::new());
    assert_eq!(bytes(&path), before);

    // Writable again: the same command works.
    chmod(&path, 0o666);
    let out = sb.erase(&ws, 1);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(sb.contacts(&ws), before_contacts - 1);
}

#[test]
fn a_read_only_folder_is_refused_untouched_and_usable_once_writable() {
    let sb = Sandbox::new();
    let (ws, path) = demo(&sb, "demo.catalyse");
    let folder = sb.path("espace");
    chmod(&folder, 0o555);
    let before = bytes(&path);
    let before_contacts = sb.contacts(&ws);

    assert_refused_read_only(&sb.erase(&ws, 2));
    assert_eq!(bytes(&path), before);
    // Read as it is (SQLite cannot create its index beside it): check and backup work.
    assert_eq!(sb.contacts(&ws), before_contacts);
    let out = sb.run(&["backup", "--workspace", &ws, "--out", "home/copie.catalyse"]);
    assert!(out.status.success(), "{}", text(&out));

    chmod(&folder, 0o777);
    let out = sb.erase(&ws, 2);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(sb.contacts(&ws), before_contacts - 1);
}

#[test]
fn journal_files_left_write_protected_beside_a_writable_file_do_not_lock_it() {
    let sb = Sandbox::new();
    let (ws, path) = demo(&sb, "demo.catalyse");
    let before_contacts = sb.contacts(&ws);
    // As another tool or a read-only access may leave them: empty and write-protected (owned by
    // someone else when the tests run as root, so they can only be removed).
    for suffix in ["-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", path.display()));
        std::fs::write(&p, b"").unwrap();
        chmod(&p, 0o444);
    }
    let out = sb.erase(&ws, 3);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(sb.contacts(&ws), before_contacts - 1);
    let out = sb.run(&["check", &ws]);
    assert!(text(&out).contains("aucun problème"), "{}", text(&out));
}
