//! Turns the paths a user named into the Markdown files to read.
//!
//! A path named explicitly is read as Markdown whatever its extension; a
//! directory is walked for `*.md` (sorted, symlinks followed, loops detected).
//! The configuration's `exclude` patterns prune what a walk finds.
//! Problems (a missing path, a FIFO, a symlink loop) become [`FileProblem`]s
//! and the rest of the run goes on.

use std::path::{Path, PathBuf};

use crate::config::Exclude;

/// A file to verify.
#[derive(Debug, Clone)]
pub(crate) struct MarkdownFile {
    pub(crate) path: PathBuf,
    /// The path as shown in reports and tracebacks.
    pub(crate) display: String,
}

/// A path that could not be used.
#[derive(Debug, Clone)]
pub(crate) struct FileProblem {
    pub(crate) display: String,
    pub(crate) line: Option<usize>,
    pub(crate) message: String,
}

const MARKDOWN_EXTENSIONS: &[&str] = &["md", "markdown"];

/// The Markdown files under `paths`. `exclude` applies to what directory
/// walks find, not to the paths themselves.
pub(crate) fn collect(
    paths: &[PathBuf],
    exclude: Option<&Exclude>,
) -> (Vec<MarkdownFile>, Vec<FileProblem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        let display = display_path(path);
        match std::fs::metadata(path) {
            Err(err) => problems.push(problem(display, format!("cannot read it: {err}"))),
            Ok(meta) if meta.is_dir() => walk(path, exclude, &mut files, &mut problems),
            Ok(meta) if meta.is_file() => files.push(MarkdownFile {
                path: path.clone(),
                display,
            }),
            Ok(_) => problems.push(problem(display, "not a regular file".to_owned())),
        }
    }
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| seen.insert(f.path.canonicalize().unwrap_or_else(|_| f.path.clone())));
    (files, problems)
}

fn walk(
    root: &Path,
    exclude: Option<&Exclude>,
    files: &mut Vec<MarkdownFile>,
    problems: &mut Vec<FileProblem>,
) {
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !(is_hidden_or_build_dir(e.file_name())
                    || exclude.is_some_and(|exclude| exclude.matches(e.path())))
        });
    for entry in walker {
        match entry {
            Err(err) => {
                let display = err
                    .path()
                    .map(display_path)
                    .unwrap_or_else(|| display_path(root));
                let message = if err.loop_ancestor().is_some() {
                    "symbolic link loop; not followed".to_owned()
                } else {
                    format!(
                        "cannot read it: {}",
                        err.io_error().map_or(err.to_string(), |e| e.to_string())
                    )
                };
                if !is_markdown(Path::new(&display)) && err.loop_ancestor().is_none() {
                    continue;
                }
                problems.push(problem(display, message));
            }
            Ok(entry) => {
                if !is_markdown(entry.path()) {
                    continue;
                }
                let display = display_path(entry.path());
                if entry.file_type().is_file() {
                    files.push(MarkdownFile {
                        path: entry.path().to_path_buf(),
                        display,
                    });
                } else if !entry.file_type().is_dir() {
                    problems.push(problem(display, "not a regular file".to_owned()));
                }
            }
        }
    }
}

fn is_markdown(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        MARKDOWN_EXTENSIONS
            .iter()
            .any(|m| e.eq_ignore_ascii_case(m))
    })
}

/// Directories a documentation walk should not enter.
fn is_hidden_or_build_dir(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || name == "node_modules" || name == "target" || name == "__pycache__"
}

fn display_path(path: &Path) -> String {
    let shown = path.strip_prefix("./").unwrap_or(path);
    shown.to_string_lossy().into_owned()
}

fn problem(display: String, message: String) -> FileProblem {
    FileProblem {
        display,
        line: None,
        message,
    }
}
