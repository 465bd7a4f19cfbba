//! Katas for learners: `kata list`, `run`, `watch`, `hint`, `solution`, `reset`.
//!
//! A kata is a directory (`katas/<topic>/<slug>/`, see `docs/katas.md`);
//! the learner edits a copy of its starter in a practice workspace, and
//! its tests run in a forked worker child exactly like a guide's blocks.

pub(crate) mod catalog;
pub(crate) mod feedback;
pub(crate) mod meta;
pub(crate) mod runner;
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
    pub(crate) workspace: Workspace,
    /// Standard output, or in `kata watch` a writer fit for a raw-mode
    /// terminal; colours already decided from the real standard output.
    pub(crate) out: anstream::AutoStream<Box<dyn Write>>,
    pub(crate) config: KataConfig,
}

impl Practice {
    pub(crate) fn open(config: &KataConfig) -> Result<Practice> {
        let source = Source::choose(config.katas.clone());
        let (katas, problems) = catalog::load(&source);
        for problem in &problems {
            let _ = writeln!(
                anstream::AutoStream::new(std::io::stderr(), config.color),
                "{YELLOW}warning{YELLOW:#}: {}: {} (kata skipped)",
                problem.location,
                problem.message
            );
        }
        if katas.is_empty() {
            bail!("no katas found in {}", source.describe());
        }
        let color = match config.color {
            anstream::ColorChoice::Auto => anstream::AutoStream::choice(&std::io::stdout()),
            chosen => chosen,
        };
        Ok(Practice {
            katas,
            workspace: Workspace::open_or_create(config.workspace.clone())?,
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
    show_list(&mut cx, topic)?;
    Ok(ExitStatus::Success)
}

/// The katas (of `topic`, or all) with their status and progress.
pub(crate) fn show_list(cx: &mut Practice, topic: Option<&str>) -> Result<()> {
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
        writeln!(cx.out, "  {DIM}  {}{DIM:#}", kata.meta.title)?;
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

/// Which command shows a kata: the advice around the feedback differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Driver {
    Run,
    Watch,
}

/// What a finished run of the learner's file led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attempt {
    pub(crate) solved: bool,
    /// The kata to go on to (the first unsolved one of the topic), when solved.
    pub(crate) next: Option<String>,
}

/// `kata run [KATA|TOPIC]`.
pub(crate) fn run(
    config: &KataConfig,
    target: Option<&str>,
    format: RunFormat,
) -> Result<ExitStatus> {
    let mut cx = Practice::open(config)?;
    let kata = cx.resolve(target)?.clone();
    let created = cx.workspace.ensure_learner_file(&kata)?;
    if format == RunFormat::Human {
        introduce(&mut cx, &kata, created, Driver::Run)?;
    }
    let path = cx.workspace.learner_file(&kata);
    let display = cx.display(&kata);
    let result = runner::run_tests(
        &kata,
        &path,
        &display,
        TestSet::Public,
        &cx.config.limits,
        None,
    )?;
    let attempt = conclude(&mut cx, &kata, &result, format, Driver::Run)?;
    Ok(if attempt.solved {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

/// The kata's title line, its task (`with_task`), and which file to edit.
pub(crate) fn introduce(
    cx: &mut Practice,
    kata: &Kata,
    with_task: bool,
    driver: Driver,
) -> Result<()> {
    let display = cx.display(kata);
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
    match driver {
        Driver::Run => writeln!(
            cx.out,
            "Edit {BOLD}{display}{BOLD:#}, then run `kata run {}` (or `kata watch`).\n",
            kata.id
        )?,
        Driver::Watch => writeln!(
            cx.out,
            "Edit {BOLD}{display}{BOLD:#}: each save runs the tests again.\n"
        )?,
    }
    Ok(())
}

/// Shows the feedback of a finished run and records it in the progress file
/// (one more attempt; solved or not; the kata to use when none is named):
/// the step `kata run` and `kata watch` share.
pub(crate) fn conclude(
    cx: &mut Practice,
    kata: &Kata,
    result: &KataRun,
    format: RunFormat,
    driver: Driver,
) -> Result<Attempt> {
    let display = cx.display(kata);
    match format {
        RunFormat::Human => write!(cx.out, "{}", feedback::render(kata, &display, result))?,
        RunFormat::Json => {
            serde_json::to_writer_pretty(&mut cx.out, &feedback::exercism(kata, result))?;
            writeln!(cx.out)?;
        }
    }
    let hash = catalog::content_hash(kata);
    let was_solved = cx.workspace.is_solved(kata);
    let entry = cx.workspace.entry(kata);
    entry.attempts += 1;
    let solved_now = result.passed();
    if solved_now && !was_solved {
        entry.solved = true;
        entry.content_hash = Some(hash);
        entry.seconds_to_solve = entry.started_at.map(|s| now().saturating_sub(s));
    } else if !solved_now {
        entry.solved = false;
    }
    cx.workspace.progress.current = Some(kata.id.clone());
    let mut next = None;
    if solved_now {
        next = cx.next_in_topic(kata).map(|k| k.id.clone());
        if format == RunFormat::Human {
            writeln!(
                cx.out,
                "\n{GREEN}Solved!{GREEN:#} Compare with the model answer: `kata solution {}`.",
                kata.id
            )?;
            match (&next, driver) {
                (Some(next), Driver::Run) => writeln!(cx.out, "Next: `kata run {next}`.")?,
                (Some(next), Driver::Watch) => {
                    writeln!(cx.out, "Moving on to {BOLD}{next}{BOLD:#}.\n")?
                }
                (None, Driver::Run) => writeln!(
                    cx.out,
                    "That was the last kata of `{}`. `kata list` shows the others.",
                    kata.meta.topic
                )?,
                (None, Driver::Watch) => writeln!(
                    cx.out,
                    "That was the last kata of `{}`: `l` lists the others, `q` quits.",
                    kata.meta.topic
                )?,
            }
        }
        if let Some(next) = &next {
            cx.workspace.progress.current = Some(next.clone());
        }
    }
    cx.workspace.save()?;
    Ok(Attempt {
        solved: solved_now,
        next,
    })
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
    show_hint(&mut cx, &kata, Driver::Run)?;
    Ok(ExitStatus::Success)
}

/// The hints of `kata` up to one more than last time, recorded.
pub(crate) fn show_hint(cx: &mut Practice, kata: &Kata, driver: Driver) -> Result<()> {
    if kata.meta.hints.is_empty() {
        writeln!(
            cx.out,
            "{} has no hints. Read its task again: `kata run {}`.",
            kata.id, kata.id
        )?;
        return Ok(());
    }
    let entry = cx.workspace.entry(kata);
    let shown = (entry.hints_used as usize).min(kata.meta.hints.len() - 1);
    if (entry.hints_used as usize) < kata.meta.hints.len() {
        entry.hints_used += 1;
    }
    let total = kata.meta.hints.len();
    cx.workspace.progress.current = Some(kata.id.clone());
    cx.workspace.save()?;
    for (number, hint) in kata.meta.hints.iter().enumerate().take(shown + 1) {
        writeln!(
            cx.out,
            "{YELLOW}hint {}/{total}{YELLOW:#}: {hint}",
            number + 1
        )?;
    }
    if shown + 1 < total {
        let again = match driver {
            Driver::Run => "`kata hint`",
            Driver::Watch => "`h`",
        };
        writeln!(cx.out, "{DIM}{again} again for the next one.{DIM:#}")?;
    }
    Ok(())
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
