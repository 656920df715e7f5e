//! Long operations started from the window: each gets a number here (never from the UI, whose
//! count would start again after a reload), tells it to the window first through its channel,
//! then reports its progress there, and can be cancelled by that number (`cancel_job`) while
//! it runs.

use catalyse_core::shared::progress::{Progress, ProgressEvent};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tauri::ipc::Channel;
use ts_rs::TS;

/// The next operation's number: one count for the whole process, so that no two operations
/// share a number, whatever the window forgot (a reload) or how many registries there are.
static NEXT_JOB: AtomicU64 = AtomicU64::new(1);

/// What an operation's channel carries: first its number (`{job}`), then its reports.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
#[serde(untagged)]
#[ts(export)]
pub enum JobMessage {
    /// The operation started: the number to pass to `cancel_job`.
    Started {
        #[ts(type = "number")]
        job: u64,
    },
    /// How far it is.
    Progress(ProgressEvent),
}

/// The operations running now, by number.
#[derive(Default, Clone)]
pub struct Jobs(Arc<Mutex<HashMap<u64, Arc<AtomicBool>>>>);

/// A running operation's progress; it is forgotten when this is dropped.
pub struct Job {
    pub progress: Progress,
    id: u64,
    jobs: Jobs,
}

impl Drop for Job {
    fn drop(&mut self) {
        if let Ok(mut map) = self.jobs.0.lock() {
            map.remove(&self.id);
        }
    }
}

impl Jobs {
    /// Starts an operation under a new number, which `channel` receives first; its reports
    /// follow on `channel`.
    pub fn start(&self, channel: Channel<JobMessage>) -> Job {
        let id = NEXT_JOB.fetch_add(1, Ordering::Relaxed);
        let flag = Arc::new(AtomicBool::new(false));
        if let Ok(mut map) = self.0.lock() {
            map.insert(id, flag.clone());
        }
        // Registered before the window knows the number: a cancel sent with it is heard.
        // The window may be gone: nothing to tell it then.
        let _ = channel.send(JobMessage::Started { job: id });
        let progress = Progress::new(flag, move |event| {
            let _ = channel.send(JobMessage::Progress(event));
        });
        Job {
            progress,
            id,
            jobs: self.clone(),
        }
    }

    /// Asks operation `id` to stop; false when it is not running (finished already).
    pub fn cancel(&self, id: u64) -> bool {
        let flag = self.0.lock().ok().and_then(|map| map.get(&id).cloned());
        match flag {
            Some(f) => {
                f.store(true, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use catalyse_core::shared::progress::Phase;
    use tauri::ipc::InvokeResponseBody;

    /// A channel as the window would hold it: the messages it received, as JSON.
    fn channel() -> (Channel<JobMessage>, Arc<Mutex<Vec<serde_json::Value>>>) {
        let got = Arc::new(Mutex::new(Vec::new()));
        let sink = got.clone();
        let channel = Channel::new(move |body| {
            if let InvokeResponseBody::Json(text) = body {
                sink.lock()
                    .unwrap()
                    .push(serde_json::from_str(&text).unwrap());
            }
            Ok(())
        });
        (channel, got)
    }

    /// Starts an operation as a command does, and returns the number the window learnt.
    fn start(jobs: &Jobs) -> (Job, u64, Arc<Mutex<Vec<serde_json::Value>>>) {
        let (channel, got) = channel();
        let job = jobs.start(channel);
        let told = got.lock().unwrap()[0]["job"]
            .as_u64()
            .expect("the number first");
        assert_eq!(told, job.id, "the window is told the operation's number");
        (job, told, got)
    }

    #[test]
    fn operations_started_one_after_the_other_or_after_a_reload_never_share_a_number() {
        let jobs = Jobs::default();
        let mut seen = Vec::new();
        // Two operations one after the other: the first has ended when the second starts.
        let (first, id, _) = start(&jobs);
        drop(first);
        seen.push(id);
        let (second, id, _) = start(&jobs);
        seen.push(id);
        // The window reloads: whatever it counted is gone, the registry keeps counting (and
        // so would another registry of the same process).
        drop(second);
        let (third, id, _) = start(&jobs);
        seen.push(id);
        let (fourth, id, _) = start(&Jobs::default());
        seen.push(id);
        let mut distinct = seen.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), seen.len(), "numbers shared: {seen:?}");
        drop((third, fourth));
    }

    #[test]
    fn an_operation_is_cancelled_by_the_number_it_was_given_and_reports_after_it() {
        let jobs = Jobs::default();
        let (job, id, got) = start(&jobs);
        let (other, other_id, _) = start(&jobs);
        job.progress.step(Phase::Reading, 1, Some(2)).unwrap();
        assert_eq!(
            got.lock().unwrap()[1],
            serde_json::json!({"phase": "reading", "done": 1, "total": 2}),
            "the reports follow the number, as ProgressEvent"
        );
        assert!(jobs.cancel(id));
        assert!(job.progress.cancelled());
        assert_eq!(job.progress.check().unwrap_err().kind(), "cancelled");
        assert!(!other.progress.cancelled(), "only that one");
        drop(job);
        assert!(!jobs.cancel(id), "an operation that ended is not running");
        assert!(jobs.cancel(other_id));
    }
}
