//! The process-count limit of a session: how many processes and threads its
//! child and everything it starts may have at once.
//!
//! Three ways, chosen once per zygote:
//!
//! 1. a cgroup with the `pids` controller (cgroup v1's `/sys/fs/cgroup/pids`,
//!    or v2 where kata's cgroup lets its children use `pids`): at its first
//!    session the zygote creates `kata-<zygote pid>` under its own cgroup,
//!    sets `pids.max` to the session's limit plus one (itself) and moves
//!    itself in, so every child is born inside: no migration per session
//!    (migrating a task into a cgroup v1 waits for an RCU grace period,
//!    about 5 ms of wall time per file). Sessions of one zygote run one
//!    after another and the zygote kills whatever else is left in the
//!    cgroup after each, so the cgroup only ever holds one session. Works
//!    as root, where `RLIMIT_NPROC` does not;
//! 2. otherwise, when not root, `RLIMIT_NPROC`, which the kernel counts per
//!    user: the child's limit is the user's task count when the zygote
//!    measured it plus the session's limit, so concurrent sessions (and
//!    anything else the user starts meanwhile) share that margin;
//! 3. otherwise (root without a writable cgroup) nothing: the process-group
//!    kill and the subreaper sweep still remove what a session started.
//!
//! `kata` removes the cgroups of zygotes that no longer exist after each
//! pool (its workers are killed, never asked to clean up) and when it starts
//! (a killed run's), like stale scratch directories.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::sys;

/// Prefix of the cgroups kata creates: `kata-<zygote pid>`.
const PREFIX: &str = "kata-";

/// How this zygote limits processes.
#[derive(Debug)]
pub(crate) enum ProcessLimiter {
    /// Not decided yet: the first session with a limit tries a cgroup.
    Unknown,
    Cgroup(ZygoteCgroup),
    /// `RLIMIT_NPROC` above the user's task count when it was measured.
    Rlimit {
        baseline: u64,
    },
    Unenforced,
}

/// The zygote's cgroup, which its sessions' children join.
#[derive(Debug)]
pub(crate) struct ZygoteCgroup {
    dir: PathBuf,
    /// `pids.max`, open for writing.
    max_file: std::fs::File,
    max: u64,
}

/// What one session's child gets: a cgroup to join, or an rlimit.
#[derive(Debug, Default)]
pub(crate) struct SessionProcesses<'a> {
    cgroup: Option<&'a ZygoteCgroup>,
    pub(crate) nproc: Option<u64>,
}

impl ProcessLimiter {
    pub(crate) fn new() -> ProcessLimiter {
        ProcessLimiter::Unknown
    }

    /// Prepares the limit of the next session (`None`: no limit).
    pub(crate) fn prepare(&mut self, max: Option<u64>) -> SessionProcesses<'_> {
        let Some(max) = max else {
            return SessionProcesses::default();
        };
        if matches!(self, ProcessLimiter::Unknown) {
            let name = format!("{PREFIX}{}", std::process::id());
            *self =
                match cgroup_parent().map(|parent| ZygoteCgroup::create(&parent.join(name), max)) {
                    Some(Ok(cgroup)) => ProcessLimiter::Cgroup(cgroup),
                    _ => fallback(),
                };
        }
        if let ProcessLimiter::Cgroup(cgroup) = self {
            if cgroup.set_max(max).is_err() {
                *self = fallback();
            }
        }
        match self {
            ProcessLimiter::Cgroup(cgroup) => SessionProcesses {
                cgroup: Some(cgroup),
                nproc: None,
            },
            ProcessLimiter::Rlimit { baseline } => SessionProcesses {
                cgroup: None,
                nproc: Some(baseline.saturating_add(max)),
            },
            ProcessLimiter::Unenforced | ProcessLimiter::Unknown => SessionProcesses::default(),
        }
    }
}

fn fallback() -> ProcessLimiter {
    if sys::is_root() {
        ProcessLimiter::Unenforced
    } else {
        ProcessLimiter::Rlimit {
            baseline: user_tasks(),
        }
    }
}

impl SessionProcesses<'_> {
    /// Kills every process left in the cgroup after a session (they are the
    /// zygote's descendants: the caller's sweep reaps them).
    pub(crate) fn kill_remaining(&self) {
        if let Some(cgroup) = self.cgroup {
            kill_members(&cgroup.dir);
        }
    }
}

impl ZygoteCgroup {
    fn create(dir: &Path, max: u64) -> std::io::Result<ZygoteCgroup> {
        std::fs::create_dir(dir)?;
        let made = (|| {
            let open = |name: &str| std::fs::OpenOptions::new().write(true).open(dir.join(name));
            let mut max_file = open("pids.max")?;
            max_file.write_all(with_zygote(max).to_string().as_bytes())?;
            // The zygote itself, once: its children are born in the cgroup
            // ("0" is the writing process).
            open("cgroup.procs")?.write_all(b"0")?;
            Ok(ZygoteCgroup {
                dir: dir.to_path_buf(),
                max_file,
                max,
            })
        })();
        if made.is_err() {
            let _ = std::fs::remove_dir(dir);
        }
        made
    }

    fn set_max(&mut self, max: u64) -> std::io::Result<()> {
        if max != self.max {
            self.max_file
                .write_all(with_zygote(max).to_string().as_bytes())?;
            self.max = max;
        }
        Ok(())
    }
}

