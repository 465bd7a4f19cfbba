//! `kata verify`'s configuration file: a `kata.toml`, or the `[tool.kata]`
//! table of a `pyproject.toml`, found by walking up from the current
//! directory; then merged with the command line and the environment.
//!
//! Precedence is command line > environment (`KATA_*`) > file > default.
//! clap already resolves the first two into one `Option` per setting (its
//! `env = ...`), so [`resolve`] only has to put that before the file. This
//! module reads files and validates them; it never runs anything.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::limits::{LimitOverrides, LimitsTable};

/// The file name of kata's own configuration file.
pub(crate) const KATA_TOML: &str = "kata.toml";
/// The Python project file whose `[tool.kata]` table is read.
pub(crate) const PYPROJECT_TOML: &str = "pyproject.toml";

/// Wall-clock limit per block when neither flag, environment nor file sets one.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The option flags of Python's `doctest` module that `doctest_flags` accepts.
pub(crate) const DOCTEST_FLAGS: &[&str] = &[
    "DONT_ACCEPT_TRUE_FOR_1",
    "DONT_ACCEPT_BLANKLINE",
    "NORMALIZE_WHITESPACE",
    "ELLIPSIS",
    "SKIP",
    "IGNORE_EXCEPTION_DETAIL",
    "REPORT_UDIFF",
    "REPORT_CDIFF",
    "REPORT_NDIFF",
    "REPORT_ONLY_FIRST_FAILURE",
    "FAIL_FAST",
];

/// The keys of a configuration file, as written. Every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    /// Paths verified when none is named on the command line, relative to
    /// the configuration file's directory.
    #[serde(default)]
    paths: Vec<PathBuf>,
    /// Glob patterns, relative to the configuration file's directory, of
    /// files and directories that directory walks leave out.
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    /// Wall-clock limit per block, as a duration such as `"10s"` or `"500ms"`.
    #[serde(default)]
    timeout: Option<Spanned<String>>,
    /// Worker processes to run at once.
    #[serde(default)]
    jobs: Option<Spanned<i64>>,
    /// Doctest option flag names applied to every doctest block.
    #[serde(default)]
    doctest_flags: Vec<Spanned<String>>,
    /// Python code run at the start of every session, in its namespace.
    #[serde(default)]
    setup: Option<Spanned<String>>,
    /// Environment variables set for the blocks.
    #[serde(default)]
    env: BTreeMap<String, String>,
    /// Names of further environment variables passed through to the blocks.
    #[serde(default)]
    pass_env: Vec<Spanned<String>>,
    /// Resource limits of the processes that run sessions (`[limits]`).
    #[serde(default)]
    limits: LimitsTable,
}

/// The part of a `pyproject.toml` that kata reads; everything else is ignored.
#[derive(Debug, Deserialize)]
struct PyProject {
    #[serde(default)]
    tool: Option<PyProjectTools>,
}

#[derive(Debug, Deserialize)]
struct PyProjectTools {
    #[serde(default)]
    kata: Option<RawConfig>,
}

/// A configuration file, read and validated.
#[derive(Debug, Clone, Default)]
pub(crate) struct FileConfig {
    /// `paths`, joined to the file's directory.
    pub(crate) paths: Vec<PathBuf>,
    pub(crate) exclude: Option<Exclude>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) jobs: Option<usize>,
    pub(crate) doctest_flags: Vec<String>,
    pub(crate) setup: Option<Setup>,
    pub(crate) env: Vec<(String, String)>,
    pub(crate) pass_env: Vec<String>,
    pub(crate) limits: LimitOverrides,
}

/// The `setup` code and where it is written, for tracebacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Setup {
    pub(crate) code: String,
    /// The configuration file, as tracebacks name it.
    pub(crate) filename: String,
    /// The line of the configuration file where the code starts.
    pub(crate) line: usize,
}

/// Compiled `exclude` patterns, anchored at the configuration file's directory.
#[derive(Debug, Clone)]
pub(crate) struct Exclude {
    /// Absolute and lexically normalised.
    root: PathBuf,
    set: GlobSet,
}

