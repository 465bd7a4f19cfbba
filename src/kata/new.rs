//! `kata new TOPIC/SLUG`: scaffolds a kata directory that already passes
//! `kata check` (its starter fails, as a starter should). Never overwrites.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::meta::Level;

/// What `kata new` was asked for.
#[derive(Debug, Clone)]
pub(crate) struct NewKata {
    /// `topic/slug`.
    pub(crate) name: String,
    /// The katas root (`katas/` by default).
    pub(crate) root: PathBuf,
    pub(crate) level: Level,
    pub(crate) title: Option<String>,
}

/// Creates `<root>/<topic>/<slug>/` with the six files; returns its path.
pub(crate) fn scaffold(request: &NewKata) -> Result<PathBuf> {
    let (topic, slug) = split_name(&request.name)?;
    let dir = request.root.join(topic).join(slug);
    if dir.exists() {
        bail!(
            "`{}` already exists; kata new never overwrites\n\nhint: pick another slug, or remove the directory first",
            dir.display()
        );
    }
    let title = request.title.clone().unwrap_or_else(|| title_from(slug));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating `{}`", dir.display()))?;
    for (file, text) in files(topic, &title, request.level) {
        write_new(&dir.join(file), &text)?;
    }
    Ok(dir)
}

/// `topic/slug`, each a lowercase identifier with `-` or `_`.
fn split_name(name: &str) -> Result<(&str, &str)> {
    let valid = |part: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    };
    match name.split_once('/') {
        Some((topic, slug)) if valid(topic) && valid(slug) => Ok((topic, slug)),
        _ => bail!(
            "`{name}` is not TOPIC/SLUG\n\nhint: lowercase letters, digits, `-` and `_`, e.g. `kata new decorators/retry`"
        ),
    }
}

/// `retry-with-backoff` → `Retry with backoff`.
fn title_from(slug: &str) -> String {
    let words = slug.replace(['-', '_'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn write_new(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("creating `{}`", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("writing `{}`", path.display()))
}

/// The scaffold's files: a small, complete kata to edit into the real one.
fn files(topic: &str, title: &str, level: Level) -> Vec<(&'static str, String)> {
    let toml_title = title.replace('\\', "\\\\").replace('"', "\\\"");
    vec![
        (
            "kata.toml",
            format!(
                r#"format_version = 1
title = "{toml_title}"
topic = "{topic}"
level = "{level}"
points = 10
time_limit = "2s"
hints = [
    "Start from the examples in the task: what must `solve([1, 2, 3, 4])` return?",
    "`n % 2 == 0` is true for even numbers; `sum()` adds up any iterable.",
]
tags = []
"#,
                level = level.name()
            ),
        ),
        (
            "README.md",
            format!(
                r#"# {title}

Replace this task with yours. For now: write `solve(items)`, which returns
the sum of the even numbers in `items`.

```text
solve([1, 2, 3, 4])  ->  6
solve([])            ->  0
```

## What you need

A generator expression filters as it goes:

```python
numbers = [1, 2, 3, 4]
print([n for n in numbers if n % 2 == 0])
```

```output
[2, 4]
```
"#
            ),
        ),
        (
            "starter.py",
            r#"def solve(items):
    """Return the sum of the even numbers in items."""
    raise NotImplementedError("write solve")
"#
            .to_owned(),
        ),
        (
            "solution.py",
            r#"def solve(items):
    """Return the sum of the even numbers in items."""
    return sum(n for n in items if n % 2 == 0)
"#
            .to_owned(),
        ),
        (
            "test_public.py",
            r#"from solution import solve


def test_the_example():
    assert solve([1, 2, 3, 4]) == 6


def test_nothing_adds_up_to_zero():
    """An empty input has no even numbers: the sum is 0."""
    assert solve([]) == 0
"#
            .to_owned(),
        ),
        (
            "test_hidden.py",
            r#"from solution import solve


def test_negative_and_odd_numbers():
    assert solve([-4, -3, 5, 7, 10]) == 6
"#
            .to_owned(),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_titles() {
        for (name, ok) in [
            ("decorators/retry", true),
            ("a_b/c-d2", true),
            ("retry", false),
            ("Decorators/retry", false),
            ("a/b/c", false),
            ("/x", false),
            ("x/", false),
        ] {
            assert_eq!(split_name(name).is_ok(), ok, "{name}");
        }
        assert_eq!(title_from("retry-with_backoff"), "Retry with backoff");
    }

    #[test]
    fn the_scaffold_parses_and_has_tests() {
        let files = files("t", "A \"quoted\" title", Level::Senior);
        let toml = &files[0].1;
        let meta = crate::kata::meta::parse(toml).unwrap();
        assert_eq!(meta.title, "A \"quoted\" title");
        assert_eq!(meta.hints.len(), 2);
        let count = |name: &str| {
            let text = &files.iter().find(|(f, _)| *f == name).unwrap().1;
            crate::kata::catalog::test_functions(text).len()
        };
        assert_eq!((count("test_public.py"), count("test_hidden.py")), (2, 1));
    }
}
