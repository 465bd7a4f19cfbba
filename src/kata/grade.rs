//! `kata grade KATA SUBMISSIONS...`: runs a kata's public and hidden tests
//! against every submission, each in its own forked child of a zygote (with
//! the pool's limits: wall clock per test, memory, file size, open files,
//! output, scratch directory, minimal environment, stdin closed), scores
//! them in Rust and writes the grade sheet.
//!
//! Outputs in `--out`: `results/<student>.json` (one per submission, the
//! source of truth), `grades.csv` (rebuilt from every JSON result in
//! `results/`, so shards that share or merge a results directory give one
//! sheet) and, with `--format gradescope`, `gradescope/<student>/results.json`.
//! What a submission can and cannot do to its verdict is in
//! `docs/architecture.md` ("Grading hostile submissions").

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use super::catalog::{self, Kata};
use super::meta::Grading;
use super::runner::{self, Isolation, KataRun, TestResult, TestSet, TestStatus};
use crate::exit_code::ExitStatus;
use crate::verify::Shard;
use crate::worker::protocol::Limits;

/// The owner of the tests' private directory under root.
const NOBODY: u32 = 65534;

/// Version of the per-submission JSON result.
const RESULT_VERSION: u32 = 1;

/// Which outputs to write besides the per-submission JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GradeFormat {
    Csv,
    Json,
    Gradescope,
}

/// What `kata grade` was asked for.
#[derive(Debug, Clone)]
pub(crate) struct GradeConfig {
    /// A kata directory, or `topic/slug` in `katas`.
    pub(crate) kata: String,
    pub(crate) katas: Option<PathBuf>,
    pub(crate) submissions: Vec<PathBuf>,
    pub(crate) jobs: usize,
    pub(crate) out: PathBuf,
    pub(crate) formats: Vec<GradeFormat>,
    pub(crate) force: bool,
    pub(crate) shard: Option<Shard>,
    pub(crate) progress: bool,
    pub(crate) limits: Limits,
    /// Timed-out tests after which a submission is given up on (0: never).
    pub(crate) max_timeouts: u32,
}

/// One student's submission.
#[derive(Debug, Clone)]
struct Submission {
    student: String,
    /// The Python file that is imported as `solution`.
    file: PathBuf,
}

/// One test's grade, as written to the JSON result.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct TestGrade {
    pub(crate) name: String,
    pub(crate) file: String,
    pub(crate) hidden: bool,
    pub(crate) status: String,
    pub(crate) points: f64,
    pub(crate) max_points: f64,
    /// For hidden tests only the status: never the expected values.
    pub(crate) message: String,
    pub(crate) duration_ms: f64,
}

/// A submission's result: `results/<student>.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SubmissionResult {
    pub(crate) version: u32,
    pub(crate) student: String,
    pub(crate) kata: String,
    pub(crate) submission: String,
    /// Hash of the submission's bytes and of the kata (tests, points,
    /// limits): a rerun skips a submission whose hash is unchanged.
    pub(crate) hash: String,
    /// `pass` (full marks), `partial`, `fail` (no points) or `error` (the
    /// submission could not be loaded: syntax error, exception at import).
    pub(crate) status: String,
    pub(crate) score: f64,
    pub(crate) max_score: f64,
    /// Why loading failed, with the line when there is one.
    #[serde(default)]
    pub(crate) error: Option<String>,
    pub(crate) tests: Vec<TestGrade>,
}

