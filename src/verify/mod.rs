//! `kata verify`: read Markdown files, run their Python blocks in isolated
//! sessions on the worker pool, judge each block and report.

mod compare;
mod files;
mod sessions;
mod shard;
mod verdict;

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::exit_code::ExitStatus;
use crate::extract::{self, Document};
use crate::report::{BlockResult, InputError, Reporter, Status, Summary};
use crate::runner::{PoolEvent, PoolOptions, run_pool};
use crate::worker::protocol::{Limits, SessionJob};

pub(crate) use files::MarkdownFile;
pub(crate) use shard::Shard;

/// Everything `kata verify` needs, validated.
#[derive(Debug, Clone)]
pub(crate) struct VerifyConfig {
    pub(crate) paths: Vec<PathBuf>,
    pub(crate) jobs: usize,
    pub(crate) timeout: Duration,
    pub(crate) limits: Limits,
    /// Verify only this slice of the files (`--shard K/N`).
    pub(crate) shard: Option<Shard>,
}

/// A document that was read, with its display name.
struct Loaded {
    display: String,
    document: Document,
}

/// Where each job's blocks come from.
struct JobOrigin {
    document: usize,
    blocks: Vec<usize>,
}

pub(crate) fn run(
    config: &VerifyConfig,
    reporters: &mut [Box<dyn Reporter>],
) -> Result<ExitStatus> {
    let started = Instant::now();
    let (files, problems) = files::collect(&config.paths);
    let mut input_errors: Vec<InputError> = problems
        .into_iter()
        .map(|p| InputError {
            file: p.display,
            line: p.line,
            message: p.message,
        })
        .collect();

    let mut read: Vec<Result<Loaded, InputError>> = files.par_iter().map(load).collect();
    if let Some(shard) = config.shard {
        read = shard::select(read, shard, |item| match item {
            Ok(loaded) => (loaded.display.as_str(), loaded.document.blocks.len()),
            Err(error) => (error.file.as_str(), 0),
        });
    }
    let mut documents = Vec::new();
    for item in read {
        match item {
            Ok(loaded) => documents.push(loaded),
            Err(error) => input_errors.push(error),
        }
    }

    let total_blocks: usize = documents.iter().map(|d| d.document.blocks.len()).sum();
    for reporter in reporters.iter_mut() {
        reporter.start(total_blocks, documents.len());
        for error in &input_errors {
            reporter.input_error(error);
        }
        for loaded in &documents {
            for warning in &loaded.document.warnings {
                reporter.warning(&loaded.display, warning.line, &warning.message);
            }
        }
    }

    let mut summary = Summary::default();
    let mut report = |result: BlockResult, reporters: &mut [Box<dyn Reporter>]| {
        summary.add(result.status);
        for reporter in reporters.iter_mut() {
            reporter.result(&result);
        }
    };

    let (jobs, mut origins) = plan_jobs(&documents, config);
    for loaded in &documents {
        for block in loaded.document.blocks.iter() {
            if let Some(reason) = &block.directives.skip {
                report(skipped(&loaded.display, block, reason), reporters);
            }
        }
    }

    let scratch = tempfile::Builder::new()
        .prefix("kata-run-")
        .tempdir()
        .context("creating the run's scratch directory")?;
    let options = PoolOptions {
        workers: config.jobs,
        scratch_root: scratch.path().to_path_buf(),
    };
    crate::worker::sys::become_subreaper();
    run_pool(jobs, &options, |event| match event {
        PoolEvent::Block { job, index, run } => {
            let Some(origin) = origins.get(&job) else {
                return;
            };
            let Some(&block_index) = origin.blocks.get(index) else {
                return;
            };
            let loaded = &documents[origin.document];
            let block = &loaded.document.blocks[block_index];
            report(verdict::judge(&loaded.display, block, *run), reporters);
        }
        PoolEvent::JobDone { job } => {
            origins.remove(&job);
        }
    })?;
    // Workers are gone; whatever they left (re-parented here) goes too.
    crate::worker::sys::kill_stray_children();
    drop(scratch);

    summary.duration_ms = started.elapsed().as_millis() as u64;
    for reporter in reporters.iter_mut() {
        reporter
            .finish(&summary, started.elapsed())
            .context("writing the report")?;
    }
    Ok(if !input_errors.is_empty() {
        ExitStatus::InputError
    } else if summary.failures() > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

fn load(file: &MarkdownFile) -> Result<Loaded, InputError> {
    let error = |message: String, line: Option<usize>| InputError {
        file: file.display.clone(),
        line,
        message,
    };
    let bytes =
        std::fs::read(&file.path).map_err(|err| error(format!("cannot read it: {err}"), None))?;
    match extract::extract_document(&bytes) {
        Ok(document) => Ok(Loaded {
            display: file.display.clone(),
            document,
        }),
        Err(err @ extract::ExtractError::NotUtf8 { line }) => {
            Err(error(err.to_string(), Some(line)))
        }
    }
}

fn skipped(file: &str, block: &extract::Block, reason: &str) -> BlockResult {
    BlockResult {
        file: file.to_owned(),
        line: block.fence_line,
        kind: block.expectation.kind(),
        status: Status::Skip,
        message: reason.to_owned(),
        expected: None,
        actual: None,
        detail: None,
        failing_line: None,
        duration_ms: 0,
    }
}

/// One job per session, largest first so the pool's tail stays short.
fn plan_jobs(
    documents: &[Loaded],
    config: &VerifyConfig,
) -> (Vec<SessionJob>, HashMap<u64, JobOrigin>) {
    let mut jobs = Vec::new();
    let mut origins = HashMap::new();
    for (document_index, loaded) in documents.iter().enumerate() {
        let blocks = &loaded.document.blocks;
        for plan in sessions::plan(blocks) {
            let id = jobs.len() as u64;
            let job_blocks = plan
                .blocks
                .iter()
                .enumerate()
                .map(|(position, &b)| sessions::job_block(position, &blocks[b], config.timeout))
                .collect();
            jobs.push(SessionJob {
                id,
                filename: loaded.display.clone(),
                source: loaded.document.source.clone(),
                namespace: plan.namespace.to_owned(),
                blocks: job_blocks,
                limits: config.limits.clone(),
            });
            origins.insert(
                id,
                JobOrigin {
                    document: document_index,
                    blocks: plan.blocks,
                },
            );
        }
    }
    jobs.sort_by_key(|job| std::cmp::Reverse(job.blocks.len()));
    (jobs, origins)
}
