//! The single owner of a workspace's connection for writes, and its readers.
//!
//! A [`Workspace`] runs one thread that owns the [`Store`]; every write is a job sent to that
//! thread, so writes are serialised and no other code writes to the file. Reads that need not
//! wait for the writer ([`Workspace::read`]) go to [`READERS`] reader threads, each with its
//! own read-only connection (WAL lets them read the last committed state while a long import
//! runs): the window stays usable during long work. Callers await the answer (the Tauri
//! commands are async), or block on it from synchronous code.

use crate::db::store::Store;
use crate::shared::error::{CoreError, CoreResult};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::shared::domain::BackupReason;

/// How often an idle writer checks whether an automatic backup is due.
const IDLE_CHECK: Duration = Duration::from_secs(60);

/// Automatic backups of an open workspace.
#[derive(Debug, Clone)]
pub struct AutoBackup {
    /// The workspace's backup folder.
    pub dir: PathBuf,
    /// The least time between two automatic backups.
    pub every: Duration,
    /// The backup made when the workspace opens.
    pub at_start: StartBackup,
}

/// How the backup at opening is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartBackup {
    /// By the writer, before its first job.
    OnWriter,
    /// On a thread of its own through a read-only connection: neither writes nor reads wait.
    InBackground,
    /// Not made: the newest backup already holds the file as it is.
    Skipped,
}

type Job = Box<dyn FnOnce(&mut Store) + Send>;

/// The backup at opening on a thread of its own; `ok` says whether it was made.
fn backup_in_background(
    dir: PathBuf,
    file: PathBuf,
    ok: Arc<AtomicBool>,
) -> Option<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("catalyse-backup".into())
        .spawn(move || {
            match crate::workspace::backups::backup_file(&file, &dir, BackupReason::Auto) {
                Ok(_) => {
                    ok.store(true, Ordering::Release);
                    let _ = crate::workspace::backups::rotate(&dir);
                }
                Err(e) => eprintln!("Sauvegarde automatique impossible : {e}"),
            }
        })
        .ok()
}

/// What the writer thread keeps beside the store: the automatic backups, the change stamp it
/// publishes after each job, whether the backup at opening was made.
struct Writer {
    auto: Option<AutoBackup>,
    stamp: Arc<AtomicU64>,
    start_ok: Arc<AtomicBool>,
}

