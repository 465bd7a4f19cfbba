//! Doc-author comforts: `--list`, `--filter`, `--fail-fast`, `--watch`,
//! `kata --version` and `kata completions`.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::{Kata, guide, processes_left};

#[test]
fn list_shows_blocks_and_directives_without_running_them() {
    let files = [
        "directives.md",
        "sessions_and_isolated.md",
        "hidden_setup.md",
    ]
    .map(guide);
    let output = Kata::new().args(["verify", "--list"]).args(&files).run();
    output.assert_code(0);
    let lines: Vec<&str> = output.stdout.lines().collect();
    let line_of = |location: &str| -> Vec<&str> {
        let found = lines
            .iter()
            .find(|l| l.split_whitespace().next() == Some(location))
            .unwrap_or_else(|| panic!("no line for {location} in:\n{}", output.stdout));
        found.split_whitespace().collect()
    };
    let directives = &files[0];
    assert_eq!(
        line_of(&format!("{directives}:4"))[1..],
        ["python", "smoke", "skip", "(skip", "directive)"]
    );
    assert_eq!(line_of(&format!("{directives}:11"))[3..], ["no-run"]);
    assert_eq!(line_of(&format!("{directives}:22"))[3..], ["timeout=5s"]);
    assert_eq!(
        line_of(&format!("{directives}:28"))[2..],
        ["raises", "raises=ZeroDivisionError"]
    );
    assert_eq!(line_of(&format!("{directives}:35"))[2..], ["output"]);
    let sessions = &files[1];
    assert_eq!(line_of(&format!("{sessions}:9"))[3..], ["session=alpha"]);
    assert_eq!(line_of(&format!("{sessions}:15"))[3..], ["isolated"]);
    assert_eq!(line_of(&format!("{}:4", files[2]))[3..], ["hidden"]);
    assert_eq!(lines.len(), 14, "{}", output.stdout);
}

#[test]
fn list_as_json() {
    let files = ["directives.md", "hidden_setup.md", "not_utf8.md"].map(guide);
    let output = Kata::new()
        .args(["verify", "--list", "--format", "json"])
        .args(&files)
        .run();
    // The file that cannot be read is an input error; the others are listed.
    output.assert_code(2);
    let report = output.report();
    assert_eq!(report["version"], 1);
    let blocks = report["blocks"].as_array().expect("blocks");
    assert_eq!(blocks.len(), 9, "{report:#}");
    let at = |file: &str, line: u64| -> &Value {
        blocks
            .iter()
            .find(|b| b["file"] == file && b["line"] == line)
            .unwrap_or_else(|| panic!("no block {file}:{line} in {report:#}"))
    };
    let skipped = at(&files[0], 4);
    assert_eq!(skipped["skip"], "skip directive");
    assert_eq!(skipped["language"], "python");
    assert_eq!(skipped["kind"], "smoke");
    assert_eq!(at(&files[0], 11)["no_run"], true);
    assert_eq!(at(&files[0], 22)["timeout_ms"], 5000);
    assert_eq!(at(&files[0], 28)["raises"], "ZeroDivisionError");
    assert_eq!(at(&files[0], 28)["kind"], "raises");
    assert_eq!(at(&files[1], 4)["hidden"], true);
    assert_eq!(at(&files[1], 13)["hidden"], false);
    let errors = report["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{report:#}");
    assert_eq!(errors[0]["file"], files[2].as_str());
}

#[test]
fn a_path_filter_selects_whole_files() {
    let output = Kata::verify_json(["--filter", "raises", "tests/fixtures/guides"]).run();
    output.assert_code(1).assert_summary_consistent();
    let files: Vec<&str> = output
        .results()
        .iter()
        .map(|r| r["file"].as_str().unwrap())
        .collect();
    assert!(!files.is_empty());
    assert!(files.iter().all(|f| *f == guide("raises.md")), "{files:?}");
}

#[test]
fn a_block_filter_reports_one_block_after_running_its_setup() {
    // Line 30 uses names that the blocks before it define.
    let path = guide("shared_namespace.md");
    let output =
        Kata::verify_json(["--filter", &format!("{path}:30"), "tests/fixtures/guides"]).run();
    output.assert_code(0).assert_summary_consistent();
    assert_eq!(output.statuses_of(&path), [(30, "pass".to_owned())]);
    assert_eq!(output.results().len(), 1);
}

#[test]
fn a_filter_that_selects_nothing_is_an_input_error() {
    let path = guide("shared_namespace.md");
    let output = Kata::verify_json(["--filter", &format!("{path}:31"), &path]).run();
    output
        .assert_code(2)
        .assert_stderr_contains("no Python block starts on line 31");
    let output = Kata::verify_json(["--filter", "no-such-guide", &path]).run();
    output
        .assert_code(2)
        .assert_stderr_contains("matches no Markdown file");
}

