//! `kata watch [KATA|TOPIC]`: runs the learner's file for a kata on every
//! save until it is solved, then moves on to the next kata of the topic, and
//! keeps watching until `q` or Ctrl-C.
//!
//! Design (rustlings' `watch.rs`): everything the loop reacts to is one
//! [`WatchEvent`] on one channel: file changes from `notify`
//! ([`crate::file_events`]), keys from an input thread, and the end of a run.
//! The loop itself never blocks for long, so it stays responsive while a run
//! is in flight:
//!
//! ```text
//! notify thread ──FileChange──┐
//! input thread ───Key─────────┼──▶ loop (main thread): debounce, keys, render, record progress
//! run thread ─────RunDone─────┘         │ spawns one run thread at a time
//!                                       ▼
//!             run_learner_file → run_pool (worker process group)
//! ```
//!
//! A run goes through [`run_learner_file`] (as in `kata run`) on its own thread, with a cancel
//! flag that the pool's dispatcher checks every 20 ms while it waits on its
//! worker: setting it kills the worker's process group (and with it the
//! forked child running the learner's code). A save during a run sets the
//! flag and joins the run thread before the next run starts, so there is
//! never more than one worker, and the run thread's clean-up of stray
//! children cannot hit the next run's worker.
//!
//! Changes: inotify on the learner file's directory (editors that save by
//! rename are seen too), debounced ([`DEBOUNCE`]), and a check of the file's
//! modification time, size and inode every [`POLL_INTERVAL`] as a safety net
//! for file systems whose events never arrive (inotify limits, some network
//! file systems). A change counts only when that stamp differs, so the two
//! sources never run the file twice; the first time polling catches a change
//! that no event reported, kata says so.
//!
//! Keys: single keys in raw mode (crossterm) when stdin is a terminal;
//! otherwise one command per line of stdin, so scripts and tests can drive it.
//! Nothing runs user code in this process; Ctrl-C and `q` end the loop, stop
//! any run in flight and restore the terminal.

use std::io::{BufRead, IsTerminal, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use anstyle::{AnsiColor, Style};
use anyhow::{Context, Result};
use notify::{RecommendedWatcher, RecursiveMode, Watcher};

use super::catalog::Kata;
use super::runner::KataRun;
use super::{
    BOLD, DIM, GREEN, KataConfig, Practice, RunFormat, YELLOW, render_record, run_learner_file,
    write_intro, write_list, write_next_hint,
};
use crate::exit_code::ExitStatus;
use crate::file_events::{self, Change, DEBOUNCE};

/// How often the loop wakes up without an event (Ctrl-C, debounce deadline).
const TICK: Duration = Duration::from_millis(50);
/// How often the learner file's stamp is checked.
const POLL_INTERVAL: Duration = Duration::from_millis(500);
/// A change seen by polling and still not reported by an event after this
/// long means events are not arriving.
const EVENT_GRACE: Duration = Duration::from_secs(1);
/// Set to `1` to skip inotify and only poll (for file systems known to drop events).
const FORCE_POLL_ENV: &str = "KATA_WATCH_POLL";

const RED: Style = AnsiColor::Red.on_default().bold();

/// Everything the watch loop reacts to, on one channel.
#[derive(Debug)]
enum WatchEvent {
    /// Something was written, created or renamed at this path.
    FileChange(PathBuf),
    /// The watcher reported a problem (a watch was lost, a queue overflowed).
    WatchError(notify::Error),
    /// The learner pressed a key (or typed a line).
    Key(Key),
    /// A run finished (or was cancelled: then its generation is stale).
    RunDone {
        generation: u64,
        result: Box<Result<KataRun>>,
    },
}

/// What the learner can ask for while watching.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Next,
    Hint,
    List,
    Run,
    Quit,
    Other(char),
}

impl Key {
    fn from_char(c: char) -> Key {
        match c.to_ascii_lowercase() {
            'n' => Key::Next,
            'h' => Key::Hint,
            'l' => Key::List,
            'r' => Key::Run,
            'q' => Key::Quit,
            other => Key::Other(other),
        }
    }

    /// A line of stdin: its first character, blank lines ignored.
    fn from_line(line: &str) -> Option<Key> {
        line.trim().chars().next().map(Key::from_char)
    }
}

