//! Property tests of the extractor: whatever the bytes, it answers without
//! panicking, and every range it reports indexes the text it came from.
//!
//! The default case count keeps `cargo test` quick; `PROPTEST_CASES=N`
//! scales every property here (and in `update::proptests`) up for a long
//! fuzzing run, e.g. `PROPTEST_CASES=200000 cargo test --release proptest`.

use proptest::prelude::*;

use super::{Document, Expectation, extract_document};

/// Cases per property when `PROPTEST_CASES` is not set.
const DEFAULT_CASES: u32 = 256;

/// The configuration of every property: `PROPTEST_CASES` if set, else
/// [`DEFAULT_CASES`].
pub(crate) fn config() -> ProptestConfig {
    let mut config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = DEFAULT_CASES;
    }
    config
}

/// Line prefixes that open or continue containers.
const PREFIXES: &[&str] = &[
    "", "", "", "", " ", "  ", "   ", "    ", "        ", "\t", "> ", ">", "> > ", "- ", "* ",
    "1. ", "10) ", "- > ", ">   ", "  - ",
];

/// Line contents that matter to the extractor: fences and info strings,
/// directives, doctest prompts, output markers, comments, containers.
const CONTENTS: &[&str] = &[
    "```python",
    "```py",
    "```python3",
    "```py3",
    "```pycon",
    "```{doctest}",
    "```python skip",
    "```python no-run",
    "```python raises=ValueError",
    "```python timeout=1s",
    "```python isolated",
    "```python session=a",
    "```python requires=3.12",
    "```python {test=\"skip\"}",
    "```python {test=\"xfail\"}",
    "```python {group=\"g\"}",
    "```python bogus=1",
    "```python memory=2G processes=8",
    "```python output=none",
    "``` python",
    "```python\tx",
    "```output",
    "```text",
    "```bash",
    "```",
    "````",
    "````python",
    "`````",
    "~~~python",
    "~~~",
    "~~~~output",
    "<!-- skip: next -->",
    "<!-- skip: start -->",
    "<!-- skip: end -->",
    "<!-- skip: next if(True, reason=\"r\") -->",
    "<!--phmdoctest-skip-->",
    "<!--phmdoctest-setup-->",
    "<!-- clear-namespace -->",
    "<!-- invisible-code-block: python",
    "<!--",
    "-->",
    "<!-- x = 1 -->",
    "<div>",
    "</div>",
    "---",
    "title: x",
    "x = 1",
    "print(1)",
    "print('a')",
    "def f():",
    "    return 1",
    "\"\"\"",
    ">>> 1 + 1",
    ">>> print('x')",
    ">>> def g():",
    ">>>",
    ">>>x",
    "... y",
    "...     return 2",
    "...",
    "2",
    "x",
    "<BLANKLINE>",
    "Traceback (most recent call last):",
    "ValueError: boom",
    "#> 1",
    "#> a",
    "#>",
    "Output:",
    "Result",
    "",
    "",
    "",
    "!!! note",
    "??? tip",
    "???+ tip \"Title\"",
    "=== \"Tab\"",
    "# Heading",
    "| a | b |",
    "é",
    "\u{feff}",
    "\u{2028}",
    "𝄞 wide",
    "  trailing  ",
    "\r",
    "\0",
];

/// One line's content: mostly interesting tokens, sometimes free text.
fn content() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::sample::select(CONTENTS).prop_map(str::to_owned),
        1 => "[ -~é\t\r`~>]{0,16}",
        1 => (prop::sample::select(CONTENTS), prop::sample::select(CONTENTS))
            .prop_map(|(a, b)| format!("{a}{b}")),
    ]
}

/// A Markdown-like document: lines of container prefixes and interesting
/// contents, with `\n` or `\r\n` line ends (sometimes mixed), maybe a BOM,
/// maybe no final line end. No lone `\r` (the `--update` properties use it
/// too): see [`markdown_with_lone_cr`].
pub(crate) fn markdown() -> impl Strategy<Value = String> {
    markdown_with_lone_cr().prop_map(|text| without_lone_cr(&text))
}

/// `text` without the `\r`s that are not followed by `\n`.
fn without_lone_cr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\r' || chars.peek() == Some(&'\n') {
            out.push(c);
        }
    }
    out
}

/// [`markdown`] with lone `\r`s, which CommonMark, Python and kata read as
/// line ends.
pub(crate) fn markdown_with_lone_cr() -> impl Strategy<Value = String> {
    let line = (
        prop::sample::select(PREFIXES),
        prop::sample::select(PREFIXES),
        content(),
    );
    (
        prop::collection::vec(line, 0..60),
        0..3u8,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(lines, line_ends, bom, final_eol)| {
            let mut text = String::new();
            if bom {
                text.push('\u{feff}');
            }
            let count = lines.len();
            for (index, (outer, inner, content)) in lines.into_iter().enumerate() {
                // Nested prefixes only sometimes, so plain lines dominate.
                let inner = if index % 3 == 0 { inner } else { "" };
                text.push_str(outer);
                text.push_str(inner);
                text.push_str(&content);
                if index + 1 < count || final_eol {
                    let crlf = match line_ends {
                        0 => false,
                        1 => true,
                        _ => content.len() % 2 == 1,
                    };
                    text.push_str(if crlf { "\r\n" } else { "\n" });
                }
            }
            text
        })
}

/// Lines of `text`: `\n`, `\r\n` and a lone `\r` end a line, as in
/// CommonMark and Python.
fn line_count(text: &str) -> usize {
    text.replace("\r\n", "\n").split(['\n', '\r']).count()
}

