//! `kata session`: katas one after another against the clock, then a score
//! sheet, saved in the workspace's progress file.
//!
//! The session owns the clock, the learner's commands on stdin (a reader
//! thread sends lines over a channel) and the polling of the learner's file
//! (its modification time and size, every [`POLL`]); running, rendering and
//! recording one attempt is [`super::run_render_record`], shared with
//! `kata run`. Runs are synchronous: a run in flight when time is up
//! finishes, and counts.

use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use super::catalog::Kata;
use super::meta::Level;
use super::voice::{self, Voice};
use super::workspace::now;
use super::{BOLD, DIM, GREEN, KataConfig, Practice, RunFormat, YELLOW};
use crate::exit_code::ExitStatus;

/// How often the learner's file is checked for a save.
const POLL: Duration = Duration::from_millis(300);

/// What `kata session` was asked for.
#[derive(Debug, Clone)]
pub(crate) struct SessionOptions {
    /// How long the session lasts.
    pub(crate) duration: Duration,
    /// Only katas of this topic.
    pub(crate) topic: Option<String>,
    /// Only katas of this level.
    pub(crate) level: Option<Level>,
    /// Read each task aloud.
    pub(crate) voice: bool,
}

/// One session, as saved in `progress.json` (`sessions`, oldest first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SessionRecord {
    /// Unix seconds when it started.
    pub(crate) started_at: u64,
    /// The length asked for, in seconds.
    pub(crate) planned_seconds: u64,
    /// How long it lasted, in seconds.
    pub(crate) elapsed_seconds: u64,
    /// The `--topic` filter, if any.
    #[serde(default)]
    pub(crate) topic: Option<String>,
    /// The `--level` filter, if any.
    #[serde(default)]
    pub(crate) level: Option<String>,
    pub(crate) ended: SessionEnd,
    /// Katas solved in this session.
    pub(crate) solved: u32,
    /// Points of the katas solved in this session.
    pub(crate) points: u32,
    /// Hints revealed in this session.
    pub(crate) hints_used: u32,
    /// Every kata served, in order.
    pub(crate) katas: Vec<SessionKata>,
}

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum SessionEnd {
    /// The clock ran out.
    TimeUp,
    /// The learner typed `q` (or pressed Ctrl-C while kata waited).
    Quit,
    /// Every kata of the session was solved or skipped.
    NoKatasLeft,
}

/// One kata served in a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SessionKata {
    /// `topic/slug`.
    pub(crate) id: String,
    pub(crate) outcome: KataOutcome,
    /// From being served to being solved, skipped or the session's end.
    pub(crate) seconds: u64,
    /// Runs of the learner's file.
    pub(crate) runs: u32,
    /// Hints revealed.
    pub(crate) hints_used: u32,
    /// The kata's points if solved, else 0.
    pub(crate) points: u32,
}

/// What became of a kata served in a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum KataOutcome {
    Solved,
    Skipped,
    /// Still being worked on when the session ended.
    Unfinished,
}

impl KataOutcome {
    fn name(self) -> &'static str {
        match self {
            KataOutcome::Solved => "solved",
            KataOutcome::Skipped => "skipped",
            KataOutcome::Unfinished => "unfinished",
        }
    }
}

/// A command typed by the learner, or what stdin did.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Input {
    /// Enter on an empty line: run now.
    Run,
    Hint,
    Skip,
    Quit,
    Unknown(String),
}

impl Input {
    fn parse(line: &str) -> Input {
        match line.trim() {
            "" | "r" => Input::Run,
            "h" => Input::Hint,
            "s" => Input::Skip,
            "q" => Input::Quit,
            other => Input::Unknown(other.to_owned()),
        }
    }
}

/// The learner's commands, read line by line on a thread of their own.
struct Commands {
    lines: Receiver<String>,
    /// Stdin reached its end: from then on only saves and the clock count.
    closed: bool,
}

impl Commands {
    fn start() -> Result<Commands> {
        let (sender, lines) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("session-stdin".to_owned())
            .spawn(move || {
                for line in std::io::stdin().lock().lines() {
                    let Ok(line) = line else { break };
                    if sender.send(line).is_err() {
                        break;
                    }
                }
            })
            .context("starting the thread that reads your commands")?;
        Ok(Commands {
            lines,
            closed: false,
        })
    }

