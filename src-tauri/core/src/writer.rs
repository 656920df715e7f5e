//! The single owner of a workspace's connection.
//!
//! A [`Workspace`] runs one thread that owns the [`Store`]; every read and write is a job sent
//! to that thread, so writes are serialised and no other code touches the connection. Callers
//! await the answer (the Tauri commands are async), or block on it from synchronous code.

use crate::error::{CoreError, CoreResult};
use crate::store::Store;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::domain::BackupReason;

/// How often an idle writer checks whether an automatic backup is due.
const IDLE_CHECK: Duration = Duration::from_secs(60);

/// Automatic backups of an open workspace.
#[derive(Debug, Clone)]
pub struct AutoBackup {
    /// The workspace's backup folder.
    pub dir: PathBuf,
    /// The least time between two automatic backups.
    pub every: Duration,
}

type Job = Box<dyn FnOnce(&mut Store) + Send>;

/// An open workspace and the thread that owns its connection.
pub struct Workspace {
    path: PathBuf,
    backups: Option<PathBuf>,
    jobs: Option<mpsc::Sender<Job>>,
    thread: Option<JoinHandle<()>>,
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
    /// keeps automatic backups of it in its folder under `backups_root`.
    pub fn open_with_backups(path: &Path, backups_root: &Path) -> CoreResult<Workspace> {
        let store = Store::open_with(path, backups_root)?;
        Ok(Workspace::spawn_with_backups(
            store,
            path.to_path_buf(),
            backups_root,
        ))
    }

    /// [`Workspace::spawn`] with automatic backups in the workspace's folder under `backups_root`.
    pub fn spawn_with_backups(store: Store, path: PathBuf, backups_root: &Path) -> Workspace {
        let dir = crate::backup::dir_for(backups_root, &path);
        Workspace::spawn_with(
            store,
            path,
            Some(AutoBackup {
                dir,
                every: Duration::from_secs(3600),
            }),
        )
    }

    /// The folder of automatic backups, when they are on.
    pub fn backup_dir(&self) -> Option<&Path> {
        self.backups.as_deref()
    }

    /// Starts the writer thread. With `auto`, it backs the workspace up when it starts, then
    /// at most once per `auto.every` while it changes (checked after each job and every
    /// minute when idle). A failed backup (disk full…) never stops the writer.
    pub fn spawn_with(mut store: Store, path: PathBuf, auto: Option<AutoBackup>) -> Workspace {
        let (tx, rx) = mpsc::channel::<Job>();
        let backups = auto.as_ref().map(|a| a.dir.clone());
        let thread = std::thread::Builder::new()
            .name("catalyse-writer".into())
            .spawn(move || {
                let mut last: Option<(Instant, u64)> = None;
                let backup = |store: &Store, last: &mut Option<(Instant, u64)>| {
                    let Some(a) = &auto else { return };
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
                };
                backup(&store, &mut last);
                loop {
                    match rx.recv_timeout(IDLE_CHECK) {
                        // A panicking job must not take the workspace down with it; its caller
                        // sees `Closed` because its reply channel is dropped.
                        Ok(job) => {
                            let _ = std::panic::catch_unwind(AssertUnwindSafe(|| job(&mut store)));
                        }
                        Err(mpsc::RecvTimeoutError::Timeout) => {}
                        Err(mpsc::RecvTimeoutError::Disconnected) => break,
                    }
                    backup(&store, &mut last);
                }
            })
            .expect("the writer thread could not start");
        Workspace {
            path,
            backups,
            jobs: Some(tx),
            thread: Some(thread),
        }
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
            let _ = reply.send(f(store));
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
    /// Closing finishes the queued jobs, then closes the connection (checkpointing the WAL).
    fn drop(&mut self) {
        self.jobs.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ActorInput, NewWorkspace};

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
                    engagement: "informed".into(),
                    notes: "".into(),
                })
            })
            .unwrap();
        }
        let panicked = ws.call_blocking(|_| -> CoreResult<()> { panic!("boom") });
        assert_eq!(panicked.unwrap_err().kind(), "closed");
        // The writer survives a panicking job.
        let n = ws.call_blocking(|s| s.counts()).unwrap()["actors"];
        assert_eq!(n, 20);
        drop(ws);
        assert!(!dir.path().join("w.catalyse-wal").exists());
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
            }),
        );
        let add = |ws: &Workspace, name: &str| {
            let name = name.to_string();
            ws.call_blocking(move |s| {
                s.create_actor(&ActorInput {
                    name,
                    world: "state".into(),
                    commune: "".into(),
                    engagement: "informed".into(),
                    notes: "".into(),
                })
            })
            .unwrap();
        };
        // The start-up backup is made before any job runs.
        let newest = |n: &str| -> i64 { crate::backup::list(&backups).unwrap()[0].counts[n] };
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
        let autos = crate::backup::list(&backups).unwrap();
        assert!(
            autos.len() <= 2,
            "rotation keeps the newest of the hour (and at most the day's): {}",
            autos.len()
        );
    }
}
