//! What a fence's info string says: its language (`python`, `pycon`,
//! `{doctest}`...) and the directives after it (`skip`, `timeout=5s`,
//! pytest-examples' `{test="skip"}`...). Problems become warnings, never
//! errors: a typo must not stop the other blocks from running.

use std::time::Duration;

use super::{Directives, Language, Requirement};
use crate::limits::{self, Kind, Setting};

/// The directives of one info string.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Info {
    pub(super) directives: Directives,
    /// `raises=Name`.
    pub(super) raises: Option<String>,
    /// Messages about directives that were ignored.
    pub(super) warnings: Vec<String>,
}

/// The language of a Python fence, and the rest of its info string.
pub(super) fn language(info: &str) -> Option<(Language, &str)> {
    let info = info.trim_start();
    const MYST: &str = "{doctest}";
    if info
        .get(..MYST.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(MYST))
    {
        return Some((Language::MystDoctest, info.get(MYST.len()..).unwrap_or("")));
    }
    let (word, rest) = first_word(info);
    let language = match word.to_ascii_lowercase().as_str() {
        "python" | "py" | "python3" | "py3" => Language::Python,
        "pycon" => Language::Pycon,
        _ => return None,
    };
    Some((language, rest))
}

/// The first word of an info string, lowercased: `output`, `text`, `` for none.
pub(super) fn label(info: &str) -> String {
    first_word(info.trim_start()).0.to_ascii_lowercase()
}

fn first_word(info: &str) -> (&str, &str) {
    let end = info
        .find(|c: char| c.is_whitespace() || c == '{')
        .unwrap_or(info.len());
    info.split_at(end)
}

/// Parses the directives that follow the language.
pub(super) fn parse(rest: &str, language: Language) -> Info {
    let mut info = Info::default();
    for token in tokens(rest) {
        if let Some(group) = token.strip_prefix('{') {
            let group = group.strip_suffix('}').unwrap_or(group);
            for attribute in tokens(group) {
                if let Some((key, value)) = attribute.split_once('=') {
                    info.attribute(key, unquote(value), attribute);
                }
            }
        } else if let Some((key, value)) = token.split_once('=') {
            info.keyed(key, unquote(value), token);
        } else {
            info.bare(token, language);
        }
    }
    info
}

impl Info {
    fn bare(&mut self, word: &str, language: Language) {
        match word {
            "skip" => self.directives.skip = Some("skip directive".to_owned()),
            "no-run" => self.directives.no_run = true,
            "isolated" => self.directives.isolated = true,
            // pytest-markdown-docs: `notest` is not run; `continuation`
            // shares the previous block's names, as every block does here.
            "notest" => self.directives.skip = Some("notest".to_owned()),
            "continuation" => {}
            "exercise" => self.directives.exercise = Some(String::new()),
            // MyST `{doctest}` takes a group name as its argument.
            _ if language == Language::MystDoctest => {}
            _ => self
                .warnings
                .push(format!("unknown directive `{word}` ignored")),
        }
    }

    fn keyed(&mut self, key: &str, value: &str, token: &str) {
        match key {
            "raises" if is_dotted_name(value) => self.raises = Some(value.to_owned()),
            "raises" => self.invalid(
                token,
                "expected an exception name such as `raises=ValueError`",
            ),
            "timeout" => match parse_timeout(value) {
                Some(timeout) => self.directives.timeout = Some(timeout),
                None => self.invalid(token, "expected a duration such as `timeout=5s`"),
            },
            "session" => self.session(value, token),
            "requires" => self.requires(value, token),
            "memory" => self.limit(Kind::Memory, value, token),
            "output" => self.limit(Kind::Output, value, token),
            "file-size" => self.limit(Kind::FileSize, value, token),
            "open-files" => self.limit(Kind::OpenFiles, value, token),
            "processes" => self.limit(Kind::Processes, value, token),
            "exercise" if is_exercise_name(value) => {
                self.directives.exercise = Some(value.to_owned());
            }
            "exercise" => self.invalid(
                token,
                "expected `exercise=NAME` or `exercise=TOPIC/NAME`, in lowercase letters, digits and dashes",
            ),
            _ => {}
        }
    }

