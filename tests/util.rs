//! Shared helpers: a temporary folder and a runner for the real binary.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// A temporary folder that disappears with the test.
pub struct Dir {
    tmp: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Dir {
        Dir {
            tmp: tempfile::TempDir::new().expect("temporary folder"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    /// The `catalyse` binary with a private HOME, so no test sees a user's preferences.
    pub fn catalyse(&self) -> Command {
        let mut cmd = Command::cargo_bin("catalyse").expect("catalyse binary");
        cmd.env("HOME", self.tmp.path())
            .env("XDG_DATA_HOME", self.tmp.path().join("data"))
            .env("XDG_CONFIG_HOME", self.tmp.path().join("config"))
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY");
        cmd
    }
}

/// The bytes of a file.
pub fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