impl Exclude {
    /// Whether `path` (a walked file or directory) matches a pattern. Paths
    /// outside the configuration file's directory never do.
    pub(crate) fn matches(&self, path: &Path) -> bool {
        let Ok(absolute) = std::path::absolute(path) else {
            return false;
        };
        normalize(&absolute)
            .strip_prefix(&self.root)
            .is_ok_and(|relative| self.set.is_match(relative))
    }
}

/// Which configuration file to use.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// Walk up from the current directory.
    Discover,
    /// `--config FILE`.
    File(PathBuf),
    /// `--no-config`.
    Ignore,
}

/// Loads the configuration file `source` names, if any.
pub(crate) fn load(source: &Source) -> Result<Option<FileConfig>> {
    match source {
        Source::Ignore => Ok(None),
        Source::File(file) => {
            let text = std::fs::read_to_string(file).with_context(|| {
                format!("cannot read the configuration file `{}`", file.display())
            })?;
            let is_pyproject = file.file_name().is_some_and(|name| name == PYPROJECT_TOML);
            let raw = if is_pyproject {
                parse_pyproject(&text, file)?
                    .with_context(|| format!("`{}` has no `[tool.kata]` table", file.display()))?
            } else {
                parse_kata_toml(&text, file)?
            };
            validate(raw, &text, file).map(Some)
        }
        Source::Discover => {
            let cwd = std::env::current_dir().context("cannot read the current directory")?;
            discover(&cwd)
        }
    }
}

/// Walks up from `start` to the first directory with a `kata.toml` or a
/// `pyproject.toml` that has a `[tool.kata]` table; `kata.toml` wins when a
/// directory has both. Shown paths are relative to `start`.
fn discover(start: &Path) -> Result<Option<FileConfig>> {
    let mut dir = start.to_path_buf();
    let mut shown_dir = PathBuf::new();
    loop {
        let kata_toml = dir.join(KATA_TOML);
        if kata_toml.is_file() {
            let shown = shown_dir.join(KATA_TOML);
            let text = read(&kata_toml, &shown)?;
            // A kata's own metadata file has the same name: it is not
            // configuration, so the walk goes on above the kata.
            if !is_kata_metadata(&text) {
                let raw = parse_kata_toml(&text, &shown)?;
                return validate(raw, &text, &shown).map(Some);
            }
        }
        let pyproject = dir.join(PYPROJECT_TOML);
        if pyproject.is_file() {
            let shown = shown_dir.join(PYPROJECT_TOML);
            let text = read(&pyproject, &shown)?;
            if let Some(raw) = parse_pyproject(&text, &shown)? {
                return validate(raw, &text, &shown).map(Some);
            }
        }
        if !dir.pop() {
            return Ok(None);
        }
        shown_dir.push("..");
    }
}

/// Whether a `kata.toml` describes a kata (`katas/<topic>/<slug>/kata.toml`,
/// which has a top-level `format_version`) rather than configuring verify.
fn is_kata_metadata(text: &str) -> bool {
    text.parse::<toml::Table>()
        .is_ok_and(|table| table.contains_key("format_version"))
}

fn read(path: &Path, shown: &Path) -> Result<String> {
    std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the configuration file `{}`", shown.display()))
}

fn parse_kata_toml(text: &str, file: &Path) -> Result<RawConfig> {
    toml::from_str(text).map_err(|err| invalid(file, text, &err))
}

/// `None` when the file has no `[tool.kata]` table.
fn parse_pyproject(text: &str, file: &Path) -> Result<Option<RawConfig>> {
    let project: PyProject = toml::from_str(text).map_err(|err| invalid(file, text, &err))?;
    Ok(project.tool.and_then(|tool| tool.kata))
}

fn invalid(file: &Path, text: &str, err: &toml::de::Error) -> anyhow::Error {
    let line = err
        .span()
        .map(|span| format!(", line {}", line_at(text, span.start)))
        .unwrap_or_default();
    anyhow::anyhow!(
        "invalid configuration in `{}`{line}: {}",
        file.display(),
        err.message()
    )
}

