//! Guide examples served as katas (`exercise` directive): the stub fails
//! with feedback from the guide's own checks, the guide's code passes, and
//! broken exercises are reported.

use std::path::Path;

use crate::util::{Kata, repo_root};

fn kata(workspace: &Path, args: &[&str]) -> crate::util::Output {
    Kata::new()
        .args(args.iter().copied())
        .args(["--color", "never"])
        .env("KATA_WORKSPACE", workspace)
        .env("KATA_KATAS", workspace.join("no-katas"))
        .run()
}

/// The model answers of `tests/fixtures/exercises/guide.md`, in order.
const ANSWERS: &[(&str, &str, &str)] = &[
    (
        "practice/double",
        "double.py",
        "def double(x):\n    return 2 * x\n",
    ),
    (
        "practice/area",
        "area.py",
        "def area(r):\n    return 3 * r * r\n\nprint(area(2))\n",
    ),
    (
        "practice/fetch",
        "fetch.py",
        "import asyncio\n\nasync def fetch(n):\n    await asyncio.sleep(0)\n    return n * 10\n",
    ),
    (
        "practice/counter",
        "counter.py",
        "class Counter:\n    def __init__(self):\n        self.count = 0\n\n    def add(self, n=1):\n        self.count += n\n        return self\n",
    ),
    (
        "practice/shout",
        "shout.py",
        "def shout(text):\n    return text.upper() + \"!\"\n",
    ),
];

#[test]
fn every_kind_of_exercise_is_served_fails_as_a_stub_and_passes_when_solved() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("no-katas")).unwrap();
    let guide = repo_root().join("tests/fixtures/exercises/guide.md");
    let guide = guide.to_str().unwrap();
    for (id, file, answer) in ANSWERS {
        // Each run of the guide serves its first unsolved exercise.
        let stub = kata(dir.path(), &["run", guide]);
        stub.assert_code(1);
        assert!(
            stub.stdout.contains(id),
            "{id} not served:\n{}",
            stub.stdout
        );
        assert!(stub.stdout.contains("✗"), "{}", stub.stdout);
        let learner = dir.path().join("practice").join(file);
        let starter = std::fs::read_to_string(&learner).unwrap();
        assert!(starter.contains("raise NotImplementedError"), "{starter}");
        std::fs::write(&learner, answer).unwrap();
        let solved = kata(dir.path(), &["run", id]);
        solved.assert_code(0);
        assert!(solved.stdout.contains("All "), "{}", solved.stdout);
    }
    let list = kata(dir.path(), &["list", "practice"]);
    list.assert_code(0);
    assert!(list.stdout.contains("5 of"), "{}", list.stdout);
    assert!(list.stdout.contains("exercise from"), "{}", list.stdout);
}

#[test]
fn stubs_keep_signatures_docstrings_async_and_classes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("no-katas")).unwrap();
    let guide = repo_root().join("tests/fixtures/exercises/guide.md");
    let guide = guide.to_str().unwrap();
    // The first run remembers the guide; then each exercise is named.
    kata(dir.path(), &["run", guide]);
    for (id, _, _) in ANSWERS {
        kata(dir.path(), &["run", id]);
    }
    let read =
        |file: &str| std::fs::read_to_string(dir.path().join("practice").join(file)).unwrap();
    assert_eq!(
        read("double.py"),
        "def double(x):\n    \"\"\"Twice x.\"\"\"\n    raise NotImplementedError(\"write double\")\n"
    );
    assert!(read("area.py").contains("    # your code here\n    raise NotImplementedError"));
    assert!(read("area.py").contains("print(area(2))"));
    assert!(read("fetch.py").contains("async def fetch(n):\n    raise NotImplementedError"));
    let counter = read("counter.py");
    assert!(
        counter
            .contains("class Counter:\n    def __init__(self):\n        raise NotImplementedError"),
        "{counter}"
    );
    assert!(
        counter.contains("    def add(self, n=1):\n        raise NotImplementedError"),
        "{counter}"
    );
}

#[test]
fn hidden_cases_and_hints_come_from_the_guide() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("no-katas")).unwrap();
    let guide = repo_root().join("tests/fixtures/exercises/guide.md");
    kata(dir.path(), &["run", guide.to_str().unwrap()]).assert_code(1);
    // Right for the shown case only: the hidden checks catch it.
    std::fs::write(
        dir.path().join("practice/double.py"),
        "def double(x):\n    return 42\n",
    )
    .unwrap();
    let run = kata(dir.path(), &["run", "practice/double"]);
    run.assert_code(1);
    assert!(run.stdout.contains("hidden check"), "{}", run.stdout);
    let hint = kata(dir.path(), &["hint", "practice/double"]);
    assert!(hint.stdout.contains("multiply by two"), "{}", hint.stdout);
}

#[test]
fn broken_exercises_are_reported_by_check_and_run() {
    let broken = repo_root().join("tests/fixtures/exercises/broken.md");
    let check = Kata::new()
        .args(["check", "--color", "never"])
        .args([broken.as_os_str()])
        .run();
    check.assert_code(1);
    for needle in [
        "broken.md:3: error: `# begin solution` on line 2 of the example has no partner",
        "broken.md:13: error: exercise `lonely` has nothing to test",
        "broken.md:20: error: exercise broken/weak: the stub passes every check",
    ] {
        assert!(
            check.stdout.contains(needle),
            "missing `{needle}` in:\n{}",
            check.stdout
        );
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("no-katas")).unwrap();
    let run = kata(dir.path(), &["run", broken.to_str().unwrap()]);
    run.assert_code(2);
    assert!(run.stderr.contains("has no partner"), "{}", run.stderr);
}

/// Issue 8's acceptance: the seed guide's `deep_flatten` example, marked as
/// an exercise with one doctest added, is served from that file.
#[test]
fn the_seed_guides_deep_flatten_becomes_an_exercise() {
    let seed = repo_root().join("../shared/seeds/000_f4297a9edecc744d.txt");
    let Ok(text) = std::fs::read_to_string(&seed) else {
        eprintln!("note: {} is not there; skipped", seed.display());
        return;
    };
    let text = text.replacen(
        "```python\ndef deep_flatten",
        "```python exercise\ndef deep_flatten",
        1,
    );
    let end = text.find("yield item\n```\n").expect("the example") + "yield item\n```\n".len();
    let text = format!(
        "{}\n```pycon\n>>> list(deep_flatten([1, [2, (3, [4])], 5]))\n[1, 2, 3, 4, 5]\n```\n{}",
        &text[..end],
        &text[end..]
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("no-katas")).unwrap();
    let guide = dir.path().join("guide.md");
    std::fs::write(&guide, text).unwrap();
    let stub = kata(dir.path(), &["run", guide.to_str().unwrap()]);
    stub.assert_code(1);
    assert!(
        stub.stdout
            .contains("NotImplementedError: write deep_flatten"),
        "{}",
        stub.stdout
    );
    std::fs::write(
        dir.path().join("guide/deep-flatten.py"),
        "def deep_flatten(iterable):\n    for item in iterable:\n        if isinstance(item, (list, tuple)):\n            yield from deep_flatten(item)\n        else:\n            yield item\n",
    )
    .unwrap();
    kata(dir.path(), &["run"]).assert_code(0);
}
