//! Long operations started from the window: each has a number chosen by the UI, reports its
//! progress through a channel, and can be cancelled (`cancel_job`) while it runs.

use catalyse_core::shared::progress::{Progress, ProgressEvent};
use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use tauri::ipc::Channel;

/// The operations running now, by number.
#[derive(Default, Clone)]
pub struct Jobs(Arc<Mutex<HashMap<u32, Arc<AtomicBool>>>>);

/// A running operation's progress; it is forgotten when this is dropped.
pub struct Job {
    pub progress: Progress,
    id: u32,
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
    /// Starts operation `id`, reporting to `channel`.
    pub fn start(&self, id: u32, channel: Channel<ProgressEvent>) -> Job {
        let flag = Arc::new(AtomicBool::new(false));
        if let Ok(mut map) = self.0.lock() {
            map.insert(id, flag.clone());
        }
        let progress = Progress::new(flag, move |event| {
            // The window may be gone: nothing to tell it then.
            let _ = channel.send(event);
        });
        Job {
            progress,
            id,
            jobs: self.clone(),
        }
    }

    /// Asks operation `id` to stop; false when it is not running (finished already).
    pub fn cancel(&self, id: u32) -> bool {
        let flag = self.0.lock().ok().and_then(|map| map.get(&id).cloned());
        match flag {
            Some(f) => {
                f.store(true, std::sync::atomic::Ordering::Relaxed);
                true
            }
            None => false,
        }
    }
}
