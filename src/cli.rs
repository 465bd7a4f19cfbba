//! The command line: clap types live here and nowhere else. Each command's
//! arguments are turned into a validated config before anything runs.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use crate::config;
use crate::exit_code::{EXIT_CODES_HELP, ExitStatus};
use crate::limits::{self, Kind, LimitOverrides, Setting, default_limits, grade_limits};
use crate::report::{HumanOptions, HumanReporter, MachineFormat, Reporter};
use crate::verify::{Filter, Shard, VerifyConfig};

/// Verify the Python in Markdown guides, practise katas, grade them.
#[derive(Debug, Parser)]
#[command(
    name = "kata",
    disable_version_flag = true,
    arg_required_else_help = true,
    after_help = EXIT_CODES_HELP
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Print kata's version and the embedded Python's (version, stdlib, site-packages, virtualenv).
    #[arg(short = 'V', long)]
    version: bool,
    /// When to use colours (`NO_COLOR` is honoured with `auto`).
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto)]
    color: ColorWhen,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Verify the Python blocks in Markdown files or directories.
    #[command(after_help = EXIT_CODES_HELP)]
    Verify(VerifyArgs),
    /// Print a shell completion script (e.g. `kata completions bash > ~/.local/share/bash-completion/completions/kata`).
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
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
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Run your file for a kata on every save until it passes, then move on to
    /// the next kata of its topic. Keys: n next, h hint, l list, r run, q quit.
    Watch {
        /// A kata (`generators/flatten` or `flatten`) or a topic (`generators`);
        /// default: the current kata.
        target: Option<String>,
        #[command(flatten)]
        katas: KataArgs,
        #[command(flatten)]
        limits: LimitArgs,
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
    /// A timed practice session: katas one after another, then a score sheet.
    Session(SessionArgs),
    /// Scaffold a kata for an instructor: `katas/TOPIC/SLUG/` with every file, ready for `kata check`.
    New {
        /// `topic/slug`, e.g. `decorators/retry`.
        name: String,
        /// The katas root to create it in.
        #[arg(long, value_name = "DIR", default_value = "katas")]
        katas: PathBuf,
        /// How hard it is.
        #[arg(long, value_enum, default_value_t = LevelArg::Mid)]
        level: LevelArg,
        /// Its title [default: from the slug].
        #[arg(long)]
        title: Option<String>,
    },
    /// Lint katas: files, kata.toml, hints, README examples, solution passes (deterministically, in time), starter fails.
    #[command(after_help = EXIT_CODES_HELP)]
    Check {
        /// Katas roots, topic directories or kata directories [default: `katas/`].
        paths: Vec<PathBuf>,
        /// Worker processes to run at once [default: the number of cores].
        #[arg(short = 'j', long, env = "KATA_JOBS")]
        jobs: Option<usize>,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Grade submissions with a kata's public and hidden tests, each in its own sandboxed process.
    #[command(after_help = EXIT_CODES_HELP)]
    Grade(GradeArgs),
    /// Work with the JSON reports of earlier runs.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Internal: a worker process that embeds Python (started by kata itself).
    #[command(name = "__zygote", hide = true)]
    Zygote {
        /// Print one JSON line describing the embedded Python, then exit.
        #[arg(long)]
        info: bool,
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
    /// Wall-clock limit per block, unless the block sets `timeout=` (e.g. `10s`, `500ms`)
    /// [default: 10s].
    #[arg(long, value_parser = humantime::parse_duration, env = "KATA_TIMEOUT")]
    timeout: Option<Duration>,
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
    /// Rewrite the expected outputs of failed blocks (output blocks, doctest
    /// output, `#>` lines) in place to what the code printed in this run.
    #[arg(long)]
    update: bool,
    /// Print the blocks found (file:line, language, expectation, directives)
    /// on stdout without running anything.
    #[arg(long, conflicts_with_all = ["watch", "fail_fast"])]
    list: bool,
    /// Only files whose path contains TEXT, or only the block at FILE:LINE
    /// (the blocks before it in its session run, unreported). Repeatable.
    #[arg(long, value_name = "TEXT|FILE:LINE")]
    filter: Vec<String>,
    /// Start no new session after the first failing block; report what ran
    /// and how many blocks did not.
    #[arg(long)]
    fail_fast: bool,
    /// After the run, re-verify each Markdown file that changes under the
    /// paths, until Ctrl-C.
    #[arg(long)]
    watch: bool,
    /// Read this configuration file (a `kata.toml`, or a `pyproject.toml` with
    /// `[tool.kata]`) instead of looking for one from the current directory up.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Ignore configuration files.
    #[arg(long)]
    no_config: bool,
    #[command(flatten)]
    limits: LimitArgs,
}

/// Resource limits of the processes that run the code, for this run. A
/// block's directive (`memory=2G`) or a kata's `[limits]` wins over them.
#[derive(Debug, Args)]
struct LimitArgs {
    /// Address space per session (`RLIMIT_AS`), e.g. `2G`, `512M`, or `none`
    /// [default: 4G; 1G for grade].
    #[arg(long, value_name = "SIZE", value_parser = memory_setting)]
    max_memory: Option<Setting>,
    /// Output kept per stream per block; the rest is dropped and counted,
    /// e.g. `4M`, `64K` [default: 1M; 64K for grade].
    #[arg(long, value_name = "SIZE", value_parser = output_setting)]
    max_output: Option<Setting>,
    /// Largest file a session may write (`RLIMIT_FSIZE`), e.g. `1G`, or `none`
    /// [default: 256M; 16M for grade].
    #[arg(long, value_name = "SIZE", value_parser = file_size_setting)]
    max_file_size: Option<Setting>,
    /// Open file descriptors per process (`RLIMIT_NOFILE`), or `none`
    /// [default: 1024; 256 for grade].
    #[arg(long, value_name = "N", value_parser = open_files_setting)]
    max_open_files: Option<Setting>,
    /// Processes and threads a session may have at once, or `none`
    /// [default: 256; 128 for grade].
    #[arg(long, value_name = "N", value_parser = processes_setting)]
    max_processes: Option<Setting>,
}

impl LimitArgs {
    fn overrides(&self) -> LimitOverrides {
        LimitOverrides {
            memory: self.max_memory,
            output: self.max_output,
            file_size: self.max_file_size,
            open_files: self.max_open_files,
            processes: self.max_processes,
        }
    }
}

fn memory_setting(text: &str) -> Result<Setting, String> {
    limits::parse(Kind::Memory, text)
}

fn output_setting(text: &str) -> Result<Setting, String> {
    limits::parse(Kind::Output, text)
}

fn file_size_setting(text: &str) -> Result<Setting, String> {
    limits::parse(Kind::FileSize, text)
}

fn open_files_setting(text: &str) -> Result<Setting, String> {
    limits::parse(Kind::OpenFiles, text)
}

fn processes_setting(text: &str) -> Result<Setting, String> {
    limits::parse(Kind::Processes, text)
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

#[derive(Debug, Args)]
struct SessionArgs {
    /// How long the session lasts, in minutes.
    #[arg(long, value_name = "N", default_value_t = 25,
          value_parser = clap::value_parser!(u64).range(1..))]
    minutes: u64,
    /// How long the session lasts, as a duration (`90s`, `1h 30m`), instead of `--minutes`.
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration,
          conflicts_with = "minutes")]
    time: Option<Duration>,
    /// Only katas of this topic.
    #[arg(long, value_name = "TOPIC")]
    topic: Option<String>,
    /// Only katas of this level.
    #[arg(long, value_enum, value_name = "LEVEL")]
    level: Option<LevelArg>,
    /// Read each task's title and first paragraph aloud (espeak-ng, espeak, say or spd-say).
    #[arg(long)]
    voice: bool,
    #[command(flatten)]
    katas: KataArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RunFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
