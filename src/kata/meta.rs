//! `kata.toml`: a kata's metadata, versioned and strictly checked.

use std::time::Duration;

use serde::Deserialize;

/// The `format_version` this kata understands.
pub(crate) const FORMAT_VERSION: u32 = 1;

/// How hard a kata is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Level {
    Mid,
    Senior,
    Principal,
}

impl Level {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Level::Mid => "mid",
            Level::Senior => "senior",
            Level::Principal => "principal",
        }
    }
}

/// How `kata grade` runs a submission against the tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Grading {
    /// The tests (and the verdict) in one process, the submission in
    /// another, talking through proxies (python/kata_sealed.py).
    #[default]
    Sealed,
    /// Tests and submission in one process, for katas whose tests need it
    /// (threads or tasks racing, weak references, object identity): hardened,
    /// but a determined submission can forge its verdict.
    InProcess,
}

/// The contents of `kata.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct KataMeta {
    /// Must be 1.
    pub(crate) format_version: u32,
    /// One line, shown in lists and as the task's heading.
    pub(crate) title: String,
    /// The topic directory it belongs to (`generators`).
    pub(crate) topic: String,
    pub(crate) level: Level,
    /// Points for solving it (spread over the tests when grading).
    #[serde(default = "default_points")]
    pub(crate) points: u32,
    /// Wall-clock limit per test, as `2s` or `500ms`.
    #[serde(default = "default_time_limit", with = "humantime_serde_compat")]
    pub(crate) time_limit: Duration,
    /// Progressive hints, first the gentlest.
    #[serde(default)]
    pub(crate) hints: Vec<String>,
    #[serde(default)]
    pub(crate) tags: Vec<String>,
    /// Points of named tests when grading (`[test_points]`, test name →
    /// points); the rest of `points` is spread evenly over the other tests.
    #[serde(default)]
    pub(crate) test_points: std::collections::BTreeMap<String, f64>,
    /// `grading = "sealed"` (the default) or `"in-process"`.
    #[serde(default)]
    pub(crate) grading: Grading,
    /// Resource limits of the process that runs the tests (`[limits]`:
    /// `memory`, `output`, `file_size`, `open_files`, `processes`); they
    /// win over kata's defaults and over the command line's.
    #[serde(default)]
    pub(crate) limits: crate::limits::LimitsTable,
}

fn default_points() -> u32 {
    10
}

fn default_time_limit() -> Duration {
    Duration::from_secs(2)
}

/// `time_limit = "2s"` through humantime.
mod humantime_serde_compat {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, de::Error};

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let text = String::deserialize(d)?;
        humantime::parse_duration(&text)
            .map_err(|err| D::Error::custom(format!("`{text}` is not a duration ({err})")))
    }
}

/// Parses `kata.toml` text; the error names the line.
pub(crate) fn parse(text: &str) -> Result<KataMeta, String> {
    let meta: KataMeta = toml::from_str(text).map_err(|err| {
        let line = err
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
        let message = err.message().trim_end().to_owned();
        match line {
            Some(line) => format!("line {line}: {message}"),
            None => message,
        }
    })?;
    if meta.format_version > FORMAT_VERSION {
        return Err(format!(
            "format_version {} is newer than this kata understands ({FORMAT_VERSION}); update kata",
            meta.format_version
        ));
    }
    if meta.format_version == 0 {
        return Err("format_version must be 1".to_owned());
    }
    Ok(meta)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "format_version = 1\ntitle = \"Flatten\"\ntopic = \"generators\"\nlevel = \"mid\"\nhints = [\"a\", \"b\"]\n";

    #[test]
    fn reads_a_kata() {
        let meta = parse(GOOD).unwrap();
        assert_eq!(meta.level, Level::Mid);
        assert_eq!(meta.points, 10);
        assert_eq!(meta.time_limit, Duration::from_secs(2));
        assert_eq!(meta.hints.len(), 2);
        assert_eq!(meta.grading, Grading::Sealed);
        let meta = parse(&format!("{GOOD}grading = \"in-process\"\n")).unwrap();
        assert_eq!(meta.grading, Grading::InProcess);
        assert!(parse(&format!("{GOOD}grading = \"trusting\"\n")).is_err());
    }

    #[test]
    fn unknown_keys_name_their_line() {
        let err = parse(&format!("{GOOD}colour = \"red\"\n")).unwrap_err();
        assert!(err.starts_with("line 6:"), "{err}");
        assert!(err.contains("colour"), "{err}");
    }

    #[test]
    fn bad_values_are_explained() {
        let err = parse(&GOOD.replace("\"mid\"", "\"expert\"")).unwrap_err();
        assert!(err.contains("line 4"), "{err}");
        let err = parse(&format!("{GOOD}time_limit = \"soon\"\n")).unwrap_err();
        assert!(err.contains("not a duration"), "{err}");
        let err = parse(&GOOD.replace("format_version = 1", "format_version = 9")).unwrap_err();
        assert!(err.contains("newer"), "{err}");
    }

    #[test]
    fn reads_limits_and_refuses_unknown_ones() {
        use crate::limits::{LimitOverrides, Setting};
        let meta = parse(&format!(
            "{GOOD}\n[limits]\nmemory = \"512M\"\nprocesses = 16\n"
        ))
        .unwrap();
        assert_eq!(
            meta.limits.overrides(),
            LimitOverrides {
                memory: Some(Setting::At(512 << 20)),
                processes: Some(Setting::At(16)),
                ..LimitOverrides::default()
            }
        );
        assert_eq!(
            parse(GOOD).unwrap().limits.overrides(),
            LimitOverrides::default()
        );
        let err = parse(&format!("{GOOD}\n[limits]\nmemroy = \"1G\"\n")).unwrap_err();
        assert!(err.starts_with("line 8:"), "{err}");
        assert!(err.contains("unknown field `memroy`"), "{err}");
        let err = parse(&format!("{GOOD}\n[limits]\n\nmemory = \"1Q\"\n")).unwrap_err();
        assert!(err.starts_with("line 9:"), "{err}");
        assert!(err.contains("`1Q` is not a size"), "{err}");
    }
}
