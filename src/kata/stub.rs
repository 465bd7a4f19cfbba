//! Stubs for guide exercises: the learner's starting point, made from the
//! guide's own example by removing the solution.
//!
//! With `# begin solution` / `# end solution` markers (in the spirit of
//! nbgrader), the lines between each pair are replaced. Without markers, the
//! body of every function and method the example defines is replaced,
//! keeping decorators, signatures (also over several lines), `async def`
//! and docstrings, so the stub still imports and the names still exist.
//! Pure text work on Python's indentation rules: no interpreter needed.

/// Why a block cannot be made into a stub.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StubError {
    /// `# begin solution` without `# end solution`, or the reverse.
    UnpairedMarker { line: usize, marker: &'static str },
    /// No markers and no function to empty: nothing would be left to write.
    NothingToStub,
}

impl std::fmt::Display for StubError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StubError::UnpairedMarker { line, marker } => write!(
                f,
                "`# {marker} solution` on line {line} of the example has no partner"
            ),
            StubError::NothingToStub => write!(
                f,
                "the example defines no function to empty; mark the part to write with `# begin solution` / `# end solution`"
            ),
        }
    }
}

const BEGIN: &str = "# begin solution";
const END: &str = "# end solution";

/// The stub for an example's code.
pub(crate) fn stub(code: &str) -> Result<String, StubError> {
    let lines: Vec<&str> = code.lines().collect();
    let has_markers = lines
        .iter()
        .any(|l| is_marker(l, BEGIN) || is_marker(l, END));
    let out = if has_markers {
        with_markers(&lines)?
    } else {
        without_markers(&lines)?
    };
    Ok(out.join("\n") + "\n")
}

fn is_marker(line: &str, marker: &str) -> bool {
    line.trim().eq_ignore_ascii_case(marker)
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

fn raise_line(indent: &str, what: &str) -> String {
    format!("{indent}raise NotImplementedError(\"{what}\")")
}

fn with_markers(lines: &[&str]) -> Result<Vec<String>, StubError> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    for (index, line) in lines.iter().enumerate() {
        if is_marker(line, BEGIN) {
            if open.is_some() {
                return Err(StubError::UnpairedMarker {
                    line: index + 1,
                    marker: "begin",
                });
            }
            open = Some(index);
            let indent = &line[..indent_of(line)];
            out.push(format!("{indent}# your code here"));
            out.push(raise_line(indent, "your code here"));
        } else if is_marker(line, END) {
            if open.take().is_none() {
                return Err(StubError::UnpairedMarker {
                    line: index + 1,
                    marker: "end",
                });
            }
        } else if open.is_none() {
            out.push((*line).to_owned());
        }
    }
    match open {
        Some(index) => Err(StubError::UnpairedMarker {
            line: index + 1,
            marker: "begin",
        }),
        None => Ok(out),
    }
}

/// The name of the function a `def` / `async def` line starts, if it does.
fn def_name(line: &str) -> Option<&str> {
    let trimmed = line.trim_start();
    let rest = trimmed
        .strip_prefix("async def ")
        .or_else(|| trimmed.strip_prefix("def "))?;
    let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
    (end > 0).then(|| &rest[..end])
}

/// Where the header starting at `start` ends: the line holding the colon at
/// bracket depth 0, and the byte just after that colon.
fn header_end(lines: &[&str], start: usize) -> Option<(usize, usize)> {
    let mut depth = 0i32;
    for (index, line) in lines.iter().enumerate().skip(start) {
        let mut quote: Option<char> = None;
        for (byte, c) in line.char_indices() {
            match (quote, c) {
                (Some(q), _) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '\'' | '"') => quote = Some(c),
                (None, '#') => break,
                (None, '(' | '[' | '{') => depth += 1,
                (None, ')' | ']' | '}') => depth -= 1,
                (None, ':') if depth == 0 => return Some((index, byte + 1)),
                _ => {}
            }
        }
    }
    None
}

