//! `kata verify`: read Markdown files, run their Python blocks in isolated
//! sessions on the worker pool, judge each block and report.

mod compare;
mod files;
mod sessions;
mod verdict;

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::config::{Exclude, Setup};
use crate::exit_code::ExitStatus;
use crate::extract::{self, Document};
use crate::report::{BlockResult, InputError, Reporter, Status, Summary};
use crate::runner::{PoolEvent, PoolOptions, run_pool};
use crate::worker::protocol::{Limits, SessionJob};

pub(crate) use files::MarkdownFile;

/// Everything `kata verify` needs, validated.
#[derive(Debug, Clone)]
pub(crate) struct VerifyConfig {
    pub(crate) paths: Vec<PathBuf>,
    pub(crate) jobs: usize,
    pub(crate) timeout: Duration,
    pub(crate) limits: Limits,
    /// Added to the workers' environment (the config's `env` and `pass_env`).
    pub(crate) worker_env: Vec<(String, OsString)>,
    /// Files and directories that directory walks leave out.
    pub(crate) exclude: Option<Exclude>,
    /// Doctest option flags for every doctest block.
    pub(crate) doctest_flags: Vec<String>,
    /// Code run at the start of every session.
    pub(crate) setup: Option<Setup>,
}

/// A document that was read, with its display name.
struct Loaded {
    display: String,
    document: Document,
}

/// Where each job's blocks come from.
struct JobOrigin {
    document: usize,
    /// Whether the job's first block is the configuration's `setup`.
    setup: bool,
    /// Set when the setup failed: every block of the job gets this error.
    setup_failure: Option<verdict::SetupFailure>,
    blocks: Vec<usize>,
}

pub(crate) fn run(
    config: &VerifyConfig,
    reporters: &mut [Box<dyn Reporter>],
) -> Result<ExitStatus> {
    let started = Instant::now();
    let (files, problems) = files::collect(&config.paths, config.exclude.as_ref());
    let mut input_errors: Vec<InputError> = problems
        .into_iter()
        .map(|p| InputError {
            file: p.display,
            line: p.line,
            message: p.message,
        })
        .collect();

    let read: Vec<Result<Loaded, InputError>> = files.par_iter().map(load).collect();
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
        env: config.worker_env.clone(),
    };
    crate::worker::sys::become_subreaper();
    run_pool(jobs, &options, |event| match event {
        PoolEvent::Block { job, index, run } => {
            let Some(origin) = origins.get_mut(&job) else {
                return;
            };
            let setup_file = config.setup.as_ref().map_or("", |s| s.filename.as_str());
            if origin.setup && index == 0 {
                origin.setup_failure = verdict::setup_failure(setup_file, &run);
                return;
            }
            let position = index - usize::from(origin.setup);
            let Some(&block_index) = origin.blocks.get(position) else {
                return;
            };
            let loaded = &documents[origin.document];
            let block = &loaded.document.blocks[block_index];
            let result = match &origin.setup_failure {
                Some(failure) => verdict::setup_failed(&loaded.display, block, failure),
                None => verdict::judge(&loaded.display, block, *run),
            };
            report(result, reporters);
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
            let setup = config
                .setup
                .as_ref()
                .map(|setup| sessions::setup_block(setup, config.timeout));
            let offset = usize::from(setup.is_some());
            let job_blocks = setup
                .into_iter()
                .chain(plan.blocks.iter().enumerate().map(|(position, &b)| {
                    sessions::job_block(
                        position + offset,
                        &blocks[b],
                        config.timeout,
                        &config.doctest_flags,
                    )
                }))
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
                    setup: offset == 1,
                    setup_failure: None,
                    blocks: plan.blocks,
                },
            );
        }
    }
    jobs.sort_by_key(|job| std::cmp::Reverse(job.blocks.len()));
    (jobs, origins)
}
