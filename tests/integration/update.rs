//! `kata verify --update`: expected outputs rewritten in place, nothing else.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::util::{Kata, dir_entries, repo_root};

fn fixture(name: &str) -> Vec<u8> {
    let path = repo_root().join("tests/fixtures/update").join(name);
    std::fs::read(&path).unwrap_or_else(|err| panic!("reading {}: {err}", path.display()))
}

fn update(dir: &Path, file: &str) -> crate::util::Output {
    Kata::verify_json([file])
        .args(["--update"])
        .current_dir(dir)
        .run()
}

/// Wrong outputs in all three styles, in list items, admonitions and a block
/// quote, with CRLF line ends: fixed in one run, byte for byte as expected.
#[test]
fn update_rewrites_only_expected_outputs() {
    let original = fixture("wrong_outputs.md");
    let expected = fixture("wrong_outputs.expected.md");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wrong_outputs.md");
    std::fs::write(&path, &original).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();

    let first = update(dir.path(), "wrong_outputs.md");
    first
        .assert_code(0)
        .assert_stderr_contains("updated wrong_outputs.md:6 (output)")
        .assert_stderr_contains("updated wrong_outputs.md:39 (doctest)")
        .assert_stderr_contains("updated wrong_outputs.md:51 (comments)")
        .assert_stderr_contains("note: wrong_outputs.md:73 (comments): 3 printed lines")
        .assert_stderr_contains("updated 7 blocks in 1 file");
    // The report is the run before the update.
    assert_eq!(first.report()["summary"]["fail"], 7, "{}", first.stdout);
    let updated = std::fs::read(&path).unwrap();
    assert!(
        updated == expected,
        "updated file differs from wrong_outputs.expected.md:\n{}",
        String::from_utf8_lossy(&updated)
    );
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);

    // Only expected-output lines changed, and they kept their CRLF.
    let (before, after) = (
        String::from_utf8(original).unwrap(),
        String::from_utf8(updated.clone()).unwrap(),
    );
    let diff = similar::TextDiff::from_lines(&before, &after);
    for change in diff.iter_all_changes() {
        if change.tag() == similar::ChangeTag::Equal {
            continue;
        }
        let line = change.value();
        assert!(line.ends_with("\r\n"), "line end changed: {line:?}");
        assert!(!line.contains("```"), "a fence changed: {line:?}");
    }
    assert_eq!(dir_entries(dir.path()), ["wrong_outputs.md"]);

    Kata::verify_json(["wrong_outputs.md"])
        .current_dir(dir.path())
        .run()
        .assert_code(0);
    update(dir.path(), "wrong_outputs.md")
        .assert_code(0)
        .assert_stderr_contains("updated 0 blocks in 0 files");
    assert!(
        std::fs::read(&path).unwrap() == updated,
        "second update changed the file"
    );
}

/// Blocks that raise are not rewritten, and the run still fails; a passing
/// block's output block is left exactly as written.
#[test]
fn update_leaves_errors_and_passing_blocks_alone() {
    let markdown = "```python\nprint('a')\n```\n\n```output\na   \n```\n\n\
                    ```python\nprint('b')\nraise ValueError\n```\n\n```output\nc\n```\n\n\
                    ```python\nprint('d')\n```\n\n```output\ne\n```\n\n\
                    ```pycon\n>>> print(1)  # doctest: +SKIP\n2\n>>> 3\n3\n```\n";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("guide.md");
    std::fs::write(&path, markdown).unwrap();
    let output = update(dir.path(), "guide.md");
    output
        .assert_code(1)
        .assert_stderr_contains("updated guide.md:18 (output)")
        .assert_stderr_contains("updated 1 block in 1 file");
    // A `+SKIP` example (no `got`) is reported, not a broken result channel.
    assert_eq!(output.report()["summary"]["pass"], 2, "{}", output.stdout);
    let expected = markdown.replace("```output\ne\n", "```output\nd\n");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), expected);
}