/// `kata grade`.
pub(crate) fn run(config: &GradeConfig) -> Result<ExitStatus> {
    let kata = find_kata(&config.kata, config.katas.clone())?;
    let mut submissions = collect_submissions(&config.submissions)?;
    if let Some(shard) = config.shard {
        submissions = submissions
            .into_iter()
            .enumerate()
            .filter(|(position, _)| position % shard.count == shard.index - 1)
            .map(|(_, s)| s)
            .collect();
    }
    let results_dir = config.out.join("results");
    std::fs::create_dir_all(&results_dir)
        .with_context(|| format!("creating `{}`", results_dir.display()))?;
    let kata_hash = catalog::content_hash(&kata);
    let points_key = format!(
        "{}|{:?}|{:?}|{:?}|{:?}|{}",
        kata.meta.points,
        kata.meta.test_points,
        kata.meta.time_limit,
        kata.meta.limits.overrides().applied_to(&config.limits),
        kata.meta.grading,
        config.max_timeouts
    );

    let mut todo = Vec::new();
    let mut skipped = 0;
    for submission in &submissions {
        let bytes = std::fs::read(&submission.file)
            .with_context(|| format!("reading `{}`", submission.file.display()))?;
        let hash = fnv(&[&bytes, kata_hash.as_bytes(), points_key.as_bytes()]);
        let path = results_dir.join(format!("{}.json", submission.student));
        if !config.force && previous_hash(&path).as_deref() == Some(hash.as_str()) {
            skipped += 1;
            continue;
        }
        todo.push((submission.clone(), hash));
    }

    // Sealed grading reads the tests from files in a private directory
    // after the submission's process is forked, so their text is in no
    // job, no zygote and no submission's memory.
    let tests_dir = match kata.meta.grading {
        Grading::Sealed => Some(write_tests(&kata)?),
        Grading::InProcess => None,
    };
    let isolation = match &tests_dir {
        Some(dir) => Isolation::Sealed {
            tests_dir: Some(dir.path()),
        },
        None => Isolation::Shared { unprivileged: true },
    };
    warn_if_tests_readable(&kata, config);
    let mut planned = Vec::with_capacity(todo.len());
    for (submission, _) in &todo {
        let display = format!("{}.py", submission.student);
        let mut run = runner::plan_run(
            &kata,
            &submission.file,
            &display,
            TestSet::All,
            &config.limits,
            isolation,
        )?;
        run.give_up_after_timeouts(config.max_timeouts);
        planned.push(run);
    }
    let bar = progress_bar(config.progress, todo.len());
    // Another process reading this one's descriptors through /proc (a
    // student's child reopening kata's pipes to forge events) needs kata to
    // be dumpable; it is not, from here on.
    crate::worker::sys::forbid_inspection();
    let mut failures = 0;
    runner::run_many(planned, config.jobs, todo.len() <= 2, |position, run| {
        let (submission, hash) = &todo[position];
        let result = score(&kata, submission, hash, &run);
        if result.status != "pass" {
            failures += 1;
        }
        let path = results_dir.join(format!("{}.json", submission.student));
        let written = serde_json::to_vec_pretty(&result)
            .map_err(anyhow::Error::from)
            .and_then(|json| {
                std::fs::write(&path, json).with_context(|| format!("writing `{}`", path.display()))
            });
        if let Err(err) = written {
            bar.suspend(|| {
                let _ = writeln!(std::io::stderr(), "error: {err:#}");
            });
        }
        if config.formats.contains(&GradeFormat::Gradescope)
            && let Err(err) = write_gradescope(&config.out, &result)
        {
            bar.suspend(|| {
                let _ = writeln!(std::io::stderr(), "error: {err:#}");
            });
        }
        bar.inc(1);
    })?;
    bar.finish_and_clear();

    let all = read_results(&results_dir, &kata.id)?;
    if config.formats.contains(&GradeFormat::Csv) {
        write_csv(&config.out.join("grades.csv"), &all)?;
    }
    let graded: Vec<&SubmissionResult> = all
        .iter()
        .filter(|r| submissions.iter().any(|s| s.student == r.student))
        .collect();
    print_summary(&graded, todo.len(), skipped)?;
    let failed_before = graded.iter().filter(|r| r.status != "pass").count();
    Ok(if failures + failed_before == 0 {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

/// The kata's test files in a new directory only this user can read.
fn write_tests(kata: &Kata) -> Result<tempfile::TempDir> {
    let dir = tempfile::Builder::new()
        .prefix("kata-tests-")
        .tempdir()
        .context("creating a directory for the tests")?;
    let mut files = vec![("test_public.py", kata.test_public.as_str())];
    if let Some(hidden) = &kata.test_hidden {
        files.push(("test_hidden.py", hidden));
    }
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::write(&path, text).with_context(|| format!("writing `{}`", path.display()))?;
    }
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("restricting `{}`", dir.path().display()))?;
    }
    if crate::worker::sys::is_root() {
        // The submission's process keeps uid 0 but no capabilities: a
        // directory (mode 0700) owned by another user is closed to it,
        // while the tests' process, with its capabilities, reads it.
        std::os::unix::fs::chown(dir.path(), Some(NOBODY), Some(NOBODY))
            .with_context(|| format!("handing `{}` to nobody", dir.path().display()))?;
    }
    Ok(dir)
}

