//! The HTML-comment conventions of other tools, so that existing guides run
//! unchanged: Sybil's `skip: next` (also `if(...)`), `skip: start` /
//! `skip: end`, `invisible-code-block: python` and `clear-namespace`;
//! phmdoctest's `phmdoctest-*` directives; pytest-codeblocks'
//! `pytest.mark.*` and `pytest-codeblocks:*` comments.

use super::directives;
use super::mapped::{Lines, Mapped};
use super::{Language, Requirement, Stage};

/// What a comment asks for.
#[derive(Debug, PartialEq)]
pub(super) enum Convention {
    /// Skip the next Python block, for this reason.
    SkipNext(String),
    /// Skip the next Python block when the condition holds: the text is a
    /// parenthesised argument list, `(condition, reason="...")`, evaluated
    /// in the worker.
    SkipNextIf(String),
    /// `skip: start`, with an optional condition as for `SkipNextIf`.
    SkipStart(Option<String>),
    SkipEnd,
    /// The next Python block needs this (phmdoctest's `mark.skipif<3.N`,
    /// pytest-codeblocks' `importorskip(module)`).
    RequireNext(Requirement),
    /// The next Python block is expected to fail.
    XfailNext,
    /// The next Python block is setup or teardown code (phmdoctest).
    StageNext(Stage),
    /// The blocks after this comment start from a fresh namespace (Sybil).
    ClearNamespace,
    /// The blocks after the next Python block start from a fresh namespace
    /// (phmdoctest's `clear-names`).
    ClearAfterNext,
    /// The next fenced block is the expected output of the previous code
    /// block (pytest-codeblocks' `expected-output`).
    OutputOfPrevious,
    /// A convention that needs nothing from kata (names are shared anyway).
    Nothing,
    /// Code that runs but is not shown.
    Hidden(Lines),
    /// Hidden checks of the exercise with this name (kata's own convention).
    ExerciseTests(String, Lines),
    /// A hint for the next Python block when it is an exercise.
    HintNext(String),
    /// A comment in a known convention that kata cannot honour.
    Unsupported(String),
}

/// The convention `inner` (the text between `<!--` and `-->`) follows, if any.
pub(super) fn convention(inner: &Mapped, source: &str) -> Option<Convention> {
    let text = inner.text.trim();
    if let Some(rest) = text.strip_prefix("phmdoctest-") {
        return Some(phmdoctest(rest.trim_end()));
    }
    if let Some(rest) = text.strip_prefix("skip:") {
        return Some(skip(rest.trim()));
    }
    if text == "clear-namespace" {
        return Some(Convention::ClearNamespace);
    }
    let dashless = text.trim_start_matches(['-', ' ', '\t']);
    if let Some(rest) = dashless.strip_prefix("pytest-codeblocks:") {
        return Some(codeblocks(rest.trim_matches(['-', ' ', '\t'])));
    }
    if let Some(rest) = dashless.strip_prefix("pytest.mark.") {
        return Some(pytest_mark(rest.trim_end_matches(['-', ' ', '\t'])));
    }
    if let Some(hint) = text.strip_prefix("hint:") {
        return Some(Convention::HintNext(hint.trim().to_owned()));
    }
    let header_end = inner.text.find('\n').unwrap_or(inner.text.len());
    let header = inner.text.get(..header_end).unwrap_or("").trim();
    if let Some(name) = header.strip_prefix("exercise-tests:") {
        let name = name.trim();
        if !directives::is_slug(name) {
            return Some(unsupported(
                header,
                ": expected `exercise-tests: NAME` with the exercise's name",
            ));
        }
        return Some(Convention::ExerciseTests(
            name.to_owned(),
            hidden_code(inner, header_end, source),
        ));
    }
    let language = header.strip_prefix("invisible-code-block:")?.trim();
    match directives::language(language) {
        Some((Language::Python, _)) => {
            Some(Convention::Hidden(hidden_code(inner, header_end, source)))
        }
        _ => None,
    }
}

fn unsupported(comment: &str, why: &str) -> Convention {
    Convention::Unsupported(format!("unsupported comment `{comment}` ignored{why}"))
}

