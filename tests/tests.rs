//! Integration tests of the `catalyse` binary, one test binary with a module per area.

mod backup;
mod cli;
mod crash;
// A real full disk needs a Linux tmpfs in a private namespace (`unshare`).
#[cfg(target_os = "linux")]
mod diskfull;
mod exchange;
mod hostile;
// A real PostgreSQL started by the test (initdb, as `nobody` when root): Linux.
#[cfg(target_os = "linux")]
mod hub;
mod layers;
mod notes;
// File modes and running as another user: Unix only.
#[cfg(unix)]
mod readonly;
mod schema;
mod share;
// FAT32 and exFAT images mounted through a loop device (Linux, as root).
#[cfg(target_os = "linux")]
mod usb_key;
mod util;
