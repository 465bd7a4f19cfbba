//! Resource limits: the defaults, `--max-*` flags, `[limits]` in the
//! configuration file and in a kata's kata.toml, the blocks' directives
//! (`memory=2G`...), and the process limit against fork bombs.

use std::path::{Path, PathBuf};

use crate::util::{Kata, Output};

/// A temporary directory with files written from `(relative path, contents)`.
struct Dir {
    dir: tempfile::TempDir,
}

impl Dir {
    fn new(files: &[(&str, &str)]) -> Dir {
        let dir = tempfile::Builder::new()
            .prefix("kata-limits-it-")
            .tempdir()
            .unwrap();
        for (path, contents) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, contents).unwrap();
        }
        Dir { dir }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// `kata verify --format json --no-config ARGS... guide.md`, from the directory.
    #[track_caller]
    fn verify(&self, args: &[&str]) -> Output {
        Kata::new()
            .args(["verify", "--format", "json"])
            .args(args)
            .arg("guide.md")
            .current_dir(self.dir.path())
            .run()
    }
}

trait Arg {
    fn arg(self, arg: &str) -> Self;
}

impl Arg for Kata {
    fn arg(self, arg: &str) -> Kata {
        self.args([arg])
    }
}

/// `(line, status)` of every result, in order.
fn statuses(output: &Output) -> Vec<(u64, String)> {
    let mut statuses = output.statuses_of("guide.md");
    statuses.sort();
    statuses
}

fn expected(pairs: &[(u64, &str)]) -> Vec<(u64, String)> {
    pairs.iter().map(|(l, s)| (*l, (*s).to_owned())).collect()
}

/// Whether sessions' process counts are limited on this machine: by a pids
/// cgroup as root, by `RLIMIT_NPROC` otherwise (as `worker::processes` decides).
fn process_limit_enforced() -> bool {
    // SAFETY-free check of the effective uid: /proc/self/status.
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let root = status
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))
        .and_then(|rest| rest.split_whitespace().nth(1))
        == Some("0");
    if !root {
        return true;
    }
    let own = std::fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
    own.lines().any(|line| {
        let mut fields = line.splitn(3, ':');
        let (_, controllers, path) = (fields.next(), fields.next(), fields.next());
        let relative = path.unwrap_or("/").trim_start_matches('/');
        match controllers {
            Some("") => ["/sys/fs/cgroup", "/sys/fs/cgroup/unified"]
                .iter()
                .any(|mount| {
                    std::fs::read_to_string(
                        Path::new(mount)
                            .join(relative)
                            .join("cgroup.subtree_control"),
                    )
                    .is_ok_and(|text| text.split_whitespace().any(|c| c == "pids"))
                }),
            Some(list) if list.split(',').any(|c| c == "pids") => Path::new("/sys/fs/cgroup/pids")
                .join(relative)
                .join("cgroup.procs")
                .is_file(),
            _ => false,
        }
    })
}

/// Session cgroups whose zygote is gone: a run must never leave one.
fn stale_cgroups() -> Vec<PathBuf> {
    let own = std::fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
    let mut parents = Vec::new();
    for line in own.lines() {
        let mut fields = line.splitn(3, ':');
        let (_, controllers, path) = (fields.next(), fields.next(), fields.next());
        let relative = path.unwrap_or("/").trim_start_matches('/');
        match controllers {
            Some("") => {
                parents.push(Path::new("/sys/fs/cgroup").join(relative));
                parents.push(Path::new("/sys/fs/cgroup/unified").join(relative));
            }
            Some(list) if list.split(',').any(|c| c == "pids") => {
                parents.push(Path::new("/sys/fs/cgroup/pids").join(relative));
            }
            _ => {}
        }
    }
    let mut stale = Vec::new();
    for parent in parents {
        let Ok(entries) = std::fs::read_dir(&parent) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(pid) = name
                .strip_prefix("kata-")
                .and_then(|p| p.parse::<u32>().ok())
            else {
                continue;
            };
            if !Path::new(&format!("/proc/{pid}")).exists() {
                stale.push(entry.path());
            }
        }
    }
    stale
}

