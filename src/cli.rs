//! The command line: clap types live here and nowhere else. Each command's
//! arguments are turned into a validated config before anything runs.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Result, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config;
use crate::exit_code::{EXIT_CODES_HELP, ExitStatus};
use crate::report::{HumanOptions, HumanReporter, JsonReporter, Reporter};
use crate::verify::VerifyConfig;
use crate::worker::protocol::Limits;

/// Verify the Python in Markdown guides, practise katas, grade them.
#[derive(Debug, Parser)]
#[command(name = "kata", version = crate::version::LONG_VERSION, after_help = EXIT_CODES_HELP)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
    /// When to use colours (`NO_COLOR` is honoured with `auto`).
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto)]
    color: ColorWhen,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Verify the Python blocks in Markdown files or directories.
    #[command(after_help = EXIT_CODES_HELP)]
    Verify(VerifyArgs),
    /// Internal: a worker process that embeds Python (started by kata itself).
    #[command(name = "__zygote", hide = true)]
    Zygote,
}

#[derive(Debug, Args)]
struct VerifyArgs {
    /// Markdown files or directories (directories are searched for `*.md`).
    /// A file named explicitly is read as Markdown whatever its extension.
    /// Default: `./content` if it exists.
    paths: Vec<PathBuf>,
    /// Worker processes to run at once [default: the number of cores].
    #[arg(short = 'j', long, env = "KATA_JOBS")]
    jobs: Option<usize>,
    /// Wall-clock limit per block, unless the block sets `timeout=` (e.g. `10s`, `500ms`)
    /// [default: 10s].
    #[arg(long, value_parser = humantime::parse_duration, env = "KATA_TIMEOUT")]
    timeout: Option<Duration>,
    /// Output format: `human` on stderr, or `json` on stdout (the summary still goes to stderr).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Print only failures (one line each) and the summary.
    #[arg(short, long)]
    quiet: bool,
    /// Never show a progress bar.
    #[arg(long)]
    no_progress: bool,
    /// Read this configuration file (a `kata.toml`, or a `pyproject.toml` with
    /// `[tool.kata]`) instead of looking for one from the current directory up.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Ignore configuration files.
    #[arg(long)]
    no_config: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ColorWhen {
    Auto,
    Always,
    Never,
}

impl ColorWhen {
    fn choice(self) -> anstream::ColorChoice {
        match self {
            ColorWhen::Auto => anstream::ColorChoice::Auto,
            ColorWhen::Always => anstream::ColorChoice::Always,
            ColorWhen::Never => anstream::ColorChoice::Never,
        }
    }
}

/// Default limits for the process that runs a session.
fn default_limits() -> Limits {
    Limits {
        output_bytes: 1 << 20,
        memory_bytes: 4 << 30,
        file_size_bytes: 256 << 20,
        open_files: 1024,
        kill_grace_ms: 200,
    }
}

impl Cli {
    pub(crate) fn run(self) -> Result<ExitStatus> {
        match self.command {
            Command::Verify(args) => verify(args, self.color),
            Command::Zygote => {
                let code = crate::worker::zygote::main();
                Ok(if code == std::process::ExitCode::SUCCESS {
                    ExitStatus::Success
                } else {
                    ExitStatus::InputError
                })
            }
        }
    }
}

fn verify(args: VerifyArgs, color: ColorWhen) -> Result<ExitStatus> {
    if args.jobs == Some(0) {
        bail!("`--jobs` must be at least 1");
    }
    let source = match (args.no_config, args.config) {
        (true, _) => config::Source::Ignore,
        (false, Some(file)) => config::Source::File(file),
        (false, None) => config::Source::Discover,
    };
    let file = config::load(&source)?;
    let overrides = config::Overrides {
        paths: args.paths,
        jobs: args.jobs,
        timeout: args.timeout,
    };
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let resolved = config::resolve(overrides, file.as_ref(), cores);
    let paths = if resolved.paths.is_empty() {
        let content = PathBuf::from("content");
        if !content.is_dir() {
            bail!(
                "no paths given and there is no `./content` directory\n\nhint: name the Markdown files or directories to verify, e.g. `kata verify docs/`, or set `paths` in a `kata.toml`"
            );
        }
        vec![content]
    } else {
        resolved.paths
    };
    crate::version::check_virtualenv()?;
    let file = file.unwrap_or_default();
    let config = VerifyConfig {
        paths,
        jobs: resolved.jobs,
        timeout: resolved.timeout,
        limits: default_limits(),
        worker_env: file.worker_env(|name| std::env::var_os(name)),
        exclude: file.exclude,
        doctest_flags: file.doctest_flags,
        setup: file.setup,
    };
    let human = HumanReporter::new(HumanOptions {
        color: color.choice(),
        progress: !args.no_progress,
        quiet: args.quiet,
    });
    let mut reporters: Vec<Box<dyn Reporter>> = vec![Box::new(human)];
    if let Format::Json = args.format {
        reporters.push(Box::new(JsonReporter::default()));
    }
    crate::verify::run(&config, &mut reporters)
}
