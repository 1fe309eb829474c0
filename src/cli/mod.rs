//! The command line: `spacefold` (the window), and one file per command. A program made by
//! `spacefold pack` presents the talk packed into it ([`pack`]).
//!
//! The engine's errors are typed; here they become messages with the flags' names, and exit
//! codes: 2 for a usage error (see [`UsageError`]), 1 for work that failed.

mod args;
mod bench;
mod check;
mod data;
mod lists;
mod pack;
mod train;

// The window's commands (`play`, `render`, the explorer), or, in a build without the
// window, the same functions saying so.
#[cfg(feature = "app")]
mod window;
#[cfg(not(feature = "app"))]
#[path = "no_window.rs"]
mod window;

pub use args::{SetupArgs, Size, WindowArgs, parse_setup};
use clap::{Parser, Subcommand};
use std::process::ExitCode;
use std::time::Instant;

/// See what a neural network does to space.
#[derive(Debug, Parser)]
#[command(
    name = "spacefold",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// With no command: open the window on this set-up.
    #[command(flatten)]
    pub setup: SetupArgs,
    /// Options of the window.
    #[command(flatten)]
    pub window: WindowArgs,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a built-in data set as CSV (x1,...,xd,label).
    ///
    /// Data sets: circle, xor, blobs, spiral, moons, checkerboard, mixture, wedge, lines, digits.
    /// Parameters: n, noise, seed; blobs: classes; spiral: arms, turns; checkerboard: cells;
    /// wedge: angle.
    Data(data::DataArgs),
    /// List the presets (`spacefold --preset NAME` opens one).
    Presets,
    /// Play a scene script (or present a talk) in a window. Saving the file reloads it,
    /// keeping the time.
    Play(args::PlayArgs),
    /// List the scenes bundled into this binary (`spacefold play --present NAME`).
    Scenes,
    /// Render a scene headless (no window, no display) frame by frame at exact times: a
    /// folder of numbered PNGs, an animated GIF, or an MP4 / WebM through ffmpeg.
    Render(args::RenderArgs),
    /// Check scene scripts without opening a window: exit 0 when all are valid, 1 otherwise.
    Check(check::CheckArgs),
    /// Benchmarks that print figures: `landscape` times rebuilding the five output surfaces
    /// of a 2-100-5 network; `startup` times process start to the first frame that shows a
    /// scene, in a window.
    Bench(bench::BenchArgs),
    /// Pack a talk (or scenes, played as a talk) into one executable that plays it: a copy
    /// of this program (or --base) with the talk, its scenes and every file they read
    /// appended. Run it with no arguments to present the talk full screen, `--windowed` in
    /// a window; `check`, `play` and `render` without a file work on the packed talk.
    Pack(pack::PackArgs),
    /// Train a network headless and report loss, accuracy and time.
    Train(train::TrainArgs),
}

/// A command the user asked for that cannot be done as asked: printed as `error: ...`, exit
/// code 2. Built from the engine's typed errors by the `From` impls below, which name the
/// flags.
#[derive(Debug)]
pub struct UsageError(pub String);

