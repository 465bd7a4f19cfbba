//! `kata grade` on the fixture class (`tests/fixtures/grading/class/`): a
//! correct and a wrong submission, and one submission per cheat, each with
//! the verdict it must get. None of the cheats may pass.

use serde_json::Value;

use crate::util::Kata;

const KATA: &str = "tests/fixtures/grading/kata/grading/evens";
const CLASS: &str = "tests/fixtures/grading/class";

/// Student → expected submission status (and, for some, a test status
/// every test must have).
const EXPECTED: &[(&str, &str, Option<&str>)] = &[
    ("correct", "pass", Some("pass")),
    ("folder_student", "pass", Some("pass")),
    ("wrong", "partial", None),
    ("syntax_error", "error", Some("error")),
    ("hang", "fail", Some("timeout")),
    ("eq_always_true", "fail", Some("fail")),
    ("eq_subclass", "fail", Some("fail")),
    ("patch_builtins", "error", None),
    ("replace_tests", "fail", None),
    ("poison_modules", "fail", None),
    ("sys_exit_import", "error", None),
    ("os_exit_import", "error", None),
    ("os_exit_in_function", "fail", Some("crash")),
    ("sys_exit_in_function", "fail", Some("error")),
    ("base_exception", "fail", Some("error")),
    ("fake_records", "fail", None),
    ("read_tests", "fail", None),
    ("rewrite_tests", "fail", None),
    ("fork_outlives", "fail", None),
    ("huge_repr", "fail", None),
    ("forge_nonce", "error", None),
    ("forge_via_proc", "fail", Some("fail")),
    ("peek_tests_in_memory", "fail", Some("fail")),
    ("read_private_tests", "fail", Some("fail")),
    ("signal_kata", "fail", Some("fail")),
];

