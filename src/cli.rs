//! The command line: clap types live here and nowhere else. Each command's
//! arguments are turned into a validated config before anything runs.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Result, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::exit_code::{EXIT_CODES_HELP, ExitStatus};
use crate::report::{HumanOptions, HumanReporter, MachineFormat, Reporter};
use crate::verify::{Shard, VerifyConfig};
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
    /// Work with the JSON reports of earlier runs.
    #[command(subcommand)]
    Report(ReportCommand),
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
    /// Wall-clock limit per block, unless the block sets `timeout=` (e.g. `10s`, `500ms`).
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration, env = "KATA_TIMEOUT")]
    timeout: Duration,
    /// Output format: `human` on stderr only, or also a machine report on
    /// stdout: `json`, `junit` (JUnit XML) or `github` (Actions annotations).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Write the machine report (`--format json|junit|github`) to FILE
    /// instead of stdout.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Verify only the K-th of N deterministic slices of the files (e.g.
    /// `2/3`), to split a corpus across CI machines.
    #[arg(long, value_name = "K/N", value_parser = clap::value_parser!(Shard))]
    shard: Option<Shard>,
    /// Print only failures (one line each) and the summary.
    #[arg(short, long)]
    quiet: bool,
    /// Never show a progress bar.
    #[arg(long)]
    no_progress: bool,
}

#[derive(Debug, Subcommand)]
enum ReportCommand {
    /// Combine JSON reports (e.g. of `--shard` runs) into one report.
    #[command(after_help = EXIT_CODES_HELP)]
    Merge(MergeArgs),
}

#[derive(Debug, Args)]
struct MergeArgs {
    /// JSON reports written by `kata verify --format json`.
    #[arg(required = true, value_name = "REPORT")]
    reports: Vec<PathBuf>,
    /// Output format: `human` on stderr only, or also `json`, `junit` or
    /// `github` on stdout.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Write the machine report to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Print only failures (one line each) and the summary.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
    Junit,
    Github,
}

impl Format {
    fn machine(self) -> Option<MachineFormat> {
        match self {
            Format::Human => None,
            Format::Json => Some(MachineFormat::Json),
            Format::Junit => Some(MachineFormat::Junit),
            Format::Github => Some(MachineFormat::Github),
        }
    }
}

/// The human reporter plus the machine one `format` asks for.
fn reporters(
    format: Format,
    output: Option<&std::path::Path>,
    shard: Option<Shard>,
    human: HumanOptions,
) -> Result<Vec<Box<dyn Reporter>>> {
    let mut reporters: Vec<Box<dyn Reporter>> = Vec::new();
    match format.machine() {
        Some(machine) => {
            let out = crate::report::open_output(output)?;
            reporters.push(Box::new(HumanReporter::new(human)));
            reporters.push(crate::report::machine_reporter(machine, out, shard));
        }
        None if output.is_some() => bail!(
            "`--output` needs a machine format\n\nhint: add `--format json`, `--format junit` or `--format github`"
        ),
        None => reporters.push(Box::new(HumanReporter::new(human))),
    }
    Ok(reporters)
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
            Command::Report(ReportCommand::Merge(args)) => merge(args, self.color),
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
    let paths = if args.paths.is_empty() {
        let content = PathBuf::from("content");
        if !content.is_dir() {
            bail!(
                "no paths given and there is no `./content` directory\n\nhint: name the Markdown files or directories to verify, e.g. `kata verify docs/`"
            );
        }
        vec![content]
    } else {
        args.paths
    };
    let jobs = match args.jobs {
        Some(0) => bail!("`--jobs` must be at least 1"),
        Some(jobs) => jobs,
        None => std::thread::available_parallelism().map_or(1, usize::from),
    };
    crate::version::check_virtualenv()?;
    let config = VerifyConfig {
        paths,
        jobs,
        timeout: args.timeout,
        limits: default_limits(),
        shard: args.shard,
    };
    let human = HumanOptions {
        color: color.choice(),
        progress: !args.no_progress,
        quiet: args.quiet,
    };
    let mut reporters = reporters(args.format, args.output.as_deref(), args.shard, human)?;
    crate::verify::run(&config, &mut reporters)
}

fn merge(args: MergeArgs, color: ColorWhen) -> Result<ExitStatus> {
    let human = HumanOptions {
        color: color.choice(),
        progress: false,
        quiet: args.quiet,
    };
    let merged = crate::report::merge::load(&args.reports)?;
    let mut reporters = reporters(args.format, args.output.as_deref(), None, human)?;
    crate::report::merge::replay(&merged, &mut reporters)
}
