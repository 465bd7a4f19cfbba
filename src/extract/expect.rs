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

/// The stdout that `#> value` comment lines state, if there are any.
pub(super) fn comment_output(code: &str) -> Option<String> {
    let mut expected = None;
    for line in code.lines() {
        if let Some(value) = line.trim_start().strip_prefix("#>") {
            let expected = expected.get_or_insert_with(String::new);
            expected.push_str(value.strip_prefix(' ').unwrap_or(value));
            expected.push('\n');
        }
    }
    expected
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

    #[test]
    fn comments() {
        for (code, expected) in [
            ("print(1)\n#> 1\n", Some("1\n")),
            (
                "print(1, 2)\n    #> 1 2\nprint()\n#>\n#>  x\n",
                Some("1 2\n\n x\n"),
            ),
            ("x = 1  #> 1\n", None),
            ("print(1)\n# > 1\n", None),
        ] {
            assert_eq!(comment_output(code).as_deref(), expected, "{code:?}");
        }
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