/// Hidden tests that every user can read are within a submission's reach.
fn warn_if_tests_readable(kata: &Kata, config: &GradeConfig) {
    use std::os::unix::fs::PermissionsExt;
    if !crate::worker::sys::is_root() || kata.meta.grading != Grading::Sealed {
        return;
    }
    let katas = config
        .katas
        .clone()
        .unwrap_or_else(|| PathBuf::from("katas"));
    let candidates = [PathBuf::from(&config.kata), katas.join(&kata.id)];
    let Some(hidden) = candidates
        .iter()
        .map(|dir| dir.join("test_hidden.py"))
        .find(|path| path.is_file())
    else {
        return;
    };
    if let Ok(meta) = std::fs::metadata(&hidden)
        && meta.permissions().mode() & 0o004 != 0
    {
        let _ = writeln!(
            std::io::stderr(),
            "warning: `{}` is readable by every user, so a submission could read it; \
             `chmod o-r` it (or its directory) on the grading machine",
            hidden.display()
        );
    }
}

/// A kata directory (with `kata.toml`), or a kata of the catalogue.
fn find_kata(name: &str, katas: Option<PathBuf>) -> Result<Kata> {
    let path = Path::new(name);
    if path.join("kata.toml").is_file() {
        return catalog::load_dir(path)
            .map_err(|problem| anyhow::anyhow!("{}: {}", problem.location, problem.message));
    }
    let source = catalog::Source::choose(katas);
    let (all, _) = catalog::load(&source);
    all.iter()
        .find(|k| k.id == name)
        .or_else(|| all.iter().find(|k| k.slug == name))
        .cloned()
        .with_context(|| format!("no kata named `{name}` in {}", source.describe()))
}

/// Submissions: a `.py` file; a folder holding `solution.py` or a single
/// `.py` file; or a folder of such files and folders (one per student).
fn collect_submissions(paths: &[PathBuf]) -> Result<Vec<Submission>> {
    let mut found = Vec::new();
    for path in paths {
        if path.is_file() {
            found.push(file_submission(path)?);
        } else if path.is_dir() {
            if let Some(single) = folder_submission(path)? {
                found.push(single);
                continue;
            }
            let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
                .with_context(|| format!("reading `{}`", path.display()))?
                .flatten()
                .map(|e| e.path())
                .collect();
            entries.sort();
            for entry in entries {
                if entry.is_file() && entry.extension().is_some_and(|e| e == "py") {
                    found.push(file_submission(&entry)?);
                } else if entry.is_dir()
                    && let Some(submission) = folder_submission(&entry)?
                {
                    found.push(submission);
                }
            }
        } else {
            bail!("`{}` does not exist", path.display());
        }
    }
    found.sort_by(|a, b| a.student.cmp(&b.student));
    if let Some(pair) = found.windows(2).find(|w| w[0].student == w[1].student) {
        bail!(
            "two submissions for the student `{}`: `{}` and `{}`",
            pair[0].student,
            pair[0].file.display(),
            pair[1].file.display()
        );
    }
    if found.is_empty() {
        bail!(
            "no submissions found (a `.py` file, or a folder with `solution.py` or one `.py` file, per student)"
        );
    }
    Ok(found)
}

fn file_submission(path: &Path) -> Result<Submission> {
    let student = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| valid_student(s))
        .with_context(|| format!("`{}` does not name a student", path.display()))?;
    Ok(Submission {
        student,
        file: path.to_path_buf(),
    })
}

/// A folder that is one submission: it holds `solution.py`, or exactly one `.py`.
fn folder_submission(dir: &Path) -> Result<Option<Submission>> {
    let python: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading `{}`", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "py"))
        .collect();
    let file = if dir.join("solution.py").is_file() {
        dir.join("solution.py")
    } else if python.len() == 1 {
        python[0].clone()
    } else {
        return Ok(None);
    };
    let student = dir
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| valid_student(s))
        .with_context(|| format!("`{}` does not name a student", dir.display()))?;
    Ok(Some(Submission { student, file }))
}

/// A student id becomes a file name: no separators, no leading dot.
fn valid_student(id: &str) -> bool {
    !id.is_empty() && !id.starts_with('.') && !id.contains(['/', '\\', '\0'])
}

/// The points of each test: `[test_points]` for the tests it names, the
/// rest of `points` spread evenly over the others.
fn test_points(kata: &Kata, names: &[&str]) -> Vec<f64> {
    let table = &kata.meta.test_points;
    let named: f64 = names.iter().filter_map(|n| table.get(*n)).sum();
    let unnamed = names.iter().filter(|n| !table.contains_key(**n)).count();
    let share = if unnamed == 0 {
        0.0
    } else {
        ((f64::from(kata.meta.points) - named).max(0.0)) / unnamed as f64
    };
    names
        .iter()
        .map(|n| table.get(*n).copied().unwrap_or(share))
        .collect()
}