impl Writer {
    /// Runs the jobs until every sender is gone, backing up when due, then closes the store
    /// and records how it closed.
    fn run(self, mut store: Store, rx: mpsc::Receiver<Job>) {
        // The backup at opening counts as made, unless the writer makes it itself.
        let mut last: Option<(Instant, u64)> = match &self.auto {
            Some(a) if a.at_start != StartBackup::OnWriter => {
                Some((Instant::now(), store.changes_since_open()))
            }
            _ => None,
        };
        self.backup_if_due(&store, &mut last);
        let path_for_close = store.path().map(Path::to_path_buf);
        loop {
            match rx.recv_timeout(IDLE_CHECK) {
                // A panicking job must not take the workspace down with it; its caller
                // sees `Closed` because its reply channel is dropped.
                Ok(job) => {
                    let _ = std::panic::catch_unwind(AssertUnwindSafe(|| job(&mut store)));
                    self.stamp.store(store.change_stamp(), Ordering::Release);
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
            self.backup_if_due(&store, &mut last);
        }
        // Closed cleanly: the file's state is recorded, so that the next opening
        // need not check it, nor back it up when the newest backup holds it.
        let backed_up = match (&self.auto, last) {
            (Some(a), Some((_, seen))) => {
                seen == store.changes_since_open()
                    && (a.at_start != StartBackup::InBackground
                        || self.start_ok.load(Ordering::Acquire))
            }
            _ => false,
        };
        let closed = store.close();
        if let (Some(a), Some(file), true) = (&self.auto, path_for_close, closed) {
            crate::workspace::backups::record_closed(&a.dir, &file, backed_up);
        }
    }

    /// Backs the workspace up if none was made yet, or if it changed and the last one is
    /// `every` old. A failed backup (disk full…) is said and tried again at the next due time.
    fn backup_if_due(&self, store: &Store, last: &mut Option<(Instant, u64)>) {
        let Some(a) = &self.auto else { return };
        let changes = store.changes_since_open();
        let due = match last {
            None => true,
            Some((at, seen)) => at.elapsed() >= a.every && changes != *seen,
        };
        if due {
            match store.backup_into(&a.dir, BackupReason::Auto) {
                Ok(_) => *last = Some((Instant::now(), changes)),
                Err(e) => {
                    eprintln!("Sauvegarde automatique impossible : {e}");
                    // Try again at the next due time, not after every job.
                    *last = Some((Instant::now(), u64::MAX));
                }
            }
        }
    }
}
type ReadJob = Box<dyn FnOnce(&Store) + Send>;

/// Reader threads per workspace (each with its own read-only connection, opened on first use).
pub const READERS: usize = 2;

/// The reader threads and their shared queue.
struct Readers {
    jobs: Option<mpsc::Sender<ReadJob>>,
    threads: Vec<JoinHandle<()>>,
}

impl Readers {
    fn start(path: PathBuf) -> Readers {
        let (tx, rx) = mpsc::channel::<ReadJob>();
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        let threads = (0..READERS)
            .map(|i| {
                let rx = rx.clone();
                let path = path.clone();
                std::thread::Builder::new()
                    .name(format!("catalyse-reader-{i}"))
                    .spawn(move || {
                        let mut store: Option<Store> = None;
                        loop {
                            let job = {
                                let Ok(rx) = rx.lock() else { return };
                                match rx.recv() {
                                    Ok(job) => job,
                                    Err(_) => return,
                                }
                            };
                            if store.is_none() {
                                match Store::open_reader(&path) {
                                    Ok(s) => store = Some(s),
                                    // The job's caller sees `Closed` (its reply is dropped)
                                    // and the next job tries again.
                                    Err(e) => {
                                        eprintln!("Lecture impossible : {e}");
                                        continue;
                                    }
                                }
                            }
                            let s = store.as_ref().expect("opened above");
                            let _ = std::panic::catch_unwind(AssertUnwindSafe(|| job(s)));
                        }
                    })
                    .expect("a reader thread could not start")
            })
            .collect();
        Readers {
            jobs: Some(tx),
            threads,
        }
    }

    /// Queues `f` for the next free reader; its result arrives on the receiver.
    fn send<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> CoreResult<R> + Send + 'static,
    ) -> CoreResult<tokio::sync::oneshot::Receiver<CoreResult<R>>> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job: ReadJob = Box::new(move |store| {
            let _ = reply.send(guarded(|| f(store)));
        });
        self.jobs
            .as_ref()
            .ok_or(CoreError::Closed)?
            .send(job)
            .map_err(|_| CoreError::Closed)?;
        Ok(answer)
    }
}

/// Runs a job, turning a panic into [`CoreError::Internal`] with its message (also logged),
/// so that its caller gets a clear error rather than a closed workspace. A transaction the
/// job had open is rolled back as it unwinds: the store stays usable.
fn guarded<R>(f: impl FnOnce() -> CoreResult<R>) -> CoreResult<R> {
    std::panic::catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let detail = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panique sans message".to_string());
        eprintln!("Catalyse : erreur interne dans une opération : {detail}");
        Err(CoreError::Internal { detail })
    })
}