struct GradeArgs {
    /// The kata: a kata directory, or `topic/slug` among `--katas`.
    kata: String,
    /// Submissions: `.py` files, folders with `solution.py` (or one `.py`), or folders of those.
    /// The student id is the file or folder name without extension.
    #[arg(required = true)]
    submissions: Vec<PathBuf>,
    /// Worker processes to run at once [default: the number of cores].
    #[arg(short = 'j', long, env = "KATA_JOBS")]
    jobs: Option<usize>,
    /// Where to write grades.csv, results/ and gradescope/.
    #[arg(long, value_name = "DIR", default_value = "grades")]
    out: PathBuf,
    /// Outputs, comma-separated: `csv` (grades.csv), `json` (results/*.json, always written),
    /// `gradescope` (gradescope/<student>/results.json).
    #[arg(long, value_enum, value_delimiter = ',', default_value = "csv,json")]
    format: Vec<GradeFormatArg>,
    /// Regrade submissions whose content and kata did not change since the last run.
    #[arg(long)]
    force: bool,
    /// Grade only the K-th of N slices of the submissions (e.g. `2/3`); the
    /// shards' results/ directories together make the whole sheet.
    #[arg(long, value_name = "K/N", value_parser = clap::value_parser!(Shard))]
    shard: Option<Shard>,
    /// Never show a progress bar.
    #[arg(long)]
    no_progress: bool,
    /// A directory of katas, to find KATA by name.
    #[arg(long, env = "KATA_KATAS", value_name = "DIR")]
    katas: Option<PathBuf>,
    /// Give up on a submission after this many of its tests time out: its
    /// remaining tests count as timeouts without running (0: run them all).
    #[arg(long, value_name = "N", default_value_t = 2)]
    max_timeouts: u32,
    #[command(flatten)]
    limits: LimitArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum GradeFormatArg {
    Csv,
    Json,
    Gradescope,
}

/// A kata's level on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum LevelArg {
    Mid,
    Senior,
    Principal,
}

