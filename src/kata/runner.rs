//! Runs a kata's tests against one file, in a forked worker child, and
//! turns the events into one result per test.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use anyhow::{Context, Result};
use serde::Serialize;

use super::catalog::{Kata, test_functions};
use crate::runner::{PoolEvent, PoolOptions, run_pool};
use crate::worker::protocol::{
    AssertionDetails, BlockEnd, BlockRun, Captured, JobBlock, Limits, SessionJob,
};

/// How long importing the code under test and the tests may take.
const LOAD_LIMIT: Duration = Duration::from_secs(10);

/// Which tests to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TestSet {
    /// What the learner sees.
    Public,
    /// Public and hidden tests (`kata check`, `kata grade`).
    All,
}

/// The verdict of one test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum TestStatus {
    Pass,
    Fail,
    Error,
    Timeout,
    Crash,
    /// Not run, because the code under test could not be loaded.
    Skip,
}

/// One test's result.
#[derive(Debug, Clone)]
pub(crate) struct TestResult {
    pub(crate) name: String,
    /// `test_public.py` or `test_hidden.py`, or the guide of an exercise.
    pub(crate) file: String,
    /// Line of the `def` in its file.
    pub(crate) line: usize,
    pub(crate) hidden: bool,
    pub(crate) status: TestStatus,
    /// One line: the exception, the timeout, the signal.
    pub(crate) message: String,
    pub(crate) assertion: Option<AssertionDetails>,
    pub(crate) traceback: Option<String>,
    pub(crate) doc: Option<String>,
    pub(crate) stdout: Captured,
    pub(crate) stderr: Captured,
    /// The test's own code when it is not a function of a test file (a
    /// guide exercise's checks), for reports.
    pub(crate) code: Option<String>,
    /// Wall-clock time of the test, as the zygote measured it.
    pub(crate) duration_ms: f64,
}

/// Everything a run produced.
#[derive(Debug, Clone)]
pub(crate) struct KataRun {
    /// Set when the code under test (or the tests) could not be imported.
    pub(crate) load_error: Option<TestResult>,
    pub(crate) tests: Vec<TestResult>,
}

impl KataRun {
    pub(crate) fn passed(&self) -> bool {
        self.load_error.is_none() && self.tests.iter().all(|t| t.status == TestStatus::Pass)
    }

    pub(crate) fn count(&self, status: TestStatus) -> usize {
        self.tests.iter().filter(|t| t.status == status).count()
    }
}

struct PlannedTest {
    name: String,
    file: &'static str,
    line: usize,
    hidden: bool,
}

/// Where the tests run relative to the code under test.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Isolation<'a> {
    /// One process for both (learners' runs, `kata check`'s usual runs);
    /// `unprivileged` for graded code: a PID namespace of its own
    /// ([`SessionJob::own_pid_namespace`]) and a user namespace of its own
    /// (`kata_sealed.drop_capabilities`).
    Shared { unprivileged: bool },
    /// The code under test in a process of its own, the tests and their
    /// verdicts in the session's child (python/kata_sealed.py). With
    /// `tests_dir`, the tests travel as paths to files there (written by
    /// the caller), so their text is never in the job, the zygote or the
    /// submission's process.
    Sealed { tests_dir: Option<&'a Path> },
}

/// One run prepared for the pool: the job and the tests it reports.
pub(crate) struct PlannedRun {
    job: SessionJob,
    tests: Vec<PlannedTest>,
    time_limit: Duration,
}

impl PlannedRun {
    /// Gives up on the run (the rest of its tests are `timeout`s, not run)
    /// after `timeouts` tests timed out; 0 never gives up.
    pub(crate) fn give_up_after_timeouts(&mut self, timeouts: u32) {
        self.job.give_up_after_timeouts = timeouts;
    }
}

