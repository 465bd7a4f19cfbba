//! `kata check [PATH...]`: lints katas the way a track's CI should. Static
//! checks (files, `kata.toml`, hints, tests found) run in parallel with
//! rayon; every kata's runs (its solution three times against public and
//! hidden tests, its starter once against the public ones) go through one
//! worker pool, and every README through one `kata verify` run. Each
//! problem is reported as `file:line: message`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anstyle::{AnsiColor, Style};
use anyhow::{Result, bail};
use rayon::prelude::*;

use super::catalog::{self, Kata, test_functions};
use super::meta::Grading;
use super::runner::{self, KataRun, TestResult, TestSet, TestStatus};
use crate::exit_code::ExitStatus;
use crate::report::{BlockResult, InputError, Reporter, Summary};
use crate::verify::VerifyConfig;
use crate::worker::protocol::Limits;

const RED: Style = AnsiColor::Red.on_default().bold();
const GREEN: Style = AnsiColor::Green.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const DIM: Style = Style::new().dimmed();

/// The files a kata directory may hold (plus `__pycache__/`).
const KNOWN_FILES: &[&str] = &[
    "kata.toml",
    "README.md",
    "starter.py",
    "solution.py",
    "test_public.py",
    "test_hidden.py",
];
const REQUIRED_FILES: &[&str] = &[
    "kata.toml",
    "README.md",
    "starter.py",
    "solution.py",
    "test_public.py",
];
/// How many times the solution's tests run to call them deterministic.
const DETERMINISM_RUNS: usize = 3;

/// What `kata check` was asked for.
#[derive(Debug, Clone)]
pub(crate) struct CheckConfig {
    /// Katas roots, topic directories or kata directories.
    pub(crate) paths: Vec<PathBuf>,
    pub(crate) jobs: usize,
    pub(crate) color: anstream::ColorChoice,
    pub(crate) limits: Limits,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Severity {
    Error,
    Warning,
}

/// One thing wrong with a kata.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Problem {
    /// File name inside the kata directory.
    file: String,
    line: Option<usize>,
    severity: Severity,
    message: String,
}

impl Problem {
    fn error(file: &str, line: Option<usize>, message: impl Into<String>) -> Problem {
        Problem {
            file: file.to_owned(),
            line,
            severity: Severity::Error,
            message: message.into(),
        }
    }

    fn warning(file: &str, line: Option<usize>, message: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(file, line, message)
        }
    }
}

/// One kata's lint state.
struct Checked {
    dir: PathBuf,
    problems: Vec<Problem>,
    /// Set when the kata loaded well enough to run.
    kata: Option<Kata>,
    /// What its runs showed, for the `ok` line.
    summary: Option<String>,
}

