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
    /// 128 + N: stopped by signal N (130 for Ctrl-C, 143 for SIGTERM).
    Interrupted(i32),
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> ExitCode {
        match status {
            ExitStatus::Success => ExitCode::SUCCESS,
            ExitStatus::Failure => ExitCode::from(1),
            ExitStatus::InputError => ExitCode::from(2),
            ExitStatus::Interrupted(signal) => ExitCode::from((128 + signal).clamp(0, 255) as u8),
        }
    }
}

/// The table shown at the end of `--help`.
pub(crate) const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  everything checked passed
  1  something checked failed (a block, a test)
  2  usage, configuration or unreadable input
  130, 143  interrupted by Ctrl-C (SIGINT) or SIGTERM; partial results are reported";
