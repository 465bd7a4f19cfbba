//! The `kata __zygote` worker: one embedded interpreter, warmed up once, that
//! forks a fresh child per session and supervises it from outside.
//!
//! The zygote stays single-threaded (fork safety) and runs no user code. For
//! each [`SessionJob`] it forks a child that runs the blocks through the
//! Python harness; it reads the child's stdout and stderr pipes, its result
//! pipe (start/end records) and a pidfd in one `poll` loop, enforces each
//! block's wall-clock limit (SIGTERM to the process group, a grace period,
//! SIGKILL) and reports every block to `kata` as a [`WorkerEvent`]. When a
//! block times out or its child dies, the session resumes in a new child that
//! replays the blocks before it (silently) and goes on with the next one.

use std::collections::HashSet;
use std::ffi::CString;
use std::io::{BufRead, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde::Serialize;

use super::processes::ProcessLimiter;
use super::protocol::{
    BlockEnd, BlockRun, Captured, HarnessRecord, JobBlock, SessionJob, WorkerEvent,
};
use super::sys::{self, ReadResult};
use crate::python::Harness;

/// Environment variable naming the directory where session scratch
/// directories are created (set by `kata` for its workers).
pub(crate) const SCRATCH_ENV: &str = "KATA_SCRATCH_ROOT";

/// How long the child may take to exit after its last block (it calls
/// `_exit` right away; this only bounds a broken child).
const AFTER_LAST_BLOCK: Duration = Duration::from_secs(10);

pub(crate) fn main(lean: bool) -> ExitCode {
    match serve(lean) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "kata worker: {err:#}");
            ExitCode::from(3)
        }
    }
}

/// `kata __zygote --info`: starts Python as a worker does and prints one
/// JSON line describing it (version, prefix, stdlib, site-packages).
pub(crate) fn info() -> ExitCode {
    let described = crate::python::initialize().and_then(|()| crate::python::interpreter_info());
    match described {
        Ok(json) => {
            let mut out = std::io::stdout().lock();
            if writeln!(out, "{json}").and_then(|()| out.flush()).is_err() {
                return ExitCode::from(3);
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "kata worker: {err:#}");
            ExitCode::from(3)
        }
    }
}

fn serve(lean: bool) -> Result<()> {
    sys::die_with_parent();
    sys::become_subreaper();
    sys::ignore_pipe_and_file_size_signals();
    // Children of the same user cannot open this process's descriptors
    // (the event pipe to kata) or memory through /proc.
    sys::forbid_inspection();
    let protocol = sys::take_stdout_for_protocol().context("setting up the result channel")?;
    crate::python::initialize()?;
    let (harness, python_version) = Harness::load(!lean)?;
    let scratch_root = std::env::var_os(SCRATCH_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let mut channel = Channel { fd: protocol };
    let mut processes = ProcessLimiter::new();
    channel.send(&WorkerEvent::Ready { python_version })?;
    // One read buffer for the zygote's whole life: allocating (and zeroing)
    // 64 KiB per session wrote 16 fresh pages each time, and every page the
    // zygote writes after a fork is a copy-on-write fault.
    let mut buf = vec![0u8; READ_BUFFER_BYTES];
    let pid_namespace = if sys::is_root() {
        sys::PidNamespace::current()
    } else {
        None
    };

    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        let line = line.context("reading a job")?;
        if line.trim().is_empty() {
            continue;
        }
        let job: SessionJob = serde_json::from_str(&line).context("decoding a job")?;
        let mut cx = Zygote {
            harness: &harness,
            scratch_root: &scratch_root,
            channel: &mut channel,
            processes: &mut processes,
            buf: &mut buf,
            pid_namespace: pid_namespace.as_ref(),
        };
        run_job(&mut cx, &job)?;
    }
    Ok(())
}

/// Size of the buffer the zygote reads a child's pipes into.
const READ_BUFFER_BYTES: usize = 64 * 1024;

/// The private channel back to `kata`.
struct Channel {
    fd: OwnedFd,
}