/// `pids.max` for a session limit: the zygote is in the cgroup too.
fn with_zygote(max: u64) -> u64 {
    max.saturating_add(1)
}

/// Kills the processes in the cgroup `dir`, except this one (the zygote).
fn kill_members(dir: &Path) {
    let me = std::process::id() as libc::pid_t;
    if let Ok(text) = std::fs::read_to_string(dir.join("cgroup.procs")) {
        for pid in text
            .split_whitespace()
            .filter_map(|p| p.parse().ok())
            .filter(|&pid| pid != me)
        {
            sys::kill_process(pid);
        }
    }
}

/// Removes the cgroup `dir`, killing its members if it is still busy (a
/// dying process leaves its cgroup a moment after its parent reaped it).
fn remove(dir: &Path) {
    for attempt in 0..50 {
        match std::fs::remove_dir(dir) {
            Ok(()) => return,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return,
            Err(_) => {
                kill_members(dir);
                std::thread::sleep(std::time::Duration::from_millis(if attempt < 10 {
                    1
                } else {
                    10
                }));
            }
        }
    }
}

/// The cgroup directory under which this process may create session
/// cgroups with the `pids` controller, if there is one.
fn cgroup_parent() -> Option<PathBuf> {
    let own = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    cgroup_parent_in(&own, Path::new("/sys/fs/cgroup"))
}

/// [`cgroup_parent`] for the `/proc/self/cgroup` text `own`, with the
/// cgroup file systems mounted under `root`.
fn cgroup_parent_in(own: &str, root: &Path) -> Option<PathBuf> {
    let mut unified = None;
    for line in own.lines() {
        let mut fields = line.splitn(3, ':');
        let (Some(_), Some(controllers), Some(path)) =
            (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let relative = path.trim_start_matches('/');
        if controllers.split(',').any(|c| c == "pids") {
            // cgroup v1: the pids hierarchy is mounted on its own.
            let parent = root.join("pids").join(relative);
            if parent.join("cgroup.procs").is_file() {
                return Some(parent);
            }
        } else if controllers.is_empty() {
            unified = Some(relative.to_owned());
        }
    }
    // cgroup v2: children of kata's cgroup get `pids` only when it is in its
    // `cgroup.subtree_control`.
    let relative = unified?;
    [root.to_path_buf(), root.join("unified")]
        .into_iter()
        .map(|mount| mount.join(&relative))
        .find(|parent| {
            std::fs::read_to_string(parent.join("cgroup.subtree_control"))
                .is_ok_and(|text| text.split_whitespace().any(|c| c == "pids"))
        })
}

/// Tasks (processes and threads) of this process's real user, as
/// `RLIMIT_NPROC` counts them.
fn user_tasks() -> u64 {
    let uid = real_uid();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    let mut tasks = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name
            .to_str()
            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
        {
            continue;
        }
        let Ok(status) = std::fs::read_to_string(entry.path().join("status")) else {
            continue;
        };
        let field = |key: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(key))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|value| value.parse::<u64>().ok())
        };
        if field("Uid:") == Some(uid) {
            tasks += field("Threads:").unwrap_or(1);
        }
    }
    tasks
}

/// The real uid (which `RLIMIT_NPROC` counts by), from `/proc/self/status`.
fn real_uid() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("Uid:"))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|value| value.parse().ok())
        })
        .unwrap_or(u64::MAX)
}

/// Removes the session cgroups of zygotes that no longer exist (left by a
/// killed run), killing any process still in them. Called by `kata` at start.
pub(crate) fn remove_stale() {
    let Some(parent) = cgroup_parent() else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(&parent) else {
        return;
    };
    for entry in entries.flatten() {
        let Some(pid) = crate::scratch::owner_pid(&entry.file_name(), PREFIX) else {
            continue;
        };
        if !sys::process_exists(pid) {
            kill_members(&entry.path());
            remove(&entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_pids_hierarchy() {
        let root = tempfile::tempdir().unwrap();
        let v1 = root.path().join("pids/docker/abc");
        std::fs::create_dir_all(&v1).unwrap();
        std::fs::write(v1.join("cgroup.procs"), "").unwrap();
        let v2 = root.path().join("unified/user.slice");
        std::fs::create_dir_all(&v2).unwrap();
        std::fs::write(v2.join("cgroup.subtree_control"), "memory pids\n").unwrap();
        let no_pids = root.path().join("other.slice");
        std::fs::create_dir_all(&no_pids).unwrap();
        std::fs::write(no_pids.join("cgroup.subtree_control"), "memory\n").unwrap();
        for (own, expected) in [
            ("12:pids:/docker/abc\n0::/x\n", Some(v1.clone())),
            ("3:cpu,pids:/docker/abc\n", Some(v1.clone())),
            ("12:pids:/elsewhere\n0::/user.slice\n", Some(v2.clone())),
            ("0::/user.slice\n", Some(v2.clone())),
            ("0::/other.slice\n", None),
            ("4:memory:/docker/abc\n", None),
            ("", None),
        ] {
            assert_eq!(cgroup_parent_in(own, root.path()), expected, "{own:?}");
        }
    }

    #[test]
    fn counts_this_users_tasks() {
        // This test's own process, at least, with its threads.
        assert!(user_tasks() >= 1);
        assert_ne!(real_uid(), u64::MAX);
    }
}