    /// The next command, waiting at most `timeout`.
    fn next(&mut self, timeout: Duration) -> Option<Input> {
        if self.closed {
            std::thread::sleep(timeout);
            return None;
        }
        match self.lines.recv_timeout(timeout) {
            Ok(line) => Some(Input::parse(&line)),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => {
                self.closed = true;
                None
            }
        }
    }
}

/// `kata session`.
pub(crate) fn run(config: &KataConfig, options: &SessionOptions) -> Result<ExitStatus> {
    let mut cx = Practice::open(config)?;
    let (queue, again) = plan(&cx, options)?;
    let mut voice = if options.voice {
        let found = Voice::find(std::env::var_os("PATH").as_deref());
        if found.is_none() {
            let _ = writeln!(
                anstream::AutoStream::new(std::io::stderr(), config.color),
                "{YELLOW}warning{YELLOW:#}: no text-to-speech program found (tried {}); continuing without voice",
                voice::PROGRAMS.join(", ")
            );
        }
        found
    } else {
        None
    };
    let mut commands = Commands::start()?;
    let started_at = now();
    let started = Instant::now();
    let deadline = started + options.duration;
    writeln!(
        cx.out,
        "{BOLD}Session{BOLD:#}: {} {}, {} on the clock.{}",
        queue.len(),
        if queue.len() == 1 { "kata" } else { "katas" },
        clock(options.duration),
        if again {
            " Every kata here is solved already: practising them again."
        } else {
            ""
        }
    )?;
    writeln!(
        cx.out,
        "{DIM}Save your file to run it; Enter runs it too; h: hint, s: skip, q: end the session.{DIM:#}\n"
    )?;

    let mut served = Vec::new();
    let mut ended = SessionEnd::NoKatasLeft;
    for kata in &queue {
        if Instant::now() >= deadline {
            ended = SessionEnd::TimeUp;
            break;
        }
        let (end, record) = practise(&mut cx, kata, &mut commands, deadline, voice.as_mut())?;
        served.push(record);
        match end {
            KataEnd::Solved | KataEnd::Skipped => {}
            KataEnd::Quit => {
                ended = SessionEnd::Quit;
                break;
            }
            KataEnd::TimeUp => {
                ended = SessionEnd::TimeUp;
                break;
            }
        }
    }
    if let Some(voice) = &mut voice {
        voice.stop();
    }

    let record = SessionRecord {
        started_at,
        planned_seconds: options.duration.as_secs(),
        elapsed_seconds: started.elapsed().as_secs(),
        topic: options.topic.clone(),
        level: options.level.map(|l| l.name().to_owned()),
        ended,
        solved: served
            .iter()
            .filter(|k| k.outcome == KataOutcome::Solved)
            .count() as u32,
        points: served.iter().map(|k| k.points).sum(),
        hints_used: served.iter().map(|k| k.hints_used).sum(),
        katas: served,
    };
    cx.workspace.progress.sessions.push(record.clone());
    cx.workspace.save()?;
    let saved = cx.workspace.progress_path();
    write!(cx.out, "\n{}", score_sheet(&record))?;
    writeln!(
        cx.out,
        "{DIM}Saved in `{}` (session {}).{DIM:#}",
        saved.display(),
        cx.workspace.progress.sessions.len()
    )?;
    cx.out.flush()?;
    Ok(ExitStatus::Success)
}

/// The katas of a session, in catalogue order: the unsolved ones matching
/// the filters, or all matching ones when every one is solved (then `true`).
fn plan(cx: &Practice, options: &SessionOptions) -> Result<(Vec<Kata>, bool)> {
    if let Some(topic) = &options.topic
        && !cx.katas.iter().any(|k| &k.meta.topic == topic)
    {
        bail!(
            "no topic named `{topic}`\n\nhint: topics are {}",
            cx.topics().join(", ")
        );
    }
    let matching: Vec<Kata> = cx
        .katas
        .iter()
        .filter(|k| options.topic.as_ref().is_none_or(|t| &k.meta.topic == t))
        .filter(|k| options.level.is_none_or(|l| k.meta.level == l))
        .cloned()
        .collect();
    if matching.is_empty() {
        bail!(
            "no {} katas{}\n\nhint: `kata list` shows every kata with its level",
            options.level.map_or("", |l| l.name()),
            options
                .topic
                .as_ref()
                .map(|t| format!(" in topic `{t}`"))
                .unwrap_or_default()
        );
    }
    let unsolved: Vec<Kata> = matching
        .iter()
        .filter(|k| !cx.workspace.is_solved(k))
        .cloned()
        .collect();
    Ok(if unsolved.is_empty() {
        (matching, true)
    } else {
        (unsolved, false)
    })
}

