//! Groups a document's blocks into sessions: the units that share a
//! namespace and run in one fresh child process.
//!
//! By default a file is one session, in document order. `isolated` blocks
//! run alone; `session=NAME` (or pytest-examples' `group=`) blocks share a
//! namespace of their own; MyST `{doctest}` blocks share a Sphinx-style
//! namespace (no `__name__`). Skipped blocks never reach a worker.

use std::time::Duration;

use crate::config::Setup;
use crate::extract::{Block, Expectation, Language, Requirement};
use crate::worker::protocol::{JobBlock, JobRequires};

/// Sphinx's `doctest_default_flags`.
const SPHINX_DOCTEST_FLAGS: &[&str] = &[
    "ELLIPSIS",
    "IGNORE_EXCEPTION_DETAIL",
    "DONT_ACCEPT_TRUE_FOR_1",
];

/// A planned session: which blocks (by index in the document) run together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SessionPlan {
    pub(crate) namespace: &'static str,
    pub(crate) blocks: Vec<usize>,
}

#[derive(Debug, PartialEq, Eq, Hash, Clone)]
enum Key {
    Main,
    Named(String),
    Sphinx,
    Alone(usize),
}

/// Splits the runnable blocks of a document into sessions, each in document order.
pub(crate) fn plan(blocks: &[Block]) -> Vec<SessionPlan> {
    let mut order: Vec<Key> = Vec::new();
    let mut groups: std::collections::HashMap<Key, Vec<usize>> = std::collections::HashMap::new();
    for (index, block) in blocks.iter().enumerate() {
        if block.directives.skip.is_some() {
            continue;
        }
        let key = if block.directives.isolated {
            Key::Alone(index)
        } else if block.language == Language::MystDoctest {
            Key::Sphinx
        } else if let Some(name) = &block.directives.session {
            Key::Named(name.clone())
        } else {
            Key::Main
        };
        let entry = groups.entry(key.clone()).or_default();
        if entry.is_empty() {
            order.push(key);
        }
        entry.push(index);
    }
    order
        .into_iter()
        .map(|key| SessionPlan {
            namespace: if key == Key::Sphinx { "sphinx" } else { "main" },
            blocks: groups.remove(&key).unwrap_or_default(),
        })
        .collect()
}

/// The configuration's `setup` as the hidden first block of a session.
pub(crate) fn setup_block(setup: &Setup, timeout: Duration) -> JobBlock {
    JobBlock {
        index: 0,
        line: setup.line,
        code_line: setup.line,
        code: setup.code.clone(),
        mode: "exec".to_owned(),
        doctest_flags: Vec::new(),
        requires: None,
        timeout_ms: timeout.as_millis() as u64,
        replay: true,
        setup_file: Some(setup.filename.clone()),
    }
}

/// The harness's view of a block. `doctest_flags` (the configuration's)
/// apply to every doctest block, on top of Sphinx's defaults for MyST ones.
pub(crate) fn job_block(
    index: usize,
    block: &Block,
    default_timeout: Duration,
    doctest_flags: &[String],
) -> JobBlock {
    let mode = if block.directives.no_run {
        "compile"
    } else if block.expectation == Expectation::Doctest {
        "doctest"
    } else {
        "exec"
    };
    let mut flags: Vec<String> = if block.language == Language::MystDoctest {
        SPHINX_DOCTEST_FLAGS
            .iter()
            .map(|f| (*f).to_owned())
            .collect()
    } else {
        Vec::new()
    };
    for flag in doctest_flags {
        if !flags.contains(flag) {
            flags.push(flag.clone());
        }
    }
    let requires = (!block.directives.requires.is_empty()).then(|| {
        let mut requires = JobRequires::default();
        for requirement in &block.directives.requires {
            match requirement {
                Requirement::Python(major, minor) => {
                    let newer = requires
                        .python
                        .is_none_or(|[a, b]| (*major, *minor) > (a, b));
                    if newer {
                        requires.python = Some([*major, *minor]);
                    }
                }
                Requirement::Module(name) => requires.modules.push(name.clone()),
            }
        }
        requires
    });
    JobBlock {
        index,
        line: block.fence_line,
        code_line: block.code_line,
        code: block.code.clone(),
        mode: mode.to_owned(),
        doctest_flags: flags,
        requires,
        timeout_ms: block
            .directives
            .timeout
            .unwrap_or(default_timeout)
            .as_millis() as u64,
        replay: true,
        setup_file: None,
    }
}