/// What identifies one version of the learner's file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    modified: SystemTime,
    len: u64,
    inode: u64,
}

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some(Stamp {
        modified: meta.modified().ok()?,
        len: meta.len(),
        inode: meta.ino(),
    })
}

/// `kata watch [KATA|TOPIC]`: exits 0 on `q` or Ctrl-C (128 + N on another
/// signal, e.g. 143 for SIGTERM).
pub(crate) fn watch(config: &KataConfig, target: Option<&str>) -> Result<ExitStatus> {
    let mut cx = Practice::open(config)?;
    // `kata watch GUIDE.md`, as `kata run GUIDE.md`: the guide's exercises.
    let guide_target = target
        .and_then(|t| cx.serve_guide(t).transpose())
        .transpose()?;
    if guide_target.is_some() {
        // Remembered now: each run reloads the progress before recording.
        cx.workspace.save()?;
    }
    let kata = cx.resolve(guide_target.as_deref().or(target))?.clone();
    let keys_from_terminal = std::io::stdin().is_terminal();
    let stdout_is_terminal = std::io::stdout().is_terminal();
    let (sender, events) = mpsc::channel();
    // Declared before the session, so it is dropped (the terminal restored)
    // after the session has stopped any run.
    let _raw = if keys_from_terminal {
        let raw = RawMode::enable()?;
        if stdout_is_terminal {
            let color = cx.out.current_choice();
            cx.out = anstream::AutoStream::new(Box::new(RawTerminal(std::io::stdout())), color);
        }
        Some(raw)
    } else {
        None
    };
    let input = sender.clone();
    std::thread::Builder::new()
        .name("watch-input".into())
        .spawn(move || {
            if keys_from_terminal {
                read_keys(&input);
            } else {
                read_lines(&input);
            }
        })
        .context("starting the input thread")?;
    crate::signals::install();
    let session = Session {
        cx,
        kata: kata.clone(),
        path: PathBuf::new(),
        display: String::new(),
        sender,
        events,
        watcher: None,
        watched_dir: None,
        force_poll: std::env::var_os(FORCE_POLL_ENV).is_some_and(|v| v == "1"),
        polling_said: false,
        stamp: None,
        unreported: None,
        last_poll: Instant::now(),
        pending: None,
        run: None,
        generation: 0,
        clear_screen: stdout_is_terminal,
        keys_from_terminal,
    };
    session.run(kata)
}

