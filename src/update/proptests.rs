//! Property tests of `--update`: rewriting every block's expected output to
//! what it already states changes no byte of the document, and rewriting it
//! to anything else never panics and never produces overlapping edits.
//!
//! The documents come from the extractor's generator; `PROPTEST_CASES=N`
//! scales the case count (see `extract::proptests`).

use proptest::prelude::*;

use super::apply::apply_edits;
use super::plan;
use super::plan::tests::run;
use crate::extract::proptests::{config, markdown};
use crate::extract::{Block, Expectation, extract_document};
use crate::worker::protocol::{BlockRun, DoctestExample, DoctestReport};

/// The examples of a doctest block as Python's `doctest` parser finds them,
/// each with `got` equal to its `want` (as the block would print it) but
/// marked failed, so the rewriter rewrites every one. `None` when the block
/// is not a well-formed doctest (doctest itself would refuse it).
fn doctest_examples(block: &Block) -> Option<Vec<DoctestExample>> {
    let lines: Vec<&str> = block.code.lines().collect();
    if block.code.contains(['\t', '\r']) {
        return None;
    }
    let prompt_indent = |line: &str| {
        let rest = line.trim_start_matches(' ');
        rest.starts_with(">>>").then(|| line.len() - rest.len())
    };
    let mut examples = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let Some(indent) = prompt_indent(lines[index]) else {
            index += 1;
            continue;
        };
        let line = block.code_line + index;
        let mut source = String::new();
        let body = &lines[index][indent + 3..];
        if !(body.is_empty() || body.starts_with(' ')) {
            return None;
        }
        source.push_str(body.strip_prefix(' ').unwrap_or(body));
        source.push('\n');
        index += 1;
        while index < lines.len() && lines[index].trim_start_matches(' ').starts_with("...") {
            let continuation = lines[index].strip_prefix(&" ".repeat(indent))?;
            let body = continuation.strip_prefix("...")?;
            if !(body.is_empty() || body.starts_with(' ')) {
                return None;
            }
            source.push_str(body.strip_prefix(' ').unwrap_or(body));
            source.push('\n');
            index += 1;
        }
        let mut want = String::new();
        while index < lines.len()
            && !lines[index].trim_start_matches(' ').is_empty()
            && prompt_indent(lines[index]).is_none()
        {
            want.push_str(lines[index].strip_prefix(&" ".repeat(indent))?);
            want.push('\n');
            index += 1;
        }
        let got: String = want
            .split_inclusive('\n')
            .map(|line| {
                if line.trim_end() == "<BLANKLINE>" {
                    "\n"
                } else {
                    line
                }
            })
            .collect();
        examples.push(DoctestExample {
            line,
            source,
            want,
            got,
            ok: false,
            exception: false,
            skipped: false,
        });
    }
    Some(examples)
}

/// The run of `block` that prints exactly what it states.
fn unchanged_run(block: &Block) -> Option<BlockRun> {
    match &block.expectation {
        Expectation::Output(output) => Some(run("ok", &output.text, None)),
        Expectation::Comments { expected, .. } => Some(run("ok", expected, None)),
        Expectation::Doctest => {
            let examples = doctest_examples(block)?;
            Some(run(
                "doctest",
                "",
                Some(DoctestReport {
                    failed: examples.len(),
                    examples,
                }),
            ))
        }
        _ => None,
    }
}