/// The 1-based line of byte `offset` of `text`.
fn line_at(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Checks values serde cannot, and turns `raw` into a [`FileConfig`].
fn validate(raw: RawConfig, text: &str, file: &Path) -> Result<FileConfig> {
    let at = |offset: usize| format!("`{}`, line {}", file.display(), line_at(text, offset));
    let dir = file.parent().unwrap_or(Path::new("")).to_path_buf();

    let timeout = match raw.timeout {
        None => None,
        Some(value) => Some(humantime::parse_duration(value.get_ref()).map_err(|err| {
            anyhow::anyhow!(
                "invalid configuration in {}: `timeout = {:?}` is not a duration ({err}); write e.g. \"10s\" or \"500ms\"",
                at(value.span().start),
                value.get_ref()
            )
        })?),
    };
    let jobs = match raw.jobs {
        None => None,
        Some(value) => match usize::try_from(*value.get_ref()) {
            Ok(jobs) if jobs >= 1 => Some(jobs),
            _ => bail!(
                "invalid configuration in {}: `jobs` must be at least 1",
                at(value.span().start)
            ),
        },
    };
    let mut doctest_flags: Vec<String> = Vec::new();
    for flag in raw.doctest_flags {
        let name = flag.get_ref();
        if !DOCTEST_FLAGS.contains(&name.as_str()) {
            bail!(
                "invalid configuration in {}: unknown doctest flag `{name}` in `doctest_flags` (known: {})",
                at(flag.span().start),
                DOCTEST_FLAGS.join(", ")
            );
        }
        if !doctest_flags.contains(name) {
            doctest_flags.push(name.clone());
        }
    }
    let exclude = if raw.exclude.is_empty() {
        None
    } else {
        let mut builder = GlobSetBuilder::new();
        for pattern in &raw.exclude {
            let glob = GlobBuilder::new(pattern.get_ref())
                .literal_separator(true)
                .build()
                .map_err(|err| {
                    anyhow::anyhow!(
                        "invalid configuration in {}: bad `exclude` pattern: {err}",
                        at(pattern.span().start)
                    )
                })?;
            builder.add(glob);
        }
        let set = builder
            .build()
            .with_context(|| format!("invalid `exclude` in `{}`", file.display()))?;
        let anchor = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &dir
        };
        let root = std::path::absolute(anchor)
            .with_context(|| format!("cannot resolve the directory of `{}`", file.display()))?;
        Some(Exclude {
            root: normalize(&root),
            set,
        })
    };
    for name in raw.env.keys() {
        if !valid_env_name(name) {
            bail!(
                "invalid configuration in `{}`: `{name}` in `env` is not a valid environment variable name",
                file.display()
            );
        }
    }
    let mut pass_env = Vec::new();
    for name in raw.pass_env {
        if !valid_env_name(name.get_ref()) {
            bail!(
                "invalid configuration in {}: `{}` in `pass_env` is not a valid environment variable name",
                at(name.span().start),
                name.get_ref()
            );
        }
        pass_env.push(name.into_inner());
    }
    let setup = raw.setup.map(|code| {
        let span = code.span();
        let line = line_at(text, span.start) + usize::from(starts_with_newline(text, span.start));
        Setup {
            code: code.into_inner(),
            filename: file.display().to_string(),
            line,
        }
    });
    Ok(FileConfig {
        paths: raw.paths.iter().map(|path| dir.join(path)).collect(),
        exclude,
        timeout,
        jobs,
        doctest_flags,
        setup,
        env: raw.env.into_iter().collect(),
        pass_env,
        limits: raw.limits.overrides(),
    })
}

/// Whether the string literal at `offset` is a multi-line one whose opening
/// quotes end the line (TOML drops that newline from the value).
fn starts_with_newline(text: &str, offset: usize) -> bool {
    let rest = text.get(offset..).unwrap_or("");
    ["\"\"\"", "'''"].iter().any(|quotes| {
        rest.strip_prefix(quotes)
            .is_some_and(|after| after.starts_with('\n') || after.starts_with("\r\n"))
    })
}

fn valid_env_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(['=', '\0'])
}

/// `path` with `.` and `..` folded away, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// What the command line gave, with clap's `env` fallbacks already applied.
#[derive(Debug, Clone, Default)]
pub(crate) struct Overrides {
    pub(crate) paths: Vec<PathBuf>,
    pub(crate) jobs: Option<usize>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) limits: LimitOverrides,
}

