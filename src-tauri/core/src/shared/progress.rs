//! Long work (imports, exports, analytics, backups…) reports how far it is and can be stopped.
//!
//! A [`Progress`] is handed to the operation: it calls [`Progress::report`] as often as it
//! likes (each row, say) and [`Progress::check`] where stopping is safe; reports reach the
//! listener at most every [`EVERY`], and always at a change of phase. A cancelled operation
//! returns [`CoreError::Cancelled`] and, being inside a transaction that is then dropped,
//! writes nothing. [`Progress::watch`] also reports (and stops) during one long SQL statement,
//! through SQLite's progress handler.

use crate::shared::error::{CoreError, CoreResult};
use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use ts_rs::TS;

/// The least time between two reports of the same phase.
pub const EVERY: Duration = Duration::from_millis(100);

/// What a long operation is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Phase {
    /// Reading and decoding a file (done/total in bytes).
    Reading,
    /// Checking rows against the rules and the workspace (rows).
    Checking,
    /// Writing records (rows).
    Writing,
    /// Building indexes and committing (no total).
    Indexing,
    /// Computing the network's figures (breadth-first searches).
    Analysing,
    /// Placing the map's actors (iterations).
    Layout,
    /// Copying a workspace (pages).
    Copying,
    /// Writing a file (rows or bytes).
    Exporting,
}

/// One report.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ProgressEvent {
    pub phase: Phase,
    #[ts(type = "number")]
    pub done: u64,
    /// Known amount of work, in the phase's unit; `None` when it cannot be known.
    #[ts(type = "number | null")]
    pub total: Option<u64>,
}

type Sink = Box<dyn Fn(ProgressEvent) + Send + Sync>;

struct Inner {
    cancel: Arc<AtomicBool>,
    sink: Option<Sink>,
    /// When, of which phase and how far the last report went.
    last: Mutex<Option<(Instant, Phase, u64)>>,
}

/// A listener for reports and a cancellation flag; cheap to clone.
#[derive(Clone)]
pub struct Progress(Arc<Inner>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Progress")
            .field("cancelled", &self.cancelled())
            .finish()
    }
}

impl Default for Progress {
    fn default() -> Self {
        Progress::none()
    }
}

impl Progress {
    /// Reports nothing and is never cancelled.
    pub fn none() -> Progress {
        Progress(Arc::new(Inner {
            cancel: Arc::new(AtomicBool::new(false)),
            sink: None,
            last: Mutex::new(None),
        }))
    }

    /// Reports to `sink`; stops once `cancel` is set.
    pub fn new(
        cancel: Arc<AtomicBool>,
        sink: impl Fn(ProgressEvent) + Send + Sync + 'static,
    ) -> Progress {
        Progress(Arc::new(Inner {
            cancel,
            sink: Some(Box::new(sink)),
            last: Mutex::new(None),
        }))
    }

