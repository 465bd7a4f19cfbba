//! `--format github`: GitHub Actions workflow commands, so failures show up
//! as annotations on the Markdown lines of a pull request.
//!
//! One `::error` per failing block (at the failing line when kata knows it,
//! else at the opening fence) and per file that could not be read, and one
//! `::warning` per extraction warning. Passing and skipped blocks print
//! nothing. The lines come out at the end, sorted by file and line, so the
//! output does not depend on which worker finished first.

use std::io::Write;
use std::time::Duration;

use super::{BlockResult, InputError, Reporter, Summary};

pub(crate) struct GithubReporter {
    out: Box<dyn Write>,
    /// `(file, line, command)`, in the order they arrived.
    commands: Vec<(String, usize, String)>,
}

impl GithubReporter {
    pub(crate) fn new(out: Box<dyn Write>) -> GithubReporter {
        GithubReporter {
            out,
            commands: Vec::new(),
        }
    }
}

/// Escapes the message of a workflow command (what follows `::`).
pub(crate) fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (`file=`, `title=`...), where `:` and `,` end
/// the value too.
pub(crate) fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// `::NAME file=F,line=L,title=T::MESSAGE`, leaving out what is `None`.
pub(crate) fn command(
    name: &str,
    file: &str,
    line: Option<usize>,
    title: Option<&str>,
    message: &str,
) -> String {
    let mut properties = vec![format!("file={}", escape_property(file))];
    if let Some(line) = line {
        properties.push(format!("line={line}"));
    }
    if let Some(title) = title {
        properties.push(format!("title={}", escape_property(title)));
    }
    format!(
        "::{name} {}::{}",
        properties.join(","),
        escape_data(message.trim_end())
    )
}

/// The annotation of a failing block: the message, then the traceback or diff.
pub(crate) fn block_command(result: &BlockResult) -> String {
    let mut message = result.message.clone();
    if let Some(detail) = &result.detail {
        message.push_str("\n\n");
        message.push_str(detail);
    }
    let title = format!("{} ({})", result.status.label(), result.kind);
    command(
        "error",
        &result.file,
        Some(result.failing_line.unwrap_or(result.line)),
        Some(&title),
        &message,
    )
}

impl Reporter for GithubReporter {
    fn start(&mut self, _total_blocks: usize, _files: usize) {}

    fn input_error(&mut self, error: &InputError) {
        let text = command(
            "error",
            &error.file,
            error.line,
            Some("unreadable input"),
            &error.message,
        );
        self.commands
            .push((error.file.clone(), error.line.unwrap_or(0), text));
    }

    fn warning(&mut self, file: &str, line: usize, message: &str) {
        let text = command("warning", file, Some(line), None, message);
        self.commands.push((file.to_owned(), line, text));
    }

    fn result(&mut self, result: &BlockResult) {
        if result.status.is_failure() {
            self.commands
                .push((result.file.clone(), result.line, block_command(result)));
        }
    }

    fn finish(&mut self, _summary: &Summary, _elapsed: Duration) -> std::io::Result<()> {
        self.commands
            .sort_by(|a, b| (a.0.as_str(), a.1).cmp(&(b.0.as_str(), b.1)));
        for (_, _, text) in &self.commands {
            writeln!(self.out, "{text}")?;
        }
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::super::Status;
    use super::*;

    #[test]
    fn message_escapes_percent_and_line_ends_only() {
        assert_eq!(escape_data("100% a:b,c\r\nd\n"), "100%25 a:b,c%0D%0Ad%0A");
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(
            escape_property("C:\\docs,old/50%.md\n"),
            "C%3A\\docs%2Cold/50%25.md%0A"
        );
    }

    #[test]
    fn failing_block_points_at_the_failing_line() {
        let mut result = BlockResult {
            file: "docs/a, b.md".to_owned(),
            line: 10,
            kind: "output",
            status: Status::Fail,
            message: "printed output differs".to_owned(),
            expected: None,
            actual: None,
            detail: Some("-4\n+5\n".to_owned()),
            failing_line: Some(12),
            duration_ms: 3,
        };
        assert_eq!(
            block_command(&result),
            "::error file=docs/a%2C b.md,line=12,title=FAIL (output)::printed output differs%0A%0A-4%0A+5"
        );
        result.failing_line = None;
        result.detail = None;
        result.status = Status::Timeout;
        assert_eq!(
            block_command(&result),
            "::error file=docs/a%2C b.md,line=10,title=TIMEOUT (output)::printed output differs"
        );
    }

    #[test]
    fn input_errors_may_have_no_line() {
        assert_eq!(
            command("error", "x.md", None, Some("unreadable input"), "not UTF-8"),
            "::error file=x.md,title=unreadable input::not UTF-8"
        );
    }
}
