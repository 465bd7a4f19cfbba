//! Reads a Markdown file into its Python blocks: decoding (UTF-8 only, a
//! leading BOM dropped), YAML front matter set aside, then scanning with
//! pulldown-cmark and assembling the blocks.

use super::blocks::blocks;
use super::lines::LineIndex;
use super::scan::scan;
use super::{Document, ExtractError};

pub(crate) fn extract_document(bytes: &[u8]) -> Result<Document, ExtractError> {
    let text = std::str::from_utf8(bytes).map_err(|error| ExtractError::NotUtf8 {
        line: 1 + line_ends_before(bytes, error.valid_up_to()),
    })?;
    let source = text.strip_prefix('\u{feff}').unwrap_or(text).to_owned();
    // A lone `\r` ends a line for CommonMark (pulldown-cmark) and Python; the
    // extractor reads a copy where it is a `\n` (same length, so every byte
    // range is valid in `source` too), and its lines and line numbers agree.
    let read = lone_cr_as_lf(&source);
    let lines = LineIndex::new(&read);
    let (items, mut warnings) = scan(without_front_matter(&read), &read, &lines);
    let blocks = blocks(items, &read, &lines, &mut warnings);
    warnings.sort_by_key(|warning| warning.line);
    Ok(Document {
        source,
        blocks,
        warnings,
    })
}

/// Line ends (`\n`, `\r\n`, lone `\r`) in `bytes[..end]`.
fn line_ends_before(bytes: &[u8], end: usize) -> usize {
    let end = end.min(bytes.len());
    (0..end)
        .filter(|&at| bytes[at] == b'\n' || bytes[at] == b'\r' && bytes.get(at + 1) != Some(&b'\n'))
        .count()
}

/// `text` with every `\r` that is not followed by `\n` replaced by `\n`.
fn lone_cr_as_lf(text: &str) -> String {
    let bytes = text.as_bytes();
    if !bytes
        .iter()
        .enumerate()
        .any(|(at, &byte)| byte == b'\r' && bytes.get(at + 1) != Some(&b'\n'))
    {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(if c == '\r' && chars.peek() != Some(&'\n') {
            '\n'
        } else {
            c
        });
    }
    out
}

