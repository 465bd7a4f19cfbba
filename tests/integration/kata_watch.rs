//! `kata watch`: in a real terminal (tmux), and driven through stdin lines.
//!
//! Fixture katas: `tests/fixtures/katas-watch/` (`basics/double` then
//! `basics/triple`; `slow/sleepy`, whose starter sleeps for a minute so a
//! run is still going when the test saves again).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::util::{dir_entries, processes_left, repo_root};

/// The first run of a session starts a worker (slow in a debug build on a
/// busy machine); later steps are quicker, but keep the same margin.
const STEP: Duration = Duration::from_secs(40);

fn fixture_katas() -> PathBuf {
    repo_root().join("tests/fixtures/katas-watch")
}

fn solution(kata: &str) -> String {
    let path = fixture_katas().join(kata).join("solution.py");
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// Kills by pid whatever carries `marker` in its environment (processes a
/// failed test's kata started), returning their descriptions.
fn kill_left(marker: &Path) -> Vec<String> {
    let left = processes_left(marker, Duration::from_secs(2));
    for line in &left {
        if let Some(pid) = line.split(' ').next() {
            let _ = Command::new("kill").args(["-KILL", pid]).status();
        }
    }
    left
}

/// Polls `read` until `done` holds or `limit` passes.
#[track_caller]
fn wait_until(limit: Duration, what: &str, read: impl Fn() -> String, done: impl Fn(&str) -> bool) {
    let deadline = Instant::now() + limit;
    loop {
        let text = read();
        if done(&text) {
            return;
        }
        if Instant::now() > deadline {
            panic!("no {what} within {limit:?}; output so far:\n{text}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `kata watch` with stdin and stdout as pipes, read as it goes.
struct Watch {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Arc<Mutex<String>>,
    tmp: TempDir,
    workspace: TempDir,
}

impl Watch {
    fn start(target: &str, envs: &[(&str, &str)]) -> Watch {
        let tmp = tempfile::Builder::new()
            .prefix("kata-it-")
            .tempdir()
            .unwrap();
        let workspace = tempfile::tempdir().unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_kata"));
        command
            .arg("watch")
            .arg(target)
            .arg("--katas")
            .arg(fixture_katas())
            .arg("--workspace")
            .arg(workspace.path())
            .current_dir(workspace.path())
            .env("NO_COLOR", "1")
            .env("TMPDIR", tmp.path())
            .env_remove("KATA_WATCH_POLL")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (key, value) in envs {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("starting kata watch");
        let stdin = child.stdin.take();
        let stdout = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&stdout);
        let mut stream = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    return;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Watch {
            child,
            stdin,
            stdout,
            tmp,
            workspace,
        }
    }

    fn output(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    #[track_caller]
    fn wait_for(&self, what: &str, done: impl Fn(&str) -> bool) {
        wait_until(STEP, what, || self.output(), done);
    }

    fn send(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        writeln!(stdin, "{line}").expect("writing to kata's stdin");
        stdin.flush().unwrap();
    }

    fn learner_file(&self, kata: &str) -> PathBuf {
        self.workspace.path().join(format!("{kata}.py"))
    }

    fn progress(&self) -> serde_json::Value {
        let path = self.workspace.path().join(".kata/progress.json");
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
    }

    /// Waits for kata to exit; asserts that it left no process and no file
    /// in its TMPDIR. Returns the exit code.
    #[track_caller]
    fn finish(&mut self) -> Option<i32> {
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "kata watch did not exit; output:\n{}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        let left = kill_left(self.tmp.path());
        assert!(left.is_empty(), "processes left behind: {left:?}");
        let entries = dir_entries(self.tmp.path());
        assert!(entries.is_empty(), "files left in TMPDIR: {entries:?}");
        status.code()
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        kill_left(self.tmp.path());
    }
}

#[test]
fn watch_driven_by_stdin_reruns_on_save_moves_on_and_records_progress() {
    let mut watch = Watch::start("basics", &[]);
    watch.wait_for("failing first run", |s| s.contains("1 of 2 tests pass"));
    assert!(
        watch.output().contains("Write `double(n)`"),
        "the task is shown"
    );
    watch.wait_for("keys line", |s| s.contains("Keys (a letter, then Enter)"));
    watch.send("h");
    watch.wait_for("first hint", |s| s.contains("hint 1/2: Multiply by two."));
    std::fs::write(
        watch.learner_file("basics/double"),
        solution("basics/double"),
    )
    .unwrap();
    watch.wait_for("solved", |s| s.contains("Solved!"));
    // On to the next kata of the topic: its task, its file, its first run.
    watch.wait_for("the next kata's run", |s| s.contains("0 of 1 tests pass"));
    let text = watch.output();
    assert!(text.contains("Moving on to basics/triple."), "{text}");
    assert!(text.contains("Write `triple(n)`"), "{text}");
    assert!(watch.learner_file("basics/triple").is_file());
    // Not a terminal: the screen is never cleared.
    assert!(!text.contains("\x1b[2J"), "{text}");
    // An editor that saves by writing a new file and renaming it over the old.
    let triple = watch.learner_file("basics/triple");
    let temp = triple.with_extension("py.swp");
    std::fs::write(&temp, solution("basics/triple")).unwrap();
    std::fs::rename(&temp, &triple).unwrap();
    watch.wait_for("the last kata solved", |s| {
        s.contains("That was the last kata of `basics`")
    });
    watch.send("q");
    assert_eq!(watch.finish(), Some(0), "{}", watch.output());

    let progress = watch.progress();
    let double = &progress["katas"]["basics/double"];
    assert_eq!(double["solved"], true, "{progress}");
    assert_eq!(double["attempts"], 2, "{progress}");
    assert_eq!(double["hints_used"], 1, "{progress}");
    assert_eq!(progress["katas"]["basics/triple"]["attempts"], 2);
    assert_eq!(progress["katas"]["basics/triple"]["solved"], true);
    assert_eq!(progress["current"], "basics/triple");
}

#[test]
fn a_save_during_a_run_stops_that_run_and_starts_a_new_one() {
    let started = Instant::now();
    let mut watch = Watch::start("slow/sleepy", &[]);
    watch.wait_for("the first run", |s| s.contains("Running "));
    // The starter sleeps for a minute: this save lands during its run.
    std::thread::sleep(Duration::from_millis(500));
    std::fs::write(watch.learner_file("slow/sleepy"), solution("slow/sleepy")).unwrap();
    watch.wait_for("solved", |s| s.contains("Solved!"));
    let text = watch.output();
    assert!(text.contains("(the run in progress was stopped)"), "{text}");
    assert!(text.contains("That was the last kata of `slow`"), "{text}");
    assert!(
        started.elapsed() < Duration::from_secs(50),
        "the sleeping run was not stopped: {:?}",
        started.elapsed()
    );
    // Only the finished run counts as an attempt.
    assert_eq!(watch.progress()["katas"]["slow/sleepy"]["attempts"], 1);
    watch.send("q");
    assert_eq!(watch.finish(), Some(0));
}

#[test]
fn ctrl_c_during_a_run_exits_cleanly() {
    let mut watch = Watch::start("slow/sleepy", &[]);
    watch.wait_for("the first run", |s| s.contains("Running "));
    // Let the worker start and the test begin sleeping.
    std::thread::sleep(Duration::from_secs(1));
    let _ = Command::new("kill")
        .args(["-INT", &watch.child.id().to_string()])
        .status();
    assert_eq!(watch.finish(), Some(0), "{}", watch.output());
}

#[test]
fn polling_finds_changes_when_file_events_do_not_come() {
    let mut watch = Watch::start("basics/double", &[("KATA_WATCH_POLL", "1")]);
    watch.wait_for("failing first run", |s| s.contains("1 of 2 tests pass"));
    std::fs::write(
        watch.learner_file("basics/double"),
        solution("basics/double"),
    )
    .unwrap();
    watch.wait_for("solved", |s| s.contains("Solved!"));
    let text = watch.output();
    assert_eq!(
        text.matches("polling the file's modification time every 500 ms")
            .count(),
        1,
        "said once: {text}"
    );
    watch.send("q");
    assert_eq!(watch.finish(), Some(0));
}

/// A private tmux server (its own socket), killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    /// None when tmux is not installed: the caller skips, except in CI.
    fn start(command: &str) -> Option<Tmux> {
        let found = Command::new("tmux")
            .arg("-V")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !found {
            return None;
        }
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let tmux = Tmux {
            socket: format!("kata-it-{}-{nanos}", std::process::id()),
        };
        let status = tmux
            .command()
            .args(["new-session", "-d", "-x", "120", "-y", "40", "-s", "watch"])
            .arg(command)
            .status()
            .expect("starting tmux");
        assert!(status.success(), "tmux new-session failed");
        Some(tmux)
    }

    fn command(&self) -> Command {
        let mut command = Command::new("tmux");
        command.args(["-L", &self.socket, "-f", "/dev/null"]);
        command
    }

    /// The pane's text, with its scrollback.
    fn pane(&self) -> String {
        let output = self
            .command()
            .args(["capture-pane", "-p", "-J", "-S", "-500", "-t", "watch"])
            .output()
            .expect("tmux capture-pane");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn send_keys(&self, keys: &str) {
        let status = self
            .command()
            .args(["send-keys", "-t", "watch", keys])
            .status()
            .expect("tmux send-keys");
        assert!(status.success(), "tmux send-keys {keys}");
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self
            .command()
            .arg("kill-server")
            .stderr(Stdio::null())
            .status();
    }
}

/// `kata watch TARGET` in a 120x40 tmux pane; after it exits, the pane's
/// shell writes the terminal settings to `stty` and the exit code to `code`
/// in `files`.
fn watch_in_tmux(target: &str, tmp: &Path, workspace: &Path, files: &Path) -> Option<Tmux> {
    let quote = |path: &Path| format!("'{}'", path.display());
    let command = format!(
        "cd {ws}; env TMPDIR={tmp} NO_COLOR=1 {kata} watch {target} --katas {katas} --workspace {ws}; \
         code=$?; stty -a > {stty}; echo $code > {code}",
        ws = quote(workspace),
        tmp = quote(tmp),
        kata = quote(Path::new(env!("CARGO_BIN_EXE_kata"))),
        katas = quote(&fixture_katas()),
        stty = quote(&files.join("stty")),
        code = quote(&files.join("code")),
    );
    let tmux = Tmux::start(&command);
    if tmux.is_none() {
        assert!(
            std::env::var("CI").map_or(true, |ci| ci != "true"),
            "tmux is not installed: `kata watch` must be tested in a real terminal in CI \
             (.ci/run installs it with apt-get)"
        );
        eprintln!("note: tmux is not installed; skipping the real-terminal test of `kata watch`");
    }
    tmux
}

/// Waits for the code the pane's shell wrote once kata exited, then checks
/// that the terminal left cooked mode restored and no worker behind.
#[track_caller]
fn assert_exited_cleanly(tmux: &Tmux, tmp: &Path, files: &Path) {
    wait_until(
        Duration::from_secs(10),
        "exit of kata watch",
        || {
            let code = std::fs::read_to_string(files.join("code")).unwrap_or_default();
            format!("{}\n--- pane:\n{}", code.trim(), tmux.pane())
        },
        |text| !text.starts_with('\n'),
    );
    let code = std::fs::read_to_string(files.join("code")).unwrap();
    assert_eq!(code.trim(), "0", "exit code; pane:\n{}", tmux.pane());
    let stty = std::fs::read_to_string(files.join("stty")).unwrap();
    let modes: Vec<&str> = stty.split_whitespace().collect();
    for mode in ["icanon", "echo", "isig", "opost"] {
        assert!(
            modes.contains(&mode),
            "the terminal is not restored ({mode}):\n{stty}"
        );
    }
    let left = kill_left(tmp);
    assert!(left.is_empty(), "processes left behind: {left:?}");
    let entries = dir_entries(tmp);
    assert!(entries.is_empty(), "files left in TMPDIR: {entries:?}");
}

#[test]
fn watch_in_a_real_terminal_reruns_on_save_and_quits_on_q() {
    let tmp = tempfile::Builder::new()
        .prefix("kata-it-")
        .tempdir()
        .unwrap();
    let workspace = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let Some(tmux) = watch_in_tmux("basics", tmp.path(), workspace.path(), files.path()) else {
        return;
    };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        wait_until(
            STEP,
            "failing result in the pane",
            || tmux.pane(),
            |p| p.contains("1 of 2 tests pass"),
        );
        let pane = tmux.pane();
        assert!(pane.contains("Keys: n next kata"), "{pane}");
        // Raw mode, but lines still start at the left margin.
        assert!(
            pane.lines().any(|l| l.starts_with("1 of 2 tests pass")),
            "{pane}"
        );
        std::fs::write(
            workspace.path().join("basics/double.py"),
            solution("basics/double"),
        )
        .unwrap();
        wait_until(
            STEP,
            "solved in the pane",
            || tmux.pane(),
            |p| p.contains("Solved!") && p.contains("0 of 1 tests pass"),
        );
        tmux.send_keys("q");
        assert_exited_cleanly(&tmux, tmp.path(), files.path());
    }));
    drop(tmux);
    kill_left(tmp.path());
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn ctrl_c_in_a_real_terminal_stops_the_run_and_restores_the_terminal() {
    let tmp = tempfile::Builder::new()
        .prefix("kata-it-")
        .tempdir()
        .unwrap();
    let workspace = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let Some(tmux) = watch_in_tmux("slow/sleepy", tmp.path(), workspace.path(), files.path())
    else {
        return;
    };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        wait_until(
            STEP,
            "a run in the pane",
            || tmux.pane(),
            |p| p.contains("Running "),
        );
        std::thread::sleep(Duration::from_secs(1));
        tmux.send_keys("C-c");
        assert_exited_cleanly(&tmux, tmp.path(), files.path());
    }));
    drop(tmux);
    kill_left(tmp.path());
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}
