//! Comparing printed output with what a guide says it prints.

/// Whether `actual` is what `expected` describes. Line ends and trailing
/// whitespace are ignored; `...` in the expected text matches anything (as
/// doctest's ELLIPSIS does), tried only when the exact comparison fails.
pub(crate) fn outputs_match(expected: &str, actual: &str) -> bool {
    let expected = normalise(expected);
    let actual = normalise(actual);
    expected == actual || (expected.contains("...") && ellipsis_match(&expected, &actual))
}

fn normalise(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let mut lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

/// doctest's ELLIPSIS algorithm: the pieces between `...` appear in order,
/// the first at the start and the last at the end.
fn ellipsis_match(pattern: &str, text: &str) -> bool {
    let pieces: Vec<&str> = pattern.split("...").collect();
    let (first, last) = (pieces[0], pieces[pieces.len() - 1]);
    if !text.starts_with(first) {
        return false;
    }
    let mut start = first.len();
    let end = text.len().saturating_sub(last.len());
    if end < start || !text.ends_with(last) {
        return false;
    }
    for piece in &pieces[1..pieces.len() - 1] {
        match text[start..end].find(piece) {
            Some(found) => start += found + piece.len(),
            None => return false,
        }
    }
    true
}

/// A unified diff of expected against actual, for a report.
pub(crate) fn unified_diff(expected: &str, actual: &str) -> String {
    let expected = ensure_newline(expected);
    let actual = ensure_newline(actual);
    similar::TextDiff::from_lines(&expected, &actual)
        .unified_diff()
        .context_radius(3)
        .header("expected", "actual")
        .to_string()
}

fn ensure_newline(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    if text.is_empty() || text.ends_with('\n') {
        text
    } else {
        format!("{text}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn case(expected: &str, actual: &str, matches: bool) {
        assert_eq!(
            outputs_match(expected, actual),
            matches,
            "{expected:?} vs {actual:?}"
        );
    }

    #[test]
    fn comparisons() {
        case("a\nb\n", "a\nb\n", true);
        case("a\nb", "a\nb\n\n", true);
        case("a  \r\nb\r\n", "a\nb\n", true);
        case("a\nb\n", "a\nc\n", false);
        case("<object at ...>\n", "<object at 0x7f>\n", true);
        case("start...end", "start middle end", true);
        case("start...end", "start middle", false);
        case("a...b...c", "a1b2c", true);
        case("a...b...c", "a1c2b", false);
        case("......", "", true);
        case("", "something", false);
    }

    #[test]
    fn diff_names_both_sides() {
        let diff = unified_diff("one\ntwo\n", "one\n2\n");
        assert!(diff.contains("--- expected"));
        assert!(diff.contains("-two"));
        assert!(diff.contains("+2"));
    }
}