/// The run of `block` that prints `stdout` (every doctest example printing it).
fn changed_run(block: &Block, stdout: &str) -> Option<BlockRun> {
    match &block.expectation {
        Expectation::Doctest => {
            let mut examples = doctest_examples(block)?;
            for example in &mut examples {
                example.got = stdout.to_owned();
            }
            Some(run(
                "doctest",
                "",
                Some(DoctestReport {
                    failed: examples.len(),
                    examples,
                }),
            ))
        }
        _ => Some(run("ok", stdout, None)),
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn proptest_update_with_unchanged_output_is_the_identity(text in markdown()) {
        let document = extract_document(text.as_bytes())
            .map_err(|error| TestCaseError::fail(format!("UTF-8 refused: {error}")))?;
        let source = &document.source;
        let mut edits = Vec::new();
        for block in &document.blocks {
            let Some(run) = unchanged_run(block) else { continue };
            if let Some(update) = plan(source, block, &run) {
                edits.extend(update.edits);
            }
        }
        let updated = apply_edits(source, edits.clone());
        prop_assert_eq!(updated.as_deref(), Some(source.as_str()), "edits: {:?}", edits);
    }

    #[test]
    fn proptest_update_with_any_output_applies(
        text in markdown(),
        stdout in "([ -~é\t\r`>]{0,12}\n){0,4}[ -~]{0,4}",
    ) {
        let document = extract_document(text.as_bytes())
            .map_err(|error| TestCaseError::fail(format!("UTF-8 refused: {error}")))?;
        let source = &document.source;
        let mut edits = Vec::new();
        for block in &document.blocks {
            let Some(run) = changed_run(block, &stdout) else { continue };
            if let Some(update) = plan(source, block, &run) {
                for edit in &update.edits {
                    prop_assert!(
                        source.get(edit.range.clone()).is_some(),
                        "edit {:?} is not in the source", edit.range
                    );
                }
                edits.extend(update.edits);
            }
        }
        let updated = apply_edits(source, edits);
        prop_assert!(updated.is_some(), "overlapping edits");
        if let Some(updated) = updated {
            // The rewritten document still reads (printed lone `\r`s
            // included: they are line ends to the extractor).
            let again = extract_document(updated.as_bytes())
                .map_err(|error| TestCaseError::fail(format!("UTF-8 refused: {error}")))?;
            crate::extract::proptests::check_document(&again)?;
        }
    }

    #[test]
    fn proptest_update_leaves_files_with_lone_cr_alone(
        text in crate::extract::proptests::markdown_with_lone_cr(),
        stdout in "([ -~é\t`>]{0,12}\n){0,4}",
    ) {
        let document = extract_document(text.as_bytes())
            .map_err(|error| TestCaseError::fail(format!("UTF-8 refused: {error}")))?;
        let source = &document.source;
        let lone_cr = source.replace("\r\n", "").contains('\r');
        for block in &document.blocks {
            let Some(run) = changed_run(block, &stdout) else { continue };
            if let Some(update) = plan(source, block, &run) {
                prop_assert!(
                    !lone_cr || update.edits.is_empty(),
                    "edits {:?} in a file with lone CRs", update.edits
                );
            }
        }
    }
}

/// Found by the long run: `#>x` (no space) was rewritten to `#> x` although
/// its value had not changed.
#[test]
fn an_unchanged_comment_without_a_space_is_kept() {
    let source = "```python\nprint('x')\n#>x\nprint('y')\n#> z\n```\n";
    let document = extract_document(source.as_bytes()).expect("UTF-8");
    let update = plan(source, &document.blocks[0], &run("ok", "x\ny\n", None)).expect("an update");
    let text = apply_edits(source, update.edits).expect("disjoint edits");
    assert_eq!(text, "```python\nprint('x')\n#>x\nprint('y')\n#> y\n```\n");
}

/// Found by the long run: an unterminated output block at the end of a file
/// whose last character is multi-byte made `--update` slice inside it.
#[test]
fn an_unterminated_output_block_ending_in_a_wide_character_does_not_panic() {
    let source = "```python\n```\n```\u{2028}";
    let document = extract_document(source.as_bytes()).expect("UTF-8");
    let update = plan(source, &document.blocks[0], &run("ok", "x\n", None));
    assert!(update.is_some_and(|update| update.edits.is_empty()));
}

/// Found by the long run: `#>` lines inside a string expectation were
/// rewritten as if they were comments.
#[test]
fn comments_mixed_with_a_string_expectation_are_not_rewritten() {
    let source = "```python\nprint(1)\n#> 1\nprint('#> 1')\n\"\"\"\n#> 1\n\"\"\"\n```\n";
    let document = extract_document(source.as_bytes()).expect("UTF-8");
    let update =
        plan(source, &document.blocks[0], &run("ok", "2\n#> 2\n", None)).expect("an update");
    assert!(update.edits.is_empty() && !update.fixed, "{update:?}");
}
