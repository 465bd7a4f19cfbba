//! The learner's commands (`kata list`, `run`, `hint`, `solution`, `reset`)
//! on the fixture katas of `tests/fixtures/katas/`, each test in its own
//! temporary copy of them and its own workspace:
//!
//! - `basics/tokens`: list and string comparisons, `kata.raises`, hints, a
//!   hidden test;
//! - `feedback/answer`: one test (`answer() == 42`, time limit 1s) that the
//!   tests below answer with learner files that fail in every way there is;
//! - `asyncio/bounded-gather`: `async def` tests awaiting the learner's
//!   coroutines, with `kata.ConcurrencyProbe`.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{Kata, Output, repo_root};

/// A copy of the fixture katas and an empty workspace.
struct Practice {
    dir: tempfile::TempDir,
}

impl Practice {
    fn new() -> Practice {
        let dir = tempfile::Builder::new()
            .prefix("kata-practice-it-")
            .tempdir()
            .unwrap();
        copy_dir(
            &repo_root().join("tests/fixtures/katas"),
            &dir.path().join("katas"),
        );
        Practice { dir }
    }

    fn katas(&self) -> PathBuf {
        self.dir.path().join("katas")
    }

    fn workspace(&self) -> PathBuf {
        self.dir.path().join("ws")
    }

    /// `kata ARGS --katas ... --workspace ... --color never`.
    #[track_caller]
    fn kata(&self, args: &[&str]) -> Output {
        Kata::new()
            .args(args)
            .arg_path("--katas", &self.katas())
            .arg_path("--workspace", &self.workspace())
            .args(["--color", "never"])
            .run()
    }

    /// The learner's file of `topic/slug`.
    fn learner_file(&self, id: &str) -> PathBuf {
        self.workspace().join(format!("{id}.py"))
    }

    fn write(&self, id: &str, code: &str) {
        let path = self.learner_file(id);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, code).unwrap();
    }

    /// A file of a kata (of this copy).
    fn kata_file(&self, id: &str, name: &str) -> String {
        std::fs::read_to_string(self.katas().join(id).join(name)).unwrap()
    }

    fn progress(&self) -> Value {
        let path = self.workspace().join(".kata/progress.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("reading {}: {err}", path.display()));
        serde_json::from_str(&text).unwrap()
    }

    /// `kata run ID --format json`, the learner's file set to `code`.
    #[track_caller]
    fn run_json(&self, id: &str, code: &str) -> Output {
        self.write(id, code);
        self.kata(&["run", id, "--format", "json"])
    }

    /// `kata run ID`, the learner's file set to `code`.
    #[track_caller]
    fn run(&self, id: &str, code: &str) -> Output {
        self.write(id, code);
        self.kata(&["run", id])
    }
}

trait ArgPath {
    fn arg_path(self, flag: &str, path: &Path) -> Self;
}

impl ArgPath for Kata {
    fn arg_path(self, flag: &str, path: &Path) -> Kata {
        self.args([std::ffi::OsStr::new(flag), path.as_os_str()])
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn fixture(id: &str, name: &str) -> String {
    std::fs::read_to_string(repo_root().join("tests/fixtures/katas").join(id).join(name)).unwrap()
}

#[track_caller]
fn assert_contains(output: &Output, needles: &[&str]) {
    for needle in needles {
        assert!(
            output.stdout.contains(needle),
            "stdout does not contain {needle:?}\nstdout:\n{}\nstderr:\n{}",
            output.stdout,
            output.stderr
        );
    }
}

#[track_caller]
fn assert_lacks(output: &Output, needles: &[&str]) {
    for needle in needles {
        assert!(
            !output.stdout.contains(needle),
            "stdout contains {needle:?}\nstdout:\n{}",
            output.stdout
        );
    }
}

/// The Exercism results.json (v3) of a run, checked for shape: `version`,
/// `status` and `tests[]` with `name`, `status`, `test_code` (and `message`
/// exactly when a test did not pass). Returns it.
#[track_caller]
fn exercism(output: &Output) -> &Value {
    let report = output.report();
    let object = report.as_object().expect("an object");
    for key in object.keys() {
        assert!(
            ["version", "status", "message", "tests"].contains(&key.as_str()),
            "unknown key {key} in {report}"
        );
    }
    assert_eq!(report["version"], 3, "{report}");
    let status = report["status"].as_str().expect("status");
    assert!(["pass", "fail", "error"].contains(&status), "{report}");
    let tests = report["tests"].as_array().expect("tests[]");
    for test in tests {
        assert!(test["name"].is_string(), "{test}");
        assert!(test["test_code"].is_string(), "{test}");
        let status = test["status"].as_str().expect("a test's status");
        assert!(["pass", "fail", "error"].contains(&status), "{test}");
        assert_eq!(
            test["message"].is_string(),
            status != "pass",
            "message exactly when a test did not pass: {test}"
        );
    }
    match status {
        "pass" => {
            assert!(tests.iter().all(|t| t["status"] == "pass"), "{report}");
            output.assert_code(0);
        }
        "fail" => {
            assert!(tests.iter().any(|t| t["status"] != "pass"), "{report}");
            output.assert_code(1);
        }
        _ => {
            assert!(
                report["message"].as_str().is_some_and(|m| !m.is_empty()),
                "an error says why: {report}"
            );
            output.assert_code(1);
        }
    }
    report
}

/// The `message` of test `name` in an Exercism report.
#[track_caller]
fn message_of<'a>(report: &'a Value, name: &str) -> &'a str {
    report["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no test {name} in {report}"))["message"]
        .as_str()
        .unwrap_or_else(|| panic!("test {name} has no message: {report}"))
}

