//! The shared folder as Catalyse touches it: listing, reading, writing a new file and giving
//! it its name. The folder is hostile ground (a sync tool holds files open, a file is a
//! placeholder not downloaded yet, a read blocks while a cloud client fetches it), so these
//! go through one small layer: [`Disk`], the real one, and in tests a layer that makes the
//! folder misbehave on purpose (`share::hostile`).
//!
//! Reads run on a worker thread with a deadline ([`Access::read`]): a file whose read fails or
//! does not finish in time is **incomplete** (tried again at the next exchange), never
//! corrupt, and the exchange goes on. On Windows a file the listing shows with the placeholder
//! attributes (recall on data access, recall on open, offline) is not opened at all.

use crate::share::retry::with_retries;
use crate::shared::error::{CoreError, CoreResult};
use std::cell::RefCell;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc};
use std::time::Duration;

/// How long a read of a shared file may take before the file counts as not downloaded yet.
pub const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// `FILE_ATTRIBUTE_OFFLINE`: the data is not on this computer.
pub const ATTRIBUTE_OFFLINE: u32 = 0x1000;
/// `FILE_ATTRIBUTE_RECALL_ON_OPEN`: opening the file fetches it (cloud placeholders).
pub const ATTRIBUTE_RECALL_ON_OPEN: u32 = 0x0004_0000;
/// `FILE_ATTRIBUTE_RECALL_ON_DATA_ACCESS`: reading the file fetches it (OneDrive Files
/// On-Demand, Nextcloud and Dropbox virtual files).
pub const ATTRIBUTE_RECALL_ON_DATA_ACCESS: u32 = 0x0040_0000;

/// Whether Windows file attributes say the file's content is not on this computer yet:
/// opening or reading it would start a download (and block until it ends, or fail offline).
pub fn not_downloaded(attributes: u32) -> bool {
    attributes & (ATTRIBUTE_OFFLINE | ATTRIBUTE_RECALL_ON_OPEN | ATTRIBUTE_RECALL_ON_DATA_ACCESS)
        != 0
}

/// An entry of a folder of the shared folder.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Its name, as text (a name that is not Unicode is never one of Catalyse's).
    pub name: String,
    pub path: PathBuf,
    pub dir: bool,
    /// Its content is not on this computer yet (a placeholder): not opened.
    pub not_downloaded: bool,
}

/// What Catalyse does in the shared folder.
pub trait SharedFs: Send + Sync + 'static {
    /// The entries of `dir`.
    fn list(&self, dir: &Path) -> io::Result<Vec<Entry>>;
    /// The whole content of `path`.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
    /// Creates `dir` and its parents.
    fn create_dirs(&self, dir: &Path) -> io::Result<()>;
    /// Writes `bytes` as the new file `path` and puts it on disk.
    fn write_new(&self, path: &Path, bytes: &[u8]) -> io::Result<()>;
    /// Gives the completed file `tmp` the name `path`, never replacing a file there
    /// (`AlreadyExists`).
    fn publish(&self, tmp: &Path, path: &Path) -> CoreResult<()>;
    fn remove(&self, path: &Path) -> io::Result<()>;
}

/// The real file system.
#[derive(Debug, Clone, Copy, Default)]
pub struct Disk;

impl SharedFs for Disk {
    fn list(&self, dir: &Path) -> io::Result<Vec<Entry>> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let dir = entry.file_type()?.is_dir();
            // Windows gives the attributes with the listing: the file is not opened.
            #[cfg(windows)]
            let not_downloaded = {
                use std::os::windows::fs::MetadataExt;
                entry
                    .metadata()
                    .is_ok_and(|m| self::not_downloaded(m.file_attributes()))
            };
            #[cfg(not(windows))]
            let not_downloaded = false;
            out.push(Entry {
                name: entry.file_name().to_string_lossy().into_owned(),
                path: entry.path(),
                dir,
                not_downloaded,
            });
        }
        Ok(out)
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }

    fn create_dirs(&self, dir: &Path) -> io::Result<()> {
        std::fs::create_dir_all(dir)
    }

    fn write_new(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        std::fs::write(path, bytes)?;
        crate::db::files::sync_file(path)
    }

    fn publish(&self, tmp: &Path, path: &Path) -> CoreResult<()> {
        crate::db::files::publish(tmp, path)
    }

    fn remove(&self, path: &Path) -> io::Result<()> {
        std::fs::remove_file(path)
    }
}

/// Why a file could not be read.
#[derive(Debug)]
pub enum Unread {
    /// The read did not finish within the deadline (a placeholder being fetched, a share that
    /// does not answer).
    TimedOut,
    /// The read failed (locked, offline, vanished).
    Failed(CoreError),
}

impl Unread {
    /// Why, in French, for the status.
    pub fn why(&self) -> String {
        match self {
            Unread::TimedOut => "sa lecture ne se termine pas (fichier pas encore téléchargé ?) : il sera relu plus tard".into(),
            Unread::Failed(e) => format!("fichier illisible pour l'instant ({e})"),
        }
    }
}

/// A reading thread: it reads the paths it is sent, one at a time.
struct Worker {
    jobs: mpsc::Sender<PathBuf>,
    done: mpsc::Receiver<io::Result<Vec<u8>>>,
}

/// The shared folder during one exchange: its file system, and the thread that reads files
/// off the caller's thread, with a deadline.
pub struct Access {
    fs: Arc<dyn SharedFs>,
    timeout: Duration,
    worker: RefCell<Option<Worker>>,
}

impl Access {
    /// The real file system, with the usual deadline.
    pub fn disk() -> Self {
        Self::new(Arc::new(Disk), READ_TIMEOUT)
    }

