//! Running the `kata` binary and reading what it reports.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The repository root (where `Cargo.toml` is).
pub(crate) fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/fixtures/guides/NAME`, relative to the repository root (the
/// default working directory of [`Kata::run`]), as kata will display it.
pub(crate) fn guide(name: &str) -> String {
    let path = format!("tests/fixtures/guides/{name}");
    assert!(
        repo_root().join(&path).is_file(),
        "fixture {path} does not exist"
    );
    path
}

/// The absolute path of a fixture.
pub(crate) fn guide_abs(name: &str) -> PathBuf {
    repo_root().join(guide(name))
}

/// Every fixture guide's file name, sorted.
pub(crate) fn all_guides() -> Vec<String> {
    let dir = repo_root().join("tests/fixtures/guides");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("reading {}: {err}", dir.display()))
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".md"))
        .collect();
    names.sort();
    names
}

/// A `kata` command line to run.
pub(crate) struct Kata {
    wrapper: Vec<OsString>,
    args: Vec<OsString>,
    envs: Vec<(OsString, OsString)>,
    current_dir: PathBuf,
    check_cleanup: bool,
    timeout: Duration,
    measure_peak_memory: bool,
}

/// What a run produced.
#[derive(Debug)]
pub(crate) struct Output {
    pub(crate) code: Option<i32>,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    /// The parsed stdout, when it is JSON.
    pub(crate) json: Option<Value>,
    pub(crate) elapsed: Duration,
    /// kata's own peak resident memory (`VmHWM`, kB), when measured.
    pub(crate) peak_memory_kb: Option<u64>,
}

impl Default for Kata {
    fn default() -> Self {
        Self::new()
    }
}

impl Kata {
    pub(crate) fn new() -> Kata {
        Kata {
            wrapper: Vec::new(),
            args: Vec::new(),
            envs: Vec::new(),
            current_dir: repo_root(),
            check_cleanup: true,
            timeout: Duration::from_secs(120),
            measure_peak_memory: false,
        }
    }

    /// `kata verify --format json -j 2 ARGS...`
    pub(crate) fn verify_json<I, S>(paths: I) -> Kata
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        Kata::new()
            .args(["verify", "--format", "json", "-j", "2"])
            .args(paths)
    }

    pub(crate) fn args<I, S>(mut self, args: I) -> Kata
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// Runs kata under another program, e.g. `["/usr/bin/time", "-v"]`.
    pub(crate) fn wrapped_in<I, S>(mut self, wrapper: I) -> Kata
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.wrapper = wrapper.into_iter().map(|a| a.as_ref().to_owned()).collect();
        self
    }

    pub(crate) fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Kata {
        self.envs
            .push((key.as_ref().to_owned(), value.as_ref().to_owned()));
        self
    }

    /// Polls kata's own `VmHWM` (not its workers') while it runs; see
    /// [`Output::peak_memory_kb`]. Not with [`Kata::wrapped_in`].
    pub(crate) fn measure_peak_memory(mut self) -> Kata {
        self.measure_peak_memory = true;
        self
    }

    pub(crate) fn current_dir(mut self, dir: impl AsRef<Path>) -> Kata {
        self.current_dir = dir.as_ref().to_owned();
        self
    }

    /// Runs kata with `TMPDIR` set to a fresh directory. Afterwards, unless
    /// disabled, asserts that no process carrying that directory in its
    /// environment is left (kata's workers and everything they start
    /// inherit `TMPDIR`) and that the directory is empty.
    #[track_caller]
    pub(crate) fn run(self) -> Output {
        let tmp = tempfile::Builder::new()
            .prefix("kata-it-")
            .tempdir()
            .expect("creating a TMPDIR for kata");
        let kata = OsString::from(env!("CARGO_BIN_EXE_kata"));
        let mut command = match self.wrapper.split_first() {
            Some((program, rest)) => {
                let mut command = Command::new(program);
                command.args(rest).arg(&kata);
                command
            }
            None => Command::new(&kata),
        };
        command
            .args(&self.args)
            .current_dir(&self.current_dir)
            .env_remove("KATA_JOBS")
            .env_remove("KATA_TIMEOUT")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("KATA_KATAS")
            .env_remove("KATA_WORKSPACE")
            .env("NO_COLOR", "1")
            .env("TMPDIR", tmp.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, value) in &self.envs {
            command.env(key, value);
        }
        let started = Instant::now();
        let child = command.spawn().expect("starting kata");
        let pid = child.id();
        let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let polling =
            std::sync::Arc::new(std::sync::atomic::AtomicBool::new(self.measure_peak_memory));
        let poller = {
            let (peak, polling) = (peak.clone(), polling.clone());
            std::thread::spawn(move || {
                use std::sync::atomic::Ordering;
                let status = format!("/proc/{pid}/status");
                while polling.load(Ordering::Relaxed) {
                    // VmHWM only grows; the last reading before exit is the peak.
                    if let Some(kb) = std::fs::read_to_string(&status).ok().and_then(|text| {
                        text.lines()
                            .find_map(|line| line.strip_prefix("VmHWM:"))
                            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
                    }) {
                        peak.fetch_max(kb, Ordering::Relaxed);
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
            })
        };
        let timeout = self.timeout;
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = sender.send(child.wait_with_output());
        });
        let output = match receiver.recv_timeout(timeout) {
            Ok(output) => output.expect("waiting for kata"),
            Err(_) => {
                // SAFETY-free: kill only the kata process this test started.
                let _ = Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .status();
                panic!("kata {:?} did not finish within {timeout:?}", self.args);
            }
        };
        let elapsed = started.elapsed();
        polling.store(false, std::sync::atomic::Ordering::Relaxed);
        let _ = poller.join();
        let peak_memory_kb = self
            .measure_peak_memory
            .then(|| peak.load(std::sync::atomic::Ordering::Relaxed))
            .filter(|&kb| kb > 0);
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let json = serde_json::from_str(&stdout).ok();
        let result = Output {
            code: output.status.code(),
            stdout,
            stderr,
            json,
            elapsed,
            peak_memory_kb,
        };
        if self.check_cleanup {
            let left = processes_left(tmp.path(), Duration::from_secs(2));
            // They were started by this run: end them (by pid) before failing.
            for line in &left {
                if let Some(pid) = line.split(' ').next() {
                    let _ = Command::new("kill").args(["-KILL", pid]).status();
                }
            }
            assert!(
                left.is_empty(),
                "processes started by kata {:?} are still running after it exited:\n{}\nstderr:\n{}",
                self.args,
                left.join("\n"),
                result.stderr
            );
            let entries = dir_entries(tmp.path());
            assert!(
                entries.is_empty(),
                "kata {:?} left files in its TMPDIR: {entries:?}",
                self.args
            );
        }
        result
    }
}

/// Processes whose environment mentions `marker`, polling up to `grace`
/// for them to go away. Each as `pid cmdline`.
pub(crate) fn processes_left(marker: &Path, grace: Duration) -> Vec<String> {
    let deadline = Instant::now() + grace;
    loop {
        let left = processes_with_env(marker);
        if left.is_empty() || Instant::now() >= deadline {
            return left;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn processes_with_env(marker: &Path) -> Vec<String> {
    let needle = marker.as_os_str().as_encoded_bytes();
    let mut found = Vec::new();
    let Ok(proc_dir) = std::fs::read_dir("/proc") else {
        return found;
    };
    for entry in proc_dir.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        let Ok(environ) = std::fs::read(entry.path().join("environ")) else {
            continue;
        };
        if environ.windows(needle.len()).any(|w| w == needle) {
            let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
            let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            found.push(format!("{pid} {cmdline}"));
        }
    }
    found
}

/// Recursive listing of a directory (relative paths), sorted.
pub(crate) fn dir_entries(dir: &Path) -> Vec<String> {
    tree(dir).into_iter().map(|(path, _)| path).collect()
}

/// Recursive `(relative path, contents)` of a directory; directories have
/// `None` contents. Sorted.
pub(crate) fn tree(dir: &Path) -> Vec<(String, Option<Vec<u8>>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Option<Vec<u8>>)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let relative = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                out.push((relative, None));
                walk(root, &path, out);
            } else {
                out.push((relative, Some(std::fs::read(&path).unwrap_or_default())));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

impl Output {
    /// The parsed JSON report; panics with stdout and stderr if there is none.
    #[track_caller]
    pub(crate) fn report(&self) -> &Value {
        match &self.json {
            Some(json) => json,
            None => panic!(
                "stdout is not a JSON document\nstdout:\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            ),
        }
    }

    #[track_caller]
    pub(crate) fn results(&self) -> &Vec<Value> {
        self.report()["results"]
            .as_array()
            .expect("`results` is an array")
    }

    /// The results of one file, in document order.
    #[track_caller]
    pub(crate) fn results_of(&self, file: &str) -> Vec<&Value> {
        let mut results: Vec<&Value> = self
            .results()
            .iter()
            .filter(|r| r["file"] == file)
            .collect();
        results.sort_by_key(|r| r["line"].as_u64());
        results
    }

    /// `(line, status)` of each result of `file`.
    #[track_caller]
    pub(crate) fn statuses_of(&self, file: &str) -> Vec<(u64, String)> {
        self.results_of(file)
            .into_iter()
            .map(|r| {
                (
                    r["line"].as_u64().expect("line is a number"),
                    r["status"].as_str().expect("status is a string").to_owned(),
                )
            })
            .collect()
    }

    /// The result of the block whose fence is on `line` of `file`.
    #[track_caller]
    pub(crate) fn result_at(&self, file: &str, line: u64) -> &Value {
        self.results()
            .iter()
            .find(|r| r["file"] == file && r["line"] == line)
            .unwrap_or_else(|| {
                panic!(
                    "no result for {file}:{line}; results: {:#?}\nstderr:\n{}",
                    self.results(),
                    self.stderr
                )
            })
    }

    #[track_caller]
    pub(crate) fn errors(&self) -> &Vec<Value> {
        self.report()["errors"]
            .as_array()
            .expect("`errors` is an array")
    }

    #[track_caller]
    pub(crate) fn assert_code(&self, expected: i32) -> &Output {
        assert_eq!(
            self.code,
            Some(expected),
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    #[track_caller]
    pub(crate) fn assert_stderr_contains(&self, needle: &str) -> &Output {
        assert!(
            self.stderr.contains(needle),
            "stderr does not contain {needle:?}\nstderr:\n{}",
            self.stderr
        );
        self
    }

    /// The summary counts equal the per-status counts of `results`.
    #[track_caller]
    pub(crate) fn assert_summary_consistent(&self) -> &Output {
        let report = self.report();
        assert_eq!(report["version"], 1, "version");
        let summary = &report["summary"];
        let results = self.results();
        assert_eq!(
            summary["total"].as_u64(),
            Some(results.len() as u64),
            "summary.total"
        );
        for status in ["pass", "fail", "error", "timeout", "crash", "skip"] {
            let counted = results.iter().filter(|r| r["status"] == status).count() as u64;
            assert_eq!(
                summary[status].as_u64(),
                Some(counted),
                "summary.{status} vs results: {summary}"
            );
        }
        assert!(summary["duration_ms"].is_u64(), "summary.duration_ms");
        for result in results {
            for key in ["file", "kind", "status", "message"] {
                assert!(result[key].is_string(), "{key} in {result}");
            }
            for key in ["line", "duration_ms"] {
                assert!(result[key].is_u64(), "{key} in {result}");
            }
            for key in ["expected", "actual"] {
                assert!(
                    result[key].is_null() || result[key].is_string(),
                    "{key} in {result}"
                );
            }
            let kind = result["kind"].as_str().unwrap();
            assert!(
                ["doctest", "output", "comments", "raises", "smoke"].contains(&kind),
                "kind {kind}"
            );
        }
        self
    }
}

/// What a fixture says about itself: `<!-- expect: STATUS -->` right before
/// each Python block (so the block's fence, or hidden-code comment, is on
/// the next line), and `<!-- expect-input-error -->` for a file kata must
/// refuse.
#[derive(Debug)]
pub(crate) struct Expectations {
    /// `(line of the block, status)`, in document order.
    pub(crate) blocks: Vec<(u64, String)>,
    pub(crate) input_error: bool,
}

pub(crate) fn expectations(bytes: &[u8]) -> Expectations {
    let mut blocks = Vec::new();
    let mut input_error = false;
    for (index, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = String::from_utf8_lossy(line);
        if line.contains("<!-- expect-input-error -->") {
            input_error = true;
        }
        let Some(start) = line.find("<!-- expect:") else {
            continue;
        };
        let rest = &line[start + "<!-- expect:".len()..];
        let status = rest.split("-->").next().unwrap_or("").trim().to_owned();
        assert!(
            ["pass", "fail", "error", "timeout", "crash", "skip"].contains(&status.as_str()),
            "bad expectation {status:?} on line {}",
            index + 1
        );
        // The marker is on line index + 1; the block starts on the next one.
        blocks.push((index as u64 + 2, status));
    }
    Expectations {
        blocks,
        input_error,
    }
}

/// Runs one fixture and returns what differs from its `expect` markers
/// (empty when everything matches).
pub(crate) fn check_guide(name: &str) -> Vec<String> {
    let path = guide(name);
    let bytes = std::fs::read(guide_abs(name)).unwrap();
    let expected = expectations(&bytes);
    let output = Kata::verify_json([&path]).run();
    let mut problems = Vec::new();
    let Some(report) = &output.json else {
        return vec![format!(
            "{name}: stdout is not JSON (exit {:?})\nstderr:\n{}",
            output.code, output.stderr
        )];
    };
    let _ = report;
    output.assert_summary_consistent();
    if expected.input_error {
        let errors = output.errors();
        if !errors.iter().any(|e| e["file"] == path.as_str()) {
            problems.push(format!("{name}: expected an input error, got {errors:?}"));
        }
        if output.code != Some(2) {
            problems.push(format!("{name}: exit code {:?}, expected 2", output.code));
        }
    } else if !output.errors().is_empty() {
        problems.push(format!(
            "{name}: unexpected input errors {:?}",
            output.errors()
        ));
    }
    let actual = output.statuses_of(&path);
    if actual != expected.blocks {
        let messages: Vec<String> = output
            .results_of(&path)
            .iter()
            .map(|r| format!("  line {}: {} {}", r["line"], r["status"], r["message"]))
            .collect();
        problems.push(format!(
            "{name}: (line, status) of each block differs\n  expected: {:?}\n  actual:   {actual:?}\n{}",
            expected.blocks,
            messages.join("\n")
        ));
    }
    let any_failure = expected
        .blocks
        .iter()
        .any(|(_, s)| !matches!(s.as_str(), "pass" | "skip"));
    let want_code = if expected.input_error {
        2
    } else if any_failure {
        1
    } else {
        0
    };
    if output.code != Some(want_code) {
        problems.push(format!(
            "{name}: exit code {:?}, expected {want_code}",
            output.code
        ));
    }
    problems
}
