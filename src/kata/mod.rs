//! Katas for learners (`kata list`, `run`, `hint`, `solution`, `reset`,
//! `session` in [`session`] and `watch` in [`watch`]) and instructors
//! (`kata new`, `check`, `grade`).
//!
//! A kata is a directory (`katas/<topic>/<slug>/`, see `docs/katas.md`);
//! the learner edits a copy of its starter in a practice workspace, and
//! its tests run in a forked worker child exactly like a guide's blocks.

pub(crate) mod catalog;
pub(crate) mod check;
pub(crate) mod feedback;
pub(crate) mod grade;
pub(crate) mod guide;
pub(crate) mod meta;
pub(crate) mod new;
pub(crate) mod runner;
pub(crate) mod session;
pub(crate) mod stub;
pub(crate) mod voice;
pub(crate) mod watch;
pub(crate) mod workspace;

use std::io::Write;
use std::path::PathBuf;

use anstyle::{AnsiColor, Style};
use anyhow::{Context, Result, bail};

use crate::exit_code::ExitStatus;
use crate::worker::protocol::Limits;
use catalog::{Kata, Source};
use runner::{KataRun, TestSet};
use workspace::{Workspace, now};

const GREEN: Style = AnsiColor::Green.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();

/// Where katas and the workspace are, and how to print.
#[derive(Debug, Clone)]
pub(crate) struct KataConfig {
    pub(crate) katas: Option<PathBuf>,
    pub(crate) workspace: Option<PathBuf>,
    pub(crate) color: anstream::ColorChoice,
    pub(crate) limits: Limits,
}

/// The loaded catalogue and workspace a command works on.
pub(crate) struct Practice {
    pub(crate) katas: Vec<Kata>,
    /// Where the katas came from, for messages.
    pub(crate) source: String,
    pub(crate) workspace: Workspace,
    /// Standard output, or in `kata watch` a writer fit for a raw-mode
    /// terminal; colours already decided from the real standard output.
    pub(crate) out: anstream::AutoStream<Box<dyn Write>>,
    pub(crate) config: KataConfig,
}

impl Practice {
    pub(crate) fn open(config: &KataConfig) -> Result<Practice> {
        let source = Source::choose(config.katas.clone());
        let (mut katas, mut problems) = catalog::load(&source);
        let workspace = Workspace::open_or_create(config.workspace.clone())?;
        // Exercises of the guides (`./content` or the built-in ones, unless
        // `--katas` names another set), and of guides the learner named
        // before; hand-written katas win a name clash.
        let mut guide_sources = Vec::new();
        if config.katas.is_none() {
            guide_sources.push(guide::GuideSource::default_for_cwd());
        }
        guide_sources.extend(
            workspace
                .progress
                .guides
                .iter()
                .map(|path| guide::GuideSource::File(PathBuf::from(path))),
        );
        for guides in &guide_sources {
            let (found, wrong) = guide::load(guides);
            for kata in found {
                if !katas.iter().any(|k| k.id == kata.id) {
                    katas.push(kata);
                }
            }
            problems.extend(wrong);
        }
        // Each topic's hand-written katas first, then its guide exercises.
        katas.sort_by(|a, b| {
            (&a.meta.topic, a.guide.is_some(), a.meta.level, &a.slug).cmp(&(
                &b.meta.topic,
                b.guide.is_some(),
                b.meta.level,
                &b.slug,
            ))
        });
        for problem in &problems {
            let _ = writeln!(
                anstream::AutoStream::new(std::io::stderr(), config.color),
                "{YELLOW}warning{YELLOW:#}: {}: {} (kata skipped)",
                problem.location,
                problem.message
            );
        }
        let color = match config.color {
            anstream::ColorChoice::Auto => anstream::AutoStream::choice(&std::io::stdout()),
            chosen => chosen,
        };
        Ok(Practice {
            katas,
            source: source.describe(),
            workspace,
            out: anstream::AutoStream::new(Box::new(std::io::stdout()), color),
            config: config.clone(),
        })
    }

