//! Turning block results into what people and machines read. Execution never
//! prints; everything a user sees goes through a [`Reporter`].

mod github;
mod human;
mod json;
mod junit;
pub(crate) mod merge;

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

pub(crate) use github::GithubReporter;
pub(crate) use human::{HumanOptions, HumanReporter};
pub(crate) use json::JsonReporter;
pub(crate) use junit::JunitReporter;

use crate::verify::Shard;

/// The verdict of one block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Status {
    Pass,
    Fail,
    Error,
    Timeout,
    Crash,
    Skip,
}

impl Status {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::Error => "ERROR",
            Status::Timeout => "TIMEOUT",
            Status::Crash => "CRASH",
            Status::Skip => "SKIP",
        }
    }

    pub(crate) fn is_failure(self) -> bool {
        !matches!(self, Status::Pass | Status::Skip)
    }
}

/// Everything known about one block's verdict.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct BlockResult {
    pub(crate) file: String,
    /// Line of the opening fence.
    pub(crate) line: usize,
    pub(crate) kind: &'static str,
    pub(crate) status: Status,
    pub(crate) message: String,
    pub(crate) expected: Option<String>,
    pub(crate) actual: Option<String>,
    /// Longer text for people: a traceback, a diff, captured stderr.
    #[serde(skip)]
    pub(crate) detail: Option<String>,
    /// The line inside the Markdown file where the failure is.
    #[serde(skip)]
    pub(crate) failing_line: Option<usize>,
    pub(crate) duration_ms: u64,
}

/// A file (or path) that could not be verified at all.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct InputError {
    pub(crate) file: String,
    pub(crate) line: Option<usize>,
    pub(crate) message: String,
}

/// Counts per status.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Summary {
    pub(crate) total: usize,
    pub(crate) pass: usize,
    pub(crate) fail: usize,
    pub(crate) error: usize,
    pub(crate) timeout: usize,
    pub(crate) crash: usize,
    pub(crate) skip: usize,
    pub(crate) duration_ms: u64,
    /// Blocks that were never run because `--fail-fast` stopped the run
    /// (in JSON only when there are some).
    #[serde(skip_serializing_if = "is_zero")]
    pub(crate) not_run: usize,
    /// The signal (`SIGINT`, `SIGTERM`) that stopped the run early, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) interrupted: Option<String>,
}

fn is_zero(count: &usize) -> bool {
    *count == 0
}

impl Summary {
    pub(crate) fn add(&mut self, status: Status) {
        self.total += 1;
        match status {
            Status::Pass => self.pass += 1,
            Status::Fail => self.fail += 1,
            Status::Error => self.error += 1,
            Status::Timeout => self.timeout += 1,
            Status::Crash => self.crash += 1,
            Status::Skip => self.skip += 1,
        }
    }

    pub(crate) fn failures(&self) -> usize {
        self.fail + self.error + self.timeout + self.crash
    }
}

/// Receives results as they happen and renders them.
pub(crate) trait Reporter {
    /// Called once, before the first result, with the number of blocks and files.
    fn start(&mut self, total_blocks: usize, files: usize);
    fn input_error(&mut self, error: &InputError);
    /// A warning about a file that still runs.
    fn warning(&mut self, file: &str, line: usize, message: &str);
    fn result(&mut self, result: &BlockResult);
    fn finish(&mut self, summary: &Summary, elapsed: Duration) -> std::io::Result<()>;
}

/// A report for machines, next to the human one on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MachineFormat {
    Json,
    Junit,
    Github,
}

/// The reporter that writes `format` to `out`; `shard` is recorded in JSON.
pub(crate) fn machine_reporter(
    format: MachineFormat,
    out: Box<dyn Write>,
    shard: Option<Shard>,
) -> Box<dyn Reporter> {
    match format {
        MachineFormat::Json => Box::new(JsonReporter::new(out, shard)),
        MachineFormat::Junit => Box::new(JunitReporter::new(out)),
        MachineFormat::Github => Box::new(GithubReporter::new(out)),
    }
}

/// Where a machine report goes: the file `--output` names (created now, so
/// a bad path fails before anything runs), else stdout.
pub(crate) fn open_output(path: Option<&Path>) -> Result<Box<dyn Write>> {
    Ok(match path {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("creating `{}`", path.display()))?;
            Box::new(std::io::BufWriter::new(file))
        }
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    })
}
