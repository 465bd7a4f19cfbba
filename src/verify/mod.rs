//! `kata verify`: read Markdown files, run their Python blocks in isolated
//! sessions on the worker pool, judge each block and report.

mod compare;
mod files;
mod filter;
pub(crate) mod list;
pub(crate) mod sessions;
mod shard;
pub(crate) mod verdict;
pub(crate) mod watch;

use std::collections::HashMap;
use std::ffi::OsString;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::config::{Exclude, Setup};
use crate::exit_code::ExitStatus;
use crate::extract::{self, Document};
use crate::report::{BlockResult, InputError, Reporter, Status, Summary};
use crate::runner::{PoolEvent, PoolOptions, run_pool};
use crate::update::{self, UpdateSummary, Updater};
use crate::worker::protocol::{Limits, SessionJob};

pub(crate) use files::MarkdownFile;
pub(crate) use filter::Filter;
pub(crate) use shard::Shard;

/// Everything `kata verify` needs, validated.
#[derive(Debug, Clone)]
pub(crate) struct VerifyConfig {
    pub(crate) paths: Vec<PathBuf>,
    pub(crate) jobs: usize,
    pub(crate) timeout: Duration,
    pub(crate) limits: Limits,
    /// `--update`: rewrite the expected outputs of failed blocks in place.
    pub(crate) update: bool,
    /// `--filter`: only these files and blocks are reported (all when empty).
    pub(crate) filters: Vec<Filter>,
    /// `--fail-fast`: start no new session after the first failing block.
    pub(crate) fail_fast: bool,
    /// Verify only this slice of the files (`--shard K/N`).
    pub(crate) shard: Option<Shard>,
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
    path: PathBuf,
    display: String,
    document: Document,
    /// Per block: whether `--filter` selected it for the report.
    selected: Vec<bool>,
}

/// The documents a run covers, read and filtered, and the inputs it could not use.
struct Prepared {
    documents: Vec<Loaded>,
    input_errors: Vec<InputError>,
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

/// Verifies the files under `config.paths`.
pub(crate) fn run(
    config: &VerifyConfig,
    reporters: &mut [Box<dyn Reporter>],
) -> Result<ExitStatus> {
    let (files, problems) = files::collect(&config.paths, config.exclude.as_ref());
    run_files(config, files, problems, reporters)
}

/// Verifies `files` (already collected); `problems` are reported as input errors.
fn run_files(
    config: &VerifyConfig,
    files: Vec<MarkdownFile>,
    problems: Vec<files::FileProblem>,
    reporters: &mut [Box<dyn Reporter>],
) -> Result<ExitStatus> {
    let started = Instant::now();
    let Prepared {
        documents,
        input_errors,
    } = prepare(config, files, problems);

    let total_blocks: usize = documents
        .iter()
        .map(|d| d.selected.iter().filter(|s| **s).count())
        .sum();
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
        for (block, selected) in loaded.document.blocks.iter().zip(&loaded.selected) {
            if let (Some(reason), true) = (&block.directives.skip, selected) {
                report(skipped(&loaded.display, block, reason), reporters);
            }
        }
    }
    let mut stopped = false;

