//! Which lines of a failed block change, by expectation style. Pure: text in,
//! edits out.

use std::ops::Range;

use crate::extract::{Block, Expectation, ExpectedOutput};
use crate::worker::protocol::{BlockEnd, BlockRun, DoctestExample, DoctestReport};

use super::lines::{self, Target};
use super::{BlockUpdate, Edit};

/// What the harness puts before an exception's message in a doctest `got`.
const DOCTEST_EXCEPTION_HEADER: &str = "Traceback (most recent call last):\n...\n";

/// The update for a block whose run ended as `run`, or `None` when `--update`
/// has nothing to do with it: it states no printed output, it is hidden or
/// `xfail`, or it did not run to its end (raised, timed out, crashed, failed
/// inside the harness). Whether the block failed is the verdict's business:
/// the caller keeps the update only for a block judged `fail`.
pub(crate) fn plan(source: &str, block: &Block, run: &BlockRun) -> Option<BlockUpdate> {
    if block.hidden || block.directives.xfail {
        return None;
    }
    let BlockEnd::Finished { record } = &run.end else {
        return None;
    };
    let printed = || {
        if run.stdout.dropped_bytes > 0 {
            Err(not_updated(format!(
                "its output was cut at {} bytes",
                run.stdout.text.len()
            )))
        } else {
            Ok(run.stdout.text.as_str())
        }
    };
    let rewritable = matches!(
        (&block.expectation, record.status.as_str()),
        (Expectation::Output(_) | Expectation::Comments { .. }, "ok")
            | (Expectation::Doctest, "doctest")
    );
    if rewritable && has_lone_cr(source) {
        // The extractor reads a lone `\r` as a line end (as CommonMark and
        // Python do); the rewriter keeps each line's own `\n` or `\r\n`
        // and does not know that third kind, so it leaves such files alone.
        return Some(not_updated(
            "the file has lone `\\r` line ends, which `--update` does not rewrite".to_owned(),
        ));
    }
    let update = match (&block.expectation, record.status.as_str()) {
        (Expectation::Output(output), "ok") => {
            printed().map_or_else(|note| note, |stdout| output_block(source, output, stdout))
        }
        (Expectation::Comments { .. }, "ok") => {
            printed().map_or_else(|note| note, |stdout| comments(source, block, stdout))
        }
        (Expectation::Doctest, "doctest") => doctest(source, block, record.doctest.as_ref()?),
        _ => return None,
    };
    Some(update)
}

/// Whether `source` has a `\r` that is not followed by `\n`.
fn has_lone_cr(source: &str) -> bool {
    let bytes = source.as_bytes();
    bytes
        .iter()
        .enumerate()
        .any(|(at, &byte)| byte == b'\r' && bytes.get(at + 1) != Some(&b'\n'))
}

fn updated(edits: Vec<Edit>) -> BlockUpdate {
    BlockUpdate {
        edits,
        fixed: true,
        note: None,
    }
}

fn not_updated(why: String) -> BlockUpdate {
    BlockUpdate {
        edits: Vec::new(),
        fixed: false,
        note: Some(format!("not updated: {why}")),
    }
}

/// The content lines become the printed lines. New lines take the prefix of
/// the opening fence line (`> `, list or admonition indentation).
fn output_block(source: &str, output: &ExpectedOutput, stdout: &str) -> BlockUpdate {
    let first = output.lines.first().map_or(output.insert_at, |range| {
        lines::line_start(source, range.start)
    });
    let at_line_start = first == 0 || source[..first].ends_with('\n');
    let fence_start = lines::previous_line_start(source, first);
    let Some(fence_start) = fence_start.filter(|_| at_line_start) else {
        return not_updated("the output block has no closing fence".to_owned());
    };
    let fence = &source[fence_start..first];
    let Some(marker_at) = fence.find(['`', '~']) else {
        return not_updated("its output block's fence was not found".to_owned());
    };
    let marker = &fence[marker_at..];
    let marker_char = if marker.starts_with('`') { '`' } else { '~' };
    let closing = &marker[..marker.len() - marker.trim_start_matches(marker_char).len()];
    let new = lines::split(stdout);
    if new
        .iter()
        .any(|line| line.trim_start().starts_with(closing))
    {
        return not_updated(format!(
            "it printed a line starting with `{closing}`, which would close the output block"
        ));
    }
    let target = Target {
        old: &output.lines,
        insert_at: output.insert_at,
        prefix: &fence[..marker_at],
        eol: lines::line_end_before(source, first),
    };
    updated(lines::rewrite(source, &target, &new).into_iter().collect())
}

