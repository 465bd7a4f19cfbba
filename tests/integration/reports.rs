//! Machine reports: JUnit (checked against a schema and read by a real
//! consumer, `junitparser`), GitHub annotations, `--output`, `--shard` and
//! `kata report merge`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::{Value, json};

use crate::util::{Kata, guide_abs, repo_root};

/// Fixtures that finish quickly and between them pass, fail, error, crash
/// and skip.
const MIXED: &[&str] = &[
    "comments_fail.md",
    "comments_pass.md",
    "crash_os_exit.md",
    "doctest_fail.md",
    "doctest_pass.md",
    "output_block_fail.md",
    "output_block_pass.md",
    "raises.md",
    "shared_namespace.md",
    "skip_comments.md",
    "smoke_error.md",
];

/// A temporary directory with `guides/` holding copies of `names`.
fn copy_guides(names: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("guides")).unwrap();
    for name in names {
        std::fs::copy(guide_abs(name), dir.path().join("guides").join(name)).unwrap();
    }
    dir
}

/// `target/test-venv/bin/python`, made by `.ci/test-venv` (once per run).
fn venv_python() -> &'static Path {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let status = Command::new("bash")
            .arg(repo_root().join(".ci/test-venv"))
            .status()
            .expect("running .ci/test-venv");
        assert!(
            status.success(),
            "could not create target/test-venv with junitparser and xmlschema from PyPI \
             (see the messages above); these tests need PyPI once"
        );
        repo_root().join("target/test-venv/bin/python")
    })
}

/// The JUnit file validated against `tests/fixtures/junit.xsd` and read
/// back by junitparser.
#[track_caller]
fn read_junit(xml: &Path) -> Value {
    let output = Command::new(venv_python())
        .arg(repo_root().join("tests/python/read_junit.py"))
        .arg(xml)
        .arg(repo_root().join("tests/fixtures/junit.xsd"))
        .output()
        .expect("running read_junit.py");
    assert!(
        output.status.success(),
        "the JUnit report does not validate against tests/fixtures/junit.xsd:\n{}\n{}",
        String::from_utf8_lossy(&output.stderr),
        std::fs::read_to_string(xml).unwrap_or_default()
    );
    serde_json::from_slice(&output.stdout).expect("read_junit.py prints JSON")
}

#[test]
fn junit_is_valid_and_read_by_a_real_consumer() {
    let dir = copy_guides(MIXED);
    let json = Kata::verify_json(["guides"]).current_dir(dir.path()).run();
    json.assert_code(1).assert_summary_consistent();
    let junit = dir.path().join("report.xml");
    let run = Kata::new()
        .args(["verify", "--format", "junit", "-j", "2", "--output"])
        .args([&junit])
        .args(["guides"])
        .current_dir(dir.path())
        .run();
    run.assert_code(1);
    assert_eq!(run.stdout, "", "with --output, stdout stays empty");
    run.assert_stderr_contains("blocks in 11 files");

    let read = read_junit(&junit);
    let summary = &json.report()["summary"];
    assert_eq!(read["tests"], summary["total"]);
    assert_eq!(read["failures"], summary["fail"]);
    let errors = ["error", "timeout", "crash"]
        .iter()
        .map(|s| summary[s].as_u64().unwrap())
        .sum::<u64>();
    assert_eq!(read["errors"], errors);
    assert_eq!(read["skipped"], summary["skip"]);
    assert!(summary["crash"].as_u64().unwrap() > 0, "{summary}");

    let suites = read["suites"].as_array().unwrap();
    let files: Vec<String> = MIXED.iter().map(|n| format!("guides/{n}")).collect();
    let suite_names: Vec<&str> = suites.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(suite_names, files);

    let cases = read["cases"].as_array().unwrap();
    let results = json.results();
    assert_eq!(cases.len(), results.len());
    for result in results {
        let name = format!(
            "{}:{}",
            result["file"].as_str().unwrap(),
            result["line"].as_u64().unwrap()
        );
        let case = cases
            .iter()
            .find(|c| c["name"] == name.as_str())
            .unwrap_or_else(|| panic!("no test case named {name}"));
        assert_eq!(case["classname"], result["file"], "{name}");
        assert_eq!(case["suite"], result["file"], "{name}");
        assert!(case["time"].is_number(), "{name}: {case}");
        let (outcome, kind) = match result["status"].as_str().unwrap() {
            "pass" => ("pass", Value::Null),
            "skip" => ("skipped", Value::Null),
            "fail" => ("failure", json!("fail")),
            other => ("error", json!(other)),
        };
        assert_eq!(case["outcome"], outcome, "{name}");
        assert_eq!(case["type"], kind, "{name}");
        if outcome != "pass" {
            assert_eq!(case["message"], result["message"], "{name}");
        }
    }
    // The detail JSON leaves out (traceback, diff) is in the XML.
    let error = cases
        .iter()
        .find(|c| c["outcome"] == "error" && c["type"] == "error")
        .expect("an error case");
    assert!(
        error["text"].as_str().unwrap().contains("Traceback"),
        "{error}"
    );
    let failure = cases
        .iter()
        .find(|c| {
            c["name"]
                .as_str()
                .unwrap()
                .starts_with("guides/output_block_fail.md")
        })
        .filter(|c| c["outcome"] == "failure")
        .expect("the output block failure");
    assert!(
        failure["text"].as_str().unwrap().contains("--- expected"),
        "{failure}"
    );
}

