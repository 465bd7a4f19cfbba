//! kata's own signals: SIGTERM or Ctrl-C during a run stops the workers,
//! reports what finished as interrupted, leaves nothing behind; and a
//! scratch directory left by a killed run is removed by the next one.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{dir_entries, processes_left};

/// Files whose second block hangs (and starts a process in a new session),
/// plus one quick file.
fn hanging_corpus(dir: &std::path::Path) {
    for name in ["a", "b", "c"] {
        std::fs::write(
            dir.join(format!("{name}.md")),
            "```python\nprint('first')\n```\n\n```python\nimport subprocess, time\nsubprocess.Popen(['sleep', '30'], start_new_session=True)\ntime.sleep(30)\n```\n",
        )
        .unwrap();
    }
    std::fs::write(dir.join("quick.md"), "```python\nprint(1)\n```\n").unwrap();
}

#[track_caller]
fn interrupt_run(signal: libc::c_int, expected_code: i32, name: &str) {
    let docs = tempfile::tempdir().unwrap();
    hanging_corpus(docs.path());
    let tmp = tempfile::tempdir().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_kata"))
        .args([
            "verify",
            "--format",
            "json",
            "--no-progress",
            "-j",
            "2",
            "--timeout",
            "60s",
        ])
        .arg(docs.path())
        .env("TMPDIR", tmp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until both workers are in the hanging blocks: the quick file and
    // the first blocks are done by then.
    std::thread::sleep(Duration::from_millis(1500));
    let started = Instant::now();
    #[expect(unsafe_code, reason = "sending a signal to the child under test")]
    unsafe {
        libc::kill(child.id() as i32, signal);
    }
    let output = child.wait_with_output().unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "kata took {:?} to stop",
        started.elapsed()
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(expected_code), "{stderr}");
    assert!(
        stderr.contains(&format!("interrupted by {name}")),
        "{stderr}"
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let summary = &report["summary"];
    assert_eq!(summary["interrupted"], name, "{report}");
    assert!(summary["pass"].as_u64().unwrap() >= 1, "{report}");
    assert!(summary["not_run"].as_u64().unwrap() >= 2, "{report}");
    let left = processes_left(tmp.path(), Duration::from_secs(2));
    assert!(left.is_empty(), "processes left after {name}: {left:?}");
    assert!(
        dir_entries(tmp.path()).is_empty(),
        "{:?}",
        dir_entries(tmp.path())
    );
}

#[test]
fn sigterm_stops_the_run_and_leaves_nothing() {
    interrupt_run(libc::SIGTERM, 143, "SIGTERM");
}

#[test]
fn ctrl_c_stops_the_run_and_leaves_nothing() {
    interrupt_run(libc::SIGINT, 130, "SIGINT");
}

#[test]
fn scratch_left_by_a_killed_run_is_removed_next_time() {
    let tmp = tempfile::tempdir().unwrap();
    // A pid that cannot be running: above the kernel's pid_max.
    let stale = tmp.path().join("kata-run-99999999-left");
    std::fs::create_dir_all(stale.join("session-x/work")).unwrap();
    std::fs::write(stale.join("session-x/work/file.txt"), "left behind").unwrap();
    // A directory of a live process (this test) is not touched.
    let live = tmp
        .path()
        .join(format!("kata-run-{}-live", std::process::id()));
    std::fs::create_dir(&live).unwrap();
    let docs = tempfile::tempdir().unwrap();
    std::fs::write(docs.path().join("quick.md"), "```python\nprint(1)\n```\n").unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_kata"))
        .args(["verify", "-q", "--no-progress"])
        .arg(docs.path())
        .env("TMPDIR", tmp.path())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    assert!(
        !stale.exists(),
        "the stale scratch directory is still there"
    );
    assert!(live.exists(), "a live run's directory was removed");
}
