//! The window's commands in a build without the window (no `app` feature): each says so.

use super::UsageError;
use super::args::{PlayArgs, RenderArgs, SetupArgs, WindowArgs};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

fn absent(what: &str) -> Result<ExitCode, UsageError> {
    Err(UsageError(format!(
        "this build has no {what} (built without the `app` feature); use `spacefold train` \
         or rebuild with default features"
    )))
}

/// `spacefold play`.
pub fn play(_: PlayArgs, _: Option<&Path>, _: Option<Instant>) -> Result<ExitCode, UsageError> {
    absent("window")
}

/// `spacefold render`.
pub fn render(_: RenderArgs, _: Option<&Path>) -> Result<ExitCode, UsageError> {
    absent("renderer")
}

/// `spacefold` with no command.
pub fn explore(_: &SetupArgs, _: &WindowArgs) -> Result<ExitCode, UsageError> {
    absent("window")
}

/// `spacefold bench startup`.
pub fn bench_startup(_: &Path, _: Option<Instant>) -> Result<ExitCode, UsageError> {
    absent("window")
}
