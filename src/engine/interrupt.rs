//! Ctrl-C, `kill` and a closed terminal (SIGINT, SIGTERM, SIGHUP) turned into a flag that
//! long work polls, so that it stops cleanly: nothing half-written, temporary files removed,
//! an exit code that says so. The window and `render` get the same from Bevy's own handler,
//! which this crate's `ctrlc` feature `termination` extends to SIGTERM and SIGHUP.

use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// The exit code of a run stopped by a signal (128 + SIGINT, as shells report it).
pub const EXIT_CODE: u8 = 130;

/// Starts watching for the signals; false when a handler was already set (then the signals
/// do what that handler says).
pub fn watch() -> bool {
    ctrlc::try_set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst)).is_ok()
}

/// Whether a signal has come since [`watch`].
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}