    /// The flag that cancels this operation.
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        self.0.cancel.clone()
    }

    /// Asks the operation to stop.
    pub fn cancel(&self) {
        self.0.cancel.store(true, Ordering::Relaxed);
    }

    pub fn cancelled(&self) -> bool {
        self.0.cancel.load(Ordering::Relaxed)
    }

    /// `Err(Cancelled)` once cancelled: call it where stopping is safe.
    pub fn check(&self) -> CoreResult<()> {
        if self.cancelled() {
            Err(CoreError::Cancelled)
        } else {
            Ok(())
        }
    }

    /// Reports how far `phase` is. Throttled: a report reaches the listener when the phase
    /// changed, when the phase is done (once), or when [`EVERY`] has passed since the last
    /// one.
    pub fn report(&self, phase: Phase, done: u64, total: Option<u64>) {
        let Some(sink) = &self.0.sink else { return };
        let now = Instant::now();
        {
            let mut last = self.0.last.lock().unwrap_or_else(|e| e.into_inner());
            let due = match *last {
                None => true,
                Some((at, p, d)) => {
                    p != phase
                        || now.duration_since(at) >= EVERY
                        || (total == Some(done) && d != done)
                }
            };
            if !due {
                return;
            }
            *last = Some((now, phase, done));
        }
        sink(ProgressEvent { phase, done, total });
    }

    /// Reports and checks in one call, for loops: `progress.step(Phase::Writing, i, n)?`.
    pub fn step(&self, phase: Phase, done: u64, total: Option<u64>) -> CoreResult<()> {
        self.report(phase, done, total);
        self.check()
    }

    /// Runs `f`, a long SQL statement on the connection that `handle` interrupts (an index
    /// build, a commit, a copy): meanwhile a watcher reports `phase` every [`EVERY`] (its
    /// count being milliseconds, its total unknown), and interrupts the statement once the
    /// operation is cancelled; the statement then fails, which this turns into
    /// [`CoreError::Cancelled`]. A statement that finished is never reported as cancelled.
    pub fn watch<R>(
        &self,
        handle: &rusqlite::InterruptHandle,
        phase: Phase,
        f: impl FnOnce() -> CoreResult<R>,
    ) -> CoreResult<R> {
        let done = AtomicBool::new(false);
        let started = Instant::now();
        let out = std::thread::scope(|scope| {
            scope.spawn(|| {
                while !done.load(Ordering::Acquire) {
                    self.report(phase, started.elapsed().as_millis() as u64, None);
                    if self.cancelled() {
                        // Again at every tick until `f` returns: SQLite ignores an interrupt
                        // that comes while no statement runs, as when the user cancels just
                        // before the statement starts.
                        handle.interrupt();
                    }
                    std::thread::park_timeout(Duration::from_millis(20));
                }
            });
            let out = f();
            done.store(true, Ordering::Release);
            out
        });
        match out {
            Err(_) if self.cancelled() => Err(CoreError::Cancelled),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_are_throttled_but_phases_and_ends_always_reach_the_listener() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s = seen.clone();
        let p = Progress::new(Arc::new(AtomicBool::new(false)), move |e| {
            s.lock().unwrap().push(e)
        });
        for i in 0..10_000 {
            p.report(Phase::Checking, i, Some(10_000));
        }
        p.report(Phase::Checking, 10_000, Some(10_000));
        p.report(Phase::Writing, 0, Some(5));
        let seen = seen.lock().unwrap();
        assert!(seen.len() < 50, "throttled: {}", seen.len());
        assert_eq!(seen[0].done, 0);
        assert!(seen
            .iter()
            .any(|e| e.phase == Phase::Checking && e.done == 10_000));
        assert_eq!(seen.last().unwrap().phase, Phase::Writing);
        assert!(p.check().is_ok());
        p.cancel();
        assert_eq!(p.check().unwrap_err().kind(), "cancelled");
    }

    #[test]
    fn a_long_statement_is_interrupted_when_cancelled() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let p = Progress::new(Arc::new(AtomicBool::new(false)), |_| {});
        let flag = p.cancel_flag();
        let count = Arc::new(Mutex::new(0u64));
        let c = count.clone();
        let p2 = Progress::new(flag.clone(), move |_| {
            *c.lock().unwrap() += 1;
        });
        flag.store(true, Ordering::Relaxed);
        let handle = conn.get_interrupt_handle();
        let out = p2.watch(&handle, Phase::Indexing, || {
            Ok(conn.query_row(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000)
                 SELECT count(*) FROM n",
                [],
                |r| r.get::<_, i64>(0),
            )?)
        });
        assert_eq!(out.unwrap_err().kind(), "cancelled");
        drop(p);
        assert!(*count.lock().unwrap() >= 1, "reported while it ran");
        // Not cancelled: the statement runs to the end.
        let p3 = Progress::new(Arc::new(AtomicBool::new(false)), move |_| {});
        let n = p3
            .watch(&handle, Phase::Indexing, || {
                Ok(conn.query_row(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
                     SELECT count(*) FROM n",
                    [],
                    |r| r.get::<_, i64>(0),
                )?)
            })
            .unwrap();
        assert_eq!(n, 100_000);
    }
}
