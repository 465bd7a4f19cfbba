//! How a block states what it should do: `>>>` prompts, pytest-examples'
//! `#>` comments, or an output block right after it.

use super::lines::LineIndex;

/// The first non-blank line starts with a `>>>` prompt.
pub(super) fn is_doctest(code: &str) -> bool {
    code.lines()
        .map(str::trim_start)
        .find(|line| !line.is_empty())
        .is_some_and(|line| line.starts_with(">>>"))
}

/// What pytest-examples' comments state a block prints.
#[derive(Debug, PartialEq)]
pub(super) struct CommentOutput {
    /// The expected stdout.
    pub(super) expected: String,
    /// For each line of `expected`, the 0-based line of the code stating it.
    pub(super) lines: Vec<usize>,
}

/// The stdout that `#> value` comment lines, and triple-quoted strings right
/// after a `print(...)` call, state, if there are any.
pub(super) fn comment_output(code: &str) -> Option<CommentOutput> {
    let lines: Vec<&str> = code.lines().collect();
    let mut output: Option<CommentOutput> = None;
    // The last line of the last stated output: a print in a loop states
    // one output after another.
    let mut stated_until = None;
    let mut at = 0;
    while let Some(line) = lines.get(at) {
        let trimmed = line.trim_start();
        if let Some(value) = trimmed.strip_prefix("#>") {
            let output = output.get_or_insert_with(CommentOutput::empty);
            output.push(value.strip_prefix(' ').unwrap_or(value), at);
            stated_until = Some(at);
        } else if let Some(end) = printed_string_end(&lines, at, stated_until) {
            let indent = line.len() - trimmed.len();
            let output = output.get_or_insert_with(CommentOutput::empty);
            for (offset, text) in lines
                .get(at + 1..end)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                let dedent = text.len() - text.trim_start_matches(' ').len();
                output.push(
                    text.get(dedent.min(indent)..).unwrap_or(""),
                    at + 1 + offset,
                );
            }
            at = end;
            stated_until = Some(end);
        }
        at += 1;
    }
    output
}

impl CommentOutput {
    fn empty() -> CommentOutput {
        CommentOutput {
            expected: String::new(),
            lines: Vec::new(),
        }
    }

    fn push(&mut self, text: &str, line: usize) {
        self.expected.push_str(text);
        self.expected.push('\n');
        self.lines.push(line);
    }
}

/// pytest-examples' form for long output: a line holding only `"""` (or
/// `'''`) right after a `print(...)` statement, the output, and a line
/// starting with the same quotes. The index of the closing line.
fn printed_string_end(lines: &[&str], at: usize, stated_until: Option<usize>) -> Option<usize> {
    let line = lines.get(at)?;
    let quote = line.trim();
    if quote != "\"\"\"" && quote != "\'\'\'" {
        return None;
    }
    let indent = line.len() - line.trim_start().len();
    let continues = stated_until.is_some_and(|end| end + 1 == at);
    if !continues && !after_print(lines, at, indent) {
        return None;
    }
    (at + 1..lines.len()).find(|&end| lines[end].trim_start().starts_with(quote))
}

/// Whether the statement that ends on the line before `at` is a `print(...)`
/// call indented by `indent`: walking back over its continuation lines (more
/// indented, or closing brackets) reaches a line starting with `print(`.
fn after_print(lines: &[&str], at: usize, indent: usize) -> bool {
    let mut line = at;
    while line > 0 {
        line -= 1;
        let text = lines[line];
        let trimmed = text.trim_start();
        if trimmed.is_empty() {
            return false;
        }
        let own = text.len() - trimmed.len();
        if own < indent {
            return false;
        }
        if own == indent && !trimmed.starts_with([')', ']', '}']) {
            return trimmed.starts_with("print(");
        }
    }
    false
}

