//! Verdicts and reports of `kata verify` on the fixture guides.

use std::sync::Mutex;

use crate::util::{Kata, all_guides, check_guide, guide};

/// Every fixture (except the `bug_*` ones, which have their own ignored
/// tests) gets exactly the verdicts its `<!-- expect: ... -->` markers state,
/// on the lines where its blocks are, and the exit code that follows.
#[test]
fn every_guide_gets_the_verdicts_it_states() {
    let names: Vec<String> = all_guides()
        .into_iter()
        .filter(|name| !name.starts_with("bug_"))
        .collect();
    assert!(names.len() >= 30, "fixtures: {names:?}");
    let queue = Mutex::new(names.clone());
    let problems = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                loop {
                    let Some(name) = queue.lock().unwrap().pop() else {
                        break;
                    };
                    let found = check_guide(&name);
                    problems.lock().unwrap().extend(found);
                }
            });
        }
    });
    let problems = problems.into_inner().unwrap();
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn traceback_points_at_markdown_lines() {
    let path = guide("traceback_lines.md");
    let output = Kata::verify_json([&path]).run();
    output.assert_code(1);
    // The block at line 12 calls the function defined at line 5.
    output
        .assert_stderr_contains(&format!("ERROR {path}:12 (smoke)"))
        .assert_stderr_contains(&format!("File \"{path}\", line 14, in <module>"))
        .assert_stderr_contains("    divide(x, 0)")
        .assert_stderr_contains(&format!("File \"{path}\", line 6, in divide"))
        .assert_stderr_contains("    return a / b")
        .assert_stderr_contains(&format!("--> {path}:6"))
        .assert_stderr_contains("ZeroDivisionError: division by zero");
    // The block inside a list item, indented by two spaces.
    output
        .assert_stderr_contains(&format!("ERROR {path}:20 (smoke)"))
        .assert_stderr_contains(&format!("File \"{path}\", line 22, in <module>"))
        .assert_stderr_contains("    raise KeyError(f\"missing {y}\")")
        .assert_stderr_contains(&format!("--> {path}:22"));
    let first = output.result_at(&path, 12);
    assert_eq!(first["status"], "error");
    assert_eq!(first["message"], "ZeroDivisionError: division by zero");
    let second = output.result_at(&path, 20);
    assert_eq!(second["status"], "error");
    assert_eq!(second["message"], "KeyError: 'missing 2'");
}

#[test]
fn failing_output_block_shows_a_diff() {
    let path = guide("output_block_fail.md");
    let output = Kata::verify_json([&path]).run();
    output
        .assert_code(1)
        .assert_stderr_contains(&format!("FAIL {path}:4 (output)"))
        .assert_stderr_contains("--- expected")
        .assert_stderr_contains("+++ actual")
        .assert_stderr_contains("\n    -3\n")
        .assert_stderr_contains("\n    +2\n")
        // The failing line is the output block's fence.
        .assert_stderr_contains(&format!("--> {path}:9"));
    let result = output.result_at(&path, 4);
    assert_eq!(result["status"], "fail");
    assert_eq!(result["kind"], "output");
    assert_eq!(result["expected"], "0\n1\n3\n");
    assert_eq!(result["actual"], "0\n1\n2\n");
    // Passing blocks do not show up in the human output.
    assert!(
        !output.stderr.contains(&format!("{path}:15")),
        "{}",
        output.stderr
    );
}

#[test]
fn failing_comments_and_doctests_have_expected_and_actual() {
    let comments = guide("comments_fail.md");
    let doctest = guide("doctest_fail.md");
    let output = Kata::verify_json([&comments, &doctest]).run();
    output.assert_code(1).assert_summary_consistent();
    let result = output.result_at(&comments, 4);
    assert_eq!(result["kind"], "comments");
    assert_eq!(result["expected"], "41\n");
    assert_eq!(result["actual"], "42\n");
    output
        .assert_stderr_contains(&format!("FAIL {comments}:4 (comments)"))
        .assert_stderr_contains("\n    -41\n")
        .assert_stderr_contains("\n    +42\n");

    let result = output.result_at(&doctest, 4);
    assert_eq!(result["kind"], "doctest");
    assert_eq!(result["expected"], "3\n");
    assert_eq!(result["actual"], "2\n");
    // The failing example of the third block is on line 22 (`>>> x * 2`).
    let result = output.result_at(&doctest, 18);
    assert_eq!(result["status"], "fail");
    assert_eq!(result["expected"], "21\n");
    assert_eq!(result["actual"], "20\n");
    output.assert_stderr_contains(&format!("--> {doctest}:22"));
}

#[test]
fn syntax_error_reports_the_markdown_line() {
    let path = guide("syntax_error.md");
    let output = Kata::verify_json([&path]).run();
    output.assert_code(1);
    let result = output.result_at(&path, 4);
    assert_eq!(result["status"], "error");
    let message = result["message"].as_str().unwrap();
    assert!(message.starts_with("SyntaxError"), "{message}");
    output
        .assert_stderr_contains(&format!("--> {path}:6"))
        .assert_stderr_contains(&format!("File \"{path}\", line 6"))
        .assert_stderr_contains("def broken(:");
    assert_eq!(output.result_at(&path, 11)["status"], "pass");
}

