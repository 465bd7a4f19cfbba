//! kata: verify the Python blocks of Markdown guides, serve katas, grade them.

pub(crate) mod extract;

/// Entry point used by `main`.
pub fn run() -> std::process::ExitCode {
    std::process::ExitCode::SUCCESS
}