impl LevelArg {
    fn level(self) -> crate::kata::meta::Level {
        match self {
            LevelArg::Mid => crate::kata::meta::Level::Mid,
            LevelArg::Senior => crate::kata::meta::Level::Senior,
            LevelArg::Principal => crate::kata::meta::Level::Principal,
        }
    }
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

impl Cli {
    pub(crate) fn run(self) -> Result<ExitStatus> {
        if self.version {
            return crate::version::print_version();
        }
        match self.command {
            None => {
                let help = Cli::command().render_help().ansi().to_string();
                let mut err = std::io::stderr().lock();
                let _ = write!(err, "{help}");
                Ok(ExitStatus::InputError)
            }
            Some(Command::Verify(args)) => verify(args, self.color),
            Some(Command::Completions { shell }) => completions(shell),
            Some(Command::Report(ReportCommand::Merge(args))) => merge(args, self.color),
            Some(Command::List { topic, katas }) => {
                crate::kata::list(&kata_config(katas, self.color), topic.as_deref())
            }
            Some(Command::Run {
                target,
                format,
                katas,
                limits,
            }) => {
                let format = match format {
                    RunFormat::Human => crate::kata::RunFormat::Human,
                    RunFormat::Json => crate::kata::RunFormat::Json,
                };
                let mut config = kata_config(katas, self.color);
                limits.overrides().apply(&mut config.limits);
                crate::kata::run(&config, target.as_deref(), format)
            }
            Some(Command::Watch {
                target,
                katas,
                limits,
            }) => {
                let mut config = kata_config(katas, self.color);
                limits.overrides().apply(&mut config.limits);
                crate::kata::watch::watch(&config, target.as_deref())
            }
            Some(Command::Hint { target, katas }) => {
                crate::kata::hint(&kata_config(katas, self.color), target.as_deref())
            }
            Some(Command::Solution {
                target,
                give_up,
                katas,
            }) => crate::kata::solution(&kata_config(katas, self.color), &target, give_up),
            Some(Command::Reset { target, katas }) => {
                crate::kata::reset(&kata_config(katas, self.color), &target)
            }
            Some(Command::Session(args)) => session(args, self.color),
            Some(Command::New {
                name,
                katas,
                level,
                title,
            }) => {
                let request = crate::kata::new::NewKata {
                    name,
                    root: katas,
                    level: level.level(),
                    title,
                };
                let dir = crate::kata::new::scaffold(&request)?;
                let mut out = std::io::stdout().lock();
                writeln!(
                    out,
                    "Created {}/ (kata.toml, README.md, starter.py, solution.py, test_public.py, test_hidden.py).\nEdit them, then `kata check {}`.",
                    dir.display(),
                    dir.display()
                )?;
                Ok(ExitStatus::Success)
            }
            Some(Command::Check {
                paths,
                jobs,
                limits,
            }) => {
                let config = crate::kata::check::CheckConfig {
                    paths: if paths.is_empty() {
                        vec![PathBuf::from("katas")]
                    } else {
                        paths
                    },
                    jobs: resolve_jobs(jobs)?,
                    color: self.color.choice(),
                    limits: limits.overrides().applied_to(&default_limits()),
                };
                crate::kata::check::run(&config)
            }
            Some(Command::Grade(args)) => {
                let config = crate::kata::grade::GradeConfig {
                    kata: args.kata,
                    katas: args.katas,
                    max_timeouts: args.max_timeouts,
                    submissions: args.submissions,
                    jobs: resolve_jobs(args.jobs)?,
                    out: args.out,
                    formats: args
                        .format
                        .iter()
                        .map(|f| match f {
                            GradeFormatArg::Csv => crate::kata::grade::GradeFormat::Csv,
                            GradeFormatArg::Json => crate::kata::grade::GradeFormat::Json,
                            GradeFormatArg::Gradescope => {
                                crate::kata::grade::GradeFormat::Gradescope
                            }
                        })
                        .collect(),
                    force: args.force,
                    shard: args.shard,
                    progress: !args.no_progress,
                    limits: args.limits.overrides().applied_to(&grade_limits()),
                };
                crate::kata::grade::run(&config)
            }
            Some(Command::Zygote { info, lean }) => {
                let code = if info {
                    crate::worker::zygote::info()
                } else {
                    crate::worker::zygote::main(lean)
                };
                Ok(if code == std::process::ExitCode::SUCCESS {
                    ExitStatus::Success
                } else {
                    ExitStatus::InputError
                })
            }
        }
    }
}

/// `--jobs`, or the number of cores.
fn resolve_jobs(jobs: Option<usize>) -> Result<usize> {
    match jobs {
        Some(0) => bail!("`--jobs` must be at least 1"),
        Some(jobs) => Ok(jobs),
        None => Ok(std::thread::available_parallelism().map_or(1, usize::from)),
    }
}

/// [`Cli`] without its hidden subcommands: clap_complete's scripts would
/// otherwise offer `__zygote`.
fn public_command() -> clap::Command {
    let full = Cli::command();
    clap::Command::new("kata")
        .about(full.get_about().cloned().unwrap_or_default())
        .disable_version_flag(true)
        .args(full.get_arguments().cloned())
        .subcommands(full.get_subcommands().filter(|c| !c.is_hide_set()).cloned())
}

fn completions(shell: clap_complete::Shell) -> Result<ExitStatus> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut public_command(), "kata", &mut script);
    let mut out = std::io::stdout().lock();
    out.write_all(&script)
        .and_then(|()| out.flush())
        .context("writing the completion script")?;
    Ok(ExitStatus::Success)
}