#[test]
fn junit_names_unreadable_files_as_errors() {
    let dir = copy_guides(&["not_utf8.md", "comments_pass.md"]);
    let junit = dir.path().join("report.xml");
    Kata::new()
        .args(["verify", "--format", "junit", "--output"])
        .args([&junit])
        .args(["guides"])
        .current_dir(dir.path())
        .run()
        .assert_code(2);
    let read = read_junit(&junit);
    let cases = read["cases"].as_array().unwrap();
    let unreadable: Vec<&Value> = cases.iter().filter(|c| c["type"] == "unreadable").collect();
    assert_eq!(unreadable.len(), 1, "{cases:?}");
    assert_eq!(unreadable[0]["classname"], "guides/not_utf8.md");
    assert_eq!(read["errors"], 1);
}

#[test]
fn github_annotations_for_a_failure_and_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let guide = "\
# Annotations, 100%: a test

```python
print(1 + 1)
```

```output
3
```

```python
x = 1
raise ValueError(\"bad, very bad\")
```

```python
print(\"fine\")
```
";
    std::fs::write(dir.path().join("a, b.md"), guide).unwrap();
    let output = Kata::new()
        .args(["verify", "--format", "github", "a, b.md"])
        .current_dir(dir.path())
        .run();
    output.assert_code(1);
    let expected = [
        "::error file=a%2C b.md,line=7,title=FAIL (output)::printed output differs from the output block at line 7%0A%0A--- expected%0A+++ actual%0A@@ -1 +1 @@%0A-3%0A+2",
        "::error file=a%2C b.md,line=13,title=ERROR (smoke)::ValueError: bad, very bad%0A%0ATraceback (most recent call last):%0A  File \"a, b.md\", line 13, in <module>%0A    raise ValueError(\"bad, very bad\")%0AValueError: bad, very bad",
    ];
    let lines: Vec<&str> = output.stdout.lines().collect();
    assert_eq!(lines, expected, "stderr:\n{}", output.stderr);
}

#[test]
fn github_warnings_and_unreadable_files() {
    let dir = copy_guides(&["not_utf8.md"]);
    std::fs::write(
        dir.path().join("guides/open.md"),
        "# Open\n\n```python\nprint(1)\n",
    )
    .unwrap();
    let output = Kata::new()
        .args(["verify", "--format", "github", "guides", "missing.md"])
        .current_dir(dir.path())
        .run();
    output.assert_code(2);
    let lines: Vec<&str> = output.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", output.stdout);
    assert!(
        lines[0].starts_with(
            "::error file=guides/not_utf8.md,line=4,title=unreadable input::not valid UTF-8"
        ),
        "{}",
        lines[0]
    );
    assert_eq!(
        lines[1],
        "::warning file=guides/open.md,line=3::unterminated code fence"
    );
    assert!(
        lines[2].starts_with("::error file=missing.md,title=unreadable input::cannot read it"),
        "{}",
        lines[2]
    );
}