impl Channel {
    fn send(&mut self, event: &WorkerEvent) -> Result<()> {
        let mut line = serde_json::to_vec(event)?;
        line.push(b'\n');
        sys::write_all(&self.fd, &line).context("writing to kata")
    }
}

/// What every session of a zygote uses.
struct Zygote<'a> {
    harness: &'a Harness,
    scratch_root: &'a std::path::Path,
    channel: &'a mut Channel,
    processes: &'a mut ProcessLimiter,
    /// The one read buffer (see `serve`).
    buf: &'a mut [u8],
    /// This zygote's PID namespace, for jobs whose child gets its own
    /// (root only).
    pid_namespace: Option<&'a sys::PidNamespace>,
}

/// Runs every block of `job`, resuming in a fresh child after a death.
fn run_job(cx: &mut Zygote<'_>, job: &SessionJob) -> Result<()> {
    let mut pending: Vec<usize> = (0..job.blocks.len()).collect();
    let mut replay: Vec<usize> = Vec::new();
    let mut timeouts = 0;
    while !pending.is_empty() {
        let replay_set: HashSet<usize> = replay.iter().copied().collect();
        let run_list: Vec<usize> = replay.iter().chain(pending.iter()).copied().collect();
        let outcome = run_child(cx, job, &run_list, &replay_set)?;
        let finished: HashSet<usize> = outcome.finished.iter().copied().collect();
        match outcome.death {
            None => break,
            Some((index, end)) if replay_set.contains(&index) => {
                let reason = format!(
                    "the session could not be restored: replaying the block at line {} failed ({})",
                    job.blocks[index].line,
                    describe_end(&end)
                );
                for &left in pending.iter().filter(|i| !finished.contains(i)) {
                    let end = BlockEnd::NotRun {
                        reason: reason.clone(),
                    };
                    cx.channel.send(&WorkerEvent::Block {
                        job: job.id,
                        index: left,
                        run: Box::new(BlockRun {
                            end,
                            stdout: Captured::default(),
                            stderr: Captured::default(),
                            duration_ms: 0.0,
                        }),
                    })?;
                }
                break;
            }
            Some((index, end)) => {
                let setup_died = job.blocks[index].setup_file.is_some();
                let timed_out = matches!(end.end, BlockEnd::Timeout { .. });
                cx.channel.send(&WorkerEvent::Block {
                    job: job.id,
                    index,
                    run: Box::new(BlockRun {
                        end: end.end,
                        stdout: end.stdout,
                        stderr: end.stderr,
                        duration_ms: end.duration_ms,
                    }),
                })?;
                if timed_out {
                    timeouts += 1;
                }
                let gave_up =
                    job.give_up_after_timeouts > 0 && timeouts >= job.give_up_after_timeouts;
                // Without its setup the session's blocks cannot run; after
                // too many timeouts the job is given up on.
                let rest_end = if setup_died {
                    Some(BlockEnd::NotRun {
                        reason: "the session's setup did not finish".to_owned(),
                    })
                } else if gave_up {
                    Some(BlockEnd::GaveUp { timeouts })
                } else {
                    None
                };
                if let Some(rest_end) = rest_end {
                    for &left in pending
                        .iter()
                        .filter(|&&i| i != index && !finished.contains(&i))
                    {
                        cx.channel.send(&WorkerEvent::Block {
                            job: job.id,
                            index: left,
                            run: Box::new(BlockRun {
                                end: rest_end.clone(),
                                stdout: Captured::default(),
                                stderr: Captured::default(),
                                duration_ms: 0.0,
                            }),
                        })?;
                    }
                    break;
                }
                replay.extend(
                    pending
                        .iter()
                        .copied()
                        .filter(|i| finished.contains(i) && job.blocks[*i].replay),
                );
                replay.sort_unstable();
                pending.retain(|i| *i != index && !finished.contains(i));
            }
        }
    }
    cx.channel.send(&WorkerEvent::Done { job: job.id })
}