    let scratch = crate::scratch::create()?;
    let options = PoolOptions {
        workers: config.jobs,
        scratch_root: scratch.path().to_path_buf(),
        lean: false,
        env: config.worker_env.clone(),
        cancel: None,
    };
    let mut updater = Updater::default();
    crate::worker::sys::become_subreaper();
    crate::signals::install();
    run_pool(jobs, &options, |event| match event {
        PoolEvent::Block { job, index, run } => {
            let Some(origin) = origins.get_mut(&job) else {
                return ControlFlow::Continue(());
            };
            let setup_file = config.setup.as_ref().map_or("", |s| s.filename.as_str());
            if origin.setup && index == 0 {
                origin.setup_failure = verdict::setup_failure(setup_file, &run);
                return ControlFlow::Continue(());
            }
            let position = index - usize::from(origin.setup);
            let Some(&block_index) = origin.blocks.get(position) else {
                return ControlFlow::Continue(());
            };
            let loaded = &documents[origin.document];
            let block = &loaded.document.blocks[block_index];
            let update = (config.update && origin.setup_failure.is_none())
                .then(|| update::plan(&loaded.document.source, block, &run))
                .flatten();
            let result = match &origin.setup_failure {
                Some(failure) => verdict::setup_failed(&loaded.display, block, failure),
                None => verdict::judge(&loaded.display, block, *run),
            };
            if let Some(update) = update {
                updater.keep(origin.document, &result, update);
            }
            let failed = result.status.is_failure();
            if loaded.selected[block_index] {
                report(result, reporters);
            } else if failed {
                // Run only to set up a `--filter`ed block's namespace: not a
                // result, but the selected block's own failure may come from it.
                let message = format!(
                    "ran only to set up the namespace of a `--filter`ed block after it, and ended with {}: {}",
                    result.status.label(),
                    result.message
                );
                for reporter in reporters.iter_mut() {
                    reporter.warning(&result.file, result.line, &message);
                }
            }
            if failed && config.fail_fast && !stopped {
                stopped = true;
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        }
        PoolEvent::JobDone { job } => {
            origins.remove(&job);
            ControlFlow::Continue(())
        }
    })?;
    // Workers are gone; whatever they left (re-parented here) goes too.
    crate::worker::sys::kill_stray_children();
    crate::worker::processes::remove_stale();
    drop(scratch);

    summary.duration_ms = started.elapsed().as_millis() as u64;
    summary.not_run = total_blocks.saturating_sub(summary.total);
    let interrupted = crate::signals::received();
    summary.interrupted = interrupted.map(|signal| crate::signals::name(signal).to_owned());
    for reporter in reporters.iter_mut() {
        reporter
            .finish(&summary, started.elapsed())
            .context("writing the report")?;
    }
    if let Some(signal) = interrupted {
        // A partial run rewrites nothing.
        return Ok(ExitStatus::Interrupted(signal));
    }
    let mut updated = UpdateSummary::default();
    if config.update {
        let mut stderr = std::io::stderr().lock();
        for (index, loaded) in documents.iter().enumerate() {
            updater
                .write_document(
                    index,
                    &loaded.path,
                    &loaded.display,
                    &loaded.document.source,
                    &mut stderr,
                )
                .context("reporting updates")?;
        }
        updated = updater.finish(&mut stderr).context("reporting updates")?;
    }
    Ok(if !input_errors.is_empty() || updated.write_errors > 0 {
        ExitStatus::InputError
    } else if summary.failures() > updated.fixed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// Reads `files` and applies `config.filters`. A filter that selects nothing
/// is an input error: in CI, a typo must not verify nothing and pass.
fn prepare(
    config: &VerifyConfig,
    files: Vec<MarkdownFile>,
    problems: Vec<files::FileProblem>,
) -> Prepared {
    let mut input_errors: Vec<InputError> = problems
        .into_iter()
        .map(|p| InputError {
            file: p.display,
            line: p.line,
            message: p.message,
        })
        .collect();
    let mut matched = vec![false; config.filters.len()];
    let selected: Vec<(MarkdownFile, filter::Selection)> = files
        .into_iter()
        .filter_map(|file| {
            let selection = filter::select(&config.filters, &file)?;
            Some((file, selection))
        })
        .collect();
    let read: Vec<Result<Loaded, InputError>> = selected
        .par_iter()
        .map(|(file, selection)| {
            let mut loaded = load(file)?;
            if let filter::Selection::Blocks(lines) = selection {
                for (block, chosen) in loaded.document.blocks.iter().zip(&mut loaded.selected) {
                    *chosen = lines.contains(&block.fence_line);
                }
            }
            Ok(loaded)
        })
        .collect();
    // Shard after reading (the weight is the block count) but judge the
    // filters over every file, so a filter that matches another shard's
    // file is not an error here.
    let in_shard: Vec<bool> = match config.shard {
        None => vec![true; read.len()],
        Some(shard) => {
            let keyed: Vec<(usize, (&str, usize))> = read
                .iter()
                .enumerate()
                .map(|(index, item)| match item {
                    Ok(loaded) => (
                        index,
                        (loaded.display.as_str(), loaded.document.blocks.len()),
                    ),
                    Err(error) => (index, (error.file.as_str(), 0)),
                })
                .collect();
            let mut keep = vec![false; read.len()];
            for (index, _) in shard::select(keyed, shard, |(_, key)| *key) {
                keep[index] = true;
            }
            keep
        }
    };
    let mut documents = Vec::new();
    for ((item, (file, _)), in_shard) in read.into_iter().zip(&selected).zip(in_shard) {
        for (index, filter) in config.filters.iter().enumerate() {
            if !filter.matches_file(file) {
                continue;
            }
            matched[index] |= match (filter, &item) {
                (Filter::Path(_), _) | (_, Err(_)) => true,
                (Filter::Block { line, .. }, Ok(loaded)) => loaded
                    .document
                    .blocks
                    .iter()
                    .any(|block| block.fence_line == *line),
            };
        }
        match item {
            _ if !in_shard => {}
            Ok(loaded) => documents.push(loaded),
            Err(error) => input_errors.push(error),
        }
    }
    for (filter, _) in config.filters.iter().zip(&matched).filter(|(_, m)| !**m) {
        let block_lines = selected
            .iter()
            .position(|(file, _)| filter.matches_file(file))
            .and_then(|i| {
                documents
                    .iter()
                    .find(|d| d.display == selected[i].0.display)
            })
            .map(|loaded| {
                loaded
                    .document
                    .blocks
                    .iter()
                    .map(|b| b.fence_line)
                    .collect()
            });
        input_errors.push(filter.unmatched(block_lines));
    }
    Prepared {
        documents,
        input_errors,
    }
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
            path: file.path.clone(),
            display: file.display.clone(),
            selected: vec![true; document.blocks.len()],
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
        for mut plan in sessions::plan(blocks) {
            // Blocks after the last selected one are not needed.
            let Some(last) = plan.blocks.iter().rposition(|&b| loaded.selected[b]) else {
                continue;
            };
            plan.blocks.truncate(last + 1);
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
            // Limits are the child process's: the most permissive of the
            // session's blocks' directives wins over the run's.
            let mut session_limits = crate::limits::LimitOverrides::default();
            for &b in &plan.blocks {
                session_limits.widen(&blocks[b].directives.limits);
            }
            jobs.push(SessionJob {
                id,
                filename: loaded.display.clone(),
                source: loaded.document.source.clone(),
                namespace: plan.namespace.to_owned(),
                blocks: job_blocks,
                limits: session_limits.applied_to(&config.limits),
                give_up_after_timeouts: 0,
                own_pid_namespace: false,
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