/// Whether only blank lines, and at most one short label line such as
/// `Output:` or `**Output:**`, stand between `after_line` and `fence_line`.
pub(super) fn follows_directly(
    source: &str,
    lines: &LineIndex,
    after_line: usize,
    fence_line: usize,
) -> bool {
    let mut labels = 0;
    for line in after_line.saturating_add(1)..fence_line {
        let text = lines
            .line_text(line, source)
            .trim_start_matches([' ', '\t', '>']);
        if text.trim().is_empty() {
            continue;
        }
        labels += 1;
        if labels > 1 || !is_label(text) {
            return false;
        }
    }
    true
}

fn is_label(line: &str) -> bool {
    let label = line.trim_matches(|c: char| c == '*' || c == '_' || c.is_whitespace());
    label.ends_with(':') && label.chars().count() <= 40
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doctest_prompts() {
        for (code, expected) in [
            (">>> 1\n1\n", true),
            ("\n  >>> 1\n", true),
            ("x = 1\n>>> 1\n", false),
            ("", false),
            ("# >>> 1\n", false),
        ] {
            assert_eq!(is_doctest(code), expected, "{code:?}");
        }
    }

    #[track_caller]
    fn comments_case(code: &str, expected: Option<(&str, &[usize])>) {
        let found = comment_output(code);
        let found = found
            .as_ref()
            .map(|found| (found.expected.as_str(), found.lines.as_slice()));
        assert_eq!(found, expected, "{code:?}");
    }

    #[test]
    fn comments() {
        comments_case("print(1)\n#> 1\n", Some(("1\n", &[1])));
        comments_case(
            "print(1, 2)\n    #> 1 2\nprint()\n#>\n#>  x\n",
            Some(("1 2\n\n x\n", &[1, 3, 4])),
        );
        comments_case("x = 1  #> 1\n", None);
        comments_case("print(1)\n# > 1\n", None);
    }

    #[test]
    fn triple_quoted_output() {
        comments_case(
            "print(x)\n\"\"\"\nline1\n  line2\n\"\"\"\nprint(1)\n#> 1\n",
            Some(("line1\n  line2\n1\n", &[2, 3, 6])),
        );
        // Indented like the print; a multi-line call; single quotes.
        comments_case(
            "for i in x:\n    print(\n        i,\n    )\n    '''\n    a\n\n     b\n    '''\n",
            Some(("a\n\n b\n", &[5, 6, 7])),
        );
        // Not after a print: a docstring, an assignment, a blank line between.
        for code in [
            "def f():\n    \"\"\"\n    Doc.\n    \"\"\"\n",
            "x = \"\"\"\na\n\"\"\"\n",
            "print(1)\n\n\"\"\"\na\n\"\"\"\n",
            "\"\"\"\na\n\"\"\"\n",
            "if x:\n    print(1)\n\"\"\"\na\n\"\"\"\n",
            "print(1)\n\"\"\"\nunclosed\n",
            "pprint(1)\n\"\"\"\n1\n\"\"\"\n",
        ] {
            comments_case(code, None);
        }
        comments_case("print(1)\n\"\"\"\n\"\"\"\n", Some(("", &[])));
        // One print in a loop: an output after another.
        comments_case(
            "for i in x:\n    print(i)\n    \"\"\"\n    a\n    \"\"\"\n    \"\"\"\n    b\n    \"\"\"\n    #> c\n",
            Some(("a\nb\nc\n", &[3, 6, 8])),
        );
    }

    #[test]
    fn labels_between() {
        let source = "```\n```\n\nOutput:\n\n```\n**Output:**\n> _Result:_\nprose\n";
        let lines = LineIndex::new(source);
        assert!(follows_directly(source, &lines, 2, 3));
        assert!(follows_directly(source, &lines, 2, 6));
        assert!(follows_directly(source, &lines, 6, 8));
        assert!(!follows_directly(source, &lines, 6, 9));
        assert!(!follows_directly(source, &lines, 8, 10));
        assert!(!is_label(
            "This is a very long sentence, longer than forty characters:"
        ));
        assert!(!is_label("Output"));
    }
}
