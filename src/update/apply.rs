//! Keeps the edits of a run's failed blocks and, once the run is over, applies
//! them per document and writes the files atomically.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::report::{BlockResult, Status};

use super::{BlockUpdate, Edit};

/// A failed block's update, waiting for the end of the run.
#[derive(Debug)]
struct Pending {
    line: usize,
    kind: &'static str,
    update: BlockUpdate,
}

/// What `--update` did, for the exit code.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct UpdateSummary {
    /// Failed blocks that pass now.
    pub(crate) fixed: usize,
    /// Files that should have changed but could not be written.
    pub(crate) write_errors: usize,
}

/// The edits of a run, by document index.
#[derive(Debug, Default)]
pub(crate) struct Updater {
    pending: BTreeMap<usize, Vec<Pending>>,
    summary: UpdateSummary,
    updated_blocks: usize,
    updated_files: usize,
}

impl Updater {
    /// Keeps `update` if the block was judged `fail`; blocks that pass are
    /// never touched and errors, timeouts and crashes are never rewritten.
    pub(crate) fn keep(&mut self, document: usize, result: &BlockResult, update: BlockUpdate) {
        if result.status != Status::Fail {
            return;
        }
        self.pending.entry(document).or_default().push(Pending {
            line: result.line,
            kind: result.kind,
            update,
        });
    }

    /// Applies the edits kept for `document` to the file at `path` (whose
    /// text, BOM removed, was `source` when it was read) and tells `out`.
    pub(crate) fn write_document(
        &mut self,
        document: usize,
        path: &Path,
        display: &str,
        source: &str,
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        let Some(mut pending) = self.pending.remove(&document) else {
            return Ok(());
        };
        pending.sort_by_key(|p| p.line);
        let edits: Vec<Edit> = pending
            .iter()
            .flat_map(|p| p.update.edits.iter().cloned())
            .collect();
        let written = match apply_edits(source, edits) {
            Some(text) if text == source => Ok(false),
            Some(text) => write_file(path, source, &text).map(|()| true),
            None => Err(anyhow::anyhow!("kata computed overlapping edits")),
        };
        match written {
            Ok(changed) => {
                for p in &pending {
                    let changes = !p.update.edits.is_empty();
                    if changed && changes {
                        self.updated_blocks += 1;
                        writeln!(out, "updated {display}:{} ({})", p.line, p.kind)?;
                    }
                    if let Some(note) = &p.update.note {
                        writeln!(out, "note: {display}:{} ({}): {note}", p.line, p.kind)?;
                    }
                    if p.update.fixed && changed && changes {
                        self.summary.fixed += 1;
                    }
                }
                self.updated_files += usize::from(changed);
            }
            Err(err) => {
                self.summary.write_errors += 1;
                writeln!(out, "error: {display}: not updated: {err:#}")?;
            }
        }
        Ok(())
    }

    /// Prints the count and returns what was done.
    pub(crate) fn finish(self, out: &mut dyn Write) -> std::io::Result<UpdateSummary> {
        let blocks = self.updated_blocks;
        let files = self.updated_files;
        writeln!(
            out,
            "updated {blocks} block{} in {files} file{}",
            plural(blocks),
            plural(files)
        )?;
        Ok(self.summary)
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// `source` with `edits` applied, or `None` when two edits overlap.
pub(super) fn apply_edits(source: &str, mut edits: Vec<Edit>) -> Option<String> {
    edits.sort_by_key(|edit| (edit.range.start, edit.range.end));
    let mut text = source.to_owned();
    let mut limit = source.len();
    for edit in edits.iter().rev() {
        if edit.range.end > limit || edit.range.start > edit.range.end {
            return None;
        }
        text.replace_range(edit.range.clone(), &edit.text);
        limit = edit.range.start;
    }
    Some(text)
}

/// Writes `text` over the file at `path`, if it still holds `source` (after
/// an optional BOM, which is kept), through a temporary file in the same
/// directory renamed over it, with the file's permissions.
fn write_file(path: &Path, source: &str, text: &str) -> Result<()> {
    let target =
        std::fs::canonicalize(path).with_context(|| format!("resolving `{}`", path.display()))?;
    let current =
        std::fs::read(&target).with_context(|| format!("reading `{}`", target.display()))?;
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let bom = current.starts_with(BOM);
    let body = if bom {
        &current[BOM.len()..]
    } else {
        &current[..]
    };
    if body != source.as_bytes() {
        bail!("the file changed while kata was running");
    }
    let permissions = std::fs::metadata(&target)
        .with_context(|| format!("reading the permissions of `{}`", target.display()))?
        .permissions();
    let directory = target.parent().unwrap_or(Path::new("."));
    let mut temporary = tempfile::Builder::new()
        .prefix(".kata-update-")
        .tempfile_in(directory)
        .with_context(|| format!("creating a temporary file in `{}`", directory.display()))?;
    let mut bytes = Vec::with_capacity(text.len() + BOM.len());
    if bom {
        bytes.extend_from_slice(BOM);
    }
    bytes.extend_from_slice(text.as_bytes());
    temporary
        .write_all(&bytes)
        .and_then(|()| temporary.as_file().sync_all())
        .with_context(|| format!("writing `{}`", temporary.path().display()))?;
    std::fs::set_permissions(temporary.path(), permissions).with_context(|| {
        format!(
            "setting the permissions of `{}`",
            temporary.path().display()
        )
    })?;
    temporary
        .persist(&target)
        .with_context(|| format!("replacing `{}`", target.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(range: std::ops::Range<usize>, text: &str) -> Edit {
        Edit {
            range,
            text: text.to_owned(),
        }
    }

    #[test]
    fn edits_apply_end_first_in_any_order() {
        let source = "a\nb\nc\n";
        let edits = vec![edit(4..6, "C\nD\n"), edit(0..2, ""), edit(2..2, "x\n")];
        assert_eq!(apply_edits(source, edits).as_deref(), Some("x\nb\nC\nD\n"));
        assert_eq!(
            apply_edits(source, vec![edit(0..3, ""), edit(2..4, "")]),
            None
        );
    }

    #[test]
    fn a_file_that_changed_meanwhile_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.md");
        std::fs::write(&path, "\u{feff}old\r\n").unwrap();
        write_file(&path, "old\r\n", "new\r\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "\u{feff}new\r\n");
        assert!(write_file(&path, "old\r\n", "other\r\n").is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
