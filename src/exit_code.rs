//! The exit codes `kata` documents in `--help`.

use std::process::ExitCode;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExitStatus {
    /// 0: everything checked passed.
    Success,
    /// 1: something checked failed (a block, a test).
    Failure,
    /// 2: usage, configuration or unreadable input.
    InputError,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> ExitCode {
        match status {
            ExitStatus::Success => ExitCode::SUCCESS,
            ExitStatus::Failure => ExitCode::from(1),
            ExitStatus::InputError => ExitCode::from(2),
        }
    }
}

/// The table shown at the end of `--help`.
pub(crate) const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  everything checked passed
  1  something checked failed (a block, a test)
  2  usage, configuration or unreadable input";
