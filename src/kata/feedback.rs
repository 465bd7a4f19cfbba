//! What a learner sees after a run: one line per test, the first failure
//! expanded (its source line, expected against actual with a diff, what the
//! code printed, the hint that fits), and a result line. Also the
//! Exercism-compatible `results.json` (version 3) for other tools.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use super::catalog::Kata;
use super::runner::{KataRun, TestResult, TestStatus};
use crate::worker::protocol::AssertionDetails;

const RED: Style = AnsiColor::Red.on_default().bold();
const GREEN: Style = AnsiColor::Green.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const DIM: Style = Style::new().dimmed();
const BOLD: Style = Style::new().bold();

/// Captured output shown per test, at most.
const OUTPUT_SHOWN: usize = 2000;

fn mark(status: TestStatus) -> (Style, &'static str) {
    match status {
        TestStatus::Pass => (GREEN, "✓ pass"),
        TestStatus::Fail => (RED, "✗ fail"),
        TestStatus::Error => (RED, "✗ error"),
        TestStatus::Timeout => (RED, "✗ timeout"),
        TestStatus::Crash => (RED, "✗ crash"),
        TestStatus::Skip => (YELLOW, "- not run"),
    }
}

/// The whole report of a run, ready to print (styles stripped by the
/// caller's stream when colour is off).
pub(crate) fn render(kata: &Kata, file_display: &str, run: &KataRun) -> String {
    let mut out = String::new();
    if let Some(load) = &run.load_error {
        let (style, _) = mark(load.status);
        let _ = writeln!(
            out,
            "{style}✗ {file_display} could not be loaded{style:#}: {}",
            load.message
        );
        if let Some(line) = load
            .traceback
            .as_deref()
            .and_then(|t| learner_line(t, file_display))
        {
            let _ = writeln!(out, "  {DIM}-->{DIM:#} {file_display}:{line}");
        }
        render_failure_body(&mut out, load, "your code");
        let _ = writeln!(
            out,
            "\n{RED}No test could run.{RED:#} Fix the error above in {BOLD}{file_display}{BOLD:#} and run again."
        );
        return out;
    }
    for test in &run.tests {
        let (style, label) = mark(test.status);
        let hidden = if test.hidden { " (hidden)" } else { "" };
        let _ = writeln!(out, "  {style}{label:<9}{style:#} {}{hidden}", test.name);
    }
    if let Some(first) = run.tests.iter().find(|t| t.status != TestStatus::Pass) {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{BOLD}{}{BOLD:#} {DIM}({}:{}){DIM:#}: {}",
            first.name, first.file, first.line, first.message
        );
        render_failure_body(&mut out, first, file_display);
        if let Some(doc) = &first.doc {
            let _ = writeln!(
                out,
                "\n  {YELLOW}hint:{YELLOW:#} {}",
                doc.trim().replace('\n', "\n        ")
            );
        } else if !kata.meta.hints.is_empty() {
            let _ = writeln!(
                out,
                "\n  {YELLOW}hint:{YELLOW:#} stuck? `kata hint {}` shows a hint",
                kata.id
            );
        }
    }
    let passed = run.count(TestStatus::Pass);
    let total = run.tests.len();
    let _ = writeln!(out);
    if run.passed() {
        let _ = writeln!(out, "{GREEN}All {total} tests pass.{GREEN:#}");
    } else {
        let _ = writeln!(
            out,
            "{RED}{passed} of {total} tests pass.{RED:#} Edit {BOLD}{file_display}{BOLD:#} and run again."
        );
    }
    out
}

fn render_failure_body(out: &mut String, test: &TestResult, file_display: &str) {
    if let Some(assertion) = &test.assertion {
        render_assertion(out, assertion, test);
    } else if let Some(traceback) = &test.traceback {
        let _ = writeln!(out);
        for line in traceback.trim_end().lines() {
            let _ = writeln!(out, "    {}", escape(line));
        }
    }
    match test.status {
        TestStatus::Timeout => {
            let _ = writeln!(
                out,
                "  {DIM}an endless loop, or a wait that never ends? kata stopped it{DIM:#}"
            );
        }
        TestStatus::Crash => {
            let _ = writeln!(
                out,
                "  {DIM}the process running {file_display} died; this is not a failed assert{DIM:#}"
            );
        }
        _ => {}
    }
    for (label, captured) in [("printed", &test.stdout), ("stderr", &test.stderr)] {
        if captured.text.trim().is_empty() {
            continue;
        }
        let (shown, cut) = cut(&captured.text, OUTPUT_SHOWN);
        let _ = writeln!(out, "\n  {DIM}{label}:{DIM:#}");
        for line in shown.lines() {
            let _ = writeln!(out, "    {}", escape(line));
        }
        let dropped = captured.dropped_bytes + cut as u64;
        if dropped > 0 {
            let _ = writeln!(out, "    {DIM}[... {dropped} more bytes not shown]{DIM:#}");
        }
    }
}