    /// Reads the progress file again: a long-lived `kata watch` must not
    /// overwrite what `kata hint` in another terminal recorded meanwhile.
    pub(crate) fn reload_progress(&mut self) -> Result<()> {
        self.workspace = Workspace::open_or_create(self.config.workspace.clone())?;
        Ok(())
    }

    /// Where to go after `kata`: the first unsolved kata of its topic.
    pub(crate) fn next_in_topic(&self, kata: &Kata) -> Option<&Kata> {
        self.katas.iter().find(|k| {
            k.meta.topic == kata.meta.topic && k.id != kata.id && !self.workspace.is_solved(k)
        })
    }

    /// `kata run GUIDE.md`: adds the guide's exercises to the catalogue (and
    /// remembers the guide for later commands); returns the id of the first
    /// one not solved yet. `None` when `target` is not a file.
    pub(crate) fn serve_guide(&mut self, target: &str) -> Result<Option<String>> {
        let path = PathBuf::from(target);
        if !path.is_file() {
            return Ok(None);
        }
        let (found, problems) = guide::load(&guide::GuideSource::File(path.clone()));
        if let Some(problem) = problems.first() {
            bail!("{}: {}", problem.location, problem.message);
        }
        if found.is_empty() {
            bail!(
                "`{target}` has no exercise\n\nhint: mark a Python example of the guide with ```` ```python exercise ````"
            );
        }
        let absolute = std::path::absolute(&path).unwrap_or(path);
        let remembered = absolute.display().to_string();
        if !self.workspace.progress.guides.contains(&remembered) {
            self.workspace.progress.guides.push(remembered);
        }
        let ids: Vec<String> = found.iter().map(|k| k.id.clone()).collect();
        for kata in found {
            self.katas.retain(|k| k.id != kata.id);
            self.katas.push(kata);
        }
        let first = ids
            .iter()
            .find(|id| self.find(id).is_some_and(|k| !self.workspace.is_solved(k)))
            .unwrap_or(&ids[0]);
        Ok(Some(first.clone()))
    }

    /// A kata by `topic/slug` or `slug`.
    pub(crate) fn find(&self, name: &str) -> Option<&Kata> {
        self.katas
            .iter()
            .find(|k| k.id == name)
            .or_else(|| self.katas.iter().find(|k| k.slug == name))
    }

    /// What `kata run X` means: a kata, or the first unsolved kata of a
    /// topic; with nothing named, the current kata or the first unsolved one.
    pub(crate) fn resolve(&self, target: Option<&str>) -> Result<&Kata> {
        if self.katas.is_empty() {
            bail!("no katas found in {}", self.source);
        }
        let unsolved = |k: &&Kata| !self.workspace.is_solved(k);
        match target {
            Some(name) => {
                if let Some(kata) = self.find(name) {
                    return Ok(kata);
                }
                let topic: Vec<&Kata> =
                    self.katas.iter().filter(|k| k.meta.topic == name).collect();
                if topic.is_empty() {
                    let topics = self.topics().join(", ");
                    bail!(
                        "no kata or topic named `{name}`\n\nhint: topics are {topics}; `kata list` shows every kata"
                    );
                }
                Ok(topic.iter().copied().find(unsolved).unwrap_or(topic[0]))
            }
            None => {
                let current = self
                    .workspace
                    .progress
                    .current
                    .as_deref()
                    .and_then(|c| self.find(c));
                match current {
                    Some(kata) if !self.workspace.is_solved(kata) => Ok(kata),
                    _ => self
                        .katas
                        .iter()
                        .find(unsolved)
                        .or(self.katas.first())
                        .context("no katas"),
                }
            }
        }
    }

    pub(crate) fn topics(&self) -> Vec<String> {
        let mut topics: Vec<String> = self.katas.iter().map(|k| k.meta.topic.clone()).collect();
        topics.dedup();
        topics
    }

    /// The learner's file shown relative to the current directory when possible.
    pub(crate) fn display(&self, kata: &Kata) -> String {
        let path = self.workspace.learner_file(kata);
        let cwd = std::env::current_dir().unwrap_or_default();
        path.strip_prefix(&cwd)
            .unwrap_or(&path)
            .display()
            .to_string()
    }
}

