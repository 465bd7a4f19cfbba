//! `kata session --voice`: reads a task aloud through the system's
//! text-to-speech program. Speaking never blocks the session: the program
//! runs in the background with its output discarded, and is reaped (or
//! stopped, when the next task starts) here.

use std::ffi::OsStr;
use std::os::unix::fs::PermissionsExt as _;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::worker::sys;

/// The programs tried, in order; each takes the text as its argument.
pub(crate) const PROGRAMS: [&str; 4] = ["espeak-ng", "espeak", "say", "spd-say"];

/// A text-to-speech program found on `PATH`, and what it is saying.
#[derive(Debug)]
pub(crate) struct Voice {
    program: PathBuf,
    speaking: Option<Child>,
}

impl Voice {
    /// The first of [`PROGRAMS`] on `path` (the value of `PATH`).
    pub(crate) fn find(path: Option<&OsStr>) -> Option<Voice> {
        let dirs: Vec<PathBuf> = path.map(|p| std::env::split_paths(p).collect())?;
        PROGRAMS.iter().find_map(|name| {
            dirs.iter()
                .map(|dir| dir.join(name))
                .find(|candidate| is_executable(candidate))
                .map(|program| Voice {
                    program,
                    speaking: None,
                })
        })
    }

    /// Starts saying `text`, cutting off whatever is still being said.
    /// A program that cannot start is ignored: the session goes on silently.
    pub(crate) fn say(&mut self, text: &str) {
        self.stop();
        // A leading dash would be read as an option.
        let text = text.trim_start_matches(['-', ' ']);
        let child = Command::new(&self.program)
            .arg(text)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn();
        if let Ok(child) = child {
            // Test runs kill kata's stray children; this one is not stray.
            sys::spare_child(child.id());
            self.speaking = Some(child);
        }
    }

    /// Reaps the program if it has finished (call now and then).
    pub(crate) fn reap(&mut self) {
        if let Some(child) = &mut self.speaking
            && !matches!(child.try_wait(), Ok(None))
        {
            sys::unspare_child(child.id());
            self.speaking = None;
        }
    }

    /// Stops the program if it is still speaking, and reaps it.
    pub(crate) fn stop(&mut self) {
        if let Some(mut child) = self.speaking.take() {
            if matches!(child.try_wait(), Ok(None)) {
                let _ = child.kill();
                let _ = child.wait();
            }
            sys::unspare_child(child.id());
        }
    }
}

impl Drop for Voice {
    fn drop(&mut self) {
        self.stop();
    }
}

fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// What is read aloud for a task: its title, then the first paragraph of
/// its README (after the heading), with Markdown marks left out.
pub(crate) fn spoken_text(title: &str, readme: &str) -> String {
    let mut paragraph: Vec<&str> = Vec::new();
    let mut in_code = false;
    for line in readme.lines().map(str::trim) {
        if line.starts_with("```") || line.starts_with("~~~") {
            if !paragraph.is_empty() {
                break;
            }
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        if line.is_empty() {
            if paragraph.is_empty() {
                continue;
            }
            break;
        }
        if line.starts_with('#') {
            if paragraph.is_empty() {
                continue;
            }
            break;
        }
        paragraph.push(line);
    }
    let paragraph: String = paragraph
        .join(" ")
        .chars()
        .filter(|c| !matches!(c, '`' | '*' | '_'))
        .collect();
    let title = title.trim().trim_end_matches('.');
    if paragraph.is_empty() {
        format!("{title}.")
    } else {
        format!("{title}. {paragraph}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speaks_the_title_and_the_first_paragraph() {
        let cases = [
            (
                "# Double\n\nWrite `double(n)`, which\nreturns **twice** n.\n\nMore text.\n",
                "Double it. Write double(n), which returns twice n.",
            ),
            ("```python\nx = 1\n```\n", "Double it."),
            (
                "```text\nx\n```\n\nAfter the code.\n",
                "Double it. After the code.",
            ),
            ("", "Double it."),
            (
                "Plain first line.\n# Heading\n",
                "Double it. Plain first line.",
            ),
        ];
        for (readme, expected) in cases {
            assert_eq!(spoken_text("Double it", readme), expected, "{readme:?}");
        }
    }

    #[test]
    fn finds_the_first_program_on_the_path() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Voice::find(Some(dir.path().as_os_str())).is_none());
        assert!(Voice::find(None).is_none());
        for name in ["say", "espeak"] {
            let path = dir.path().join(name);
            std::fs::write(&path, "#!/bin/sh\n").unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        // Not executable: skipped.
        std::fs::write(dir.path().join("espeak-ng"), "").unwrap();
        let voice = Voice::find(Some(dir.path().as_os_str())).unwrap();
        assert_eq!(voice.program, dir.path().join("espeak"));
    }
}