/// Scores one run. Totals are computed here, from the zygote's per-test
/// verdicts; nothing the submission reports about itself is added up.
fn score(kata: &Kata, submission: &Submission, hash: &str, run: &KataRun) -> SubmissionResult {
    let names: Vec<&str> = run.tests.iter().map(|t| t.name.as_str()).collect();
    let points = test_points(kata, &names);
    let loaded = run.load_error.is_none();
    let tests: Vec<TestGrade> = run
        .tests
        .iter()
        .zip(&points)
        .map(|(test, &max)| {
            let earned = if loaded && test.status == TestStatus::Pass {
                max
            } else {
                0.0
            };
            TestGrade {
                name: test.name.clone(),
                file: test.file.to_owned(),
                hidden: test.hidden,
                status: if loaded {
                    status_name(test.status)
                } else {
                    "error".to_owned()
                },
                points: round2(earned),
                max_points: round2(max),
                message: test_message(test, loaded),
                duration_ms: (test.duration_ms * 10.0).round() / 10.0,
            }
        })
        .collect();
    // Summed unrounded: 13 tests of 10/13 points each make 10, not 10.01.
    let score = round2(
        run.tests
            .iter()
            .zip(&points)
            .filter(|(test, _)| loaded && test.status == TestStatus::Pass)
            .map(|(_, &max)| max)
            .fold(0.0, |total, points| total + points),
    );
    let max_score = round2(points.iter().sum());
    let error = run.load_error.as_ref().map(load_message);
    let status = if error.is_some() {
        "error"
    } else if tests.iter().all(|t| t.status == "pass") {
        "pass"
    } else if score > 0.0 {
        "partial"
    } else {
        "fail"
    };
    SubmissionResult {
        version: RESULT_VERSION,
        student: submission.student.clone(),
        kata: kata.id.clone(),
        submission: submission.file.display().to_string(),
        hash: hash.to_owned(),
        status: status.to_owned(),
        score,
        max_score,
        error,
        tests,
    }
}

/// What a test's result says to the student. Hidden tests say only that
/// they failed and how (no assert sides, no traceback, no output).
fn test_message(test: &TestResult, loaded: bool) -> String {
    if !loaded {
        return "not run: the submission could not be loaded".to_owned();
    }
    if test.status == TestStatus::Pass {
        return String::new();
    }
    if test.hidden {
        return format!("hidden test failed ({})", status_name(test.status));
    }
    let mut message = test.message.clone();
    if let Some(assertion) = &test.assertion
        && let (Some(left), Some(op), Some(right)) =
            (&assertion.left, &assertion.op, &assertion.right)
    {
        message = format!("assert {left} {op} {right}");
    }
    cap(&message, 500)
}

/// A load failure with its line: `SyntaxError at line 3: ...`.
fn load_message(load: &TestResult) -> String {
    let line = load
        .traceback
        .as_deref()
        .and_then(|tb| tb.lines().rev().find_map(traceback_line));
    let message = match line {
        Some(line) => format!("{} (line {line})", load.message),
        None => load.message.clone(),
    };
    cap(&message, 500)
}

/// The line number of a traceback line `File "x.py", line 3, ...`.
fn traceback_line(line: &str) -> Option<usize> {
    let rest = line.split(", line ").nth(1)?;
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

fn cap(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_owned();
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}... [truncated]", &text[..end])
}