/// `kata list [TOPIC]`.
pub(crate) fn list(config: &KataConfig, topic: Option<&str>) -> Result<ExitStatus> {
    let mut cx = Practice::open(config)?;
    if cx.katas.is_empty() {
        bail!("no katas found in {}", cx.source);
    }
    write_list(&mut cx, topic)?;
    Ok(ExitStatus::Success)
}

/// The katas (of `topic`, or all) with their status and progress.
pub(crate) fn write_list(cx: &mut Practice, topic: Option<&str>) -> Result<()> {
    let mut shown = 0;
    let mut last_topic = String::new();
    let katas: Vec<Kata> = cx.katas.clone();
    for kata in katas
        .iter()
        .filter(|k| topic.is_none_or(|t| k.meta.topic == t))
    {
        if kata.meta.topic != last_topic {
            writeln!(cx.out, "{BOLD}{}{BOLD:#}", kata.meta.topic)?;
            last_topic = kata.meta.topic.clone();
        }
        let progress = cx.workspace.progress.katas.get(&kata.id);
        let status = if cx.workspace.is_solved(kata) {
            format!("{GREEN}solved{GREEN:#}")
        } else if cx.workspace.is_stale(kata) {
            format!("{YELLOW}changed, run again{YELLOW:#}")
        } else if progress.is_some_and(|p| p.attempts > 0) {
            format!("{YELLOW}started{YELLOW:#}")
        } else {
            format!("{DIM}new{DIM:#}")
        };
        let detail = progress
            .map(|p| {
                let mut parts = vec![format!("{} runs", p.attempts)];
                if p.hints_used > 0 {
                    parts.push(format!("{} hints", p.hints_used));
                }
                if p.gave_up {
                    parts.push("gave up".to_owned());
                }
                parts.join(", ")
            })
            .unwrap_or_default();
        writeln!(
            cx.out,
            "  {:<34} {:<9} {:<30} {DIM}{detail}{DIM:#}",
            kata.id,
            kata.meta.level.name(),
            status
        )?;
        let origin = kata
            .guide
            .as_ref()
            .map(|g| format!(" (exercise from {}:{})", g.display, g.line))
            .unwrap_or_default();
        writeln!(cx.out, "  {DIM}  {}{origin}{DIM:#}", kata.meta.title)?;
        shown += 1;
    }
    if shown == 0 {
        bail!(
            "no katas in topic `{}`\n\nhint: topics are {}",
            topic.unwrap_or(""),
            cx.topics().join(", ")
        );
    }
    let solved = cx
        .katas
        .iter()
        .filter(|k| cx.workspace.is_solved(k))
        .count();
    writeln!(cx.out, "\n{solved} of {} katas solved.", cx.katas.len())?;
    Ok(())
}

/// How `kata run` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RunFormat {
    Human,
    Json,
}

