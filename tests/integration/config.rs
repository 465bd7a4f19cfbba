//! Configuration files: `[tool.kata]` in `pyproject.toml` and `kata.toml`,
//! found from a subdirectory, and their precedence under flags and `KATA_*`.

use std::path::{Path, PathBuf};

use crate::util::{Kata, Output};

/// A temporary project: files written from `(relative path, contents)`.
struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new(files: &[(&str, &str)]) -> Project {
        let dir = tempfile::Builder::new()
            .prefix("kata-config-")
            .tempdir()
            .unwrap();
        for (path, contents) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, contents).unwrap();
        }
        std::fs::create_dir_all(dir.path().join("sub")).unwrap();
        Project { dir }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// `kata verify --format json ARGS...`, run from `sub/`.
    fn verify<const N: usize>(&self, args: [&str; N]) -> Kata {
        Kata::new()
            .args(["verify", "--format", "json"])
            .args(args)
            .current_dir(self.path("sub"))
    }
}

fn statuses(output: &Output, file: &str) -> Vec<String> {
    output
        .statuses_of(file)
        .into_iter()
        .map(|(_, status)| status)
        .collect()
}

const PYPROJECT: &str = r#"[project]
name = "example"

[tool.other]
anything = 1

[tool.kata]
paths = ["docs"]
exclude = ["docs/drafts/**"]
timeout = "1s"
jobs = 2
doctest_flags = ["NORMALIZE_WHITESPACE"]
setup = """
import os
ANSWER = 6 * 7
"""
env = { KATA_IT_GREETING = "hello from the config" }
pass_env = ["KATA_IT_PASSED"]
"#;

const GUIDE: &str = r#"# Guide

```python
print(ANSWER)
```

```output
42
```

```python
import os
print(os.environ["KATA_IT_GREETING"])
print(os.environ.get("KATA_IT_PASSED"), os.environ.get("KATA_IT_NOT_PASSED"))
```

```output
hello from the config
yes None
```

```pycon
>>> list(range(12))
[0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
 10, 11]
```
"#;

const SLOW: &str = "```python\nimport time\ntime.sleep(2)\n```\n";

fn pyproject_project() -> Project {
    Project::new(&[
        ("pyproject.toml", PYPROJECT),
        ("docs/guide.md", GUIDE),
        ("docs/slow.md", SLOW),
        (
            "docs/drafts/broken.md",
            "```python\nraise ValueError('excluded')\n```\n",
        ),
    ])
}

#[test]
fn pyproject_tool_kata_from_a_subdirectory() {
    let project = pyproject_project();
    let output = project
        .verify([])
        .env("KATA_IT_PASSED", "yes")
        .env("KATA_IT_NOT_PASSED", "no")
        .run();
    output.assert_code(1).assert_summary_consistent();
    // `paths`, relative to the configuration file; `exclude` left drafts out.
    let mut files: Vec<&str> = output
        .results()
        .iter()
        .map(|r| r["file"].as_str().unwrap())
        .collect();
    files.dedup();
    assert_eq!(files, ["../docs/guide.md", "../docs/slow.md"]);
    // `setup`, `env` and `pass_env`, `doctest_flags`.
    assert_eq!(
        statuses(&output, "../docs/guide.md"),
        ["pass", "pass", "pass"],
        "{}",
        output.stderr
    );
    // `timeout`.
    let slow = output.result_at("../docs/slow.md", 1);
    assert_eq!(slow["status"], "timeout");
    assert!(
        slow["message"].as_str().unwrap().contains("within 1s;"),
        "{slow}"
    );
}

#[test]
fn without_the_config_the_same_guide_fails() {
    let project = pyproject_project();
    let output = project.verify(["--no-config", "../docs/guide.md"]).run();
    output.assert_code(1);
    // No setup (NameError), no env (KeyError), no NORMALIZE_WHITESPACE.
    assert_eq!(
        statuses(&output, "../docs/guide.md"),
        ["error", "error", "fail"]
    );
}

