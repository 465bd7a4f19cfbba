//! Ctrl-C and SIGTERM in the `kata` process.
//!
//! A signal only records itself and wakes a watcher thread (through a
//! self-pipe, the one thing a handler may safely do). The watcher forwards
//! the stop to every live worker's process group (SIGTERM, a short grace,
//! SIGKILL); dispatchers then stop without starting new sessions, and the
//! command reports what finished, marked as interrupted, and exits
//! 128 + the signal's number. Scratch directories are removed on the way out
//! like at the end of any run.
#![expect(
    unsafe_code,
    reason = "installing a signal handler and writing to a pipe from it"
)]

use std::sync::Once;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::Duration;

/// The signal received, or 0.
static RECEIVED: AtomicI32 = AtomicI32::new(0);
/// Write end of the self-pipe, or -1 before [`install`].
static WAKE_FD: AtomicI32 = AtomicI32::new(-1);
static INSTALL: Once = Once::new();

/// Grace between SIGTERM and SIGKILL for the workers.
const WORKER_GRACE: Duration = Duration::from_millis(200);

extern "C" fn on_signal(signal: libc::c_int) {
    RECEIVED.store(signal, Ordering::SeqCst);
    let fd = WAKE_FD.load(Ordering::SeqCst);
    if fd >= 0 {
        let byte = 1u8;
        unsafe { libc::write(fd, (&raw const byte).cast(), 1) };
    }
}

/// Catches SIGINT and SIGTERM from now on (idempotent).
pub(crate) fn install() {
    INSTALL.call_once(|| {
        let mut fds = [0; 2];
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
            return;
        }
        WAKE_FD.store(fds[1], Ordering::SeqCst);
        let read_fd = fds[0];
        let watcher = std::thread::Builder::new()
            .name("signal-watcher".into())
            .spawn(move || {
                let mut byte = 0u8;
                loop {
                    let n = unsafe { libc::read(read_fd, (&raw mut byte).cast(), 1) };
                    if n == 1 {
                        crate::runner::terminate_workers(WORKER_GRACE);
                    } else if n == 0
                        || std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted
                    {
                        return;
                    }
                }
            });
        if watcher.is_err() {
            return;
        }
        let handler = on_signal as extern "C" fn(libc::c_int) as *const () as libc::sighandler_t;
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = handler;
            action.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(libc::SIGINT, &action, std::ptr::null_mut());
            libc::sigaction(libc::SIGTERM, &action, std::ptr::null_mut());
        }
    });
}

/// The signal that interrupted this run, if any.
pub(crate) fn received() -> Option<i32> {
    match RECEIVED.load(Ordering::SeqCst) {
        0 => None,
        signal => Some(signal),
    }
}

/// Like [`received`], and forgets it (for a loop that goes on, like watch).
pub(crate) fn take() -> Option<i32> {
    match RECEIVED.swap(0, Ordering::SeqCst) {
        0 => None,
        signal => Some(signal),
    }
}

/// `SIGINT` / `SIGTERM` for messages.
pub(crate) fn name(signal: i32) -> &'static str {
    crate::worker::sys::signal_name(signal)
}