/// Prepares a run of the tests of `kata` against the Python file
/// `code_path` (`display` is how tracebacks name it).
pub(crate) fn plan_run(
    kata: &Kata,
    code_path: &Path,
    display: &str,
    tests: TestSet,
    limits: &Limits,
    isolation: Isolation<'_>,
) -> Result<PlannedRun> {
    let code = std::fs::read_to_string(code_path)
        .with_context(|| format!("reading `{}`", code_path.display()))?;
    let mut sources = vec![("test_public.py", kata.test_public.as_str(), false)];
    if let (TestSet::All, Some(hidden)) = (tests, kata.test_hidden.as_deref()) {
        sources.push(("test_hidden.py", hidden, true));
    }
    let planned: Vec<PlannedTest> = sources
        .iter()
        .flat_map(|(file, source, hidden)| {
            test_functions(source)
                .into_iter()
                .map(move |(name, line)| PlannedTest {
                    name,
                    file,
                    line,
                    hidden: *hidden,
                })
        })
        .collect();
    let absolute = std::path::absolute(code_path).unwrap_or_else(|_| code_path.to_path_buf());
    let tests_dir = match isolation {
        Isolation::Sealed { tests_dir } => tests_dir,
        Isolation::Shared { .. } => None,
    };
    let test_specs: Vec<serde_json::Value> = sources
        .iter()
        .map(|(file, source, _)| match tests_dir {
            Some(dir) => serde_json::json!({"display": file, "path": dir.join(file)}),
            None => serde_json::json!({"display": file, "source": source}),
        })
        .collect();
    let load_spec = serde_json::json!({
        "module": "solution",
        "path": absolute,
        "display": display,
        "source": code,
        "tests": test_specs,
        "sealed": matches!(isolation, Isolation::Sealed { .. }),
        // Graded code runs in a user namespace of its own (no capabilities),
        // so it cannot reach the zygote's or kata's descriptors through /proc
        // nor read the tests' private directory.
        "unprivileged": matches!(
            isolation,
            Isolation::Sealed { .. } | Isolation::Shared { unprivileged: true }
        ),
    });
    let mut blocks = vec![JobBlock {
        index: 0,
        line: 1,
        code_line: 1,
        code: load_spec.to_string(),
        mode: "kata_load".to_owned(),
        doctest_flags: Vec::new(),
        requires: None,
        timeout_ms: LOAD_LIMIT.as_millis() as u64,
        replay: true,
        setup_file: None,
        filename: None,
    }];
    for (position, test) in planned.iter().enumerate() {
        blocks.push(JobBlock {
            index: position + 1,
            line: test.line,
            code_line: test.line,
            code: test.name.clone(),
            mode: "kata_test".to_owned(),
            doctest_flags: Vec::new(),
            requires: None,
            timeout_ms: kata.meta.time_limit.as_millis() as u64,
            replay: false,
            setup_file: None,
            filename: None,
        });
    }
    let job = SessionJob {
        id: 0,
        filename: display.to_owned(),
        source: code,
        namespace: "kata".to_owned(),
        blocks,
        // The kata's own `[limits]` are the most specific.
        limits: kata.meta.limits.overrides().applied_to(limits),
        give_up_after_timeouts: 0,
        // Graded code that runs with the tests gets a PID namespace of its
        // own (sealed grading gives one to the submission's process).
        own_pid_namespace: matches!(isolation, Isolation::Shared { unprivileged: true }),
    };
    Ok(PlannedRun {
        job,
        tests: planned,
        time_limit: kata.meta.time_limit,
    })
}

/// Runs the tests of `kata` against the Python file `code_path`. Setting
/// `cancel` (from another thread) kills the worker and ends the run early;
/// the result of a cancelled run means nothing and is for the caller to drop.
pub(crate) fn run_tests(
    kata: &Kata,
    code_path: &Path,
    display: &str,
    tests: TestSet,
    limits: &Limits,
    cancel: Option<Arc<AtomicBool>>,
) -> Result<KataRun> {
    let planned = plan_run(
        kata,
        code_path,
        display,
        tests,
        limits,
        Isolation::Shared {
            unprivileged: false,
        },
    )?;
    let mut result = None;
    run_pooled(vec![planned], 1, true, cancel, |_, run| result = Some(run))?;
    result.context("the run produced no result")
}

/// Runs `planned` on `workers` zygotes (each run in its own forked child)
/// and calls `on_done(position, run)` on this thread as each run finishes.
/// `lean` starts the zygotes without their warm-up (for one or two runs).
pub(crate) fn run_many(
    planned: Vec<PlannedRun>,
    workers: usize,
    lean: bool,
    on_done: impl FnMut(usize, KataRun),
) -> Result<()> {
    run_pooled(planned, workers, lean, None, on_done)
}

/// [`run_many`], stopped early when `cancel` is set.
fn run_pooled(
    planned: Vec<PlannedRun>,
    workers: usize,
    lean: bool,
    cancel: Option<Arc<AtomicBool>>,
    mut on_done: impl FnMut(usize, KataRun),
) -> Result<()> {
    let scratch = crate::scratch::create()?;
    let options = PoolOptions {
        workers,
        scratch_root: scratch.path().to_path_buf(),
        lean,
        env: Vec::new(),
        cancel,
    };
    let mut jobs = Vec::with_capacity(planned.len());
    let mut slots: Vec<(Vec<PlannedTest>, Duration, Vec<Option<BlockRun>>)> =
        Vec::with_capacity(planned.len());
    for (position, run) in planned.into_iter().enumerate() {
        let mut job = run.job;
        job.id = position as u64;
        slots.push((run.tests, run.time_limit, vec![None; job.blocks.len()]));
        jobs.push(job);
    }
    crate::worker::sys::become_subreaper();
    crate::signals::install();
    run_pool(jobs, &options, |event| {
        match event {
            PoolEvent::Block { job, index, run } => {
                if let Some(slot) = slots
                    .get_mut(job as usize)
                    .and_then(|(_, _, runs)| runs.get_mut(index))
                {
                    *slot = Some(*run);
                }
            }
            PoolEvent::JobDone { job } => {
                if let Some((tests, limit, runs)) = slots.get_mut(job as usize) {
                    let run = collect(tests, *limit, std::mem::take(runs));
                    on_done(job as usize, run);
                }
            }
        }
        std::ops::ControlFlow::Continue(())
    })?;
    crate::worker::sys::kill_stray_children();
    crate::worker::processes::remove_stale();
    drop(scratch);
    if let Some(signal) = crate::signals::received() {
        anyhow::bail!("interrupted by {}", crate::signals::name(signal));
    }
    Ok(())
}

