//! Messages between `kata` and its zygote workers, as JSON Lines.
//!
//! `kata` writes [`SessionJob`]s to a zygote's stdin; the zygote answers on a
//! private descriptor (its original stdout, with fd 1 itself pointed at
//! /dev/null) with [`WorkerEvent`]s. No user code runs in the zygote, and the
//! forked children that run user code never hold this descriptor, so nothing a
//! block prints can reach this channel.

use serde::{Deserialize, Serialize};

/// One isolation unit: the blocks that share a namespace, run in one fresh child.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SessionJob {
    /// Chosen by `kata`; echoed in every event about this job.
    pub(crate) id: u64,
    /// Path shown in tracebacks (the Markdown file as the user named it).
    pub(crate) filename: String,
    /// The Markdown text, so tracebacks can show its lines.
    pub(crate) source: String,
    /// `main` (`__main__`'s namespace) or `sphinx` (no `__name__`).
    pub(crate) namespace: String,
    pub(crate) blocks: Vec<JobBlock>,
    pub(crate) limits: Limits,
    /// After this many timed-out blocks the rest are not run (0: never give
    /// up). A hanging submission then costs a few time limits, not one per test.
    #[serde(default)]
    pub(crate) give_up_after_timeouts: u32,
    /// Start the child in a PID namespace of its own (graded code that runs
    /// with the tests): it cannot signal kata, the zygotes or other
    /// sessions. Needs root; ignored without.
    #[serde(default)]
    pub(crate) own_pid_namespace: bool,
}

/// A block as the harness runs it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct JobBlock {
    /// Position in the session; results refer to it.
    pub(crate) index: usize,
    pub(crate) line: usize,
    pub(crate) code_line: usize,
    pub(crate) code: String,
    /// `exec`, `compile` or `doctest`.
    pub(crate) mode: String,
    pub(crate) doctest_flags: Vec<String>,
    pub(crate) requires: Option<JobRequires>,
    pub(crate) timeout_ms: u64,
    /// Set on a session's hidden setup block (the configuration's `setup`):
    /// the configuration file, as its tracebacks name it. If it does not
    /// finish cleanly, the session's other blocks are not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) setup_file: Option<String>,
    /// The file the block's code comes from when it is not the session's
    /// (a learner's file standing in for a guide's example): tracebacks
    /// name it, with the code's own lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) filename: Option<String>,
    /// Whether to run it again when the session resumes after a later
    /// block dies (setup must be replayed; a kata's other tests need not).
    #[serde(default = "replayed_by_default")]
    pub(crate) replay: bool,
}

fn replayed_by_default() -> bool {
    true
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct JobRequires {
    pub(crate) python: Option<[u32; 2]>,
    pub(crate) modules: Vec<String>,
    /// Skip conditions, each a parenthesised argument list
    /// `(condition, reason="...")` that the harness evaluates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) conditions: Vec<String>,
}

/// Limits applied to the child process, set by `kata`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Limits {
    /// Captured bytes kept per stream per block; the rest is counted and dropped.
    pub(crate) output_bytes: usize,
    /// `RLIMIT_AS` of the child, in bytes (`None`: not set, inherited).
    pub(crate) memory_bytes: Option<u64>,
    /// `RLIMIT_FSIZE` of the child, in bytes (`None`: not set, inherited).
    pub(crate) file_size_bytes: Option<u64>,
    /// `RLIMIT_NOFILE` of the child (`None`: not set, inherited).
    pub(crate) open_files: Option<u64>,
    /// Processes and threads the session may have at once: `pids.max` of
    /// its cgroup, or `RLIMIT_NPROC` (see `worker::processes`); `None`: no limit.
    pub(crate) processes: Option<u64>,
    /// Grace between SIGTERM and SIGKILL when a block overruns.
    pub(crate) kill_grace_ms: u64,
}

/// What a zygote tells `kata`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum WorkerEvent {
    /// The zygote is initialised and waiting for jobs.
    Ready { python_version: String },
    /// One block of a job finished, one way or another.
    Block {
        job: u64,
        index: usize,
        run: Box<BlockRun>,
    },
    /// Every block of the job has been reported and its children are gone.
    Done { job: u64 },
}

