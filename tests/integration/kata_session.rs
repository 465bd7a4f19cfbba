//! `kata session`, driven through a pipe on stdin like a learner at a
//! terminal, on the two katas of `tests/fixtures/katas-session/`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::{dir_entries, processes_left, repo_root};

/// How long any one expected line may take to appear.
const PATIENCE: Duration = Duration::from_secs(60);

fn fixture_katas() -> PathBuf {
    repo_root().join("tests/fixtures/katas-session")
}

fn solution(slug: &str) -> String {
    std::fs::read_to_string(
        fixture_katas()
            .join("basics")
            .join(slug)
            .join("solution.py"),
    )
    .unwrap()
}

/// A running `kata session` with piped stdin, stdout and stderr.
struct Session {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    tmp: tempfile::TempDir,
    workspace: tempfile::TempDir,
}

struct Finished {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    progress: Value,
}

fn collect(mut pipe: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&text);
    std::thread::spawn(move || {
        let mut buffer = [0; 4096];
        while let Ok(n) = pipe.read(&mut buffer) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buffer[..n]));
        }
    });
    text
}

impl Session {
    /// `kata session ARGS --katas <fixtures> --workspace <tmp>`, with `PATH`
    /// replaced when `path` is given.
    fn start(args: &[&str], path: Option<&Path>) -> Session {
        let tmp = tempfile::Builder::new()
            .prefix("kata-it-")
            .tempdir()
            .unwrap();
        let workspace = tempfile::tempdir().unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_kata"));
        command
            .arg("session")
            .args(args)
            .arg("--katas")
            .arg(fixture_katas())
            .arg("--workspace")
            .arg(workspace.path())
            .current_dir(repo_root())
            .env_remove("CLICOLOR_FORCE")
            .env("NO_COLOR", "1")
            .env("TMPDIR", tmp.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(path) = path {
            command.env("PATH", path);
        }
        let mut child = command.spawn().expect("starting kata session");
        let stdout = collect(child.stdout.take().unwrap());
        let stderr = collect(child.stderr.take().unwrap());
        Session {
            stdin: child.stdin.take(),
            child,
            stdout,
            stderr,
            tmp,
            workspace,
        }
    }

    fn learner_file(&self, slug: &str) -> PathBuf {
        self.workspace
            .path()
            .join("basics")
            .join(format!("{slug}.py"))
    }

    /// Waits until stdout holds `needle` after byte `from`; returns where it ends.
    #[track_caller]
    fn wait_for(&mut self, needle: &str, from: usize) -> usize {
        let deadline = Instant::now() + PATIENCE;
        loop {
            {
                let stdout = self.stdout.lock().unwrap();
                if let Some(at) = stdout.get(from..).and_then(|s| s.find(needle)) {
                    return from + at + needle.len();
                }
            }
            if Instant::now() > deadline || matches!(self.child.try_wait(), Ok(Some(_))) {
                // One last look: the output may have arrived with the exit.
                std::thread::sleep(Duration::from_millis(200));
                let stdout = self.stdout.lock().unwrap().clone();
                if let Some(at) = stdout.get(from..).and_then(|s| s.find(needle)) {
                    return from + at + needle.len();
                }
                let _ = self.child.kill();
                panic!(
                    "stdout has no {needle:?} after byte {from}\nstdout:\n{stdout}\nstderr:\n{}",
                    self.stderr.lock().unwrap()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn send(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
    }

    /// Waits for kata to exit (stdin left open: it must end by itself),
    /// then checks it left no process or temporary file behind.
    #[track_caller]
    fn finish(mut self) -> Finished {
        let deadline = Instant::now() + PATIENCE;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "kata session did not end\nstdout:\n{}",
                    self.stdout.lock().unwrap()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        drop(self.stdin.take());
        // The reader threads see the end of the pipes soon after the exit.
        std::thread::sleep(Duration::from_millis(200));
        let left = processes_left(self.tmp.path(), Duration::from_secs(2));
        assert!(left.is_empty(), "processes left behind: {left:?}");
        let entries = dir_entries(self.tmp.path());
        assert!(entries.is_empty(), "files left in TMPDIR: {entries:?}");
        let progress_path = self.workspace.path().join(".kata/progress.json");
        let progress = std::fs::read_to_string(&progress_path)
            .map(|text| serde_json::from_str(&text).expect("progress.json is JSON"))
            .unwrap_or(Value::Null);
        Finished {
            code: status.code(),
            stdout: self.stdout.lock().unwrap().clone(),
            stderr: self.stderr.lock().unwrap().clone(),
            progress,
        }
    }
}

impl Finished {
    /// The last saved session record.
    #[track_caller]
    fn record(&self) -> &Value {
        let sessions = self.progress["sessions"]
            .as_array()
            .unwrap_or_else(|| panic!("no sessions in {}", self.progress));
        assert_eq!(sessions.len(), 1, "{}", self.progress);
        &sessions[0]
    }

    #[track_caller]
    fn assert_success(&self) -> &Finished {
        assert_eq!(
            self.code,
            Some(0),
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
}

#[test]
fn a_session_serves_the_next_kata_when_one_is_solved_and_ends_on_q() {
    let mut session = Session::start(&["--minutes", "1"], None);
    let at = session.wait_for("basics/double — Double a number", 0);
    let at = session.wait_for("Edit ", at);
    assert!(session.learner_file("double").is_file());
    std::fs::write(session.learner_file("double"), solution("double")).unwrap();
    let at = session.wait_for("Solved basics/double!", at);
    let at = session.wait_for("basics/greet — Greet someone", at);
    let at = session.wait_for("Edit ", at);
    // Enter runs the starter, which fails.
    session.send("");
    let at = session.wait_for("✗ fail    test_greets_by_name", at);
    session.send("h");
    let at = session.wait_for("hint 1/2: Use an f-string.", at);
    session.send("q");
    session.wait_for("Session over: ended by you.", at);
    let done = session.finish();
    done.assert_success();

    let sheet = &done.stdout[done.stdout.find("Session over").unwrap()..];
    let rows: Vec<Vec<&str>> = sheet
        .lines()
        .filter(|l| l.trim_start().starts_with("basics/"))
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows.len(), 2, "{sheet}");
    assert_eq!(rows[0][..2], ["basics/double", "solved"], "{sheet}");
    assert_eq!(rows[0][3..], ["0", "1", "10"], "hints runs points\n{sheet}");
    assert_eq!(rows[1][..2], ["basics/greet", "unfinished"], "{sheet}");
    assert_eq!(rows[1][3..], ["1", "1", "0"], "hints runs points\n{sheet}");
    assert!(
        sheet.contains("Solved 1 of 2 katas served: 10 points, 1 hint used"),
        "{sheet}"
    );
    assert!(sheet.contains("progress.json"), "{sheet}");

    let record = done.record();
    assert_eq!(record["ended"], "quit");
    assert_eq!(record["planned_seconds"], 60);
    assert_eq!(record["solved"], 1);
    assert_eq!(record["points"], 10);
    assert_eq!(record["hints_used"], 1);
    let katas = record["katas"].as_array().unwrap();
    assert_eq!(katas.len(), 2);
    assert_eq!(katas[0]["id"], "basics/double");
    assert_eq!(katas[0]["outcome"], "solved");
    assert!(katas[0]["seconds"].is_u64());
    assert_eq!(katas[1]["id"], "basics/greet");
    assert_eq!(katas[1]["outcome"], "unfinished");
    assert_eq!(done.progress["version"], 1);
    assert_eq!(done.progress["katas"]["basics/double"]["solved"], true);
    assert_eq!(done.progress["katas"]["basics/greet"]["hints_used"], 1);
}

#[test]
fn skipping_and_solving_every_kata_ends_the_session() {
    let mut session = Session::start(&["--time", "1m", "--topic", "basics"], None);
    let at = session.wait_for("basics/double", 0);
    let at = session.wait_for("Edit ", at);
    session.send("s");
    let at = session.wait_for("basics/greet — Greet someone", at);
    let at = session.wait_for("Edit ", at);
    std::fs::write(session.learner_file("greet"), solution("greet")).unwrap();
    session.wait_for("Session over: no katas left.", at);
    let done = session.finish();
    done.assert_success();
    let record = done.record();
    assert_eq!(record["ended"], "no_katas_left");
    assert_eq!(record["topic"], "basics");
    assert_eq!(record["points"], 20);
    let outcomes: Vec<&Value> = record["katas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| &k["outcome"])
        .collect();
    assert_eq!(outcomes, ["skipped", "solved"]);
}

#[test]
fn a_session_ends_by_itself_when_time_is_up() {
    let started = Instant::now();
    let mut session = Session::start(&["--time", "3s", "--level", "senior"], None);
    // Only the senior kata is served; nobody types anything.
    let at = session.wait_for("basics/greet", 0);
    session.wait_for("Session over: time is up.", at);
    let done = session.finish();
    done.assert_success();
    assert!(started.elapsed() >= Duration::from_secs(3));
    assert!(!done.stdout.contains("basics/double"), "{}", done.stdout);
    let record = done.record();
    assert_eq!(record["ended"], "time_up");
    assert_eq!(record["planned_seconds"], 3);
    assert_eq!(record["level"], "senior");
    assert_eq!(record["katas"][0]["outcome"], "unfinished");
    assert_eq!(record["katas"][0]["runs"], 0);
}

#[test]
fn voice_without_a_speech_program_says_so_once_and_goes_on() {
    let empty = tempfile::tempdir().unwrap();
    let mut session = Session::start(&["--time", "2s", "--voice"], Some(empty.path()));
    session.wait_for("Session over: time is up.", 0);
    let done = session.finish();
    done.assert_success();
    let message = "no text-to-speech program found (tried espeak-ng, espeak, say, spd-say); continuing without voice";
    assert_eq!(done.stderr.matches(message).count(), 1, "{}", done.stderr);
}

#[test]
fn voice_reads_the_title_through_espeak_ng() {
    let bin = tempfile::tempdir().unwrap();
    let spoken = bin.path().join("spoken.txt");
    let script = bin.path().join("espeak-ng");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nsleep 1\nprintf '%s\\n' \"$@\" >> '{}'\n",
            spoken.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut session = Session::start(&["--time", "30s", "--voice"], Some(bin.path()));
    let at = session.wait_for("basics/double", 0);
    // A run while it speaks must not cut it off (runs end stray children).
    session.send("");
    let at = session.wait_for("── run 1 of basics/double ──", at);
    let at = session.wait_for("0 of 2 tests pass", at);
    let deadline = Instant::now() + PATIENCE;
    while !std::fs::read_to_string(&spoken).is_ok_and(|s| s.contains("Double a number")) {
        assert!(Instant::now() < deadline, "espeak-ng was not run");
        std::thread::sleep(Duration::from_millis(50));
    }
    session.send("q");
    session.wait_for("Session over", at);
    let done = session.finish();
    done.assert_success();
    assert!(!done.stderr.contains("text-to-speech"), "{}", done.stderr);
    assert_eq!(
        std::fs::read_to_string(&spoken).unwrap(),
        "Double a number. Write double(n), which returns twice n.\n"
    );
}

#[test]
fn a_session_needs_katas_that_match() {
    let session = Session::start(&["--topic", "nothing-here"], None);
    let done = session.finish();
    assert_eq!(done.code, Some(2));
    assert!(
        done.stderr.contains("no topic named `nothing-here`"),
        "{}",
        done.stderr
    );
    assert!(
        done.stderr.contains("hint: topics are basics"),
        "{}",
        done.stderr
    );
}
