//! A pool of zygote workers, one dispatcher thread each.

use std::collections::{HashSet, VecDeque};
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read, Write};
use std::ops::ControlFlow;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};

use crate::worker::protocol::{BlockEnd, BlockRun, Captured, SessionJob, WorkerEvent};
use crate::worker::zygote::SCRATCH_ENV;

/// Environment variables passed to workers (and so to user code); everything
/// else in `kata`'s environment, tokens and credentials included, stays out.
const ENV_ALLOW_LIST: &[&str] = &[
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "LANG",
    "LANGUAGE",
    "LC_ALL",
    "LC_CTYPE",
    "LC_MESSAGES",
    "TZ",
    "TMPDIR",
    "VIRTUAL_ENV",
    "PYTHONPATH",
    "PYTHONHASHSEED",
];

/// Process groups of the workers alive now, so a Ctrl-C can stop them all.
static LIVE_WORKERS: Mutex<Vec<i32>> = Mutex::new(Vec::new());

/// Stops every live worker: SIGTERM to its process group, `grace`, then
/// SIGKILL. Called when `kata` itself is interrupted.
pub(crate) fn terminate_workers(grace: Duration) {
    let groups: Vec<i32> = LIVE_WORKERS.lock().map(|l| l.clone()).unwrap_or_default();
    for &group in &groups {
        crate::worker::sys::kill_group(group, libc::SIGTERM);
    }
    std::thread::sleep(grace);
    for &group in &groups {
        crate::worker::sys::kill_group(group, libc::SIGKILL);
    }
}

/// How long a worker may take to start and warm up.
const STARTUP_LIMIT: Duration = Duration::from_secs(60);
/// Slack added to a job's own limits before the worker itself is presumed stuck.
const WORKER_SLACK: Duration = Duration::from_secs(30);
/// How often a dispatcher waiting on its worker looks at [`PoolOptions::cancel`].
const CANCEL_TICK: Duration = Duration::from_millis(20);
/// The crash reason of the blocks a cancelled run did not finish.
const CANCELLED: &str = "the run was cancelled";

#[derive(Debug, Clone)]
pub(crate) struct PoolOptions {
    pub(crate) workers: usize,
    /// Where workers create session scratch directories.
    pub(crate) scratch_root: PathBuf,
    /// Start workers without the warm-up (for a single short session, where
    /// warming up costs more than it saves).
    pub(crate) lean: bool,
    /// Set in the workers' environment on top of [`ENV_ALLOW_LIST`] (the
    /// configuration's `pass_env` and `env`).
    pub(crate) env: Vec<(String, OsString)>,
    /// Set from another thread to abandon the run: each dispatcher kills its
    /// worker's process group (and so the forked child running user code)
    /// within [`CANCEL_TICK`], reports the blocks not yet finished as crashes
    /// with the reason [`CANCELLED`], and starts no further job. `kata watch`
    /// uses it when the learner saves again during a run.
    pub(crate) cancel: Option<Arc<AtomicBool>>,
}

impl PoolOptions {
    fn cancelled(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|cancel| cancel.load(Ordering::SeqCst))
    }
}

/// What the pool reports to its caller.
#[derive(Debug)]
pub(crate) enum PoolEvent {
    Block {
        job: u64,
        index: usize,
        run: Box<BlockRun>,
    },
    /// Every block of the job has been reported.
    JobDone { job: u64 },
}

