//! `--format junit`: JUnit XML, written through `quick-junit`.
//!
//! One `<testsuite>` per Markdown file, one `<testcase>` per block named
//! `file:line` (the opening fence) with the file as `classname`. A `fail`
//! verdict is a `<failure>`; `error`, `timeout` and `crash` are `<error>`s
//! whose `type` says which; `skip` is `<skipped>`. The message goes in the
//! `message` attribute, the traceback or diff in the element's text. A file
//! that could not be read at all is an `<error type="unreadable">` test case
//! named after the file, so a consumer that only reads the XML still fails.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::{BlockResult, InputError, Reporter, Status, Summary};

pub(crate) struct JunitReporter {
    out: Box<dyn Write>,
    results: Vec<BlockResult>,
    errors: Vec<InputError>,
}

impl JunitReporter {
    pub(crate) fn new(out: Box<dyn Write>) -> JunitReporter {
        JunitReporter {
            out,
            results: Vec::new(),
            errors: Vec::new(),
        }
    }
}

/// The `<testcase>` of one block.
fn block_case(result: &BlockResult) -> TestCase {
    let name = format!("{}:{}", result.file, result.line);
    let mut status = match result.status {
        Status::Pass => TestCaseStatus::success(),
        Status::Skip => TestCaseStatus::skipped(),
        Status::Fail => TestCaseStatus::non_success(NonSuccessKind::Failure),
        Status::Error | Status::Timeout | Status::Crash => {
            TestCaseStatus::non_success(NonSuccessKind::Error)
        }
    };
    if result.status != Status::Pass {
        status.set_message(xml_text(&result.message));
    }
    if result.status.is_failure() {
        status.set_type(format!("{:?}", result.status).to_lowercase());
        status.set_description(xml_text(&description(result)));
    }
    let mut case = TestCase::new(name, status);
    case.set_classname(result.file.as_str())
        .set_time(Duration::from_millis(result.duration_ms));
    case
}

/// The text of a `<failure>` or `<error>`: where, then the traceback or
/// diff (or, when only expected and actual are known, both).
fn description(result: &BlockResult) -> String {
    let line = result.failing_line.unwrap_or(result.line);
    let mut text = format!("{}:{line}: {}\n", result.file, result.message);
    match (&result.detail, &result.expected, &result.actual) {
        (Some(detail), _, _) => {
            text.push('\n');
            text.push_str(detail);
        }
        (None, Some(expected), Some(actual)) => {
            text.push_str(&format!("\nexpected:\n{expected}\nactual:\n{actual}"));
        }
        _ => {}
    }
    text
}

/// The `<testcase>` of a file that could not be verified.
fn input_error_case(error: &InputError) -> TestCase {
    let name = match error.line {
        Some(line) => format!("{}:{line}", error.file),
        None => error.file.clone(),
    };
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
    status
        .set_message(xml_text(&error.message))
        .set_type("unreadable");
    let mut case = TestCase::new(name, status);
    case.set_classname(error.file.as_str());
    case
}

/// Drops what XML 1.0 cannot carry at all (`quick-junit` already removes
/// ANSI escapes and C0 controls).
fn xml_text(text: &str) -> String {
    text.chars()
        .filter(|&c| !matches!(c, '\u{fffe}' | '\u{ffff}'))
        .collect()
}

/// The whole report, one suite per file in file order.
pub(crate) fn render(results: &[BlockResult], errors: &[InputError], elapsed: Duration) -> Report {
    let mut suites: BTreeMap<&str, (Vec<&BlockResult>, Vec<&InputError>)> = BTreeMap::new();
    for result in results {
        suites.entry(&result.file).or_default().0.push(result);
    }
    for error in errors {
        suites.entry(&error.file).or_default().1.push(error);
    }
    let mut report = Report::new("kata verify");
    report.set_time(elapsed);
    for (file, (mut blocks, file_errors)) in suites {
        blocks.sort_by_key(|r| r.line);
        let mut suite = TestSuite::new(file);
        suite.set_time(Duration::from_millis(
            blocks.iter().map(|r| r.duration_ms).sum(),
        ));
        suite.add_test_cases(file_errors.into_iter().map(input_error_case));
        suite.add_test_cases(blocks.into_iter().map(block_case));
        report.add_test_suite(suite);
    }
    report
}

impl Reporter for JunitReporter {
    fn start(&mut self, _total_blocks: usize, _files: usize) {}

    fn input_error(&mut self, error: &InputError) {
        self.errors.push(error.clone());
    }

    fn warning(&mut self, _file: &str, _line: usize, _message: &str) {}

    fn result(&mut self, result: &BlockResult) {
        self.results.push(result.clone());
    }

    fn finish(&mut self, _summary: &Summary, elapsed: Duration) -> std::io::Result<()> {
        let report = render(&self.results, &self.errors, elapsed);
        report
            .serialize(&mut self.out)
            .map_err(std::io::Error::other)?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(file: &str, line: usize, status: Status) -> BlockResult {
        BlockResult {
            file: file.to_owned(),
            line,
            kind: "smoke",
            status,
            message: format!("{status:?} message"),
            expected: None,
            actual: None,
            detail: Some("Traceback (most recent call last):\n  boom\x1b[31m\n".to_owned()),
            failing_line: Some(line + 1),
            duration_ms: 1500,
        }
    }

    #[test]
    fn one_suite_per_file_with_counts() {
        let results = [
            result("b.md", 9, Status::Crash),
            result("a.md", 5, Status::Fail),
            result("a.md", 1, Status::Pass),
            result("b.md", 3, Status::Skip),
            result("b.md", 7, Status::Timeout),
        ];
        let errors = [InputError {
            file: "c.md".to_owned(),
            line: Some(2),
            message: "not valid UTF-8".to_owned(),
        }];
        let xml = render(&results, &errors, Duration::from_millis(2000))
            .to_string()
            .unwrap();
        assert!(xml.contains(
            r#"<testsuites name="kata verify" tests="6" skipped="1" failures="1" errors="3" time="2.000">"#
        ), "{xml}");
        assert!(xml.contains(r#"<testsuite name="a.md" tests="2" skipped="0" errors="0" failures="1" time="3.000">"#), "{xml}");
        assert!(
            xml.contains(r#"<testcase name="a.md:1" classname="a.md" time="1.500"/>"#),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<failure message="Fail message" type="fail">a.md:6: Fail message"#),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<error message="Timeout message" type="timeout">"#),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<error message="Crash message" type="crash">"#),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<skipped message="Skip message"/>"#),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<testcase name="c.md:2" classname="c.md">"#),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<error message="not valid UTF-8" type="unreadable"/>"#),
            "{xml}"
        );
        assert!(!xml.contains('\x1b'), "{xml}");
        let a = xml.find(r#"name="a.md""#).unwrap();
        let b = xml.find(r#"name="b.md""#).unwrap();
        assert!(a < b);
        assert!(xml.find("b.md:3").unwrap() < xml.find("b.md:7").unwrap());
    }

    #[test]
    fn expected_and_actual_stand_in_for_a_missing_diff() {
        let mut block = result("a.md", 3, Status::Fail);
        block.detail = None;
        block.failing_line = None;
        block.expected = Some("4\n".to_owned());
        block.actual = Some("5\n".to_owned());
        assert_eq!(
            description(&block),
            "a.md:3: Fail message\n\nexpected:\n4\n\nactual:\n5\n"
        );
    }
}
