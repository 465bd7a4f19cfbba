//! The misbehaviour corpus (`tests/misbehaviour/`, see its README): hostile
//! blocks and hostile input files, each with its verdict written next to it,
//! verified in one `kata verify` run together with generated inputs too big
//! or too odd to commit (20 MB, a 10 MB line, 1,000-deep nesting, a FIFO, a
//! directory named `*.md`, a symlink loop, a dangling link). Then the
//! run-level guarantees: nothing left running, no scratch directory left
//! (both checked by `Kata::run`), the corpus itself untouched, and kata's own
//! peak memory bounded although blocks flood hundreds of MB.

use std::path::Path;

use serde_json::Value;

use crate::util::{Kata, Output, repo_root, tree};

const CORPUS: &str = "tests/misbehaviour";

/// kata's own peak resident memory, floods included.
const PEAK_MEMORY_LIMIT_KB: u64 = 300 * 1024;

/// One written verdict: `<!-- expect: STATUS[|STATUS...] [detail] -->` on
/// the line before the block's fence.
#[derive(Debug)]
struct Expected {
    line: u64,
    statuses: Vec<String>,
    /// A substring of the result's `message` or `actual`.
    detail: Option<String>,
}

/// The verdicts a corpus file states, and whether it expects to be refused
/// (`<!-- expect-input-error -->`).
fn written_verdicts(text: &[u8]) -> (Vec<Expected>, bool) {
    let mut expected = Vec::new();
    let mut input_error = false;
    for (index, line) in text.split(|&b| b == b'\n').enumerate() {
        let line = String::from_utf8_lossy(line);
        input_error |= line.contains("<!-- expect-input-error -->");
        let Some(start) = line.find("<!-- expect:") else {
            continue;
        };
        let rest = &line[start + "<!-- expect:".len()..];
        let spec = rest.split("-->").next().unwrap_or("").trim();
        let (status, detail) = spec.split_once(' ').unwrap_or((spec, ""));
        let statuses: Vec<String> = status.split('|').map(str::to_owned).collect();
        for status in &statuses {
            assert!(
                ["pass", "fail", "error", "timeout", "crash", "skip"].contains(&status.as_str()),
                "bad expectation {spec:?} on line {}",
                index + 1
            );
        }
        expected.push(Expected {
            line: index as u64 + 2,
            statuses,
            detail: (!detail.trim().is_empty()).then(|| detail.trim().to_owned()),
        });
    }
    (expected, input_error)
}

/// The corpus's Markdown files, as kata shows them (relative to the repo).
fn corpus_files() -> Vec<String> {
    let mut files = Vec::new();
    for dir in [CORPUS.to_owned(), format!("{CORPUS}/inputs")] {
        let entries = std::fs::read_dir(repo_root().join(&dir))
            .unwrap_or_else(|err| panic!("reading {dir}: {err}"));
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".md") && name != "README.md" {
                files.push(format!("{dir}/{name}"));
            }
        }
    }
    files.sort();
    files
}

/// Creates the inputs that are generated rather than committed.
fn generate_inputs(dir: &Path) {
    // 20 MB with 10,000 blocks.
    let prose = "Prose that explains the example in some detail, as real guides do. ".repeat(28);
    let mut big = String::with_capacity(20 << 20);
    for index in 0..10_000 {
        big.push_str(&prose);
        big.push_str(&format!("\n\n```python\nx = {index}\n```\n\n"));
    }
    std::fs::write(dir.join("big.md"), big).unwrap();
    // One 10 MB line before a block.
    let mut long = "a".repeat(10 << 20);
    long.push_str("\n\n```python\nprint('after the long line')\n#> after the long line\n```\n");
    std::fs::write(dir.join("long_line.md"), long).unwrap();
    // 1,000 levels: 500 block quotes alternating with 500 list items.
    let open = "> - ".repeat(500);
    let inside = ">   ".repeat(500);
    std::fs::write(
        dir.join("nested.md"),
        format!("{open}```python\n{inside}print('deep')\n{inside}#> deep\n{inside}```\n"),
    )
    .unwrap();
    // A directory named `*.md` is walked like any directory.
    std::fs::create_dir(dir.join("dir.md")).unwrap();
    std::fs::write(
        dir.join("dir.md/inside.md"),
        "```python\nprint('inside dir.md')\n#> inside dir.md\n```\n",
    )
    .unwrap();
    // A FIFO would block a reader forever.
    let fifo = dir.join("fifo.md");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("running mkfifo");
    assert!(status.success(), "mkfifo {}", fifo.display());
    // A walked tree with a symlink loop and a dangling link.
    std::fs::create_dir_all(dir.join("tree/sub")).unwrap();
    std::fs::write(
        dir.join("tree/sub/ok.md"),
        "```python\nprint('walked')\n#> walked\n```\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("..", dir.join("tree/sub/loop")).unwrap();
    std::os::unix::fs::symlink("nowhere.md", dir.join("tree/dangling.md")).unwrap();
}

/// What differs between a corpus file's written verdicts and the run.
fn check_file(output: &Output, file: &str, passed: &mut usize, problems: &mut Vec<String>) {
    let text = std::fs::read(repo_root().join(file)).unwrap();
    let (expected, input_error) = written_verdicts(&text);
    let refused = output.errors().iter().any(|e| e["file"] == file);
    if input_error != refused {
        problems.push(format!(
            "{file}: refused as input: {refused}, expected {input_error}"
        ));
    } else if input_error {
        *passed += 1;
    }
    let results = output.results_of(file);
    for want in &expected {
        let Some(result) = results.iter().find(|r| r["line"] == want.line) else {
            problems.push(format!("{file}:{}: no result", want.line));
            continue;
        };
        let status = result["status"].as_str().unwrap_or("");
        let message = result["message"].as_str().unwrap_or("");
        let actual = result["actual"].as_str().unwrap_or("");
        let status_ok = want.statuses.iter().any(|s| s == status);
        let detail_ok = want
            .detail
            .as_deref()
            .is_none_or(|d| message.contains(d) || actual.contains(d));
        if status_ok && detail_ok {
            *passed += 1;
        } else {
            problems.push(format!(
                "{file}:{}: expected {} {}, got {status}: {message}",
                want.line,
                want.statuses.join("|"),
                want.detail.as_deref().unwrap_or(""),
            ));
        }
    }
    for result in &results {
        if !expected.iter().any(|want| result["line"] == want.line) {
            problems.push(format!(
                "{file}:{}: a result ({}) with no written verdict",
                result["line"], result["status"]
            ));
        }
    }
}

fn status_counts(output: &Output, file: &str) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for result in output.results_of(file) {
        let status = result["status"].as_str().unwrap_or("").to_owned();
        match counts.iter_mut().find(|(s, _)| *s == status) {
            Some((_, count)) => *count += 1,
            None => counts.push((status, 1)),
        }
    }
    counts
}