fn status_name(status: TestStatus) -> String {
    serde_json::to_value(status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

fn fnv(parts: &[&[u8]]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.iter().copied().chain([0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

fn previous_hash(path: &Path) -> Option<String> {
    let text = std::fs::read(path).ok()?;
    let result: SubmissionResult = serde_json::from_slice(&text).ok()?;
    Some(result.hash)
}

/// Every JSON result of this kata in `dir`, sorted by student.
fn read_results(dir: &Path, kata: &str) -> Result<Vec<SubmissionResult>> {
    let mut results = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading `{}`", dir.display()))? {
        let path = entry?.path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let text = std::fs::read(&path).with_context(|| format!("reading `{}`", path.display()))?;
        let result: SubmissionResult = serde_json::from_slice(&text)
            .with_context(|| format!("`{}` is not a kata grade result", path.display()))?;
        if result.kata == kata {
            results.push(result);
        }
    }
    results.sort_by(|a, b| a.student.cmp(&b.student));
    Ok(results)
}

/// `grades.csv`: student, one column per test (points earned), total, max, status.
fn write_csv(path: &Path, results: &[SubmissionResult]) -> Result<()> {
    let mut columns: Vec<String> = Vec::new();
    for result in results {
        for test in &result.tests {
            if !columns.contains(&test.name) {
                columns.push(test.name.clone());
            }
        }
    }
    let mut text = String::new();
    let header: Vec<String> = ["student".to_owned()]
        .into_iter()
        .chain(columns.iter().cloned())
        .chain(["total", "max", "status"].map(str::to_owned))
        .collect();
    text.push_str(&csv_row(&header));
    for result in results {
        let by_name: BTreeMap<&str, f64> = result
            .tests
            .iter()
            .map(|t| (t.name.as_str(), t.points))
            .collect();
        let mut row = vec![result.student.clone()];
        row.extend(columns.iter().map(|c| {
            by_name
                .get(c.as_str())
                .map(|p| number(*p))
                .unwrap_or_default()
        }));
        row.push(number(result.score));
        row.push(number(result.max_score));
        row.push(result.status.clone());
        text.push_str(&csv_row(&row));
    }
    std::fs::write(path, text).with_context(|| format!("writing `{}`", path.display()))
}

fn csv_row(fields: &[String]) -> String {
    let quoted: Vec<String> = fields
        .iter()
        .map(|f| {
            if f.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f.clone()
            }
        })
        .collect();
    format!("{}\n", quoted.join(","))
}

/// `6`, `3.33`: no trailing zeros.
fn number(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Gradescope's autograder `results.json` for one submission.
fn write_gradescope(out: &Path, result: &SubmissionResult) -> Result<()> {
    let dir = out.join("gradescope").join(&result.student);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating `{}`", dir.display()))?;
    let tests: Vec<serde_json::Value> = result
        .tests
        .iter()
        .map(|t| {
            serde_json::json!({
                "name": t.name,
                "score": t.points,
                "max_score": t.max_points,
                "status": if t.status == "pass" { "passed" } else { "failed" },
                "output": t.message,
                "visibility": if t.hidden { "after_published" } else { "visible" },
            })
        })
        .collect();
    let mut document = serde_json::json!({
        "score": result.score,
        "execution_time": result.tests.iter().map(|t| t.duration_ms).sum::<f64>() / 1000.0,
        "tests": tests,
    });
    if let Some(error) = &result.error {
        document["output"] =
            serde_json::Value::String(format!("Your submission could not be loaded: {error}"));
    }
    let path = dir.join("results.json");
    let json = serde_json::to_vec_pretty(&document)?;
    std::fs::write(&path, json).with_context(|| format!("writing `{}`", path.display()))
}

fn progress_bar(enabled: bool, total: usize) -> indicatif::ProgressBar {
    if !enabled || !std::io::stderr().is_terminal() || total == 0 {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(total as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "grading {bar:30} {pos}/{len} submissions, ETA {eta}",
    ) {
        bar.set_style(style);
    }
    bar
}

/// The table on stderr: one line per submission, then the totals.
fn print_summary(results: &[&SubmissionResult], graded: usize, skipped: usize) -> Result<()> {
    let mut err = std::io::stderr().lock();
    let width = results
        .iter()
        .map(|r| r.student.len())
        .max()
        .unwrap_or(7)
        .max(7);
    writeln!(
        err,
        "{:<width$}  {:>7} / {:<5}  status",
        "student", "score", "max"
    )?;
    for result in results {
        let detail = result
            .error
            .as_deref()
            .map(|e| format!("  {}", cap(e.lines().next().unwrap_or(""), 80)))
            .unwrap_or_default();
        writeln!(
            err,
            "{:<width$}  {:>7} / {:<5}  {}{detail}",
            result.student,
            number(result.score),
            number(result.max_score),
            result.status
        )?;
    }
    let full = results.iter().filter(|r| r.status == "pass").count();
    writeln!(
        err,
        "\n{} submissions: {full} full marks; {graded} graded now, {skipped} unchanged since the last run (--force regrades them).",
        results.len()
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traceback_lines_and_numbers() {
        assert_eq!(
            traceback_line("  File \"alice.py\", line 3, in <module>"),
            Some(3)
        );
        assert_eq!(traceback_line("  File \"alice.py\", line 12"), Some(12));
        assert_eq!(traceback_line("SyntaxError: invalid"), None);
        assert_eq!(number(6.0), "6");
        assert_eq!(number(3.333), "3.33");
        assert_eq!(csv_row(&["a,b".into(), "c".into()]), "\"a,b\",c\n");
    }
}
