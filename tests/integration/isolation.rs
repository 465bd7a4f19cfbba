//! Nothing a block does reaches another file, the repository or the runner.

use crate::util::{Kata, guide, tree};

#[test]
fn files_do_not_see_each_others_changes() {
    let a = guide("isolation_a.md");
    let b = guide("isolation_b.md");
    // One worker: both sessions are forked from the same zygote, one after
    // the other. Two workers: in parallel.
    for jobs in ["1", "2"] {
        let output = Kata::new()
            .args(["verify", "--format", "json", "-j", jobs, &a, &b])
            .run();
        output.assert_code(0).assert_summary_consistent();
        for file in [&a, &b] {
            let statuses: Vec<String> = output
                .statuses_of(file)
                .into_iter()
                .map(|(_, s)| s)
                .collect();
            assert_eq!(
                statuses,
                ["pass", "pass", "pass"],
                "-j {jobs} {file}\n{}",
                output.stderr
            );
        }
    }
}

#[test]
fn many_files_on_one_worker_stay_isolated() {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for n in 0..6 {
        let path = dir.path().join(format!("file_{n}.md"));
        std::fs::write(
            &path,
            format!(
                "```python\nimport os, sys\nassert 'leaked' not in globals()\nassert 'KATA_LEAK' not in os.environ\nassert 'leaky' not in sys.modules\nleaked = {n}\nos.environ['KATA_LEAK'] = '{n}'\nsys.modules['leaky'] = sys\nprint(__name__)\n#> __main__\n```\n"
            ),
        )
        .unwrap();
        paths.push(path);
    }
    let output = Kata::new()
        .args(["verify", "--format", "json", "-j", "1"])
        .args(&paths)
        .run();
    output.assert_code(0);
    assert_eq!(output.results().len(), 6);
}

#[test]
fn blocks_see_a_minimal_environment() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("env.md");
    std::fs::write(
        &path,
        "```python\nimport os, sys\nassert 'KATA_IT_SECRET_TOKEN' not in os.environ, sorted(os.environ)\nassert sys.stdin.read() == ''\n```\n",
    )
    .unwrap();
    Kata::verify_json([&path])
        .env("KATA_IT_SECRET_TOKEN", "hunter2")
        .run()
        .assert_code(0);
}

/// A block that writes files with relative paths, climbs out of its working
/// directory and writes there, then `chdir`s to `/`: the directory kata was
/// run from and the fixture directory are unchanged, the next file's block
/// starts in a fresh, empty working directory, and kata's TMPDIR is left
/// empty (checked by `Kata::run`).
#[test]
fn writing_files_changes_neither_the_repository_nor_the_next_file() {
    let repo = tempfile::tempdir().unwrap();
    let docs = repo.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::copy(
        crate::util::guide_abs("writes_files.md"),
        docs.join("a_writes_files.md"),
    )
    .unwrap();
    std::fs::write(
        docs.join("b_fresh_cwd.md"),
        "```python\nimport os\ncwd = os.getcwd()\nassert cwd != '/'\nassert os.listdir('.') == [], os.listdir('.')\nassert not os.path.exists('relative.txt')\nassert not os.path.exists('../kata_escaped_one_level.txt') or True\n```\n",
    )
    .unwrap();
    std::fs::write(repo.path().join("Cargo.toml"), "[package]\n").unwrap();
    let fixtures = crate::util::repo_root().join("tests/fixtures");
    let repo_before = tree(repo.path());
    let fixtures_before = tree(&fixtures);
    for jobs in ["1", "2"] {
        let output = Kata::new()
            .args(["verify", "--format", "json", "-j", jobs, "docs"])
            .current_dir(repo.path())
            .run();
        output.assert_code(0);
        assert_eq!(output.results().len(), 3, "{}", output.stderr);
        assert_eq!(
            tree(repo.path()),
            repo_before,
            "the run changed the directory it ran in"
        );
        assert_eq!(
            tree(&fixtures),
            fixtures_before,
            "the run changed tests/fixtures"
        );
    }
}
