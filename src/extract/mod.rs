//! Markdown → Python blocks with their expectations and directives.
//!
//! This module is pure: it reads bytes and returns data. It never runs code,
//! spawns processes or prints. Line numbers are 1-based lines of the original
//! file (after a leading BOM is dropped, which does not change line numbers).

mod blocks;
mod comments;
mod containers;
mod directives;
mod expect;
mod lines;
mod mapped;
mod markdown;
#[cfg(test)]
pub(crate) mod proptests;
mod scan;

use std::ops::Range;
use std::time::Duration;

pub(crate) use markdown::extract_document;

/// One Markdown file's Python blocks, in document order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Document {
    /// The file's text as read (BOM removed, line ends untouched).
    pub(crate) source: String,
    /// Every block to report on, in document order (hidden setup code included).
    pub(crate) blocks: Vec<Block>,
    /// Problems found while reading (unknown directives, unterminated fences...).
    /// They are reported as warnings; the blocks that could be read still run.
    pub(crate) warnings: Vec<Warning>,
}

/// A problem in the Markdown that is worth telling the author about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Warning {
    pub(crate) line: usize,
    pub(crate) message: String,
}

/// One Python code block.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Block {
    /// Line of the opening fence (1-based). For hidden code in an HTML comment,
    /// the line of the comment's first line.
    pub(crate) fence_line: usize,
    /// Line of the first line of code (1-based); tracebacks are offset to it.
    pub(crate) code_line: usize,
    /// The code, with container indentation and prefixes (`> `) removed and
    /// line ends normalised to `\n`. Ends with `\n` unless empty.
    pub(crate) code: String,
    /// Byte range in `Document::source` of each line of code (without its line
    /// end), in order; used by `--update` to rewrite in place.
    pub(crate) code_lines: Vec<Range<usize>>,
    pub(crate) language: Language,
    pub(crate) directives: Directives,
    pub(crate) expectation: Expectation,
    /// Code that readers do not see (Sybil's `invisible-code-block`, hidden
    /// setup in an HTML comment). It runs like any block.
    pub(crate) hidden: bool,
}

/// How the fence was labelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Language {
    /// `python`, `py`, `python3`, `py3`.
    Python,
    /// `pycon`: a doctest session.
    Pycon,
    /// MyST `{doctest}`: Sphinx doctest semantics (default flags, no `__name__`).
    MystDoctest,
}

/// What the block is checked against.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expectation {
    /// `>>>` prompts: checked like Python's `doctest`.
    Doctest,
    /// A following `output` (or adjacent unlabelled/`text`) fenced block.
    Output(ExpectedOutput),
    /// pytest-examples' `#> value` comments (and triple-quoted strings right
    /// after a `print(...)` call): the expected stdout is the concatenation
    /// of the comment lines (without `#> `) and string lines, in order.
    Comments {
        expected: String,
        /// The Markdown line stating each line of `expected`.
        lines: Vec<usize>,
    },
    /// `raises=Name`: the block must raise this exception (or a subclass).
    Raises { exception: String },
    /// Nothing stated: the block must run without raising.
    Smoke,
}

impl Expectation {
    /// The name used in reports (`kind` in the JSON report).
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Expectation::Doctest => "doctest",
            Expectation::Output(_) => "output",
            Expectation::Comments { .. } => "comments",
            Expectation::Raises { .. } => "raises",
            Expectation::Smoke => "smoke",
        }
    }
}

/// The expected output block of a Python block.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ExpectedOutput {
    /// Its text, container prefixes removed, `\n` line ends, ending in `\n` unless empty.
    pub(crate) text: String,
    /// Line of the output block's opening fence.
    pub(crate) fence_line: usize,
    /// Byte range in `Document::source` of each of its content lines (no line end).
    pub(crate) lines: Vec<Range<usize>>,
    /// Byte offset in `Document::source` where new content would be inserted
    /// when the output block is empty (start of its closing fence line).
    pub(crate) insert_at: usize,
}

/// Directives from the info string and from the comments before the block.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Directives {
    /// `skip`, `{test="skip"}`, `<!-- skip: next -->`, `<!--phmdoctest-skip-->`...
    /// with the reason shown in the report.
    pub(crate) skip: Option<String>,
    /// `no-run`: compile only.
    pub(crate) no_run: bool,
    /// `{test="xfail"}`: expected to fail; a failure is reported as a pass
    /// ("xfail") and a pass as a failure.
    pub(crate) xfail: bool,
    /// `timeout=5s`.
    pub(crate) timeout: Option<Duration>,
    /// `isolated`: runs alone, in a fresh namespace and process.
    pub(crate) isolated: bool,
    /// `session=NAME` or `{group="NAME"}`: blocks with the same name share a
    /// namespace apart from the file's main one.
    pub(crate) session: Option<String>,
    /// `requires=3.12` / `requires=numpy` / `{requires="3.12"}`; several allowed.
    pub(crate) requires: Vec<Requirement>,
    /// phmdoctest's `setup` / `teardown`: runs first / last in its namespace.
    pub(crate) stage: Stage,
    /// How many namespace clears (Sybil's `clear-namespace`, phmdoctest's
    /// `clear-names`) come before the block: blocks of different
    /// generations never share a namespace.
    pub(crate) generation: usize,
    /// `exercise` / `exercise=SLUG`: the block is also served as a kata
    /// (the name is empty when not given).
    pub(crate) exercise: Option<String>,
    /// Hidden checks of an exercise (`<!-- exercise-tests: SLUG ... -->`):
    /// they run in `verify` like any hidden code, and are tests when the
    /// exercise is served.
    pub(crate) exercise_tests: Option<String>,
    /// `<!-- hint: ... -->` comments before the block, in order.
    pub(crate) hints: Vec<String>,
    /// `memory=2G`, `output=4M`, `file-size=`, `open-files=`, `processes=`:
    /// limits of the process that runs the block's session (the most
    /// permissive of the session's blocks).
    pub(crate) limits: crate::limits::LimitOverrides,
}

/// When a block runs within its namespace.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Stage {
    /// Before the other blocks (phmdoctest's `setup`).
    Setup,
    /// In document order.
    #[default]
    Body,
    /// After the other blocks (phmdoctest's `teardown`).
    Teardown,
}

/// A condition a block needs, checked in the worker (which knows the Python).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Requirement {
    /// Minimum Python version, `(major, minor)`.
    Python(u32, u32),
    /// An importable module.
    Module(String),
    /// Sybil's `skip: next if(...)` and pytest's `skipif(...)`: a
    /// parenthesised argument list `(condition, reason="...")`. The worker
    /// evaluates it (with `sys`, `os` and `platform` at hand, over the
    /// session's names) and skips the block, with the reason, when the
    /// condition is true.
    Condition(String),
}

/// Why a file could not be read as Markdown at all.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub(crate) enum ExtractError {
    /// The bytes are not UTF-8; `line` is the 1-based line of the first bad byte.
    #[error("not valid UTF-8 (first bad byte on line {line}); kata reads Markdown as UTF-8")]
    NotUtf8 { line: usize },
}
