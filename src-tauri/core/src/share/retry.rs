//! Trying again what the team's sync tools or an antivirus make fail for a moment: they hold
//! new files open (Windows errors 32, 33 and 5; `EBUSY` elsewhere). The lowest layer of the
//! shared folder: the file-system layer and the writers use it.

use crate::shared::error::{CoreError, CoreResult};
use std::time::Duration;

/// Whether an error is one a sync tool or an antivirus causes by holding a new file open for
/// a moment: worth trying again.
pub(crate) fn transient(e: &CoreError) -> bool {
    let CoreError::Io(e) = e else { return false };
    match e.raw_os_error() {
        // ERROR_ACCESS_DENIED, ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION.
        Some(code) if cfg!(windows) => matches!(code, 5 | 32 | 33),
        #[cfg(unix)]
        Some(code) => code == libc::EBUSY || code == libc::ETXTBSY,
        _ => false,
    }
}

/// The error a file held open by another program gives (Windows' sharing violation, `EBUSY`
/// elsewhere): what [`with_retries`] tries again.
#[cfg(test)]
pub(crate) fn sharing_violation() -> std::io::Error {
    #[cfg(windows)]
    let code = 32;
    #[cfg(unix)]
    let code = libc::EBUSY;
    #[cfg(not(any(unix, windows)))]
    let code = 16;
    std::io::Error::from_raw_os_error(code)
}

/// Runs `f` until it succeeds, fails for good, or has failed transiently `tries` times, waiting
/// 50 ms, then twice as long after each failure.
pub(crate) fn with_retries<T>(tries: u32, mut f: impl FnMut() -> CoreResult<T>) -> CoreResult<T> {
    let mut wait = Duration::from_millis(50);
    let mut attempt = 1;
    loop {
        match f() {
            Err(e) if attempt < tries && transient(&e) => {
                std::thread::sleep(wait);
                wait *= 2;
                attempt += 1;
            }
            other => return other,
        }
    }
}