fn describe_end(end: &DeadBlock) -> String {
    match &end.end {
        BlockEnd::Timeout { limit_ms } => format!("timed out after {limit_ms} ms"),
        BlockEnd::Crash { reason } => reason.clone(),
        BlockEnd::NotRun { reason } => reason.clone(),
        BlockEnd::GaveUp { timeouts } => format!("{timeouts} blocks timed out"),
        BlockEnd::Finished { .. } => "finished".to_owned(),
    }
}

/// A block whose child died under it, with what it had printed.
struct DeadBlock {
    end: BlockEnd,
    stdout: Captured,
    stderr: Captured,
    duration_ms: f64,
}

struct ChildOutcome {
    /// Blocks whose `end` record arrived, in order (replayed ones included).
    finished: Vec<usize>,
    /// The block the child died in, if it did not finish the run list.
    death: Option<(usize, DeadBlock)>,
}

/// The harness's job, as `run_session` reads it.
#[derive(Serialize)]
struct HarnessJob<'a> {
    nonce: &'a str,
    filename: &'a str,
    source: &'a str,
    namespace: &'a str,
    blocks: Vec<&'a JobBlock>,
}

/// Output of one stream, kept up to a cap.
struct Capture {
    bytes: Vec<u8>,
    dropped: u64,
    cap: usize,
}

impl Capture {
    fn new(cap: usize) -> Capture {
        Capture {
            bytes: Vec::new(),
            dropped: 0,
            cap,
        }
    }

    fn push(&mut self, chunk: &[u8]) {
        let room = self.cap.saturating_sub(self.bytes.len());
        let kept = room.min(chunk.len());
        self.bytes.extend_from_slice(&chunk[..kept]);
        self.dropped += (chunk.len() - kept) as u64;
    }

    fn take(&mut self) -> Captured {
        let captured = Captured {
            text: String::from_utf8_lossy(&self.bytes).into_owned(),
            dropped_bytes: self.dropped,
        };
        self.bytes.clear();
        self.dropped = 0;
        captured
    }
}

/// The block the child is running now.
struct Running {
    index: usize,
    started: Instant,
    deadline: Instant,
    limit_ms: u64,
}

impl Running {
    /// The clock of block `index` starts now: at fork for the first block,
    /// and at the ack of the previous one for the others (the child waits
    /// for that ack before it goes on).
    fn new(job: &SessionJob, index: usize) -> Running {
        let limit_ms = job.blocks[index].timeout_ms;
        let now = Instant::now();
        Running {
            index,
            started: now,
            deadline: now + Duration::from_millis(limit_ms),
            limit_ms,
        }
    }
}

