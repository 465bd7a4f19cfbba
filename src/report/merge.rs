//! `kata report merge`: combines the JSON reports of several runs (usually
//! the shards of one `--shard K/N` matrix) into one report.
//!
//! The results are concatenated and sorted by file then line, the summary is
//! recounted, and the input errors are concatenated (an error that several
//! shards share, such as a missing path every machine was given, once). The
//! merged run lasted as long as its slowest part. Missing, duplicated or
//! mismatched shards are warned about on stderr; the merge still happens.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use super::{BlockResult, InputError, Reporter, Status, Summary};
use crate::exit_code::ExitStatus;
use crate::verify::Shard;

/// How many missing shards a warning names.
const MISSING_LISTED: usize = 10;

/// The expectation kinds a version 1 report may name.
const KINDS: &[&str] = &["doctest", "output", "comments", "raises", "smoke"];

/// A JSON report as `kata verify --format json` writes it.
#[derive(Deserialize)]
struct ReportFile {
    version: u64,
    #[serde(default)]
    shard: Option<Shard>,
    summary: SummaryFile,
    results: Vec<ResultFile>,
    #[serde(default)]
    errors: Vec<InputError>,
}

#[derive(Deserialize)]
struct SummaryFile {
    duration_ms: u64,
}

#[derive(Deserialize)]
struct ResultFile {
    file: String,
    line: usize,
    kind: String,
    status: Status,
    message: String,
    expected: Option<String>,
    actual: Option<String>,
    duration_ms: u64,
}

/// Several reports combined.
pub(crate) struct Merged {
    pub(crate) results: Vec<BlockResult>,
    pub(crate) errors: Vec<InputError>,
    pub(crate) summary: Summary,
    /// Problems with the set of reports (missing or duplicated shards).
    pub(crate) warnings: Vec<String>,
}

/// Reads and combines the reports at `paths`.
pub(crate) fn load(paths: &[PathBuf]) -> Result<Merged> {
    let mut results = Vec::new();
    let mut errors: Vec<InputError> = Vec::new();
    let mut shards = Vec::new();
    let mut duration_ms = 0;
    for path in paths {
        let report = read(path)?;
        duration_ms = duration_ms.max(report.summary.duration_ms);
        shards.push((path.as_path(), report.shard));
        for result in report.results {
            results.push(
                block_result(result)
                    .with_context(|| format!("`{}` is not a kata JSON report", path.display()))?,
            );
        }
        for error in report.errors {
            let known = errors.iter().any(|e| {
                (&e.file, e.line, &e.message) == (&error.file, error.line, &error.message)
            });
            if !known {
                errors.push(error);
            }
        }
    }
    results.sort_by(|a, b| (a.file.as_str(), a.line).cmp(&(b.file.as_str(), b.line)));

    let mut warnings = shard_warnings(&shards);
    let mut seen = HashSet::new();
    let repeated = results
        .iter()
        .filter(|r| !seen.insert((r.file.as_str(), r.line)))
        .count();
    if repeated > 0 {
        warnings.push(format!(
            "{repeated} block result(s) appear in more than one report; each is counted every time"
        ));
    }

    let mut summary = Summary::default();
    for result in &results {
        summary.add(result.status);
    }
    summary.duration_ms = duration_ms;
    Ok(Merged {
        results,
        errors,
        summary,
        warnings,
    })
}

fn read(path: &Path) -> Result<ReportFile> {
    let bytes = std::fs::read(path).with_context(|| format!("reading `{}`", path.display()))?;
    let version = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|value| value.get("version").and_then(|v| v.as_u64()));
    if let Some(version) = version.filter(|&v| v != 1) {
        bail!(
            "`{}` is a version {version} report; this kata reads version 1",
            path.display()
        );
    }
    let report: ReportFile = serde_json::from_slice(&bytes)
        .with_context(|| format!("`{}` is not a kata JSON report", path.display()))?;
    if report.version != 1 {
        bail!("`{}` is not a kata JSON report", path.display());
    }
    if let Some(shard) = report.shard.filter(|s| s.index == 0 || s.index > s.count) {
        bail!(
            "`{}` is not a kata JSON report: shard {shard} is not K/N with 1 <= K <= N",
            path.display()
        );
    }
    Ok(report)
}

fn block_result(result: ResultFile) -> Result<BlockResult> {
    let Some(kind) = KINDS.iter().copied().find(|&k| k == result.kind) else {
        bail!("unknown block kind `{}`", result.kind);
    };
    Ok(BlockResult {
        file: result.file,
        line: result.line,
        kind,
        status: result.status,
        message: result.message,
        expected: result.expected,
        actual: result.actual,
        detail: None,
        failing_line: None,
        duration_ms: result.duration_ms,
    })
}

