//! Reading input: encodings, line ends, paths, real documents.

use crate::util::{Kata, guide, guide_abs, repo_root};

#[test]
fn bom_and_crlf_are_fine() {
    let path = guide("bom_crlf.md");
    let bytes = std::fs::read(guide_abs("bom_crlf.md")).unwrap();
    assert!(
        bytes.starts_with(b"\xef\xbb\xbf"),
        "the fixture lost its BOM"
    );
    assert!(
        bytes.windows(2).filter(|w| w == b"\r\n").count() >= 20,
        "the fixture lost its CRLF line ends (check tests/fixtures/.gitattributes)"
    );
    let output = Kata::verify_json([&path]).run();
    output.assert_code(1);
    assert_eq!(
        output.statuses_of(&path),
        [
            (4, "pass".to_owned()),
            (14, "pass".to_owned()),
            (21, "error".to_owned()),
        ]
    );
    let error = output.result_at(&path, 21);
    assert_eq!(error["message"], "ValueError: 1");
    output
        .assert_stderr_contains(&format!("File \"{path}\", line 23, in <module>"))
        .assert_stderr_contains("    raise ValueError(x)\n");
    for result in output.results() {
        for key in ["message", "expected", "actual"] {
            let text = result[key].as_str().unwrap_or("");
            assert!(!text.contains('\r'), "{key} of {result}");
        }
    }
}

#[test]
fn a_file_that_is_not_utf8_is_refused_and_the_rest_runs() {
    let bad = guide("not_utf8.md");
    let good = guide("comments_pass.md");
    let output = Kata::verify_json([&bad, &good]).run();
    output.assert_code(2).assert_summary_consistent();
    let errors = output.errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["file"], bad.as_str());
    assert_eq!(errors[0]["line"], 4);
    let message = errors[0]["message"].as_str().unwrap();
    assert!(message.contains("UTF-8"), "{message}");
    assert!(output.results_of(&bad).is_empty());
    assert_eq!(
        output.statuses_of(&good),
        [(4, "pass".to_owned()), (13, "pass".to_owned())]
    );
    output.assert_stderr_contains(&format!("{bad}:4"));
    // Exactly one message about it.
    assert_eq!(
        output.stderr.matches("not_utf8.md").count(),
        1,
        "{}",
        output.stderr
    );
}

#[test]
fn a_directory_is_searched_for_markdown() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sub/deeper")).unwrap();
    std::fs::create_dir_all(dir.path().join(".hidden")).unwrap();
    let block = "```python\nprint('x')\n#> x\n```\n";
    std::fs::write(dir.path().join("one.md"), block).unwrap();
    std::fs::write(dir.path().join("sub/deeper/two.markdown"), block).unwrap();
    std::fs::write(
        dir.path().join("sub/notes.txt"),
        "```python\nraise SystemExit\n```\n",
    )
    .unwrap();
    let output = Kata::verify_json([dir.path()]).run();
    output.assert_code(0);
    assert_eq!(output.results().len(), 2, "{}", output.stderr);
}

#[test]
fn an_empty_file_and_a_file_without_python_pass() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.md"), "").unwrap();
    std::fs::write(
        dir.path().join("prose.md"),
        "# Title\n\n```bash\nexit 1\n```\n",
    )
    .unwrap();
    let output = Kata::verify_json([dir.path()]).run();
    output.assert_code(0).assert_summary_consistent();
    assert!(output.results().is_empty());
}

#[test]
fn the_seed_guide_has_two_passing_blocks() {
    let seed = repo_root().join("../shared/seeds/000_f4297a9edecc744d.txt");
    if !seed.is_file() {
        eprintln!("note: {} not found; skipping", seed.display());
        return;
    }
    let output = Kata::verify_json([&seed]).run();
    output.assert_code(0);
    let statuses: Vec<&str> = output
        .results()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["pass", "pass"], "{}", output.stderr);
}

#[test]
fn the_readme_and_docs_pass() {
    let mut paths = vec!["README.md"];
    if repo_root().join("docs").is_dir() {
        paths.push("docs");
    } else {
        eprintln!("note: docs/ does not exist yet; verifying README.md only");
    }
    let output = Kata::verify_json(&paths).run();
    output.assert_code(0);
    assert!(!output.results().is_empty(), "{}", output.stderr);
}
