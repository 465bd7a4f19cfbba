//! `--filter`: which files and blocks a run reports on.
//!
//! A filter is either a piece of a path (`guide`, `docs/async`), which
//! selects every file whose displayed path contains it, or a `FILE:LINE`
//! pair, which selects the one block whose opening fence is on that line.
//! Several filters select the union. A block selected by `FILE:LINE` still
//! needs the blocks before it in its session (they define its namespace):
//! those run but are not reported.

use std::collections::BTreeSet;
use std::path::Path;

use super::files::MarkdownFile;
use crate::report::InputError;

/// One `--filter` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Filter {
    /// Files whose displayed path contains this text.
    Path(String),
    /// The block whose opening fence is on `line` of `file`.
    Block { file: String, line: usize },
}

/// What the filters select in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Selection {
    /// Every block.
    All,
    /// Only the blocks whose fences are on these lines.
    Blocks(BTreeSet<usize>),
}

impl Filter {
    /// `FILE:LINE` (the line a positive number) is a block; anything else is
    /// a piece of a path.
    pub(crate) fn parse(text: &str) -> Filter {
        if let Some((file, line)) = text.rsplit_once(':') {
            if let Ok(line) = line.parse::<usize>() {
                if line > 0 && !file.is_empty() {
                    return Filter::Block {
                        file: file.to_owned(),
                        line,
                    };
                }
            }
        }
        Filter::Path(text.to_owned())
    }

    /// Whether this filter selects anything in `file`.
    pub(crate) fn matches_file(&self, file: &MarkdownFile) -> bool {
        match self {
            Filter::Path(text) => file.display.contains(text.as_str()),
            Filter::Block { file: named, .. } => same_file(named, file),
        }
    }

    /// The error for a filter that selected nothing; `block_lines` are the
    /// fence lines of the file a block filter names, if it was read.
    pub(crate) fn unmatched(&self, block_lines: Option<Vec<usize>>) -> InputError {
        match self {
            Filter::Path(text) => InputError {
                file: text.clone(),
                line: None,
                message: format!(
                    "`--filter {self}` matches no Markdown file under the paths given"
                ),
            },
            Filter::Block { file, line } => {
                let message = match block_lines {
                    None => {
                        format!("`--filter {self}`: no such Markdown file under the paths given")
                    }
                    Some(lines) if lines.is_empty() => {
                        format!("`--filter {self}`: the file has no Python blocks")
                    }
                    Some(lines) => {
                        let lines: Vec<String> = lines.iter().map(usize::to_string).collect();
                        format!(
                            "`--filter {self}`: no Python block starts on line {line} (blocks start on lines {})",
                            lines.join(", ")
                        )
                    }
                };
                InputError {
                    file: file.clone(),
                    line: Some(*line),
                    message,
                }
            }
        }
    }
}

impl std::fmt::Display for Filter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Filter::Path(text) => f.write_str(text),
            Filter::Block { file, line } => write!(f, "{file}:{line}"),
        }
    }
}

/// `docs/guide.md`, `./docs/guide.md` and an absolute path all name the same file.
fn same_file(named: &str, file: &MarkdownFile) -> bool {
    let named_path = Path::new(named);
    let shown = named_path.strip_prefix("./").unwrap_or(named_path);
    if Path::new(&file.display) == shown {
        return true;
    }
    match (named_path.canonicalize(), file.path.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// What `filters` select in `file`; `None` when nothing.
pub(crate) fn select(filters: &[Filter], file: &MarkdownFile) -> Option<Selection> {
    if filters.is_empty() {
        return Some(Selection::All);
    }
    let mut lines = BTreeSet::new();
    for filter in filters.iter().filter(|f| f.matches_file(file)) {
        match filter {
            Filter::Path(_) => return Some(Selection::All),
            Filter::Block { line, .. } => {
                lines.insert(*line);
            }
        }
    }
    (!lines.is_empty()).then_some(Selection::Blocks(lines))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn file(display: &str) -> MarkdownFile {
        MarkdownFile {
            path: PathBuf::from(display),
            display: display.to_owned(),
        }
    }

    #[test]
    fn a_trailing_line_number_makes_a_block_filter() {
        assert_eq!(
            Filter::parse("docs/guide.md:42"),
            Filter::Block {
                file: "docs/guide.md".to_owned(),
                line: 42
            }
        );
        assert_eq!(Filter::parse("guide"), Filter::Path("guide".to_owned()));
        assert_eq!(Filter::parse("a.md:x"), Filter::Path("a.md:x".to_owned()));
        assert_eq!(Filter::parse("a.md:0"), Filter::Path("a.md:0".to_owned()));
        assert_eq!(Filter::parse(":12"), Filter::Path(":12".to_owned()));
    }

    #[test]
    fn path_filters_select_whole_files_and_win_over_block_filters() {
        let guide = file("docs/guide.md");
        assert_eq!(select(&[], &guide), Some(Selection::All));
        let filters = [Filter::parse("guide.md:3"), Filter::parse("docs/")];
        assert_eq!(select(&filters, &guide), Some(Selection::All));
        let filters = [Filter::parse("other")];
        assert_eq!(select(&filters, &guide), None);
    }

    #[test]
    fn block_filters_need_the_whole_path() {
        let guide = file("docs/guide.md");
        let filters = [
            Filter::parse("docs/guide.md:3"),
            Filter::parse("./docs/guide.md:9"),
            Filter::parse("guide.md:5"),
        ];
        assert_eq!(
            select(&filters, &guide),
            Some(Selection::Blocks(BTreeSet::from([3, 9])))
        );
    }
}
