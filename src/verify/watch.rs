//! `kata verify --watch`: verify once, then re-verify each Markdown file that
//! changes (or appears) under the paths given, until Ctrl-C.
//!
//! The design follows rustlings' `watch.rs`: the file watcher's callback
//! ([`crate::file_events`]) turns each notification into a [`Change`] on one
//! channel; the loop here debounces them (a burst of events separated by
//! less than [`DEBOUNCE`] is one change) and runs. Events that arrive during a run
//! stay in the channel and trigger the next run. inotify is used when it
//! works; otherwise notify's poll watcher compares modification times every
//! second. No worker process exists between runs, so Ctrl-C while waiting
//! only has to stop the loop; during a run it ends kata as usual.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, SystemTime};

use anstream::{AutoStream, ColorChoice};
use anstyle::{AnsiColor, Style};
use anyhow::{Result, bail};
use notify::{RecursiveMode, Watcher};

use crate::exit_code::ExitStatus;
use crate::file_events::{self, Change, DEBOUNCE};
use crate::report::Reporter;

use super::{Filter, MarkdownFile, VerifyConfig, files, run_files};

/// How often the wait checks for Ctrl-C.
const TICK: Duration = Duration::from_millis(100);
/// The poll watcher's interval, when inotify is not available.
const POLL_INTERVAL: Duration = Duration::from_secs(1);

const DIM: Style = Style::new().dimmed();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();

/// Runs `kata verify` on `config`, then again on each changed file, until
/// Ctrl-C. `reporters` makes a fresh set of reporters for each run.
pub(crate) fn run(
    config: &VerifyConfig,
    color: ColorChoice,
    reporters: &dyn Fn() -> Vec<Box<dyn Reporter>>,
) -> Result<ExitStatus> {
    let mut out = AutoStream::new(std::io::stderr(), color);
    let (sender, events) = mpsc::channel();
    // Watch before the first run, so an edit made during it is not missed.
    let (_watcher, fallback) = start_watcher(&config.paths, &sender);
    drop(sender);
    if let Some(reason) = fallback {
        let _ = writeln!(
            out,
            "{YELLOW}warning{YELLOW:#}: cannot watch for changes with inotify ({reason}); polling modification times every second instead"
        );
    }

    crate::signals::install();
    if let status @ ExitStatus::Interrupted(_) = super::run(config, &mut reporters())? {
        return Ok(status);
    }
    let shown: Vec<String> = config
        .paths
        .iter()
        .map(|p| format!("`{}`", p.display()))
        .collect();
    let _ = writeln!(
        out,
        "{DIM}watching {} for changes; Ctrl-C to stop{DIM:#}",
        shown.join(", ")
    );
    loop {
        let changed = wait_for_changes(&events, &mut out);
        let Some(changed) = changed? else {
            return Ok(ExitStatus::Success);
        };
        let (files, problems) = files::collect(&config.paths, config.exclude.as_ref());
        let files: Vec<MarkdownFile> = files
            .into_iter()
            .filter(|file| {
                file.path
                    .canonicalize()
                    .is_ok_and(|path| changed.contains(&path))
            })
            .collect();
        let Some(run_config) = narrowed(config, &files) else {
            continue;
        };
        let problems = problems
            .into_iter()
            .filter(|p| {
                Path::new(&p.display)
                    .canonicalize()
                    .is_ok_and(|path| changed.contains(&path))
            })
            .collect();
        let names: Vec<&str> = files.iter().map(|f| f.display.as_str()).collect();
        let _ = writeln!(out, "\n{}", separator(SystemTime::now(), &names));
        match run_files(&run_config, files, problems, &mut reporters()) {
            Ok(status @ ExitStatus::Interrupted(_)) => return Ok(status),
            Ok(_) => {}
            Err(err) => {
                let _ = writeln!(out, "error: {err:#}");
            }
        }
    }
}

