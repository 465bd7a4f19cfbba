//! The command line: clap types live here and nowhere else. Each command's
//! arguments are turned into a validated config before anything runs.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Result, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};

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
    /// List katas with their level, status and progress.
    List {
        /// Only this topic.
        topic: Option<String>,
        #[command(flatten)]
        katas: KataArgs,
    },
    /// Run your file for a kata (or the next kata of a topic) against its tests.
    Run {
        /// A kata (`generators/flatten` or `flatten`) or a topic (`generators`).
        target: Option<String>,
        /// `human`, or `json` (Exercism's results.json, version 3) on stdout.
        #[arg(long, value_enum, default_value_t = RunFormat::Human)]
        format: RunFormat,
        #[command(flatten)]
        katas: KataArgs,
    },
    /// Show the next hint for a kata (one more each time).
    Hint {
        /// A kata; default: the current one.
        target: Option<String>,
        #[command(flatten)]
        katas: KataArgs,
    },
    /// Show a kata's model answer (once solved, or with --give-up).
    Solution {
        /// The kata.
        target: String,
        /// Show it before solving; this is recorded in your progress.
        #[arg(long)]
        give_up: bool,
        #[command(flatten)]
        katas: KataArgs,
    },
    /// Put a kata's starter code back in your file.
    Reset {
        /// The kata.
        target: String,
        #[command(flatten)]
        katas: KataArgs,
    },
    /// Internal: a worker process that embeds Python (started by kata itself).
    #[command(name = "__zygote", hide = true)]
    Zygote {
        /// Skip the warm-up: for one short session.
        #[arg(long)]
        lean: bool,
    },
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
    /// Output format: `human` on stderr, or `json` on stdout (the summary still goes to stderr).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Print only failures (one line each) and the summary.
    #[arg(short, long)]
    quiet: bool,
    /// Never show a progress bar.
    #[arg(long)]
    no_progress: bool,
}

/// Where katas and your work are.
#[derive(Debug, Args)]
struct KataArgs {
    /// A directory of katas (`<topic>/<slug>/kata.toml`) instead of the built-in ones.
    #[arg(long, env = "KATA_KATAS", value_name = "DIR")]
    katas: Option<PathBuf>,
    /// Your practice workspace [default: the nearest `.kata/` above, else `./kata-practice`].
    #[arg(long, env = "KATA_WORKSPACE", value_name = "DIR")]
    workspace: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RunFormat {
    Human,
    Json,
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
            Command::List { topic, katas } => {
                crate::kata::list(&kata_config(katas, self.color), topic.as_deref())
            }
            Command::Run {
                target,
                format,
                katas,
            } => {
                let format = match format {
                    RunFormat::Human => crate::kata::RunFormat::Human,
                    RunFormat::Json => crate::kata::RunFormat::Json,
                };
                crate::kata::run(&kata_config(katas, self.color), target.as_deref(), format)
            }
            Command::Hint { target, katas } => {
                crate::kata::hint(&kata_config(katas, self.color), target.as_deref())
            }
            Command::Solution {
                target,
                give_up,
                katas,
            } => crate::kata::solution(&kata_config(katas, self.color), &target, give_up),
            Command::Reset { target, katas } => {
                crate::kata::reset(&kata_config(katas, self.color), &target)
            }
            Command::Zygote { lean } => {
                let code = crate::worker::zygote::main(lean);
                Ok(if code == std::process::ExitCode::SUCCESS {
                    ExitStatus::Success
                } else {
                    ExitStatus::InputError
                })
            }
        }
    }
}

fn kata_config(args: KataArgs, color: ColorWhen) -> crate::kata::KataConfig {
    crate::kata::KataConfig {
        katas: args.katas,
        workspace: args.workspace,
        color: color.choice(),
        limits: default_limits(),
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