/// How one block's execution ended, as seen from outside the child.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct BlockRun {
    pub(crate) end: BlockEnd,
    pub(crate) stdout: Captured,
    pub(crate) stderr: Captured,
    pub(crate) duration_ms: f64,
}

/// Output of one stream, capped.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Captured {
    pub(crate) text: String,
    /// Bytes written beyond the cap (0 when nothing was dropped).
    pub(crate) dropped_bytes: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum BlockEnd {
    /// The harness reported the block; `record` is its `end` record.
    Finished { record: Box<HarnessRecord> },
    /// The block ran past its wall-clock limit and its process group was killed.
    Timeout { limit_ms: u64 },
    /// The child died while running the block.
    Crash { reason: String },
    /// An earlier block of the session could not be replayed after a crash or
    /// timeout, so this block never ran.
    NotRun { reason: String },
    /// `timeouts` earlier blocks of the session timed out, the most the job
    /// allows (`give_up_after_timeouts`), so this block never ran.
    GaveUp { timeouts: u32 },
}

/// The `end` record the Python harness writes for a block.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct HarnessRecord {
    /// `ok`, `exception`, `skip`, `doctest` or `internal_error`.
    pub(crate) status: String,
    #[serde(default)]
    pub(crate) exception: Option<HarnessException>,
    #[serde(default)]
    pub(crate) reason: Option<String>,
    #[serde(default)]
    pub(crate) doctest: Option<DoctestReport>,
    #[serde(default)]
    pub(crate) traceback: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct HarnessException {
    #[serde(rename = "type")]
    pub(crate) type_name: String,
    #[serde(default)]
    pub(crate) qualname: String,
    #[serde(default)]
    pub(crate) module: String,
    #[serde(default)]
    pub(crate) mro: Vec<String>,
    #[serde(default)]
    pub(crate) message: String,
    #[serde(default)]
    pub(crate) traceback: String,
    #[serde(default)]
    pub(crate) exit_code: Option<String>,
    /// A failed, rewritten `assert` in a kata test: both sides.
    #[serde(default)]
    pub(crate) assertion: Option<AssertionDetails>,
    /// The failing kata test's docstring.
    #[serde(default)]
    pub(crate) test_doc: Option<String>,
}

/// What a rewritten `assert` saw.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct AssertionDetails {
    /// The comparison operator (`==`, `in`...), absent for a plain `assert x`.
    #[serde(default)]
    pub(crate) op: Option<String>,
    #[serde(default)]
    pub(crate) left: Option<String>,
    #[serde(default)]
    pub(crate) right: Option<String>,
    #[serde(default)]
    pub(crate) left_pretty: Option<String>,
    #[serde(default)]
    pub(crate) right_pretty: Option<String>,
    /// The value of a plain `assert x`.
    #[serde(default)]
    pub(crate) value: Option<String>,
    #[serde(default)]
    pub(crate) message: Option<String>,
    /// Line of the `assert` in the test file.
    #[serde(default)]
    pub(crate) line: Option<usize>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct DoctestReport {
    pub(crate) examples: Vec<DoctestExample>,
    #[serde(default)]
    pub(crate) failed: usize,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct DoctestExample {
    pub(crate) line: usize,
    pub(crate) source: String,
    pub(crate) want: String,
    /// What the example printed; empty when it did not run (`skipped`).
    #[serde(default, deserialize_with = "null_as_empty")]
    pub(crate) got: String,
    pub(crate) ok: bool,
    #[serde(default)]
    pub(crate) exception: bool,
    /// Not run: `+SKIP`, or not reached after a failure with `FAIL_FAST`.
    #[serde(default)]
    pub(crate) skipped: bool,
}

/// The harness sends `"got": null` for examples that did not run.
fn null_as_empty<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skipped_doctest_examples_have_no_got() {
        let example: DoctestExample = serde_json::from_str(
            r#"{"line": 3, "source": ">>> 1\n", "want": "2\n", "got": null, "ok": true, "exception": false, "skipped": true}"#,
        )
        .unwrap();
        assert!(example.skipped && example.got.is_empty());
    }
}