impl Drop for Readers {
    fn drop(&mut self) {
        self.jobs.take();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// An open workspace, the thread that owns its connection, and its readers.
pub struct Workspace {
    path: PathBuf,
    backups: Option<PathBuf>,
    jobs: Option<mpsc::Sender<Job>>,
    thread: Option<JoinHandle<()>>,
    /// The backup made at opening in the background, while it runs.
    start_backup: Option<JoinHandle<()>>,
    /// `None` for a store without a file (in memory).
    readers: Option<Readers>,
    /// The writer's [`Store::change_stamp`] after its last job: work done by a reader records
    /// it, to be checked again by the writer before its result is written.
    stamp: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// What a higher layer keeps alive as long as the workspace is open (the watch of its
    /// shared folder, when the window asked for one): it stops with the workspace. Typed
    /// loosely so that this layer does not know the layers above it.
    kept: std::sync::Mutex<Option<Box<dyn std::any::Any + Send>>>,
}

impl Workspace {
    /// Opens the file at `path` (see [`Store::open`]) and starts its writer.
    pub fn open(path: &Path) -> CoreResult<Workspace> {
        let store = Store::open(path)?;
        Ok(Workspace::spawn(store, path.to_path_buf()))
    }

    /// Hands an already opened store to a new writer thread.
    pub fn spawn(store: Store, path: PathBuf) -> Workspace {
        Workspace::spawn_with(store, path, None)
    }

    /// Opens `path` (backing it up under `backups_root` first if it must be migrated) and
    /// keeps automatic backups of it in its folder under `backups_root`. A file found exactly
    /// as Catalyse closed it cleanly ([`crate::workspace::backups::ClosedState`]) is not checked again,
    /// nor backed up again when its newest backup holds it; otherwise it is checked, and
    /// backed up in the background.
    pub fn open_with_backups(path: &Path, backups_root: &Path) -> CoreResult<Workspace> {
        let dir = crate::workspace::backups::dir_for(backups_root, path);
        let closed = crate::workspace::backups::closed_as_recorded(&dir, path);
        let store = Store::open_checked(path, backups_root, closed.is_none())?;
        // Open: the file is going to change.
        crate::workspace::backups::forget_closed(&dir);
        let at_start = match closed {
            Some(c) if c.backed_up => StartBackup::Skipped,
            _ => StartBackup::InBackground,
        };
        Ok(Workspace::spawn_with(
            store,
            path.to_path_buf(),
            Some(AutoBackup {
                dir,
                every: Duration::from_secs(3600),
                at_start,
            }),
        ))
    }

    /// [`Workspace::spawn`] with automatic backups in the workspace's folder under `backups_root`.
    pub fn spawn_with_backups(store: Store, path: PathBuf, backups_root: &Path) -> Workspace {
        let dir = crate::workspace::backups::dir_for(backups_root, &path);
        Workspace::spawn_with(
            store,
            path,
            Some(AutoBackup {
                dir,
                every: Duration::from_secs(3600),
                at_start: StartBackup::InBackground,
            }),
        )
    }

    /// Waits for the backup made at opening, when it runs in the background.
    pub fn wait_start_backup(&mut self) {
        if let Some(t) = self.start_backup.take() {
            let _ = t.join();
        }
    }

    /// The folder of automatic backups, when they are on.
    pub fn backup_dir(&self) -> Option<&Path> {
        self.backups.as_deref()
    }

    /// Starts the writer thread. With `auto`, it backs the workspace up when it starts, then
    /// at most once per `auto.every` while it changes (checked after each job and every
    /// minute when idle). A failed backup (disk full…) never stops the writer.
    pub fn spawn_with(store: Store, path: PathBuf, auto: Option<AutoBackup>) -> Workspace {
        let readers = store.path().map(|p| Readers::start(p.to_path_buf()));
        // The backup at opening, on a thread of its own when asked: it reads a consistent
        // snapshot through its own connection while the writer and the readers work.
        let start_ok = Arc::new(AtomicBool::new(false));
        let start_backup = match (&auto, store.path()) {
            (Some(a), Some(file)) if a.at_start == StartBackup::InBackground => {
                backup_in_background(a.dir.clone(), file.to_path_buf(), start_ok.clone())
            }
            _ => None,
        };
        let stamp = Arc::new(AtomicU64::new(store.change_stamp()));
        let (tx, rx) = mpsc::channel::<Job>();
        let backups = auto.as_ref().map(|a| a.dir.clone());
        let writer = Writer {
            auto,
            stamp: stamp.clone(),
            start_ok,
        };
        let thread = std::thread::Builder::new()
            .name("catalyse-writer".into())
            .spawn(move || writer.run(store, rx))
            .expect("the writer thread could not start");
        Workspace {
            path,
            backups,
            jobs: Some(tx),
            thread: Some(thread),
            start_backup,
            readers,
            stamp,
            kept: std::sync::Mutex::new(None),
        }
    }

    /// Keeps `guard` (the watch of the shared folder) alive as long as this workspace is
    /// open, in place of the one kept before, which is dropped.
    pub fn keep_while_open(&self, guard: Box<dyn std::any::Any + Send>) {
        if let Ok(mut slot) = self.kept.lock() {
            *slot = Some(guard);
        }
    }

    /// The writer's change stamp after its last job (see [`Store::change_stamp`]).
    pub fn writer_stamp(&self) -> u64 {
        self.stamp.load(std::sync::atomic::Ordering::Acquire)
    }

    /// The workspace file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn send<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> CoreResult<R> + Send + 'static,
    ) -> CoreResult<tokio::sync::oneshot::Receiver<CoreResult<R>>> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |store| {
            let _ = reply.send(guarded(|| f(store)));
        });
        self.jobs
            .as_ref()
            .ok_or(CoreError::Closed)?
            .send(job)
            .map_err(|_| CoreError::Closed)?;
        Ok(answer)
    }

    /// Runs `f` on the writer thread and awaits its result.
    pub async fn call<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> CoreResult<R> + Send + 'static,
    ) -> CoreResult<R> {
        self.send(f)?.await.map_err(|_| CoreError::Closed)?
    }

    /// Runs `f`, which only reads, on a reader thread (on the writer thread for a store in
    /// memory) and awaits its result: it sees what was committed, and does not wait for the
    /// writer's long jobs.
    pub async fn read<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> CoreResult<R> + Send + 'static,
    ) -> CoreResult<R> {
        let Some(readers) = &self.readers else {
            return self.call(move |s| f(s)).await;
        };
        readers.send(f)?.await.map_err(|_| CoreError::Closed)?
    }

    /// [`Workspace::read`], blocking until it is done (not for async contexts).
    pub fn read_blocking<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> CoreResult<R> + Send + 'static,
    ) -> CoreResult<R> {
        let Some(readers) = &self.readers else {
            return self.call_blocking(move |s| f(s));
        };
        readers
            .send(f)?
            .blocking_recv()
            .map_err(|_| CoreError::Closed)?
    }

    /// Runs `f` on the writer thread and blocks until it is done (not for async contexts).
    pub fn call_blocking<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> CoreResult<R> + Send + 'static,
    ) -> CoreResult<R> {
        self.send(f)?
            .blocking_recv()
            .map_err(|_| CoreError::Closed)?
    }
}

