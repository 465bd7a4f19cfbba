//! Physical lines around the content ranges the extractor reports, and the
//! one way lines are rewritten: whole lines, each keeping its own container
//! prefix and line end.

use std::ops::Range;

use super::Edit;

/// Start of the line holding byte `at`.
pub(super) fn line_start(source: &str, at: usize) -> usize {
    source[..at].rfind('\n').map_or(0, |newline| newline + 1)
}

/// Start of the line before the one starting at `start`, if there is one.
pub(super) fn previous_line_start(source: &str, start: usize) -> Option<usize> {
    // `start` may be the end of a text without a final line end, right after
    // a multi-byte character (found by `update::proptests`).
    let before = source[..start].char_indices().next_back()?.0;
    Some(line_start(source, before))
}

/// The end of the line whose content ends at `content_end` (past its line
/// end) and that line end: `\r\n`, `\n`, or nothing at the end of the text.
pub(super) fn line_end(source: &str, content_end: usize) -> (usize, &str) {
    match source[content_end..].find('\n') {
        Some(offset) => {
            let newline = content_end + offset;
            let crlf = newline > content_end && source.as_bytes()[newline - 1] == b'\r';
            (newline + 1, if crlf { "\r\n" } else { "\n" })
        }
        None => (source.len(), ""),
    }
}

/// The line end of the line that ends just before `start` (a line start).
pub(super) fn line_end_before(source: &str, start: usize) -> &'static str {
    if source[..start].ends_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// What is before the content of a line: block-quote markers, list and
/// container indentation.
pub(super) fn prefix<'a>(source: &'a str, content: &Range<usize>) -> &'a str {
    &source[line_start(source, content.start)..content.start]
}

/// Consecutive lines to replace, or where to insert new ones.
pub(super) struct Target<'a> {
    /// Content ranges of consecutive lines; empty to insert at `insert_at`.
    pub(super) old: &'a [Range<usize>],
    /// A line start; used only when `old` is empty.
    pub(super) insert_at: usize,
    /// Prefix of a new line that has no old non-blank line to copy it from.
    pub(super) prefix: &'a str,
    /// Line end of a new line that has no old line to copy it from.
    pub(super) eol: &'a str,
}

/// The edit that makes the target lines read `new` (contents, without
/// prefixes or line ends), or `None` when they already do. A line whose
/// content does not change is copied byte for byte; a changed line keeps the
/// prefix and line end of the line it replaces; a blank line gets the prefix
/// without trailing whitespace (`>` in a block quote, nothing in a list).
pub(super) fn rewrite(source: &str, target: &Target<'_>, new: &[String]) -> Option<Edit> {
    let Some(first) = target.old.first() else {
        if new.is_empty() {
            return None;
        }
        let text = new
            .iter()
            .map(|content| line(target.prefix, content, target.eol))
            .collect();
        return Some(Edit {
            range: target.insert_at..target.insert_at,
            text,
        });
    };
    let start = line_start(source, first.start);
    let last = target.old.last().unwrap_or(first);
    let (end, last_eol) = line_end(source, last.end);
    let nearest_prefix = target
        .old
        .iter()
        .rev()
        .find(|range| !source[(*range).clone()].trim().is_empty())
        .map_or(target.prefix, |range| prefix(source, range));
    let mut text = String::new();
    for (index, content) in new.iter().enumerate() {
        match target.old.get(index) {
            Some(range) if source[range.clone()] == **content => {
                text.push_str(
                    &source[line_start(source, range.start)..line_end(source, range.end).0],
                );
            }
            Some(range) => {
                let old_prefix = if source[range.clone()].trim().is_empty() {
                    nearest_prefix
                } else {
                    prefix(source, range)
                };
                let (_, eol) = line_end(source, range.end);
                let eol = if eol.is_empty() { target.eol } else { eol };
                text.push_str(&line(old_prefix, content, eol));
            }
            None => {
                let eol = if last_eol.is_empty() {
                    target.eol
                } else {
                    last_eol
                };
                text.push_str(&line(nearest_prefix, content, eol));
            }
        }
    }
    if last_eol.is_empty() && !text.is_empty() {
        // The last line had no line end (end of file): neither has the new one.
        let trimmed = text.trim_end_matches(['\r', '\n']).len();
        text.truncate(trimmed);
    }
    (text != source[start..end]).then_some(Edit {
        range: start..end,
        text,
    })
}

fn line(prefix: &str, content: &str, eol: &str) -> String {
    if content.is_empty() {
        format!("{}{eol}", prefix.trim_end())
    } else {
        format!("{prefix}{content}{eol}")
    }
}

/// `text` split into lines, without line ends.
pub(super) fn split(text: &str) -> Vec<String> {
    text.split_inclusive('\n')
        .map(|line| {
            line.strip_suffix('\n')
                .map_or(line, |line| line.strip_suffix('\r').unwrap_or(line))
                .to_owned()
        })
        .collect()
}
