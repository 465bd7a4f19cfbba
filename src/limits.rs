//! Resource limits as users write them: sizes (`2G`), counts (`256`) and
//! `none`, at four levels (default < configuration file < command line <
//! kata.toml `[limits]` or a block's directive, the most specific winning),
//! and how they fold into the [`Limits`] a session's child runs under.
//!
//! This module only parses and merges; the zygote applies the result
//! (rlimits, the capture cap, the process cgroup).

use std::fmt;

use serde::Deserializer;
use serde::de::{self, Visitor};

use crate::worker::protocol::Limits;

/// Processes (and threads) a session may have at once unless told otherwise.
pub(crate) const DEFAULT_PROCESSES: u64 = 256;
/// The same for a graded submission.
pub(crate) const GRADE_PROCESSES: u64 = 128;

/// Default limits for the process that runs a session (verify, kata run, check).
pub(crate) fn default_limits() -> Limits {
    Limits {
        output_bytes: 1 << 20,
        memory_bytes: Some(4 << 30),
        file_size_bytes: Some(256 << 20),
        open_files: Some(1024),
        processes: Some(DEFAULT_PROCESSES),
        kill_grace_ms: 200,
    }
}

/// Limits for a graded submission: tighter than for a guide.
pub(crate) fn grade_limits() -> Limits {
    Limits {
        output_bytes: 64 << 10,
        memory_bytes: Some(1 << 30),
        file_size_bytes: Some(16 << 20),
        open_files: Some(256),
        processes: Some(GRADE_PROCESSES),
        kill_grace_ms: 100,
    }
}

/// One limit as written: a value, or `none` (kata sets no limit, so the
/// child keeps the one it inherits from kata).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Setting {
    Unlimited,
    At(u64),
}

impl Setting {
    fn value(self) -> Option<u64> {
        match self {
            Setting::Unlimited => None,
            Setting::At(value) => Some(value),
        }
    }

    /// The more permissive of two settings.
    fn wider(self, other: Setting) -> Setting {
        match (self, other) {
            (Setting::At(a), Setting::At(b)) => Setting::At(a.max(b)),
            _ => Setting::Unlimited,
        }
    }
}

/// What a value stands for, which decides how it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Bytes of address space: a size; `none` allowed.
    Memory,
    /// Bytes of captured output per stream: a size; never unlimited
    /// (kata holds what a block prints in memory).
    Output,
    /// Bytes per written file: a size; `none` allowed.
    FileSize,
    /// Open descriptors: a count; `none` allowed.
    OpenFiles,
    /// Processes and threads of a session: a count; `none` allowed.
    Processes,
}

impl Kind {
    fn is_size(self) -> bool {
        matches!(self, Kind::Memory | Kind::Output | Kind::FileSize)
    }

    /// What a valid value looks like, for messages.
    pub(crate) fn example(self) -> &'static str {
        match self {
            Kind::Memory => "a size such as `2G`, `512M` or `none`",
            Kind::Output => "a size such as `1M` or `64K`",
            Kind::FileSize => "a size such as `256M` or `none`",
            Kind::OpenFiles => "a number such as `1024` or `none`",
            Kind::Processes => "a number such as `256` or `none`",
        }
    }
}

/// Reads `text` as a limit of `kind`: `2G`, `512M`, `64K`, `4096` (bytes;
/// suffixes are binary, `2G` = 2 GiB, and may be written `GiB` or `GB`),
/// a plain count, or `none`/`unlimited` where the kind allows it.
pub(crate) fn parse(kind: Kind, text: &str) -> Result<Setting, String> {
    let bad = || format!("`{text}` is not {}", kind.example());
    let trimmed = text.trim();
    if trimmed.eq_ignore_ascii_case("none") || trimmed.eq_ignore_ascii_case("unlimited") {
        return if kind == Kind::Output {
            Err(format!(
                "the output cap cannot be unlimited (kata keeps what a block prints in memory); write {}",
                kind.example()
            ))
        } else {
            Ok(Setting::Unlimited)
        };
    }
    let digits = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    let (number, suffix) = trimmed.split_at(digits);
    let number: u64 = number.parse().map_err(|_| bad())?;
    let shift = if kind.is_size() {
        match suffix.to_ascii_lowercase().as_str() {
            "" | "b" => 0,
            "k" | "kb" | "kib" => 10,
            "m" | "mb" | "mib" => 20,
            "g" | "gb" | "gib" => 30,
            "t" | "tb" | "tib" => 40,
            _ => return Err(bad()),
        }
    } else if suffix.is_empty() {
        0
    } else {
        return Err(bad());
    };
    let value = number.checked_mul(1 << shift).ok_or_else(bad)?;
    if value == 0 {
        return Err(format!("`{text}` is zero; write {}", kind.example()));
    }
    Ok(Setting::At(value))
}