/// The run in flight.
struct Running {
    generation: u64,
    cancel: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

struct Session {
    cx: Practice,
    kata: Kata,
    /// The learner file, absolute (as notify reports it).
    path: PathBuf,
    /// The learner file as shown.
    display: String,
    sender: Sender<WatchEvent>,
    events: Receiver<WatchEvent>,
    watcher: Option<RecommendedWatcher>,
    watched_dir: Option<PathBuf>,
    force_poll: bool,
    /// Whether the learner was told that kata polls.
    polling_said: bool,
    /// The version of the file last acted on.
    stamp: Option<Stamp>,
    /// When polling saw a change that no event had reported.
    unreported: Option<Instant>,
    last_poll: Instant,
    /// When to run, once changes have been quiet for [`DEBOUNCE`].
    pending: Option<Instant>,
    run: Option<Running>,
    /// Bumped for each run, so a cancelled run's late result is ignored.
    generation: u64,
    clear_screen: bool,
    keys_from_terminal: bool,
}

impl Session {
    fn run(mut self, first: Kata) -> Result<ExitStatus> {
        self.start(first, false)?;
        loop {
            let event = self.events.recv_timeout(TICK);
            // Before the event: a run the signal stopped ends in an error
            // that is not worth showing.
            if let Some(signal) = crate::signals::received() {
                // The signal watcher has already stopped the worker.
                self.cancel_run();
                return Ok(if signal == libc::SIGINT {
                    ExitStatus::Success
                } else {
                    ExitStatus::Interrupted(signal)
                });
            }
            match event {
                Ok(event) => {
                    if self.handle(event)? {
                        return Ok(ExitStatus::Success);
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                // The session holds a sender: this cannot happen.
                Err(RecvTimeoutError::Disconnected) => return Ok(ExitStatus::Success),
            }
            if self.last_poll.elapsed() >= POLL_INTERVAL {
                self.last_poll = Instant::now();
                self.poll()?;
            }
            if self.pending.is_some_and(|at| Instant::now() >= at) {
                self.pending = None;
                self.start_run(true)?;
            }
        }
    }

    /// Handles one event; true when the learner asked to quit.
    fn handle(&mut self, event: WatchEvent) -> Result<bool> {
        match event {
            WatchEvent::FileChange(path) => {
                if path == self.path {
                    self.unreported = None;
                    self.changed();
                }
            }
            WatchEvent::WatchError(err) => {
                writeln!(
                    self.cx.out,
                    "{YELLOW}warning{YELLOW:#}: watching for changes: {err}"
                )?;
            }
            WatchEvent::RunDone { generation, result } => {
                if self
                    .run
                    .as_ref()
                    .is_some_and(|r| r.generation == generation)
                {
                    if let Some(run) = self.run.take() {
                        let _ = run.thread.join();
                    }
                    self.finished(*result)?;
                }
            }
            WatchEvent::Key(key) => return self.key(key),
        }
        self.cx.out.flush()?;
        Ok(false)
    }

    fn key(&mut self, key: Key) -> Result<bool> {
        match key {
            Key::Quit => {
                self.cancel_run();
                return Ok(true);
            }
            Key::Run => self.start_run(true)?,
            Key::Hint => {
                self.cx.reload_progress()?;
                let kata = self.kata.clone();
                writeln!(self.cx.out)?;
                self.cx.workspace.progress.current = Some(kata.id.clone());
                write_next_hint(&mut self.cx, &kata, "`h` again for the next one.")?;
                self.cx.workspace.save()?;
            }
            Key::List => {
                self.cx.reload_progress()?;
                writeln!(self.cx.out)?;
                write_list(&mut self.cx, None)?;
                self.say_keys()?;
            }
            Key::Next => {
                self.cx.reload_progress()?;
                match self.cx.next_in_topic(&self.kata).cloned() {
                    Some(next) => {
                        self.cancel_run();
                        self.cx.workspace.progress.current = Some(next.id.clone());
                        self.cx.workspace.save()?;
                        writeln!(self.cx.out, "\nOn to {}.\n", next.id)?;
                        self.start(next, true)?;
                    }
                    None => writeln!(
                        self.cx.out,
                        "No other unsolved kata in `{}`: `l` lists them all.",
                        self.kata.meta.topic
                    )?,
                }
            }
            Key::Other(_) => self.say_keys()?,
        }
        self.cx.out.flush()?;
        Ok(false)
    }

    /// Starts on `kata`: creates its file, shows it, watches it, runs it.
    fn start(&mut self, kata: Kata, with_task: bool) -> Result<()> {
        let created = self.cx.workspace.ensure_learner_file(&kata)?;
        let learner = self.cx.workspace.learner_file(&kata);
        self.path = std::path::absolute(&learner).unwrap_or(learner);
        self.display = self.cx.display(&kata);
        self.kata = kata;
        self.stamp = stamp(&self.path);
        self.unreported = None;
        self.pending = None;
        self.introduce(with_task || created)?;
        self.watch_dir()?;
        self.start_run(false)
    }

    /// Makes sure the learner file's directory is watched.
    fn watch_dir(&mut self) -> Result<()> {
        let dir = file_events::parent_of(&self.path).to_path_buf();
        if self.watched_dir.as_ref() == Some(&dir) {
            return Ok(());
        }
        self.watched_dir = Some(dir.clone());
        let watched = if self.force_poll {
            Err(format!("{FORCE_POLL_ENV}=1"))
        } else {
            match self.watcher.as_mut() {
                Some(watcher) => watcher
                    .watch(&dir, RecursiveMode::NonRecursive)
                    .map_err(|err| err.to_string()),
                None => file_events::inotify(std::slice::from_ref(&dir), &self.sender, from_change)
                    .map(|watcher| self.watcher = Some(watcher))
                    .map_err(|err| err.to_string()),
            }
        };
        if let Err(reason) = watched {
            self.say_polling(&format!(
                "cannot watch `{}` for changes ({reason})",
                dir.display()
            ))?;
        }
        Ok(())
    }

    /// Says once that changes are found by polling, and why.
    fn say_polling(&mut self, why: &str) -> Result<()> {
        if !self.polling_said {
            self.polling_said = true;
            writeln!(
                self.cx.out,
                "{YELLOW}note{YELLOW:#}: {why}; polling the file's modification time every {} ms instead",
                POLL_INTERVAL.as_millis()
            )?;
        }
        Ok(())
    }

    /// The safety net: compares the file's stamp with the last one seen.
    fn poll(&mut self) -> Result<()> {
        if let Some(since) = self.unreported
            && since.elapsed() >= EVENT_GRACE
        {
            self.unreported = None;
            self.say_polling(&format!(
                "a change to `{}` came with no file-system event",
                self.display
            ))?;
            self.cx.out.flush()?;
        }
        if stamp(&self.path) != self.stamp {
            if self.unreported.is_none() && !self.polling_said {
                self.unreported = Some(Instant::now());
            }
            self.changed();
        }
        Ok(())
    }

    /// The file may have changed: if its stamp differs, (re)arm the debounce.
    fn changed(&mut self) {
        let now = stamp(&self.path);
        if now != self.stamp || self.pending.is_some() {
            self.stamp = now;
            self.pending = Some(Instant::now() + DEBOUNCE);
        }
    }

    /// Starts a run of the learner file on its own thread, stopping the one
    /// in flight first. A re-run clears the screen (on a terminal) first.
    fn start_run(&mut self, rerun: bool) -> Result<()> {
        let stopped = self.cancel_run();
        if rerun {
            if self.clear_screen {
                self.cx.out.flush()?;
                crossterm::execute!(
                    std::io::stdout(),
                    crossterm::terminal::Clear(crossterm::terminal::ClearType::All),
                    crossterm::cursor::MoveTo(0, 0)
                )
                .context("clearing the screen")?;
            } else {
                writeln!(self.cx.out)?;
            }
            self.introduce(false)?;
        }
        if stopped {
            writeln!(self.cx.out, "{DIM}(the run in progress was stopped){DIM:#}")?;
        }
        writeln!(self.cx.out, "{DIM}Running {}…{DIM:#}", self.display)?;
        self.cx.out.flush()?;
        self.generation += 1;
        let generation = self.generation;
        let cancel = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&cancel);
        let kata = self.kata.clone();
        let path = self.path.clone();
        let display = self.display.clone();
        let limits = self.cx.config.limits.clone();
        let sender = self.sender.clone();
        let thread = std::thread::Builder::new()
            .name("kata-run".into())
            .spawn(move || {
                let result = run_learner_file(&kata, &path, &display, &limits, Some(flag));
                let result = Box::new(result);
                let _ = sender.send(WatchEvent::RunDone { generation, result });
            })
            .context("starting the run thread")?;
        self.run = Some(Running {
            generation,
            cancel,
            thread,
        });
        Ok(())
    }

    /// Stops the run in flight, if any, and waits until its worker is gone.
    /// Returns whether there was one.
    fn cancel_run(&mut self) -> bool {
        let Some(run) = self.run.take() else {
            return false;
        };
        run.cancel.store(true, Ordering::SeqCst);
        let _ = run.thread.join();
        true
    }

    /// Shows and records a finished run; moves on when it solved the kata.
    fn finished(&mut self, result: Result<KataRun>) -> Result<()> {
        let result = match result {
            Ok(result) => result,
            Err(err) => {
                writeln!(self.cx.out, "{RED}error{RED:#}: {err:#}")?;
                return self.say_keys();
            }
        };
        // Recorded as `kata run` records it, on top of what other commands
        // may have written meanwhile.
        self.cx.reload_progress()?;
        let kata = self.kata.clone();
        render_record(&mut self.cx, &kata, &result, RunFormat::Human)?;
        let solved = result.passed();
        let next = if solved {
            self.cx.next_in_topic(&kata).cloned()
        } else {
            None
        };
        if solved {
            writeln!(
                self.cx.out,
                "\n{GREEN}Solved!{GREEN:#} Compare with the model answer: `kata solution {}`.",
                kata.id
            )?;
            match &next {
                Some(next) => {
                    writeln!(self.cx.out, "Moving on to {BOLD}{}{BOLD:#}.\n", next.id)?;
                    self.cx.workspace.progress.current = Some(next.id.clone());
                }
                None => writeln!(
                    self.cx.out,
                    "That was the last kata of `{}`: `l` lists the others, `q` quits.",
                    kata.meta.topic
                )?,
            }
        }
        self.cx.workspace.save()?;
        match next {
            Some(next) => self.start(next, true),
            None => self.say_keys(),
        }
    }

    /// The kata's heading (and task), and what to do.
    fn introduce(&mut self, with_task: bool) -> Result<()> {
        let kata = self.kata.clone();
        write_intro(&mut self.cx, &kata, with_task)?;
        writeln!(
            self.cx.out,
            "Edit {BOLD}{}{BOLD:#}: each save runs the tests again.\n",
            self.display
        )?;
        Ok(())
    }

    fn say_keys(&mut self) -> Result<()> {
        let how = if self.keys_from_terminal {
            ""
        } else {
            " (a letter, then Enter)"
        };
        writeln!(
            self.cx.out,
            "\n{DIM}Watching {}. Keys{how}: n next kata · h hint · l list · r run again · q quit{DIM:#}",
            self.display
        )?;
        self.cx.out.flush()?;
        Ok(())
    }
}

impl Drop for Session {
    /// An error ends the loop early: no worker may outlive it.
    fn drop(&mut self) {
        self.cancel_run();
    }
}

fn from_change(change: Change) -> WatchEvent {
    match change {
        Change::File(path) => WatchEvent::FileChange(path),
        Change::Error(err) => WatchEvent::WatchError(err),
    }
}

/// Single keys from the terminal (in raw mode). Ctrl-C is a key here, as raw
/// mode turns off the terminal's signals.
fn read_keys(sender: &Sender<WatchEvent>) {
    use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers};
    while let Ok(event) = crossterm::event::read() {
        let Event::Key(key) = event else {
            continue;
        };
        if key.kind != KeyEventKind::Press {
            continue;
        }
        let key = match key.code {
            KeyCode::Char('c' | 'd') if key.modifiers.contains(KeyModifiers::CONTROL) => Key::Quit,
            KeyCode::Char(c) => Key::from_char(c),
            _ => continue,
        };
        if sender.send(WatchEvent::Key(key)).is_err() {
            return;
        }
    }
}

/// One command per line of stdin. At end of input, keys stop; watching goes
/// on until Ctrl-C (as with `kata verify --watch`).
fn read_lines(sender: &Sender<WatchEvent>) {
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else {
            return;
        };
        if let Some(key) = Key::from_line(&line)
            && sender.send(WatchEvent::Key(key)).is_err()
        {
            return;
        }
    }
}

