//! Finding and loading katas: from a directory (`--katas DIR`, `./katas`) or
//! from the set compiled into the binary, so `cargo install` and
//! `kata run generators` work from any directory.

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use super::meta::{self, KataMeta};

/// The katas shipped with kata.
static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/katas");

/// Reads a file of one kata directory by name.
type FileReader = Box<dyn Fn(&str) -> Option<String>>;

/// One kata, fully loaded.
#[derive(Debug, Clone)]
pub(crate) struct Kata {
    /// `topic/slug`.
    pub(crate) id: String,
    pub(crate) slug: String,
    pub(crate) meta: KataMeta,
    pub(crate) readme: String,
    pub(crate) starter: String,
    pub(crate) solution: String,
    pub(crate) test_public: String,
    pub(crate) test_hidden: Option<String>,
    /// Set when the kata is an example of a guide (`exercise` directive):
    /// its tests are the guide's own checks.
    pub(crate) guide: Option<super::guide::GuideExercise>,
}

/// A kata that could not be loaded.
#[derive(Debug, Clone)]
pub(crate) struct KataProblem {
    /// `file` or `file:line`.
    pub(crate) location: String,
    pub(crate) message: String,
}

/// Where the katas come from.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    Directory(PathBuf),
    Embedded,
}

impl Source {
    /// `--katas DIR` if given, else `./katas` when it holds katas, else the
    /// embedded set.
    pub(crate) fn choose(explicit: Option<PathBuf>) -> Source {
        if let Some(dir) = explicit {
            return Source::Directory(dir);
        }
        let local = PathBuf::from("katas");
        if local.is_dir() {
            return Source::Directory(local);
        }
        Source::Embedded
    }

    pub(crate) fn describe(&self) -> String {
        match self {
            Source::Directory(dir) => format!("`{}`", dir.display()),
            Source::Embedded => "the katas built into kata".to_owned(),
        }
    }
}

/// All katas of a source, sorted by topic, level and slug, with problems.
pub(crate) fn load(source: &Source) -> (Vec<Kata>, Vec<KataProblem>) {
    let mut katas = Vec::new();
    let mut problems = Vec::new();
    let files: Vec<(String, FileReader)> = match source {
        Source::Directory(root) => kata_dirs(root)
            .into_iter()
            .map(|dir| {
                let origin = dir.display().to_string();
                let read: FileReader =
                    Box::new(move |name: &str| std::fs::read_to_string(dir.join(name)).ok());
                (origin, read)
            })
            .collect(),
        Source::Embedded => EMBEDDED
            .dirs()
            .flat_map(|topic| topic.dirs())
            .filter(|dir| dir.get_file(dir.path().join("kata.toml")).is_some())
            .map(|dir| {
                let origin = format!("(built in) {}", dir.path().display());
                let read: FileReader = Box::new(move |name: &str| {
                    dir.get_file(dir.path().join(name))
                        .and_then(|f| f.contents_utf8())
                        .map(str::to_owned)
                });
                (origin, read)
            })
            .collect(),
    };
    for (origin, read) in files {
        match load_one(&origin, &*read) {
            Ok(kata) => katas.push(kata),
            Err(problem) => problems.push(problem),
        }
    }
    katas.sort_by(|a, b| {
        (&a.meta.topic, a.meta.level, &a.slug).cmp(&(&b.meta.topic, b.meta.level, &b.slug))
    });
    (katas, problems)
}

/// `root/<topic>/<slug>/` directories that hold a `kata.toml`.
fn kata_dirs(root: &Path) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    let Ok(topics) = std::fs::read_dir(root) else {
        return dirs;
    };
    for topic in topics.flatten().filter(|e| e.path().is_dir()) {
        let Ok(slugs) = std::fs::read_dir(topic.path()) else {
            continue;
        };
        for slug in slugs.flatten() {
            if slug.path().join("kata.toml").is_file() {
                dirs.push(slug.path());
            }
        }
    }
    dirs.sort();
    dirs
}

/// One kata directory, loaded (the first problem found otherwise).
pub(crate) fn load_dir(dir: &Path) -> Result<Kata, KataProblem> {
    let origin = dir.display().to_string();
    let origin = origin.trim_end_matches('/');
    load_one(origin, &|name: &str| {
        std::fs::read_to_string(dir.join(name)).ok()
    })
}

/// `root/<topic>/<slug>/` directories that hold a `kata.toml`, for `kata check`.
pub(crate) fn kata_dirs_under(root: &Path) -> Vec<PathBuf> {
    kata_dirs(root)
}

fn load_one(origin: &str, read: &dyn Fn(&str) -> Option<String>) -> Result<Kata, KataProblem> {
    let problem = |file: &str, message: String| KataProblem {
        location: format!("{origin}/{file}"),
        message,
    };
    let toml_text =
        read("kata.toml").ok_or_else(|| problem("kata.toml", "cannot be read".into()))?;
    let meta = meta::parse(&toml_text).map_err(|message| {
        let (location, message) = match message.strip_prefix("line ") {
            Some(rest) => {
                let (line, message) = rest.split_once(": ").unwrap_or((rest, ""));
                (format!("{origin}/kata.toml:{line}"), message.to_owned())
            }
            None => (format!("{origin}/kata.toml"), message),
        };
        KataProblem { location, message }
    })?;
    let required = |name: &str| {
        read(name).ok_or_else(|| problem(name, "is missing (every kata needs it)".to_owned()))
    };
    let slug = origin
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(origin)
        .to_owned();
    Ok(Kata {
        id: format!("{}/{slug}", meta.topic),
        slug,
        readme: required("README.md")?,
        starter: required("starter.py")?,
        solution: required("solution.py")?,
        test_public: required("test_public.py")?,
        test_hidden: read("test_hidden.py"),
        guide: None,
        meta,
    })
}

/// The test functions of a test module, in file order: `(name, line)`.
/// Tests are top-level `def test_*` or `async def test_*` functions.
pub(crate) fn test_functions(source: &str) -> Vec<(String, usize)> {
    source
        .lines()
        .enumerate()
        .filter_map(|(index, line)| {
            let rest = line
                .strip_prefix("async def ")
                .or_else(|| line.strip_prefix("def "))?;
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            (name.starts_with("test_") && rest[name.len()..].trim_start().starts_with('('))
                .then_some((name, index + 1))
        })
        .collect()
}

/// A stable 64-bit FNV-1a hash of the parts of a kata that decide whether
/// a solution is right, so progress notices a kata changed upstream.
pub(crate) fn content_hash(kata: &Kata) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [
        kata.test_public.as_str(),
        kata.test_hidden.as_deref().unwrap_or(""),
        kata.starter.as_str(),
    ] {
        for byte in part.bytes().chain([0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_test_functions_in_order() {
        let source = "import kata\n\ndef test_a():\n    pass\n\nasync def test_b ():\n    pass\n\ndef helper():\n    pass\n\n    def test_nested():\n        pass\ndef test_c(x=1): pass\ndef test_d\n";
        assert_eq!(
            test_functions(source),
            vec![
                ("test_a".into(), 3),
                ("test_b".into(), 6),
                ("test_c".into(), 14)
            ]
        );
    }
}
