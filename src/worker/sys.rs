//! Thin wrappers over the Linux calls the zygote needs: pipes, poll, pidfd,
//! process groups, rlimits and signals. All `unsafe` of the worker lives here.
#![expect(
    unsafe_code,
    reason = "fork supervision needs raw descriptors, signals and rlimits"
)]

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::Duration;

/// Lowest descriptor number for the zygote's own pipes, so that the child's
/// `dup2` onto 0-3 never clobbers one of them.
const HIGH_FD: RawFd = 10;

fn check(ret: libc::c_int) -> io::Result<libc::c_int> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

/// A close-on-exec pipe `(read, write)` with both ends at descriptors >= 10.
pub(crate) fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as RawFd; 2];
    check(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) })?;
    let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    Ok((move_high(read)?, move_high(write)?))
}

fn move_high(fd: OwnedFd) -> io::Result<OwnedFd> {
    if fd.as_raw_fd() >= HIGH_FD {
        return Ok(fd);
    }
    let new = check(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, HIGH_FD) })?;
    Ok(unsafe { OwnedFd::from_raw_fd(new) })
}

pub(crate) fn set_nonblocking(fd: &OwnedFd) -> io::Result<()> {
    let flags = check(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) })?;
    check(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, flags | libc::O_NONBLOCK) })?;
    Ok(())
}

/// Result of a non-blocking read.
pub(crate) enum ReadResult {
    Data(usize),
    WouldBlock,
    Eof,
}