/// Runs `jobs` on `options.workers` zygotes, calling `on_event` on this thread
/// for every event, as it happens. When `on_event` breaks, no further job is
/// started; the running ones finish and are reported. Fails only if no worker
/// can start at all.
pub(crate) fn run_pool(
    jobs: Vec<SessionJob>,
    options: &PoolOptions,
    mut on_event: impl FnMut(PoolEvent) -> ControlFlow<()>,
) -> Result<()> {
    if jobs.is_empty() {
        return Ok(());
    }
    let workers = options.workers.clamp(1, jobs.len());
    let queue = Arc::new(Mutex::new(VecDeque::from(jobs)));
    let (events, received) = mpsc::channel::<DispatcherMessage>();
    std::thread::scope(|scope| -> Result<()> {
        for number in 0..workers {
            let queue = Arc::clone(&queue);
            let events = events.clone();
            std::thread::Builder::new()
                .name(format!("dispatcher-{number}"))
                .spawn_scoped(scope, move || dispatch(&queue, options, &events))
                .context("starting a dispatcher thread")?;
        }
        drop(events);
        let mut startup_errors = Vec::new();
        let mut running = workers;
        for message in received {
            match message {
                DispatcherMessage::Settled(ack) => {
                    let _ = ack.send(());
                }
                DispatcherMessage::Event(event) => {
                    if on_event(event).is_break() {
                        queue.lock().map(|mut q| q.clear()).ok();
                    }
                }
                DispatcherMessage::Failed(err) => {
                    startup_errors.push(err);
                    running -= 1;
                    if running == 0 {
                        let err = startup_errors.remove(0);
                        queue.lock().map(|mut q| q.clear()).ok();
                        return Err(err);
                    }
                }
            }
        }
        Ok(())
    })
}

enum DispatcherMessage {
    /// A dispatcher finished a job and waits for this answer before it takes
    /// another: by then every event it sent has been handled, so a stop
    /// asked for by one of them (`--fail-fast`) is seen, deterministically.
    Settled(Sender<()>),
    Event(PoolEvent),
    /// This dispatcher's worker could not start; it stopped.
    Failed(anyhow::Error),
}

fn dispatch(
    queue: &Mutex<VecDeque<SessionJob>>,
    options: &PoolOptions,
    events: &Sender<DispatcherMessage>,
) {
    let mut worker: Option<Worker> = None;
    loop {
        if options.cancelled() || crate::signals::received().is_some() {
            return;
        }
        let Some(job) = queue.lock().ok().and_then(|mut q| q.pop_front()) else {
            return;
        };
        if worker.is_none() {
            match Worker::spawn(options) {
                Ok(started) => worker = Some(started),
                Err(err) => {
                    if let Ok(mut q) = queue.lock() {
                        q.push_front(job);
                    }
                    let _ = events.send(DispatcherMessage::Failed(err));
                    return;
                }
            }
        }
        let Some(current) = worker.as_mut() else {
            return;
        };
        let healthy = current.run_job(&job, options, events);
        if !healthy {
            worker = None;
        }
        let (ack, settled) = mpsc::channel();
        if events.send(DispatcherMessage::Settled(ack)).is_err() || settled.recv().is_err() {
            return;
        }
    }
}

/// `kata __zygote` with the environment a worker gets: only
/// [`ENV_ALLOW_LIST`], and a fixed `PYTHONHASHSEED` unless one is set.
pub(crate) fn worker_command() -> Result<Command> {
    let exe = std::env::current_exe().context("locating the kata executable")?;
    let mut command = Command::new(exe);
    command.arg("__zygote").env_clear().envs(
        ENV_ALLOW_LIST
            .iter()
            .filter_map(|name| std::env::var_os(name).map(|value| (name.to_string(), value))),
    );
    if std::env::var_os("PYTHONHASHSEED").is_none() {
        // Same hashes on every run: set and dict-of-str ordering in
        // printed output does not change from one CI run to the next.
        command.env("PYTHONHASHSEED", "0");
    }
    Ok(command)
}

/// One zygote process, seen from `kata`.
struct Worker {
    child: Child,
    stdin: ChildStdin,
    events: Receiver<Result<WorkerEvent, String>>,
    stderr_tail: Arc<Mutex<Vec<u8>>>,
}

