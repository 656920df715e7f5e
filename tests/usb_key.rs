//! A workspace on a USB key: FAT32 and exFAT have no hard links, which Catalyse uses to give a
//! new file its name without ever replacing another (`db::store::publish`). On a real image of
//! each, made with `mkfs.vfat` / `mkfs.exfat` and mounted through a loop device: `new`,
//! `demo`, « Enregistrer sous » (`Store::save_copy`), the workspace JSON import and a backup
//! all write a sound workspace, and none replaces a file already there.
//!
//! Mounting needs root and a loop device. The kernel's own driver is used (`mount -o loop`);
//! where the kernel has none, exFAT is mounted with its FUSE driver (`mount.exfat-fuse`,
//! Debian's exfat-fuse). FAT32 has no such fallback: fusefat's write support is experimental
//! (random writes are refused or corrupt the file), so without the kernel's vfat the FAT32
//! case is not run. Each case that cannot run says why and passes.

use crate::util::Dir;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A file system image mounted for the test, unmounted (and its loop device freed) on drop,
/// failed assertions included.
struct Mounted {
    point: PathBuf,
    loop_device: Option<String>,
    how: String,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        for _ in 0..20 {
            if run("umount", &[self.point.to_str().unwrap()]).is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(250));
        }
        if let Some(dev) = &self.loop_device {
            let _ = run("losetup", &["-d", dev]);
        }
    }
}

/// Runs a command; its standard output, or what it said when it failed.
fn run(program: &str, args: &[&str]) -> Result<String, String> {
    match Command::new(program).args(args).output() {
        Ok(o) if o.status.success() => Ok(String::from_utf8_lossy(&o.stdout).into_owned()),
        Ok(o) => Err(format!(
            "{program} {}: {}{}",
            args.join(" "),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )),
        Err(e) => Err(format!("{program}: {e}")),
    }
}

/// Makes a 64 MB image of `fs` ("vfat" or "exfat") in `dir` and mounts it, or says why it
/// cannot here.
fn mount_image(dir: &Dir, fs: &str) -> Result<Mounted, String> {
    if unsafe { libc::geteuid() } != 0 {
        return Err("mounting an image needs root (mount -o loop)".into());
    }
    if !Path::new("/dev/loop-control").exists() {
        return Err("no loop device here (/dev/loop-control)".into());
    }
    let image = dir.path(&format!("{fs}.img"));
    let point = dir.path(fs);
    std::fs::create_dir(&point).unwrap();
    std::fs::File::create(&image)
        .unwrap()
        .set_len(64 * 1024 * 1024)
        .unwrap();
    let mkfs = format!("mkfs.{fs}");
    let image = image.to_str().unwrap();
    let point_s = point.to_str().unwrap().to_string();
    let point_s = point_s.as_str();
    run(&mkfs, &[image]).map_err(|e| {
        format!(
            "{e} (Debian package {})",
            if fs == "vfat" {
                "dosfstools"
            } else {
                "exfatprogs"
            }
        )
    })?;
    let kernel = match run("mount", &["-t", fs, "-o", "loop", image, point_s]) {
        Ok(_) => {
            return Ok(Mounted {
                point,
                loop_device: None,
                how: format!("mount -t {fs} -o loop (the kernel's driver)"),
            })
        }
        Err(e) => e,
    };
    if fs != "exfat" {
        return Err(format!(
            "the kernel cannot mount it ({}) and fusefat's write support is not reliable enough",
            kernel.trim()
        ));
    }
    let device = run("losetup", &["-f", "--show", image])?.trim().to_string();
    let mounted = Mounted {
        point,
        loop_device: Some(device.clone()),
        how: format!("mount.exfat-fuse on {device} (the kernel has no exFAT driver)"),
    };
    run("mount.exfat-fuse", &[&device, point_s]).map_err(|e| {
        format!(
            "the kernel cannot mount it ({}), nor FUSE ({}; Debian package exfat-fuse)",
            kernel.trim(),
            e.trim()
        )
    })?;
    Ok(mounted)
}