/// Limits that a level of configuration sets; `None` leaves the level
/// below in force.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct LimitOverrides {
    pub(crate) memory: Option<Setting>,
    pub(crate) output: Option<Setting>,
    pub(crate) file_size: Option<Setting>,
    pub(crate) open_files: Option<Setting>,
    pub(crate) processes: Option<Setting>,
}

impl LimitOverrides {
    /// Each limit of `self`, or else of `fallback`.
    pub(crate) fn or(self, fallback: LimitOverrides) -> LimitOverrides {
        LimitOverrides {
            memory: self.memory.or(fallback.memory),
            output: self.output.or(fallback.output),
            file_size: self.file_size.or(fallback.file_size),
            open_files: self.open_files.or(fallback.open_files),
            processes: self.processes.or(fallback.processes),
        }
    }

    /// Merges the limits of blocks that share one process: where both set
    /// a limit the more permissive one wins.
    pub(crate) fn widen(&mut self, other: &LimitOverrides) {
        fn pick(mine: &mut Option<Setting>, theirs: Option<Setting>) {
            *mine = match (*mine, theirs) {
                (Some(a), Some(b)) => Some(a.wider(b)),
                (a, b) => a.or(b),
            };
        }
        pick(&mut self.memory, other.memory);
        pick(&mut self.output, other.output);
        pick(&mut self.file_size, other.file_size);
        pick(&mut self.open_files, other.open_files);
        pick(&mut self.processes, other.processes);
    }

    /// Sets what `self` sets in `limits`.
    pub(crate) fn apply(&self, limits: &mut Limits) {
        if let Some(memory) = self.memory {
            limits.memory_bytes = memory.value();
        }
        if let Some(Setting::At(output)) = self.output {
            limits.output_bytes = usize::try_from(output).unwrap_or(usize::MAX);
        }
        if let Some(file_size) = self.file_size {
            limits.file_size_bytes = file_size.value();
        }
        if let Some(open_files) = self.open_files {
            limits.open_files = open_files.value();
        }
        if let Some(processes) = self.processes {
            limits.processes = processes.value();
        }
    }

    /// The limits set, as directives: `memory=2G`, `processes=16`.
    pub(crate) fn directives(&self) -> Vec<String> {
        [
            ("memory", Kind::Memory, self.memory),
            ("output", Kind::Output, self.output),
            ("file-size", Kind::FileSize, self.file_size),
            ("open-files", Kind::OpenFiles, self.open_files),
            ("processes", Kind::Processes, self.processes),
        ]
        .into_iter()
        .filter_map(|(key, kind, setting)| Some(format!("{key}={}", show(kind, setting?))))
        .collect()
    }

    /// `limits` with `self` applied.
    pub(crate) fn applied_to(&self, limits: &Limits) -> Limits {
        let mut limits = limits.clone();
        self.apply(&mut limits);
        limits
    }
}

/// A `[limits]` table (kata.toml of a kata, or the configuration file):
/// sizes as strings (`"2G"`) or integers (bytes), counts as integers, and
/// `"none"`. Unknown keys are errors.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LimitsTable {
    /// Address space of the session's process (`RLIMIT_AS`).
    #[serde(default, deserialize_with = "memory")]
    memory: Option<Setting>,
    /// Captured output kept per stream per block.
    #[serde(default, deserialize_with = "output")]
    output: Option<Setting>,
    /// Largest file the session may write (`RLIMIT_FSIZE`).
    #[serde(default, deserialize_with = "file_size")]
    file_size: Option<Setting>,
    /// Open descriptors (`RLIMIT_NOFILE`).
    #[serde(default, deserialize_with = "open_files")]
    open_files: Option<Setting>,
    /// Processes and threads of the session at once.
    #[serde(default, deserialize_with = "processes")]
    processes: Option<Setting>,
}