    /// A pytest-examples brace attribute.
    fn attribute(&mut self, key: &str, value: &str, token: &str) {
        match (key, value) {
            ("test", "skip") => self.directives.skip = Some("test=\"skip\"".to_owned()),
            ("test", "xfail") => self.directives.xfail = true,
            ("group", _) => self.session(value, token),
            ("requires", _) => self.requires(value, token),
            _ => {}
        }
    }

    fn session(&mut self, name: &str, token: &str) {
        if name.trim().is_empty() {
            self.invalid(token, "expected a session name");
        } else {
            self.directives.session = Some(name.to_owned());
        }
    }

    fn requires(&mut self, value: &str, token: &str) {
        for item in value.split(',').map(str::trim) {
            match parse_requirement(item) {
                Some(requirement) => self.directives.requires.push(requirement),
                None => self.invalid(
                    token,
                    "expected a Python version or a module name such as `requires=3.12,numpy`",
                ),
            }
        }
    }

    /// A resource limit. A guide may raise or lower one, but not lift it
    /// altogether: `none` is for the command line and configuration files.
    fn limit(&mut self, kind: Kind, value: &str, token: &str) {
        let slot = match kind {
            Kind::Memory => &mut self.directives.limits.memory,
            Kind::Output => &mut self.directives.limits.output,
            Kind::FileSize => &mut self.directives.limits.file_size,
            Kind::OpenFiles => &mut self.directives.limits.open_files,
            Kind::Processes => &mut self.directives.limits.processes,
        };
        match limits::parse(kind, value) {
            Ok(setting @ Setting::At(_)) => *slot = Some(setting),
            Ok(Setting::Unlimited) => self.invalid(
                token,
                "a block cannot lift a limit (`none` is for the command line and kata.toml); give a value",
            ),
            Err(_) => {
                let key = token.split_once('=').map_or(token, |(key, _)| key);
                let example = match kind {
                    Kind::Memory => "2G",
                    Kind::Output => "4M",
                    Kind::FileSize => "512M",
                    Kind::OpenFiles => "4096",
                    Kind::Processes => "512",
                };
                let what = if matches!(kind, Kind::OpenFiles | Kind::Processes) {
                    "a number"
                } else {
                    "a size"
                };
                self.invalid(token, &format!("expected {what} such as `{key}={example}`"));
            }
        }
    }

    fn invalid(&mut self, token: &str, expected: &str) {
        self.warnings
            .push(format!("invalid directive `{token}` ignored: {expected}"));
    }
}

fn parse_requirement(item: &str) -> Option<Requirement> {
    if item.starts_with(|c: char| c.is_ascii_digit()) {
        let mut parts = item.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next().map_or(Some(0), |minor| minor.parse().ok())?;
        let patch_ok = parts
            .next()
            .is_none_or(|patch| patch.parse::<u32>().is_ok());
        (patch_ok && parts.next().is_none()).then_some(Requirement::Python(major, minor))
    } else {
        is_dotted_name(item).then(|| Requirement::Module(item.to_owned()))
    }
}

fn parse_timeout(value: &str) -> Option<Duration> {
    let duration = if !value.is_empty() && value.chars().all(|c| c.is_ascii_digit() || c == '.') {
        Duration::try_from_secs_f64(value.parse().ok()?).ok()?
    } else {
        humantime::parse_duration(value).ok()?
    };
    (!duration.is_zero()).then_some(duration)
}

/// `ValueError`, `json.JSONDecodeError`.
fn is_dotted_name(value: &str) -> bool {
    value.split('.').all(|part| {
        let mut chars = part.chars();
        chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
            && chars.all(|c| c.is_alphanumeric() || c == '_')
    })
}

fn unquote(value: &str) -> &str {
    ['"', '\'']
        .iter()
        .find_map(|&quote| value.strip_prefix(quote)?.strip_suffix(quote))
        .unwrap_or(value)
}

/// Whitespace-separated words; quoted values and `{...}` groups stay whole.
fn tokens(text: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    let mut start = None;
    let mut depth = 0usize;
    let mut quote = None;
    for (at, c) in text.char_indices() {
        match quote {
            Some(open) if c == open => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' => quote = Some(c),
                '{' => depth += 1,
                '}' => depth = depth.saturating_sub(1),
                c if c.is_whitespace() && depth == 0 => {
                    if let Some(start) = start.take() {
                        tokens.extend(text.get(start..at));
                    }
                    continue;
                }
                _ => {}
            },
        }
        start.get_or_insert(at);
    }
    if let Some(start) = start {
        tokens.extend(text.get(start..));
    }
    tokens
}

