//! Decides a block's verdict from what its run produced and what the guide
//! expects. Runs in `kata`, outside the process that ran the code.

use crate::extract::{Block, Expectation};
use crate::report::{BlockResult, Status};
use crate::worker::protocol::{BlockEnd, BlockRun, DoctestReport, HarnessException};

use super::compare::{outputs_match, unified_diff};

/// Judges one block.
pub(crate) fn judge(file: &str, block: &Block, run: BlockRun) -> BlockResult {
    let mut result = BlockResult {
        file: file.to_owned(),
        line: block.fence_line,
        kind: block.expectation.kind(),
        status: Status::Pass,
        message: String::new(),
        expected: None,
        actual: None,
        detail: None,
        failing_line: None,
        duration_ms: run.duration_ms.round() as u64,
    };
    let stdout = with_truncation_note(&run.stdout.text, run.stdout.dropped_bytes);
    let stderr = without_harness_frames(&with_truncation_note(
        &run.stderr.text,
        run.stderr.dropped_bytes,
    ));
    match run.end {
        BlockEnd::Timeout { limit_ms } => {
            result.status = Status::Timeout;
            result.message = format!(
                "did not finish within {}; its process group was killed",
                humantime::format_duration(std::time::Duration::from_millis(limit_ms))
            );
            result.detail = output_detail(&stdout, &stderr);
            result.failing_line = last_markdown_line(&stderr, file);
        }
        BlockEnd::Crash { reason } => {
            result.status = Status::Crash;
            result.message = reason;
            result.detail = output_detail(&stdout, &stderr);
            result.failing_line = last_markdown_line(&stderr, file);
        }
        BlockEnd::NotRun { reason } => {
            result.status = Status::Crash;
            result.message = reason;
        }
        BlockEnd::GaveUp { timeouts } => {
            result.status = Status::Timeout;
            result.message = format!("not run: {timeouts} earlier blocks timed out");
        }
        BlockEnd::Finished { record } => match record.status.as_str() {
            "skip" => {
                result.status = Status::Skip;
                result.message = record.reason.unwrap_or_else(|| "skipped".to_owned());
            }
            "exception" => {
                let exception = record.exception.unwrap_or_default();
                judge_exception(&mut result, block, file, &exception, &stderr);
            }
            "doctest" => judge_doctest(&mut result, record.doctest.unwrap_or_default()),
            "ok" => judge_output(&mut result, block, &stdout, &stderr),
            _ => {
                result.status = Status::Crash;
                result.message = "the harness failed internally".to_owned();
                result.detail = record.traceback;
            }
        },
    }
    if block.directives.xfail {
        apply_xfail(&mut result);
    }
    result
}

/// Why a session's `setup` (from the configuration file) did not succeed.
#[derive(Debug, Clone)]
pub(crate) struct SetupFailure {
    message: String,
    detail: Option<String>,
}

/// `None` if the setup block ran cleanly.
pub(crate) fn setup_failure(config_file: &str, run: &BlockRun) -> Option<SetupFailure> {
    let stderr = without_harness_frames(&with_truncation_note(
        &run.stderr.text,
        run.stderr.dropped_bytes,
    ));
    let (what, detail) = match &run.end {
        BlockEnd::Finished { record } => match record.status.as_str() {
            "ok" => return None,
            "exception" => {
                let exception = record.exception.clone().unwrap_or_default();
                let mut detail = exception.traceback.trim_end().to_owned();
                if !stderr.is_empty() {
                    detail = format!("{}\n{detail}", labelled("stderr", &stderr));
                }
                (exception_line(&exception), Some(detail))
            }
            _ => (
                "the harness failed internally".to_owned(),
                record.traceback.clone(),
            ),
        },
        BlockEnd::Timeout { limit_ms } => (
            format!(
                "it did not finish within {}",
                humantime::format_duration(std::time::Duration::from_millis(*limit_ms))
            ),
            output_detail(&run.stdout.text, &stderr),
        ),
        BlockEnd::Crash { reason } | BlockEnd::NotRun { reason } => {
            (reason.clone(), output_detail(&run.stdout.text, &stderr))
        }
        BlockEnd::GaveUp { timeouts } => (
            format!("not run: {timeouts} earlier blocks timed out"),
            None,
        ),
    };
    Some(SetupFailure {
        message: format!("the `setup` code of `{config_file}` failed: {what}"),
        detail,
    })
}