fn skip(rest: &str) -> Convention {
    let comment = || format!("skip: {rest}");
    let condition = |after: &str| match after.trim_start().strip_prefix("if") {
        Some(arguments) => call_arguments(arguments).map(str::to_owned).ok_or_else(|| {
            unsupported(
                &comment(),
                ": expected `if(condition, reason=\"...\")` with balanced parentheses",
            )
        }),
        None => Err(unsupported(&comment(), "")),
    };
    match rest {
        "next" => Convention::SkipNext("skip: next".to_owned()),
        "start" => Convention::SkipStart(None),
        "end" => Convention::SkipEnd,
        _ => {
            if let Some(after) = rest.strip_prefix("start") {
                return condition(after)
                    .map_or_else(|warning| warning, |c| Convention::SkipStart(Some(c)));
            }
            let Some(after) = rest.strip_prefix("next") else {
                return unsupported(&comment(), "");
            };
            let reason = after
                .trim_start()
                .strip_prefix('"')
                .and_then(|quoted| quoted.strip_suffix('"'));
            match reason {
                Some(reason) => Convention::SkipNext(reason.to_owned()),
                None => condition(after).map_or_else(|warning| warning, Convention::SkipNextIf),
            }
        }
    }
}

/// phmdoctest's directives, after `phmdoctest-`.
fn phmdoctest(rest: &str) -> Convention {
    match rest {
        "skip" => Convention::SkipNext("phmdoctest-skip".to_owned()),
        "mark.skip" => Convention::SkipNext("phmdoctest-mark.skip".to_owned()),
        "setup" => Convention::StageNext(Stage::Setup),
        "teardown" => Convention::StageNext(Stage::Teardown),
        "share-names" => Convention::Nothing,
        "clear-names" => Convention::ClearAfterNext,
        _ if rest.starts_with("label ") || rest == "label" => Convention::Nothing,
        _ => {
            if let Some(version) = rest.strip_prefix("mark.skipif<") {
                let minor = version
                    .trim()
                    .strip_prefix("3.")
                    .and_then(|minor| minor.parse::<u32>().ok());
                return match minor {
                    Some(minor) => Convention::RequireNext(Requirement::Python(3, minor)),
                    None => unsupported(
                        &format!("phmdoctest-{rest}"),
                        ": expected `phmdoctest-mark.skipif<3.N`",
                    ),
                };
            }
            // `mark.ATTRIBUTE`: a custom pytest marker, meaningless here.
            match rest.strip_prefix("mark.") {
                Some(attribute) if is_identifier(attribute) => Convention::Nothing,
                _ => unsupported(&format!("phmdoctest-{rest}"), ""),
            }
        }
    }
}

/// pytest-codeblocks' keywords, after `pytest-codeblocks:`.
fn codeblocks(keyword: &str) -> Convention {
    let comment = || format!("pytest-codeblocks:{keyword}");
    match keyword {
        "skip" => Convention::SkipNext("pytest-codeblocks:skip".to_owned()),
        "cont" => Convention::Nothing,
        "expected-output" => Convention::OutputOfPrevious,
        "expect-exception" | "expect-error" => Convention::XfailNext,
        _ => {
            if let Some(arguments) = keyword.strip_prefix("skipif") {
                return match call_arguments(arguments) {
                    Some(arguments) => Convention::SkipNextIf(arguments.to_owned()),
                    None => unsupported(&comment(), ": expected `skipif(condition)`"),
                };
            }
            if let Some(arguments) = keyword.strip_prefix("importorskip") {
                let module = call_arguments(arguments)
                    .and_then(|a| a.strip_prefix('(')?.strip_suffix(')'))
                    .map(str::trim)
                    .filter(|module| module.split('.').all(is_identifier));
                return match module {
                    Some(module) => Convention::RequireNext(Requirement::Module(module.to_owned())),
                    None => unsupported(&comment(), ": expected `importorskip(module)`"),
                };
            }
            unsupported(&comment(), "")
        }
    }
}