#[test]
fn bad_flags_are_usage_errors() {
    for (args, message) in [
        (&["--shard", "0/3"][..], "K must be between 1 and 3"),
        (&["--shard", "4/3"][..], "K must be between 1 and 3"),
        (&["--shard", "1/0"][..], "N must be at least 1"),
        (&["--shard", "two/3"][..], "not a whole number"),
        (
            &["--output", "x.json"][..],
            "`--output` needs a machine format",
        ),
        (
            &["--format", "json", "--output", "no/such/dir/x.json"][..],
            "creating `no/such/dir/x.json`",
        ),
    ] {
        let dir = copy_guides(&["comments_pass.md"]);
        let output = Kata::new()
            .args(["verify"])
            .args(args)
            .args(["guides"])
            .current_dir(dir.path())
            .run();
        output.assert_code(2).assert_stderr_contains(message);
        assert!(!dir.path().join("x.json").exists());
    }
}

/// The report with every `duration_ms` set to 0.
fn without_durations(mut report: Value) -> Value {
    report["summary"]["duration_ms"] = json!(0);
    for result in report["results"].as_array_mut().unwrap() {
        result["duration_ms"] = json!(0);
    }
    report
}

#[test]
fn shards_run_every_block_once_and_merge_into_the_whole() {
    let dir = copy_guides(MIXED);
    let whole = Kata::verify_json(["guides"]).current_dir(dir.path()).run();
    whole.assert_code(1).assert_summary_consistent();
    assert!(whole.report().get("shard").is_none());

    let mut reports = Vec::new();
    let mut blocks = Vec::new();
    for index in 1..=3 {
        let path = dir.path().join(format!("shard-{index}.json"));
        let shard = format!("{index}/3");
        let output = Kata::verify_json(["guides", "--shard", shard.as_str(), "--output"])
            .args([&path])
            .current_dir(dir.path())
            .run();
        let report: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(report["shard"], json!({"index": index, "count": 3}));
        let results = report["results"].as_array().unwrap();
        assert!(!results.is_empty(), "shard {shard} got no blocks");
        let failing = results
            .iter()
            .any(|r| !matches!(r["status"].as_str(), Some("pass" | "skip")));
        output.assert_code(if failing { 1 } else { 0 });
        blocks.extend(
            results
                .iter()
                .map(|r| (r["file"].clone().to_string(), r["line"].as_u64())),
        );
        reports.push(path);
    }
    let mut whole_blocks: Vec<_> = whole
        .results()
        .iter()
        .map(|r| (r["file"].clone().to_string(), r["line"].as_u64()))
        .collect();
    blocks.sort();
    whole_blocks.sort();
    assert_eq!(blocks, whole_blocks, "each block runs in exactly one shard");

    let merged = Kata::new()
        .args(["report", "merge", "--format", "json"])
        .args(&reports)
        .run();
    merged.assert_code(1);
    assert!(!merged.stderr.contains("warning"), "{}", merged.stderr);
    assert_eq!(
        without_durations(merged.report().clone()),
        without_durations(whole.report().clone())
    );

    // A missing shard is warned about; the merge still happens.
    let partial = Kata::new()
        .args(["report", "merge", "--format", "json"])
        .args(&reports[..2])
        .run();
    partial.assert_stderr_contains("shard(s) 3/3 missing");
    partial.assert_summary_consistent();
}

/// Writes a JSON report to `dir/name` and returns its path.
fn write_report(dir: &Path, name: &str, report: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, report.to_string()).unwrap();
    path
}

fn report(shard: Option<(u64, u64)>, statuses: &[(&str, u64, &str)], errors: Value) -> Value {
    let results: Vec<Value> = statuses
        .iter()
        .map(|(file, line, status)| {
            json!({"file": file, "line": line, "kind": "smoke", "status": status,
                   "message": "", "expected": null, "actual": null, "duration_ms": 5})
        })
        .collect();
    let mut report = json!({
        "version": 1,
        "summary": {"total": results.len(), "pass": 0, "fail": 0, "error": 0, "timeout": 0,
                    "crash": 0, "skip": 0, "duration_ms": 40},
        "results": results,
        "errors": errors,
    });
    if let Some((index, count)) = shard {
        report["shard"] = json!({"index": index, "count": count});
    }
    report
}