fn without_markers(lines: &[&str]) -> Result<Vec<String>, StubError> {
    let mut out = Vec::new();
    let mut index = 0;
    let mut stubbed = 0;
    while index < lines.len() {
        let line = lines[index];
        let Some(name) = def_name(line) else {
            out.push(line.to_owned());
            index += 1;
            continue;
        };
        let Some((end, after_colon)) = header_end(lines, index) else {
            out.push(line.to_owned());
            index += 1;
            continue;
        };
        let def_indent = indent_of(line);
        let body_indent = " ".repeat(def_indent + 4);
        out.extend(lines[index..end].iter().map(|l| (*l).to_owned()));
        let header_tail = &lines[end][after_colon..];
        let what = format!("write {name}");
        if !header_tail.trim().is_empty() && !header_tail.trim_start().starts_with('#') {
            // `def f(x): return x`: the body is on the header line.
            out.push(lines[end][..after_colon].to_owned());
            out.push(raise_line(&body_indent, &what));
            index = end + 1;
            stubbed += 1;
            continue;
        }
        out.push(lines[end].to_owned());
        let mut body = end + 1;
        while body < lines.len()
            && (lines[body].trim().is_empty() || indent_of(lines[body]) > def_indent)
        {
            body += 1;
        }
        // Blank lines that end the body belong to what follows.
        let mut body_end = body;
        while body_end > end + 1 && lines[body_end - 1].trim().is_empty() {
            body_end -= 1;
        }
        let first = (end + 1..body_end).find(|&i| !lines[i].trim().is_empty());
        let body_indent = first
            .map(|i| lines[i][..indent_of(lines[i])].to_owned())
            .unwrap_or(body_indent);
        if let Some(doc_end) = first.and_then(|i| docstring_end(lines, i)) {
            out.extend(
                lines[first.unwrap_or(doc_end)..=doc_end]
                    .iter()
                    .map(|l| (*l).to_owned()),
            );
        }
        out.push(raise_line(&body_indent, &what));
        out.extend(lines[body_end..body].iter().map(|l| (*l).to_owned()));
        index = body;
        stubbed += 1;
    }
    if stubbed == 0 {
        return Err(StubError::NothingToStub);
    }
    Ok(out)
}

/// If line `start` opens a docstring, the line that closes it.
fn docstring_end(lines: &[&str], start: usize) -> Option<usize> {
    let text = lines[start].trim_start();
    let text = text.trim_start_matches(['r', 'R', 'u', 'U']);
    for quote in ["\"\"\"", "'''"] {
        if let Some(rest) = text.strip_prefix(quote) {
            if rest.contains(quote) {
                return Some(start);
            }
            return (start + 1..lines.len()).find(|&i| lines[i].contains(quote));
        }
    }
    for quote in ['"', '\''] {
        if text.starts_with(quote) && text.len() > 1 && text.trim_end().ends_with(quote) {
            return Some(start);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn case(code: &str, expected: &str) {
        assert_eq!(stub(code).unwrap(), expected, "stub of:\n{code}");
    }

    #[test]
    fn empties_function_bodies_keeping_docstrings() {
        case(
            "def deep_flatten(iterable):\n    \"\"\"Yield leaves.\"\"\"\n    for item in iterable:\n        yield item\n\nprint(list(deep_flatten([1])))\n",
            "def deep_flatten(iterable):\n    \"\"\"Yield leaves.\"\"\"\n    raise NotImplementedError(\"write deep_flatten\")\n\nprint(list(deep_flatten([1])))\n",
        );
    }

    #[test]
    fn keeps_decorators_multiline_signatures_and_async() {
        case(
            "@cache\nasync def fetch(\n    url: str,\n    retries: int = 3,\n) -> bytes:\n    '''Get it.\n\n    Many lines.\n    '''\n    return await get(url)\n",
            "@cache\nasync def fetch(\n    url: str,\n    retries: int = 3,\n) -> bytes:\n    '''Get it.\n\n    Many lines.\n    '''\n    raise NotImplementedError(\"write fetch\")\n",
        );
    }

    #[test]
    fn classes_keep_attributes_and_lose_method_bodies() {
        case(
            "class Stack:\n    kind = \"lifo\"\n\n    def __init__(self):\n        self.items = []\n\n    def push(self, x): self.items.append(x)\n",
            "class Stack:\n    kind = \"lifo\"\n\n    def __init__(self):\n        raise NotImplementedError(\"write __init__\")\n\n    def push(self, x):\n        raise NotImplementedError(\"write push\")\n",
        );
    }

    #[test]
    fn nested_functions_go_with_their_parent() {
        case(
            "def timed(fn):\n    def wrapper(*args):\n        return fn(*args)\n    return wrapper\n",
            "def timed(fn):\n    raise NotImplementedError(\"write timed\")\n",
        );
    }

    #[test]
    fn markers_replace_only_what_they_enclose() {
        case(
            "def area(r):\n    # begin solution\n    return 3.14 * r * r\n    # end solution\n\nprint(area(1))\n",
            "def area(r):\n    # your code here\n    raise NotImplementedError(\"your code here\")\n\nprint(area(1))\n",
        );
    }

    #[test]
    fn problems_are_reported() {
        assert_eq!(
            stub("x = 1\n# begin solution\ny = 2\n"),
            Err(StubError::UnpairedMarker {
                line: 2,
                marker: "begin"
            })
        );
        assert_eq!(
            stub("# end solution\n"),
            Err(StubError::UnpairedMarker {
                line: 1,
                marker: "end"
            })
        );
        assert_eq!(stub("print(1)\n"), Err(StubError::NothingToStub));
    }

    #[test]
    fn colons_in_defaults_and_strings_do_not_end_the_header() {
        case(
            "def f(x={'a': 1}, s=\"b:c\"):\n    return x\n",
            "def f(x={'a': 1}, s=\"b:c\"):\n    raise NotImplementedError(\"write f\")\n",
        );
    }
}