/// 1 GiB of address space, reserved but never touched.
const MAP_1G: &str = "import mmap\nm = mmap.mmap(-1, 1 << 30)\nm.close()\n";

#[test]
fn a_memory_directive_lowers_or_raises_the_limit_of_its_session() {
    let guide = format!(
        "# Memory\n\n```python isolated\n{MAP_1G}```\n\n```python isolated memory=256M\n{MAP_1G}```\n\n```python isolated memory=2G\n{MAP_1G}```\n"
    );
    let dir = Dir::new(&[("guide.md", &guide)]);
    // Default (4G): the lowered block fails, the others map their gigabyte.
    let output = dir.verify(&[]);
    assert_eq!(
        statuses(&output),
        expected(&[(3, "pass"), (9, "error"), (15, "pass")]),
        "{}",
        output.stderr
    );
    assert!(
        output.result_at("guide.md", 9)["message"]
            .as_str()
            .unwrap()
            .contains("Cannot allocate memory"),
        "{}",
        output.stdout
    );
    // A run-wide 256M: the block without a directive fails now, and the
    // block that asks for 2G still gets it (the most specific wins).
    let output = dir.verify(&["--max-memory", "256M"]);
    assert_eq!(
        statuses(&output),
        expected(&[(3, "error"), (9, "error"), (15, "pass")]),
        "{}",
        output.stderr
    );
    // `none` lifts the run's limit (kata sets none; kata's own applies).
    let output = dir.verify(&["--max-memory", "none"]);
    assert_eq!(statuses(&output)[0], (3, "pass".to_owned()));
}

#[test]
fn blocks_of_one_session_get_the_most_permissive_of_their_directives() {
    let guide = format!(
        "# Shared\n\n```python memory=256M\n{MAP_1G}```\n\n```python memory=2G\nx = 1\n```\n\n```python isolated memory=256M\n{MAP_1G}```\n"
    );
    let dir = Dir::new(&[("guide.md", &guide)]);
    let output = dir.verify(&[]);
    // The first two share a process, which gets 2G; the isolated one 256M.
    assert_eq!(
        statuses(&output),
        expected(&[(3, "pass"), (9, "pass"), (13, "error")]),
        "{}",
        output.stderr
    );
}

#[test]
fn max_output_truncates_earlier_and_an_output_directive_wins() {
    // The JSON result of a failed comparison shows what was kept.
    let guide = "# Output\n\n```python\nprint('x' * 5000)\n```\n\n```output\nx\n```\n\n```python isolated output=8K\nprint('y' * 5000)\n```\n\n```output\ny\n```\n";
    let dir = Dir::new(&[("guide.md", guide)]);
    let output = dir.verify(&["--max-output", "1K"]);
    output.assert_code(1);
    let capped = output.result_at("guide.md", 3)["actual"].as_str().unwrap();
    assert!(capped.starts_with(&"x".repeat(1024)), "{capped}");
    assert!(!capped.starts_with(&"x".repeat(1025)), "{capped}");
    assert!(capped.contains("truncated"), "{capped}");
    let whole = output.result_at("guide.md", 11)["actual"].as_str().unwrap();
    assert!(whole.starts_with(&"y".repeat(5000)), "{whole}");
    assert!(!whole.contains("truncated"), "{whole}");
}