fn run_child(
    cx: &mut Zygote<'_>,
    job: &SessionJob,
    run_list: &[usize],
    replay: &HashSet<usize>,
) -> Result<ChildOutcome> {
    let (harness, scratch_root) = (cx.harness, cx.scratch_root);
    let channel = &mut *cx.channel;
    let nonce = nonce();
    let harness_job = HarnessJob {
        nonce: &nonce,
        filename: &job.filename,
        source: &job.source,
        namespace: &job.namespace,
        blocks: run_list.iter().map(|&i| &job.blocks[i]).collect(),
    };
    let job_json = serde_json::to_string(&harness_job)?;
    // The child works in `session-*/work`, so even `..` is its own: a file
    // written there is not seen by other sessions.
    let scratch = tempfile::Builder::new()
        .prefix("session-")
        .tempdir_in(scratch_root)
        .with_context(|| {
            format!(
                "creating a scratch directory in `{}`",
                scratch_root.display()
            )
        })?;
    let workdir = scratch.path().join("work");
    std::fs::create_dir(&workdir).with_context(|| format!("creating `{}`", workdir.display()))?;

    let (out_read, out_write) = sys::pipe()?;
    let (err_read, err_write) = sys::pipe()?;
    let (res_read, res_write) = sys::pipe()?;
    let (ack_read, ack_write) = sys::pipe()?;
    let null = std::fs::File::open("/dev/null")?;
    let total_ms: u64 = run_list.iter().map(|&i| job.blocks[i].timeout_ms).sum();
    let processes = cx.processes.prepare(job.limits.processes);
    let setup = sys::ChildSetup {
        stdout: out_write.as_raw_fd(),
        stderr: err_write.as_raw_fd(),
        results: res_write.as_raw_fd(),
        acks: ack_read.as_raw_fd(),
        null: null.as_raw_fd(),
        cwd: CString::new(workdir.as_os_str().as_encoded_bytes())?,
        memory_bytes: job.limits.memory_bytes,
        file_size_bytes: job.limits.file_size_bytes,
        open_files: job.limits.open_files,
        cpu_seconds: total_ms / 1000 + 5,
        nproc: processes.nproc,
    };
    let namespace = match (cx.pid_namespace, job.own_pid_namespace) {
        (Some(namespace), true) => namespace.enter_new().ok().map(|()| namespace),
        _ => None,
    };
    let forked = harness.fork_session(&setup, &job_json);
    if let Some(namespace) = namespace {
        namespace
            .restore()
            .context("returning to the zygote's PID namespace")?;
    }
    let pid = forked?;
    drop((out_write, err_write, res_write, ack_read, null));
    let pidfd = sys::pidfd_open(pid).context("pidfd_open")?;
    for fd in [&out_read, &err_read, &res_read] {
        sys::set_nonblocking(fd)?;
    }

    let mut supervisor = Supervisor {
        job,
        run_list,
        replay,
        out: &out_read,
        err: &err_read,
        acks: ack_write,
        nonce,
        stdout: Capture::new(job.limits.output_bytes),
        stderr: Capture::new(job.limits.output_bytes),
        records: Vec::new(),
        running: run_list.first().map(|&index| Running::new(job, index)),
        finished: Vec::new(),
        protocol_error: None,
        idle_deadline: Instant::now() + AFTER_LAST_BLOCK,
        buf: &mut *cx.buf,
    };
    let kill_grace = Duration::from_millis(job.limits.kill_grace_ms);
    let mut terminated_at: Option<Instant> = None;
    let mut open = [true, true, true];

    let status = loop {
        let now = Instant::now();
        let deadline = match (&terminated_at, &supervisor.running) {
            (Some(at), _) => *at + kill_grace,
            (None, Some(running)) => running.deadline,
            (None, None) => supervisor.idle_deadline,
        };
        if now >= deadline || supervisor.protocol_error.is_some() && terminated_at.is_none() {
            if terminated_at.is_none() && supervisor.protocol_error.is_none() {
                sys::kill_group(pid, libc::SIGTERM);
                terminated_at = Some(now);
            } else {
                sys::kill_group(pid, libc::SIGKILL);
                terminated_at.get_or_insert(now);
            }
        }
        let mut fds = vec![pidfd.as_raw_fd()];
        let streams = [&out_read, &err_read, &res_read];
        for (i, fd) in streams.iter().enumerate() {
            if open[i] {
                fds.push(fd.as_raw_fd());
            }
        }
        let wait = deadline.saturating_duration_since(Instant::now());
        let ready = sys::poll(&fds, Some(wait.max(Duration::from_millis(1))))?;
        let mut slot = 1;
        for (i, fd) in streams.iter().enumerate() {
            if !open[i] {
                continue;
            }
            if ready[slot] {
                open[i] = supervisor.drain(i, fd, channel)?;
            }
            slot += 1;
        }
        if ready[0] {
            // Grandchildren may still hold the pipes: kill the group, take
            // what is already buffered, and do not wait for end of file.
            sys::kill_group(pid, libc::SIGKILL);
            for (i, fd) in streams.iter().enumerate() {
                if open[i] {
                    supervisor.drain(i, fd, channel)?;
                }
            }
            break sys::wait(pid)?;
        }
    };
    // Anything the child started in a new session was re-parented here;
    // the cgroup, when there is one, also names what escaped the group.
    processes.kill_remaining();
    sys::kill_stray_children();

    let done: HashSet<usize> = supervisor.finished.iter().copied().collect();
    let first_unfinished = run_list.iter().copied().find(|i| !done.contains(i));
    let death = match (supervisor.running.take(), first_unfinished) {
        (_, None) => None,
        (Some(running), _) => {
            let end = if let Some(error) = supervisor.protocol_error.take() {
                BlockEnd::Crash { reason: error }
            } else if terminated_at.is_some() {
                BlockEnd::Timeout {
                    limit_ms: running.limit_ms,
                }
            } else {
                BlockEnd::Crash {
                    reason: format!(
                        "the process running the block {}",
                        sys::describe_wait_status(status)
                    ),
                }
            };
            Some((running.index, supervisor.dead_block(end, running.started)))
        }
        (None, Some(index)) => {
            let reason = supervisor.protocol_error.take().unwrap_or_else(|| {
                format!(
                    "the process {} before running the block",
                    sys::describe_wait_status(status)
                )
            });
            let end = BlockEnd::Crash { reason };
            Some((index, supervisor.dead_block(end, Instant::now())))
        }
    };
    remove_scratch(scratch, &workdir);
    Ok(ChildOutcome {
        finished: supervisor.finished,
        death,
    })
}