#[test]
fn fail_fast_stops_starting_sessions_after_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    // The biggest session is dispatched first: it fails on its first block,
    // still finishes, and the two single-block files never start.
    std::fs::write(
        dir.path().join("a.md"),
        "```python\nraise ValueError('first')\n```\n\n```python\nx = 1\n```\n\n```python\nx = 2\n```\n",
    )
    .unwrap();
    for name in ["b.md", "c.md"] {
        std::fs::write(dir.path().join(name), "```python\nprint('ran')\n```\n").unwrap();
    }
    let output = Kata::new()
        .args(["verify", "--format", "json", "-j", "1", "--fail-fast", "."])
        .current_dir(dir.path())
        .run();
    output.assert_code(1).assert_summary_consistent();
    let summary = &output.report()["summary"];
    assert_eq!(summary["error"], 1, "{summary}");
    assert_eq!(summary["pass"], 2, "{summary}");
    assert_eq!(summary["not_run"], 2, "{summary}");
    output.assert_stderr_contains("2 not run");
    assert!(
        output.results().iter().all(|r| r["file"] == "a.md"),
        "{:?}",
        output.results()
    );
}

#[test]
fn version_names_the_embedded_python_and_its_stdlib() {
    let output = Kata::new().args(["--version"]).run();
    output.assert_code(0);
    let mut lines = output.stdout.lines();
    assert_eq!(
        lines.next(),
        Some(concat!("kata ", env!("CARGO_PKG_VERSION")))
    );
    let python = lines.next().unwrap_or_default();
    assert!(python.starts_with("Python 3."), "{}", output.stdout);
    let stdlib = output
        .stdout
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("stdlib"))
        .unwrap_or_else(|| panic!("no stdlib line in:\n{}", output.stdout))
        .trim();
    assert!(
        Path::new(stdlib).join("os.py").is_file(),
        "stdlib {stdlib} has no os.py"
    );
    assert!(output.stdout.contains("site-packages"), "{}", output.stdout);
    let short = Kata::new().args(["-V"]).run();
    short.assert_code(0);
    assert_eq!(short.stdout, output.stdout);
}

#[test]
fn completions_cover_the_public_commands_only() {
    for shell in ["bash", "zsh", "fish"] {
        let output = Kata::new().args(["completions", shell]).run();
        output.assert_code(0);
        assert!(
            output.stdout.contains("verify"),
            "{shell}: {}",
            output.stdout
        );
        assert!(output.stdout.contains("fail-fast"), "{shell}");
        assert!(!output.stdout.contains("__zygote"), "{shell}");
    }
}

/// Everything the child wrote to stderr so far.
fn collect(stream: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&text);
    std::thread::Builder::new()
        .name("watch-stderr".into())
        .spawn(move || {
            let mut stream = stream;
            let mut buf = [0u8; 4096];
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    return;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        })
        .unwrap();
    text
}

/// Polls `text` until `done` holds or `limit` passes.
#[track_caller]
fn wait_for(text: &Mutex<String>, limit: Duration, what: &str, done: impl Fn(&str) -> bool) {
    let deadline = Instant::now() + limit;
    loop {
        if done(&text.lock().unwrap()) {
            return;
        }
        if Instant::now() > deadline {
            panic!(
                "no {what} within {limit:?}; stderr so far:\n{}",
                text.lock().unwrap()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn watch_reruns_a_changed_file_and_leaves_nothing_behind() {
    let content = tempfile::tempdir().unwrap();
    let guide = content.path().join("guide.md");
    std::fs::write(
        &guide,
        "```python\nprint(1 + 1)\n```\n\n```output\n2\n```\n",
    )
    .unwrap();
    std::fs::write(content.path().join("other.md"), "```python\nx = 1\n```\n").unwrap();
    let tmp = tempfile::Builder::new()
        .prefix("kata-it-")
        .tempdir()
        .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kata"))
        .args(["verify", "--watch", "--no-progress", "-j", "1", "."])
        .current_dir(content.path())
        .env("NO_COLOR", "1")
        .env("TMPDIR", tmp.path())
        .env_remove("KATA_JOBS")
        .env_remove("KATA_TIMEOUT")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting kata --watch");
    let stderr = collect(child.stderr.take().unwrap());
    let result = std::panic::catch_unwind(|| {
        // The first run takes a worker start-up; later ones are quick.
        wait_for(&stderr, Duration::from_secs(20), "first summary", |s| {
            s.contains("2 passed, 0 failed (2 blocks in 2 files")
        });
        wait_for(&stderr, Duration::from_secs(5), "watching line", |s| {
            s.contains("watching")
        });
        std::fs::write(
            &guide,
            "```python\nprint(1 + 2)\n```\n\n```output\n2\n```\n",
        )
        .unwrap();
        wait_for(&stderr, Duration::from_secs(10), "second summary", |s| {
            s.contains("0 passed, 1 failed (1 block in 1 file")
        });
        let text = stderr.lock().unwrap().clone();
        assert!(text.contains("FAIL guide.md:1 (output)"), "{text}");
        assert!(text.contains("UTC ── guide.md ──"), "{text}");
        // A new Markdown file is verified too.
        std::fs::write(content.path().join("new.md"), "```python\nx = 2\n```\n").unwrap();
        wait_for(&stderr, Duration::from_secs(10), "run of a new file", |s| {
            s.contains("1 passed, 0 failed (1 block in 1 file")
        });
    });
    // Ctrl-C ends the watch cleanly.
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(5);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let left = processes_left(tmp.path(), Duration::from_secs(2));
    for line in &left {
        if let Some(pid) = line.split(' ').next() {
            let _ = Command::new("kill").args(["-KILL", pid]).status();
        }
    }
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
    let text = stderr.lock().unwrap().clone();
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(0),
        "exit status; stderr:\n{text}"
    );
    assert!(left.is_empty(), "processes left behind: {left:?}");
}