/// Runs the binary; its exit status and what it printed.
fn catalyse(dir: &Dir, args: &[&str]) -> (bool, String) {
    let out = dir.catalyse().args(args).output().unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// `catalyse check` finds the workspace at `path` sound.
fn assert_sound(dir: &Dir, path: &Path) {
    let (ok, out) = catalyse(dir, &["check", path.to_str().unwrap()]);
    assert!(
        ok && out.contains("aucun problème"),
        "{}: {out}",
        path.display()
    );
}

fn every_way_of_writing_a_new_file_works_on(fs: &str) {
    let dir = Dir::new();
    let key = match mount_image(&dir, fs) {
        Ok(m) => m,
        Err(why) => {
            eprintln!("NOT RUN ({fs}): {why}");
            return;
        }
    };
    eprintln!("{fs}: {}", key.how);
    let on_key = |name: &str| key.point.join(name);
    let s = |p: &Path| p.to_str().unwrap().to_string();
    // A hard link is refused there: what `publish` falls back from.
    std::fs::write(on_key("a"), "a").unwrap();
    assert!(
        std::fs::hard_link(on_key("a"), on_key("b")).is_err(),
        "{fs} has no hard links"
    );

    let new = on_key("nouveau.catalyse");
    let (ok, out) = catalyse(
        &dir,
        &[
            "new",
            &s(&new),
            "--territory",
            "Pays de la Clé",
            "--kind",
            "petr",
        ],
    );
    assert!(ok, "new: {out}");
    assert_sound(&dir, &new);

    let demo = on_key("demo.catalyse");
    let (ok, out) = catalyse(&dir, &["demo", &s(&demo)]);
    assert!(ok, "demo: {out}");
    assert_sound(&dir, &demo);
    // Nothing is written over an existing file.
    let before = std::fs::read(&new).unwrap();
    let (ok, out) = catalyse(&dir, &["demo", &s(&new)]);
    assert!(!ok && out.contains("existe déjà"), "{out}");
    assert_eq!(std::fs::read(&new).unwrap(), before);

    // « Enregistrer sous », new file and over an existing one (confirmed in the dialog).
    let store = catalyse_core::Store::open(&demo).unwrap();
    let copy = on_key("copie.catalyse");
    store.save_copy(&copy).unwrap();
    store.save_copy(&new).unwrap();
    drop(store);
    assert_sound(&dir, &copy);
    assert_sound(&dir, &new);
    let (_, out) = catalyse(&dir, &["check", "--json", &s(&new)]);
    assert!(
        out.contains("\"actors\": 45"),
        "the demo replaced it: {out}"
    );

    // The workspace as JSON, imported into a new file.
    let json = on_key("espace.json");
    let (ok, out) = catalyse(
        &dir,
        &["export", "workspace", &s(&json), "--workspace", &s(&demo)],
    );
    assert!(ok, "export: {out}");
    let imported = on_key("importe.catalyse");
    let (ok, out) = catalyse(
        &dir,
        &["import", "workspace", &s(&json), "--to", &s(&imported)],
    );
    assert!(ok, "import: {out}");
    assert_sound(&dir, &imported);
    let before = std::fs::read(&copy).unwrap();
    let (ok, out) = catalyse(&dir, &["import", "workspace", &s(&json), "--to", &s(&copy)]);
    assert!(!ok && out.contains("existe déjà"), "{out}");
    assert_eq!(std::fs::read(&copy).unwrap(), before);

    // A backup onto the key.
    let backup = on_key("sauvegarde.catalyse");
    let (ok, out) = catalyse(
        &dir,
        &["backup", "--workspace", &s(&demo), "--out", &s(&backup)],
    );
    assert!(ok, "backup: {out}");
    assert_sound(&dir, &backup);

    // No temporary file is left behind.
    let left: Vec<String> = std::fs::read_dir(&key.point)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("creating") || n.contains("importing") || n.contains("saving"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_workspace_on_a_fat32_key() {
    every_way_of_writing_a_new_file_works_on("vfat");
}

#[test]
fn a_workspace_on_an_exfat_key() {
    every_way_of_writing_a_new_file_works_on("exfat");
}

/// Runs `catalyse ARGS` for `dir`, which must succeed, and reads its JSON.
fn json(dir: &Dir, args: &[&str]) -> serde_json::Value {
    let (ok, out) = catalyse(dir, args);
    assert!(ok, "{args:?}: {out}");
    serde_json::from_str(out.lines().find(|l| l.starts_with('{')).unwrap_or(&out))
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
}

/// The change files under `dir`.
fn change_files(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else if p.extension().is_some_and(|x| x == "ccf") {
                found.push(p);
            }
        }
    }
    found
}

fn two_laptops_share_through_a_key(fs: &str) {
    let claire = Dir::new();
    let paul = Dir::new();
    let key = match mount_image(&claire, fs) {
        Ok(m) => m,
        Err(why) => {
            eprintln!("NOT RUN ({fs}, sharing): {why}");
            return;
        }
    };
    eprintln!("{fs}, sharing: {}", key.how);
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let folder = key.point.join("Territoire");
    std::fs::create_dir(&folder).unwrap();
    let a = claire.path("territoire.catalyse");
    let b = paul.path("territoire.catalyse");
    assert!(catalyse(&claire, &["demo", &s(&a)]).0);
    let (ok, out) = catalyse(
        &claire,
        &[
            "share",
            "init",
            "--workspace",
            &s(&a),
            "--folder",
            &s(&folder),
        ],
    );
    assert!(ok, "share init: {out}");
    let (ok, out) = catalyse(
        &paul,
        &["share", "join", "--folder", &s(&folder), "--to", &s(&b)],
    );
    assert!(ok, "share join: {out}");
    let import = |name: &str| {
        let csv = claire.path("acteurs.csv");
        std::fs::write(
            &csv,
            format!("Nom;Monde;Commune\n{name};Association;Trélon\n"),
        )
        .unwrap();
        let (ok, out) = catalyse(
            &claire,
            &["import", "actors", &s(&csv), "--workspace", &s(&a)],
        );
        assert!(ok, "import: {out}");
        json(&claire, &["sync", "--json", "--workspace", &s(&a)])
    };
    // Claire adds an actor; Paul receives it from the key.
    let sent = import("Association des Amis du Val");
    assert!(sent["sent"].as_u64().unwrap() >= 1, "{sent}");
    let got = json(&paul, &["sync", "--json", "--workspace", &s(&b)]);
    assert!(got["applied"].as_u64().unwrap() >= 1, "{got}");
    assert_eq!(
        got["content_hash"],
        json(&claire, &["sync", "--json", "--workspace", &s(&a)])["content_hash"]
    );
    // Her next change file is cut short on the key (pulled out mid-copy): incomplete, not
    // applied, nothing of it written; whole again, it applies.
    let before = change_files(&folder);
    let sent = import("Jardins partagés de Trélon");
    assert!(sent["sent"].as_u64().unwrap() >= 1, "{sent}");
    let new: Vec<PathBuf> = change_files(&folder)
        .into_iter()
        .filter(|f| !before.contains(f))
        .collect();
    assert_eq!(new.len(), 1, "{new:?}");
    let file = &new[0];
    let whole = std::fs::read(file).unwrap();
    std::fs::OpenOptions::new()
        .write(true)
        .open(file)
        .unwrap()
        .set_len(whole.len() as u64 / 2)
        .unwrap();
    let cut = json(&paul, &["sync", "--json", "--workspace", &s(&b)]);
    assert_eq!(cut["applied"], 0, "{cut}");
    assert!(!cut["incomplete"].as_array().unwrap().is_empty(), "{cut}");
    assert_eq!(cut["content_hash"], got["content_hash"]);
    std::fs::write(file, &whole).unwrap();
    let done = json(&paul, &["sync", "--json", "--workspace", &s(&b)]);
    assert!(done["applied"].as_u64().unwrap() >= 1, "{done}");
    assert!(done["incomplete"].as_array().unwrap().is_empty(), "{done}");
    assert_eq!(
        done["content_hash"],
        json(&claire, &["sync", "--json", "--workspace", &s(&a)])["content_hash"]
    );
}

#[test]
fn a_team_shares_through_a_fat32_key() {
    two_laptops_share_through_a_key("vfat");
}

#[test]
fn a_team_shares_through_an_exfat_key() {
    two_laptops_share_through_a_key("exfat");
}