/// The settings `kata verify` runs with, after precedence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Resolved {
    /// Empty when neither the command line nor the file names any.
    pub(crate) paths: Vec<PathBuf>,
    pub(crate) jobs: usize,
    pub(crate) timeout: Duration,
    /// The run's limits over kata's defaults (blocks' directives win over them).
    pub(crate) limits: LimitOverrides,
}

/// Command line (or environment) first, then the file, then the default.
pub(crate) fn resolve(overrides: Overrides, file: Option<&FileConfig>, cores: usize) -> Resolved {
    let paths = if overrides.paths.is_empty() {
        file.map(|f| f.paths.clone()).unwrap_or_default()
    } else {
        overrides.paths
    };
    Resolved {
        paths,
        jobs: overrides
            .jobs
            .or(file.and_then(|f| f.jobs))
            .unwrap_or(cores),
        timeout: overrides
            .timeout
            .or(file.and_then(|f| f.timeout))
            .unwrap_or(DEFAULT_TIMEOUT),
        limits: overrides
            .limits
            .or(file.map(|f| f.limits).unwrap_or_default()),
    }
}

impl FileConfig {
    /// Variables to add to the workers' environment: `pass_env` names found
    /// in `lookup` (kata's environment), then `env` (which wins on a clash).
    pub(crate) fn worker_env(
        &self,
        lookup: impl Fn(&str) -> Option<OsString>,
    ) -> Vec<(String, OsString)> {
        let mut vars: Vec<(String, OsString)> = self
            .pass_env
            .iter()
            .filter_map(|name| lookup(name).map(|value| (name.clone(), value)))
            .collect();
        for (name, value) in &self.env {
            vars.retain(|(existing, _)| existing != name);
            vars.push((name.clone(), OsString::from(value)));
        }
        vars
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Setting;

    #[test]
    fn a_katas_metadata_is_not_configuration() {
        assert!(is_kata_metadata("format_version = 1\ntitle = \"x\"\n"));
        assert!(!is_kata_metadata("timeout = \"5s\"\n"));
        assert!(!is_kata_metadata("not toml ["));
    }

    fn kata_toml(text: &str) -> Result<FileConfig> {
        kata_toml_at(text, "conf/kata.toml")
    }

    fn kata_toml_at(text: &str, file: &str) -> Result<FileConfig> {
        let file = Path::new(file);
        validate(parse_kata_toml(text, file)?, text, file)
    }

    fn error(text: &str) -> String {
        format!("{:#}", kata_toml(text).expect_err("an error"))
    }

    #[test]
    fn reads_every_key() {
        let config = kata_toml(
            r#"
paths = ["docs", "README.md"]
exclude = ["docs/drafts/**"]
timeout = "1500ms"
jobs = 3
doctest_flags = ["ELLIPSIS", "NORMALIZE_WHITESPACE", "ELLIPSIS"]
setup = """
import math
"""
env = { GREETING = "hi" }
pass_env = ["HF_HOME"]

[limits]
memory = "none"
processes = 64
"#,
        )
        .unwrap();
        assert_eq!(
            config.paths,
            [PathBuf::from("conf/docs"), PathBuf::from("conf/README.md")]
        );
        assert_eq!(config.timeout, Some(Duration::from_millis(1500)));
        assert_eq!(config.jobs, Some(3));
        assert_eq!(config.doctest_flags, ["ELLIPSIS", "NORMALIZE_WHITESPACE"]);
        assert_eq!(
            config.setup,
            Some(Setup {
                code: "import math\n".into(),
                filename: "conf/kata.toml".into(),
                line: 8,
            })
        );
        assert_eq!(config.env, [("GREETING".to_owned(), "hi".to_owned())]);
        assert_eq!(config.pass_env, ["HF_HOME"]);
        assert!(config.exclude.is_some());
        assert_eq!(
            config.limits,
            LimitOverrides {
                memory: Some(Setting::Unlimited),
                processes: Some(Setting::At(64)),
                ..LimitOverrides::default()
            }
        );
    }

    #[test]
    fn an_empty_file_sets_nothing() {
        let config = kata_toml("").unwrap();
        assert!(config.paths.is_empty());
        assert_eq!(config.timeout, None);
        assert_eq!(config.jobs, None);
        assert!(config.setup.is_none() && config.exclude.is_none());
    }

    #[test]
    fn setup_on_one_line_starts_on_its_own_line() {
        let config = kata_toml("\n\nsetup = 'x = 1'\n").unwrap();
        assert_eq!(config.setup.unwrap().line, 3);
    }

    #[test]
    fn unknown_key_names_the_key_the_file_and_the_line() {
        let message = error("jobs = 2\n\ntimeuot = \"1s\"\n");
        assert!(message.contains("`conf/kata.toml`, line 3"), "{message}");
        assert!(message.contains("unknown field `timeuot`"), "{message}");
    }

    #[test]
    fn unknown_key_in_pyproject_names_the_line_in_pyproject() {
        let text = "[project]\nname = \"x\"\n\n[tool.kata]\npaths = [\"docs\"]\nsetpu = \"\"\n";
        let file = Path::new("pyproject.toml");
        let message = format!("{:#}", parse_pyproject(text, file).unwrap_err());
        assert!(message.contains("`pyproject.toml`, line 6"), "{message}");
        assert!(message.contains("unknown field `setpu`"), "{message}");
    }

    #[test]
    fn pyproject_without_a_kata_table_is_not_a_config() {
        let text = "[project]\nname = \"x\"\n[tool.ruff]\nline-length = 99\n";
        assert!(
            parse_pyproject(text, Path::new("pyproject.toml"))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn wrong_types_are_errors_with_lines() {
        let message = error("timeout = 5\n");
        assert!(message.contains("line 1"), "{message}");
        assert!(message.contains("invalid type: integer `5`"), "{message}");
        let message = error("paths = \"docs\"\n");
        assert!(message.contains("invalid type: string"), "{message}");
        let message = error("\nenv = { N = 1 }\n");
        assert!(message.contains("line 2"), "{message}");
        let message = error("jobs = 0\n");
        assert!(message.contains("`jobs` must be at least 1"), "{message}");
        let message = error("jobs = -2\n");
        assert!(message.contains("`jobs` must be at least 1"), "{message}");
        let message = error("timeout = \"soon\"\n");
        assert!(message.contains("is not a duration"), "{message}");
        let message = error("exclude = [\"a/[b\"]\n");
        assert!(message.contains("bad `exclude` pattern"), "{message}");
        let message = error("\n[limits]\noutput = \"none\"\n");
        assert!(message.contains("line 3"), "{message}");
        assert!(message.contains("cannot be unlimited"), "{message}");
        let message = error("[limits]\nram = \"1G\"\n");
        assert!(message.contains("unknown field `ram`"), "{message}");
        let message = error("this is not toml\n");
        assert!(message.contains("`conf/kata.toml`, line 1"), "{message}");
    }

    #[test]
    fn doctest_flags_are_checked_against_doctests_own() {
        for flag in DOCTEST_FLAGS {
            kata_toml(&format!("doctest_flags = [\"{flag}\"]")).unwrap();
        }
        let message = error("doctest_flags = [\n  \"ELLIPSIS\",\n  \"ELIPSIS\",\n]\n");
        assert!(
            message.contains("unknown doctest flag `ELIPSIS`"),
            "{message}"
        );
        assert!(message.contains("line 3"), "{message}");
        assert!(message.contains("NORMALIZE_WHITESPACE"), "{message}");
        let message = error("doctest_flags = [\"+ELLIPSIS\"]");
        assert!(message.contains("unknown doctest flag"), "{message}");
    }

    #[test]
    fn exclude_matches_relative_to_the_config_directory() {
        let config =
            kata_toml("exclude = [\"docs/drafts\", \"**/*.generated.md\", \"*.tmp.md\"]").unwrap();
        let exclude = config.exclude.unwrap();
        assert!(exclude.matches(Path::new("conf/docs/drafts")));
        assert!(exclude.matches(Path::new("./conf/docs/../docs/drafts")));
        assert!(exclude.matches(Path::new("conf/a/b/x.generated.md")));
        assert!(exclude.matches(Path::new("conf/x.tmp.md")));
        // `*` does not cross a `/`.
        assert!(!exclude.matches(Path::new("conf/docs/x.tmp.md")));
        assert!(!exclude.matches(Path::new("conf/docs/guide.md")));
        // Outside the configuration file's directory nothing matches.
        assert!(!exclude.matches(Path::new("docs/drafts")));
        let here = kata_toml_at("exclude = [\"drafts\"]", "kata.toml").unwrap();
        assert!(here.exclude.unwrap().matches(Path::new("drafts")));
    }

    #[test]
    fn env_wins_over_pass_env_and_missing_names_are_skipped() {
        let config =
            kata_toml("env = { A = \"file\" }\npass_env = [\"A\", \"B\", \"MISSING\"]").unwrap();
        let vars = config.worker_env(|name| match name {
            "A" => Some("outer-a".into()),
            "B" => Some("outer-b".into()),
            _ => None,
        });
        assert_eq!(
            vars,
            [
                ("B".to_owned(), OsString::from("outer-b")),
                ("A".to_owned(), OsString::from("file")),
            ]
        );
        assert!(error("env = { \"A=B\" = \"x\" }").contains("not a valid"));
    }

    #[test]
    fn precedence_is_command_line_then_file_then_default() {
        let file = FileConfig {
            paths: vec![PathBuf::from("../docs")],
            jobs: Some(3),
            timeout: Some(Duration::from_secs(1)),
            limits: LimitOverrides {
                memory: Some(Setting::At(1)),
                processes: Some(Setting::At(2)),
                ..LimitOverrides::default()
            },
            ..FileConfig::default()
        };
        let given = Overrides {
            paths: vec![PathBuf::from("x.md")],
            jobs: Some(1),
            timeout: Some(Duration::from_secs(7)),
            limits: LimitOverrides {
                memory: Some(Setting::Unlimited),
                ..LimitOverrides::default()
            },
        };
        assert_eq!(
            resolve(given, Some(&file), 8),
            Resolved {
                paths: vec![PathBuf::from("x.md")],
                jobs: 1,
                timeout: Duration::from_secs(7),
                limits: LimitOverrides {
                    memory: Some(Setting::Unlimited),
                    processes: Some(Setting::At(2)),
                    ..LimitOverrides::default()
                },
            }
        );
        assert_eq!(
            resolve(Overrides::default(), Some(&file), 8),
            Resolved {
                paths: vec![PathBuf::from("../docs")],
                jobs: 3,
                timeout: Duration::from_secs(1),
                limits: file.limits,
            }
        );
        assert_eq!(
            resolve(Overrides::default(), None, 8),
            Resolved {
                paths: Vec::new(),
                jobs: 8,
                timeout: DEFAULT_TIMEOUT,
                limits: LimitOverrides::default(),
            }
        );
        let only_timeout = Overrides {
            timeout: Some(Duration::from_secs(2)),
            ..Overrides::default()
        };
        let resolved = resolve(only_timeout, Some(&file), 8);
        assert_eq!(
            (resolved.jobs, resolved.timeout),
            (3, Duration::from_secs(2))
        );
    }

    #[test]
    fn discovery_walks_up_and_prefers_kata_toml() {
        let root = tempfile::tempdir().unwrap();
        let sub = root.path().join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        let file_of = |config: FileConfig| config.setup.unwrap().filename;
        std::fs::write(
            root.path().join("a/pyproject.toml"),
            "[project]\nname = 'x'\n",
        )
        .unwrap();
        std::fs::write(
            root.path().join("pyproject.toml"),
            "[tool.kata]\njobs = 2\nsetup = ''\npaths = ['docs']\n",
        )
        .unwrap();
        let found = discover(&sub).unwrap().unwrap();
        assert_eq!(found.jobs, Some(2));
        assert_eq!(found.paths, [PathBuf::from("../../docs")]);
        assert_eq!(file_of(found), "../../pyproject.toml");
        std::fs::write(root.path().join("kata.toml"), "jobs = 4\nsetup = ''\n").unwrap();
        let found = discover(&sub).unwrap().unwrap();
        assert_eq!(found.jobs, Some(4));
        assert_eq!(file_of(found), "../../kata.toml");
    }
}