/// Removes a session's scratch directory. A session usually leaves `work`
/// empty, so two `rmdir`s do it; `remove_dir_all` (about a dozen more
/// system calls: open, stat, getdents...) is only for what a block left.
fn remove_scratch(scratch: tempfile::TempDir, workdir: &std::path::Path) {
    if std::fs::remove_dir(workdir).is_ok() && std::fs::remove_dir(scratch.path()).is_ok() {
        let _ = scratch.keep();
    }
    // Otherwise dropping `scratch` removes whatever is left.
}

struct Supervisor<'a> {
    job: &'a SessionJob,
    /// The blocks the child runs, in order; the harness reports them so.
    run_list: &'a [usize],
    replay: &'a HashSet<usize>,
    out: &'a OwnedFd,
    err: &'a OwnedFd,
    /// Write end of the child's ack pipe: one byte per finished block.
    acks: OwnedFd,
    buf: &'a mut [u8],
    nonce: String,
    stdout: Capture,
    stderr: Capture,
    records: Vec<u8>,
    running: Option<Running>,
    finished: Vec<usize>,
    protocol_error: Option<String>,
    idle_deadline: Instant,
}

/// A record on the result channel.
#[derive(serde::Deserialize)]
struct Record {
    #[serde(rename = "type")]
    kind: String,
    nonce: String,
    #[serde(default)]
    index: Option<usize>,
    #[serde(flatten)]
    rest: serde_json::Map<String, serde_json::Value>,
}

/// Longest result record accepted, so a flood on the channel cannot grow memory.
const MAX_RECORD_BYTES: usize = 64 * 1024 * 1024;