#[test]
fn system_exit_is_an_error_and_the_file_goes_on() {
    let path = guide("sys_exit.md");
    let output = Kata::verify_json([&path]).run();
    output.assert_code(1);
    assert_eq!(
        output.statuses_of(&path),
        [
            (4, "error".to_owned()),
            (10, "pass".to_owned()),
            (15, "error".to_owned()),
            (20, "error".to_owned()),
            (26, "pass".to_owned()),
        ]
    );
    let first = output.result_at(&path, 4)["message"].as_str().unwrap();
    assert!(first.starts_with("SystemExit"), "{first}");
    assert!(first.contains('0'), "{first}");
    let third = output.result_at(&path, 15)["message"].as_str().unwrap();
    assert!(third.contains('3'), "{third}");
}

#[test]
fn a_hang_times_out_and_the_session_resumes() {
    let path = guide("timeout_hang.md");
    let output = Kata::verify_json([&path]).run();
    output.assert_code(1);
    assert_eq!(
        output.statuses_of(&path),
        [
            (4, "pass".to_owned()),
            (9, "timeout".to_owned()),
            (17, "pass".to_owned()),
            (26, "timeout".to_owned()),
            (34, "pass".to_owned()),
        ],
        "{}",
        output.stderr
    );
    let message = output.result_at(&path, 9)["message"].as_str().unwrap();
    assert!(message.contains("1s"), "{message}");
    // Two 1 s limits (and a SIGTERM-ignoring hang) must not take long.
    assert!(output.elapsed.as_secs() < 15, "took {:?}", output.elapsed);
    output.assert_stderr_contains(&format!("TIMEOUT {path}:9"));
}

#[test]
fn the_timeout_flag_applies_to_blocks_without_a_directive() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hang.md");
    std::fs::write(
        &file,
        "```python\nimport time\ntime.sleep(30)\n```\n\n```python\nprint('next')\n#> next\n```\n",
    )
    .unwrap();
    let output = Kata::verify_json([&file])
        .args(["--timeout", "500ms"])
        .run();
    output.assert_code(1);
    let shown = file.to_string_lossy().into_owned();
    assert_eq!(
        output.statuses_of(&shown),
        [(1, "timeout".to_owned()), (6, "pass".to_owned())]
    );
    assert!(output.elapsed.as_secs() < 10, "took {:?}", output.elapsed);
}

#[test]
fn crashes_name_the_exit_status_or_signal() {
    let exit = guide("crash_os_exit.md");
    let segv = guide("crash_segfault.md");
    let output = Kata::verify_json([&exit, &segv]).run();
    output.assert_code(1).assert_summary_consistent();
    let statuses = |path: &str| -> Vec<String> {
        output
            .statuses_of(path)
            .into_iter()
            .map(|(_, status)| status)
            .collect()
    };
    assert_eq!(statuses(&exit), ["pass", "crash", "pass", "crash", "pass"]);
    assert_eq!(statuses(&segv), ["pass", "crash", "pass", "crash", "pass"]);
    let message = output.result_at(&exit, 9)["message"].as_str().unwrap();
    assert!(message.contains("status 3"), "{message}");
    let message = output.result_at(&exit, 23)["message"].as_str().unwrap();
    assert!(message.contains("status 0"), "{message}");
    let message = output.result_at(&segv, 9)["message"].as_str().unwrap();
    assert!(message.contains("SIGSEGV"), "{message}");
    let message = output.result_at(&segv, 20)["message"].as_str().unwrap();
    assert!(message.contains("SIGKILL"), "{message}");
    output.assert_stderr_contains(&format!("CRASH {segv}:9"));
}

#[test]
fn an_output_flood_is_truncated_and_kata_stays_small() {
    let path = guide("output_flood.md");
    let time = std::path::Path::new("/usr/bin/time");
    let output = if time.exists() {
        // `/usr/bin/time -v` reports the peak RSS of kata (it waits for its
        // workers, so theirs counts too; either way it must stay modest).
        Kata::verify_json([&path])
            .wrapped_in([time.as_os_str(), "-v".as_ref()])
            .run()
    } else {
        eprintln!("note: /usr/bin/time not found; not measuring memory");
        Kata::verify_json([&path]).run()
    };
    output.assert_code(1);
    assert!(output.elapsed.as_secs() < 60, "took {:?}", output.elapsed);
    assert_eq!(
        output
            .statuses_of(&path)
            .into_iter()
            .map(|(_, s)| s)
            .collect::<Vec<_>>(),
        ["pass", "fail", "pass", "pass"]
    );
    let result = output.result_at(&path, 16);
    let actual = result["actual"].as_str().unwrap();
    assert!(
        actual.contains("truncated"),
        "{}",
        &actual[actual.len().saturating_sub(300)..]
    );
    assert!(
        actual.len() < 8 << 20,
        "actual holds {} bytes",
        actual.len()
    );
    if time.exists() {
        let peak_kb: u64 = output
            .stderr
            .lines()
            .find_map(|line| {
                line.trim()
                    .strip_prefix("Maximum resident set size (kbytes): ")?
                    .parse()
                    .ok()
            })
            .expect("/usr/bin/time -v prints the peak RSS");
        assert!(peak_kb < 256 * 1024, "peak RSS {peak_kb} kB");
    }
}

