//! Bugs found by these tests, each shown by a `bug_*` fixture, and kept as
//! regression tests once fixed. Those still open state the correct
//! behaviour and are ignored; run them with
//! `cargo test --test integration -- --ignored`.

use crate::util::{Kata, check_guide, guide};

#[track_caller]
fn assert_guide(name: &str) {
    let problems = check_guide(name);
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn top_level_await_in_a_doctest() {
    assert_guide("bug_pycon_top_level_await.md");
}

#[test]
fn nested_admonition_followed_by_prose() {
    assert_guide("bug_nested_admonition_then_prose.md");
}

#[test]
#[ignore = "limitation: a block runs in the same process as the harness, so it can find the session nonce (frames, gc) and forge its OWN result; see docs/architecture.md"]
fn forged_record_with_a_stolen_nonce() {
    assert_guide("bug_forged_record_stolen_nonce.md");
}

#[test]
fn a_new_session_escapes_the_process_group_kill() {
    // `Kata::run` asserts that no process carrying its TMPDIR is left.
    let output = Kata::verify_json([guide("bug_setsid_escapes.md")]).run();
    output.assert_code(0);
}

/// Every session's scratch directory is a sibling in one run directory, so
/// a block can list `..` and write into another file's fresh working
/// directory while it runs (SPEC §2: each file runs with a fresh temporary
/// working directory, and nothing a block does can change another file's
/// result).
#[test]
fn a_block_cannot_write_into_another_files_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    // `a` has more blocks, so it is started first; with two workers both
    // sessions run at once.
    std::fs::write(
        dir.path().join("a.md"),
        "```python\nimport os, time\nfor _ in range(40):\n    for name in os.listdir('..'):\n        other = os.path.join('..', name)\n        if os.path.isdir(other) and not os.path.samefile(other, '.'):\n            open(os.path.join(other, 'planted.txt'), 'w').write('from a')\n    time.sleep(0.025)\n```\n\n```python\nx = 1\n```\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.md"),
        "```python\nimport os, time\ntime.sleep(0.5)\nassert os.listdir('.') == [], os.listdir('.')\n```\n",
    )
    .unwrap();
    let output = Kata::verify_json([dir.path()]).run();
    output.assert_code(0);
}

/// The same through a file left one level up by one file's session and read
/// by another's.
#[test]
fn files_written_one_level_up_are_not_shared() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.md"),
        "```python\nimport os\nos.chdir('..')\nopen('kata_shared_secret.txt', 'w').write('a')\n```\n\n```python\nimport time\ntime.sleep(0.5)\n```\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.md"),
        "```python\nimport os, time\ntime.sleep(0.2)\nassert not os.path.exists('../kata_shared_secret.txt'), os.listdir('..')\n```\n",
    )
    .unwrap();
    let output = Kata::verify_json([dir.path()]).run();
    output.assert_code(0);
}

/// In-process grading (`grading = "in-process"`) runs the tests in the
/// submission's process: a submission can find the harness's nonce and write
/// its own "ok" records, or read the expected values from the calling
/// test's constants. Sealed grading (the default) is not affected; see
/// docs/architecture.md, "Grading hostile submissions".
#[test]
#[ignore = "limitation: in-process grading keeps the tests in the submission's process"]
fn in_process_grading_cannot_be_forged() {
    let out = tempfile::tempdir().unwrap();
    Kata::new()
        .args([
            "grade",
            "tests/fixtures/grading/kata/grading/evens-in-process",
            "tests/fixtures/grading/class/forge_nonce.py",
            "tests/fixtures/grading/class/peek_tests_in_memory.py",
            "--out",
        ])
        .args([out.path()])
        .run();
    for student in ["forge_nonce", "peek_tests_in_memory"] {
        let json: serde_json::Value = serde_json::from_slice(
            &std::fs::read(out.path().join(format!("results/{student}.json"))).unwrap(),
        )
        .unwrap();
        assert_ne!(json["status"], "pass", "{student}: {json:#}");
    }
}
