//! File-change notifications for the two watch modes (`kata verify --watch`
//! and `kata watch`): a `notify` watcher whose callback turns each event into
//! the caller's own event type on the caller's one channel (rustlings'
//! `watch.rs` design). Debouncing, fallbacks and what a change means stay
//! with each watch mode; this module never runs anything.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::{EventKind, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};

/// Events closer together than this are one change (an editor's save is
/// often several writes and a rename).
pub(crate) const DEBOUNCE: Duration = Duration::from_millis(200);

/// What the watcher reports.
#[derive(Debug)]
pub(crate) enum Change {
    /// Something was written, created or renamed at this path.
    File(PathBuf),
    /// The watcher reported a problem (a watch was lost, a queue overflowed).
    Error(notify::Error),
}

/// inotify on `paths` (see [`watch_all`]), each change sent as `wrap(change)`.
pub(crate) fn inotify<E: Send + 'static>(
    paths: &[PathBuf],
    sender: &Sender<E>,
    wrap: fn(Change) -> E,
) -> notify::Result<RecommendedWatcher> {
    let watcher = notify::recommended_watcher(handler(sender.clone(), wrap))?;
    watch_all(watcher, paths)
}

/// notify's poll watcher on `paths`, comparing modification times every
/// `interval`: for when inotify cannot start.
pub(crate) fn poll<E: Send + 'static>(
    paths: &[PathBuf],
    sender: &Sender<E>,
    wrap: fn(Change) -> E,
    interval: Duration,
) -> notify::Result<PollWatcher> {
    let config = notify::Config::default().with_poll_interval(interval);
    let watcher = PollWatcher::new(handler(sender.clone(), wrap), config)?;
    watch_all(watcher, paths)
}

/// Directories recursively; a file through its parent directory, so that an
/// editor that saves by writing a new file and renaming it is still seen.
pub(crate) fn watch_all<W: Watcher>(mut watcher: W, paths: &[PathBuf]) -> notify::Result<W> {
    for path in paths {
        if path.is_dir() {
            watcher.watch(path, RecursiveMode::Recursive)?;
        } else {
            watcher.watch(parent_of(path), RecursiveMode::NonRecursive)?;
        }
    }
    Ok(watcher)
}

/// The directory holding `file` (`.` for a bare file name).
pub(crate) fn parent_of(file: &Path) -> &Path {
    match file.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

fn handler<E: Send + 'static>(
    sender: Sender<E>,
    wrap: fn(Change) -> E,
) -> impl notify::EventHandler {
    move |event: notify::Result<notify::Event>| {
        let changes = match event {
            Ok(event) if matches!(event.kind, EventKind::Create(_) | EventKind::Modify(_)) => {
                event.paths.into_iter().map(Change::File).collect()
            }
            Ok(_) => Vec::new(),
            Err(err) => vec![Change::Error(err)],
        };
        for change in changes {
            let _ = sender.send(wrap(change));
        }
    }
}