impl From<crate::engine::setup::SetupError> for UsageError {
    fn from(e: crate::engine::setup::SetupError) -> Self {
        use crate::engine::setup::{Setting, SetupError as E};
        let flag = |s: Setting| match s {
            Setting::Data => "--data",
            Setting::Test => "--test",
            Setting::Arch => "--arch",
            Setting::Lr => "--lr",
            Setting::Momentum => "--momentum",
            Setting::L2 => "--l2",
            Setting::Epochs => "--epochs",
        };
        UsageError(match e {
            E::Setting { setting, why } => format!("{} {why}", flag(setting)),
            E::Sizes { sizes, over } => {
                let sizes: Vec<String> = sizes.iter().map(ToString::to_string).collect();
                format!("--arch `{}`: {over}", sizes.join("-"))
            }
            E::ArchAndLoad => "--arch and --load: the loaded network has its own layers; give \
                               one or the other"
                .into(),
            E::ColumnsOfBuiltin(text) => format!(
                "--label and --columns pick a CSV file's columns; `{text}` is a built-in data set"
            ),
            E::Inputs { given, data } => {
                format!("--arch starts with {given} inputs but the data has {data} features")
            }
            E::Classes { data, outputs } => format!(
                "the data has {data} classes but the network has {outputs} output(s); end \
                 --arch with -{data}"
            ),
            E::ExtraSigmoids { outputs, data } => format!(
                "the network has {outputs} sigmoid outputs but the data has {data} classes; end \
                 --arch with -{data} (or -1 for two classes)"
            ),
            E::Work { epochs, over } => format!("--epochs {epochs}: {over}"),
            E::Head {
                file: Some(file),
                misfit,
            } => format!("--load {file}: {misfit} (--output sigmoid makes it one)"),
            E::Head { file: None, misfit } => {
                format!("--output softmax with --arch ending in -1: {misfit}")
            }
            other => other.to_string(),
        })
    }
}

impl From<crate::engine::nn::data::DataError> for UsageError {
    fn from(e: crate::engine::nn::data::DataError) -> Self {
        UsageError(e.to_string())
    }
}

impl From<crate::engine::nn::NetworkError> for UsageError {
    fn from(e: crate::engine::nn::NetworkError) -> Self {
        UsageError(e.to_string())
    }
}

impl From<crate::engine::nn::TrainError> for UsageError {
    fn from(e: crate::engine::nn::TrainError) -> Self {
        UsageError(e.to_string())
    }
}

impl From<crate::engine::scene::SceneError> for UsageError {
    fn from(e: crate::engine::scene::SceneError) -> Self {
        UsageError(e.to_string())
    }
}

impl From<crate::engine::presets::NoSuchPreset> for UsageError {
    fn from(e: crate::engine::presets::NoSuchPreset) -> Self {
        UsageError(format!("{e} (`spacefold presets` describes them)"))
    }
}

/// When `main` started: `bench startup` measures from here.
static STARTED: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();

/// Runs the command line; returns the process exit code.
pub fn main() -> ExitCode {
    STARTED.get_or_init(Instant::now);
    let packed = match pack::mount_packed() {
        Ok(talk) => talk,
        Err(code) => return code,
    };
    let args = pack::packed_arguments(std::env::args_os().collect(), packed.as_deref());
    let cli = Cli::parse_from(args);
    let packed = packed.as_deref();
    let result = match cli.command {
        Some(Command::Data(args)) => data::run(&args),
        Some(Command::Train(args)) => train::run(&args),
        Some(Command::Presets) => lists::presets(),
        Some(Command::Scenes) => lists::scenes(),
        Some(Command::Check(args)) => check::run(args, packed),
        Some(Command::Pack(args)) => pack::run(&args),
        Some(Command::Render(args)) => window::render(args, packed),
        Some(Command::Play(args)) => window::play(args, packed, None),
        Some(Command::Bench(args)) => bench::run(&args, STARTED.get().copied()),
        None => window::explore(&cli.setup, &cli.window),
    };
    match result {
        Ok(code) => code,
        Err(UsageError(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// A number of seconds given as `flag`: finite and in range (a NaN delay would never take
/// the screenshot).
fn check_seconds(flag: &str, secs: f32) -> Result<(), UsageError> {
    use crate::engine::limits::{MAX_DURATION_SECS, check_range};
    check_range(secs, 0.0, MAX_DURATION_SECS)
        .map(|_| ())
        .map_err(|e| UsageError(format!("{flag} {e} (seconds)")))
}

/// Checks before any work that `path` (given as `flag`) can be written.
fn check_output(flag: &str, path: &std::path::Path) -> Result<(), UsageError> {
    crate::engine::io::check_output(path).map_err(|e| {
        UsageError(format!(
            "{flag} {}: cannot write there: {e}",
            path.display()
        ))
    })
}