/// The verdict of a block whose session's setup failed: it did not run.
pub(crate) fn setup_failed(file: &str, block: &Block, failure: &SetupFailure) -> BlockResult {
    BlockResult {
        file: file.to_owned(),
        line: block.fence_line,
        kind: block.expectation.kind(),
        status: Status::Error,
        message: failure.message.clone(),
        expected: None,
        actual: None,
        detail: failure.detail.clone(),
        failing_line: None,
        duration_ms: 0,
    }
}

fn judge_exception(
    result: &mut BlockResult,
    block: &Block,
    file: &str,
    exception: &HarnessException,
    stderr: &str,
) {
    let raised = exception_line(exception);
    if let Expectation::Raises { exception: wanted } = &block.expectation {
        if raises_matches(wanted, exception) {
            result.message = format!("raised {raised}");
            return;
        }
        result.status = Status::Fail;
        result.message = format!("expected {wanted} to be raised, but got {raised}");
    } else {
        result.status = Status::Error;
        result.message = raised;
    }
    result.failing_line = last_markdown_line(&exception.traceback, file);
    let mut detail = exception.traceback.trim_end().to_owned();
    if !stderr.is_empty() {
        detail = format!("{}\n{detail}", labelled("stderr", stderr));
    }
    result.detail = Some(detail);
}