impl Drop for Workspace {
    /// Closing finishes the queued jobs and reads, closes the readers, then the writer's
    /// connection (checkpointing the WAL).
    fn drop(&mut self) {
        self.wait_start_backup();
        self.readers.take();
        self.jobs.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actors::ActorInput;
    use crate::project::NewWorkspace;

    #[test]
    fn jobs_run_in_order_on_one_connection_and_close_cleanly() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("w.catalyse");
        let store = Store::create(
            &path,
            &NewWorkspace {
                territory_name: "T".into(),
                territory_kind: "epci".into(),
                project_title: "P".into(),
            },
        )
        .unwrap();
        let ws = Workspace::spawn(store, path.clone());
        for i in 0..20 {
            ws.call_blocking(move |s| {
                s.create_actor(&ActorInput {
                    name: format!("A{i}"),
                    world: "state".into(),
                    commune: "".into(),
                    insee: None,
                    engagement: "informed".into(),
                    notes: "".into(),
                })
            })
            .unwrap();
        }
        // A job that panics halfway through a transaction: its caller is told, with the
        // message; nothing it wrote is kept; the writer goes on.
        let panicked = ws
            .call_blocking(|s| -> CoreResult<()> {
                let tx = s.conn.transaction()?;
                tx.execute("DELETE FROM actor", [])?;
                panic!("boom");
            })
            .unwrap_err();
        assert_eq!(panicked.kind(), "internal");
        assert!(panicked.to_string().contains("boom"), "{panicked}");
        let n = ws.call_blocking(|s| s.counts()).unwrap()["actors"];
        assert_eq!(n, 20);
        // Readers too.
        let e = ws
            .read_blocking(|_| -> CoreResult<()> { panic!("lecture") })
            .unwrap_err();
        assert_eq!(e.kind(), "internal");
        assert_eq!(ws.read_blocking(|s| s.counts()).unwrap()["actors"], 20);
        drop(ws);
        assert!(!dir.path().join("w.catalyse-wal").exists());
    }

