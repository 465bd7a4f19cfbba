//! The per-run scratch directory under the system's temporary directory.
//!
//! It is named `kata-run-<pid>-<random>` so that a later run can tell a
//! directory left by a killed `kata` (its process is gone) from one in use,
//! and remove it.

use anyhow::{Context, Result};

const PREFIX: &str = "kata-run-";

/// Creates this run's scratch directory (removed when the value is dropped),
/// after removing those that killed runs left behind (and their session
/// cgroups).
pub(crate) fn create() -> Result<tempfile::TempDir> {
    remove_stale();
    crate::worker::processes::remove_stale();
    tempfile::Builder::new()
        .prefix(&format!("{PREFIX}{}-", std::process::id()))
        .tempdir()
        .context("creating the run's scratch directory")
}

/// Removes `kata-run-<pid>-*` directories whose process no longer exists.
fn remove_stale() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<i32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() as i32 && !crate::worker::sys::process_exists(pid) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}