fn render_assertion(out: &mut String, assertion: &AssertionDetails, test: &TestResult) {
    let line = assertion.line.unwrap_or(test.line);
    let _ = writeln!(out, "  {DIM}-->{DIM:#} {}:{line}", test.file);
    // A helper's failure (no operands) has its message as the headline.
    let helper = assertion.op.is_none() && assertion.value.is_none();
    if let Some(message) = assertion.message.as_ref().filter(|_| !helper) {
        let _ = writeln!(out, "  {}", escape(message));
    }
    match (&assertion.op, &assertion.left, &assertion.right) {
        (Some(op), Some(left), Some(right)) if op == "==" => {
            let _ = writeln!(out, "  expected: {}", escape(right));
            let _ = writeln!(out, "  actual:   {}", escape(left));
            if let (Some(l), Some(r)) = (&assertion.left_pretty, &assertion.right_pretty)
                && (l.contains('\n') || r.contains('\n') || l.len() > 40)
            {
                let diff = similar::TextDiff::from_lines(&with_newline(r), &with_newline(l))
                    .unified_diff()
                    .header("expected", "actual")
                    .to_string();
                for line in diff.lines() {
                    let style = if line.starts_with('+') && !line.starts_with("+++") {
                        GREEN
                    } else if line.starts_with('-') && !line.starts_with("---") {
                        RED
                    } else {
                        Style::new()
                    };
                    let _ = writeln!(out, "    {style}{}{style:#}", escape(line));
                }
            }
        }
        (Some(op), Some(left), Some(right)) => {
            let _ = writeln!(
                out,
                "  this is false: {} {op} {}",
                escape(left),
                escape(right)
            );
        }
        _ => {
            if let Some(value) = &assertion.value {
                let _ = writeln!(out, "  the asserted value was {}", escape(value));
            }
        }
    }
}

/// The line of `file` where a traceback ends (its last frame in that file):
/// where a syntax error is, or where an import failed.
fn learner_line(traceback: &str, file: &str) -> Option<usize> {
    let prefix = format!("File \"{file}\", line ");
    let rest = traceback
        .lines()
        .rev()
        .find_map(|line| line.trim_start().strip_prefix(prefix.as_str()))?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

fn with_newline(text: &str) -> String {
    if text.ends_with('\n') {
        text.to_owned()
    } else {
        format!("{text}\n")
    }
}

fn cut(text: &str, limit: usize) -> (&str, usize) {
    if text.len() <= limit {
        return (text, 0);
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (&text[..end], text.len() - end)
}

/// Control characters from the learner's output are shown, not obeyed.
fn escape(line: &str) -> String {
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

/// Exercism's `results.json`, version 3.
#[derive(Serialize)]
pub(crate) struct ExercismResults {
    version: u32,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    tests: Vec<ExercismTest>,
}

#[derive(Serialize)]
struct ExercismTest {
    name: String,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output: Option<String>,
    test_code: String,
}

pub(crate) fn exercism(kata: &Kata, file_display: &str, run: &KataRun) -> ExercismResults {
    if let Some(load) = &run.load_error {
        let mut detail = load
            .traceback
            .clone()
            .unwrap_or_else(|| load.message.clone());
        if let Some(line) = load
            .traceback
            .as_deref()
            .and_then(|t| learner_line(t, file_display))
        {
            detail = format!("{file_display}:{line}: {}\n{detail}", load.message);
        }
        return ExercismResults {
            version: 3,
            status: "error",
            message: Some(detail),
            tests: Vec::new(),
        };
    }
    let tests = run
        .tests
        .iter()
        .map(|test| {
            let mut message = None;
            if test.status != TestStatus::Pass {
                let mut text = String::new();
                render_failure_body(&mut text, test, "your code");
                let plain = anstream::adapter::strip_str(&text).to_string();
                message = Some(format!("{}\n{}", test.message, plain.trim_end()));
            }
            let output =
                (!test.stdout.text.is_empty()).then(|| cut(&test.stdout.text, 500).0.to_owned());
            ExercismTest {
                name: test.name.clone(),
                status: match test.status {
                    TestStatus::Pass => "pass",
                    TestStatus::Fail => "fail",
                    _ => "error",
                },
                message,
                output,
                test_code: test_code(kata, test),
            }
        })
        .collect();
    ExercismResults {
        version: 3,
        status: if run.passed() { "pass" } else { "fail" },
        message: None,
        tests,
    }
}

/// The source of a test function: its `def` line and the indented body.
fn test_code(kata: &Kata, test: &TestResult) -> String {
    if let Some(code) = &test.code {
        return code.trim_end().to_owned();
    }
    let source = if test.hidden {
        return String::new();
    } else {
        &kata.test_public
    };
    let lines: Vec<&str> = source.lines().collect();
    let start = test.line.saturating_sub(1);
    let mut end = start + 1;
    while end < lines.len() && (lines[end].trim().is_empty() || lines[end].starts_with([' ', '\t']))
    {
        end += 1;
    }
    lines[start.min(lines.len())..end.min(lines.len())]
        .join("\n")
        .trim_end()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learner_line_is_the_last_frame_in_the_learner_file() {
        let cases = [
            (
                "  File \"ws/a.py\", line 2\n    return 1 +\n SyntaxError: invalid syntax\n",
                Some(2),
            ),
            (
                "Traceback:\n  File \"ws/a.py\", line 7, in <module>\n  File \"ws/b.py\", line 3, in f\n  File \"ws/a.py\", line 12, in g\nKeyError\n",
                Some(12),
            ),
            ("  File \"ws/b.py\", line 3, in f\n", None),
            ("  File \"ws/a.pyc\", line 3, in f\n", None),
            ("", None),
        ];
        for (traceback, expected) in cases {
            assert_eq!(learner_line(traceback, "ws/a.py"), expected, "{traceback}");
        }
    }
}