#[test]
fn file_size_and_open_files_reach_the_child() {
    let probe = "import resource\nfor name in ('RLIMIT_FSIZE', 'RLIMIT_NOFILE'):\n    print(name, resource.getrlimit(getattr(resource, name))[0])\n";
    let guide = format!(
        "# Rlimits\n\n```python isolated\n{probe}```\n\n```output\nRLIMIT_FSIZE 268435456\nRLIMIT_NOFILE 1024\n```\n\n```python isolated file-size=1M open-files=64\n{probe}```\n\n```output\nRLIMIT_FSIZE 1048576\nRLIMIT_NOFILE 64\n```\n"
    );
    let dir = Dir::new(&[("guide.md", &guide)]);
    let output = dir.verify(&[]);
    output.assert_code(0);
    let output = dir.verify(&["--max-file-size", "2M", "--max-open-files", "100"]);
    assert_eq!(
        statuses(&output),
        expected(&[(3, "fail"), (14, "pass")]),
        "{}",
        output.stderr
    );
    let actual = output.result_at("guide.md", 3)["actual"].as_str().unwrap();
    assert_eq!(actual, "RLIMIT_FSIZE 2097152\nRLIMIT_NOFILE 100\n");
}

#[test]
fn the_configuration_file_sets_limits_and_flags_win() {
    let probe = "import resource\nprint(resource.getrlimit(resource.RLIMIT_NOFILE)[0])\n";
    let guide = format!("# Config\n\n```python\n{probe}```\n\n```output\n200\n```\n");
    let dir = Dir::new(&[
        ("guide.md", &guide),
        (
            "kata.toml",
            "[limits]\nopen_files = 200\nmemory = \"none\"\n",
        ),
    ]);
    dir.verify(&[]).assert_code(0);
    let output = dir.verify(&["--max-open-files", "300"]);
    output.assert_code(1);
    assert_eq!(
        output.result_at("guide.md", 3)["actual"].as_str().unwrap(),
        "300\n"
    );
    let dir = Dir::new(&[
        ("guide.md", ""),
        ("kata.toml", "[limits]\nopen_files = \"lots\"\n"),
    ]);
    let output = dir.verify(&[]);
    output.assert_code(2);
    output.assert_stderr_contains("`kata.toml`, line 2");
    output.assert_stderr_contains("`lots` is not a number such as `1024` or `none`");
}

#[test]
fn invalid_limit_directives_and_flags_are_reported() {
    let guide = "# Bad\n\n```python memory=lots processes=none\nprint(1)\n```\n";
    let dir = Dir::new(&[("guide.md", guide)]);
    let output = dir.verify(&[]);
    output.assert_code(0);
    output.assert_stderr_contains(
        "guide.md:3: invalid directive `memory=lots` ignored: expected a size such as `memory=2G`",
    );
    output.assert_stderr_contains("guide.md:3: invalid directive `processes=none` ignored");
    let output = dir.verify(&["--max-output", "none"]);
    output.assert_code(2);
    output.assert_stderr_contains("the output cap cannot be unlimited");
    let output = dir.verify(&["--max-memory", "2X"]);
    output.assert_code(2);
    output.assert_stderr_contains("`2X` is not a size such as `2G`, `512M` or `none`");
}

#[test]
fn a_fork_bomb_ends_with_a_verdict_and_leaves_nothing() {
    if !process_limit_enforced() {
        eprintln!(
            "skipped: root without a writable pids cgroup, the process limit is not enforced"
        );
        return;
    }
    let guide = "# Bombs\n\n```python timeout=20s\nimport os\nwhile True:\n    os.fork()\n```\n\n```python isolated processes=8 timeout=20s\nimport threading\nstop = threading.Event()\nstarted = 0\ntry:\n    for _ in range(20):\n        threading.Thread(target=stop.wait).start()\n        started += 1\nfinally:\n    stop.set()\n    print(started)\n```\n\n```python\nprint('after')\n```\n\n```output\nafter\n```\n";
    let dir = Dir::new(&[("guide.md", guide)]);
    let output = dir.verify(&[]);
    let results = statuses(&output);
    assert!(
        matches!(results[0].1.as_str(), "error" | "crash"),
        "{results:?}\n{}",
        output.stderr
    );
    assert_eq!(results[1].1, "error", "{}", output.stderr);
    assert!(
        output.result_at("guide.md", 9)["message"]
            .as_str()
            .unwrap()
            .contains("can't start new thread"),
        "{}",
        output.stdout
    );
    assert_eq!(results[2], (22, "pass".to_owned()), "{}", output.stderr);
    // `Kata::run` checked that no process is left; no cgroup is either.
    assert_eq!(stale_cgroups(), Vec::<PathBuf>::new());
}