/// pytest-examples' `#>` lines. The harness captures the block's stdout as a
/// whole, so how many lines each `print` wrote is unknown: one group of `#>`
/// lines takes all of it; several groups keep their sizes when the line count
/// is unchanged; otherwise everything goes to the first group.
fn comments(source: &str, block: &Block, stdout: &str) -> BlockUpdate {
    let is_comment = |range: &Range<usize>| source[range.clone()].trim_start().starts_with("#>");
    let code_lines = &block.code_lines;
    let mut groups: Vec<&[Range<usize>]> = Vec::new();
    let mut index = 0;
    while index < code_lines.len() {
        let start = index;
        while index < code_lines.len() && is_comment(&code_lines[index]) {
            index += 1;
        }
        if index > start {
            groups.push(&code_lines[start..index]);
        } else {
            index += 1;
        }
    }
    let total: usize = groups.iter().map(|group| group.len()).sum();
    // What the `#>` lines alone state, as the extractor reads them.
    let stated_by_comments: String = code_lines
        .iter()
        .filter(|range| is_comment(range))
        .map(|range| {
            let value = &source[range.clone()].trim_start()["#>".len()..];
            format!("{}\n", value.strip_prefix(' ').unwrap_or(value))
        })
        .collect();
    if let Expectation::Comments { expected, .. } = &block.expectation
        && *expected != stated_by_comments
    {
        // Part of the expected output is a triple-quoted string after a
        // `print(...)` (maybe holding `#>` lines itself); rewriting only the
        // `#>` lines would duplicate it (found by `update::proptests`).
        return not_updated(
            "part of its expected output is a string after `print(...)`, not `#>` lines".to_owned(),
        );
    }
    let printed = lines::split(stdout);
    let mut note = None;
    let mut values = printed.into_iter();
    let shares: Vec<Vec<String>> = if groups.len() > 1 && total == values.len() {
        groups
            .iter()
            .map(|group| values.by_ref().take(group.len()).collect())
            .collect()
    } else {
        if groups.len() > 1 {
            note = Some(format!(
                "{} printed lines do not fit the {} `#>` lines in {} groups: \
                 all of them are now in the first group",
                values.len(),
                total,
                groups.len()
            ));
        }
        let mut shares = vec![Vec::new(); groups.len()];
        if let Some(first) = shares.first_mut() {
            *first = values.collect();
        }
        shares
    };
    let mut edits = Vec::new();
    for (group, share) in groups.iter().zip(shares) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let contents: Vec<String> = share
            .iter()
            .enumerate()
            .map(|(position, value)| {
                let model = &source[group.get(position).unwrap_or(last).clone()];
                let indent = &model[..model.len() - model.trim_start().len()];
                let old_value = model
                    .trim_start()
                    .strip_prefix("#>")
                    .map(|rest| rest.strip_prefix(' ').unwrap_or(rest));
                if group.get(position).is_some() && old_value == Some(value.as_str()) {
                    // Unchanged (`#>x` without a space too): kept as written.
                    model.to_owned()
                } else if value.is_empty() {
                    format!("{indent}#>")
                } else {
                    format!("{indent}#> {value}")
                }
            })
            .collect();
        let target = Target {
            old: group,
            insert_at: first.start,
            prefix: lines::prefix(source, first),
            eol: lines::line_end(source, last.end).1,
        };
        edits.extend(lines::rewrite(source, &target, &contents));
    }
    BlockUpdate {
        edits,
        fixed: true,
        note,
    }
}

/// Each failed example's expected output becomes what it printed (`got`).
/// Examples that raised unexpectedly are left alone, so the block still fails.
fn doctest(source: &str, block: &Block, report: &DoctestReport) -> BlockUpdate {
    let mut edits = Vec::new();
    let mut problems = Vec::new();
    for example in report.examples.iter().filter(|e| !e.ok && !e.skipped) {
        match doctest_example(source, block, example) {
            Ok(edit) => edits.extend(edit),
            Err(problem) => problems.push(format!("example at line {}: {problem}", example.line)),
        }
    }
    if problems.is_empty() {
        return updated(edits);
    }
    BlockUpdate {
        edits,
        fixed: false,
        note: Some(format!("not updated: {}", problems.join("; "))),
    }
}