/// One result per planned test from the blocks' runs (block 0 is the load).
fn collect(planned: &[PlannedTest], limit: Duration, runs: Vec<Option<BlockRun>>) -> KataRun {
    let mut results = runs.into_iter();
    let load = results.next().flatten();
    let load_error = load.and_then(|run| {
        let result = to_result("import", "solution", 0, false, run, limit);
        (result.status != TestStatus::Pass).then_some(result)
    });
    let tests = planned
        .iter()
        .zip(results.chain(std::iter::repeat(None)))
        .map(|(test, run)| match run {
            Some(run) => to_result(&test.name, test.file, test.line, test.hidden, run, limit),
            None => TestResult {
                name: test.name.clone(),
                file: test.file.to_owned(),
                line: test.line,
                hidden: test.hidden,
                status: TestStatus::Crash,
                message: "no result came back for this test".to_owned(),
                assertion: None,
                traceback: None,
                doc: None,
                stdout: Captured::default(),
                stderr: Captured::default(),
                code: None,
                duration_ms: 0.0,
            },
        })
        .collect();
    KataRun { load_error, tests }
}

pub(crate) fn to_result(
    name: &str,
    file: &str,
    line: usize,
    hidden: bool,
    run: BlockRun,
    limit: Duration,
) -> TestResult {
    let mut stderr = run.stderr;
    stderr.text = crate::verify::verdict::without_harness_frames(&stderr.text);
    let mut result = TestResult {
        name: name.to_owned(),
        file: file.to_owned(),
        line,
        hidden,
        status: TestStatus::Pass,
        message: String::new(),
        assertion: None,
        traceback: None,
        doc: None,
        stdout: run.stdout,
        stderr,
        code: None,
        duration_ms: run.duration_ms,
    };
    match run.end {
        BlockEnd::Timeout { limit_ms } => {
            result.status = TestStatus::Timeout;
            result.message = format!(
                "did not finish within {} (the time limit)",
                humantime::format_duration(Duration::from_millis(
                    limit_ms.max(limit.as_millis() as u64)
                ))
            );
        }
        BlockEnd::Crash { reason } | BlockEnd::NotRun { reason } => {
            result.status = TestStatus::Crash;
            result.message = reason;
        }
        BlockEnd::GaveUp { timeouts } => {
            result.status = TestStatus::Timeout;
            result.message = format!(
                "not run: {timeouts} earlier tests timed out, so the submission was given up on"
            );
        }
        BlockEnd::Finished { record } => match record.status.as_str() {
            "ok" => {}
            "skip" => {
                result.status = TestStatus::Skip;
                result.message = record.reason.unwrap_or_default();
            }
            "exception" => {
                let exception = record.exception.unwrap_or_default();
                let is_assert = exception.mro.iter().any(|c| c == "AssertionError");
                result.status = if is_assert {
                    TestStatus::Fail
                } else {
                    TestStatus::Error
                };
                let first = exception.message.lines().next().unwrap_or("").to_owned();
                result.message = if let Some(helper) = exception
                    .assertion
                    .as_ref()
                    .filter(|a| a.op.is_none() && a.value.is_none())
                    .and_then(|a| a.message.clone())
                {
                    // A `kata` helper's check (kata.raises): its message says it all.
                    helper
                } else if exception.assertion.is_some() {
                    "the assert failed".to_owned()
                } else if exception.type_name == "SystemExit" {
                    format!(
                        "SystemExit({}) : the code called sys.exit(), which ends a program, not a function",
                        exception.exit_code.as_deref().unwrap_or("")
                    )
                } else if first.is_empty() {
                    exception.type_name.clone()
                } else {
                    format!("{}: {first}", exception.type_name)
                };
                result.assertion = exception.assertion;
                result.doc = exception.test_doc;
                result.traceback = Some(exception.traceback);
            }
            _ => {
                result.status = TestStatus::Crash;
                result.message = "the kata harness failed".to_owned();
                result.traceback = record.traceback;
            }
        },
    }
    result
}