/// What must hold of every document the extractor returns.
pub(crate) fn check_document(document: &Document) -> Result<(), TestCaseError> {
    let source = &document.source;
    let line_count = line_count(source);
    let mut previous_fence = 0;
    for block in &document.blocks {
        let at = block.fence_line;
        prop_assert!(at >= 1 && at <= line_count, "fence line {at}");
        prop_assert!(at >= previous_fence, "blocks out of order at {at}");
        previous_fence = at;
        prop_assert!(
            block.code_line > at && block.code_line <= line_count + 1,
            "code line {} of the block at {at}",
            block.code_line
        );
        prop_assert!(
            block.code.is_empty() || block.code.ends_with('\n'),
            "code of the block at {at} does not end with a line end: {:?}",
            block.code
        );
        check_ranges(source, &block.code_lines, &block.code, at)?;
        match &block.expectation {
            Expectation::Output(output) => {
                prop_assert!(output.fence_line > at, "output fence before its block");
                prop_assert!(
                    output.text.is_empty() || output.text.ends_with('\n'),
                    "output text {:?}",
                    output.text
                );
                check_ranges(source, &output.lines, &output.text, output.fence_line)?;
                prop_assert!(
                    source.is_char_boundary(output.insert_at) && output.insert_at <= source.len(),
                    "insert_at {} of the output at {}",
                    output.insert_at,
                    output.fence_line
                );
            }
            Expectation::Comments { expected, lines } => {
                prop_assert_eq!(
                    expected.lines().count(),
                    lines.len(),
                    "one line per `#>` value in the block at {}",
                    at
                );
            }
            _ => {}
        }
    }
    for warning in &document.warnings {
        prop_assert!(
            warning.line >= 1 && warning.line <= line_count + 1,
            "warning line {}: {}",
            warning.line,
            warning.message
        );
    }
    Ok(())
}

/// Each range slices one line of `text` out of `source`, in order, without
/// overlapping and without a line end inside.
fn check_ranges(
    source: &str,
    ranges: &[std::ops::Range<usize>],
    text: &str,
    at: usize,
) -> Result<(), TestCaseError> {
    let mut sliced = Vec::with_capacity(ranges.len());
    let mut end = 0;
    for range in ranges {
        prop_assert!(
            range.start >= end && range.start <= range.end,
            "range {range:?} of the block at {at} overlaps or is reversed"
        );
        end = range.end;
        let Some(line) = source.get(range.clone()) else {
            return Err(TestCaseError::fail(format!(
                "range {range:?} of the block at {at} is not in the source ({} bytes)",
                source.len()
            )));
        };
        prop_assert!(
            !line.contains('\n') && !line.contains('\r'),
            "range {range:?} spans lines"
        );
        sliced.push(line);
    }
    let lines: Vec<&str> = text.lines().collect();
    prop_assert_eq!(sliced, lines, "lines of the block at {}", at);
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn proptest_arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        if let Ok(document) = extract_document(&bytes) {
            check_document(&document)?;
        }
    }

    #[test]
    fn proptest_arbitrary_text_reads_and_indexes(text in any::<String>()) {
        let document = extract_document(text.as_bytes())
            .map_err(|error| TestCaseError::fail(format!("UTF-8 refused: {error}")))?;
        check_document(&document)?;
    }

    #[test]
    fn proptest_markdown_reads_and_indexes(text in markdown()) {
        let document = extract_document(text.as_bytes())
            .map_err(|error| TestCaseError::fail(format!("UTF-8 refused: {error}")))?;
        check_document(&document)?;
    }

    /// Found by these properties (and fixed): a lone `\r` is a line end to
    /// pulldown-cmark and Python, and now to kata's line index too.
    #[test]
    fn proptest_markdown_with_lone_cr_reads_and_indexes(text in markdown_with_lone_cr()) {
        let document = extract_document(text.as_bytes())
            .map_err(|error| TestCaseError::fail(format!("UTF-8 refused: {error}")))?;
        check_document(&document)?;
    }

    #[test]
    fn proptest_markdown_with_a_bad_byte_names_its_line(text in markdown(), at in any::<prop::sample::Index>()) {
        let mut bytes = text.into_bytes();
        let index = at.index(bytes.len() + 1);
        bytes.insert(index, 0xff);
        // A `\r\n` split by the bad byte leaves a lone `\r`: a line end.
        let line = 1 + (0..index)
            .filter(|&at| {
                bytes[at] == b'\n' || bytes[at] == b'\r' && bytes.get(at + 1) != Some(&b'\n')
            })
            .count();
        prop_assert_eq!(
            extract_document(&bytes),
            Err(super::ExtractError::NotUtf8 { line })
        );
    }
}

/// The first finding: a tab partly taken by a fence's indentation.
#[test]
fn a_tab_partly_taken_by_the_fence_indentation_keeps_its_range() {
    for markdown in [
        " ```python\n\tx = 1\n ```\n",
        "> ```python\n>\tx = 1\n> ```\n",
        " ```python\nprint(1)\n```\n\n ~~~~output\n\t1\n ~~~~\n",
        // Found by the long run: a tab, then a quote marker, then the content.
        "> > ```python\n>   \t>>> 1 + 1\n",
    ] {
        let document = extract_document(markdown.as_bytes()).expect("UTF-8");
        assert_eq!(document.blocks.len(), 1, "{markdown:?}");
        check_document(&document).unwrap_or_else(|error| panic!("{markdown:?}: {error}"));
    }
}