/// How the work on one kata ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KataEnd {
    Solved,
    Skipped,
    Quit,
    TimeUp,
}

/// Serves one kata and waits for the learner until it is solved, skipped,
/// the session is ended or time is up.
fn practise(
    cx: &mut Practice,
    kata: &Kata,
    commands: &mut Commands,
    deadline: Instant,
    mut voice: Option<&mut Voice>,
) -> Result<(KataEnd, SessionKata)> {
    let served = Instant::now();
    cx.workspace.ensure_learner_file(kata)?;
    cx.workspace.progress.current = Some(kata.id.clone());
    cx.workspace.save()?;
    let path = cx.workspace.learner_file(kata);
    super::write_intro(cx, kata, true)?;
    writeln!(
        cx.out,
        "Edit {BOLD}{}{BOLD:#}: it runs each time you save it. {DIM}({} left){DIM:#}",
        cx.display(kata),
        clock(deadline.saturating_duration_since(Instant::now()))
    )?;
    cx.out.flush()?;
    if let Some(voice) = voice.as_deref_mut() {
        voice.say(&voice::spoken_text(&kata.meta.title, &kata.readme));
    }

    let mut runs = 0;
    let mut hints_used = 0;
    let mut last_stamp = stamp(&path);
    let end = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break KataEnd::TimeUp;
        }
        crate::signals::install();
        let input = commands.next(left.min(POLL));
        if crate::signals::take().is_some() {
            break KataEnd::Quit;
        }
        if let Some(voice) = voice.as_deref_mut() {
            voice.reap();
        }
        let mut run_now = false;
        match input {
            Some(Input::Run) => run_now = true,
            Some(Input::Hint) => {
                let more = "h again for the next one.";
                if super::write_next_hint(cx, kata, more)? {
                    hints_used += 1;
                }
                cx.workspace.save()?;
            }
            Some(Input::Skip) => {
                writeln!(cx.out, "{DIM}Skipped {}.{DIM:#}\n", kata.id)?;
                break KataEnd::Skipped;
            }
            Some(Input::Quit) => break KataEnd::Quit,
            Some(Input::Unknown(text)) => writeln!(
                cx.out,
                "{DIM}`{text}`? Enter runs your file, h: hint, s: skip, q: end the session.{DIM:#}"
            )?,
            None => {}
        }
        let current = stamp(&path);
        if current != last_stamp {
            last_stamp = current;
            run_now = true;
        }
        if run_now {
            runs += 1;
            writeln!(cx.out, "{DIM}── run {runs} of {} ──{DIM:#}", kata.id)?;
            let result = match super::run_render_record(cx, kata, RunFormat::Human) {
                Ok(result) => result,
                // Ctrl-C during a run ends the session, with its score sheet.
                Err(_) if crate::signals::take().is_some() => break KataEnd::Quit,
                Err(err) => return Err(err),
            };
            cx.workspace.save()?;
            // Saves made during the run are runs of their own.
            if result.passed() {
                writeln!(
                    cx.out,
                    "\n{GREEN}Solved {}!{GREEN:#} +{} points. {DIM}(model answer: `kata solution {}`){DIM:#}\n",
                    kata.id, kata.meta.points, kata.id
                )?;
                break KataEnd::Solved;
            }
            writeln!(
                cx.out,
                "{DIM}({} left; save to run again, h: hint, s: skip, q: end){DIM:#}",
                clock(deadline.saturating_duration_since(Instant::now()))
            )?;
        }
        cx.out.flush()?;
    };
    cx.out.flush()?;
    let outcome = match end {
        KataEnd::Solved => KataOutcome::Solved,
        KataEnd::Skipped => KataOutcome::Skipped,
        KataEnd::Quit | KataEnd::TimeUp => KataOutcome::Unfinished,
    };
    Ok((
        end,
        SessionKata {
            id: kata.id.clone(),
            outcome,
            seconds: served.elapsed().as_secs(),
            runs,
            hints_used,
            points: if outcome == KataOutcome::Solved {
                kata.meta.points
            } else {
                0
            },
        },
    ))
}

