//! No process started by kata outlives it; no scratch file is left.
//! (`Kata::run` checks both after every run; these tests make the hostile
//! cases explicit.)

use std::time::Duration;

use crate::util::{Kata, guide, processes_left};

#[test]
fn nothing_is_left_after_a_normal_run() {
    let output = Kata::verify_json([guide("doctest_pass.md"), guide("shared_namespace.md")]).run();
    output.assert_code(0);
}

#[test]
fn nothing_is_left_after_timeouts_crashes_and_forks() {
    let files = [
        "spawns_processes.md",
        "timeout_hang.md",
        "crash_os_exit.md",
        "crash_segfault.md",
        "fake_result_record.md",
    ]
    .map(guide);
    let output = Kata::verify_json(&files).run();
    output.assert_code(1).assert_summary_consistent();
    let spawns = &files[0];
    let statuses: Vec<String> = output
        .statuses_of(spawns)
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert_eq!(statuses, ["pass", "pass", "pass"], "{}", output.stderr);
}

#[test]
fn a_failing_worker_run_with_one_job_leaves_nothing() {
    let files = ["spawns_processes.md", "crash_segfault.md", "sys_exit.md"].map(guide);
    let output = Kata::new().args(["verify", "-j", "1"]).args(&files).run();
    output.assert_code(1);
}

#[test]
fn the_leak_detector_sees_a_process_that_carries_the_marker() {
    // Guards the guard: a process with the marker in its environment is found.
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new("sleep")
        .arg("5")
        .env("TMPDIR", dir.path())
        .spawn()
        .unwrap();
    let found = processes_left(dir.path(), Duration::from_millis(100));
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
}
