//! Guide examples served as katas.
//!
//! A Python block of a guide with the `exercise` directive (or
//! `exercise=NAME`, `exercise=TOPIC/NAME`) is also a kata: its stub is the
//! starter (see [`super::stub`]), its own code is the model answer, the
//! guide section around it is the task, and its tests are the guide's own
//! checks: the example's expectation, the later checked blocks of the same
//! session that use the names it defines, and hidden
//! `<!-- exercise-tests: NAME ... -->` blocks. A run is the guide's session
//! with the learner's file in place of the example, judged exactly as
//! `kata verify` judges the guide, so the guide and the exercise cannot drift
//! apart.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use include_dir::{Dir, include_dir};

use super::catalog::{Kata, KataProblem};
use super::meta::{FORMAT_VERSION, KataMeta, Level};
use super::runner::{KataRun, TestResult, TestStatus};
use super::stub::stub;
use crate::extract::{self, Block, Document, Expectation, Language};
use crate::report::Status;
use crate::runner::{PoolEvent, PoolOptions, run_pool};
use crate::verify::sessions;
use crate::verify::verdict;
use crate::worker::protocol::{BlockRun, Captured, Limits, SessionJob};

/// The guides shipped with kata.
static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/content");

/// Wall-clock limit per block when an exercise runs.
const BLOCK_LIMIT: Duration = Duration::from_secs(10);

/// Where an exercise comes from.
#[derive(Debug, Clone)]
pub(crate) struct GuideExercise {
    /// The guide's text, as loaded.
    pub(crate) source: String,
    /// The guide as shown in reports.
    pub(crate) display: String,
    /// The opening fence line of the example.
    pub(crate) line: usize,
}

/// Which guides to look in.
#[derive(Debug, Clone)]
pub(crate) enum GuideSource {
    /// Every `*.md` under a directory (`./content`).
    Directory(PathBuf),
    /// One guide named on the command line.
    File(PathBuf),
    /// The guides built into kata.
    Embedded,
}

impl GuideSource {
    /// `./content` when it exists, else the built-in guides.
    pub(crate) fn default_for_cwd() -> GuideSource {
        let local = PathBuf::from("content");
        if local.is_dir() {
            GuideSource::Directory(local)
        } else {
            GuideSource::Embedded
        }
    }
}

/// The exercises of the guides of `source`, and what is wrong with others.
pub(crate) fn load(source: &GuideSource) -> (Vec<Kata>, Vec<KataProblem>) {
    let guides: Vec<(String, String)> = match source {
        GuideSource::File(path) => read_guide(path).into_iter().collect(),
        GuideSource::Directory(dir) => {
            let mut paths: Vec<PathBuf> = walkdir::WalkDir::new(dir)
                .into_iter()
                .flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
                .map(|e| e.into_path())
                .collect();
            paths.sort();
            paths.iter().filter_map(|p| read_guide(p)).collect()
        }
        GuideSource::Embedded => EMBEDDED
            .files()
            .filter(|f| f.path().extension().is_some_and(|x| x == "md"))
            .filter_map(|f| {
                let text = f.contents_utf8()?;
                Some((
                    format!("(built in) content/{}", f.path().display()),
                    text.to_owned(),
                ))
            })
            .collect(),
    };
    let mut katas = Vec::new();
    let mut problems = Vec::new();
    for (display, text) in guides {
        let Ok(document) = extract::extract_document(text.as_bytes()) else {
            continue;
        };
        for (index, block) in document.blocks.iter().enumerate() {
            if block.directives.exercise.is_none() {
                continue;
            }
            match exercise_kata(&display, &document, index) {
                Ok(kata) => katas.push(kata),
                Err(message) => problems.push(KataProblem {
                    location: format!("{display}:{}", block.fence_line),
                    message,
                }),
            }
        }
    }
    (katas, problems)
}

fn read_guide(path: &Path) -> Option<(String, String)> {
    let text = std::fs::read_to_string(path).ok()?;
    let display = path
        .strip_prefix("./")
        .unwrap_or(path)
        .display()
        .to_string();
    Some((display, text))
}