#[test]
fn merge_exit_codes_and_bad_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let pass_a = write_report(
        dir,
        "a.json",
        &report(Some((1, 2)), &[("b.md", 3, "pass")], json!([])),
    );
    let pass_b = write_report(
        dir,
        "b.json",
        &report(
            Some((2, 2)),
            &[("a.md", 9, "skip"), ("a.md", 2, "pass")],
            json!([]),
        ),
    );
    let fail = write_report(
        dir,
        "fail.json",
        &report(None, &[("c.md", 1, "timeout")], json!([])),
    );
    let broken = write_report(
        dir,
        "broken.json",
        &report(
            None,
            &[],
            json!([{"file": "d.md", "line": null, "message": "cannot read it"}]),
        ),
    );
    let merge = |paths: &[&Path]| {
        Kata::new()
            .args(["report", "merge", "--format", "json"])
            .args(paths)
            .run()
    };

    let ok = merge(&[&pass_a, &pass_b]);
    ok.assert_code(0).assert_summary_consistent();
    let order: Vec<(String, u64)> = ok
        .results()
        .iter()
        .map(|r| {
            (
                r["file"].as_str().unwrap().to_owned(),
                r["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        order,
        [("a.md".into(), 2), ("a.md".into(), 9), ("b.md".into(), 3)]
    );
    assert_eq!(ok.report()["summary"]["duration_ms"], 40);
    assert!(ok.report().get("shard").is_none());
    ok.assert_stderr_contains("2 passed, 0 failed, 1 skipped (3 blocks in 2 files");

    merge(&[&pass_a, &pass_b, &fail]).assert_code(1);
    let with_errors = merge(&[&broken, &fail, &broken]);
    with_errors.assert_code(2);
    assert_eq!(
        with_errors.errors().len(),
        1,
        "identical errors are kept once"
    );

    let duplicated = merge(&[&pass_a, &pass_a, &pass_b]);
    duplicated
        .assert_code(0)
        .assert_stderr_contains("shard 1/2 appears 2 times")
        .assert_stderr_contains("1 block result(s) appear in more than one report");

    let not_json = dir.join("notes.txt");
    std::fs::write(&not_json, "hello").unwrap();
    let foreign = write_report(dir, "foreign.json", &json!({"tests": 3}));
    let future = write_report(dir, "future.json", &json!({"version": 2, "results": []}));
    let odd_kind = write_report(
        dir,
        "odd.json",
        &json!({"version": 1, "summary": {"duration_ms": 1}, "errors": [],
                "results": [{"file": "a.md", "line": 1, "kind": "magic", "status": "pass",
                             "message": "", "expected": null, "actual": null, "duration_ms": 1}]}),
    );
    let bad_shard = write_report(dir, "bad-shard.json", &report(Some((4, 3)), &[], json!([])));
    let missing = dir.join("missing.json");
    for (bad, message) in [
        (&not_json, "is not a kata JSON report"),
        (&foreign, "is not a kata JSON report"),
        (&future, "is a version 2 report"),
        (&odd_kind, "unknown block kind `magic`"),
        (&bad_shard, "shard 4/3 is not K/N"),
        (&missing, "reading `"),
    ] {
        let output = merge(&[&pass_a, bad]);
        output
            .assert_code(2)
            .assert_stderr_contains(&bad.display().to_string())
            .assert_stderr_contains(message);
        assert_eq!(output.stdout, "");
    }
}

#[test]
fn merge_writes_junit_and_github_too() {
    let dir = tempfile::tempdir().unwrap();
    let a = write_report(
        dir.path(),
        "a.json",
        &report(None, &[("x.md", 3, "fail"), ("x.md", 8, "pass")], json!([])),
    );
    let github = Kata::new()
        .args(["report", "merge", "--format", "github"])
        .args([&a])
        .run();
    github.assert_code(1);
    assert_eq!(
        github.stdout,
        "::error file=x.md,line=3,title=FAIL (smoke)::\n"
    );
    let xml = dir.path().join("merged.xml");
    Kata::new()
        .args(["report", "merge", "--format", "junit", "--output"])
        .args([&xml])
        .args([&a])
        .run()
        .assert_code(1);
    let read = read_junit(&xml);
    assert_eq!(
        (read["tests"].as_u64(), read["failures"].as_u64()),
        (Some(2), Some(1))
    );
}