/// `kata run [KATA|TOPIC]`.
pub(crate) fn run(
    config: &KataConfig,
    target: Option<&str>,
    format: RunFormat,
) -> Result<ExitStatus> {
    let mut cx = Practice::open(config)?;
    let guide_target = target
        .and_then(|t| cx.serve_guide(t).transpose())
        .transpose()?;
    let kata = cx.resolve(guide_target.as_deref().or(target))?.clone();
    let created = cx.workspace.ensure_learner_file(&kata)?;
    if format == RunFormat::Human {
        write_intro(&mut cx, &kata, created)?;
        writeln!(
            cx.out,
            "Edit {BOLD}{}{BOLD:#}, then run `kata run {}` (or `kata watch`).\n",
            cx.display(&kata),
            kata.id
        )?;
    }
    let result = run_render_record(&mut cx, &kata, format)?;
    let solved_now = result.passed();
    if solved_now {
        let next = cx.next_in_topic(&kata).map(|k| k.id.clone());
        if format == RunFormat::Human {
            writeln!(
                cx.out,
                "\n{GREEN}Solved!{GREEN:#} Compare with the model answer: `kata solution {}`.",
                kata.id
            )?;
            match &next {
                Some(next) => writeln!(cx.out, "Next: `kata run {next}`.")?,
                None => writeln!(
                    cx.out,
                    "That was the last kata of `{}`. `kata list` shows the others.",
                    kata.meta.topic
                )?,
            }
        }
        if let Some(next) = next {
            cx.workspace.progress.current = Some(next);
        }
    }
    cx.workspace.save()?;
    Ok(if solved_now {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

/// A kata's heading line (id, title, level, points, tags), then its task
/// when `with_task`: what `kata run` and `kata session` show first.
pub(crate) fn write_intro(cx: &mut Practice, kata: &Kata, with_task: bool) -> Result<()> {
    let tags = if kata.meta.tags.is_empty() {
        String::new()
    } else {
        format!("; {}", kata.meta.tags.join(", "))
    };
    writeln!(
        cx.out,
        "{BOLD}{}{BOLD:#} — {} {DIM}({}, {} points{tags}){DIM:#}",
        kata.id,
        kata.meta.title,
        kata.meta.level.name(),
        kata.meta.points
    )?;
    if with_task {
        writeln!(cx.out, "\n{}", render_task(&kata.readme))?;
    }
    Ok(())
}

/// Runs the learner's file for `kata` once against the public tests,
/// prints the feedback in `format` and records the attempt in the progress
/// (which the caller saves). The kata becomes the current one.
pub(crate) fn run_render_record(
    cx: &mut Practice,
    kata: &Kata,
    format: RunFormat,
) -> Result<KataRun> {
    let display = cx.display(kata);
    let path = cx.workspace.learner_file(kata);
    let result = run_learner_file(kata, &path, &display, &cx.config.limits, None)?;
    render_record(cx, kata, &result, format)?;
    Ok(result)
}

/// Runs the learner's file `path` against the public tests of `kata` (or,
/// for a guide's exercise, the guide's own checks). Setting `cancel` from
/// another thread stops the run early (its result is then meaningless).
pub(crate) fn run_learner_file(
    kata: &Kata,
    path: &std::path::Path,
    display: &str,
    limits: &Limits,
    cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
) -> Result<KataRun> {
    match &kata.guide {
        Some(exercise) => guide::run_tests(kata, exercise, path, display, limits, cancel),
        None => runner::run_tests(kata, path, display, TestSet::Public, limits, cancel),
    }
}

/// The second half of [`run_render_record`], for a run made elsewhere
/// (`kata watch` runs on its own thread, to be able to cancel it).
pub(crate) fn render_record(
    cx: &mut Practice,
    kata: &Kata,
    result: &KataRun,
    format: RunFormat,
) -> Result<()> {
    let display = cx.display(kata);
    match format {
        RunFormat::Human => write!(cx.out, "{}", feedback::render(kata, &display, result))?,
        RunFormat::Json => {
            serde_json::to_writer_pretty(&mut cx.out, &feedback::exercism(kata, &display, result))?;
            writeln!(cx.out)?;
        }
    }
    let hash = catalog::content_hash(kata);
    let was_solved = cx.workspace.is_solved(kata);
    let entry = cx.workspace.entry(kata);
    entry.attempts += 1;
    if result.passed() && !was_solved {
        entry.solved = true;
        entry.content_hash = Some(hash);
        entry.seconds_to_solve = entry.started_at.map(|s| now().saturating_sub(s));
    } else if !result.passed() {
        entry.solved = false;
    }
    cx.workspace.progress.current = Some(kata.id.clone());
    Ok(())
}

/// A README made readable in a terminal: headings in bold, fenced code
/// indented without its fences, the rest as written.
fn render_task(readme: &str) -> String {
    let mut out = Vec::new();
    let mut fence: Option<String> = None;
    for line in readme.lines() {
        let trimmed = line.trim_start();
        let marker: String = trimmed
            .chars()
            .take_while(|&c| c == '`' || c == '~')
            .collect();
        if marker.len() >= 3 {
            match &fence {
                Some(open) if marker.starts_with(open.as_str()) && trimmed.trim() == marker => {
                    fence = None
                }
                None => fence = Some(marker),
                Some(_) => out.push(format!("    {line}")),
            }
            continue;
        }
        if fence.is_some() {
            out.push(format!("    {DIM}{line}{DIM:#}"));
        } else if let Some(heading) = trimmed.strip_prefix('#').filter(|_| is_heading(trimmed)) {
            out.push(format!(
                "{BOLD}{}{BOLD:#}",
                heading.trim_start_matches('#').trim()
            ));
        } else {
            out.push(line.to_owned());
        }
    }
    out.join("\n")
}

/// `# Title`, `## Part`: hashes then a space.
fn is_heading(line: &str) -> bool {
    let hashes = line.chars().take_while(|&c| c == '#').count();
    (1..=6).contains(&hashes) && line[hashes..].starts_with(' ')
}

/// `kata hint [KATA]`: the next hint, one more each time.
pub(crate) fn hint(config: &KataConfig, target: Option<&str>) -> Result<ExitStatus> {
    let mut cx = Practice::open(config)?;
    let kata = cx.resolve(target)?.clone();
    if kata.meta.hints.is_empty() {
        writeln!(
            cx.out,
            "{} has no hints. Read its task again: `kata run {}`.",
            kata.id, kata.id
        )?;
        return Ok(ExitStatus::Success);
    }
    cx.workspace.progress.current = Some(kata.id.clone());
    write_next_hint(&mut cx, &kata, "`kata hint` again for the next one.")?;
    cx.workspace.save()?;
    Ok(ExitStatus::Success)
}

/// Reveals one more hint of `kata` (recorded in the progress, which the
/// caller saves) and prints every hint revealed so far, then `more` when
/// hints remain. Returns whether a new hint was revealed.
pub(crate) fn write_next_hint(cx: &mut Practice, kata: &Kata, more: &str) -> Result<bool> {
    let total = kata.meta.hints.len();
    if total == 0 {
        writeln!(cx.out, "{} has no hints.", kata.id)?;
        return Ok(false);
    }
    let entry = cx.workspace.entry(kata);
    let shown = (entry.hints_used as usize).min(total - 1);
    let revealed = (entry.hints_used as usize) < total;
    if revealed {
        entry.hints_used += 1;
    }
    for (number, hint) in kata.meta.hints.iter().enumerate().take(shown + 1) {
        writeln!(
            cx.out,
            "{YELLOW}hint {}/{total}{YELLOW:#}: {hint}",
            number + 1
        )?;
    }
    if shown + 1 < total {
        writeln!(cx.out, "{DIM}{more}{DIM:#}")?;
    }
    Ok(revealed)
}

/// `kata solution KATA [--give-up]`: the model answer, once solved.
pub(crate) fn solution(config: &KataConfig, target: &str, give_up: bool) -> Result<ExitStatus> {
    let mut cx = Practice::open(config)?;
    let kata = cx
        .find(target)
        .with_context(|| format!("no kata named `{target}`"))?
        .clone();
    let solved = cx.workspace.is_solved(&kata);
    if !solved && !give_up {
        writeln!(
            cx.out,
            "The model answer opens once {} is solved.\n{DIM}Stuck? `kata hint {}`, or `kata solution {} --give-up` (it is recorded).{DIM:#}",
            kata.id, kata.id, kata.id
        )?;
        return Ok(ExitStatus::Failure);
    }
    let entry = cx.workspace.entry(&kata);
    entry.solution_viewed = true;
    if !solved {
        entry.gave_up = true;
    }
    cx.workspace.save()?;
    writeln!(cx.out, "{BOLD}Model answer for {}{BOLD:#}\n", kata.id)?;
    write!(cx.out, "{}", kata.solution)?;
    Ok(ExitStatus::Success)
}

/// `kata reset KATA`: the learner's file back to the starter.
pub(crate) fn reset(config: &KataConfig, target: &str) -> Result<ExitStatus> {
    let mut cx = Practice::open(config)?;
    let kata = cx
        .find(target)
        .with_context(|| format!("no kata named `{target}`"))?
        .clone();
    cx.workspace.write_learner_file(&kata, &kata.starter)?;
    let display = cx.display(&kata);
    writeln!(cx.out, "{display} is back to the starter code.")?;
    Ok(ExitStatus::Success)
}
