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

type Job = Box<dyn FnOnce(&mut Store) + Send>;

/// An open workspace and the thread that owns its connection.
pub struct Workspace {
    path: PathBuf,
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
    pub fn spawn(mut store: Store, path: PathBuf) -> Workspace {
        let (tx, rx) = mpsc::channel::<Job>();
        let thread = std::thread::Builder::new()
            .name("catalyse-writer".into())
            .spawn(move || {
                for job in rx {
                    // A panicking job must not take the workspace down with it; its caller
                    // sees `Closed` because its reply channel is dropped.
                    let _ = std::panic::catch_unwind(AssertUnwindSafe(|| job(&mut store)));
                }
            })
            .expect("the writer thread could not start");
        Workspace {
            path,
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
}