fn doctest_example(
    source: &str,
    block: &Block,
    example: &DoctestExample,
) -> Result<Option<Edit>, &'static str> {
    const LOST: &str = "its lines were not found in the block";
    let expects_exception = is_traceback(&example.want);
    if example.exception && !expects_exception {
        return Err("it raised an exception it does not expect");
    }
    let code_lines = &block.code_lines;
    let first = example
        .line
        .checked_sub(block.code_line)
        .filter(|&first| first < code_lines.len())
        .ok_or(LOST)?;
    let prompt = &source[code_lines[first].clone()];
    if !prompt.trim_start().starts_with(">>>") {
        return Err(LOST);
    }
    let indent = &prompt[..prompt.len() - prompt.trim_start().len()];
    let want_start = first + example.source.matches('\n').count().max(1);
    let want_count = example.want.split_inclusive('\n').count();
    let old = code_lines
        .get(want_start..want_start + want_count)
        .ok_or(LOST)?;
    let in_place = old
        .iter()
        .zip(example.want.lines())
        .all(|(range, want)| source[range.clone()].strip_prefix(indent) == Some(want));
    if !in_place {
        return Err(LOST);
    }
    let got = if example.exception {
        traceback_want(&example.want, &example.got)
    } else {
        example.got.clone()
    };
    let mut new = Vec::new();
    for (position, line) in lines::split(&got).into_iter().enumerate() {
        if line.trim_start().starts_with(">>>") {
            return Err("it printed a line starting with `>>>`");
        }
        // Only what doctest reads as a blank line (spaces, and tabs, which it
        // expands) ends the expected output; other whitespace is kept as
        // printed (found by `update::proptests`: U+2028 became a marker).
        if line.trim_matches([' ', '\t']).is_empty() {
            // A marker the file already spells its own way (`<BLANKLINE>`
            // and trailing whitespace, which doctest ignores) stays as it is
            // (found by `update::proptests`: `<BLANKLINE>` and U+2028).
            let kept = old
                .get(position)
                .and_then(|range| source[range.clone()].strip_prefix(indent))
                .filter(|old_line| is_blankline_marker(old_line));
            match kept {
                Some(old_line) => new.push(format!("{indent}{old_line}")),
                None => new.push(format!("{indent}<BLANKLINE>")),
            }
        } else {
            new.push(format!("{indent}{line}"));
        }
    }
    let (insert_at, eol) = lines::line_end(source, code_lines[want_start - 1].end);
    if eol.is_empty() {
        return Err(LOST);
    }
    let target = Target {
        old,
        insert_at,
        prefix: lines::prefix(source, &code_lines[first]),
        eol,
    };
    Ok(lines::rewrite(source, &target, &new))
}

/// Whether a line of a doctest `want` is doctest's blank-line marker:
/// `<BLANKLINE>` followed only by whitespace (doctest's `^<BLANKLINE>\s*?$`).
fn is_blankline_marker(line: &str) -> bool {
    line.strip_prefix("<BLANKLINE>")
        .is_some_and(|rest| rest.chars().all(char::is_whitespace))
}

/// Whether a doctest `want` is an expected traceback (doctest's `_EXCEPTION_RE`).
fn is_traceback(want: &str) -> bool {
    let header = want.lines().next().unwrap_or("").trim_end();
    header == "Traceback (most recent call last):" || header == "Traceback (innermost last):"
}