fn kata_config(args: KataArgs, color: ColorWhen) -> crate::kata::KataConfig {
    crate::kata::KataConfig {
        katas: args.katas,
        workspace: args.workspace,
        color: color.choice(),
        limits: default_limits(),
    }
}

fn session(args: SessionArgs, color: ColorWhen) -> Result<ExitStatus> {
    let duration = args
        .time
        .unwrap_or(Duration::from_secs(args.minutes.saturating_mul(60)));
    if duration < Duration::from_secs(1) {
        bail!("a session lasts at least one second (`--time 1s`)");
    }
    let options = crate::kata::session::SessionOptions {
        duration,
        topic: args.topic,
        level: args.level.map(LevelArg::level),
        voice: args.voice,
    };
    crate::kata::session::run(&kata_config(args.katas, color), &options)
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
        limits: args.limits.overrides(),
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
        limits: resolved.limits.applied_to(&default_limits()),
        update: args.update,
        filters: args.filter.iter().map(|text| Filter::parse(text)).collect(),
        fail_fast: args.fail_fast,
        shard: args.shard,
        worker_env: file.worker_env(|name| std::env::var_os(name)),
        exclude: file.exclude,
        doctest_flags: file.doctest_flags,
        setup: file.setup,
    };
    let human_options = HumanOptions {
        color: color.choice(),
        progress: !args.no_progress,
        quiet: args.quiet,
    };
    if args.list {
        let format = match args.format {
            Format::Json => crate::verify::list::ListFormat::Json,
            _ => crate::verify::list::ListFormat::Text,
        };
        let mut messages = HumanReporter::new(human_options);
        return crate::verify::list::run(&config, format, &mut messages);
    }
    if args.watch {
        let make = || {
            reporters(
                args.format,
                args.output.as_deref(),
                args.shard,
                human_options,
            )
            .unwrap_or_else(|_| vec![Box::new(HumanReporter::new(human_options))])
        };
        return crate::verify::watch::run(&config, color.choice(), &make);
    }
    let mut reporters = reporters(
        args.format,
        args.output.as_deref(),
        args.shard,
        human_options,
    )?;
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
