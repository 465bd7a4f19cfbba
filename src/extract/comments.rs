//! The HTML-comment conventions of other tools, so that existing guides run
//! unchanged: Sybil's `skip: next`, `skip: start` / `skip: end` and
//! `invisible-code-block: python`, and phmdoctest's `phmdoctest-skip`.

use super::Language;
use super::directives;
use super::mapped::{Lines, Mapped};

/// What a comment asks for.
#[derive(Debug, PartialEq)]
pub(super) enum Convention {
    /// Skip the next Python block, for this reason.
    SkipNext(String),
    SkipStart,
    SkipEnd,
    /// Code that runs but is not shown.
    Hidden(Lines),
    /// A comment in a known convention that kata cannot honour.
    Unsupported(String),
}

/// The convention `inner` (the text between `<!--` and `-->`) follows, if any.
pub(super) fn convention(inner: &Mapped, source: &str) -> Option<Convention> {
    let text = inner.text.trim();
    if text == "phmdoctest-skip" {
        return Some(Convention::SkipNext("phmdoctest-skip".to_owned()));
    }
    if let Some(rest) = text.strip_prefix("skip:") {
        return Some(skip(rest.trim()));
    }
    let header_end = inner.text.find('\n').unwrap_or(inner.text.len());
    let header = inner.text.get(..header_end).unwrap_or("").trim();
    let language = header.strip_prefix("invisible-code-block:")?.trim();
    match directives::language(language) {
        Some((Language::Python, _)) => {
            Some(Convention::Hidden(hidden_code(inner, header_end, source)))
        }
        _ => None,
    }
}

fn skip(rest: &str) -> Convention {
    match rest {
        "next" => Convention::SkipNext("skip: next".to_owned()),
        "start" => Convention::SkipStart,
        "end" => Convention::SkipEnd,
        _ => {
            let reason = rest
                .strip_prefix("next")
                .map(str::trim_start)
                .and_then(|quoted| quoted.strip_prefix('"')?.strip_suffix('"'));
            match reason {
                Some(reason) => Convention::SkipNext(reason.to_owned()),
                None => {
                    Convention::Unsupported(format!("unsupported comment `skip: {rest}` ignored"))
                }
            }
        }
    }
}

/// The lines after the header, dedented; a last line holding only the
/// indentation of `-->` is not code.
fn hidden_code(inner: &Mapped, header_end: usize, source: &str) -> Lines {
    let mut lines: Vec<_> = inner
        .line_ranges()
        .into_iter()
        .filter(|line| line.start > header_end)
        .collect();
    if lines.last().is_some_and(|last| {
        inner
            .text
            .get(last.clone())
            .is_none_or(|text| text.trim().is_empty())
    }) {
        lines.pop();
    }
    let text = |line: &std::ops::Range<usize>| inner.text.get(line.clone()).unwrap_or("");
    let indent = |line: &str| line.len() - line.trim_start_matches([' ', '\t']).len();
    let common = lines
        .iter()
        .map(text)
        .filter(|line| !line.trim().is_empty())
        .map(indent)
        .min()
        .unwrap_or(0);
    let mut code = Lines::default();
    for line in lines {
        let skip = indent(text(&line)).min(common);
        code.push(inner, line.start + skip..line.end, source);
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn case(comment: &str, expected: Option<Convention>) {
        assert_eq!(
            convention(&Mapped::identity(comment.to_owned()), comment),
            expected,
            "{comment:?}"
        );
    }

    #[test]
    fn conventions() {
        let next = |reason: &str| Some(Convention::SkipNext(reason.to_owned()));
        case(" skip: next ", next("skip: next"));
        case("skip:next", next("skip: next"));
        case(" skip: next \"needs network\" ", next("needs network"));
        case(" skip: start ", Some(Convention::SkipStart));
        case(" skip: end ", Some(Convention::SkipEnd));
        case("phmdoctest-skip", next("phmdoctest-skip"));
        case(" phmdoctest-skip ", next("phmdoctest-skip"));
        case(
            " skip: next if(sys.version_info < (3, 0)) ",
            Some(Convention::Unsupported(
                "unsupported comment `skip: next if(sys.version_info < (3, 0))` ignored".to_owned(),
            )),
        );
        case(" a note ", None);
        case(" invisible-code-block: bash\necho\n", None);
    }

    #[test]
    fn hidden_code_ranges() {
        let source = " invisible-code-block: python\n  import os\r\n\n  x = 1\n";
        let Some(Convention::Hidden(code)) =
            convention(&Mapped::identity(source.to_owned()), source)
        else {
            panic!("not hidden code");
        };
        assert_eq!(code.text, "import os\n\nx = 1\n");
        let lines: Vec<_> = code
            .ranges
            .iter()
            .map(|range| &source[range.clone()])
            .collect();
        assert_eq!(lines, ["import os", "", "x = 1"]);
        let source = " invisible-code-block: py\nx = 1 ";
        let Some(Convention::Hidden(code)) =
            convention(&Mapped::identity(source.to_owned()), source)
        else {
            panic!("not hidden code");
        };
        assert_eq!(code.text, "x = 1 \n");
    }
}
