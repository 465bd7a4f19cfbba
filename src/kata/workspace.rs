//! The learner's practice workspace: their files, and their progress.
//!
//! The workspace is `$KATA_WORKSPACE`, or the nearest directory at or above
//! the current one that holds `.kata/`, or `./kata-practice/` (created on
//! first use). Learner files live at `<workspace>/<topic>/<slug>.py`;
//! progress at `<workspace>/.kata/progress.json`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use super::catalog::{Kata, content_hash};
use super::session::SessionRecord;

const PROGRESS_VERSION: u32 = 1;
const DEFAULT_DIR: &str = "kata-practice";

pub(crate) struct Workspace {
    root: PathBuf,
    pub(crate) progress: Progress,
}

/// Everything remembered about a learner's work.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Progress {
    pub(crate) version: u32,
    /// The kata `kata run` / `kata hint` use when none is named.
    #[serde(default)]
    pub(crate) current: Option<String>,
    #[serde(default)]
    pub(crate) katas: BTreeMap<String, KataProgress>,
    /// Guides named to `kata run` whose exercises stay in the catalogue.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) guides: Vec<String>,
    /// `kata session` score sheets, oldest first. (Files written before
    /// sessions existed hold an empty list, so the version stays 1.)
    #[serde(default)]
    pub(crate) sessions: Vec<SessionRecord>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct KataProgress {
    pub(crate) solved: bool,
    pub(crate) attempts: u32,
    pub(crate) hints_used: u32,
    pub(crate) solution_viewed: bool,
    pub(crate) gave_up: bool,
    /// Unix seconds of the first run.
    pub(crate) started_at: Option<u64>,
    /// Seconds from the first run to the first passing run.
    pub(crate) seconds_to_solve: Option<u64>,
    /// The kata's content hash when it was solved: a kata changed upstream
    /// since then is checked again.
    pub(crate) content_hash: Option<String>,
}

pub(crate) fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Workspace {
    /// Finds the workspace, or creates `./kata-practice/`.
    pub(crate) fn open_or_create(explicit: Option<PathBuf>) -> Result<Workspace> {
        let root = match explicit.or_else(|| std::env::var_os("KATA_WORKSPACE").map(PathBuf::from))
        {
            Some(root) => root,
            None => find_existing().unwrap_or_else(|| PathBuf::from(DEFAULT_DIR)),
        };
        let state = root.join(".kata");
        std::fs::create_dir_all(&state)
            .with_context(|| format!("creating the workspace `{}`", root.display()))?;
        let progress_path = state.join("progress.json");
        let progress = match std::fs::read_to_string(&progress_path) {
            Ok(text) => {
                let progress: Progress = serde_json::from_str(&text).with_context(|| {
                    format!("`{}` is not a kata progress file", progress_path.display())
                })?;
                if progress.version > PROGRESS_VERSION {
                    bail!(
                        "`{}` was written by a newer kata (version {})",
                        progress_path.display(),
                        progress.version
                    );
                }
                progress
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Progress {
                version: PROGRESS_VERSION,
                ..Progress::default()
            },
            Err(err) => {
                return Err(err).with_context(|| format!("reading `{}`", progress_path.display()));
            }
        };
        Ok(Workspace { root, progress })
    }

    /// The file the learner edits for `kata`.
    pub(crate) fn learner_file(&self, kata: &Kata) -> PathBuf {
        self.root
            .join(&kata.meta.topic)
            .join(format!("{}.py", kata.slug))
    }

    /// Creates the learner's file from the starter if it does not exist.
    /// Returns true if it was created.
    pub(crate) fn ensure_learner_file(&self, kata: &Kata) -> Result<bool> {
        let path = self.learner_file(kata);
        if path.exists() {
            return Ok(false);
        }
        self.write_learner_file(kata, &kata.starter)?;
        Ok(true)
    }

    /// Overwrites the learner's file.
    pub(crate) fn write_learner_file(&self, kata: &Kata, text: &str) -> Result<()> {
        let path = self.learner_file(kata);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating `{}`", parent.display()))?;
        }
        std::fs::write(&path, text).with_context(|| format!("writing `{}`", path.display()))
    }

    pub(crate) fn entry(&mut self, kata: &Kata) -> &mut KataProgress {
        let entry = self.progress.katas.entry(kata.id.clone()).or_default();
        if entry.started_at.is_none() {
            entry.started_at = Some(now());
        }
        entry
    }

    /// Whether the kata is solved against its current content.
    pub(crate) fn is_solved(&self, kata: &Kata) -> bool {
        self.progress.katas.get(&kata.id).is_some_and(|p| {
            p.solved && p.content_hash.as_deref() == Some(content_hash(kata).as_str())
        })
    }

    /// Whether it was solved, but the kata changed since.
    pub(crate) fn is_stale(&self, kata: &Kata) -> bool {
        self.progress.katas.get(&kata.id).is_some_and(|p| {
            p.solved && p.content_hash.as_deref() != Some(content_hash(kata).as_str())
        })
    }

    /// `<workspace>/.kata/progress.json`.
    pub(crate) fn progress_path(&self) -> PathBuf {
        self.root.join(".kata").join("progress.json")
    }

    /// Writes the progress file (atomically: a temp file, then rename).
    pub(crate) fn save(&self) -> Result<()> {
        let path = self.progress_path();
        let temp = path.with_extension("json.tmp");
        let text = serde_json::to_string_pretty(&self.progress)?;
        std::fs::write(&temp, text).with_context(|| format!("writing `{}`", temp.display()))?;
        std::fs::rename(&temp, &path).with_context(|| format!("writing `{}`", path.display()))
    }
}

/// The nearest workspace at or above the current directory, or
/// `./kata-practice/` if it already exists.
fn find_existing() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    cwd.ancestors()
        .find(|dir| dir.join(".kata").join("progress.json").is_file())
        .map(Path::to_path_buf)
        .or_else(|| {
            let default = cwd.join(DEFAULT_DIR);
            default.join(".kata").is_dir().then_some(default)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_progress_files_of_every_version_1_shape() {
        let cases = [
            r#"{"version": 1}"#,
            r#"{"version": 1, "current": null, "katas": {}, "sessions": []}"#,
            r#"{"version": 1, "sessions": [{"started_at": 1, "planned_seconds": 60,
                "elapsed_seconds": 3, "ended": "time_up", "solved": 0, "points": 0,
                "hints_used": 0, "katas": [{"id": "a/b", "outcome": "unfinished",
                "seconds": 3, "runs": 0, "hints_used": 0, "points": 0}]}]}"#,
        ];
        for text in cases {
            let progress: Progress =
                serde_json::from_str(text).unwrap_or_else(|err| panic!("{text}: {err}"));
            assert_eq!(progress.version, PROGRESS_VERSION);
        }
    }
}
