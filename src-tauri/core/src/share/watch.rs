//! Watching the shared folder: a hint that another laptop's file may have arrived, so that
//! the exchange comes sooner than the next poll. **Polling stays the rule**: network shares
//! and some sync tools send no events, and a burst of thousands of files overflows the
//! system's buffer (then the watcher asks for a rescan, which is also « look now »). The
//! watch only ever says « look now »; what is read is decided by the exchange, as always.
//!
//! Events are gathered for a short while ([`QUIET`]) and reported once, from a thread of the
//! watch's own, so that a sync tool writing 10,000 files calls back a handful of times, not
//! 10,000. Only the names Catalyse reads count ([`classify`]): a change file, its conflict
//! copy or placeholder, of **another** device (this laptop's own files, and the temporary
//! files of every tool, are not news).

use crate::share::names::{classify, Name};
use crate::shared::error::{CoreError, CoreResult};
use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

/// How long events are gathered before one call: a burst gives one call.
pub const QUIET: Duration = Duration::from_millis(700);

/// A watch of the shared folder; dropping it stops it (and its thread).
pub struct FolderWatch {
    _watcher: RecommendedWatcher,
}

/// Whether an event on `path` is worth an exchange for `me` (hyphenated device identity):
/// a name Catalyse reads, of another device.
pub fn is_news(root: &Path, path: &Path, me: &str) -> bool {
    let Ok(relative) = path.strip_prefix(root) else {
        return false;
    };
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    match classify(&parts.join("/")) {
        Name::Change { device, .. }
        | Name::ConflictCopy { device, .. }
        | Name::Placeholder { device, .. } => device != me,
        Name::Ignored | Name::Foreign => false,
    }
}

/// Watches `root` (recursively) for the files of devices other than `me`; calls `on_news`
/// from the watch's thread, at most once per [`QUIET`] while events keep coming. An error
/// of the watcher (its buffer overflowed, a folder gone) is news too: the exchange rescans.
pub fn watch(
    root: &Path,
    me: &str,
    on_news: impl Fn() + Send + 'static,
) -> CoreResult<FolderWatch> {
    let (tx, rx) = mpsc::channel::<bool>();
    let (base, device) = (root.to_path_buf(), me.to_string());
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let news = match event {
            Ok(e) => e.need_rescan() || e.paths.iter().any(|p| is_news(&base, p, &device)),
            Err(_) => true,
        };
        if news {
            let _ = tx.send(true);
        }
    })
    .map_err(watch_error)?;
    watcher
        .watch(root, RecursiveMode::Recursive)
        .map_err(watch_error)?;
    std::thread::Builder::new()
        .name("catalyse-share-watch".into())
        .spawn(move || gather(rx, on_news))?;
    Ok(FolderWatch { _watcher: watcher })
}

/// The watch's thread: waits for an event, gathers those that follow within [`QUIET`],
/// calls once; ends when the watcher is dropped (its sender with it).
fn gather(rx: mpsc::Receiver<bool>, on_news: impl Fn()) {
    while rx.recv().is_ok() {
        loop {
            match rx.recv_timeout(QUIET) {
                Ok(_) => continue,
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    on_news();
                    return;
                }
            }
        }
        on_news();
    }
}

fn watch_error(e: notify::Error) -> CoreError {
    CoreError::Io(std::io::Error::other(format!(
        "le dossier partagé ne peut pas être surveillé (les échanges se font toutes les 30 secondes) : {e}"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    const ME: &str = "0190f6a4-0000-7000-8000-00000000000a";
    const OTHER: &str = "0190f6a4-0000-7000-8000-00000000000b";

    fn file_of(root: &Path, device: &str, name: &str) -> PathBuf {
        root.join("appareils")
            .join(device.replace('-', ""))
            .join("2026-12")
            .join(name)
    }

    #[test]
    fn only_the_files_of_other_devices_are_news() {
        let root = Path::new("/partage");
        assert!(is_news(root, &file_of(root, OTHER, "00000001.ccf"), ME));
        assert!(is_news(
            root,
            &file_of(root, OTHER, "00000001.ccf.nextcloud"),
            ME
        ));
        assert!(!is_news(root, &file_of(root, ME, "00000001.ccf"), ME));
        assert!(!is_news(
            root,
            &file_of(root, OTHER, "~$00000001.ccf.tmp"),
            ME
        ));
        assert!(!is_news(root, &root.join("desktop.ini"), ME));
        assert!(!is_news(root, Path::new("/ailleurs/00000001.ccf"), ME));
    }

    /// Waits up to `limit` for `count` to reach `at_least` (events come from another thread;
    /// a limit, not a speed target).
    fn wait_for(count: &AtomicUsize, at_least: usize, limit: Duration) -> usize {
        let start = std::time::Instant::now();
        while count.load(Ordering::SeqCst) < at_least && start.elapsed() < limit {
            std::thread::sleep(Duration::from_millis(50));
        }
        count.load(Ordering::SeqCst)
    }

    #[test]
    fn a_file_of_another_laptop_arriving_calls_back_once_for_a_burst() {
        let dir = tempfile::TempDir::new().unwrap();
        let root = dir.path().to_path_buf();
        let folder = file_of(&root, OTHER, "x").parent().unwrap().to_path_buf();
        std::fs::create_dir_all(&folder).unwrap();
        let mine = file_of(&root, ME, "x").parent().unwrap().to_path_buf();
        std::fs::create_dir_all(&mine).unwrap();
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = calls.clone();
        let w = watch(&root, ME, move || {
            counted.fetch_add(1, Ordering::SeqCst);
        })
        .unwrap();
        // This laptop's own file and a sync tool's temporary file: no news.
        std::fs::write(mine.join("00000001.ccf"), b"mine").unwrap();
        std::fs::write(folder.join(".syncthing.00000001.ccf.tmp"), b"x").unwrap();
        std::thread::sleep(QUIET * 3);
        assert_eq!(calls.load(Ordering::SeqCst), 0);
        // A burst of another laptop's files: called back, far fewer times than files.
        for seq in 1..=200 {
            std::fs::write(folder.join(format!("{seq:08}.ccf")), b"theirs").unwrap();
        }
        let n = wait_for(&calls, 1, Duration::from_secs(20));
        std::thread::sleep(QUIET * 3);
        let n = n.max(calls.load(Ordering::SeqCst));
        assert!((1..=20).contains(&n), "{n} calls for 200 files");
        drop(w);
    }
}
