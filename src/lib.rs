//! kata: verify the Python blocks of Markdown guides, serve katas, grade them.
//!
//! No user code runs in the `kata` process: Python runs in worker processes
//! (`kata __zygote`) that embed CPython and fork a fresh child per session.

mod cli;
mod config;
mod exit_code;
mod extract;
mod file_events;
mod kata;
mod limits;
mod python;
mod report;
mod runner;
mod scratch;
mod signals;
mod update;
mod verify;
mod version;
mod worker;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// Parses the command line, runs the command and maps the outcome to an exit code.
pub fn run() -> ExitCode {
    let cli = cli::Cli::parse();
    match cli.run() {
        Ok(status) => status.into(),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "error: {err:#}");
            exit_code::ExitStatus::InputError.into()
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        let io = cause
            .downcast_ref::<std::io::Error>()
            .map(std::io::Error::kind);
        let json = cause
            .downcast_ref::<serde_json::Error>()
            .and_then(serde_json::Error::io_error_kind);
        io.or(json) == Some(std::io::ErrorKind::BrokenPipe)
    })
}