/// `Type: message` (or just the type), as Python prints the last line.
fn exception_line(exception: &HarnessException) -> String {
    let name = if exception.module.is_empty() || exception.module == "builtins" {
        exception.type_name.clone()
    } else {
        format!("{}.{}", exception.module, exception.qualname)
    };
    let detail = match &exception.exit_code {
        Some(code) if exception.message.is_empty() => code.clone(),
        _ => exception.message.clone(),
    };
    if detail.is_empty() {
        name
    } else {
        format!("{name}: {}", first_line(&detail))
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

/// `raises=ValueError` matches `ValueError` and its subclasses; a dotted name
/// also matches on the full `module.qualname`.
fn raises_matches(wanted: &str, exception: &HarnessException) -> bool {
    let full = format!("{}.{}", exception.module, exception.qualname);
    wanted == full
        || wanted == exception.qualname
        || exception.mro.iter().any(|name| name == wanted)
        || wanted.rsplit('.').next() == Some(exception.type_name.as_str()) && wanted.contains('.')
}

fn judge_doctest(result: &mut BlockResult, report: DoctestReport) {
    let failures: Vec<_> = report.examples.iter().filter(|e| !e.ok).collect();
    let Some(first) = failures.first() else {
        return;
    };
    result.status = Status::Fail;
    result.failing_line = Some(first.line);
    let failed = failures.len();
    result.message = format!(
        "{failed} of {} doctest examples failed; first at line {}",
        report.examples.len(),
        first.line
    );
    result.expected = Some(first.want.clone());
    result.actual = Some(first.got.clone());
    let mut detail = String::new();
    for example in &failures {
        detail.push_str(&format!("line {}:\n", example.line));
        for line in example.source.lines() {
            detail.push_str(&format!("    {line}\n"));
        }
        detail.push_str(&unified_diff(&example.want, &example.got));
    }
    result.detail = Some(detail.trim_end().to_owned());
}

fn judge_output(result: &mut BlockResult, block: &Block, stdout: &str, stderr: &str) {
    let (expected, where_line) = match &block.expectation {
        Expectation::Output(output) => (output.text.as_str(), Some(output.fence_line)),
        Expectation::Comments { expected, lines } => (
            expected.as_str(),
            first_wrong_comment(lines, expected, stdout),
        ),
        Expectation::Raises { exception } => {
            result.status = Status::Fail;
            result.message = format!("expected {exception} to be raised, but nothing was raised");
            result.detail = output_detail(stdout, stderr);
            return;
        }
        Expectation::Doctest | Expectation::Smoke => return,
    };
    if outputs_match(expected, stdout) {
        return;
    }
    result.status = Status::Fail;
    result.message = match &block.expectation {
        Expectation::Output(output) => format!(
            "printed output differs from the output block at line {}",
            output.fence_line
        ),
        _ => "printed output differs from the `#>` comments".to_owned(),
    };
    result.failing_line = where_line;
    result.expected = Some(expected.to_owned());
    result.actual = Some(stdout.to_owned());
    let mut detail = unified_diff(&capped(expected), &capped(stdout));
    if !stderr.is_empty() {
        detail.push_str(&labelled("stderr", stderr));
    }
    result.detail = Some(detail.trim_end().to_owned());
}

/// The Markdown line of the first `#>` comment (or line of a printed
/// triple-quoted string) that the output does not match.
fn first_wrong_comment(comment_lines: &[usize], expected: &str, actual: &str) -> Option<usize> {
    let actual_lines: Vec<&str> = actual.lines().map(str::trim_end).collect();
    let wrong = expected
        .lines()
        .map(str::trim_end)
        .enumerate()
        .find(|(i, line)| actual_lines.get(*i) != Some(line))
        .map_or(comment_lines.len().saturating_sub(1), |(i, _)| i);
    comment_lines.get(wrong).or(comment_lines.last()).copied()
}

/// Diffing megabytes helps nobody and takes long: diff the first 64 KiB.
fn capped(text: &str) -> std::borrow::Cow<'_, str> {
    const DIFF_LIMIT: usize = 64 * 1024;
    if text.len() <= DIFF_LIMIT {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut end = DIFF_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    std::borrow::Cow::Owned(format!(
        "{}\n[kata: {} more bytes not diffed]\n",
        &text[..end],
        text.len() - end
    ))
}

/// faulthandler dumps include the harness's own frames below the user's;
/// they say nothing about the guide or the kata.
pub(crate) fn without_harness_frames(text: &str) -> String {
    const HARNESS_FILES: [&str; 2] = ["File \"kata_harness.py\"", "File \"kata_tests.py\""];
    if !text.contains("kata_harness.py") && !text.contains("kata_tests.py") {
        return text.to_owned();
    }
    text.lines()
        .filter(|line| {
            !HARNESS_FILES
                .iter()
                .any(|f| line.trim_start().starts_with(f))
        })
        .map(|line| format!("{line}\n"))
        .collect()
}

fn apply_xfail(result: &mut BlockResult) {
    match result.status {
        Status::Fail | Status::Error => {
            result.status = Status::Pass;
            result.message = format!("failed as expected (xfail): {}", result.message);
            result.detail = None;
        }
        Status::Pass => {
            result.status = Status::Fail;
            result.message = "expected to fail (xfail), but passed".to_owned();
        }
        _ => {}
    }
}

fn with_truncation_note(text: &str, dropped: u64) -> String {
    if dropped == 0 {
        text.to_owned()
    } else {
        format!("{text}\n[kata: output truncated, {dropped} more bytes were dropped]\n")
    }
}

fn output_detail(stdout: &str, stderr: &str) -> Option<String> {
    let mut detail = String::new();
    if !stdout.is_empty() {
        detail.push_str(&labelled("stdout", stdout));
    }
    if !stderr.is_empty() {
        detail.push_str(&labelled("stderr", stderr));
    }
    (!detail.is_empty()).then(|| detail.trim_end().to_owned())
}

fn labelled(label: &str, text: &str) -> String {
    const SHOWN: usize = 4096;
    let shown = if text.len() > SHOWN {
        let mut end = SHOWN;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}\n[... {} more bytes]", &text[..end], text.len() - end)
    } else {
        text.to_owned()
    };
    format!("{label}:\n{}\n", shown.trim_end())
}

/// The last `File "<file>", line N` in a traceback: where it failed.
fn last_markdown_line(traceback: &str, file: &str) -> Option<usize> {
    let quoted = format!("File \"{file}\", line ");
    traceback.lines().rev().find_map(|line| {
        let rest = &line[line.find(&quoted)? + quoted.len()..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_deepest_markdown_line() {
        let tb = "Traceback (most recent call last):\n  File \"g.md\", line 10, in <module>\n    f()\n  File \"g.md\", line 7, in f\n    1/0\nZeroDivisionError: division by zero\n";
        assert_eq!(last_markdown_line(tb, "g.md"), Some(7));
        assert_eq!(last_markdown_line(tb, "other.md"), None);
    }

    #[test]
    fn raises_matches_subclasses_and_dotted_names() {
        let exception = HarnessException {
            type_name: "JSONDecodeError".into(),
            qualname: "JSONDecodeError".into(),
            module: "json.decoder".into(),
            mro: vec![
                "JSONDecodeError".into(),
                "ValueError".into(),
                "Exception".into(),
            ],
            ..Default::default()
        };
        assert!(raises_matches("ValueError", &exception));
        assert!(raises_matches("json.decoder.JSONDecodeError", &exception));
        assert!(raises_matches("json.JSONDecodeError", &exception));
        assert!(!raises_matches("KeyError", &exception));
    }
}
