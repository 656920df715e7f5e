//! Writing into the shared folder. A change file is written once, under a name sync tools
//! skip (`~$NAME.tmp`), put on disk, then given its name without ever replacing a file, and
//! never touched again (never rewritten, never re-dated). Renames are retried with backoff:
//! sync tools and antivirus hold new files open for a moment (Windows errors 32 and 5).

use crate::db::journal::clock_millis;
use crate::share::format::{encode, Body, Header};
use crate::share::fs::{Disk, SharedFs};
use crate::share::names::{change_path, WRITING_PREFIX};
use crate::share::retry::with_retries;
use crate::shared::error::{CoreError, CoreResult};
use std::path::{Path, PathBuf};

/// The longest shared folder path Catalyse accepts, in characters: its own names add at most
/// 72 (`/appareils/<32>/<AAAA-MM>/~$<8>.ccf.tmp`), and Windows' limit is 260.
pub const MAX_ROOT_CHARS: usize = 180;

/// Refuses, before anything is written, a shared folder whose path would make Catalyse's
/// names too long for Windows.
pub fn check_root(root: &Path) -> CoreResult<()> {
    let chars = root.as_os_str().to_string_lossy().chars().count();
    if chars > MAX_ROOT_CHARS {
        return Err(CoreError::validation(
            "folder",
            "share.folder_too_long",
            format!(
                "Le chemin du dossier partagé est trop long ({chars} caractères, {MAX_ROOT_CHARS} au plus) : Windows ne pourrait pas y lire les fichiers de Catalyse. Choisissez un dossier moins profond."
            ),
        ));
    }
    Ok(())
}

/// The month folder (`AAAA-MM`, UTC) of a clock value.
pub fn month_of(at: i64) -> String {
    chrono::DateTime::from_timestamp_millis(clock_millis(at))
        .unwrap_or_default()
        .format("%Y-%m")
        .to_string()
}

/// Writes change file `header.seq` of `header.device` holding `body` into the shared folder
/// `root`; returns its path and closing hash. A file already at that name is never replaced
/// (`already_exists`: two laptops with one device identity), unless it holds these very
/// bytes (the same file written again after an interruption).
pub fn write_change_file(
    root: &Path,
    header: &Header,
    body: &Body,
) -> CoreResult<(PathBuf, String)> {
    write_change_file_in(&Disk, root, header, body)
}

/// [`write_change_file`] through the file system `fs`. Another file already at that name is
/// refused with an alert: another laptop writes under this one's identity.
pub fn write_change_file_in(
    fs: &dyn SharedFs,
    root: &Path,
    header: &Header,
    body: &Body,
) -> CoreResult<(PathBuf, String)> {
    // A file without change sets (what a device has received) goes in the current month.
    let first = body.sets.first().map_or_else(
        || chrono::Utc::now().timestamp_millis() << crate::db::journal::CLOCK_COUNTER_BITS,
        |s| s.at,
    );
    let relative = change_path(&header.device, &month_of(first), header.seq);
    let (bytes, hash) = encode(header, body);
    match write_once_in(fs, root, &relative, &bytes) {
        Ok(path) => Ok((path, hash)),
        Err(CoreError::AlreadyExists { .. }) => Err(CoreError::validation(
            "device",
            "share.cloned_device_file",
            format!(
                "Le fichier {} de cet ordinateur existe déjà dans le dossier partagé, avec un autre contenu : un autre ordinateur écrit sous la même identité (un espace de travail copié d'un ordinateur à l'autre ?). Rien n'a été remplacé ni envoyé. Sur l'un des deux ordinateurs, rejoignez l'espace à nouveau (« Rejoindre ») au lieu d'utiliser la copie.",
                relative
            ),
        )),
        Err(e) => Err(e),
    }
}

/// The path of `relative` (`/` between its parts) inside `root`.
pub fn inside(root: &Path, relative: &str) -> PathBuf {
    relative
        .split('/')
        .fold(root.to_path_buf(), |p, part| p.join(part))
}

/// Writes `bytes` at `relative` inside the shared folder `root`, once: under `~$NAME.tmp`, put
/// on disk, then given its name without replacing a file. A file already there with the same
/// bytes is taken as written; with other bytes, `already_exists`.
pub fn write_once(root: &Path, relative: &str, bytes: &[u8]) -> CoreResult<PathBuf> {
    write_once_in(&Disk, root, relative, bytes)
}

/// [`write_once`] through the file system `fs`.
pub fn write_once_in(
    fs: &dyn SharedFs,
    root: &Path,
    relative: &str,
    bytes: &[u8],
) -> CoreResult<PathBuf> {
    check_root(root)?;
    let path = inside(root, relative);
    let dir = path.parent().expect("a shared file's path has folders");
    fs.create_dirs(dir)?;
    let file_name = path
        .file_name()
        .expect("a shared file has a name")
        .to_string_lossy();
    let tmp = dir.join(format!("{WRITING_PREFIX}{file_name}.tmp"));
    let written = (|| -> CoreResult<()> {
        fs.write_new(&tmp, bytes)?;
        with_retries(5, || fs.publish(&tmp, &path))
    })();
    let _ = with_retries(5, || Ok(fs.remove(&tmp)?));
    match written {
        Err(CoreError::AlreadyExists { .. })
            if fs.read(&path).is_ok_and(|there| there == bytes) =>
        {
            Ok(path)
        }
        Err(e) => Err(e),
        Ok(()) => Ok(path),
    }
}