pub(crate) fn read_nonblocking(fd: &OwnedFd, buf: &mut [u8]) -> io::Result<ReadResult> {
    loop {
        let n = unsafe { libc::read(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
        if n > 0 {
            return Ok(ReadResult::Data(n as usize));
        }
        if n == 0 {
            return Ok(ReadResult::Eof);
        }
        let err = io::Error::last_os_error();
        match err.kind() {
            io::ErrorKind::Interrupted => continue,
            io::ErrorKind::WouldBlock => return Ok(ReadResult::WouldBlock),
            _ => return Err(err),
        }
    }
}

/// A descriptor that becomes readable when the process exits (Linux >= 5.3).
pub(crate) fn pidfd_open(pid: libc::pid_t) -> io::Result<OwnedFd> {
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// Waits until one of `fds` is readable (or hung up), or `timeout` passes.
/// Returns, per descriptor, whether it is ready.
pub(crate) fn poll(fds: &[RawFd], timeout: Option<Duration>) -> io::Result<Vec<bool>> {
    let mut entries: Vec<libc::pollfd> = fds
        .iter()
        .map(|&fd| libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        })
        .collect();
    let millis = match timeout {
        None => -1,
        Some(t) => t.as_millis().min(i32::MAX as u128) as libc::c_int,
    };
    loop {
        let ret =
            unsafe { libc::poll(entries.as_mut_ptr(), entries.len() as libc::nfds_t, millis) };
        if ret >= 0 {
            return Ok(entries.iter().map(|e| e.revents != 0).collect());
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

/// Sends `signal` to every process of the group led by `pgid`.
pub(crate) fn kill_group(pgid: libc::pid_t, signal: libc::c_int) {
    if pgid > 0 {
        unsafe { libc::kill(-pgid, signal) };
    }
}

/// Reaps `pid`, returning its raw wait status.
pub(crate) fn wait(pid: libc::pid_t) -> io::Result<libc::c_int> {
    let mut status = 0;
    loop {
        let ret = unsafe { libc::waitpid(pid, &mut status, 0) };
        if ret >= 0 {
            return Ok(status);
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

/// Describes a raw wait status for a report.
pub(crate) fn describe_wait_status(status: libc::c_int) -> String {
    if libc::WIFSIGNALED(status) {
        let signal = libc::WTERMSIG(status);
        format!("killed by signal {signal} ({})", signal_name(signal))
    } else if libc::WIFEXITED(status) {
        format!("exited with status {}", libc::WEXITSTATUS(status))
    } else {
        format!("ended with wait status {status}")
    }
}

pub(crate) fn signal_name(signal: libc::c_int) -> &'static str {
    match signal {
        libc::SIGHUP => "SIGHUP",
        libc::SIGINT => "SIGINT",
        libc::SIGQUIT => "SIGQUIT",
        libc::SIGILL => "SIGILL",
        libc::SIGTRAP => "SIGTRAP",
        libc::SIGABRT => "SIGABRT",
        libc::SIGBUS => "SIGBUS",
        libc::SIGFPE => "SIGFPE",
        libc::SIGKILL => "SIGKILL",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGPIPE => "SIGPIPE",
        libc::SIGALRM => "SIGALRM",
        libc::SIGTERM => "SIGTERM",
        libc::SIGXCPU => "SIGXCPU (CPU time limit)",
        libc::SIGXFSZ => "SIGXFSZ (file size limit)",
        libc::SIGSYS => "SIGSYS",
        _ => "unknown signal",
    }
}

pub(crate) fn set_rlimit(resource: libc::__rlimit_resource_t, value: u64) {
    let limit = libc::rlimit {
        rlim_cur: value as libc::rlim_t,
        rlim_max: value as libc::rlim_t,
    };
    unsafe { libc::setrlimit(resource, &limit) };
}

/// Ignores SIGPIPE and SIGXFSZ so that writing to a closed pipe or past the
/// file-size limit raises an error in Python instead of killing the process
/// (CPython embedded by pyo3 installs no handlers of its own).
pub(crate) fn ignore_pipe_and_file_size_signals() {
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

/// Asks the kernel to SIGKILL this process when its parent thread exits, so a
/// killed `kata` never leaves workers behind.
pub(crate) fn die_with_parent() {
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
        if libc::getppid() == 1 {
            libc::_exit(1);
        }
    }
}

/// Moves the protocol channel off fd 1: returns a duplicate of the current
/// stdout and points fd 1 at /dev/null, so stray writes to fd 1 (C code,
/// `os.write(1, ...)`) can never corrupt the channel.
pub(crate) fn take_stdout_for_protocol() -> io::Result<OwnedFd> {
    let protocol = check(unsafe { libc::fcntl(1, libc::F_DUPFD_CLOEXEC, HIGH_FD) })?;
    let protocol = unsafe { OwnedFd::from_raw_fd(protocol) };
    let null = std::fs::OpenOptions::new().write(true).open("/dev/null")?;
    check(unsafe { libc::dup2(null.as_raw_fd(), 1) })?;
    Ok(protocol)
}

/// The pieces of the child's set-up after `fork`, before any Python runs.
/// Only async-signal-safe calls: the child of a fork may not allocate safely.
pub(crate) struct ChildSetup {
    pub(crate) stdout: RawFd,
    pub(crate) stderr: RawFd,
    pub(crate) results: RawFd,
    pub(crate) acks: RawFd,
    pub(crate) null: RawFd,
    pub(crate) cwd: std::ffi::CString,
    /// `None`: the limit is not set (the child inherits the zygote's).
    pub(crate) memory_bytes: Option<u64>,
    pub(crate) file_size_bytes: Option<u64>,
    pub(crate) open_files: Option<u64>,
    pub(crate) cpu_seconds: u64,
    /// `RLIMIT_NPROC`, when the process limit falls back to it.
    pub(crate) nproc: Option<u64>,
}

/// Fd of the result channel in the child.
pub(crate) const CHILD_RESULT_FD: RawFd = 3;
/// Fd on which the child waits for the zygote to acknowledge each block.
pub(crate) const CHILD_ACK_FD: RawFd = 4;

impl ChildSetup {
    /// Runs in the child right after `fork`. On failure the child exits with 71.
    pub(crate) fn apply(&self) {
        unsafe {
            libc::setpgid(0, 0);
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            let ok = libc::dup2(self.null, 0) >= 0
                && libc::dup2(self.stdout, 1) >= 0
                && libc::dup2(self.stderr, 2) >= 0
                && libc::dup2(self.results, CHILD_RESULT_FD) >= 0
                && libc::dup2(self.acks, CHILD_ACK_FD) >= 0
                && libc::fcntl(CHILD_RESULT_FD, libc::F_SETFD, libc::FD_CLOEXEC) >= 0
                && libc::fcntl(CHILD_ACK_FD, libc::F_SETFD, libc::FD_CLOEXEC) >= 0
                && libc::chdir(self.cwd.as_ptr()) == 0;
            if !ok {
                libc::_exit(71);
            }

            libc::syscall(
                libc::SYS_close_range,
                CHILD_ACK_FD + 1,
                libc::c_uint::MAX,
                0,
            );
        }
        if let Some(bytes) = self.memory_bytes {
            set_rlimit(libc::RLIMIT_AS, bytes);
        }
        if let Some(bytes) = self.file_size_bytes {
            set_rlimit(libc::RLIMIT_FSIZE, bytes);
        }
        if let Some(count) = self.open_files {
            set_rlimit(libc::RLIMIT_NOFILE, count);
        }
        if let Some(count) = self.nproc {
            set_rlimit(libc::RLIMIT_NPROC, count);
        }
        set_rlimit(libc::RLIMIT_CORE, 0);
        set_rlimit(libc::RLIMIT_CPU, self.cpu_seconds);
    }
}

/// Fills `buf` from the kernel's random source (`getrandom`); false if
/// the call failed or returned less.
pub(crate) fn random_bytes(buf: &mut [u8]) -> bool {
    let n = unsafe { libc::getrandom(buf.as_mut_ptr().cast(), buf.len(), 0) };
    n >= 0 && n as usize == buf.len()
}

/// Forks. In the child, returns `Ok(0)`.
pub(crate) fn fork() -> io::Result<libc::pid_t> {
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(pid)
    }
}

/// Ends the current process at once: no destructors, no atexit, no flushing.
pub(crate) fn exit_now(code: libc::c_int) -> ! {
    unsafe { libc::_exit(code) }
}

/// Writes all of `bytes` to `fd`.
pub(crate) fn write_all(fd: &OwnedFd, mut bytes: &[u8]) -> io::Result<()> {
    while !bytes.is_empty() {
        let n = unsafe { libc::write(fd.as_raw_fd(), bytes.as_ptr().cast(), bytes.len()) };
        if n < 0 {
            let err = io::Error::last_os_error();
            if err.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(err);
        }
        bytes = &bytes[n as usize..];
    }
    Ok(())
}

/// Makes orphaned descendants (a subprocess started with `setsid`, a
/// double-forked daemon) be re-parented to this process instead of init, so
/// [`kill_stray_children`] can find them.
pub(crate) fn become_subreaper() {
    unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1);
    }
}

/// Children that [`kill_stray_children`] leaves alone because kata started
/// them on purpose and reaps them itself (`kata session --voice`'s
/// text-to-speech program, which may still be speaking when a run ends).
static SPARED: std::sync::Mutex<Vec<u32>> = std::sync::Mutex::new(Vec::new());

/// Exempts the child `pid` from [`kill_stray_children`] until
/// [`unspare_child`]; its owner must reap it.
pub(crate) fn spare_child(pid: u32) {
    if let Ok(mut spared) = SPARED.lock() {
        spared.push(pid);
    }
}

/// Undoes [`spare_child`], once the child is reaped.
pub(crate) fn unspare_child(pid: u32) {
    if let Ok(mut spared) = SPARED.lock() {
        spared.retain(|&p| p != pid);
    }
}

/// Kills and reaps every child process of this process (from every thread),
/// with their process groups, until none is left, except the ones
/// [`spare_child`] exempts. Returns how many were killed. Only call when no
/// other child is expected to be alive.
pub(crate) fn kill_stray_children() -> usize {
    let spared = SPARED.lock().map(|s| s.clone()).unwrap_or_default();
    let mut killed = std::collections::HashSet::new();
    // Kill, then reap without blocking on any one child, in rounds: a dying
    // PID-namespace init (graded code) waits until the other processes of
    // its namespace, re-parented here, are reaped, so waiting for the init
    // first would wait forever.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while std::time::Instant::now() < deadline {
        let mut children = child_pids();
        children.retain(|&pid| !spared.iter().any(|&s| i64::from(s) == i64::from(pid)));
        if children.is_empty() {
            break;
        }
        for &pid in &children {
            if killed.insert(pid) {
                kill_group(pid, libc::SIGKILL);
                unsafe { libc::kill(pid, libc::SIGKILL) };
            }
        }
        let mut reaped = false;
        for &pid in &children {
            let mut status = 0;
            reaped |= unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) } == pid;
        }
        if !reaped {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }
    killed.len()
}

/// Direct children of this process, from `/proc/self/task/*/children`.
fn child_pids() -> Vec<libc::pid_t> {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Vec::new();
    };
    let mut pids = Vec::new();
    for task in tasks.flatten() {
        if let Ok(text) = std::fs::read_to_string(task.path().join("children")) {
            pids.extend(
                text.split_whitespace()
                    .filter_map(|p| p.parse::<libc::pid_t>().ok()),
            );
        }
    }
    pids
}

/// Whether this process runs as root (where `RLIMIT_NPROC` is not enforced
/// and file modes protect nothing).
pub(crate) fn is_root() -> bool {
    unsafe { libc::geteuid() == 0 }
}

/// Sends SIGKILL to `pid`.
pub(crate) fn kill_process(pid: libc::pid_t) {
    if pid > 0 {
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
}

/// Whether a process with this pid exists (it may belong to anyone).
pub(crate) fn process_exists(pid: libc::pid_t) -> bool {
    if pid <= 0 {
        return false;
    }
    let ret = unsafe { libc::kill(pid, 0) };
    ret == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// The PID namespace this process's next child starts in, switched to a
/// new one for one fork ([`PidNamespace::enter_new`]) and back.
pub(crate) struct PidNamespace {
    own: OwnedFd,
}

impl PidNamespace {
    /// This process's own PID namespace; None when it cannot be opened.
    pub(crate) fn current() -> Option<PidNamespace> {
        let path = c"/proc/self/ns/pid";
        let fd = unsafe { libc::open(path.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
        (fd >= 0).then(|| PidNamespace {
            own: unsafe { OwnedFd::from_raw_fd(fd) },
        })
    }

    /// The next child starts a new PID namespace (and is its init).
    pub(crate) fn enter_new(&self) -> io::Result<()> {
        unshare(libc::CLONE_NEWPID)
    }

    /// Children start in this process's own namespace again.
    pub(crate) fn restore(&self) -> io::Result<()> {
        setns(self.own.as_raw_fd(), libc::CLONE_NEWPID)
    }
}

/// `setns(2)`: moves this process (or its next children, for a PID
/// namespace) into the namespace `fd` refers to.
pub(crate) fn setns(fd: RawFd, flags: libc::c_int) -> io::Result<()> {
    if unsafe { libc::setns(fd, flags) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// `unshare(2)`: moves this process into new namespaces.
pub(crate) fn unshare(flags: libc::c_int) -> io::Result<()> {
    if unsafe { libc::unshare(flags) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Makes this process non-dumpable: other processes of the same user (a
/// graded submission's) can no longer open its descriptors or memory
/// through `/proc/<pid>/`, nor ptrace it. Inherited by forked children.
pub(crate) fn forbid_inspection() {
    unsafe {
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
}