#[test]
fn timeout_precedence_is_flag_then_env_then_file() {
    let project = pyproject_project();
    // The flag beats the file.
    let output = project
        .verify(["--timeout", "10s", "../docs/slow.md"])
        .run();
    assert_eq!(statuses(&output, "../docs/slow.md"), ["pass"]);
    // `KATA_TIMEOUT` beats the file.
    let output = project
        .verify(["../docs/slow.md"])
        .env("KATA_TIMEOUT", "10s")
        .run();
    assert_eq!(statuses(&output, "../docs/slow.md"), ["pass"]);
    // The flag beats `KATA_TIMEOUT` (and 1500ms is neither the file's 1s nor the env's).
    let output = project
        .verify(["--timeout", "1500ms", "../docs/slow.md"])
        .env("KATA_TIMEOUT", "10s")
        .run();
    let result = output.result_at("../docs/slow.md", 1);
    assert_eq!(result["status"], "timeout");
    assert!(
        result["message"].as_str().unwrap().contains("1s 500ms"),
        "{result}"
    );
}

#[test]
fn kata_toml_in_a_parent_directory_wins_over_pyproject() {
    let project = Project::new(&[
        ("kata.toml", "paths = [\"guides\"]\n"),
        ("pyproject.toml", "[tool.kata]\npaths = [\"missing\"]\n"),
        (
            "guides/a.md",
            "```python\nprint(1 + 1)\n```\n\n```output\n2\n```\n",
        ),
    ]);
    let output = project.verify([]).run();
    output.assert_code(0);
    assert_eq!(statuses(&output, "../guides/a.md"), ["pass"]);
}

#[test]
fn a_failing_setup_errors_every_block_of_the_file_with_its_traceback() {
    let project = Project::new(&[
        (
            "kata.toml",
            "paths = [\"guides\"]\n\nsetup = \"\"\"\nimport json\nimport kata_it_no_such_module\n\"\"\"\n",
        ),
        (
            "guides/a.md",
            "```python\nprint('never runs')\n```\n\n```python isolated\nx = 1\n```\n\n```pycon\n>>> 1 + 1\n2\n```\n",
        ),
    ]);
    let output = project.verify([]).run();
    output.assert_code(1).assert_summary_consistent();
    assert_eq!(
        statuses(&output, "../guides/a.md"),
        ["error", "error", "error"]
    );
    for result in output.results() {
        let message = result["message"].as_str().unwrap();
        assert!(
            message.contains("`setup` code of `../kata.toml` failed")
                && message.contains("ModuleNotFoundError"),
            "{message}"
        );
    }
    // The traceback names the configuration file and the line of the import.
    output
        .assert_stderr_contains("File \"../kata.toml\", line 5, in <module>")
        .assert_stderr_contains("    import kata_it_no_such_module");
    assert!(
        !output.stderr.contains("never runs"),
        "a block ran after its setup failed:\n{}",
        output.stderr
    );
}

#[test]
fn an_explicit_config_file_is_used_from_anywhere() {
    let project = pyproject_project();
    let elsewhere = tempfile::tempdir().unwrap();
    let config = project.path("pyproject.toml");
    let output = Kata::new()
        .args(["verify", "--format", "json", "--config"])
        .args([&config])
        .current_dir(elsewhere.path())
        .env("KATA_IT_PASSED", "yes")
        .run();
    output.assert_code(1);
    let guide = project.path("docs/guide.md");
    let guide = guide.to_str().unwrap();
    assert_eq!(statuses(&output, guide), ["pass", "pass", "pass"]);
}

#[test]
fn config_errors_name_the_key_file_and_line_and_exit_2() {
    let project = Project::new(&[
        (
            "kata.toml",
            "paths = [\"guides\"]\ntimeout = \"1s\"\nsetpu = \"x = 1\"\n",
        ),
        ("guides/a.md", "```python\nx = 1\n```\n"),
    ]);
    let output = project.verify([]).run();
    output
        .assert_code(2)
        .assert_stderr_contains("`../kata.toml`, line 3")
        .assert_stderr_contains("unknown field `setpu`");
    // `--no-config` ignores it.
    project
        .verify(["--no-config", "../guides/a.md"])
        .run()
        .assert_code(0);

    std::fs::write(project.path("kata.toml"), "doctest_flags = [\"ELIPSIS\"]\n").unwrap();
    project
        .verify([])
        .run()
        .assert_code(2)
        .assert_stderr_contains("unknown doctest flag `ELIPSIS`");

    let missing = Path::new("no-such-kata.toml");
    project
        .verify(["--config", missing.to_str().unwrap()])
        .run()
        .assert_code(2)
        .assert_stderr_contains("cannot read the configuration file `no-such-kata.toml`");
}