/// `(topic, name)` of an exercise: from `exercise=TOPIC/NAME`, else the
/// guide's file name without its number (`02-generators.md` → `generators`)
/// and the first function the example defines.
fn identity(display: &str, block: &Block) -> Result<(String, String), String> {
    let given = block.directives.exercise.clone().unwrap_or_default();
    let (topic, name) = match given.split_once('/') {
        Some((topic, name)) => (Some(topic.to_owned()), Some(name.to_owned())),
        None if given.is_empty() => (None, None),
        None => (None, Some(given)),
    };
    let topic = topic.unwrap_or_else(|| {
        let stem = Path::new(display)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        stem.trim_start_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '_')
            .to_ascii_lowercase()
    });
    let name = match name {
        Some(name) => name,
        None => defined_names(&block.code)
            .first()
            .map(|n| n.replace('_', "-").to_ascii_lowercase())
            .ok_or("the exercise needs a name: `exercise=NAME`")?,
    };
    Ok((topic, name))
}

fn exercise_kata(display: &str, document: &Document, index: usize) -> Result<Kata, String> {
    let block = &document.blocks[index];
    if block.language != Language::Python || block.expectation == Expectation::Doctest {
        return Err(
            "an exercise must be a Python block (put its doctest session in a later block)".into(),
        );
    }
    let (topic, name) = identity(display, block)?;
    let starter = stub(&block.code).map_err(|err| err.to_string())?;
    let (session, tests) = plan(document, index, &name);
    let checks: Vec<&Block> = tests.iter().map(|&i| &document.blocks[i]).collect();
    let checked = checks
        .iter()
        .any(|b| b.expectation != Expectation::Smoke || b.fence_line != block.fence_line);
    if !checked {
        return Err(format!(
            "exercise `{name}` has nothing to test: give the example an expected output, or add a later checked block that uses {}",
            defined_names(&block.code).join(", ")
        ));
    }
    let _ = session;
    let heading = heading_before(&document.source, block.fence_line);
    let title = heading
        .as_ref()
        .map(|(_, text)| text.clone())
        .unwrap_or_else(|| format!("Exercise from {display}:{}", block.fence_line));
    let readme = task_text(&document.source, heading.map(|(line, _)| line), block);
    let code_of = |blocks: &[&Block], hidden: bool| {
        blocks
            .iter()
            .filter(|b| b.hidden == hidden)
            .map(|b| b.code.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    };
    Ok(Kata {
        id: format!("{topic}/{name}"),
        slug: name,
        meta: KataMeta {
            format_version: FORMAT_VERSION,
            title,
            topic,
            level: Level::Mid,
            points: 5,
            time_limit: BLOCK_LIMIT,
            hints: block.directives.hints.clone(),
            tags: vec!["from a guide".to_owned()],
            test_points: Default::default(),
            // Its checks are the guide's own blocks, run in the example's
            // namespace: they cannot cross a process boundary.
            grading: super::meta::Grading::InProcess,
            limits: Default::default(),
        },
        readme,
        starter,
        solution: block.code.clone(),
        test_public: code_of(&checks, false),
        test_hidden: Some(code_of(&checks, true)).filter(|c| !c.is_empty()),
        guide: Some(GuideExercise {
            source: document.source.clone(),
            display: display.to_owned(),
            line: block.fence_line,
        }),
    })
}

/// The names an example defines at the top level: functions, classes and
/// assignments.
fn defined_names(code: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in code.lines() {
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let rest = line
            .strip_prefix("async def ")
            .or_else(|| line.strip_prefix("def "))
            .or_else(|| line.strip_prefix("class "))
            .unwrap_or(line);
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let defines = rest.len() != line.len()
            || rest[name.len()..].trim_start().starts_with(['=', ':'])
                && !rest[name.len()..].trim_start().starts_with("==");
        if !name.is_empty() && defines && !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

fn uses_any(code: &str, names: &[String]) -> bool {
    names.iter().any(|name| {
        code.match_indices(name.as_str()).any(|(at, _)| {
            let before = code[..at].chars().next_back();
            let after = code[at + name.len()..].chars().next();
            let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            !word(before) && !word(after)
        })
    })
}

/// The example's session (document indices, in order, up to the last test)
/// and its tests (the example, later blocks of the session that use its
/// names, and its hidden checks).
fn plan(document: &Document, index: usize, name: &str) -> (Vec<usize>, Vec<usize>) {
    let blocks = &document.blocks;
    let Some(session) = sessions::plan(blocks)
        .into_iter()
        .find(|s| s.blocks.contains(&index))
    else {
        return (Vec::new(), Vec::new());
    };
    let names = defined_names(&blocks[index].code);
    let mut tests = vec![index];
    for &later in session.blocks.iter().filter(|&&b| b > index) {
        let block = &blocks[later];
        let hidden_check = block.directives.exercise_tests.as_deref() == Some(name);
        let public_check = !block.hidden && uses_any(&block.code, &names);
        if hidden_check || public_check {
            tests.push(later);
        }
    }
    let last = *tests.last().unwrap_or(&index);
    let run: Vec<usize> = session.blocks.into_iter().filter(|&b| b <= last).collect();
    (run, tests)
}

/// The nearest heading above `line`: `(its line, its text)`.
fn heading_before(source: &str, line: usize) -> Option<(usize, String)> {
    let lines: Vec<&str> = source.lines().collect();
    (0..line.saturating_sub(1).min(lines.len()))
        .rev()
        .find_map(|i| {
            let text = lines[i].trim_start();
            let hashes = text.chars().take_while(|&c| c == '#').count();
            ((1..=6).contains(&hashes) && text[hashes..].starts_with(' '))
                .then(|| (i + 1, text[hashes..].trim().to_owned()))
        })
}

/// The task: the guide from the heading to the example, then what to do.
fn task_text(source: &str, heading: Option<usize>, block: &Block) -> String {
    let lines: Vec<&str> = source.lines().collect();
    let from = heading.unwrap_or(block.fence_line).saturating_sub(1);
    let until = block.fence_line.saturating_sub(1).min(lines.len());
    let mut text = lines[from.min(until)..until].join("\n");
    let names = defined_names(&block.code);
    text.push_str(&format!(
        "\n\nWrite {} so that the example, and the checks after it in the guide, pass.\n",
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    if let Expectation::Output(output) = &block.expectation {
        text.push_str(&format!(
            "\nThe example prints:\n\n```text\n{}```\n",
            output.text
        ));
    }
    text
}

/// Runs an exercise's tests with the learner's file in place of the example.
pub(crate) fn run_tests(
    kata: &Kata,
    exercise: &GuideExercise,
    code_path: &Path,
    display: &str,
    limits: &Limits,
    cancel: Option<Arc<AtomicBool>>,
) -> Result<KataRun> {
    let code = std::fs::read_to_string(code_path)
        .with_context(|| format!("reading `{}`", code_path.display()))?;
    let document = extract::extract_document(exercise.source.as_bytes())
        .map_err(|err| anyhow::anyhow!("reading `{}`: {err}", exercise.display))?;
    let Some(index) = document
        .blocks
        .iter()
        .position(|b| b.fence_line == exercise.line)
    else {
        bail!(
            "the example at {}:{} is gone",
            exercise.display,
            exercise.line
        );
    };
    let (run, tests) = plan(&document, index, &kata.slug);
    let job_blocks = run
        .iter()
        .enumerate()
        .map(|(position, &b)| {
            let mut job = sessions::job_block(position, &document.blocks[b], BLOCK_LIMIT, &[]);
            if b == index {
                job.code = code.clone();
                job.code_line = 1;
                job.filename = Some(display.to_owned());
            }
            job
        })
        .collect();
    // The blocks' limit directives, as `kata verify` reads them.
    let mut session_limits = crate::limits::LimitOverrides::default();
    for &b in &run {
        session_limits.widen(&document.blocks[b].directives.limits);
    }
    let job = SessionJob {
        id: 0,
        filename: exercise.display.clone(),
        source: exercise.source.clone(),
        namespace: "main".to_owned(),
        blocks: job_blocks,
        limits: session_limits.applied_to(limits),
        give_up_after_timeouts: 0,
        own_pid_namespace: false,
    };
    let scratch = crate::scratch::create()?;
    let options = PoolOptions {
        workers: 1,
        scratch_root: scratch.path().to_path_buf(),
        lean: true,
        env: Vec::new(),
        cancel,
    };
    let mut runs: Vec<Option<BlockRun>> = vec![None; run.len()];
    crate::worker::sys::become_subreaper();
    crate::signals::install();
    run_pool(vec![job], &options, |event| {
        if let PoolEvent::Block { index, run, .. } = event
            && let Some(slot) = runs.get_mut(index)
        {
            *slot = Some(*run);
        }
        std::ops::ControlFlow::Continue(())
    })?;
    crate::worker::sys::kill_stray_children();
    crate::worker::processes::remove_stale();
    drop(scratch);
    if let Some(signal) = crate::signals::received() {
        bail!("interrupted by {}", crate::signals::name(signal));
    }

    let mut load_error = None;
    let mut results = Vec::new();
    for (&b, run) in run.iter().zip(runs) {
        let block = &document.blocks[b];
        let Some(run) = run else { continue };
        let shown = if b == index {
            display
        } else {
            exercise.display.as_str()
        };
        let judged = verdict::judge(shown, block, run.clone());
        if b < index {
            if judged.status.is_failure() && load_error.is_none() {
                let mut setup = to_test("setup", &exercise.display, block, &judged, run);
                setup.message = format!(
                    "the guide's block at {}:{} failed before your code ran: {}",
                    exercise.display, block.fence_line, judged.message
                );
                load_error = Some(setup);
            }
            continue;
        }
        // A check skipped here (`requires=numpy` without numpy) tests nothing.
        if !tests.contains(&b) || judged.status == Status::Skip {
            continue;
        }
        let name = if b == index {
            "the example".to_owned()
        } else if block.hidden {
            format!("hidden check at line {}", block.fence_line)
        } else {
            format!(
                "check at line {} ({})",
                block.fence_line,
                block.expectation.kind()
            )
        };
        let mut test = to_test(&name, &exercise.display, block, &judged, run);
        test.hidden = block.hidden;
        results.push(test);
    }
    Ok(KataRun {
        load_error,
        tests: results,
    })
}

fn to_test(
    name: &str,
    guide: &str,
    block: &Block,
    judged: &crate::report::BlockResult,
    run: BlockRun,
) -> TestResult {
    let status = match judged.status {
        Status::Pass => TestStatus::Pass,
        Status::Fail => TestStatus::Fail,
        Status::Error => TestStatus::Error,
        Status::Timeout => TestStatus::Timeout,
        Status::Crash => TestStatus::Crash,
        Status::Skip => TestStatus::Skip,
    };
    TestResult {
        name: name.to_owned(),
        file: guide.to_owned(),
        line: judged.failing_line.unwrap_or(block.fence_line),
        hidden: block.hidden,
        status,
        message: judged.message.clone(),
        assertion: None,
        traceback: judged.detail.clone(),
        doc: None,
        stdout: Captured {
            text: if status == TestStatus::Pass {
                String::new()
            } else {
                run.stdout.text
            },
            dropped_bytes: run.stdout.dropped_bytes,
        },
        stderr: Captured::default(),
        code: Some(block.code.clone()),
        duration_ms: judged.duration_ms as f64,
    }
}

/// `kata check` for guide exercises: the model answer (the guide's own
/// code) passes every check, and the stub fails at least one. Returns
/// `(ok, broken)` counts, printing one line per exercise and per problem.
pub(crate) fn check(
    paths: &[PathBuf],
    limits: &Limits,
    out: &mut dyn std::io::Write,
) -> Result<(usize, usize)> {
    let mut ok = 0;
    let mut broken = 0;
    for path in paths {
        let source = if path.is_dir() {
            GuideSource::Directory(path.clone())
        } else {
            GuideSource::File(path.clone())
        };
        let (katas, problems) = load(&source);
        for problem in &problems {
            writeln!(out, "{}: error: {}", problem.location, problem.message)?;
            broken += 1;
        }
        for kata in &katas {
            let Some(exercise) = &kata.guide else {
                continue;
            };
            let scratch = tempfile::tempdir().context("creating a scratch file")?;
            let file = scratch.path().join(format!("{}.py", kata.slug));
            let location = format!("{}:{}", exercise.display, exercise.line);
            let mut problems = Vec::new();
            std::fs::write(&file, &kata.solution)?;
            let answer = run_tests(kata, exercise, &file, &location, limits, None)?;
            if !answer.passed() {
                let failing = answer
                    .load_error
                    .iter()
                    .chain(answer.tests.iter().filter(|t| t.status != TestStatus::Pass))
                    .map(|t| format!("{}: {}", t.name, t.message))
                    .collect::<Vec<_>>()
                    .join("; ");
                problems.push(format!("the guide's own code fails its checks: {failing}"));
            }
            std::fs::write(&file, &kata.starter)?;
            let stub = run_tests(kata, exercise, &file, &location, limits, None)?;
            if stub.passed() {
                problems.push(
                    "the stub passes every check: the checks do not test what the learner writes"
                        .to_owned(),
                );
            }
            for problem in &problems {
                writeln!(out, "{location}: error: exercise {}: {problem}", kata.id)?;
            }
            if problems.is_empty() {
                ok += 1;
                let tests = answer.tests.len();
                writeln!(
                    out,
                    "ok     {location} exercise {} ({tests} checks; the stub fails, the guide's code passes)",
                    kata.id
                )?;
            } else {
                broken += 1;
                writeln!(out, "BROKEN {location} exercise {}", kata.id)?;
            }
        }
    }
    Ok((ok, broken))
}

/// Whether `kata check` should read `path` as guides rather than katas: a
/// Markdown file, or a directory with Markdown files and no `kata.toml`
/// anywhere under it.
pub(crate) fn is_guide_path(path: &Path) -> bool {
    if path.is_file() {
        return path.extension().is_some_and(|x| x == "md");
    }
    if !path.is_dir() {
        return false;
    }
    let entries: Vec<walkdir::DirEntry> =
        walkdir::WalkDir::new(path).into_iter().flatten().collect();
    !entries.iter().any(|e| e.file_name() == "kata.toml")
        && entries
            .iter()
            .any(|e| e.path().extension().is_some_and(|x| x == "md"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_an_example_defines() {
        assert_eq!(
            defined_names(
                "import os\ndef f(x):\n    y = 1\nclass C:\n    pass\nN: int = 3\nM = 2\nif M == 2:\n    pass\nasync def g(): ...\n"
            ),
            ["f", "C", "N", "M", "g"]
        );
    }

    #[test]
    fn uses_whole_words_only() {
        let names = vec!["flatten".to_owned()];
        assert!(uses_any("print(list(flatten(x)))", &names));
        assert!(!uses_any("deep_flatten(x)", &names));
        assert!(!uses_any("flattened = 1", &names));
    }

    #[test]
    fn exercises_are_found_with_their_checks() {
        let guide = "# Generators\n\n## Flatten\n\nProse.\n\n```python exercise=generators/flatten\ndef flatten(xs):\n    for x in xs:\n        yield from x\n```\n\n```pycon\n>>> list(flatten([[1], [2]]))\n[1, 2]\n```\n\n```python\nprint('unrelated')\n```\n\n<!-- exercise-tests: flatten\nassert list(flatten([])) == []\n-->\n";
        let document = extract::extract_document(guide.as_bytes()).unwrap();
        let index = document
            .blocks
            .iter()
            .position(|b| b.directives.exercise.is_some())
            .unwrap();
        let kata = exercise_kata("g.md", &document, index).unwrap();
        assert_eq!(kata.id, "generators/flatten");
        assert_eq!(kata.meta.title, "Flatten");
        assert!(
            kata.starter
                .contains("raise NotImplementedError(\"write flatten\")")
        );
        assert!(kata.readme.contains("Prose."));
        let (run, tests) = plan(&document, index, "flatten");
        assert_eq!(run.len(), 4, "example, doctest, unrelated, hidden");
        assert_eq!(tests.len(), 3, "example, doctest, hidden");
    }

    #[test]
    fn an_exercise_with_nothing_to_test_is_refused() {
        let guide = "```python exercise=lonely\ndef lonely():\n    return 1\n```\n";
        let document = extract::extract_document(guide.as_bytes()).unwrap();
        let err = exercise_kata("g.md", &document, 0).unwrap_err();
        assert!(err.contains("nothing to test"), "{err}");
    }
}