/// A kata whose test checks the open-files limit it runs under.
fn nofile_kata(limits: &str) -> Dir {
    Dir::new(&[
        (
            "katas/limits/nofile/kata.toml",
            &format!(
                "format_version = 1\ntitle = \"Open files\"\ntopic = \"limits\"\nlevel = \"mid\"\nhints = [\"resource.getrlimit\"]\n{limits}"
            ),
        ),
        (
            "katas/limits/nofile/README.md",
            "# Open files\n\nReturn the soft limit on open files.\n",
        ),
        (
            "katas/limits/nofile/starter.py",
            "def open_files():\n    return 0\n",
        ),
        (
            "katas/limits/nofile/solution.py",
            "import resource\n\n\ndef open_files():\n    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]\n",
        ),
        (
            "katas/limits/nofile/test_public.py",
            "from solution import open_files\n\n\ndef test_limit():\n    assert open_files() == 100\n",
        ),
        (
            "submissions/good.py",
            "import resource\n\n\ndef open_files():\n    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]\n",
        ),
    ])
}

/// The status column of the submission's row in grades.csv.
fn grade_status(dir: &Dir, args: &[&str]) -> String {
    let out = dir.path("grades");
    Kata::new()
        .args(["grade", "--no-progress", "--force"])
        .args([dir.path("katas/limits/nofile").as_os_str()])
        .args([dir.path("submissions/good.py").as_os_str()])
        .args([std::ffi::OsStr::new("--out"), out.as_os_str()])
        .args(args)
        .run();
    let csv = std::fs::read_to_string(out.join("grades.csv")).unwrap();
    let row = csv.lines().nth(1).unwrap_or_default();
    row.rsplit(',').next().unwrap_or_default().to_owned()
}

#[test]
fn a_katas_limits_win_over_the_command_line() {
    let with_limits = nofile_kata("\n[limits]\nopen_files = 100\n");
    let without = nofile_kata("");
    // grade: the default for grading is 256 open files.
    assert_eq!(grade_status(&without, &[]), "fail");
    assert_eq!(grade_status(&without, &["--max-open-files", "100"]), "pass");
    assert_eq!(
        grade_status(&with_limits, &["--max-open-files", "50"]),
        "pass"
    );

    // check: the solution must pass under the kata's limits.
    let check = |dir: &Dir, args: &[&str]| {
        Kata::new()
            .args(["check"])
            .args([dir.path("katas").as_os_str()])
            .args(args)
            .run()
    };
    check(&with_limits, &[]).assert_code(0);
    check(&without, &["--max-open-files", "100"]).assert_code(0);
    check(&without, &[]).assert_code(1);

    // run: the learner's file (here the solution) under the kata's limits.
    let run = |dir: &Dir, args: &[&str]| {
        std::fs::create_dir_all(dir.path("ws/limits")).unwrap();
        std::fs::copy(
            dir.path("submissions/good.py"),
            dir.path("ws/limits/nofile.py"),
        )
        .unwrap();
        std::fs::create_dir_all(dir.path("ws/.kata")).unwrap();
        Kata::new()
            .args(["run", "limits/nofile", "--color", "never"])
            .args([
                std::ffi::OsStr::new("--katas"),
                dir.path("katas").as_os_str(),
            ])
            .args([
                std::ffi::OsStr::new("--workspace"),
                dir.path("ws").as_os_str(),
            ])
            .args(args)
            .run()
    };
    run(&with_limits, &["--max-open-files", "50"]).assert_code(0);
    run(&without, &["--max-open-files", "100"]).assert_code(0);
    run(&without, &[]).assert_code(1);
}