    #[test]
    fn a_workspace_closed_cleanly_is_neither_checked_nor_backed_up_again_at_opening() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("w.catalyse");
        drop(
            Store::create(
                &path,
                &NewWorkspace {
                    territory_name: "T".into(),
                    territory_kind: "epci".into(),
                    project_title: "P".into(),
                },
            )
            .unwrap(),
        );
        let root = dir.path().join("sauvegardes");
        let folder = crate::workspace::backups::dir_for(&root, &path);
        let backups = || crate::workspace::backups::list(&folder).unwrap().len();
        let add = |ws: &Workspace| {
            ws.call_blocking(|s| {
                s.create_actor(&ActorInput {
                    name: "A".into(),
                    world: "state".into(),
                    commune: "".into(),
                    insee: None,
                    engagement: "informed".into(),
                    notes: "".into(),
                })
            })
            .unwrap();
        };
        // First opening: checked and backed up (in the background).
        let mut ws = Workspace::open_with_backups(&path, &root).unwrap();
        ws.wait_start_backup();
        assert_eq!(backups(), 1);
        drop(ws);
        assert!(
            crate::workspace::backups::closed_as_recorded(&folder, &path)
                .unwrap()
                .backed_up
        );
        // Unchanged since: no new backup.
        let mut ws = Workspace::open_with_backups(&path, &root).unwrap();
        ws.wait_start_backup();
        assert_eq!(backups(), 1, "the newest backup already holds the file");
        assert!(
            crate::workspace::backups::closed_as_recorded(&folder, &path).is_none(),
            "the record is forgotten while the file is open"
        );
        add(&ws);
        drop(ws);
        // Changed after its last backup: backed up at the next opening.
        let state = crate::workspace::backups::closed_as_recorded(&folder, &path).unwrap();
        assert!(!state.backed_up);
        let mut ws = Workspace::open_with_backups(&path, &root).unwrap();
        ws.wait_start_backup();
        drop(ws);
        assert_eq!(
            crate::workspace::backups::list(&folder).unwrap()[0].counts["actors"],
            1
        );
        // Changed by someone else (or damaged) after the record: checked again — a damaged
        // file is refused.
        let bytes = std::fs::read(&path).unwrap();
        let mut bad = bytes.clone();
        let page = 4096 * 2;
        for b in &mut bad[page..page + 200] {
            *b = 0x5a;
        }
        std::fs::write(&path, &bad).unwrap();
        let refused = Workspace::open_with_backups(&path, &root);
        assert_eq!(refused.err().map(|e| e.kind()), Some("corrupt"));
        assert_eq!(std::fs::read(&path).unwrap(), bad, "left untouched");
    }

    #[test]
    fn reads_do_not_wait_for_a_long_write_and_see_what_was_committed() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("w.catalyse");
        let store = Store::create(
            &path,
            &NewWorkspace {
                territory_name: "T".into(),
                territory_kind: "epci".into(),
                project_title: "P".into(),
            },
        )
        .unwrap();
        let ws = std::sync::Arc::new(Workspace::spawn(store, path.clone()));
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        ws.call_blocking(|s| {
            s.create_actor(&ActorInput {
                name: "Avant".into(),
                world: "state".into(),
                commune: "".into(),
                insee: None,
                engagement: "informed".into(),
                notes: "".into(),
            })
        })
        .unwrap();
        // A write job that holds the writer for a while, inside a transaction.
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let writer = {
            let ws = ws.clone();
            std::thread::spawn(move || {
                ws.call_blocking(move |s| {
                    let tx = s.conn.transaction()?;
                    tx.execute(
                        "INSERT INTO actor (name, world, commune, engagement, notes, created_at, updated_at)
                         VALUES ('Pendant', 'state', '', 'informed', '', 'x', 'x')",
                        [],
                    )?;
                    started_tx.send(()).unwrap();
                    release_rx.recv().unwrap();
                    tx.commit()?;
                    Ok(())
                })
                .unwrap();
            })
        };
        started_rx.recv().unwrap();
        // The writer is busy: a read answers anyway, with what was committed.
        let n = rt.block_on(ws.read(|s| Ok(s.counts()?["actors"]))).unwrap();
        assert_eq!(n, 1);
        // Readers cannot write.
        let refused = rt.block_on(ws.read(|s| {
            s.conn.execute("DELETE FROM actor", [])?;
            Ok(())
        }));
        assert!(refused.is_err());
        release_tx.send(()).unwrap();
        writer.join().unwrap();
        let n = rt.block_on(ws.read(|s| Ok(s.counts()?["actors"]))).unwrap();
        assert_eq!(n, 2, "committed writes are seen by the next read");
        drop(ws);
        assert!(
            !dir.path().join("w.catalyse-wal").exists(),
            "closed cleanly"
        );
    }

    #[test]
    fn automatic_backups_on_start_and_when_changed_and_due() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("w.catalyse");
        let store = Store::create(
            &path,
            &NewWorkspace {
                territory_name: "T".into(),
                territory_kind: "epci".into(),
                project_title: "P".into(),
            },
        )
        .unwrap();
        let backups = dir.path().join("b");
        let ws = Workspace::spawn_with(
            store,
            path.clone(),
            Some(AutoBackup {
                dir: backups.clone(),
                every: std::time::Duration::from_millis(300),
                at_start: StartBackup::OnWriter,
            }),
        );
        let add = |ws: &Workspace, name: &str| {
            let name = name.to_string();
            ws.call_blocking(move |s| {
                s.create_actor(&ActorInput {
                    name,
                    world: "state".into(),
                    commune: "".into(),
                    insee: None,
                    engagement: "informed".into(),
                    notes: "".into(),
                })
            })
            .unwrap();
        };
        // The start-up backup is made before any job runs.
        let newest =
            |n: &str| -> i64 { crate::workspace::backups::list(&backups).unwrap()[0].counts[n] };
        ws.call_blocking(|_| Ok(())).unwrap();
        assert_eq!(newest("actors"), 0);
        add(&ws, "A");
        assert_eq!(newest("actors"), 0, "not due yet");
        std::thread::sleep(std::time::Duration::from_millis(350));
        add(&ws, "B");
        // The backup runs after the job; the next job waits for it.
        ws.call_blocking(|_| Ok(())).unwrap();
        assert_eq!(newest("actors"), 2, "due and changed: a new backup");
        std::thread::sleep(std::time::Duration::from_millis(350));
        ws.call_blocking(|s| s.counts()).unwrap();
        assert_eq!(newest("actors"), 2);
        let autos = crate::workspace::backups::list(&backups).unwrap();
        assert!(
            autos.len() <= 2,
            "rotation keeps the newest of the hour (and at most the day's): {}",
            autos.len()
        );
    }
}