impl Worker {
    fn spawn(options: &PoolOptions) -> Result<Worker> {
        let mut command = worker_command()?;
        if options.lean {
            command.arg("--lean");
        }
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        command
            .envs(options.env.iter().map(|(name, value)| (name, value)))
            .env(SCRATCH_ENV, &options.scratch_root);
        let mut child = command.spawn().context("starting a worker process")?;
        if let Ok(mut live) = LIVE_WORKERS.lock() {
            live.push(child.id() as i32);
        }
        let stdin = child.stdin.take().context("worker stdin")?;
        let stdout = child.stdout.take().context("worker stdout")?;
        let stderr = child.stderr.take().context("worker stderr")?;
        let (sender, events) = mpsc::channel();
        std::thread::Builder::new()
            .name("worker-reader".into())
            .spawn(move || read_events(stdout, &sender))
            .context("starting a worker reader thread")?;
        let stderr_tail = Arc::new(Mutex::new(Vec::new()));
        let tail = Arc::clone(&stderr_tail);
        std::thread::Builder::new()
            .name("worker-stderr".into())
            .spawn(move || keep_tail(stderr, &tail))
            .context("starting a worker stderr thread")?;
        let mut worker = Worker {
            child,
            stdin,
            events,
            stderr_tail,
        };
        match next_event(&worker.events, STARTUP_LIMIT, options) {
            Ok(Ok(WorkerEvent::Ready { .. })) => Ok(worker),
            Ok(Ok(other)) => bail!("the worker sent {other:?} before it was ready"),
            Err(Wait::Cancelled) => {
                worker.kill();
                bail!("{CANCELLED}")
            }
            Ok(Err(_)) | Err(_) => {
                worker.kill();
                std::thread::sleep(Duration::from_millis(50));
                let tail = worker.stderr_text();
                Err(anyhow!(
                    "the Python worker failed to start{}",
                    if tail.is_empty() {
                        String::new()
                    } else {
                        format!(":\n{tail}")
                    }
                ))
            }
        }
    }

    fn stderr_text(&self) -> String {
        self.stderr_tail
            .lock()
            .map(|tail| String::from_utf8_lossy(&tail).trim().to_owned())
            .unwrap_or_default()
    }

    /// Sends `job` and forwards its events. Returns false if the worker died
    /// or stopped answering (its unfinished blocks are reported as crashes).
    fn run_job(
        &mut self,
        job: &SessionJob,
        options: &PoolOptions,
        events: &Sender<DispatcherMessage>,
    ) -> bool {
        let mut reported: HashSet<usize> = HashSet::new();
        let budget = job
            .blocks
            .iter()
            .map(|b| Duration::from_millis(b.timeout_ms + job.limits.kill_grace_ms))
            .sum::<Duration>()
            + WORKER_SLACK;
        let sent = serde_json::to_vec(job)
            .map_err(|e| e.to_string())
            .and_then(|mut line| {
                line.push(b'\n');
                self.stdin.write_all(&line).map_err(|e| e.to_string())?;
                self.stdin.flush().map_err(|e| e.to_string())
            });
        let failure = match sent {
            Err(err) => format!("could not send the job to the worker ({err})"),
            Ok(()) => loop {
                match next_event(&self.events, budget, options) {
                    Ok(Ok(WorkerEvent::Block {
                        job: id,
                        index,
                        run,
                    })) if id == job.id => {
                        reported.insert(index);
                        let event = PoolEvent::Block {
                            job: id,
                            index,
                            run,
                        };
                        let _ = events.send(DispatcherMessage::Event(event));
                    }
                    Ok(Ok(WorkerEvent::Done { job: id })) if id == job.id => {
                        let _ =
                            events.send(DispatcherMessage::Event(PoolEvent::JobDone { job: id }));
                        return true;
                    }
                    Ok(Ok(other)) => {
                        break format!("the worker sent an unexpected event: {other:?}");
                    }
                    Ok(Err(err)) => break err,
                    Err(Wait::Timeout) => break "the worker stopped answering".to_owned(),
                    Err(Wait::Disconnected) => break "the worker died".to_owned(),
                    Err(Wait::Cancelled) => break CANCELLED.to_owned(),
                }
            },
        };
        self.kill();
        if crate::signals::received().is_some() {
            // Stopped on purpose: its unfinished blocks did not run, and the
            // run reports them as such.
            return false;
        }
        let tail = self.stderr_text();
        let reason = if tail.is_empty() || failure == CANCELLED {
            failure
        } else {
            format!("{failure}: {tail}")
        };
        for index in (0..job.blocks.len()).filter(|i| !reported.contains(i)) {
            let run = Box::new(BlockRun {
                end: BlockEnd::Crash {
                    reason: reason.clone(),
                },
                stdout: Captured::default(),
                stderr: Captured::default(),
                duration_ms: 0.0,
            });
            let event = PoolEvent::Block {
                job: job.id,
                index,
                run,
            };
            let _ = events.send(DispatcherMessage::Event(event));
        }
        let _ = events.send(DispatcherMessage::Event(PoolEvent::JobDone { job: job.id }));
        false
    }

