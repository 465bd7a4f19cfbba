//! MkDocs containers (`!!! note`, `??? tip`, `???+ tip`, `=== "Tab"`) indent
//! their content by four spaces, which CommonMark reads as an indented code
//! block (or, without a blank line after the opener, as the opener's
//! paragraph). Opener lines are replaced by a thematic break (`___`) before
//! parsing so that the content always comes out as an indented code block,
//! which is then parsed again, dedented, as Markdown of its own.
//!
//! A thematic break rather than a blank line, because the opener must stay a
//! line of its own: a nested opener (indented, so inside the outer container's
//! indented code block) is kept in that block's text, where it is restored to
//! the original opener for the next level's parse; blanked, it would be dropped
//! when it is the content's first line (an indented code block never starts
//! with a blank line), leaving the nested content without its opener. And an
//! opener at the left margin must end the previous container's content, where
//! a blank line would only continue its indented code block.

use super::mapped::Mapped;

/// What an opener is replaced by: a thematic break, which ends a paragraph,
/// is never a setext underline and never merges with a list marker (`_` is not
/// one). Openers are at least this long (`!!! x`), so byte offsets are kept.
const BREAK: &str = "___";

/// `text` with every container opener replaced by a thematic break (byte
/// offsets kept), and the start offsets of the opener lines, in order.
pub(super) fn mark_openers(text: &str) -> (String, Vec<usize>) {
    let mut marked = String::with_capacity(text.len());
    let mut openers = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        match opener_at(line) {
            Some(at) => {
                let content = line.trim_end_matches(['\n', '\r']);
                let width = content.len().saturating_sub(at);
                marked.push_str(line.get(..at).unwrap_or(""));
                marked.push_str(BREAK);
                marked.extend(std::iter::repeat_n(' ', width.saturating_sub(BREAK.len())));
                marked.push_str(line.get(content.len()..).unwrap_or(""));
                openers.push(start);
            }
            None => marked.push_str(line),
        }
        start += line.len();
    }
    (marked, openers)
}

/// Where the opener starts in `line`, past block-quote markers, indentation
/// and a list marker, if the line opens a container.
fn opener_at(line: &str) -> Option<usize> {
    let after_quotes = line.trim_start_matches([' ', '\t', '>']);
    let after_marker = strip_list_marker(after_quotes).trim_start_matches([' ', '\t']);
    let rest = ["???+", "!!!", "???", "==="]
        .iter()
        .find_map(|opener| after_marker.strip_prefix(opener))?;
    let title = rest.strip_prefix([' ', '\t'])?;
    if title.trim().is_empty() {
        return None;
    }
    Some(line.len() - after_marker.len())
}

fn strip_list_marker(line: &str) -> &str {
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let marker = if digits == 0 {
        line.strip_prefix(['-', '*', '+'])
    } else if digits <= 9 {
        line.get(digits..)
            .and_then(|rest| rest.strip_prefix(['.', ')']))
    } else {
        None
    };
    match marker {
        Some(rest) if rest.starts_with([' ', '\t']) => rest,
        _ => line,
    }
}

/// Whether the line holding `at` comes (blank lines aside) right after an opener.
pub(super) fn follows_opener(text: &str, openers: &[usize], at: usize) -> bool {
    let mut line_start = text
        .get(..at)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |end| end + 1);
    while line_start > 0 {
        let previous_end = line_start - 1;
        let previous_start = text
            .get(..previous_end)
            .and_then(|before| before.rfind('\n'))
            .map_or(0, |end| end + 1);
        let previous = text.get(previous_start..previous_end).unwrap_or("");
        if !previous
            .trim_start_matches([' ', '\t', '\r', '>'])
            .is_empty()
        {
            return openers.binary_search(&previous_start).is_ok();
        }
        line_start = previous_start;
    }
    false
}

/// `mapped` without the indentation its non-blank lines have in common.
pub(super) fn dedent(mapped: &Mapped) -> Mapped {
    let indent = |line: &str| line.len() - line.trim_start_matches(' ').len();
    let common = mapped
        .text
        .split('\n')
        .filter(|line| !line.trim().is_empty())
        .map(indent)
        .min()
        .unwrap_or(0);
    let mut dedented = Mapped::default();
    let mut start = 0;
    for line in mapped.text.split_inclusive('\n') {
        let skip = indent(line).min(common);
        dedented.push_from(mapped, start + skip..start + line.len());
        start += line.len();
    }
    dedented
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openers() {
        for (line, at) in [
            ("!!! note\n", Some(0)),
            ("!!! note \"Title\"\r\n", Some(0)),
            ("??? tip\n", Some(0)),
            ("???+ tip\n", Some(0)),
            ("=== \"Tab\"\n", Some(0)),
            ("    !!! note", Some(4)),
            ("> !!! warning", Some(2)),
            ("- !!! note", Some(2)),
            ("12. !!! note", Some(4)),
            ("===\n", None),
            ("=== \n", None),
            ("!!!note\n", None),
            ("text !!! note\n", None),
            ("-!!! note", None),
        ] {
            assert_eq!(opener_at(line), at, "{line:?}");
        }
    }

    #[test]
    fn marks_openers_keeping_offsets() {
        let text = "a\n> !!! note\r\n    x\n";
        let (marked, openers) = mark_openers(text);
        assert_eq!(marked, "a\n> ___     \r\n    x\n");
        assert_eq!(openers, [2]);
        assert!(follows_opener(text, &openers, 16));
        assert!(!follows_opener(text, &openers, 1));
        let (marked, _) = mark_openers("- === \"\u{e9}\"\n    !!! a\n");
        assert_eq!(marked, "- ___     \n    ___  \n");
        let text = "!!! note\n\n>\n    x\n";
        let (_, openers) = mark_openers(text);
        assert!(follows_opener(text, &openers, 16));
        assert!(!follows_opener("\n\n    x", &[], 6));
    }

    #[test]
    fn dedents_common_indentation() {
        let mapped = Mapped::identity("  a\n\n    b\n".to_owned());
        let dedented = dedent(&mapped);
        assert_eq!(dedented.text, "a\n\n  b\n");
        assert_eq!(dedented.source_range(5..6), 9..10);
    }
}
