//! The window's commands: the explorer, `play` and `render` (with the `app` feature; without
//! it, `no_window.rs` stands in and says so).

mod explore;
mod play;
mod render;
mod web;

pub use explore::explore;
pub use play::play;
pub use render::render;

use super::UsageError;
use super::args::PlayArgs;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

/// `bench startup`: plays `scene` in presenter mode in a window, printing how long from
/// `started` until its first frame showed, then quits.
pub fn bench_startup(scene: &Path, started: Option<Instant>) -> Result<ExitCode, UsageError> {
    let args = PlayArgs {
        present: true,
        windowed: true,
        ..PlayArgs::of(scene.to_path_buf())
    };
    play(args, None, started)
}