impl Supervisor<'_> {
    /// Reads what is available on stream `which` (0 stdout, 1 stderr,
    /// 2 results). Returns false at end of file.
    fn drain(&mut self, which: usize, fd: &OwnedFd, channel: &mut Channel) -> Result<bool> {
        loop {
            match sys::read_nonblocking(fd, self.buf)? {
                ReadResult::Eof => return Ok(false),
                ReadResult::WouldBlock => return Ok(true),
                ReadResult::Data(n) => match which {
                    0 => self.stdout.push(&self.buf[..n]),
                    1 => self.stderr.push(&self.buf[..n]),
                    _ => {
                        self.records.extend_from_slice(&self.buf[..n]);
                        self.take_records(channel)?;
                    }
                },
            }
        }
    }

    /// Reads what the child has written to stdout and stderr so far. Called
    /// on an end record: the child wrote that output before the record and
    /// now waits for the ack, so this is exactly the block's output.
    fn drain_output(&mut self) -> Result<()> {
        let (out, err) = (self.out, self.err);
        for (which, fd) in [(0, out), (1, err)] {
            while let ReadResult::Data(n) = sys::read_nonblocking(fd, self.buf)? {
                match which {
                    0 => self.stdout.push(&self.buf[..n]),
                    _ => self.stderr.push(&self.buf[..n]),
                }
            }
        }
        Ok(())
    }

    fn take_records(&mut self, channel: &mut Channel) -> Result<()> {
        while let Some(newline) = self.records.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.records.drain(..=newline).collect();
            if self.protocol_error.is_some() {
                continue;
            }
            if let Err(problem) = self.handle_record(&line, channel)? {
                self.protocol_error = Some(problem);
            }
        }
        if self.records.len() > MAX_RECORD_BYTES && self.protocol_error.is_none() {
            self.protocol_error = Some("the result channel was flooded".to_owned());
            self.records.clear();
        }
        Ok(())
    }

    /// Applies one record; `Ok(Err(_))` is a forged or corrupt record.
    fn handle_record(
        &mut self,
        line: &[u8],
        channel: &mut Channel,
    ) -> Result<std::result::Result<(), String>> {
        let corrupt = |why: &str| Ok(Err(format!("the result channel was corrupted ({why})")));
        let Ok(record) = serde_json::from_slice::<Record>(line) else {
            return corrupt("unreadable record");
        };
        if record.nonce != self.nonce {
            return corrupt("record with a wrong nonce");
        }
        let Some(index) = record.index.filter(|i| *i < self.job.blocks.len()) else {
            return corrupt("record without a valid block index");
        };
        match record.kind.as_str() {
            "end" => {
                let Some(running) = self.running.take().filter(|r| r.index == index) else {
                    return corrupt("end record out of order");
                };
                let harness_record: HarnessRecord =
                    match serde_json::from_value(serde_json::Value::Object(record.rest)) {
                        Ok(record) => record,
                        Err(_) => return corrupt("malformed end record"),
                    };
                self.drain_output()?;
                let stdout = self.stdout.take();
                let stderr = self.stderr.take();
                self.finished.push(index);
                self.idle_deadline = Instant::now() + AFTER_LAST_BLOCK;
                self.running = self
                    .run_list
                    .get(self.finished.len())
                    .map(|&next| Running::new(self.job, next));
                // The child may already be gone (it is killed on overrun).
                let _ = sys::write_all(&self.acks, b"\x01");
                if !self.replay.contains(&index) {
                    let run = Box::new(BlockRun {
                        end: BlockEnd::Finished {
                            record: Box::new(harness_record),
                        },
                        stdout,
                        stderr,
                        duration_ms: running.started.elapsed().as_secs_f64() * 1000.0,
                    });
                    channel.send(&WorkerEvent::Block {
                        job: self.job.id,
                        index,
                        run,
                    })?;
                }
            }
            "internal_error" => {
                let traceback = record
                    .rest
                    .get("traceback")
                    .and_then(|t| t.as_str())
                    .unwrap_or("");
                return Ok(Err(format!("the kata harness failed: {traceback}")));
            }
            _ => return corrupt("unknown record type"),
        }
        Ok(Ok(()))
    }

    fn dead_block(&mut self, end: BlockEnd, started: Instant) -> DeadBlock {
        DeadBlock {
            end,
            stdout: self.stdout.take(),
            stderr: self.stderr.take(),
            duration_ms: started.elapsed().as_secs_f64() * 1000.0,
        }
    }
}

/// A per-child secret stamped on every record, from the kernel's randomness
/// (one `getrandom` call; no file to open, no allocation per byte).
fn nonce() -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut bytes = [0u8; 16];
    if !sys::random_bytes(&mut bytes) {
        if let Ok(mut random) = std::fs::File::open("/dev/urandom") {
            let _ = std::io::Read::read_exact(&mut random, &mut bytes);
        }
    }
    let mut text = String::with_capacity(2 * bytes.len());
    for byte in bytes {
        text.push(char::from(HEX[usize::from(byte >> 4)]));
        text.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    text
}
