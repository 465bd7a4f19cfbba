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

/// The pid in a name `<prefix><pid>` or `<prefix><pid>-...` (scratch
/// directories, cgroups: things named after the process that owns them).
pub(crate) fn owner_pid(name: &std::ffi::OsStr, prefix: &str) -> Option<i32> {
    name.to_str()?
        .strip_prefix(prefix)?
        .split('-')
        .next()?
        .parse()
        .ok()
}

/// Removes `kata-run-<pid>-*` directories whose process no longer exists.
fn remove_stale() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let Some(pid) = owner_pid(&entry.file_name(), PREFIX) else {
            continue;
        };
        if pid != std::process::id() as i32 && !crate::worker::sys::process_exists(pid) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_pids_are_read_from_names() {
        let cases = [
            ("kata-run-123-abc", "kata-run-", Some(123)),
            ("kata-456", "kata-", Some(456)),
            ("kata-run-x-1", "kata-run-", None),
            ("other-7", "kata-", None),
        ];
        for (name, prefix, want) in cases {
            assert_eq!(
                owner_pid(std::ffi::OsStr::new(name), prefix),
                want,
                "{name}"
            );
        }
    }
}