/// `kata check`.
pub(crate) fn run(config: &CheckConfig) -> Result<ExitStatus> {
    let (guides, kata_paths): (Vec<PathBuf>, Vec<PathBuf>) = config
        .paths
        .iter()
        .cloned()
        .partition(|path| super::guide::is_guide_path(path));
    let mut guides_broken = 0;
    if !guides.is_empty() {
        let mut out = anstream::AutoStream::new(std::io::stdout(), config.color);
        let (ok, broken) = super::guide::check(&guides, &config.limits, &mut out)?;
        writeln!(
            out,
            "\n{} guide exercises checked: {ok} ok, {broken} broken.",
            ok + broken
        )?;
        guides_broken = broken;
        if kata_paths.is_empty() {
            return Ok(if broken == 0 {
                ExitStatus::Success
            } else {
                ExitStatus::Failure
            });
        }
    }
    let dirs = find_katas(&kata_paths)?;
    let mut checked: Vec<Checked> = dirs.par_iter().map(|dir| static_checks(dir)).collect();
    run_katas(&mut checked, config)?;
    check_readmes(&mut checked, config)?;

    let mut out = anstream::AutoStream::new(std::io::stdout(), config.color);
    let mut broken = 0;
    for kata in &mut checked {
        kata.problems.sort();
        kata.problems.dedup();
        let dir = kata.dir.display().to_string();
        let dir = dir.trim_end_matches('/');
        for problem in &kata.problems {
            let location = match problem.line {
                Some(line) => format!("{dir}/{}:{line}", problem.file),
                None => format!("{dir}/{}", problem.file),
            };
            match problem.severity {
                Severity::Error => {
                    writeln!(out, "{location}: {RED}error{RED:#}: {}", problem.message)?
                }
                Severity::Warning => writeln!(
                    out,
                    "{location}: {YELLOW}warning{YELLOW:#}: {}",
                    problem.message
                )?,
            }
        }
        let errors = kata
            .problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count();
        if errors == 0 {
            let detail = kata.summary.as_deref().unwrap_or("");
            writeln!(out, "{GREEN}ok{GREEN:#}     {dir} {DIM}{detail}{DIM:#}")?;
        } else {
            broken += 1;
            let plural = if errors == 1 { "" } else { "s" };
            writeln!(out, "{RED}BROKEN{RED:#} {dir} ({errors} problem{plural})")?;
        }
    }
    let total = checked.len();
    let noun = if total == 1 { "kata" } else { "katas" };
    writeln!(
        out,
        "\n{total} {noun} checked: {} ok, {broken} broken.",
        total - broken
    )?;
    Ok(if broken + guides_broken == 0 {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

/// Kata directories under each path: a kata directory itself, a topic
/// directory, or a katas root.
fn find_katas(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut dirs = Vec::new();
    for path in paths {
        if !path.is_dir() {
            bail!("`{}` is not a directory", path.display());
        }
        if path.join("kata.toml").is_file() {
            dirs.push(path.clone());
            continue;
        }
        let mut found: Vec<PathBuf> = std::fs::read_dir(path)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.join("kata.toml").is_file())
                    .collect()
            })
            .unwrap_or_default();
        if found.is_empty() {
            found = catalog::kata_dirs_under(path);
        }
        found.sort();
        if found.is_empty() {
            bail!(
                "no katas under `{}`\n\nhint: a kata is a directory with a `kata.toml` (`kata new TOPIC/SLUG` makes one)",
                path.display()
            );
        }
        dirs.extend(found);
    }
    dirs.dedup();
    Ok(dirs)
}

/// Files, `kata.toml`, hints and test discovery: everything that needs no Python.
fn static_checks(dir: &Path) -> Checked {
    let mut problems = Vec::new();
    let mut present = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name == "__pycache__" {
                continue;
            }
            if KNOWN_FILES.contains(&name.as_str()) && entry.path().is_file() {
                present.push(name);
            } else {
                problems.push(Problem::error(
                    &name,
                    None,
                    "stray file: a kata holds only kata.toml, README.md, starter.py, solution.py, test_public.py and test_hidden.py",
                ));
            }
        }
    }
    for required in REQUIRED_FILES {
        if !present.iter().any(|p| p == required) {
            problems.push(Problem::error(
                required,
                None,
                "missing (every kata needs it)",
            ));
        }
    }
    let toml_text = std::fs::read_to_string(dir.join("kata.toml")).ok();
    let meta = toml_text
        .as_deref()
        .map(|text| (text, super::meta::parse(text)));
    if let Some((text, meta)) = &meta {
        match meta {
            Err(message) => {
                let (line, message) = match message.strip_prefix("line ") {
                    Some(rest) => {
                        let (line, message) = rest.split_once(": ").unwrap_or((rest, ""));
                        (line.parse().ok(), message.to_owned())
                    }
                    None => (None, message.clone()),
                };
                problems.push(Problem::error("kata.toml", line, message));
            }
            Ok(meta) => {
                let hints_line = key_line(text, "hints");
                match meta.hints.len() {
                    0 => problems.push(Problem::error(
                        "kata.toml",
                        hints_line,
                        "no hints: add at least one (two or more help a learner step by step) to `hints`",
                    )),
                    1 => problems.push(Problem::warning(
                        "kata.toml",
                        hints_line,
                        "only one hint: two or more let a learner ask for help step by step",
                    )),
                    _ => {}
                }
                if let Some(parent) = dir.parent().and_then(Path::file_name)
                    && parent.to_string_lossy() != meta.topic
                {
                    problems.push(Problem::error(
                        "kata.toml",
                        key_line(text, "topic"),
                        format!(
                            "topic is `{}` but the kata is in the topic directory `{}`",
                            meta.topic,
                            parent.to_string_lossy()
                        ),
                    ));
                }
            }
        }
    }
    for (file, required) in [("test_public.py", true), ("test_hidden.py", false)] {
        if let Ok(source) = std::fs::read_to_string(dir.join(file))
            && test_functions(&source).is_empty()
            && required
        {
            problems.push(Problem::error(
                file,
                None,
                "no tests: write top-level `def test_...():` functions",
            ));
        }
    }
    let loadable = problems.iter().all(|p| {
        p.severity == Severity::Warning
            || !(p.file == "kata.toml" || p.message.starts_with("missing"))
    });
    let kata = if loadable {
        match catalog::load_dir(dir) {
            Ok(kata) => Some(kata),
            Err(problem) => {
                problems.push(Problem::error("kata.toml", None, problem.message));
                None
            }
        }
    } else {
        None
    };
    Checked {
        dir: dir.to_path_buf(),
        problems,
        kata,
        summary: None,
    }
}

