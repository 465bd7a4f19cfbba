//! `kata verify --update`: rewriting a guide's expected outputs (output
//! blocks, doctest output, `#>` comments) to what its code printed.
//!
//! [`plan`] is pure: from the document's text, a block and how its run ended
//! it computes byte-range edits and nothing else. [`Updater`] keeps those
//! edits (never the captured output) until the run is over, then applies each
//! document's edits and writes the file atomically. No other byte of a file
//! changes: container prefixes, line ends, fences and the BOM stay as they were.

mod apply;
mod lines;
mod plan;
#[cfg(test)]
mod proptests;

pub(crate) use apply::{UpdateSummary, Updater};
pub(crate) use plan::plan;

use std::ops::Range;

/// Replace `range` of the document's text with `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Edit {
    pub(crate) range: Range<usize>,
    pub(crate) text: String,
}

/// What `--update` does to one failed block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct BlockUpdate {
    /// Disjoint edits inside the block or its output block.
    pub(crate) edits: Vec<Edit>,
    /// Whether the edits make the block pass: every part that failed was
    /// rewritten (an example that raised unexpectedly is not).
    pub(crate) fixed: bool,
    /// Something the user should know about the rewrite, or why it was not done.
    pub(crate) note: Option<String>,
}
