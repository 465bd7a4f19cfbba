//! The Python half of the harness has its own unit tests (plain unittest,
//! in `tests/python/`); run them with the interpreter kata embeds.

use std::process::Command;

#[test]
fn python_harness_unit_tests_pass() {
    let python = env!("KATA_BUILD_PYTHON");
    let root = env!("CARGO_MANIFEST_DIR");
    let output = Command::new(python)
        .args(["-m", "unittest", "discover", "-s", "tests/python"])
        .current_dir(root)
        .output()
        .expect("run the Python harness tests");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("\nOK"), "{stderr}");
}