/// The 1-based line where `key = ` starts in a TOML text.
fn key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            line.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|index| index + 1)
}

/// Runs every loadable kata's solution (three times, all tests) and starter
/// (once, public tests) on one pool, and records what went wrong.
fn run_katas(checked: &mut [Checked], config: &CheckConfig) -> Result<()> {
    // (kata position, what the run is) per planned run.
    let mut owners = Vec::new();
    let mut planned = Vec::new();
    let shared = runner::Isolation::Shared {
        unprivileged: false,
    };
    for (position, entry) in checked.iter_mut().enumerate() {
        let Some(kata) = &entry.kata else { continue };
        let mut runs = vec![
            (Role::Solution, TestSet::All, DETERMINISM_RUNS, shared),
            (Role::Starter, TestSet::Public, 1, shared),
        ];
        if kata.meta.grading == Grading::Sealed {
            let sealed = runner::Isolation::Sealed { tests_dir: None };
            runs.push((Role::SealedSolution, TestSet::All, 1, sealed));
        }
        for (role, tests, times, isolation) in runs {
            let file = role.file();
            for _ in 0..times {
                let path = entry.dir.join(file);
                match runner::plan_run(kata, &path, file, tests, &config.limits, isolation) {
                    Ok(run) => {
                        owners.push((position, role));
                        planned.push(run);
                    }
                    Err(err) => entry
                        .problems
                        .push(Problem::error(file, None, format!("{err:#}"))),
                }
            }
        }
    }
    let lean = planned.len() <= 4;
    let mut solution_runs: BTreeMap<usize, Vec<KataRun>> = BTreeMap::new();
    let mut starter_runs: BTreeMap<usize, KataRun> = BTreeMap::new();
    let mut sealed_runs: BTreeMap<usize, KataRun> = BTreeMap::new();
    runner::run_many(planned, config.jobs, lean, |index, run| {
        let (position, role) = owners[index];
        match role {
            Role::Starter => {
                starter_runs.insert(position, run);
            }
            Role::SealedSolution => {
                sealed_runs.insert(position, run);
            }
            Role::Solution => solution_runs.entry(position).or_default().push(run),
        }
    })?;
    for (position, run) in sealed_runs {
        let entry = &mut checked[position];
        let toml_text = std::fs::read_to_string(entry.dir.join("kata.toml")).unwrap_or_default();
        if let Some(problem) = judge_sealed(&run, &toml_text) {
            entry.problems.push(problem);
        }
    }
    for (position, runs) in solution_runs {
        let entry = &mut checked[position];
        let Some(kata) = &entry.kata else { continue };
        let limit = kata.meta.time_limit;
        let starter = starter_runs.remove(&position);
        let (problems, summary) = judge_runs(&runs, starter.as_ref(), limit);
        entry.problems.extend(problems);
        entry.summary = Some(summary);
    }
    Ok(())
}