    fn kill(&mut self) {
        let pid = self.child.id() as i32;
        crate::worker::sys::kill_group(pid, libc::SIGKILL);
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Ok(mut live) = LIVE_WORKERS.lock() {
            live.retain(|&group| group != pid);
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Why [`next_event`] returned without an event.
enum Wait {
    Timeout,
    Disconnected,
    Cancelled,
}

/// The worker's next event within `limit`; with a cancel flag, the wait is
/// cut into [`CANCEL_TICK`]s so that a cancelled run stops promptly.
fn next_event<T>(events: &Receiver<T>, limit: Duration, options: &PoolOptions) -> Result<T, Wait> {
    let received = |wait| match events.recv_timeout(wait) {
        Ok(event) => Ok(event),
        Err(RecvTimeoutError::Timeout) => Err(Wait::Timeout),
        Err(RecvTimeoutError::Disconnected) => Err(Wait::Disconnected),
    };
    if options.cancel.is_none() {
        return received(limit);
    }
    let deadline = Instant::now() + limit;
    loop {
        if options.cancelled() {
            return Err(Wait::Cancelled);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        match received(left.min(CANCEL_TICK)) {
            Err(Wait::Timeout) if !left.is_zero() => {}
            other => return other,
        }
    }
}

fn read_events(stdout: impl Read, sender: &Sender<Result<WorkerEvent, String>>) {
    for line in BufReader::new(stdout).lines() {
        let message = match line {
            Ok(line) => {
                serde_json::from_str(&line).map_err(|e| format!("unreadable worker event: {e}"))
            }
            Err(err) => Err(format!("reading from the worker failed: {err}")),
        };
        let stop = message.is_err();
        if sender.send(message).is_err() || stop {
            return;
        }
    }
}

/// Keeps the last few kilobytes a worker wrote to stderr, for error messages.
fn keep_tail(mut stderr: impl Read, tail: &Mutex<Vec<u8>>) {
    const KEEP: usize = 8 * 1024;
    let mut buf = [0u8; 4096];
    while let Ok(n) = stderr.read(&mut buf) {
        if n == 0 {
            return;
        }
        if let Ok(mut tail) = tail.lock() {
            tail.extend_from_slice(&buf[..n]);
            let excess = tail.len().saturating_sub(KEEP);
            tail.drain(..excess);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(cancel: Option<Arc<AtomicBool>>) -> PoolOptions {
        PoolOptions {
            workers: 1,
            scratch_root: PathBuf::from("/nonexistent"),
            lean: true,
            env: Vec::new(),
            cancel,
        }
    }

    #[test]
    fn a_cancelled_wait_ends_within_a_few_ticks() {
        let (_sender, events) = mpsc::channel::<u32>();
        let cancel = Arc::new(AtomicBool::new(false));
        let options = options(Some(Arc::clone(&cancel)));
        let setter = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(60));
            cancel.store(true, Ordering::SeqCst);
        });
        let started = Instant::now();
        let waited = next_event(&events, Duration::from_secs(60), &options);
        setter.join().unwrap();
        assert!(matches!(waited, Err(Wait::Cancelled)));
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn waits_with_a_cancel_flag_still_deliver_events_and_time_out() {
        let (sender, events) = mpsc::channel::<u32>();
        let options = options(Some(Arc::new(AtomicBool::new(false))));
        sender.send(7).unwrap();
        assert!(matches!(
            next_event(&events, Duration::from_secs(1), &options),
            Ok(7)
        ));
        let started = Instant::now();
        let waited = next_event(&events, Duration::from_millis(70), &options);
        assert!(matches!(waited, Err(Wait::Timeout)));
        assert!(started.elapsed() >= Duration::from_millis(70));
        drop(sender);
        assert!(matches!(
            next_event(&events, Duration::from_secs(1), &options),
            Err(Wait::Disconnected)
        ));
    }
}