#[test]
fn a_topic_in_an_empty_directory_starts_a_workspace_and_is_solved() {
    let practice = Practice::new();
    let home = practice.dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let in_home = |args: &[&str]| {
        Kata::new()
            .args(args)
            .arg_path("--katas", &practice.katas())
            .args(["--color", "never"])
            .current_dir(&home)
            .run()
    };

    let first = in_home(&["run", "basics"]);
    first.assert_code(1);
    let file = home.join("kata-practice/basics/tokens.py");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        fixture("basics/tokens", "starter.py"),
        "the learner's file starts as the starter"
    );
    assert_contains(
        &first,
        &[
            "basics/tokens — Count words and report them",
            "Write three small functions",
            "Edit kata-practice/basics/tokens.py",
            "✓ pass    test_empty_text_has_no_tokens",
            "✗ fail    test_tokens_are_lower_case",
            "1 of 5 tests pass.",
        ],
    );
    assert_lacks(&first, &["test_secret_hidden_check"]);
    let progress: Value = serde_json::from_str(
        &std::fs::read_to_string(home.join("kata-practice/.kata/progress.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(progress["katas"]["basics/tokens"]["attempts"], 1);
    assert_eq!(progress["katas"]["basics/tokens"]["solved"], false);

    std::fs::write(&file, fixture("basics/tokens", "solution.py")).unwrap();
    let solved = in_home(&["run", "basics/tokens"]);
    solved.assert_code(0);
    assert_contains(&solved, &["All 5 tests pass.", "Solved!"]);
    assert_lacks(&solved, &["Write three small functions"]);
    let progress: Value = serde_json::from_str(
        &std::fs::read_to_string(home.join("kata-practice/.kata/progress.json")).unwrap(),
    )
    .unwrap();
    let entry = &progress["katas"]["basics/tokens"];
    assert_eq!(entry["solved"], true, "{progress}");
    assert_eq!(entry["attempts"], 2, "{progress}");
    assert!(entry["content_hash"].is_string(), "{progress}");

    let list = in_home(&["list"]);
    list.assert_code(0);
    let line = list
        .stdout
        .lines()
        .find(|l| l.contains("basics/tokens"))
        .expect("basics/tokens is listed");
    assert!(line.contains("solved") && line.contains("2 runs"), "{line}");
    assert_contains(&list, &["1 of 3 katas solved."]);

    // From inside the workspace, the workspace is found, not created again.
    let inside = Kata::new()
        .args(["list", "basics"])
        .arg_path("--katas", &practice.katas())
        .args(["--color", "never"])
        .current_dir(home.join("kata-practice/basics"))
        .run();
    inside.assert_code(0);
    assert_contains(&inside, &["solved"]);
    assert!(!home.join("kata-practice/basics/kata-practice").exists());
}

#[test]
fn a_failed_comparison_shows_expected_actual_and_a_diff() {
    let practice = Practice::new();
    let output = practice.run("basics/tokens", &fixture("basics/tokens", "starter.py"));
    output.assert_code(1);
    assert_contains(
        &output,
        &[
            "test_tokens_are_lower_case (test_public.py:9): the assert failed",
            "--> test_public.py:11",
            "expected: ['the', 'quick', 'brown', 'fox', 'jumps', 'over', 'the', 'lazy', 'dog']",
            "actual:   ['The', 'Quick', 'brown', 'Fox', 'jumps', 'over', 'The', 'lazy', 'dog']",
            "--- expected",
            "+++ actual",
            "-['the',",
            "+['The',",
            "- 'fox',",
            "+ 'Fox',",
            "hint: Words differing only by case are the same word: lower-case them.",
        ],
    );

    // Every failure, not just the first, in the JSON report.
    let output = practice.kata(&["run", "basics/tokens", "--format", "json"]);
    let report = exercism(&output);
    assert_eq!(report["status"], "fail");
    let text = message_of(report, "test_report_ranks_by_count");
    for needle in [
        r"expected: 'the: 3\nfox: 2\nant: 1\ndog: 1'",
        r"actual:   'dog: 1\nthe: 3\nant: 1\nfox: 2'",
        "--- expected",
        "+++ actual",
        "\n    +dog: 1\n",
        "\n    -dog: 1",
        "\n     the: 3\n",
    ] {
        assert!(text.contains(needle), "{needle:?} not in:\n{text}");
    }
}

#[test]
fn kata_helper_failures_say_what_went_wrong() {
    let practice = Practice::new();
    let id = "basics/tokens";
    let solution = fixture(id, "solution.py");
    let check = "raise ValueError(f\"{n} is not positive\")";
    assert!(solution.contains(check));

    // Nothing raised: the headline says so and points at the `with` line,
    // not at the helper's internals.
    let output = practice.run(id, &solution.replace(check, "pass"));
    output.assert_code(1);
    assert_contains(
        &output,
        &[
            "✗ fail    test_positive_rejects_zero",
            "test_positive_rejects_zero (test_public.py:21): expected ValueError to be raised, but nothing was raised\n  --> test_public.py:22\n",
        ],
    );
    assert_lacks(&output, &["contextlib", "kata.py", "the assert failed"]);

    let report_of = |code: &str| exercism(&practice.run_json(id, code)).clone();
    let report = report_of(&solution.replace(check, "raise ValueError(\"bad number\")"));
    assert_eq!(
        message_of(&report, "test_positive_rejects_zero"),
        "ValueError was raised, but its message 'bad number' does not contain 'not positive'\n  --> test_public.py:22"
    );
    assert_eq!(
        message_of(&report, "test_positive_message_names_the_number"),
        "ValueError was raised, but its message 'bad number' does not contain '-5 is not positive'\n  --> test_public.py:27"
    );

    // Another exception passes through kata.raises as the error it is.
    let report = report_of(&solution.replace(check, "raise TypeError(\"no\")"));
    assert_eq!(report["tests"][3]["name"], "test_positive_rejects_zero");
    assert_eq!(report["tests"][3]["status"], "error", "{report}");
    let text = message_of(&report, "test_positive_rejects_zero");
    assert!(text.starts_with("TypeError: no"), "{text}");
    assert!(text.contains("line 15, in positive"), "{text}");
}

#[test]
fn a_syntax_error_names_the_file_and_line() {
    let practice = Practice::new();
    let output = practice.run("feedback/answer", "def answer():\n    return 41 +\n");
    output.assert_code(1);
    let file = practice.learner_file("feedback/answer");
    let location = format!("{}:2", file.display());
    assert_contains(
        &output,
        &[
            "could not be loaded: SyntaxError",
            &location,
            "No test could run.",
        ],
    );
    assert_lacks(&output, &["✓ pass"]);

    let output = practice.kata(&["run", "feedback/answer", "--format", "json"]);
    let report = exercism(&output);
    assert_eq!(report["status"], "error");
    assert_eq!(report["tests"], serde_json::json!([]));
    let message = report["message"].as_str().unwrap();
    assert!(message.contains("SyntaxError"), "{message}");
    assert!(message.contains(&location), "{message}");
}

#[test]
fn an_import_error_is_an_exercism_error() {
    let practice = Practice::new();
    let output = practice.run_json("feedback/answer", "import no_such_module_here\n");
    let report = exercism(&output);
    assert_eq!(report["status"], "error");
    let message = report["message"].as_str().unwrap();
    assert!(message.contains("ModuleNotFoundError"), "{message}");
    assert!(message.contains("no_such_module_here"), "{message}");
}

#[test]
fn an_exception_in_the_learner_code_is_an_error_with_its_traceback() {
    let practice = Practice::new();
    let output = practice.run(
        "feedback/answer",
        "def answer():\n    table = {}\n    return table[\"missing\"]\n",
    );
    output.assert_code(1);
    let file = practice.learner_file("feedback/answer");
    assert_contains(
        &output,
        &[
            "✗ error   test_answer_is_42",
            "test_answer_is_42 (test_public.py:4): KeyError: 'missing'",
            &format!("File \"{}\", line 3, in answer", file.display()),
            "hint: The answer to everything is 42.",
            "0 of 1 tests pass.",
        ],
    );
    assert_lacks(&output, &["kata_harness.py", "kata_tests.py"]);
    let report = exercism(&practice.kata(&["run", "feedback/answer", "--format", "json"])).clone();
    assert_eq!(report["tests"][0]["status"], "error");
}

#[test]
fn an_endless_loop_times_out_at_the_kata_limit() {
    let practice = Practice::new();
    let output = practice.run(
        "feedback/answer",
        "def answer():\n    while True:\n        pass\n",
    );
    output.assert_code(1);
    assert_contains(
        &output,
        &[
            "✗ timeout test_answer_is_42",
            "did not finish within 1s (the time limit)",
        ],
    );
    assert!(
        output.elapsed < std::time::Duration::from_secs(10),
        "took {:?}",
        output.elapsed
    );
    assert_eq!(
        practice.progress()["katas"]["feedback/answer"]["solved"],
        false
    );
}

#[test]
fn a_crash_is_a_crash_with_its_signal_or_status() {
    let practice = Practice::new();
    let segfault = practice.run(
        "feedback/answer",
        "import ctypes\n\ndef answer():\n    ctypes.string_at(0)\n    return 42\n",
    );
    segfault.assert_code(1);
    assert_contains(&segfault, &["✗ crash   test_answer_is_42", "SIGSEGV"]);
    let report = exercism(&practice.kata(&["run", "feedback/answer", "--format", "json"])).clone();
    assert_eq!(report["tests"][0]["status"], "error");

    let exit = practice.run(
        "feedback/answer",
        "import os\n\ndef answer():\n    os._exit(3)\n",
    );
    exit.assert_code(1);
    assert_contains(&exit, &["✗ crash   test_answer_is_42", "status 3"]);
}

#[test]
fn async_tests_await_the_learner_coroutines() {
    let practice = Practice::new();
    let id = "asyncio/bounded-gather";
    let output = practice.run(id, &fixture(id, "starter.py"));
    output.assert_code(1);
    assert_contains(
        &output,
        &[
            "✓ pass    test_it_is_a_coroutine_function",
            "✓ pass    test_results_keep_the_order_of_the_items",
            "✗ fail    test_at_most_limit_run_at_once",
            "expected: 3",
            "actual:   1",
            "hint: Run up to `limit` workers at the same time, never more.",
        ],
    );

    // Not a coroutine function: awaiting its result is an error, not a hang.
    let output = practice.run_json(
        id,
        "def bounded_gather(items, worker, limit):\n    return [1]\n",
    );
    let report = exercism(&output);
    let statuses: Vec<&str> = report["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["fail", "error", "error"], "{report}");
    let text = message_of(report, "test_results_keep_the_order_of_the_items");
    assert!(
        text.contains("TypeError") && text.contains("await"),
        "{text}"
    );

    let output = practice.run(id, &fixture(id, "solution.py"));
    output.assert_code(0);
    assert_contains(&output, &["All 3 tests pass."]);
}

#[test]
fn hints_come_one_more_at_a_time_and_are_counted() {
    let practice = Practice::new();
    let id = "basics/tokens";
    let first = practice.kata(&["hint", id]);
    first.assert_code(0);
    assert_contains(&first, &["hint 1/3: First hint", "`kata hint` again"]);
    assert_lacks(&first, &["Second hint"]);
    assert_eq!(practice.progress()["katas"][id]["hints_used"], 1);

    let second = practice.kata(&["hint", id]);
    assert_contains(&second, &["hint 1/3: First hint", "hint 2/3: Second hint"]);
    assert_lacks(&second, &["Third hint"]);
    assert_eq!(practice.progress()["katas"][id]["hints_used"], 2);

    for _ in 0..2 {
        let all = practice.kata(&["hint", id]);
        all.assert_code(0);
        assert_contains(
            &all,
            &["hint 1/3: First", "hint 2/3: Second", "hint 3/3: Third"],
        );
        assert_lacks(&all, &["again"]);
        assert_eq!(practice.progress()["katas"][id]["hints_used"], 3);
    }
    // `kata hint` with no kata named: the current one.
    let current = practice.kata(&["hint"]);
    assert_contains(&current, &["hint 3/3: Third"]);

    let list = practice.kata(&["list", "basics"]);
    assert_contains(&list, &["3 hints"]);
}

#[test]
fn reset_puts_the_starter_back() {
    let practice = Practice::new();
    let id = "basics/tokens";
    practice.write(id, "# my work\n");
    let output = practice.kata(&["reset", id]);
    output.assert_code(0);
    assert_contains(&output, &["is back to the starter code"]);
    assert_eq!(
        std::fs::read_to_string(practice.learner_file(id)).unwrap(),
        fixture(id, "starter.py")
    );
    // By slug alone too, and for a kata never started.
    practice.kata(&["reset", "answer"]).assert_code(0);
    assert_eq!(
        std::fs::read_to_string(practice.learner_file("feedback/answer")).unwrap(),
        fixture("feedback/answer", "starter.py")
    );
    let unknown = practice.kata(&["reset", "nope"]);
    assert_eq!(unknown.code, Some(2), "{unknown:?}");
}

#[test]
fn the_solution_opens_once_solved_or_on_giving_up() {
    let practice = Practice::new();
    let id = "basics/tokens";
    let solution = fixture(id, "solution.py");
    let refused = practice.kata(&["solution", id]);
    refused.assert_code(1);
    assert_contains(
        &refused,
        &["opens once basics/tokens is solved", "--give-up"],
    );
    assert_lacks(&refused, &["ranked = sorted"]);

    practice.run(id, &solution).assert_code(0);
    let shown = practice.kata(&["solution", id]);
    shown.assert_code(0);
    assert_contains(
        &shown,
        &["Model answer for basics/tokens", solution.trim_end()],
    );
    let entry = &practice.progress()["katas"][id];
    assert_eq!(entry["solution_viewed"], true);
    assert_eq!(entry["gave_up"], false);

    let given_up = practice.kata(&["solution", "feedback/answer", "--give-up"]);
    given_up.assert_code(0);
    assert_contains(&given_up, &["return 42"]);
    let entry = &practice.progress()["katas"]["feedback/answer"];
    assert_eq!(entry["gave_up"], true);
    assert_eq!(entry["solution_viewed"], true);
    assert_eq!(entry["solved"], false);
    let list = practice.kata(&["list", "feedback"]);
    assert_contains(&list, &["gave up"]);
}

#[test]
fn progress_persists_and_a_changed_kata_is_checked_again() {
    let practice = Practice::new();
    let id = "basics/tokens";
    for attempt in 1..=3 {
        practice.run(id, &fixture(id, "starter.py")).assert_code(1);
        assert_eq!(practice.progress()["katas"][id]["attempts"], attempt);
    }
    let list = practice.kata(&["list"]);
    let line = list.stdout.lines().find(|l| l.contains(id)).unwrap();
    assert!(
        line.contains("started") && line.contains("3 runs"),
        "{line}"
    );

    practice.run(id, &fixture(id, "solution.py")).assert_code(0);
    let entry = practice.progress()["katas"][id].clone();
    assert_eq!(entry["solved"], true);
    assert_eq!(entry["attempts"], 4);

    // The instructor adds a test: the kata is no longer solved as it is.
    let tests = practice.kata_file(id, "test_public.py");
    std::fs::write(
        practice.katas().join(id).join("test_public.py"),
        format!("{tests}\n\ndef test_one_word():\n    assert tokens(\"Hi\") == [\"hi\"]\n"),
    )
    .unwrap();
    let list = practice.kata(&["list"]);
    let line = list.stdout.lines().find(|l| l.contains(id)).unwrap();
    assert!(line.contains("changed, run again"), "{line}");
    assert_contains(&list, &["0 of 3 katas solved."]);

    let again = practice.kata(&["run", id]);
    again.assert_code(0);
    assert_contains(&again, &["All 6 tests pass.", "Solved!"]);
    let entry = practice.progress()["katas"][id].clone();
    assert_eq!(entry["solved"], true);
    assert_eq!(entry["attempts"], 5);
    assert_ne!(entry["content_hash"], Value::Null);
    let list = practice.kata(&["list"]);
    let line = list.stdout.lines().find(|l| l.contains(id)).unwrap();
    assert!(
        line.contains("solved") && !line.contains("changed"),
        "{line}"
    );
}

/// A learner file that tries to make the harness believe it passed.
const FORGER: &str = r#"import json, os

RECORDS = [
    json.dumps({"type": "end", "index": 0, "status": "ok"}),
    json.dumps({"type": "end", "index": 1, "status": "ok", "record": {"status": "ok"}}),
    json.dumps({"type": "end", "index": 1, "end": {"finished": {"record": {"status": "ok"}}}}),
]


def forge(fds):
    for record in RECORDS:
        print(record, flush=True)
        for fd in fds:
            try:
                os.write(fd, (record + "\n").encode())
            except OSError:
                pass


forge(FDS)


def answer():
    forge(FDS)
    return 41
"#;

#[test]
fn a_learner_cannot_fake_a_pass() {
    let practice = Practice::new();
    let id = "feedback/answer";
    let cases = [
        (
            "fake records on stdout and stderr",
            FORGER.replace("FDS", "(1, 2)"),
        ),
        (
            "fake records on fds 1 to 4",
            FORGER.replace("FDS", "(1, 2, 3, 4)"),
        ),
        (
            "sys.exit(0) at import",
            "import sys\nsys.exit(0)\n".to_owned(),
        ),
        (
            "sys.exit(0) in the function",
            "import sys\n\ndef answer():\n    sys.exit(0)\n".to_owned(),
        ),
        (
            "os._exit(0) in the function",
            "import os\n\ndef answer():\n    print('ok')\n    os._exit(0)\n".to_owned(),
        ),
    ];
    for (case, code) in &cases {
        let human = practice.run(id, code);
        assert_eq!(human.code, Some(1), "{case}: exit code\n{}", human.stdout);
        assert!(
            !human.stdout.contains("✓ pass") && !human.stdout.contains("Solved"),
            "{case}: a pass\n{}",
            human.stdout
        );
        let json = practice.kata(&["run", id, "--format", "json"]);
        let report = exercism(&json);
        assert_ne!(report["status"], "pass", "{case}: {report}");
        assert_eq!(practice.progress()["katas"][id]["solved"], false, "{case}");
    }
    // What the learner's code prints is shown as printed, nothing more.
    let output = practice.run(id, &FORGER.replace("FDS", "(1, 2)"));
    assert_contains(
        &output,
        &["✗ fail    test_answer_is_42", "actual:   41", "printed:"],
    );

    let output = practice.run(id, "import sys\nsys.exit(0)\n");
    assert_contains(
        &output,
        &["could not be loaded: SystemExit(0)", "sys.exit()"],
    );
    let output = practice.run(id, "import sys\n\ndef answer():\n    sys.exit(0)\n");
    assert_contains(&output, &["✗ error   test_answer_is_42", "SystemExit(0)"]);
    let output = practice.run(id, "import os\n\ndef answer():\n    os._exit(0)\n");
    assert_contains(&output, &["✗ crash   test_answer_is_42", "status 0"]);
}

#[test]
fn the_json_report_is_exercism_results_v3() {
    let practice = Practice::new();
    let id = "basics/tokens";
    let output = practice.run_json(id, &fixture(id, "solution.py"));
    let report = exercism(&output);
    assert_eq!(report["status"], "pass");
    assert!(report.get("message").is_none(), "{report}");
    let tests = report["tests"].as_array().unwrap();
    let names: Vec<&str> = tests.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "test_empty_text_has_no_tokens",
            "test_tokens_are_lower_case",
            "test_report_ranks_by_count",
            "test_positive_rejects_zero",
            "test_positive_message_names_the_number",
        ],
        "public tests only, in file order"
    );
    assert_eq!(
        tests[0]["test_code"],
        "def test_empty_text_has_no_tokens():\n    assert tokens(\"\") == []"
    );
    assert!(
        tests[2]["test_code"].as_str().unwrap().ends_with(
            "assert report({\"dog\": 1, \"the\": 3, \"ant\": 1, \"fox\": 2}) == expected"
        ),
        "{}",
        tests[2]["test_code"]
    );
    // Nothing but the JSON document on stdout.
    assert!(output.stdout.trim_start().starts_with('{'));

    let output = practice.run_json(id, &fixture(id, "starter.py"));
    let report = exercism(&output);
    assert_eq!(report["status"], "fail");
    assert_eq!(report["tests"][0]["status"], "pass");
    assert_eq!(report["tests"][1]["status"], "fail");
}
