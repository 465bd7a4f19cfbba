//! The project's own content: every guide and kata README verifies, and the
//! guides hold enough checked examples (issue 5's bar).

use crate::util::{Kata, repo_root};

#[test]
fn guides_and_kata_readmes_verify() {
    let root = repo_root();
    let output = Kata::verify_json([root.join("content"), root.join("katas")]).run();
    output.assert_code(0).assert_summary_consistent();
    let content = root.join("content").display().to_string();
    let blocks: Vec<_> = output
        .results()
        .iter()
        .filter(|r| r["file"].as_str().is_some_and(|f| f.starts_with(&content)))
        .collect();
    assert!(
        blocks.len() >= 150,
        "only {} blocks in content/",
        blocks.len()
    );
    let checked = blocks.iter().filter(|r| r["kind"] != "smoke").count();
    assert!(
        checked * 3 >= blocks.len() * 2,
        "only {checked} of {} content blocks have a checked expectation",
        blocks.len()
    );
}