/// A pytest marker in a comment (pytest-codeblocks), after `pytest.mark.`.
fn pytest_mark(rest: &str) -> Convention {
    let comment = || format!("pytest.mark.{rest}");
    let name_end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let (name, arguments) = rest.split_at(name_end);
    let arguments = arguments.trim();
    match name {
        "skip" => {
            let reason = call_arguments(arguments)
                .and_then(|a| keyword_string(a, "reason"))
                .unwrap_or("pytest.mark.skip");
            Convention::SkipNext(reason.to_owned())
        }
        "skipif" => match call_arguments(arguments) {
            Some(arguments) => Convention::SkipNextIf(arguments.to_owned()),
            None => unsupported(
                &comment(),
                ": expected `pytest.mark.skipif(condition, reason=\"...\")`",
            ),
        },
        "xfail" if arguments.is_empty() || arguments == "()" => Convention::XfailNext,
        _ => unsupported(&comment(), ""),
    }
}

/// `(...)` with balanced parentheses (outside string literals) and nothing
/// after it: the argument list, parentheses included.
fn call_arguments(text: &str) -> Option<&str> {
    let text = text.trim();
    if !text.starts_with('(') {
        return None;
    }
    let mut depth = 0usize;
    let mut quote = None;
    let mut escaped = false;
    for (at, c) in text.char_indices() {
        if let Some(open) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == open {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    let end = at + c.len_utf8();
                    let inside = text.get(1..at)?;
                    return (end == text.len() && !inside.trim().is_empty())
                        .then(|| text.get(..end))
                        .flatten();
                }
            }
            _ => {}
        }
    }
    None
}

/// The plain string value of `key="..."` in an argument list, if it is one.
fn keyword_string<'a>(arguments: &'a str, key: &str) -> Option<&'a str> {
    let at = arguments.find(key)?;
    let value = arguments.get(at + key.len()..)?.trim_start();
    let value = value.strip_prefix('=')?.trim_start();
    let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = value.get(1..)?;
    value.get(..value.find(quote)?)
}

