//! A shared folder that misbehaves on purpose, for the tests: the real folder underneath, with
//! renames that fail as a sync tool holding the file makes them fail (Windows error 32),
//! names taken by another laptop at the moment of publishing, reads that fail, reads that
//! block like a placeholder being fetched, and files listed as not downloaded (the Windows
//! placeholder attributes). It sends no folder event: polling alone must do.

use crate::share::fs::{Access, Disk, Entry, SharedFs};
use crate::share::retry::sharing_violation;
use crate::shared::error::{CoreError, CoreResult};
use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Default)]
pub(crate) struct Hostile {
    /// Renames still to fail (each with a sharing violation).
    pub rename_failures: AtomicUsize,
    /// Renames that failed so far.
    pub renames_failed: AtomicUsize,
    /// Reads of a path ending with one of these fail.
    pub failing: Mutex<Vec<String>>,
    /// Reads of a path ending with one of these block while it is listed.
    pub blocking: Mutex<Vec<String>>,
    /// Files whose name ends with one of these are listed as not downloaded.
    pub not_downloaded: Mutex<Vec<String>>,
    /// Publishing to a path ending with one of these finds another file there first (its
    /// bytes).
    pub taken: Mutex<Vec<(String, Vec<u8>)>>,
    /// Files read through the layer.
    pub reads: AtomicUsize,
}

fn matches(list: &Mutex<Vec<String>>, path: &Path) -> bool {
    let path = path.to_string_lossy().replace('\\', "/");
    list.lock().unwrap().iter().any(|end| path.ends_with(end))
}

impl Hostile {
    pub fn new() -> Arc<Hostile> {
        Arc::new(Hostile::default())
    }

    /// An exchange's access through `hostile`, with a short read deadline.
    pub fn access(hostile: &Arc<Hostile>, timeout: Duration) -> Access {
        Access::new(Arc::clone(hostile) as Arc<dyn SharedFs>, timeout)
    }

    pub fn fail_renames(&self, n: usize) {
        self.rename_failures.store(n, Ordering::SeqCst);
    }

    pub fn add(list: &Mutex<Vec<String>>, end: &str) {
        list.lock().unwrap().push(end.to_string());
    }

    pub fn clear(list: &Mutex<Vec<String>>) {
        list.lock().unwrap().clear();
    }
}

impl SharedFs for Hostile {
    fn list(&self, dir: &Path) -> io::Result<Vec<Entry>> {
        let mut entries = Disk.list(dir)?;
        for e in &mut entries {
            e.not_downloaded |= !e.dir && matches(&self.not_downloaded, &e.path);
        }
        Ok(entries)
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        let started = Instant::now();
        // Blocked until the test lets it go (a minute at most: no test waits that long).
        while matches(&self.blocking, path) && started.elapsed() < Duration::from_secs(60) {
            std::thread::sleep(Duration::from_millis(5));
        }
        if matches(&self.failing, path) {
            // The error a cloud client gives for a file it cannot fetch.
            return Err(io::Error::other(
                "le fournisseur de fichiers cloud ne répond pas",
            ));
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
        let fail = self
            .rename_failures
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if fail {
            self.renames_failed.fetch_add(1, Ordering::SeqCst);
            return Err(CoreError::Io(sharing_violation()));
        }
        let taken = {
            let mut taken = self.taken.lock().unwrap();
            let end = |e: &str| path.to_string_lossy().replace('\\', "/").ends_with(e);
            let i = taken.iter().position(|(e, _)| end(e));
            i.map(|i| taken.remove(i))
        };
        if let Some((_, bytes)) = taken {
            std::fs::write(path, bytes)?;
        }
        Disk.publish(tmp, path)
    }

    fn remove(&self, path: &Path) -> io::Result<()> {
        Disk.remove(path)
    }
}
