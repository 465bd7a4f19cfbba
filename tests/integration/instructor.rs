//! `kata new` and `kata check`: a scaffold is a valid kata, and each kind
//! of broken kata in `tests/fixtures/katas-check/check/` is flagged with a
//! `file:line: message` line.

use crate::util::Kata;

const FIXTURES: &str = "tests/fixtures/katas-check/check";

#[test]
fn a_new_kata_passes_check_and_its_starter_fails() {
    let dir = tempfile::tempdir().unwrap();
    Kata::new()
        .current_dir(dir.path())
        .args(["new", "x/y", "--level", "senior", "--title", "Why"])
        .run()
        .assert_code(0);
    let toml = std::fs::read_to_string(dir.path().join("katas/x/y/kata.toml")).unwrap();
    assert!(toml.contains("level = \"senior\"") && toml.contains("title = \"Why\""));
    let output = Kata::new()
        .current_dir(dir.path())
        .args(["check", "katas/x/y"])
        .run();
    output.assert_code(0);
    assert!(
        output
            .stdout
            .contains("ok     katas/x/y solution passes 3 tests x3, starter fails 2 of 2 public tests (as it should)"),
        "{}",
        output.stdout
    );
    // Never overwrites.
    let again = Kata::new()
        .current_dir(dir.path())
        .args(["new", "x/y"])
        .run();
    again.assert_code(2);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("katas/x/y/kata.toml")).unwrap(),
        toml
    );
}

#[test]
fn new_refuses_bad_names() {
    let dir = tempfile::tempdir().unwrap();
    let output = Kata::new()
        .current_dir(dir.path())
        .args(["new", "retry"])
        .run();
    output.assert_code(2);
    assert!(output.stderr.contains("TOPIC/SLUG"), "{}", output.stderr);
}

#[test]
fn check_flags_each_broken_fixture() {
    let output = Kata::new().args(["check", FIXTURES]).run();
    output.assert_code(1);
    let out = &output.stdout;
    let expected = [
        "solution-fails/test_public.py:4: error: the solution fails test_the_example: fail (the assert failed): assert 4 == 6",
        "solution-fails/test_hidden.py:4: error: the solution fails test_negative_and_odd_numbers",
        "starter-passes/starter.py: error: the starter passes every public test (2)",
        "missing-hint/kata.toml:7: error: no hints",
        "malformed-toml/kata.toml:4: error: unknown variant `expert`",
        "readme-fails/README.md:20: error: the example at line 15 does not verify (fail)",
        "stray-file/notes.txt: error: stray file",
        "slow-solution/test_hidden.py:8: error: the solution takes",
        "ok     tests/fixtures/katas-check/check/good ",
        "9 katas checked: 1 ok, 8 broken.",
    ];
    for line in expected {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
    let flaky: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("flaky-test/test_hidden.py:") && l.contains(" is flaky: "))
        .collect();
    assert!(!flaky.is_empty(), "no flaky test named in:\n{out}");
    for line in out.lines().filter(|l| l.contains(": error: ")) {
        let location = line.split(": error: ").next().unwrap();
        assert!(
            location.starts_with(FIXTURES),
            "not a file location: {line}"
        );
    }
}

#[test]
fn a_hint_alone_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    Kata::new()
        .current_dir(dir.path())
        .args(["new", "x/one-hint"])
        .run()
        .assert_code(0);
    let toml = dir.path().join("katas/x/one-hint/kata.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    let text = text.replace(
        "    \"`n % 2 == 0` is true for even numbers; `sum()` adds up any iterable.\",\n",
        "",
    );
    std::fs::write(&toml, text).unwrap();
    let output = Kata::new().current_dir(dir.path()).args(["check"]).run();
    output.assert_code(0);
    assert!(
        output
            .stdout
            .contains("katas/x/one-hint/kata.toml:7: warning: only one hint"),
        "{}",
        output.stdout
    );
}