/// What a planned run of `kata check` is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Solution,
    Starter,
    /// The solution graded as `kata grade` does, sealed.
    SealedSolution,
}

impl Role {
    fn file(self) -> &'static str {
        match self {
            Role::Starter => "starter.py",
            Role::Solution | Role::SealedSolution => "solution.py",
        }
    }
}

/// A kata graded sealed must pass its own solution that way too: tests that
/// need one shared process (racing threads, weak references, identity) say
/// so with `grading = "in-process"`.
fn judge_sealed(run: &KataRun, toml_text: &str) -> Option<Problem> {
    if run.passed() {
        return None;
    }
    let why = match &run.load_error {
        Some(load) => format!("it does not load: {}", load.message),
        None => run
            .tests
            .iter()
            .filter(|t| t.status != TestStatus::Pass)
            .map(|t| format!("{} ({}: {})", t.name, status_name(t.status), t.message))
            .collect::<Vec<_>>()
            .join("; "),
    };
    Some(Problem::error(
        "kata.toml",
        key_line(toml_text, "grading"),
        format!(
            "the solution fails when graded sealed (the default; tests in their own process): \
             {why}; if the tests need one shared process, set `grading = \"in-process\"`"
        ),
    ))
}

/// The problems shown by the solution's runs and the starter's run, and a
/// one-line summary for a kata that is fine.
fn judge_runs(
    solution: &[KataRun],
    starter: Option<&KataRun>,
    limit: Duration,
) -> (Vec<Problem>, String) {
    let mut problems = Vec::new();
    let Some(first) = solution.first() else {
        return (problems, String::new());
    };
    if let Some(load) = &first.load_error {
        problems.push(Problem::error(
            "solution.py",
            None,
            format!("the solution does not load: {}", load.message),
        ));
    }
    // A test whose status differs between runs is flaky; else it must pass.
    let mut slowest_overall: f64 = 0.0;
    for (position, test) in first.tests.iter().enumerate() {
        let statuses: Vec<TestStatus> = solution
            .iter()
            .filter_map(|run| run.tests.get(position).map(|t| t.status))
            .collect();
        if statuses.iter().any(|s| *s != statuses[0]) {
            let seen: Vec<String> = statuses.iter().map(|s| status_name(*s)).collect();
            problems.push(Problem::error(
                &test.file,
                Some(test.line),
                format!(
                    "{} is flaky: the solution's {DETERMINISM_RUNS} runs gave {} (a test must give the same result every time: seed random, do not depend on id(), time or ordering of sets)",
                    test.name,
                    seen.join(", ")
                ),
            ));
            continue;
        }
        if let Some(failed) = solution
            .iter()
            .filter_map(|run| run.tests.get(position))
            .find(|t| t.status != TestStatus::Pass)
        {
            problems.push(Problem::error(
                &test.file,
                Some(test.line),
                format!(
                    "the solution fails {}: {}",
                    test.name,
                    describe_failure(failed)
                ),
            ));
            continue;
        }
        // The best of the runs: a test slow in every run is slow; one slowed
        // down once by a busy machine is not, and CI must not flake on it.
        let slowest = solution
            .iter()
            .filter_map(|run| run.tests.get(position))
            .map(|t| t.duration_ms)
            .fold(f64::INFINITY, f64::min);
        slowest_overall = slowest_overall.max(slowest);
        let half = limit.as_secs_f64() * 1000.0 / 2.0;
        if slowest > half {
            problems.push(Problem::error(
                &test.file,
                Some(test.line),
                format!(
                    "the solution takes {slowest:.0} ms on {}, more than half the time limit ({}): raise `time_limit` or make the test lighter",
                    test.name,
                    humantime::format_duration(limit)
                ),
            ));
        }
    }
    let total = first.tests.len();
    let mut summary = format!(
        "solution passes {total} tests x{DETERMINISM_RUNS} (slowest {slowest_overall:.0} ms of {})",
        humantime::format_duration(limit)
    );
    if let Some(starter) = starter {
        let public = starter.tests.len();
        let failing = starter
            .tests
            .iter()
            .filter(|t| t.status != TestStatus::Pass)
            .count();
        if starter.load_error.is_none() && failing == 0 {
            problems.push(Problem::error(
                "starter.py",
                None,
                format!(
                    "the starter passes every public test ({public}): it must fail at least one, or the learner has nothing to do"
                ),
            ));
        } else if starter.load_error.is_some() {
            summary.push_str(", starter does not load (as it may)");
        } else {
            summary.push_str(&format!(
                ", starter fails {failing} of {public} public tests (as it should)"
            ));
        }
    }
    (problems, summary)
}