/// A traceback `want` with its header and stack lines kept and the exception
/// message replaced by the one raised now.
fn traceback_want(want: &str, got: &str) -> String {
    let Some(message) = got.strip_prefix(DOCTEST_EXCEPTION_HEADER) else {
        return got.to_owned();
    };
    let want_lines: Vec<&str> = want.split_inclusive('\n').collect();
    let stack = want_lines
        .iter()
        .skip(1)
        .take_while(|line| line.starts_with([' ', '\t']) || line.starts_with("..."))
        .count();
    let head = want_lines[..(1 + stack).min(want_lines.len())].concat();
    format!("{head}{message}")
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::extract::extract_document;
    use crate::update::apply::apply_edits;
    use crate::worker::protocol::{Captured, HarnessRecord};

    /// A finished run that printed `stdout` (shared with `update::proptests`).
    pub(in crate::update) fn run(
        status: &str,
        stdout: &str,
        doctest: Option<DoctestReport>,
    ) -> BlockRun {
        BlockRun {
            end: BlockEnd::Finished {
                record: Box::new(HarnessRecord {
                    status: status.to_owned(),
                    doctest,
                    ..Default::default()
                }),
            },
            stdout: Captured {
                text: stdout.to_owned(),
                dropped_bytes: 0,
            },
            stderr: Captured::default(),
            duration_ms: 0.0,
        }
    }

    /// The document after updating its only Python block, which printed `stdout`.
    #[track_caller]
    fn printed(markdown: &str, stdout: &str) -> (String, Option<String>) {
        let document = extract_document(markdown.as_bytes()).expect("UTF-8");
        let [block] = &document.blocks[..] else {
            panic!("one block expected in {markdown:?}");
        };
        let update = plan(&document.source, block, &run("ok", stdout, None)).expect("an update");
        let text = apply_edits(&document.source, update.edits).expect("disjoint edits");
        (text, update.note)
    }

    #[track_caller]
    fn case(markdown: &[&str], stdout: &str, expected: &[&str]) {
        for eol in ["\n", "\r\n"] {
            let markdown = markdown.join(eol) + eol;
            let expected = expected.join(eol) + eol;
            assert_eq!(printed(&markdown, stdout).0, expected, "{markdown:?}");
        }
    }

    #[test]
    fn files_with_lone_cr_line_ends_are_left_alone() {
        let markdown = "```python\rprint(1)\r```\r\r```output\r0\r```\r";
        let (text, note) = printed(markdown, "1\n");
        assert_eq!(text, markdown);
        assert!(note.unwrap().contains("lone `\\r` line ends"));
        // Read as lines, the same as with `\n`.
        let document = extract_document(markdown.as_bytes()).unwrap();
        assert_eq!(
            (document.blocks[0].fence_line, document.blocks[0].code_line),
            (1, 2)
        );
        assert_eq!(document.blocks[0].code, "print(1)\n");
    }

    #[test]
    fn output_blocks() {
        let plain = ["```python", "print(1)", "```", "", "```output", "0", "```"];
        case(
            &plain,
            "1\n2\n",
            &[
                "```python",
                "print(1)",
                "```",
                "",
                "```output",
                "1",
                "2",
                "```",
            ],
        );
        case(
            &plain,
            "",
            &["```python", "print(1)", "```", "", "```output", "```"],
        );
        case(
            &plain,
            "a\n\nb",
            &[
                "```python",
                "print(1)",
                "```",
                "",
                "```output",
                "a",
                "",
                "b",
                "```",
            ],
        );
        // Unchanged lines are kept as they were, blank lines included.
        case(
            &[
                "````py", "x", "````", "Output:", "~~~text", "a  ", "", "b", "~~~",
            ],
            "a  \n\nc\n",
            &[
                "````py", "x", "````", "Output:", "~~~text", "a  ", "", "c", "~~~",
            ],
        );
        let list = [
            "1. Item",
            "",
            "   ```python",
            "   x",
            "   ```",
            "",
            "   ```output",
            "   old",
            "   ```",
        ];
        case(
            &list,
            "new\n\nlines\n",
            &[
                "1. Item",
                "",
                "   ```python",
                "   x",
                "   ```",
                "",
                "   ```output",
                "   new",
                "",
                "   lines",
                "   ```",
            ],
        );
        let quote = [
            "> ```python",
            "> x",
            "> ```",
            ">",
            "> ```output",
            "> 1",
            "> 2",
            "> 3",
            "> ```",
        ];
        case(
            &quote,
            "9\n\n",
            &[
                "> ```python",
                "> x",
                "> ```",
                ">",
                "> ```output",
                "> 9",
                ">",
                "> ```",
            ],
        );
        let admonition = [
            "!!! note",
            "",
            "    ```python",
            "    x",
            "    ```",
            "",
            "    ```output",
            "    1",
            "    ```",
        ];
        case(
            &admonition,
            "2\n",
            &[
                "!!! note",
                "",
                "    ```python",
                "    x",
                "    ```",
                "",
                "    ```output",
                "    2",
                "    ```",
            ],
        );
    }

    #[test]
    fn empty_output_blocks_are_filled_with_the_container_prefix() {
        case(
            &["```python", "x", "```", "```output", "```"],
            "1\n",
            &["```python", "x", "```", "```output", "1", "```"],
        );
        case(
            &["> ```python", "> x", "> ```", "> ```output", "> ```"],
            "1\n\n2\n",
            &[
                "> ```python",
                "> x",
                "> ```",
                "> ```output",
                "> 1",
                ">",
                "> 2",
                "> ```",
            ],
        );
        case(
            &[
                "- a",
                "",
                "  ```python",
                "  x",
                "  ```",
                "  ```output",
                "  ```",
            ],
            "1\n",
            &[
                "- a",
                "",
                "  ```python",
                "  x",
                "  ```",
                "  ```output",
                "  1",
                "  ```",
            ],
        );
        case(
            &[
                "??? tip",
                "    ```python",
                "    x",
                "    ```",
                "    ```text",
                "    ```",
            ],
            "1\n",
            &[
                "??? tip",
                "    ```python",
                "    x",
                "    ```",
                "    ```text",
                "    1",
                "    ```",
            ],
        );
    }

    #[test]
    fn output_that_would_break_the_block_is_not_written() {
        let markdown = "```python\nx\n```\n```output\n1\n```\n";
        let (text, note) = printed(markdown, "```\n");
        assert_eq!(text, markdown);
        assert!(note.is_some_and(|note| note.contains("would close")));
        let document = extract_document(markdown.as_bytes()).unwrap();
        let mut truncated = run("ok", "2\n", None);
        truncated.stdout.dropped_bytes = 10;
        let update = plan(&document.source, &document.blocks[0], &truncated).unwrap();
        assert!(!update.fixed && update.edits.is_empty());
        let raised = run("exception", "2\n", None);
        assert_eq!(plan(&document.source, &document.blocks[0], &raised), None);
    }

    #[test]
    fn comment_groups() {
        // One group takes everything printed.
        case(
            &["```python", "print(1, 2)", "#> 1", "```"],
            "1\n2\n\n",
            &["```python", "print(1, 2)", "#> 1", "#> 2", "#>", "```"],
        );
        case(
            &[
                "- a",
                "  ```python",
                "  for i in x:",
                "      print(i)",
                "      #> 0",
                "  ```",
            ],
            "5\n6\n",
            &[
                "- a",
                "  ```python",
                "  for i in x:",
                "      print(i)",
                "      #> 5",
                "      #> 6",
                "  ```",
            ],
        );
        case(
            &["> ```python", "> print()", "> #> 1", "> ```"],
            "",
            &["> ```python", "> print()", "> ```"],
        );
        // Several groups and as many lines as before: line by line, in place.
        let groups = [
            "!!! note",
            "    ```python",
            "    print(1)",
            "    #> 1",
            "    print(2, 3)",
            "    #> 2",
            "    #> 3",
            "    ```",
        ];
        case(
            &groups,
            "a\nb\nc\n",
            &[
                "!!! note",
                "    ```python",
                "    print(1)",
                "    #> a",
                "    print(2, 3)",
                "    #> b",
                "    #> c",
                "    ```",
            ],
        );
        // Otherwise all in the first group, and a note says so.
        case(
            &groups,
            "a\nb\n",
            &[
                "!!! note",
                "    ```python",
                "    print(1)",
                "    #> a",
                "    #> b",
                "    print(2, 3)",
                "    ```",
            ],
        );
        let (_, note) = printed("```python\nprint(1)\n#> 1\nprint(2)\n#> 2\n```\n", "1\n");
        assert!(note.is_some_and(|note| note.contains("first group")));
    }

    fn example(line: usize, source: &str, want: &str, got: &str) -> DoctestExample {
        DoctestExample {
            line,
            source: source.to_owned(),
            want: want.to_owned(),
            got: got.to_owned(),
            ok: want == got,
            exception: got.starts_with(DOCTEST_EXCEPTION_HEADER),
            skipped: false,
        }
    }

    #[track_caller]
    fn doctest_case(
        markdown: &[&str],
        examples: Vec<DoctestExample>,
        expected: &[&str],
        fixed: bool,
    ) {
        for eol in ["\n", "\r\n"] {
            let markdown = markdown.join(eol) + eol;
            let document = extract_document(markdown.as_bytes()).expect("UTF-8");
            let block = &document.blocks[0];
            let report = DoctestReport {
                examples: examples.clone(),
                failed: 0,
            };
            let update = plan(&document.source, block, &run("doctest", "", Some(report))).unwrap();
            let text = apply_edits(&document.source, update.edits).unwrap();
            assert_eq!(text, expected.join(eol) + eol, "{markdown:?}");
            assert_eq!(update.fixed, fixed, "{:?}", update.note);
        }
    }

    #[test]
    fn a_blank_line_marker_keeps_its_own_spelling() {
        // `<BLANKLINE>` with trailing whitespace is still the marker for
        // doctest; rewriting the example leaves that line as it was.
        doctest_case(
            &[
                "```pycon",
                ">>> print('a\\n\\nb')",
                "a",
                "<BLANKLINE>\u{2028}",
                "c",
                "```",
            ],
            vec![example(
                2,
                ">>> print('a\\n\\nb')\n",
                "a\n<BLANKLINE>\u{2028}\nc\n",
                "a\n\nb\n",
            )],
            &[
                "```pycon",
                ">>> print('a\\n\\nb')",
                "a",
                "<BLANKLINE>\u{2028}",
                "b",
                "```",
            ],
            true,
        );
    }

    #[test]
    fn doctest_examples() {
        doctest_case(
            &[
                "```pycon",
                ">>> 1 + 1",
                "3",
                ">>> x = 1",
                ">>> print('a')",
                "```",
            ],
            vec![
                example(2, ">>> 1 + 1\n", "3\n", "2\n"),
                example(4, ">>> x = 1\n", "", ""),
                example(5, ">>> print('a')\n", "", "a\n\nb\n"),
            ],
            &[
                "```pycon",
                ">>> 1 + 1",
                "2",
                ">>> x = 1",
                ">>> print('a')",
                "a",
                "<BLANKLINE>",
                "b",
                "```",
            ],
            true,
        );
        // Indented examples in a list item and an admonition keep both indents.
        doctest_case(
            &[
                "- a",
                "",
                "  ```pycon",
                "    >>> f(",
                "    ...   1)",
                "    [1,",
                "     2]",
                "    >>> 2",
                "  ```",
            ],
            vec![
                example(4, ">>> f(\n...   1)\n", "[1,\n 2]\n", "[1]\n"),
                example(8, ">>> 2\n", "", "2\n"),
            ],
            &[
                "- a",
                "",
                "  ```pycon",
                "    >>> f(",
                "    ...   1)",
                "    [1]",
                "    >>> 2",
                "    2",
                "  ```",
            ],
            true,
        );
        doctest_case(
            &["> ```pycon", "> >>> 2", "> ```"],
            vec![example(2, ">>> 2\n", "", "2\n")],
            &["> ```pycon", "> >>> 2", "> 2", "> ```"],
            true,
        );
        // An expected traceback keeps its stack lines; an unexpected one is not written.
        let raised = format!("{DOCTEST_EXCEPTION_HEADER}ValueError: b\n");
        let mut skipped = example(7, ">>> g()\n", "1\n", "");
        skipped.skipped = true;
        skipped.ok = true;
        doctest_case(
            &[
                "```pycon",
                ">>> f()",
                "Traceback (most recent call last):",
                "  ...",
                "ValueError: a",
                ">>> 1/0",
                "1",
                ">>> g()",
                "1",
                "```",
            ],
            vec![
                example(
                    2,
                    ">>> f()\n",
                    "Traceback (most recent call last):\n  ...\nValueError: a\n",
                    &raised,
                ),
                example(
                    6,
                    ">>> 1/0\n",
                    "1\n",
                    &format!("{DOCTEST_EXCEPTION_HEADER}ZeroDivisionError: division by zero\n"),
                ),
                skipped,
            ],
            &[
                "```pycon",
                ">>> f()",
                "Traceback (most recent call last):",
                "  ...",
                "ValueError: b",
                ">>> 1/0",
                "1",
                ">>> g()",
                "1",
                "```",
            ],
            false,
        );
    }
}