    pub fn new(fs: Arc<dyn SharedFs>, timeout: Duration) -> Self {
        Access {
            fs,
            timeout,
            worker: RefCell::new(None),
        }
    }

    pub fn fs(&self) -> &dyn SharedFs {
        &*self.fs
    }

    /// Reads `path` whole on the reading thread, trying again after a transient error (a
    /// sync tool holding the file): an error, or no answer within the deadline, is
    /// [`Unread`]. A thread stuck on a read is left to finish on its own; the next read
    /// starts another.
    pub fn read(&self, path: &Path) -> Result<Vec<u8>, Unread> {
        let mut timed_out = false;
        let read = with_retries(3, || match self.read_once(path) {
            Ok(bytes) => Ok(bytes),
            Err(None) => {
                timed_out = true;
                Err(CoreError::Io(io::ErrorKind::TimedOut.into()))
            }
            Err(Some(e)) => Err(CoreError::Io(e)),
        });
        match read {
            Ok(bytes) => Ok(bytes),
            Err(_) if timed_out => Err(Unread::TimedOut),
            Err(e) => Err(Unread::Failed(e)),
        }
    }

    /// One read on the worker; `Err(None)` when the deadline passed.
    fn read_once(&self, path: &Path) -> Result<Vec<u8>, Option<io::Error>> {
        let mut slot = self.worker.borrow_mut();
        let worker = slot.get_or_insert_with(|| self.spawn());
        if worker.jobs.send(path.to_path_buf()).is_err() {
            *slot = None;
            return Err(Some(io::Error::other("le fil de lecture s'est arrêté")));
        }
        match worker.done.recv_timeout(self.timeout) {
            Ok(read) => read.map_err(Some),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                // Its answer, if it ever comes, goes nowhere; the thread then ends.
                *slot = None;
                Err(None)
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                *slot = None;
                Err(Some(io::Error::other("le fil de lecture s'est arrêté")))
            }
        }
    }

    fn spawn(&self) -> Worker {
        let (jobs, inbox) = mpsc::channel::<PathBuf>();
        let (outbox, done) = mpsc::channel();
        let fs = Arc::clone(&self.fs);
        let started = std::thread::Builder::new()
            .name("catalyse-lecture".into())
            .spawn(move || {
                for path in inbox {
                    if outbox.send(fs.read(&path)).is_err() {
                        break;
                    }
                }
            });
        if let Err(e) = started {
            // No thread to be had: the channels are closed, the read fails and is retried
            // at the next exchange.
            let (jobs, _) = mpsc::channel();
            let (outbox, done) = mpsc::channel();
            let _ = outbox.send(Err(e));
            return Worker { jobs, done };
        }
        Worker { jobs, done }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_placeholder_attributes_mean_not_downloaded_whatever_else_is_set() {
        // FILE_ATTRIBUTE_ARCHIVE, READONLY, HIDDEN, NORMAL, PINNED, UNPINNED, REPARSE_POINT,
        // SPARSE_FILE: a file on this computer.
        for here in [0x20, 0x1, 0x2, 0x80, 0x8_0000, 0x10_0000, 0x400, 0x200, 0x0] {
            assert!(!not_downloaded(here), "{here:#x}");
        }
        for away in [
            ATTRIBUTE_OFFLINE,
            ATTRIBUTE_RECALL_ON_OPEN,
            ATTRIBUTE_RECALL_ON_DATA_ACCESS,
            // OneDrive online-only file: ARCHIVE | SPARSE | REPARSE_POINT | UNPINNED |
            // RECALL_ON_DATA_ACCESS.
            0x20 | 0x200 | 0x400 | 0x10_0000 | 0x40_0000,
            0x20 | 0x1000,
        ] {
            assert!(not_downloaded(away), "{away:#x}");
        }
        assert_eq!(
            (
                ATTRIBUTE_OFFLINE,
                ATTRIBUTE_RECALL_ON_OPEN,
                ATTRIBUTE_RECALL_ON_DATA_ACCESS
            ),
            (0x1000, 0x40000, 0x400000)
        );
    }

    /// A file system whose reads of `slow` never end (until the test ends).
    struct Stuck;
    impl SharedFs for Stuck {
        fn list(&self, dir: &Path) -> io::Result<Vec<Entry>> {
            Disk.list(dir)
        }
        fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
            if path.ends_with("slow") {
                std::thread::sleep(Duration::from_secs(3));
            }
            Disk.read(path)
        }
        fn create_dirs(&self, dir: &Path) -> io::Result<()> {
            Disk.create_dirs(dir)
        }
        fn write_new(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
            Disk.write_new(path, bytes)
        }
        fn publish(&self, tmp: &Path, path: &Path) -> CoreResult<()> {
            Disk.publish(tmp, path)
        }
        fn remove(&self, path: &Path) -> io::Result<()> {
            Disk.remove(path)
        }
    }

    #[test]
    fn a_read_that_does_not_end_times_out_and_the_next_read_works() {
        let dir = tempfile::TempDir::new().unwrap();
        for name in ["slow", "fast"] {
            std::fs::write(dir.path().join(name), name).unwrap();
        }
        let access = Access::new(Arc::new(Stuck), Duration::from_millis(100));
        let started = std::time::Instant::now();
        assert!(matches!(
            access.read(&dir.path().join("slow")),
            Err(Unread::TimedOut)
        ));
        // The deadline is kept: no retry after a time-out.
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(access.read(&dir.path().join("fast")).unwrap(), b"fast");
        assert!(matches!(
            access.read(&dir.path().join("absent")),
            Err(Unread::Failed(_))
        ));
        assert!(Unread::TimedOut.why().contains("téléchargé"));
    }
}