fn is_identifier(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
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
        case(" skip: start ", Some(Convention::SkipStart(None)));
        case(" skip: end ", Some(Convention::SkipEnd));
        case("phmdoctest-skip", next("phmdoctest-skip"));
        case(" phmdoctest-skip ", next("phmdoctest-skip"));
        case(" a note ", None);
        case(" invisible-code-block: bash\necho\n", None);
        case(" clear-namespace ", Some(Convention::ClearNamespace));
        case(" clear-namespace now ", None);
    }

    #[test]
    fn sybil_conditions() {
        let next_if = |arguments: &str| Some(Convention::SkipNextIf(arguments.to_owned()));
        let warn = |message: &str| Some(Convention::Unsupported(message.to_owned()));
        case(
            " skip: next if(sys.version_info < (3, 0)) ",
            next_if("(sys.version_info < (3, 0))"),
        );
        case(
            " skip: next if (sys.version_info < (3, 12), reason=\"a (b\") ",
            next_if("(sys.version_info < (3, 12), reason=\"a (b\")"),
        );
        case(
            "skip: start if(True, reason='x')",
            Some(Convention::SkipStart(Some("(True, reason='x')".to_owned()))),
        );
        let balanced = ": expected `if(condition, reason=\"...\")` with balanced parentheses";
        for (comment, why) in [
            ("skip: next if(x", balanced),
            ("skip: next if x", balanced),
            ("skip: next if()", balanced),
            ("skip: next if(x) and more", balanced),
            ("skip: next if(x))", balanced),
            ("skip: start if", balanced),
            ("skip: sometimes", ""),
            ("skip: next please", ""),
            ("skip: start now", ""),
        ] {
            case(
                comment,
                warn(&format!("unsupported comment `{comment}` ignored{why}")),
            );
        }
    }

    #[test]
    fn phmdoctest_directives() {
        let next = |reason: &str| Some(Convention::SkipNext(reason.to_owned()));
        case("phmdoctest-mark.skip", next("phmdoctest-mark.skip"));
        case(
            "phmdoctest-mark.skipif<3.12",
            Some(Convention::RequireNext(Requirement::Python(3, 12))),
        );
        case(
            "phmdoctest-setup",
            Some(Convention::StageNext(Stage::Setup)),
        );
        case(
            "phmdoctest-teardown",
            Some(Convention::StageNext(Stage::Teardown)),
        );
        case("phmdoctest-share-names", Some(Convention::Nothing));
        case("phmdoctest-clear-names", Some(Convention::ClearAfterNext));
        case("phmdoctest-label my_test", Some(Convention::Nothing));
        case("phmdoctest-mark.slow", Some(Convention::Nothing));
        for comment in [
            "phmdoctest-mark.skipif<4",
            "phmdoctest-mark.skipif<3.x",
            "phmdoctest-skip-all",
            "phmdoctest-mark.",
        ] {
            let why = if comment.contains("skipif") {
                ": expected `phmdoctest-mark.skipif<3.N`"
            } else {
                ""
            };
            case(
                comment,
                Some(Convention::Unsupported(format!(
                    "unsupported comment `{comment}` ignored{why}"
                ))),
            );
        }
    }

    #[test]
    fn pytest_codeblocks_comments() {
        let next = |reason: &str| Some(Convention::SkipNext(reason.to_owned()));
        let next_if = |arguments: &str| Some(Convention::SkipNextIf(arguments.to_owned()));
        let warn = |message: &str| Some(Convention::Unsupported(message.to_owned()));
        case("pytest.mark.skip", next("pytest.mark.skip"));
        case("pytest.mark.skip()", next("pytest.mark.skip"));
        case("pytest.mark.skip(reason=\"slow\")", next("slow"));
        case(
            "pytest.mark.skipif(sys.version_info < (3, 12), reason=\"3.12\")",
            next_if("(sys.version_info < (3, 12), reason=\"3.12\")"),
        );
        case("pytest.mark.xfail", Some(Convention::XfailNext));
        case(
            "-- pytest-codeblocks:skip --",
            next("pytest-codeblocks:skip"),
        );
        case("pytest-codeblocks:cont", Some(Convention::Nothing));
        case(
            "pytest-codeblocks:expected-output",
            Some(Convention::OutputOfPrevious),
        );
        case(
            "pytest-codeblocks:expect-exception",
            Some(Convention::XfailNext),
        );
        case("pytest-codeblocks:skipif(True)", next_if("(True)"));
        case(
            "pytest-codeblocks:importorskip(numpy.linalg)",
            Some(Convention::RequireNext(Requirement::Module(
                "numpy.linalg".to_owned(),
            ))),
        );
        case(
            "pytest.mark.skipif",
            warn(
                "unsupported comment `pytest.mark.skipif` ignored: expected `pytest.mark.skipif(condition, reason=\"...\")`",
            ),
        );
        case(
            "pytest.mark.parametrize(\"x\", [1])",
            warn("unsupported comment `pytest.mark.parametrize(\"x\", [1])` ignored"),
        );
        case(
            "pytest-codeblocks:importorskip(1x)",
            warn(
                "unsupported comment `pytest-codeblocks:importorskip(1x)` ignored: expected `importorskip(module)`",
            ),
        );
        case(
            "pytest-codeblocks:skipif(",
            warn(
                "unsupported comment `pytest-codeblocks:skipif(` ignored: expected `skipif(condition)`",
            ),
        );
        case(
            "pytest-codeblocks:skipfile",
            warn("unsupported comment `pytest-codeblocks:skipfile` ignored"),
        );
    }

    #[test]
    fn argument_lists() {
        assert_eq!(call_arguments(" (a, (b)) "), Some("(a, (b))"));
        assert_eq!(call_arguments("(')', \"\\\"(\")"), Some("(')', \"\\\"(\")"));
        assert_eq!(call_arguments("([)]"), Some("([)]"));
        for bad in ["", "a", "()", "( )", "(a", "(a))", "(a) b", ")(", "('a)"] {
            assert_eq!(call_arguments(bad), None, "{bad:?}");
        }
        assert_eq!(keyword_string("(x, reason=\"why\")", "reason"), Some("why"));
        assert_eq!(keyword_string("(x, reason = 'why')", "reason"), Some("why"));
        assert_eq!(keyword_string("(x, reason=f(y))", "reason"), None);
        assert_eq!(keyword_string("(x)", "reason"), None);
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