/// `source` with YAML front matter (`---` on the first line up to a `---` or
/// `...` line) blanked, byte offsets kept: its fences are not code.
fn without_front_matter(source: &str) -> String {
    let mut lines = source.split_inclusive('\n');
    let is = |line: &str, marker: &str| line.trim_end() == marker;
    if !lines.next().is_some_and(|first| is(first, "---")) {
        return source.to_owned();
    }
    let Some(end) = lines.position(|line| is(line, "---") || is(line, "...")) else {
        return source.to_owned();
    };
    let mut blanked = String::with_capacity(source.len());
    for (index, line) in source.split_inclusive('\n').enumerate() {
        if index <= end + 1 {
            let content = line.trim_end_matches(['\n', '\r']);
            blanked.extend(std::iter::repeat_n(' ', content.len()));
            blanked.push_str(line.get(content.len()..).unwrap_or(""));
        } else {
            blanked.push_str(line);
        }
    }
    blanked
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;
    use crate::extract::{
        Block, Expectation, ExpectedOutput, Language, Requirement, Stage, Warning,
    };

    fn md(lines: &[&str]) -> String {
        lines.iter().map(|line| format!("{line}\n")).collect()
    }

    /// Every range gives back, byte for byte, the line of code or output it stands for.
    #[track_caller]
    fn assert_ranges(document: &Document) {
        for block in &document.blocks {
            let lines: Vec<_> = block.code.lines().collect();
            let sliced: Vec<_> = block
                .code_lines
                .iter()
                .map(|range| &document.source[range.clone()])
                .collect();
            assert_eq!(sliced, lines, "block at line {}", block.fence_line);
            if let Expectation::Output(output) = &block.expectation {
                let lines: Vec<_> = output.text.lines().collect();
                let sliced: Vec<_> = output
                    .lines
                    .iter()
                    .map(|range| &document.source[range.clone()])
                    .collect();
                assert_eq!(sliced, lines, "output at line {}", output.fence_line);
            }
        }
    }

    #[track_caller]
    fn extract(markdown: &str) -> Document {
        let document = extract_document(markdown.as_bytes()).expect("valid UTF-8");
        assert_ranges(&document);
        document
    }

    /// `(fence_line, code_line, code)` of each block.
    #[track_caller]
    fn case(markdown: &str, expected: &[(usize, usize, &str)]) {
        let document = extract(markdown);
        let actual: Vec<_> = document
            .blocks
            .iter()
            .map(|block| (block.fence_line, block.code_line, block.code.as_str()))
            .collect();
        assert_eq!(actual, expected, "{markdown}");
    }

    /// `(fence_line, expectation kind)` of each block.
    #[track_caller]
    fn kinds(markdown: &str, expected: &[(usize, &str)]) {
        let document = extract(markdown);
        let actual: Vec<_> = document
            .blocks
            .iter()
            .map(|block| (block.fence_line, block.expectation.kind()))
            .collect();
        assert_eq!(actual, expected, "{markdown}");
    }

    #[track_caller]
    fn skips(markdown: &str, expected: &[(usize, Option<&str>)]) {
        let document = extract(markdown);
        let actual: Vec<_> = document
            .blocks
            .iter()
            .map(|block| (block.fence_line, block.directives.skip.as_deref()))
            .collect();
        assert_eq!(actual, expected, "{markdown}");
    }

    #[track_caller]
    fn warnings(markdown: &str, expected: &[(usize, &str)]) {
        let document = extract(markdown);
        let actual: Vec<_> = document
            .warnings
            .iter()
            .map(|warning| (warning.line, warning.message.as_str()))
            .collect();
        assert_eq!(actual, expected, "{markdown}");
    }

    fn output(markdown: &str, block: usize) -> ExpectedOutput {
        match extract(markdown).blocks.swap_remove(block).expectation {
            Expectation::Output(output) => output,
            other => panic!("expected an output block, got {other:?}"),
        }
    }

    #[test]
    fn languages() {
        for word in [
            "python",
            "py",
            "python3",
            "py3",
            "Python",
            "PY3",
            "pycon",
            "{doctest}",
        ] {
            case(
                &md(&["```{word}", "x = 1", "```"]).replace("{word}", word),
                &[(1, 2, "x = 1\n")],
            );
        }
        for info in ["bash", "pythonic", "{.python}", "", "text", "output"] {
            case(
                &md(&["```{info}", "x = 1", "```"]).replace("{info}", info),
                &[],
            );
        }
        let document = extract(&md(&[
            "```pycon",
            ">>> 1",
            "1",
            "```",
            "```{doctest}",
            ">>> 1",
            "```",
            "```py",
            "```",
        ]));
        let languages: Vec<_> = document.blocks.iter().map(|block| block.language).collect();
        assert_eq!(
            languages,
            [Language::Pycon, Language::MystDoctest, Language::Python]
        );
        assert!(document.blocks.iter().all(|block| !block.hidden));
    }

    #[test]
    fn not_code() {
        case(
            &md(&[
                "Text",
                "",
                "    x = 1",
                "",
                "<pre>",
                "```python",
                "y = 2",
                "```",
                "</pre>",
            ]),
            &[],
        );
    }

    #[test]
    fn fences() {
        case(&md(&["~~~python", "a", "~~~"]), &[(1, 2, "a\n")]);
        case(
            &md(&["````python", "```", "a", "````"]),
            &[(1, 2, "```\na\n")],
        );
        case(
            &md(&["   ```python", "   a", "     b", "   ```"]),
            &[(1, 2, "a\n  b\n")],
        );
        case(&md(&["```python", "```"]), &[(1, 2, "")]);
        case(
            &md(&["```python", "", "a", "", "```"]),
            &[(1, 2, "\na\n\n")],
        );
        case(
            &md(&["```python", "\tif x:", "\t\ty", "```"]),
            &[(1, 2, "\tif x:\n\t\ty\n")],
        );
        case(
            &md(&[
                "```python title=\"a.py\"",
                "a",
                "```",
                "Prose",
                "",
                "```py",
                "b",
                "```",
            ]),
            &[(1, 2, "a\n"), (6, 7, "b\n")],
        );
    }

    #[test]
    fn lists_and_quotes() {
        case(
            &md(&["- item", "", "  ```python", "  a", "   b", "  ```"]),
            &[(3, 4, "a\n b\n")],
        );
        case(
            &md(&[
                "1. one",
                "   - nested",
                "",
                "     ```python",
                "     a",
                "     ```",
            ]),
            &[(4, 5, "a\n")],
        );
        case(
            &md(&["> ```python", "> a", ">", ">  b", "> ```"]),
            &[(1, 2, "a\n\n b\n")],
        );
        case(&md(&["> > ```py", "> > a", "> > ```"]), &[(1, 2, "a\n")]);
        case(
            &md(&[
                "> - item",
                ">",
                ">   ```python",
                ">   a",
                ">   ```",
                ">",
                "> text",
            ]),
            &[(3, 4, "a\n")],
        );
    }

    #[test]
    fn containers() {
        let block = |opener: &str| {
            md(&[
                opener,
                "",
                "    ```python",
                "    a",
                "",
                "      b",
                "    ```",
                "",
                "after",
            ])
        };
        for opener in [
            "!!! note",
            "!!! note \"Title\"",
            "??? tip",
            "???+ tip",
            "=== \"Tab\"",
        ] {
            case(&block(opener), &[(3, 4, "a\n\n  b\n")]);
        }
        case(
            &md(&["!!! note", "    ```python", "    a", "    ```"]),
            &[(2, 3, "a\n")],
        );
        case(
            &md(&[
                "!!! note",
                "    Some prose.",
                "",
                "    More prose.",
                "    ```python",
                "    a",
                "    ```",
            ]),
            &[(5, 6, "a\n")],
        );
        case(
            &md(&[
                "=== \"One\"",
                "",
                "    ```python",
                "    a",
                "    ```",
                "",
                "=== \"Two\"",
                "",
                "    ```python",
                "    b",
                "    ```",
            ]),
            &[(3, 4, "a\n"), (9, 10, "b\n")],
        );
    }

    #[test]
    fn nested_containers() {
        case(
            &md(&[
                "!!! note",
                "",
                "    Prose.",
                "",
                "    ??? tip",
                "",
                "        ```python",
                "        a",
                "        ```",
                "",
                "    ```py",
                "    b",
                "    ```",
            ]),
            &[(7, 8, "a\n"), (11, 12, "b\n")],
        );
        case(
            &md(&["> !!! note", ">     ```python", ">     a", ">     ```"]),
            &[(2, 3, "a\n")],
        );
    }

    /// A nested container followed by more content of the outer one: the
    /// nested opener must stay in the outer container's content (`case` also
    /// checks that `&source[range]` gives back each code line).
    #[test]
    fn nested_containers_followed_by_outer_content() {
        for after in [
            "    Some prose of the warning.",
            "    !!! info",
            "    > A quote in the warning.",
            "- item",
        ] {
            case(
                &md(&[
                    "!!! warning",
                    "",
                    "    !!! note \"Nested\"",
                    "",
                    "        <!-- expect: pass -->",
                    "        ```py",
                    "        print(\"deep\")",
                    "        ```",
                    "",
                    "        ```output",
                    "        deep",
                    "        ```",
                    "",
                    after,
                    "",
                    "```python",
                    "b",
                    "```",
                ]),
                &[(6, 7, "print(\"deep\")\n"), (16, 17, "b\n")],
            );
        }
        case(
            &md(&[
                "!!! warning",
                "",
                "    !!! note",
                "",
                "        ```python",
                "        a",
                "        ```",
                "",
                "    !!! info",
                "",
                "        ```python",
                "        b",
                "        ```",
                "",
                "    Prose.",
                "",
                "!!! tip",
                "",
                "    More text.",
            ]),
            &[(5, 6, "a\n"), (11, 12, "b\n")],
        );
        case(
            &md(&[
                "!!! warning",
                "    !!! note",
                "        ```python",
                "        a",
                "        ```",
                "    !!! info",
                "        ```python",
                "        b",
                "        ```",
                "!!! tip",
                "    More text.",
            ]),
            &[(3, 4, "a\n"), (7, 8, "b\n")],
        );
    }

    #[test]
    fn three_levels_of_containers() {
        case(
            &md(&[
                "!!! warning",
                "",
                "    ??? note",
                "",
                "        ???+ tip",
                "",
                "            ```python",
                "            if a:",
                "                b",
                "            ```",
                "",
                "        Prose of the note.",
                "",
                "        ```py",
                "        c",
                "        ```",
                "",
                "    Prose of the warning.",
                "",
                "    ```python",
                "    d",
                "    ```",
                "",
                "after",
            ]),
            &[(7, 8, "if a:\n    b\n"), (14, 15, "c\n"), (20, 21, "d\n")],
        );
    }

    #[test]
    fn tabs_in_containers() {
        case(
            &md(&[
                "!!! note",
                "",
                "    === \"One\"",
                "",
                "        ```python",
                "        a",
                "        ```",
                "",
                "    === \"Two\"",
                "",
                "        ```python",
                "        b",
                "        ```",
                "",
                "    Prose of the note.",
                "",
                "```python",
                "c",
                "```",
            ]),
            &[(5, 6, "a\n"), (11, 12, "b\n"), (17, 18, "c\n")],
        );
        case(
            &md(&[
                "!!! note",
                "",
                "    1. Step",
                "",
                "        === \"One\"",
                "",
                "            ```python",
                "            a",
                "            ```",
                "",
                "        === \"Two\"",
                "",
                "            ```python",
                "            b",
                "            ```",
                "",
                "    2. Next",
                "",
                "    Prose of the note.",
            ]),
            &[(7, 8, "a\n"), (13, 14, "b\n")],
        );
    }

    #[test]
    fn container_in_list_item() {
        case(
            &md(&[
                "1. Step",
                "",
                "    !!! note",
                "",
                "        ```python",
                "        a",
                "        ```",
                "2. Next",
            ]),
            &[(5, 6, "a\n")],
        );
        case(
            &md(&["- !!! note", "", "      ```python", "      a", "      ```"]),
            &[(3, 4, "a\n")],
        );
        case(
            &md(&[
                "- Step",
                "  !!! tip",
                "      ```python",
                "      a",
                "      ```",
            ]),
            &[(3, 4, "a\n")],
        );
    }

    #[test]
    fn indented_code_after_prose_is_not_a_container() {
        case(&md(&["Text", "", "    ```python", "    a", "    ```"]), &[]);
    }

    #[test]
    fn bom_and_crlf() {
        let markdown = "\u{feff}# Title\r\n\r\n```python\r\na = 1\r\n\r\nb = 2\r\n```\r\n\r\n```output\r\n3\r\n```\r\n";
        let document = extract(markdown);
        assert_eq!(document.source, &markdown[3..]);
        let [block] = &document.blocks[..] else {
            panic!("one block expected: {:?}", document.blocks);
        };
        assert_eq!((block.fence_line, block.code_line), (3, 4));
        assert_eq!(block.code, "a = 1\n\nb = 2\n");
        assert_eq!(block.code_lines, [22..27, 29..29, 31..36]);
        let Expectation::Output(output) = &block.expectation else {
            panic!("output expected");
        };
        assert_eq!((output.fence_line, output.text.as_str()), (9, "3\n"));
        assert_eq!(&document.source[output.insert_at..], "```\r\n");
        case("\u{feff}```py\n```\n", &[(1, 2, "")]);
        case("```py\r\nx\r\n```", &[(1, 2, "x\n")]);
    }

    #[test]
    fn front_matter() {
        case(
            &md(&[
                "---",
                "title: x",
                "```python",
                "hidden = 1",
                "```",
                "---",
                "```python",
                "a",
                "```",
            ]),
            &[(7, 8, "a\n")],
        );
        case(
            &md(&["---", "```python", "```", "...", "```py", "```"]),
            &[(5, 6, "")],
        );
        case(
            &md(&["Text", "---", "```python", "a", "```", "---"]),
            &[(3, 4, "a\n")],
        );
        case(&md(&["---", "", "```python", "a", "```"]), &[(3, 4, "a\n")]);
    }

    #[test]
    fn not_utf8() {
        assert_eq!(
            extract_document(b"a\nb\n\xff\n"),
            Err(ExtractError::NotUtf8 { line: 3 })
        );
        assert_eq!(
            extract_document(b"\xc3"),
            Err(ExtractError::NotUtf8 { line: 1 })
        );
        assert_eq!(
            extract_document(b"a\r\n\r\nok \xe2\x82"),
            Err(ExtractError::NotUtf8 { line: 3 })
        );
    }

    #[test]
    fn output_blocks() {
        let code = ["```python", "print(1)", "```"];
        let with = |between: &[&str], info: &str| {
            let mut lines = code.to_vec();
            lines.extend(between);
            lines.extend([info, "1", "```"]);
            md(&lines)
        };
        kinds(&with(&[], "```output"), &[(1, "output")]);
        kinds(
            &with(&["", "Some prose, then", "more prose.", ""], "```output"),
            &[(1, "output")],
        );
        kinds(&with(&[], "```"), &[(1, "output")]);
        kinds(&with(&["", ""], "```text"), &[(1, "output")]);
        kinds(&with(&["Output:"], "```"), &[(1, "output")]);
        kinds(&with(&["", "**Output:**", ""], "```text"), &[(1, "output")]);
        kinds(
            &with(&["Prose that is not a label."], "```"),
            &[(1, "smoke")],
        );
        kinds(&with(&["Output:", "Output:"], "```"), &[(1, "smoke")]);
        kinds(
            &with(&["", "Prose.", "", "Output:"], "```text"),
            &[(1, "smoke")],
        );
        kinds(&with(&[], "```console"), &[(1, "smoke")]);
        kinds(&with(&["```bash", "ls", "```"], "```"), &[(1, "smoke")]);
        kinds(
            &with(&["```bash", "ls", "```"], "```output"),
            &[(1, "output")],
        );
        kinds(
            &md(&[
                "```python",
                "a",
                "```",
                "```output",
                "1",
                "```",
                "```output",
                "2",
                "```",
            ]),
            &[(1, "output")],
        );
        kinds(
            &md(&[
                "```python",
                "a",
                "```",
                "```python",
                "b",
                "```",
                "```output",
                "2",
                "```",
            ]),
            &[(1, "smoke"), (4, "output")],
        );
        kinds(
            &md(&[
                "```python",
                "a",
                "```",
                "",
                "Output:",
                "```",
                "",
                "```",
                "```",
            ]),
            &[(1, "output")],
        );

        let markdown = md(&[
            "```python",
            "print(1)",
            "```",
            "",
            "```output",
            "1",
            "  2",
            "```",
        ]);
        let found = output(&markdown, 0);
        assert_eq!(found.text, "1\n  2\n");
        assert_eq!(found.fence_line, 5);
        assert_eq!(
            found.insert_at,
            markdown.find("```\n").map_or(0, |_| markdown.len() - 4)
        );
        let empty = md(&["```python", "pass", "```", "```output", "```"]);
        let found = output(&empty, 0);
        assert_eq!((found.text.as_str(), found.lines.len()), ("", 0));
        assert_eq!(found.insert_at, empty.len() - 4);
    }

    #[test]
    fn output_in_quotes_and_containers() {
        let markdown = md(&[
            "> ```python",
            "> print(1)",
            "> ```",
            ">",
            "> ```output",
            "> 1",
            "> ```",
        ]);
        let found = output(&markdown, 0);
        assert_eq!((found.text.as_str(), found.fence_line), ("1\n", 5));
        let markdown = md(&[
            "!!! note",
            "    ```python",
            "    print(1)",
            "    ```",
            "    ```",
            "    1",
            "    ```",
        ]);
        let found = output(&markdown, 0);
        assert_eq!((found.text.as_str(), found.fence_line), ("1\n", 5));
    }

    #[test]
    fn expectations() {
        kinds(&md(&["```python", ">>> 1", "1", "```"]), &[(1, "doctest")]);
        kinds(&md(&["```python", "", "  >>> 1", "```"]), &[(1, "doctest")]);
        kinds(&md(&["```pycon", "1", "```"]), &[(1, "doctest")]);
        kinds(&md(&["```{doctest}", "1", "```"]), &[(1, "doctest")]);
        kinds(
            &md(&["```python", "print(1)", "#> 1", "```"]),
            &[(1, "comments")],
        );
        kinds(
            &md(&["```python raises=ValueError", "int('x')", "```"]),
            &[(1, "raises")],
        );
        kinds(
            &md(&[
                "```python raises=ValueError",
                "print(1)",
                "```",
                "```output",
                "1",
                "```",
            ]),
            &[(1, "raises")],
        );
        kinds(
            &md(&["```pycon raises=ValueError", ">>> 1", "```"]),
            &[(1, "doctest")],
        );
        kinds(
            &md(&[
                "```python",
                "print(1)",
                "#> 1",
                "```",
                "```output",
                "1",
                "```",
            ]),
            &[(1, "output")],
        );
        kinds(&md(&["```python", "x = 1", "```"]), &[(1, "smoke")]);

        let document = extract(&md(&[
            "```python",
            "print(1, 2)",
            "  #> 1 2",
            "print()",
            "#>",
            "```",
        ]));
        assert_eq!(
            document.blocks[0].expectation,
            Expectation::Comments {
                expected: "1 2\n\n".to_owned(),
                lines: vec![3, 5],
            }
        );
        let document = extract(&md(&["```python raises=json.JSONDecodeError", "```"]));
        assert_eq!(
            document.blocks[0].expectation,
            Expectation::Raises {
                exception: "json.JSONDecodeError".to_owned()
            }
        );
    }

    #[test]
    fn directives() {
        let document = extract(&md(&[
            "Text",
            "```python skip timeout=5s session=s {test=\"xfail\"}",
            "```",
        ]));
        let directives = &document.blocks[0].directives;
        assert_eq!(directives.skip.as_deref(), Some("skip directive"));
        assert_eq!(directives.timeout, Some(std::time::Duration::from_secs(5)));
        assert_eq!(directives.session.as_deref(), Some("s"));
        assert!(directives.xfail);
        warnings(
            &md(&["```python", "```", "", "```python skpi timeout=abc", "```"]),
            &[
                (4, "unknown directive `skpi` ignored"),
                (
                    4,
                    "invalid directive `timeout=abc` ignored: expected a duration such as `timeout=5s`",
                ),
            ],
        );
        warnings(&md(&["```bash skpi", "```"]), &[]);
    }

    #[test]
    fn skip_comments() {
        skips(
            &md(&[
                "<!-- skip: next -->",
                "",
                "Prose.",
                "",
                "```bash",
                "```",
                "```python",
                "```",
                "```python",
                "```",
            ]),
            &[(7, Some("skip: next")), (9, None)],
        );
        skips(
            &md(&["<!-- skip: next \"needs network\" -->", "```python", "```"]),
            &[(2, Some("needs network"))],
        );
        skips(
            &md(&[
                "<!--phmdoctest-skip-->",
                "```python",
                "```",
                "```python",
                "```",
            ]),
            &[(2, Some("phmdoctest-skip")), (4, None)],
        );
        skips(
            &md(&["Text <!-- skip: next --> inline.", "", "```python", "```"]),
            &[(3, Some("skip: next"))],
        );
        skips(
            &md(&["<!-- skip: next -->", "```python skip", "```"]),
            &[(2, Some("skip directive"))],
        );
        skips(
            &md(&["```python {test=\"skip\"}", "```"]),
            &[(1, Some("test=\"skip\""))],
        );
        skips(
            &md(&[
                "```python",
                "```",
                "<!-- skip: start -->",
                "```python",
                "```",
                "",
                "> ```python",
                "> ```",
                "<!--",
                "skip: end",
                "-->",
                "```python",
                "```",
            ]),
            &[
                (1, None),
                (4, Some("skip: start")),
                (7, Some("skip: start")),
                (12, None),
            ],
        );
        skips(
            &md(&["> <!-- skip: next -->", "", "```python", "```"]),
            &[(3, Some("skip: next"))],
        );
        skips(
            &md(&[
                "!!! note",
                "    <!-- skip: next -->",
                "    ```python",
                "    ```",
            ]),
            &[(3, Some("skip: next"))],
        );
    }

    #[test]
    fn comment_warnings() {
        warnings(
            &md(&["<!-- skip: start -->", "```python", "```"]),
            &[(
                1,
                "`skip: start` has no `skip: end`: every block after it is skipped",
            )],
        );
        warnings(
            &md(&["<!-- skip: end -->"]),
            &[(1, "`skip: end` without `skip: start` ignored")],
        );
        warnings(
            &md(&["<!-- skip: next iff(x) -->"]),
            &[(
                1,
                "unsupported comment `skip: next iff(x)` ignored: expected `if(condition, reason=\"...\")` with balanced parentheses",
            )],
        );
        warnings(
            &md(&["", "<!--pytest.mark.skipif(x-->", "```python", "```"]),
            &[(
                2,
                "unsupported comment `pytest.mark.skipif(x` ignored: expected `pytest.mark.skipif(condition, reason=\"...\")`",
            )],
        );
        warnings(
            &md(&[
                "<!--pytest-codeblocks:expected-output-->",
                "```",
                "1",
                "```",
            ]),
            &[(
                1,
                "`pytest-codeblocks:expected-output` follows no code block: ignored",
            )],
        );
        warnings(
            &md(&[
                "```python",
                "```",
                "<!--pytest-codeblocks:expected-output-->",
                "```python",
                "```",
                "```python",
                "```",
                "<!--pytest-codeblocks:expected-output-->",
            ]),
            &[
                (
                    3,
                    "`pytest-codeblocks:expected-output` is followed by a Python block, not its output: ignored",
                ),
                (
                    8,
                    "`pytest-codeblocks:expected-output` is followed by no fenced block: ignored",
                ),
            ],
        );
        warnings(&md(&["<!-- a comment -->", "<!-- skip: next"]), &[]);
    }

    #[test]
    fn conventions_of_other_tools() {
        let document = extract(&md(&[
            "<!-- skip: next if(sys.version_info < (3, 12), reason=\"3.12\") -->",
            "<!-- expect: skip -->",
            "```python",
            "```",
            "<!--phmdoctest-mark.skipif<3.99-->",
            "<!--pytest.mark.xfail-->",
            "```python",
            "```",
            "<!-- skip: start if(True) -->",
            "```python",
            "```",
            "<!-- skip: end -->",
            "```python",
            "```",
        ]));
        let requires: Vec<_> = document
            .blocks
            .iter()
            .map(|block| (block.directives.requires.clone(), block.directives.xfail))
            .collect();
        assert_eq!(
            requires,
            [
                (
                    vec![Requirement::Condition(
                        "(sys.version_info < (3, 12), reason=\"3.12\")".to_owned()
                    )],
                    false
                ),
                (vec![Requirement::Python(3, 99)], true),
                (vec![Requirement::Condition("(True)".to_owned())], false),
                (vec![], false),
            ]
        );
        assert!(document.warnings.is_empty(), "{:?}", document.warnings);
    }

    #[test]
    fn namespace_generations_and_stages() {
        let document = extract(&md(&[
            "```python",
            "```",
            "<!-- clear-namespace -->",
            "<!--phmdoctest-clear-names-->",
            "<!--phmdoctest-teardown-->",
            "```python",
            "print(1)",
            "```",
            "```",
            "1",
            "```",
            "<!--phmdoctest-share-names-->",
            "```python",
            "```",
            "<!--phmdoctest-setup-->",
            "<!-- invisible-code-block: python",
            "x = 1",
            "-->",
        ]));
        let found: Vec<_> = document
            .blocks
            .iter()
            .map(|block| {
                (
                    block.fence_line,
                    block.directives.generation,
                    block.directives.stage,
                    block.expectation.kind(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                (1, 0, Stage::Body, "smoke"),
                (6, 1, Stage::Teardown, "smoke"),
                (13, 2, Stage::Body, "smoke"),
                (16, 2, Stage::Setup, "smoke"),
            ]
        );
    }

    #[test]
    fn expected_output_comments() {
        let markdown = md(&[
            "```python",
            "print(1)",
            "```",
            "",
            "Prose.",
            "<!--pytest-codeblocks:expected-output-->",
            "```",
            "1",
            "```",
            "```bash",
            "```",
            "<!--pytest-codeblocks:expected-output-->",
            "```",
            "not Python's",
            "```",
            "```python",
            "print(2)",
            "```",
            "<!--phmdoctest-skip-->",
            "```",
            "unchecked",
            "```",
            "```python",
            "```",
        ]);
        let document = extract(&markdown);
        let found: Vec<_> = document
            .blocks
            .iter()
            .map(|block| {
                (
                    block.fence_line,
                    block.directives.skip.clone(),
                    match &block.expectation {
                        Expectation::Output(output) => Some(output.fence_line),
                        _ => None,
                    },
                )
            })
            .collect();
        assert_eq!(
            found,
            [(1, None, Some(7)), (16, None, None), (23, None, None)]
        );
        assert_eq!(document.warnings, []);
        kinds(
            &md(&["```python", "print(1)", "\"\"\"", "1", "\"\"\"", "```"]),
            &[(1, "comments")],
        );
        kinds(
            &md(&["```python notest", "```", "```python continuation", "```"]),
            &[(1, "smoke"), (3, "smoke")],
        );
        skips(
            &md(&["```python notest", "```", "```python continuation", "```"]),
            &[(1, Some("notest")), (3, None)],
        );
    }

    #[test]
    fn invisible_code_blocks() {
        let markdown = md(&[
            "# Guide",
            "<!-- invisible-code-block: python",
            "import os",
            "",
            "x = 1",
            "-->",
            "",
            "```python",
            "print(x)",
            "```",
        ]);
        let document = extract(&markdown);
        let [hidden, shown] = &document.blocks[..] else {
            panic!("two blocks expected: {:?}", document.blocks);
        };
        assert_eq!(
            hidden,
            &Block {
                fence_line: 2,
                code_line: 3,
                code: "import os\n\nx = 1\n".to_owned(),
                code_lines: hidden.code_lines.clone(),
                language: Language::Python,
                directives: Default::default(),
                expectation: Expectation::Smoke,
                hidden: true,
            }
        );
        assert_eq!(hidden.code_lines.len(), 3);
        assert_eq!((shown.fence_line, shown.hidden), (8, false));
        case(
            &md(&[
                "> <!-- invisible-code-block: python",
                ">   a = 1",
                ">   if a:",
                ">       b = 2",
                "> -->",
            ]),
            &[(1, 2, "a = 1\nif a:\n    b = 2\n")],
        );
        case(&md(&["<!-- invisible-code-block: bash", "ls", "-->"]), &[]);
        skips(
            &md(&[
                "<!-- skip: next -->",
                "<!-- invisible-code-block: python",
                "a = 1",
                "-->",
                "```python",
                "```",
            ]),
            &[(2, Some("skip: next")), (5, None)],
        );
        kinds(
            &md(&[
                "<!-- invisible-code-block: python",
                ">>> 1",
                "-->",
                "```",
                "1",
                "```",
            ]),
            &[(1, "smoke")],
        );
    }

    #[test]
    fn unterminated_fences() {
        let markdown = md(&["Text", "```python", "a", "", "more"]);
        case(&markdown, &[(2, 3, "a\n\nmore\n")]);
        warnings(&markdown, &[(2, "unterminated code fence")]);
        warnings("```python", &[(1, "unterminated code fence")]);
        warnings(
            &md(&["> ```python", "> a", "", "after"]),
            &[(1, "unterminated code fence")],
        );
        warnings(&md(&["```python", "a", "```"]), &[]);
        kinds(
            &md(&["```python", "a", "```", "```", "b"]),
            &[(1, "output")],
        );
    }

    #[test]
    fn no_panics_on_odd_input() {
        let mut deep = String::new();
        for depth in 0..40 {
            deep.push_str(&" ".repeat(depth * 4));
            deep.push_str("!!! note\n");
            deep.push_str(&" ".repeat(depth * 4 + 4));
            deep.push_str("text\n");
        }
        deep.push_str(&" ".repeat(160));
        deep.push_str("```python\n");
        for markdown in [
            "",
            "\r",
            "a\rb\r```python\rx\r```\r",
            "\t```python\n\t\tx\n\t```",
            "!!! note\n\t```python\n\t\tx\n\t```\n",
            "> !!! note\n>\t```py\n>\t\tx\n",
            "<!--",
            "<!-- invisible-code-block: python",
            "<!-- invisible-code-block: python\n\t\u{e9}\n-->",
            "```python {{{\"'\n```",
            "- ```python\n  \u{1F600}\n- ```",
            "---\n---\n",
            "---\r\n```python\r\n",
            "=== \"é\"\n    \u{a0}```python\n    x\n",
            &deep,
        ] {
            let document = extract(markdown);
            for warning in &document.warnings {
                assert!(warning.line >= 1);
            }
        }
        assert!(
            extract(&deep)
                .warnings
                .iter()
                .any(|Warning { message, .. }| message.contains("nested"))
        );
    }

    #[test]
    fn many_blocks_quickly() {
        let block = md(&[
            "Some prose about the example, long enough to look like a real guide paragraph.",
            "",
            "!!! note",
            "",
            "    ```python",
            "    print(1)",
            "    ```",
            "",
            "```python",
            "print(2)",
            "```",
            "",
            "```output",
            "2",
            "```",
            "",
        ]);
        let markdown = block.repeat(2_500);
        let started = Instant::now();
        let document = extract(&markdown);
        assert_eq!(document.blocks.len(), 5_000);
        assert_eq!(document.blocks[4_999].fence_line, 2_500 * 16 - 7);
        assert!(
            started.elapsed().as_secs() < 5,
            "took {:?}",
            started.elapsed()
        );
    }

    /// Documents assembled at random from Markdown fragments: no panics, and
    /// every range lies in the source on character boundaries.
    #[test]
    fn random_documents() {
        const PIECES: &[&str] = &[
            "```python",
            "```",
            "~~~py",
            "~~~",
            "````pycon",
            "```output",
            "```text",
            "\n",
            "\r\n",
            "\n\n",
            "    ",
            "  ",
            "\t",
            "> ",
            "- ",
            "1. ",
            "!!! note",
            "=== \"T\"",
            "???+ tip",
            "<!-- skip: next -->",
            "<!-- skip: start -->",
            "<!-- skip: end -->",
            "<!--",
            "-->",
            "invisible-code-block: python",
            "---",
            "x = 1",
            ">>> 1",
            "#> 1",
            "Output:",
            "\u{e9}",
            "\u{feff}",
            "{test=\"skip\"}",
            " skip",
            "é\t",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |bound: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            usize::try_from(seed % bound as u64).unwrap_or(0)
        };
        for _ in 0..3_000 {
            let length = next(60);
            let markdown: String = (0..length).map(|_| PIECES[next(PIECES.len())]).collect();
            let Ok(document) = extract_document(markdown.as_bytes()) else {
                panic!("valid UTF-8 refused: {markdown:?}");
            };
            for block in &document.blocks {
                let outputs = match &block.expectation {
                    Expectation::Output(output) => output.lines.clone(),
                    _ => Vec::new(),
                };
                for range in block.code_lines.iter().chain(&outputs) {
                    assert!(
                        document.source.get(range.clone()).is_some(),
                        "{range:?} in {markdown:?}"
                    );
                }
                assert!(
                    block.fence_line >= 1 && block.code_line > block.fence_line,
                    "{markdown:?}"
                );
            }
        }
    }

    /// The performance target: 20 MB with 10,000 blocks (`cargo test -- --ignored`).
    #[test]
    #[ignore = "slow in debug builds"]
    fn twenty_megabytes() {
        let prose =
            "Prose that explains the example in some detail, as real guides do. ".repeat(30);
        let block = md(&[
            &prose,
            "",
            "```python",
            "print(1)",
            "```",
            "",
            "```output",
            "1",
            "```",
            "",
        ]);
        let markdown = block.repeat(20_000_000 / block.len());
        let started = Instant::now();
        let document = extract(&markdown);
        eprintln!(
            "{} bytes, {} blocks: {:?}",
            markdown.len(),
            document.blocks.len(),
            started.elapsed()
        );
        assert!(document.blocks.len() >= 9_000);
    }
}