/// The config for re-running `files`: the filters that concern them, or
/// `None` when the filters select none of them.
fn narrowed(config: &VerifyConfig, files: &[MarkdownFile]) -> Option<VerifyConfig> {
    if files.is_empty() {
        return None;
    }
    let filters: Vec<Filter> = config
        .filters
        .iter()
        .filter(|filter| files.iter().any(|file| filter.matches_file(file)))
        .cloned()
        .collect();
    if !config.filters.is_empty() && filters.is_empty() {
        return None;
    }
    Some(VerifyConfig {
        filters,
        ..config.clone()
    })
}

/// `── 14:03:07 UTC ── docs/guide.md ──`: where one run ends and the next begins.
fn separator(now: SystemTime, names: &[&str]) -> String {
    let stamp = humantime::format_rfc3339_seconds(now).to_string();
    let time = stamp.get(11..19).unwrap_or(&stamp);
    format!("{DIM}── {time} UTC ── {} ──{DIM:#}", names.join(", "))
}

/// Blocks until something changes (then returns the canonical paths that
/// changed, after [`DEBOUNCE`] of quiet) or Ctrl-C is pressed (`None`).
fn wait_for_changes(
    events: &Receiver<Change>,
    out: &mut impl Write,
) -> Result<Option<BTreeSet<PathBuf>>> {
    let mut changed = BTreeSet::new();
    loop {
        let timeout = if changed.is_empty() { TICK } else { DEBOUNCE };
        match events.recv_timeout(timeout) {
            Ok(Change::File(path)) => {
                if let Ok(path) = path.canonicalize() {
                    changed.insert(path);
                }
            }
            Ok(Change::Error(err)) => {
                let _ = writeln!(
                    out,
                    "{YELLOW}warning{YELLOW:#}: watching for changes: {err}"
                );
            }
            Err(RecvTimeoutError::Timeout) => {
                if crate::signals::take().is_some() {
                    return Ok(None);
                }
                if !changed.is_empty() {
                    return Ok(Some(changed));
                }
            }
            Err(RecvTimeoutError::Disconnected) => bail!("the file watcher stopped"),
        }
    }
}

/// Starts inotify on `paths`, or the poll watcher if that fails (then with
/// the reason).
fn start_watcher(paths: &[PathBuf], sender: &Sender<Change>) -> (Box<dyn Watcher>, Option<String>) {
    let same = |change| change;
    match file_events::inotify(paths, sender, same) {
        Ok(watcher) => (Box::new(watcher), None),
        Err(err) => match file_events::poll(paths, sender, same, POLL_INTERVAL) {
            Ok(watcher) => (Box::new(watcher), Some(err.to_string())),
            // Nothing can be watched (a path vanished?): the loop waits
            // for Ctrl-C; the first run already reported the path.
            Err(_) => (Box::new(NoWatcher), Some(err.to_string())),
        },
    }
}

/// Stands in when no watcher could start.
struct NoWatcher;

impl Watcher for NoWatcher {
    fn new<F: notify::EventHandler>(_handler: F, _config: notify::Config) -> notify::Result<Self> {
        Ok(NoWatcher)
    }

    fn watch(&mut self, _path: &Path, _mode: RecursiveMode) -> notify::Result<()> {
        Ok(())
    }

    fn unwatch(&mut self, _path: &Path) -> notify::Result<()> {
        Ok(())
    }

    fn kind() -> notify::WatcherKind {
        notify::WatcherKind::NullWatcher
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_separator_shows_the_time_and_the_files() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(3600 * 14 + 3 * 60 + 7);
        let line = separator(at, &["docs/a.md", "docs/b.md"]);
        assert!(
            line.contains("── 14:03:07 UTC ── docs/a.md, docs/b.md ──"),
            "{line}"
        );
    }

    #[test]
    fn a_burst_of_events_is_one_change() {
        let (sender, events) = mpsc::channel();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.md");
        std::fs::write(&file, "x").unwrap();
        for _ in 0..3 {
            sender.send(Change::File(file.clone())).unwrap();
        }
        let changed = wait_for_changes(&events, &mut Vec::new()).unwrap();
        assert_eq!(
            changed,
            Some(BTreeSet::from([file.canonicalize().unwrap()]))
        );
    }
}