#[test]
fn every_submission_gets_its_verdict_and_the_outputs_agree() {
    let out = tempfile::tempdir().unwrap();
    let output = Kata::new()
        .args([
            "grade",
            KATA,
            CLASS,
            "--format",
            "csv,json,gradescope",
            "--out",
        ])
        .args([out.path()])
        .run();
    output.assert_code(1);
    let csv = std::fs::read_to_string(out.path().join("grades.csv")).unwrap();
    let mut rows = csv.lines();
    let header: Vec<&str> = rows.next().unwrap().split(',').collect();
    assert_eq!(
        header,
        [
            "student",
            "test_the_example",
            "test_nothing_adds_up_to_zero",
            "test_negative_and_odd_numbers",
            "total",
            "max",
            "status"
        ]
    );
    let rows: Vec<Vec<&str>> = rows.map(|r| r.split(',').collect()).collect();
    assert_eq!(rows.len(), EXPECTED.len(), "{csv}");
    for (student, status, test_status) in EXPECTED {
        let path = out.path().join(format!("results/{student}.json"));
        let json: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(json["status"], *status, "{student}: {json:#}");
        if *status != "pass" {
            assert!(json["score"].as_f64().unwrap() < 10.0, "{student} passed");
        }
        if let Some(test_status) = test_status {
            for test in json["tests"].as_array().unwrap() {
                assert_eq!(test["status"], *test_status, "{student}: {test}");
            }
        }
        for test in json["tests"].as_array().unwrap() {
            if test["hidden"] == true && test["status"] != "pass" && json["status"] != "error" {
                assert!(
                    test["message"]
                        .as_str()
                        .unwrap()
                        .starts_with("hidden test failed ("),
                    "{student}: {test}"
                );
            }
        }
        // The CSV row says what the JSON says.
        let row = rows.iter().find(|r| r[0] == *student).unwrap();
        let points: Vec<String> = json["tests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| format!("{}", t["points"].as_f64().unwrap()))
            .collect();
        let from_csv: Vec<String> = row[1..4]
            .iter()
            .map(|p| format!("{}", p.parse::<f64>().unwrap()))
            .collect();
        assert_eq!(points, from_csv, "{student}");
        assert_eq!(
            row[4].parse::<f64>().unwrap(),
            json["score"].as_f64().unwrap()
        );
        assert_eq!(row[6], json["status"].as_str().unwrap());
        let gradescope: Value = serde_json::from_slice(
            &std::fs::read(
                out.path()
                    .join(format!("gradescope/{student}/results.json")),
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(gradescope["score"], json["score"], "{student}");
    }
    let syntax: Value = serde_json::from_slice(
        &std::fs::read(out.path().join("results/syntax_error.json")).unwrap(),
    )
    .unwrap();
    assert!(
        syntax["error"].as_str().unwrap().contains("line 2"),
        "{syntax:#}"
    );
    // Points: `[test_points]` gives test_the_example 5, the rest is shared.
    let wrong = rows.iter().find(|r| r[0] == "wrong").unwrap();
    assert_eq!(wrong[1..6], ["0", "2.5", "0", "2.5", "10"]);
    // The original files are untouched by the rewriting cheat.
    let tests = std::fs::read_to_string(format!("{KATA}/test_public.py")).unwrap();
    assert!(tests.contains("def test_nothing_adds_up_to_zero"));
}

#[test]
fn a_rerun_skips_unchanged_submissions_unless_forced() {
    let out = tempfile::tempdir().unwrap();
    let class = format!("{CLASS}/correct.py");
    let grade = |force: bool| {
        let mut kata = Kata::new()
            .args(["grade", KATA, &class, "--out"])
            .args([out.path()]);
        if force {
            kata = kata.args(["--force"]);
        }
        kata.run()
    };
    grade(false)
        .assert_code(0)
        .assert_stderr_contains("1 graded now, 0 unchanged");
    grade(false)
        .assert_code(0)
        .assert_stderr_contains("0 graded now, 1 unchanged");
    grade(true)
        .assert_code(0)
        .assert_stderr_contains("1 graded now, 0 unchanged");
}

#[test]
fn shards_split_the_class_and_share_one_sheet() {
    let out = tempfile::tempdir().unwrap();
    for shard in ["1/2", "2/2"] {
        Kata::new()
            .args(["grade", KATA, CLASS, "--shard", shard, "--out"])
            .args([out.path()])
            .run();
    }
    let csv = std::fs::read_to_string(out.path().join("grades.csv")).unwrap();
    assert_eq!(csv.lines().count(), EXPECTED.len() + 1, "{csv}");
}

/// The same class against the same kata graded in-process
/// (`grading = "in-process"`): the tests share the submission's process, but
/// the submission still cannot reach kata (its own PID namespace, no
/// capabilities), so none of these cheats passes and the run completes.
/// What in-process grading cannot stop is in `known_bugs.rs`.
#[test]
fn in_process_grading_still_keeps_kata_out_of_reach() {
    const IN_PROCESS: &str = "tests/fixtures/grading/kata/grading/evens-in-process";
    const CHEATS: &[&str] = &[
        "correct",
        "eq_always_true",
        "patch_builtins",
        "fake_records",
        "forge_via_proc",
        "signal_kata",
        "fork_outlives",
        "os_exit_in_function",
    ];
    let out = tempfile::tempdir().unwrap();
    let mut kata = Kata::new().args(["grade", IN_PROCESS]);
    for student in CHEATS {
        kata = kata.args([format!("{CLASS}/{student}.py")]);
    }
    let output = kata.args(["--out"]).args([out.path()]).run();
    output.assert_code(1);
    for student in CHEATS {
        let path = out.path().join(format!("results/{student}.json"));
        let json: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let expected = if *student == "correct" {
            "pass"
        } else {
            "fail"
        };
        let status = json["status"].as_str().unwrap();
        if expected == "pass" {
            assert_eq!(status, "pass", "{student}: {json:#}");
        } else {
            assert_ne!(status, "pass", "{student}: {json:#}");
        }
    }
}

/// Every kata of the catalogue gives its own model answer full marks when
/// graded the way its kata.toml says (sealed or in-process), as root too.
#[test]
fn every_catalogue_solution_gets_full_marks() {
    let katas = std::fs::read_dir("katas").unwrap();
    let mut checked = 0;
    for topic in katas {
        for kata in std::fs::read_dir(topic.unwrap().path()).unwrap() {
            let dir = kata.unwrap().path();
            if !dir.join("kata.toml").is_file() {
                continue;
            }
            let out = tempfile::tempdir().unwrap();
            let output = Kata::new()
                .args(["grade"])
                .args([dir.clone(), dir.join("solution.py")])
                .args(["--out"])
                .args([out.path()])
                .run();
            output.assert_code(0);
            let json: Value = serde_json::from_slice(
                &std::fs::read(out.path().join("results/solution.json")).unwrap(),
            )
            .unwrap();
            assert_eq!(json["status"], "pass", "{}: {json:#}", dir.display());
            assert_eq!(json["score"], json["max_score"], "{}", dir.display());
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} katas found");
}

/// A test that starts a process of its own while the submission hangs: the
/// timeout ends both, and kata reaps everything and finishes (a dying PID
/// namespace init waits for its namespace's processes to be reaped, which
/// once deadlocked kata's final sweep).
#[test]
fn a_tests_own_process_and_a_hanging_submission_end_cleanly() {
    let out = tempfile::tempdir().unwrap();
    let output = Kata::new()
        .args([
            "grade",
            "tests/fixtures/grading/kata/grading/spawning",
            "tests/fixtures/grading/class/hang.py",
            "tests/fixtures/grading/class/correct.py",
            "--out",
        ])
        .args([out.path()])
        .run();
    output.assert_code(1);
    let hang: Value =
        serde_json::from_slice(&std::fs::read(out.path().join("results/hang.json")).unwrap())
            .unwrap();
    assert_eq!(hang["tests"][0]["status"], "timeout", "{hang:#}");
    let correct: Value =
        serde_json::from_slice(&std::fs::read(out.path().join("results/correct.json")).unwrap())
            .unwrap();
    assert_eq!(correct["status"], "pass", "{correct:#}");
}
