//! `--format json`: one JSON document (on stdout or in `--output`), as
//! SPEC.md §2 defines it.

use std::io::Write;
use std::time::Duration;

use serde::Serialize;

use super::{BlockResult, InputError, Reporter, Summary};
use crate::verify::Shard;

pub(crate) struct JsonReporter {
    out: Box<dyn Write>,
    shard: Option<Shard>,
    results: Vec<BlockResult>,
    errors: Vec<InputError>,
}

impl JsonReporter {
    /// A reporter that writes the document to `out`, naming `shard` if the
    /// run verified only one slice of the files.
    pub(crate) fn new(out: Box<dyn Write>, shard: Option<Shard>) -> JsonReporter {
        JsonReporter {
            out,
            shard,
            results: Vec::new(),
            errors: Vec::new(),
        }
    }
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    /// Which slice of a `--shard K/N` run this is, so that merging can
    /// check that every slice is there exactly once.
    #[serde(skip_serializing_if = "Option::is_none")]
    shard: Option<Shard>,
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
            shard: self.shard,
            summary,
            results: &self.results,
            errors: &self.errors,
        };
        serde_json::to_writer(&mut self.out, &document)?;
        writeln!(self.out)?;
        self.out.flush()
    }
}