fn status_name(status: TestStatus) -> String {
    serde_json::to_value(status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn describe_failure(test: &TestResult) -> String {
    let mut text = format!("{} ({})", status_name(test.status), test.message);
    if let Some(assertion) = &test.assertion {
        match (&assertion.left, &assertion.op, &assertion.right) {
            (Some(left), Some(op), Some(right)) => {
                text.push_str(&format!(": assert {left} {op} {right}"))
            }
            _ => {
                if let Some(value) = &assertion.value {
                    text.push_str(&format!(": assert {value}"));
                }
            }
        }
    }
    text
}

/// Runs `kata verify` over every README and records failing examples.
fn check_readmes(checked: &mut [Checked], config: &CheckConfig) -> Result<()> {
    let readmes: Vec<PathBuf> = checked
        .iter()
        .map(|c| c.dir.join("README.md"))
        .filter(|p| p.is_file())
        .collect();
    if readmes.is_empty() {
        return Ok(());
    }
    let verify = VerifyConfig {
        paths: readmes,
        jobs: config.jobs,
        timeout: Duration::from_secs(10),
        limits: config.limits.clone(),
        update: false,
        filters: Vec::new(),
        fail_fast: false,
        shard: None,
        worker_env: Vec::new(),
        exclude: None,
        doctest_flags: Vec::new(),
        setup: None,
    };
    let collector = ReadmeCollector::default();
    let found = std::rc::Rc::clone(&collector.problems);
    let mut reporters: [Box<dyn Reporter>; 1] = [Box::new(collector)];
    crate::verify::run(&verify, &mut reporters)?;
    for (file, line, message) in found.take() {
        let path = PathBuf::from(&file);
        if let Some(entry) = checked
            .iter_mut()
            .find(|c| path.parent() == Some(c.dir.as_path()) || path == c.dir.join("README.md"))
        {
            entry
                .problems
                .push(Problem::error("README.md", line, message));
        }
    }
    Ok(())
}

/// A README failure: file, line, message.
type ReadmeProblem = (String, Option<usize>, String);

/// Keeps the failures of a `kata verify` run over READMEs.
#[derive(Default)]
struct ReadmeCollector {
    problems: std::rc::Rc<std::cell::RefCell<Vec<ReadmeProblem>>>,
}

impl Reporter for ReadmeCollector {
    fn start(&mut self, _total_blocks: usize, _files: usize) {}

    fn input_error(&mut self, error: &InputError) {
        self.problems
            .borrow_mut()
            .push((error.file.clone(), error.line, error.message.clone()));
    }

    fn warning(&mut self, _file: &str, _line: usize, _message: &str) {}

    fn result(&mut self, result: &BlockResult) {
        if result.status.is_failure() {
            let line = result.failing_line.unwrap_or(result.line);
            self.problems.borrow_mut().push((
                result.file.clone(),
                Some(line),
                format!(
                    "the example at line {} does not verify ({}): {}",
                    result.line,
                    result.status.label().to_lowercase(),
                    result.message
                ),
            ));
        }
    }

    fn finish(&mut self, _summary: &Summary, _elapsed: Duration) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_key_lines() {
        let text = "format_version = 1\n\nhints = [\n  \"a\",\n]\nhints_extra = 1\n";
        assert_eq!(key_line(text, "hints"), Some(3));
        assert_eq!(key_line(text, "tags"), None);
    }
}
