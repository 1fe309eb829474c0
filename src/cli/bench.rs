//! `spacefold bench`: benchmarks that print figures.

use super::UsageError;
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// What `bench` times.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Subject {
    /// Rebuilding the five output surfaces of a 2-100-5 network.
    Landscape,
    /// Process start to the first frame that shows a scene, in a window.
    Startup,
}

/// `spacefold bench`'s arguments.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// What to time.
    #[arg(value_enum)]
    what: Subject,
    /// For `startup`: the scene (a file or a bundled name).
    #[arg(long, default_value = "relu-fold")]
    scene: PathBuf,
    /// Samples along each side of a surface.
    #[arg(long, default_value_t = 256)]
    resolution: usize,
    /// Times to repeat (the median is printed).
    #[arg(long, default_value_t = 20)]
    repeat: usize,
}

/// Runs the benchmark; `started`: when the process started.
pub fn run(args: &BenchArgs, started: Option<Instant>) -> Result<ExitCode, UsageError> {
    match args.what {
        Subject::Landscape => {
            crate::engine::landscape::bench(args.resolution.clamp(2, 2048), args.repeat);
            Ok(ExitCode::SUCCESS)
        }
        Subject::Startup => super::window::bench_startup(&args.scene, started),
    }
}