/// What is wrong with the set of shards, if any report names one.
fn shard_warnings(shards: &[(&Path, Option<Shard>)]) -> Vec<String> {
    let mut warnings = Vec::new();
    let Some(count) = shards.iter().find_map(|(_, shard)| shard.map(|s| s.count)) else {
        return warnings;
    };
    let mut by_index: BTreeMap<usize, Vec<&Path>> = BTreeMap::new();
    for (path, shard) in shards {
        match shard {
            None => warnings.push(format!(
                "`{}` is not a shard, but the other reports are shards of {count}",
                path.display()
            )),
            Some(shard) if shard.count != count => warnings.push(format!(
                "`{}` is shard {shard}, but the first shard report is one of {count}",
                path.display()
            )),
            Some(shard) => by_index.entry(shard.index).or_default().push(path),
        }
    }
    for (index, paths) in &by_index {
        if paths.len() > 1 {
            let names: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
            warnings.push(format!(
                "shard {index}/{count} appears {} times ({})",
                paths.len(),
                names.join(", ")
            ));
        }
    }
    // At most one index per report is present, so listing the first few
    // missing ones stays short whatever `count` a report claims.
    let present = by_index.keys().filter(|&&index| index <= count).count();
    let missing_count = count - present;
    let mut missing: Vec<String> = (1..=count)
        .filter(|index| !by_index.contains_key(index))
        .take(MISSING_LISTED)
        .map(|index| format!("{index}/{count}"))
        .collect();
    if missing_count > MISSING_LISTED {
        missing.push(format!("and {} more", missing_count - MISSING_LISTED));
    }
    if !missing.is_empty() {
        warnings.push(format!(
            "shard(s) {} missing: the merged report does not cover every file",
            missing.join(", ")
        ));
    }
    warnings
}

/// Sends a merged report through the reporters as if it were one run.
pub(crate) fn replay(merged: &Merged, reporters: &mut [Box<dyn Reporter>]) -> Result<ExitStatus> {
    let mut stderr = std::io::stderr().lock();
    for warning in &merged.warnings {
        writeln!(stderr, "warning: {warning}").context("writing to stderr")?;
    }
    drop(stderr);
    let files: HashSet<&str> = merged.results.iter().map(|r| r.file.as_str()).collect();
    for reporter in reporters.iter_mut() {
        reporter.start(merged.results.len(), files.len());
        for error in &merged.errors {
            reporter.input_error(error);
        }
        for result in &merged.results {
            reporter.result(result);
        }
        reporter
            .finish(
                &merged.summary,
                Duration::from_millis(merged.summary.duration_ms),
            )
            .context("writing the report")?;
    }
    Ok(if !merged.errors.is_empty() {
        ExitStatus::InputError
    } else if merged.summary.failures() > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shard(index: usize, count: usize) -> Option<Shard> {
        Some(Shard { index, count })
    }

    #[test]
    fn a_complete_set_of_shards_is_quiet() {
        let (a, b) = (Path::new("a.json"), Path::new("b.json"));
        assert!(shard_warnings(&[(a, shard(2, 2)), (b, shard(1, 2))]).is_empty());
        assert!(shard_warnings(&[(a, None), (b, None)]).is_empty());
    }

    #[test]
    fn missing_duplicated_and_foreign_shards_are_named() {
        let (a, b, c, d) = (
            Path::new("a.json"),
            Path::new("b.json"),
            Path::new("c.json"),
            Path::new("d.json"),
        );
        let warnings = shard_warnings(&[
            (a, shard(1, 3)),
            (b, shard(1, 3)),
            (c, None),
            (d, shard(1, 2)),
        ]);
        assert_eq!(
            warnings,
            [
                "`c.json` is not a shard, but the other reports are shards of 3",
                "`d.json` is shard 1/2, but the first shard report is one of 3",
                "shard 1/3 appears 2 times (`a.json`, `b.json`)",
                "shard(s) 2/3, 3/3 missing: the merged report does not cover every file",
            ]
        );
    }

    #[test]
    fn a_huge_shard_count_is_listed_briefly() {
        let a = Path::new("a.json");
        assert_eq!(
            shard_warnings(&[(a, shard(2, usize::MAX))]),
            [format!(
                "shard(s) 1/{max}, 3/{max}, 4/{max}, 5/{max}, 6/{max}, 7/{max}, 8/{max}, 9/{max}, 10/{max}, 11/{max}, and {} more missing: the merged report does not cover every file",
                usize::MAX - 11,
                max = usize::MAX
            )]
        );
    }

    #[test]
    fn unknown_kinds_are_refused() {
        let result = ResultFile {
            file: "a.md".to_owned(),
            line: 1,
            kind: "mystery".to_owned(),
            status: Status::Pass,
            message: String::new(),
            expected: None,
            actual: None,
            duration_ms: 0,
        };
        assert!(block_result(result).is_err());
    }
}