impl LimitsTable {
    pub(crate) fn overrides(&self) -> LimitOverrides {
        LimitOverrides {
            memory: self.memory,
            output: self.output,
            file_size: self.file_size,
            open_files: self.open_files,
            processes: self.processes,
        }
    }
}

fn memory<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Setting>, D::Error> {
    d.deserialize_any(SettingVisitor(Kind::Memory)).map(Some)
}

fn output<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Setting>, D::Error> {
    d.deserialize_any(SettingVisitor(Kind::Output)).map(Some)
}

fn file_size<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Setting>, D::Error> {
    d.deserialize_any(SettingVisitor(Kind::FileSize)).map(Some)
}

fn open_files<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Setting>, D::Error> {
    d.deserialize_any(SettingVisitor(Kind::OpenFiles)).map(Some)
}

fn processes<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Setting>, D::Error> {
    d.deserialize_any(SettingVisitor(Kind::Processes)).map(Some)
}

/// Reads a TOML string or integer as a [`Setting`] of one kind.
struct SettingVisitor(Kind);

impl Visitor<'_> for SettingVisitor {
    type Value = Setting;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.example())
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Setting, E> {
        parse(self.0, text).map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Setting, E> {
        if value == 0 {
            return Err(E::custom(format!("0 is not {}", self.0.example())));
        }
        Ok(Setting::At(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Setting, E> {
        match u64::try_from(value) {
            Ok(value) => self.visit_u64(value),
            Err(_) => Err(E::custom(format!("{value} is not {}", self.0.example()))),
        }
    }
}

/// A value in messages and listings: `2G`, `300`, `none`.
pub(crate) fn show(kind: Kind, setting: Setting) -> String {
    match setting {
        Setting::Unlimited => "none".to_owned(),
        Setting::At(value) if kind.is_size() => show_size(value),
        Setting::At(value) => value.to_string(),
    }
}

fn show_size(bytes: u64) -> String {
    for (shift, suffix) in [(40, "T"), (30, "G"), (20, "M"), (10, "K")] {
        if bytes >= 1 << shift && bytes % (1 << shift) == 0 {
            return format!("{}{suffix}", bytes >> shift);
        }
    }
    bytes.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sizes_counts_and_none() {
        for (kind, text, expected) in [
            (Kind::Memory, "2G", Ok(Setting::At(2 << 30))),
            (Kind::Memory, "2g", Ok(Setting::At(2 << 30))),
            (Kind::Memory, "2GiB", Ok(Setting::At(2 << 30))),
            (Kind::Memory, "2GB", Ok(Setting::At(2 << 30))),
            (Kind::Memory, "512M", Ok(Setting::At(512 << 20))),
            (Kind::Memory, "1T", Ok(Setting::At(1 << 40))),
            (Kind::Memory, "none", Ok(Setting::Unlimited)),
            (Kind::Memory, "Unlimited", Ok(Setting::Unlimited)),
            (Kind::Output, "64K", Ok(Setting::At(64 << 10))),
            (Kind::Output, "100", Ok(Setting::At(100))),
            (Kind::Output, "100b", Ok(Setting::At(100))),
            (Kind::FileSize, "16M", Ok(Setting::At(16 << 20))),
            (Kind::FileSize, "none", Ok(Setting::Unlimited)),
            (Kind::OpenFiles, "64", Ok(Setting::At(64))),
            (Kind::OpenFiles, "none", Ok(Setting::Unlimited)),
            (Kind::Processes, "256", Ok(Setting::At(256))),
            (Kind::Processes, " 8 ", Ok(Setting::At(8))),
        ] {
            assert_eq!(parse(kind, text), expected, "{kind:?} {text:?}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_limit() {
        for (kind, text, message) in [
            (Kind::Memory, "", "`` is not a size"),
            (Kind::Memory, "2X", "`2X` is not a size such as `2G`"),
            (Kind::Memory, "-1", "is not a size"),
            (Kind::Memory, "1.5G", "is not a size"),
            (Kind::Memory, "G", "is not a size"),
            (Kind::Memory, "0", "`0` is zero"),
            (Kind::Memory, "99999999999T", "is not a size"),
            (Kind::Output, "none", "cannot be unlimited"),
            (Kind::OpenFiles, "1K", "`1K` is not a number such as `1024`"),
            (Kind::Processes, "many", "is not a number"),
            (Kind::Processes, "0", "is zero"),
        ] {
            let error = parse(kind, text).expect_err(text);
            assert!(error.contains(message), "{kind:?} {text:?}: {error}");
        }
    }

    #[test]
    fn the_most_specific_level_wins_and_blocks_widen() {
        let run = LimitOverrides {
            memory: Some(Setting::At(1 << 30)),
            output: Some(Setting::At(100)),
            ..LimitOverrides::default()
        };
        let file = LimitOverrides {
            memory: Some(Setting::At(2 << 30)),
            processes: Some(Setting::At(10)),
            ..LimitOverrides::default()
        };
        let merged = run.or(file);
        assert_eq!(merged.memory, Some(Setting::At(1 << 30)));
        assert_eq!(merged.output, Some(Setting::At(100)));
        assert_eq!(merged.processes, Some(Setting::At(10)));
        assert_eq!(merged.open_files, None);

        let mut session = LimitOverrides::default();
        for block in [
            LimitOverrides {
                memory: Some(Setting::At(100)),
                ..LimitOverrides::default()
            },
            LimitOverrides {
                memory: Some(Setting::At(300)),
                open_files: Some(Setting::At(5)),
                ..LimitOverrides::default()
            },
            LimitOverrides {
                memory: Some(Setting::At(200)),
                processes: Some(Setting::Unlimited),
                ..LimitOverrides::default()
            },
        ] {
            session.widen(&block);
        }
        assert_eq!(session.memory, Some(Setting::At(300)));
        assert_eq!(session.open_files, Some(Setting::At(5)));
        assert_eq!(session.processes, Some(Setting::Unlimited));

        let limits = session.applied_to(&default_limits());
        assert_eq!(limits.memory_bytes, Some(300));
        assert_eq!(limits.open_files, Some(5));
        assert_eq!(limits.processes, None);
        assert_eq!(limits.output_bytes, default_limits().output_bytes);
    }

    #[test]
    fn reads_a_limits_table() {
        let table: LimitsTable = toml::from_str(
            "memory = \"2G\"\noutput = 4096\nfile_size = \"none\"\nopen_files = 64\nprocesses = \"32\"\n",
        )
        .unwrap();
        assert_eq!(
            table.overrides(),
            LimitOverrides {
                memory: Some(Setting::At(2 << 30)),
                output: Some(Setting::At(4096)),
                file_size: Some(Setting::Unlimited),
                open_files: Some(Setting::At(64)),
                processes: Some(Setting::At(32)),
            }
        );
        for (text, message) in [
            ("memory = \"lots\"", "`lots` is not a size"),
            ("output = \"none\"", "cannot be unlimited"),
            ("processes = -3", "-3 is not a number"),
            ("processes = 0", "0 is not a number"),
            ("open_files = 1.5", "a number such as `1024`"),
            ("threads = 3", "unknown field `threads`"),
        ] {
            let error = toml::from_str::<LimitsTable>(text).expect_err(text);
            assert!(error.to_string().contains(message), "{text}: {error}");
        }
    }

    #[test]
    fn shows_values_as_they_are_written() {
        assert_eq!(show(Kind::Memory, Setting::At(2 << 30)), "2G");
        assert_eq!(show(Kind::Memory, Setting::At(1536 << 20)), "1536M");
        assert_eq!(show(Kind::Output, Setting::At(1000)), "1000");
        assert_eq!(show(Kind::Processes, Setting::At(2048)), "2048");
        assert_eq!(show(Kind::FileSize, Setting::Unlimited), "none");
        let set = LimitOverrides {
            memory: Some(Setting::At(3 << 20)),
            processes: Some(Setting::At(7)),
            ..LimitOverrides::default()
        };
        assert_eq!(set.directives(), ["memory=3M", "processes=7"]);
    }
}