/// What tells a save apart: modification time and size.
fn stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// `m:ss`, or `h:mm:ss` from an hour.
fn clock(duration: Duration) -> String {
    let seconds = duration.as_secs();
    let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{minutes}:{seconds:02}")
    }
}

/// The score sheet printed at the end of a session.
fn score_sheet(record: &SessionRecord) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let why = match record.ended {
        SessionEnd::TimeUp => "time is up",
        SessionEnd::Quit => "ended by you",
        SessionEnd::NoKatasLeft => "no katas left",
    };
    let _ = writeln!(out, "{BOLD}Session over{BOLD:#}: {why}.\n");
    let width = record
        .katas
        .iter()
        .map(|k| k.id.chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    let _ = writeln!(
        out,
        "  {BOLD}{:<width$}  {:<10}  {:>7}  {:>5}  {:>4}  {:>6}{BOLD:#}",
        "kata", "result", "time", "hints", "runs", "points"
    );
    for kata in &record.katas {
        let style = match kata.outcome {
            KataOutcome::Solved => GREEN,
            KataOutcome::Skipped | KataOutcome::Unfinished => YELLOW,
        };
        let _ = writeln!(
            out,
            "  {:<width$}  {style}{:<10}{style:#}  {:>7}  {:>5}  {:>4}  {:>6}",
            kata.id,
            kata.outcome.name(),
            clock(Duration::from_secs(kata.seconds)),
            kata.hints_used,
            kata.runs,
            kata.points
        );
    }
    let plural = |n: u32, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let _ = writeln!(
        out,
        "\nSolved {} of {} served: {}, {} used, in {} (of {}).",
        record.solved,
        plural(record.katas.len() as u32, "kata"),
        plural(record.points, "point"),
        plural(record.hints_used, "hint"),
        clock(Duration::from_secs(record.elapsed_seconds)),
        clock(Duration::from_secs(record.planned_seconds)),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> SessionRecord {
        SessionRecord {
            started_at: 1_700_000_000,
            planned_seconds: 1500,
            elapsed_seconds: 75,
            topic: Some("basics".into()),
            level: None,
            ended: SessionEnd::Quit,
            solved: 1,
            points: 10,
            hints_used: 1,
            katas: vec![
                SessionKata {
                    id: "basics/double".into(),
                    outcome: KataOutcome::Solved,
                    seconds: 62,
                    runs: 3,
                    hints_used: 1,
                    points: 10,
                },
                SessionKata {
                    id: "basics/greet".into(),
                    outcome: KataOutcome::Unfinished,
                    seconds: 13,
                    runs: 0,
                    hints_used: 0,
                    points: 0,
                },
            ],
        }
    }

    #[test]
    fn commands() {
        let cases = [
            ("", Input::Run),
            ("  \r", Input::Run),
            ("r", Input::Run),
            ("h", Input::Hint),
            (" s ", Input::Skip),
            ("q", Input::Quit),
            ("quit", Input::Unknown("quit".into())),
        ];
        for (line, expected) in cases {
            assert_eq!(Input::parse(line), expected, "{line:?}");
        }
    }

    #[test]
    fn clocks() {
        for (seconds, expected) in [(0, "0:00"), (5, "0:05"), (75, "1:15"), (3725, "1:02:05")] {
            assert_eq!(clock(Duration::from_secs(seconds)), expected);
        }
    }

    #[test]
    fn the_score_sheet_lists_every_kata_served() {
        let sheet = anstream::adapter::strip_str(&score_sheet(&record())).to_string();
        assert_eq!(
            sheet,
            "Session over: ended by you.

  kata           result         time  hints  runs  points
  basics/double  solved         1:02      1     3      10
  basics/greet   unfinished     0:13      0     0       0

Solved 1 of 2 katas served: 10 points, 1 hint used, in 1:15 (of 25:00).
"
        );
    }

    #[test]
    fn records_round_trip_in_the_progress_file() {
        let text = serde_json::to_string(&record()).unwrap();
        assert!(text.contains(r#""ended":"quit""#), "{text}");
        assert!(text.contains(r#""outcome":"unfinished""#), "{text}");
        let back: SessionRecord = serde_json::from_str(&text).unwrap();
        assert_eq!(back, record());
    }
}
