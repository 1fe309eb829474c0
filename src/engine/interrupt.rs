//! Ctrl-C, `kill` and a closed terminal (SIGINT, SIGTERM, SIGHUP) turned into a flag that
//! long work polls, so that it stops cleanly: nothing half-written, temporary files removed,
//! an exit code that says so.
//!
//! The first signal sets the flag (and tells a window, through the callback given to
//! [`watch_then`]); a second one stops the process at once, after removing every temporary
//! file or folder still being written ([`crate::io::remove_partials`]). A signal the process
//! was started ignoring (`nohup` ignores SIGHUP, a shell's `&` in a script SIGINT) stays
//! ignored, and the others are still handled (one ignored signal once left SIGTERM unhandled:
//! a render died on it and left its partial file).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Whether the handler is installed, once a process.
static WATCHING: OnceLock<bool> = OnceLock::new();

/// The exit code of a run stopped by a signal (128 + SIGINT, as shells report it).
pub const EXIT_CODE: u8 = 130;

/// Starts watching for the signals; false when they could not be watched.
pub fn watch() -> bool {
    watch_then(|| {})
}

/// As [`watch`], calling `first` on the first signal (a window's own way to close, such
/// as Bevy's `TerminalCtrlCHandlerPlugin::gracefully_exit`). Once a process: later calls
/// change nothing and say whether the first one worked.
pub fn watch_then(first: fn()) -> bool {
    *WATCHING.get_or_init(|| platform::install(first))
}

/// Whether a signal has come since [`watch`].
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// What a signal does: the first sets the flag and calls `first`; the second removes what
/// is half-written and exits.
fn signalled(first: fn()) {
    if INTERRUPTED.swap(true, Ordering::SeqCst) {
        crate::io::remove_partials();
        eprintln!("\nstopped at once by a second signal; nothing half-written was kept");
        std::process::exit(EXIT_CODE.into());
    }
    first();
}

#[cfg(unix)]
mod platform {
    use std::sync::atomic::{AtomicI32, Ordering};

    /// The pipe's end the signal handler writes a byte to.
    static WRITE_END: AtomicI32 = AtomicI32::new(-1);

    /// The handler itself: only a write (async-signal-safe); a thread does the rest.
    extern "C" fn on_signal(_: libc::c_int) {
        let fd = WRITE_END.load(Ordering::Relaxed);
        if fd >= 0 {
            let byte = 1u8;
            // SAFETY: write(2) on a valid descriptor with a one-byte buffer.
            unsafe { libc::write(fd, (&raw const byte).cast(), 1) };
        }
    }

    /// Installs the handler for each of SIGINT, SIGTERM and SIGHUP that is not ignored.
    pub fn install(first: fn()) -> bool {
        let mut fds = [0i32; 2];
        // SAFETY: pipe(2) fills the two descriptors.
        if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
            return false;
        }
        for fd in fds {
            // SAFETY: fcntl(2) on descriptors just made.
            unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) };
        }
        WRITE_END.store(fds[1], Ordering::SeqCst);
        let read_end = fds[0];
        let thread = std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                loop {
                    let mut byte = 0u8;
                    // SAFETY: read(2) into a one-byte buffer.
                    let n = unsafe { libc::read(read_end, (&raw mut byte).cast(), 1) };
                    match n {
                        1 => super::signalled(first),
                        -1 if std::io::Error::last_os_error().kind()
                            == std::io::ErrorKind::Interrupted => {}
                        _ => return,
                    }
                }
            });
        if thread.is_err() {
            return false;
        }
        let mut any = false;
        for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            // SAFETY: sigaction(2) with zeroed structures, read and then set; the handler
            // only writes to a pipe.
            unsafe {
                let mut old: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(signal, std::ptr::null(), &mut old) != 0
                    || old.sa_sigaction == libc::SIG_IGN
                {
                    continue;
                }
                let mut new: libc::sigaction = std::mem::zeroed();
                new.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
                new.sa_flags = libc::SA_RESTART;
                libc::sigemptyset(&mut new.sa_mask);
                any |= libc::sigaction(signal, &new, std::ptr::null_mut()) == 0;
            }
        }
        any
    }
}

#[cfg(not(unix))]
mod platform {
    /// Ctrl-C and the console's close, through ctrlc.
    pub fn install(first: fn()) -> bool {
        ctrlc::try_set_handler(move || super::signalled(first)).is_ok()
    }
}
