//! Human output on stderr: failures as they happen, a live progress bar on a
//! terminal, and a summary line.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use anstream::{AutoStream, ColorChoice};
use anstyle::{AnsiColor, Style};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{BlockResult, InputError, Reporter, Status, Summary};

#[derive(Debug, Clone, Copy)]
pub(crate) struct HumanOptions {
    pub(crate) color: ColorChoice,
    /// Show a progress bar when stderr is a terminal.
    pub(crate) progress: bool,
    /// Only one line per failure and the summary.
    pub(crate) quiet: bool,
}

pub(crate) struct HumanReporter {
    out: AutoStream<std::io::Stderr>,
    bar: Option<ProgressBar>,
    options: HumanOptions,
    files: usize,
}

const RED: Style = AnsiColor::Red.on_default().bold();
const GREEN: Style = AnsiColor::Green.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const DIM: Style = Style::new().dimmed();
const BOLD: Style = Style::new().bold();

impl HumanReporter {
    pub(crate) fn new(options: HumanOptions) -> HumanReporter {
        HumanReporter {
            out: AutoStream::new(std::io::stderr(), options.color),
            bar: None,
            options,
            files: 0,
        }
    }

    /// Writes around the progress bar so lines never tear it.
    fn emit(&mut self, text: &str) {
        let out = &mut self.out;
        let mut write = || {
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
        };
        match &self.bar {
            Some(bar) => bar.suspend(write),
            None => write(),
        }
    }
}

fn status_style(status: Status) -> Style {
    match status {
        Status::Pass => GREEN,
        Status::Skip => YELLOW,
        _ => RED,
    }
}

/// The header line of a result: `FAIL guide.md:12 (output): message`.
pub(crate) fn result_line(result: &BlockResult) -> String {
    let style = status_style(result.status);
    format!(
        "{style}{}{style:#} {BOLD}{}:{}{BOLD:#} {DIM}({}){DIM:#} {}\n",
        result.status.label(),
        result.file,
        result.line,
        result.kind,
        result.message
    )
}

/// The indented detail under a failure: where, then traceback or diff.
fn result_detail(result: &BlockResult) -> String {
    let mut text = String::new();
    if let Some(line) = result.failing_line {
        text.push_str(&format!("  {DIM}-->{DIM:#} {}:{line}\n", result.file));
    }
    if let Some(detail) = &result.detail {
        for line in detail.lines() {
            let style = if line.starts_with('+') && !line.starts_with("+++") {
                GREEN
            } else if line.starts_with('-') && !line.starts_with("---") {
                RED
            } else {
                Style::new()
            };
            text.push_str(&format!("    {style}{}{style:#}\n", escape_controls(line)));
        }
    }
    text
}

/// Terminal control characters from user output are shown, not obeyed.
fn escape_controls(line: &str) -> String {
    line.chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// `3 passed, 1 failed, ...` with the counts that are not zero after the first two.
pub(crate) fn summary_line(summary: &Summary, files: usize, elapsed: Duration) -> String {
    let mut parts = vec![
        format!("{} passed", summary.pass),
        format!("{} failed", summary.fail),
    ];
    for (count, word) in [
        (
            summary.error,
            if summary.error == 1 {
                "error"
            } else {
                "errors"
            },
        ),
        (summary.timeout, "timed out"),
        (summary.crash, "crashed"),
        (summary.skip, "skipped"),
        (summary.not_run, "not run"),
    ] {
        if count > 0 {
            parts.push(format!("{count} {word}"));
        }
    }
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{} ({} in {}, {:.2}s)",
        parts.join(", "),
        plural(summary.total, "block"),
        plural(files, "file"),
        elapsed.as_secs_f64()
    )
}

impl Reporter for HumanReporter {
    fn start(&mut self, total_blocks: usize, files: usize) {
        self.files = files;
        let terminal = std::io::stderr().is_terminal();
        if self.options.progress && !self.options.quiet && terminal {
            let bar = ProgressBar::with_draw_target(
                Some(total_blocks as u64),
                ProgressDrawTarget::stderr(),
            );
            if let Ok(style) = ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} blocks {msg}",
            ) {
                bar.set_style(style);
            }
            self.bar = Some(bar);
        }
    }

    fn input_error(&mut self, error: &InputError) {
        let location = match error.line {
            Some(line) => format!("{}:{line}", error.file),
            None => error.file.clone(),
        };
        let text = format!(
            "{RED}error{RED:#}: {BOLD}{location}{BOLD:#}: {}\n",
            error.message
        );
        self.emit(&text);
    }

    fn warning(&mut self, file: &str, line: usize, message: &str) {
        if self.options.quiet {
            return;
        }
        let text = format!("{YELLOW}warning{YELLOW:#}: {BOLD}{file}:{line}{BOLD:#}: {message}\n");
        self.emit(&text);
    }

    fn result(&mut self, result: &BlockResult) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
        if !result.status.is_failure() {
            return;
        }
        let mut text = result_line(result);
        if !self.options.quiet {
            text.push_str(&result_detail(result));
        }
        self.emit(&text);
    }

    fn finish(&mut self, summary: &Summary, elapsed: Duration) -> std::io::Result<()> {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        let style = if summary.failures() > 0 || summary.interrupted.is_some() {
            RED
        } else {
            GREEN
        };
        let line = summary_line(summary, self.files, elapsed);
        if let Some(signal) = &summary.interrupted {
            writeln!(
                self.out,
                "{RED}interrupted{RED:#} by {signal}: these results are partial"
            )?;
        }
        writeln!(self.out, "{style}{line}{style:#}")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_mentions_only_what_happened() {
        let mut summary = Summary::default();
        for status in [Status::Pass, Status::Pass, Status::Fail, Status::Skip] {
            summary.add(status);
        }
        assert_eq!(
            summary_line(&summary, 2, Duration::from_millis(1500)),
            "2 passed, 1 failed, 1 skipped (4 blocks in 2 files, 1.50s)"
        );
        summary.not_run = 3;
        assert_eq!(
            summary_line(&summary, 2, Duration::from_millis(1500)),
            "2 passed, 1 failed, 1 skipped, 3 not run (4 blocks in 2 files, 1.50s)"
        );
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape_controls("a\u{1b}[2Jb\tc"), "a\\u{1b}[2Jb\tc");
    }
}