/// `deep-flatten` or `generators/deep-flatten`.
fn is_exercise_name(text: &str) -> bool {
    match text.split_once('/') {
        Some((topic, name)) => is_slug(topic) && is_slug(name),
        None => is_slug(text),
    }
}

/// `deep-flatten`: lowercase letters, digits and dashes.
pub(super) fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn case(info: &str, directives: Directives, raises: Option<&str>, warnings: &[&str]) {
        let (language, rest) = language(info).expect("a Python info string");
        let parsed = parse(rest, language);
        assert_eq!(parsed.directives, directives, "{info}");
        assert_eq!(parsed.raises.as_deref(), raises, "{info}");
        assert_eq!(parsed.warnings, warnings, "{info}");
    }

    fn skip(reason: &str) -> Directives {
        Directives {
            skip: Some(reason.to_owned()),
            ..Directives::default()
        }
    }

    #[test]
    fn languages() {
        for (info, expected) in [
            ("python", Some(Language::Python)),
            ("py", Some(Language::Python)),
            ("python3", Some(Language::Python)),
            ("py3", Some(Language::Python)),
            ("PYTHON", Some(Language::Python)),
            ("Py3 skip", Some(Language::Python)),
            ("pycon", Some(Language::Pycon)),
            ("PyCon", Some(Language::Pycon)),
            ("{doctest}", Some(Language::MystDoctest)),
            ("{DocTest} group", Some(Language::MystDoctest)),
            ("python{test=\"skip\"}", Some(Language::Python)),
            ("python {test=\"skip\"}", Some(Language::Python)),
            ("  python", Some(Language::Python)),
            ("pythonic", None),
            ("bash", None),
            ("", None),
            ("output", None),
            ("{.python}", None),
            ("{code-cell} python", None),
        ] {
            assert_eq!(
                language(info).map(|(language, _)| language),
                expected,
                "{info:?}"
            );
        }
        assert_eq!(label("Output title=x"), "output");
        assert_eq!(label(""), "");
        assert_eq!(label("text{x}"), "text");
    }

    #[test]
    fn directives() {
        case("python", Directives::default(), None, &[]);
        case("python skip", skip("skip directive"), None, &[]);
        case(
            "python no-run isolated",
            Directives {
                no_run: true,
                isolated: true,
                ..Directives::default()
            },
            None,
            &[],
        );
        case(
            "python raises=ValueError",
            Directives::default(),
            Some("ValueError"),
            &[],
        );
        case(
            "py raises=json.JSONDecodeError",
            Directives::default(),
            Some("json.JSONDecodeError"),
            &[],
        );
        for (value, seconds) in [
            ("5s", 5.0),
            ("5", 5.0),
            ("1.5", 1.5),
            ("2m", 120.0),
            ("500ms", 0.5),
        ] {
            case(
                &format!("python timeout={value}"),
                Directives {
                    timeout: Some(Duration::from_secs_f64(seconds)),
                    ..Directives::default()
                },
                None,
                &[],
            );
        }
        case(
            "python session=setup",
            Directives {
                session: Some("setup".to_owned()),
                ..Directives::default()
            },
            None,
            &[],
        );
        case(
            "python requires=3.12 requires=numpy",
            Directives {
                requires: vec![
                    Requirement::Python(3, 12),
                    Requirement::Module("numpy".to_owned()),
                ],
                ..Directives::default()
            },
            None,
            &[],
        );
        case(
            "python requires=3.12,numpy,3",
            Directives {
                requires: vec![
                    Requirement::Python(3, 12),
                    Requirement::Module("numpy".to_owned()),
                    Requirement::Python(3, 0),
                ],
                ..Directives::default()
            },
            None,
            &[],
        );
        case(
            "python title=\"my file.py\" hl_lines=\"1 2\" linenums=\"1\" key=value",
            Directives::default(),
            None,
            &[],
        );
        case("{doctest} my-group", Directives::default(), None, &[]);
        case("python notest", skip("notest"), None, &[]);
        case("python continuation", Directives::default(), None, &[]);
    }

    #[test]
    fn brace_attributes() {
        case("python {test=\"skip\"}", skip("test=\"skip\""), None, &[]);
        case(
            "python {test=\"skip\" lint=\"skip\"}",
            skip("test=\"skip\""),
            None,
            &[],
        );
        case("python{test='skip'}", skip("test=\"skip\""), None, &[]);
        case(
            "python {test=\"xfail\"}",
            Directives {
                xfail: true,
                ..Directives::default()
            },
            None,
            &[],
        );
        case(
            "python {group=\"x\" requires=\"3.12\"}",
            Directives {
                session: Some("x".to_owned()),
                requires: vec![Requirement::Python(3, 12)],
                ..Directives::default()
            },
            None,
            &[],
        );
        case(
            "python {lint=\"skip\" .class #id}",
            Directives::default(),
            None,
            &[],
        );
        case(
            "python {title=\"a } b\"} skip",
            skip("skip directive"),
            None,
            &[],
        );
    }

    #[test]
    fn warnings() {
        case(
            "python skpi",
            Directives::default(),
            None,
            &["unknown directive `skpi` ignored"],
        );
        case(
            "python timeout=abc",
            Directives::default(),
            None,
            &["invalid directive `timeout=abc` ignored: expected a duration such as `timeout=5s`"],
        );
        case(
            "python timeout=0",
            Directives::default(),
            None,
            &["invalid directive `timeout=0` ignored: expected a duration such as `timeout=5s`"],
        );
        case(
            "python requires=",
            Directives::default(),
            None,
            &[
                "invalid directive `requires=` ignored: expected a Python version or a module name such as `requires=3.12,numpy`",
            ],
        );
        case(
            "python requires=3.x",
            Directives::default(),
            None,
            &[
                "invalid directive `requires=3.x` ignored: expected a Python version or a module name such as `requires=3.12,numpy`",
            ],
        );
        case(
            "python raises=",
            Directives::default(),
            None,
            &[
                "invalid directive `raises=` ignored: expected an exception name such as `raises=ValueError`",
            ],
        );
        case(
            "python session=\"\"",
            Directives::default(),
            None,
            &["invalid directive `session=\"\"` ignored: expected a session name"],
        );
    }

    #[test]
    fn limit_directives() {
        use crate::limits::LimitOverrides;
        let limited = |limits: LimitOverrides| Directives {
            limits,
            ..Directives::default()
        };
        case(
            "python memory=2G output=4M file-size=1K open-files=64 processes=8",
            limited(LimitOverrides {
                memory: Some(Setting::At(2 << 30)),
                output: Some(Setting::At(4 << 20)),
                file_size: Some(Setting::At(1 << 10)),
                open_files: Some(Setting::At(64)),
                processes: Some(Setting::At(8)),
            }),
            None,
            &[],
        );
        case("python {memory=\"512M\"}", Directives::default(), None, &[]);
        case(
            "python memory=\"512M\"",
            limited(LimitOverrides {
                memory: Some(Setting::At(512 << 20)),
                ..LimitOverrides::default()
            }),
            None,
            &[],
        );
        for (info, warning) in [
            (
                "python memory=lots",
                "invalid directive `memory=lots` ignored: expected a size such as `memory=2G`",
            ),
            (
                "python memory=0",
                "invalid directive `memory=0` ignored: expected a size such as `memory=2G`",
            ),
            (
                "python output=",
                "invalid directive `output=` ignored: expected a size such as `output=4M`",
            ),
            (
                "python file-size=1.5G",
                "invalid directive `file-size=1.5G` ignored: expected a size such as `file-size=512M`",
            ),
            (
                "python open-files=1K",
                "invalid directive `open-files=1K` ignored: expected a number such as `open-files=4096`",
            ),
            (
                "python processes=-1",
                "invalid directive `processes=-1` ignored: expected a number such as `processes=512`",
            ),
            (
                "python memory=none",
                "invalid directive `memory=none` ignored: a block cannot lift a limit (`none` is for the command line and kata.toml); give a value",
            ),
        ] {
            case(info, Directives::default(), None, &[warning]);
        }
    }

    #[test]
    fn tokenizes() {
        assert_eq!(
            tokens(" a  b=\"c d\" {e=\"f g\" h} 'i j'"),
            ["a", "b=\"c d\"", "{e=\"f g\" h}", "'i j'"]
        );
        assert_eq!(tokens("unclosed=\"x y"), ["unclosed=\"x y"]);
        assert_eq!(tokens(""), Vec::<&str>::new());
    }
}
