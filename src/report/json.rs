//! `--format json`: one JSON document on stdout, as SPEC.md §2 defines it.

use std::io::Write;
use std::time::Duration;

use serde::Serialize;

use super::{BlockResult, InputError, Reporter, Summary};

#[derive(Default)]
pub(crate) struct JsonReporter {
    results: Vec<BlockResult>,
    errors: Vec<InputError>,
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    summary: &'a Summary,
    results: &'a [BlockResult],
    /// Files that could not be verified at all (not in SPEC's example, but
    /// a consumer needs to know).
    errors: &'a [InputError],
}

impl Reporter for JsonReporter {
    fn start(&mut self, _total_blocks: usize, _files: usize) {}

    fn input_error(&mut self, error: &InputError) {
        self.errors.push(error.clone());
    }

    fn warning(&mut self, _file: &str, _line: usize, _message: &str) {}

    fn result(&mut self, result: &BlockResult) {
        let mut kept = result.clone();
        kept.detail = None;
        self.results.push(kept);
    }

    fn finish(&mut self, summary: &Summary, _elapsed: Duration) -> std::io::Result<()> {
        self.results
            .sort_by(|a, b| (a.file.as_str(), a.line).cmp(&(b.file.as_str(), b.line)));
        let document = Document {
            version: 1,
            summary,
            results: &self.results,
            errors: &self.errors,
        };
        let mut out = std::io::stdout().lock();
        serde_json::to_writer(&mut out, &document)?;
        writeln!(out)?;
        out.flush()
    }
}