/// The terminal in raw mode for as long as it lives.
struct RawMode;

impl RawMode {
    fn enable() -> Result<RawMode> {
        crossterm::terminal::enable_raw_mode().context("switching the terminal to raw mode")?;
        Ok(RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = crossterm::terminal::disable_raw_mode();
    }
}

/// Writes `\r\n` for each `\n`: in raw mode the terminal no longer returns
/// the carriage by itself.
struct RawTerminal<W>(W);

impl<W: Write> Write for RawTerminal<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for (index, piece) in buf.split(|&b| b == b'\n').enumerate() {
            if index > 0 {
                self.0.write_all(b"\r\n")?;
            }
            self.0.write_all(piece)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_keys_map_to_commands() {
        let cases = [
            ("n", Some(Key::Next)),
            ("  h \n", Some(Key::Hint)),
            ("l", Some(Key::List)),
            ("R", Some(Key::Run)),
            ("quit", Some(Key::Quit)),
            ("x", Some(Key::Other('x'))),
            ("", None),
            ("   ", None),
        ];
        for (line, expected) in cases {
            assert_eq!(Key::from_line(line), expected, "{line:?}");
        }
    }

    #[test]
    fn raw_terminal_output_returns_the_carriage() {
        let mut out = RawTerminal(Vec::new());
        out.write_all(b"a\nb\n\nc").unwrap();
        assert_eq!(out.0, b"a\r\nb\r\n\r\nc");
    }

    #[test]
    fn a_rewritten_file_has_a_new_stamp() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("x.py");
        assert_eq!(stamp(&file), None);
        std::fs::write(&file, "a = 1\n").unwrap();
        let first = stamp(&file);
        assert!(first.is_some());
        assert_eq!(stamp(&file), first);
        std::fs::write(&file, "a = 22\n").unwrap();
        assert_ne!(stamp(&file), first);
    }
}