#[test]
fn printed_or_written_fake_records_change_no_verdict() {
    let path = guide("fake_result_record.md");
    let output = Kata::verify_json([&path]).run();
    output.assert_code(1);
    assert_eq!(
        output.statuses_of(&path),
        [
            (4, "fail".to_owned()),
            (15, "crash".to_owned()),
            (27, "pass".to_owned()),
            (33, "fail".to_owned()),
        ],
        "{}",
        output.stderr
    );
    let first = output.result_at(&path, 4);
    assert!(
        first["actual"]
            .as_str()
            .unwrap()
            .contains("this line is not what the comment says"),
        "{first}"
    );
    let last = output.result_at(&path, 33);
    assert_eq!(last["actual"], "the real output\n");
    assert_eq!(last["expected"], "not the real output\n");
}

#[test]
fn json_summary_matches_results_for_every_fixture_at_once() {
    // Not the directory: the `bug_*` fixtures would fail the cleanup checks.
    let files: Vec<String> = all_guides()
        .into_iter()
        .filter(|name| !name.starts_with("bug_"))
        .map(|name| guide(&name))
        .collect();
    let output = Kata::verify_json(&files).run();
    // not_utf8.md is an input error: exit 2 even though blocks failed too.
    output.assert_code(2).assert_summary_consistent();
    let reported: std::collections::BTreeSet<&str> = output
        .results()
        .iter()
        .map(|r| r["file"].as_str().unwrap())
        .collect();
    // Every fixture but the refused one reports results.
    let expected = files.len() - 1;
    assert_eq!(reported.len(), expected, "{reported:?}");
    assert!(
        reported
            .iter()
            .all(|f| f.starts_with("tests/fixtures/guides/"))
    );
    let errors = output.errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    // Human output goes to stderr and ends with a summary line.
    let last = output.stderr.trim_end().lines().last().unwrap_or("");
    assert!(last.contains("passed") && last.contains("failed"), "{last}");
}

#[test]
fn exit_codes() {
    Kata::verify_json([guide("doctest_pass.md")])
        .run()
        .assert_code(0);
    Kata::verify_json([guide("doctest_fail.md")])
        .run()
        .assert_code(1);
    Kata::verify_json([guide("crash_os_exit.md")])
        .run()
        .assert_code(1);
    // Only skips: nothing failed.
    let dir = tempfile::tempdir().unwrap();
    let skipped = dir.path().join("skipped.md");
    std::fs::write(&skipped, "```python skip\nraise SystemExit(1)\n```\n").unwrap();
    Kata::verify_json([&skipped]).run().assert_code(0);
    // Usage errors.
    let usage = Kata::new().args(["verify", "--jobs", "0", "x.md"]).run();
    usage.assert_code(2);
    assert!(usage.stderr.contains("jobs"), "{}", usage.stderr);
    Kata::new()
        .args(["verify", "--no-such-flag", "x.md"])
        .run()
        .assert_code(2);
    Kata::new()
        .args(["verify", "--timeout", "soon", "x.md"])
        .run()
        .assert_code(2);
    Kata::new().args(["no-such-command"]).run().assert_code(2);
    // A missing path is unreadable input, and the other paths still run.
    let output = Kata::verify_json([
        "tests/fixtures/guides/does_not_exist.md",
        &guide("comments_pass.md"),
    ])
    .run();
    output.assert_code(2);
    assert_eq!(output.results().len(), 2, "{}", output.stderr);
    assert!(
        output.errors()[0]["file"]
            .as_str()
            .unwrap()
            .contains("does_not_exist.md"),
        "{:?}",
        output.errors()
    );
    output.assert_stderr_contains("does_not_exist.md");
    // An input error wins over block failures.
    Kata::verify_json(["missing.md", &guide("doctest_fail.md")])
        .run()
        .assert_code(2);
    // `--help` documents the exit codes.
    let help = Kata::new().args(["verify", "--help"]).run();
    help.assert_code(0);
    assert!(help.stdout.contains("Exit codes"), "{}", help.stdout);
}

#[test]
fn quiet_prints_one_line_per_failure() {
    let path = guide("output_block_fail.md");
    let output = Kata::new().args(["verify", "-q", "-j", "2", &path]).run();
    output.assert_code(1);
    assert!(output.stdout.is_empty(), "{}", output.stdout);
    let lines: Vec<&str> = output.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", output.stderr);
    assert!(
        lines[0].starts_with(&format!("FAIL {path}:4")),
        "{}",
        lines[0]
    );
}