#[test]
fn every_item_gets_its_written_verdict_and_nothing_is_left() {
    let generated = tempfile::Builder::new()
        .prefix("kata-misbehaviour-")
        .tempdir()
        .unwrap();
    generate_inputs(generated.path());
    let corpus_before = tree(&repo_root().join(CORPUS));

    // `/usr/bin/time -f %M` would report the largest *descendant* (a
    // worker that fills its 4 GB address space), so kata's own `VmHWM` is
    // polled instead.
    let kata = Kata::verify_json([Path::new(CORPUS), generated.path()]).measure_peak_memory();
    // `run` asserts no process carrying its TMPDIR is left and the TMPDIR
    // (where the run's scratch directories live) is empty.
    let output = kata.run();
    output.assert_summary_consistent();

    let mut passed = 0;
    let mut problems = Vec::new();
    for file in corpus_files() {
        check_file(&output, &file, &mut passed, &mut problems);
    }

    // Generated inputs: the big ones run, the odd ones are refused by name.
    let generated_file = |name: &str| generated.path().join(name).display().to_string();
    for (name, blocks) in [
        ("big.md", 10_000),
        ("long_line.md", 1),
        ("nested.md", 1),
        ("dir.md/inside.md", 1),
        ("tree/sub/ok.md", 1),
    ] {
        let file = generated_file(name);
        let counts = status_counts(&output, &file);
        if counts == [("pass".to_owned(), blocks)] {
            passed += 1;
        } else {
            problems.push(format!("{name}: expected {blocks} passes, got {counts:?}"));
        }
    }
    let errors: Vec<&Value> = output.errors().iter().collect();
    for (name, message) in [
        ("fifo.md", "not a regular file"),
        ("tree/dangling.md", "No such file"),
        ("tree/sub/loop", "loop"),
    ] {
        let file = generated_file(name);
        let refused = errors.iter().any(|e| {
            e["file"] == file.as_str() && e["message"].as_str().unwrap_or("").contains(message)
        });
        if refused {
            passed += 1;
        } else {
            problems.push(format!(
                "{name}: expected to be refused ({message}); errors: {errors:?}"
            ));
        }
    }
    // Bad inputs make the run exit 2; the rest still ran (checked above).
    if output.code != Some(2) {
        problems.push(format!("exit code {:?}, expected 2", output.code));
    }
    // Writes into the working directory and its parent stay in the scratch
    // directories: the corpus is as it was.
    if tree(&repo_root().join(CORPUS)) != corpus_before {
        problems.push(format!("{CORPUS} changed during the run"));
    }
    {
        match output.peak_memory_kb {
            Some(kb) if kb < PEAK_MEMORY_LIMIT_KB => {
                eprintln!("misbehaviour corpus: kata's peak memory {} MB", kb / 1024);
                passed += 1;
            }
            Some(kb) => problems.push(format!(
                "kata's peak memory {} MB, limit {} MB",
                kb / 1024,
                PEAK_MEMORY_LIMIT_KB / 1024
            )),
            None => problems.push("kata's peak memory could not be read".to_owned()),
        }
    }

    eprintln!(
        "misbehaviour corpus: {passed} passed, {} failed (run took {:.1}s)",
        problems.len(),
        output.elapsed.as_secs_f64()
    );
    assert!(
        problems.is_empty(),
        "misbehaviour corpus: {passed} passed, {} failed\n{}\nstderr (end):\n{}",
        problems.len(),
        problems.join("\n"),
        tail(&output.stderr, 4000)
    );
}

fn tail(text: &str, bytes: usize) -> &str {
    let mut start = text.len().saturating_sub(bytes);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}

#[test]
fn written_verdicts_are_read_with_alternatives_and_details() {
    let (expected, input_error) = written_verdicts(
        b"# t\n<!-- expect: crash SIGSEGV -->\n```python\n```\n<!-- expect: crash|error -->\n",
    );
    assert!(!input_error);
    assert_eq!(expected.len(), 2);
    assert_eq!(
        (expected[0].line, &expected[0].statuses[..]),
        (3, &["crash".to_owned()][..])
    );
    assert_eq!(expected[0].detail.as_deref(), Some("SIGSEGV"));
    assert_eq!(expected[1].statuses, ["crash", "error"]);
    assert_eq!(expected[1].detail, None);
}
