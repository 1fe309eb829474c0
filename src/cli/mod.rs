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
            E::Data(e) => data_error(e),
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
        UsageError(data_error(e))
    }
}

/// A data error in the command line's words: a CSV's columns named by `--label` and
/// `--columns`.
fn data_error(e: crate::engine::nn::data::DataError) -> String {
    use crate::engine::nn::data::{ColumnProblem as P, DataError as E};
    match e {
        E::Columns {
            path,
            line,
            problem,
        } => {
            let flag = match &problem {
                P::NoLabel { .. } => "--label",
                P::NoFeature { .. } | P::LabelAsFeature(_) => "--columns",
            };
            format!("{path}:{line}: {flag}: {problem}")
        }
        other => other.to_string(),
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

impl From<crate::engine::export::ExportError> for UsageError {
    fn from(e: crate::engine::export::ExportError) -> Self {
        use crate::engine::export::ExportError as E;
        let less = "--from/--to, --shot or a lower --fps render less";
        UsageError(match e {
            E::NoFfmpeg(out) => no_ffmpeg(&out),
            E::Extension { out, ext } => format!(
                "--out {}: `.{ext}` is not an output spacefold writes; use a folder (numbered \
                 PNGs), `.gif`, `.mp4`, `.webm`, or `.pdf` with --cues",
                out.display()
            ),
            E::PdfNeedsCues(out) => format!(
                "--out {}: a PDF is a handout, one page per cue: add --cues",
                out.display()
            ),
            e @ E::Frames {
                over_limit: true, ..
            } => format!("{e}; {less}"),
            e @ E::Frames { .. } => format!("{e}; pass --yes to go ahead, or {less}"),
            E::NotAFolder { out, path } => format!(
                "--out {}: {} is a file, not a folder; a PNG render writes a folder of frames: \
                 name a new folder, or end the name in .gif, .mp4 or .webm",
                out.display(),
                path.display()
            ),
            E::NotAFile { out, path } => format!(
                "--out {}: {} is not a regular file; a render is written beside it and renamed \
                 into place, so it writes only files",
                out.display(),
                path.display()
            ),
            E::Unwritable { out, source } => {
                format!("--out {}: cannot write there: {source}", out.display())
            }
            other => other.to_string(),
        })
    }
}

/// What to tell a user who asked for a video without ffmpeg.
pub fn no_ffmpeg(out: &std::path::Path) -> String {
    format!(
        "--out {}: writing video needs ffmpeg, and none is on the PATH.\n\
         Install it (Debian/Ubuntu: `sudo apt install ffmpeg`; macOS: `brew install ffmpeg`; \
         Windows: `winget install ffmpeg`), or point SPACEFOLD_FFMPEG at an ffmpeg binary.\n\
         Or render numbered PNGs (`--out frames/`) or a GIF (`--out clip.gif`), which need \
         nothing else.",
        out.display()
    )
}

/// When `main` started: `bench startup` measures from here.
static STARTED: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();

/// Runs the command line; returns the process exit code.
pub fn main() -> ExitCode {
    STARTED.get_or_init(Instant::now);
    note_panics();
    let packed = match pack::mount_packed() {
        Ok(talk) => talk,
        Err(code) => return code,
    };
    let args = pack::packed_arguments(std::env::args_os().collect(), packed.as_deref());
    let cli = Cli::parse_from(args);
    let packed = packed.as_deref();
    // The window's own commands may end on a panic the window system handles; the others
    // (render among them) fail on any.
    let windowed = matches!(
        cli.command,
        None | Some(Command::Play(_) | Command::Bench(_))
    );
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
        // A panic caught on the way (a worker thread's, one the renderer reported) is a
        // failure, whatever the command made of it.
        Ok(_) if !windowed && PANICKED.load(std::sync::atomic::Ordering::SeqCst) => {
            eprintln!("error: spacefold stopped on an internal error (above)");
            ExitCode::from(101)
        }
        Ok(code) => code,
        Err(UsageError(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// Whether any thread panicked.
static PANICKED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Notes every panic (then reports it as Rust does), so that the exit code says so.
fn note_panics() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICKED.store(true, std::sync::atomic::Ordering::SeqCst);
        report(info);
    }));
}

/// A number of seconds given as `flag`: finite and in range (a NaN delay would never take
/// the screenshot).
#[cfg_attr(
    not(feature = "app"),
    allow(dead_code, reason = "only the window's commands call it")
)]
fn check_seconds(flag: &str, secs: f32) -> Result<(), UsageError> {
    use crate::engine::limits::{MAX_DURATION_SECS, check_range};
    check_range(secs, 0.0, MAX_DURATION_SECS)
        .map(|_| ())
        .map_err(|e| UsageError(format!("{flag} {e} (seconds)")))
}

/// What an input is to a command, for the message that refuses to write over it.
type Inputs = Vec<(std::path::PathBuf, &'static str)>;

/// Refuses, before any work, an output (given as `flag`) that is, or links to, one of the
/// command's `inputs` or this program: writing there would replace it.
fn check_not_input(flag: &str, out: &std::path::Path, inputs: &Inputs) -> Result<(), UsageError> {
    let program = std::env::current_exe().ok().map(|p| (p, "this program"));
    // An input that is no file (a bundled scene's name, or a folder of that name) has
    // nothing to lose.
    let on_disk = |input: &&(std::path::PathBuf, &str)| {
        std::fs::metadata(&input.0).is_ok_and(|m| m.is_file())
    };
    for (input, what) in inputs.iter().chain(program.as_ref()).filter(on_disk) {
        if crate::engine::io::same_file(out, input) {
            return Err(UsageError(format!(
                "{flag} {}: that is {} ({what}); writing there would replace it: choose another \
                 {flag}",
                out.display(),
                input.display()
            )));
        }
    }
    Ok(())
}

/// The files a scene or talk is read from: the file itself, a talk's scenes, and the CSV and
/// network file each scene reads (loaded untrained, which is quick; what does not load is
/// left out, for the command to report as it loads).
fn scene_inputs(file: &std::path::Path) -> Inputs {
    use crate::engine::scene;
    let mut inputs: Inputs = vec![(file.to_path_buf(), "the file given")];
    let scenes = if scene::talk::is_talk_file(file) {
        match scene::talk::load_talk(file, false) {
            Ok(talk) => talk.scenes,
            Err(_) => return inputs,
        }
    } else {
        match scene::load_path_or_name(file, false) {
            Ok(loaded) => vec![(file.to_path_buf(), loaded)],
            Err(_) => return inputs,
        }
    };
    for (source, loaded) in scenes {
        for f in scene::referenced_files(&loaded.scene, source.parent()) {
            inputs.push((f, "a file a scene reads"));
        }
        inputs.push((source, "a scene"));
    }
    inputs
}

/// Why a window cannot open, on a system whose windows need a display server: neither X11's
/// `DISPLAY` nor Wayland's `WAYLAND_DISPLAY` is set. The window's commands say so, and how to
/// render instead, before they start (the window system would panic).
#[cfg_attr(
    not(feature = "app"),
    allow(dead_code, reason = "only the window's commands call it")
)]
fn no_display() -> Option<UsageError> {
    display_missing(|name| std::env::var_os(name))
}

/// [`no_display`] with the environment's variables read through `var`.
fn display_missing(var: impl Fn(&str) -> Option<std::ffi::OsString>) -> Option<UsageError> {
    let unix_desktop = cfg!(all(unix, not(target_os = "macos")));
    let set = |name| var(name).is_some_and(|v| !v.is_empty());
    if !unix_desktop || set("DISPLAY") || set("WAYLAND_DISPLAY") {
        return None;
    }
    let program = std::env::args_os()
        .next()
        .map_or_else(|| "spacefold".into(), |p| p.to_string_lossy().into_owned());
    Some(UsageError(format!(
        "there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set), so no window can \
         open. Render instead: `{program} render SCENE --out clip.gif` (or `--out frames/`), or \
         a talk's handout: `{program} render TALK --cues --out handout.pdf`; a packed talk: \
         `{program} render --cues --out handout.pdf`"
    )))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// With no display server, the window's commands say so before the window system
    /// panics (issue 27).
    #[cfg(all(unix, not(target_os = "macos")))]
    #[test]
    fn no_display_is_said_with_how_to_render_instead() {
        fn env(
            display: Option<&'static str>,
            wayland: Option<&'static str>,
        ) -> impl Fn(&str) -> Option<std::ffi::OsString> {
            move |name| match name {
                "DISPLAY" => display.map(Into::into),
                "WAYLAND_DISPLAY" => wayland.map(Into::into),
                _ => None,
            }
        }
        let said = display_missing(env(None, Some("")))
            .expect("no display is found")
            .0;
        assert!(
            said.contains("there is no display") && said.contains("render"),
            "{said}"
        );
        assert!(display_missing(env(Some(":99"), None)).is_none());
        assert!(display_missing(env(None, Some("wayland-0"))).is_none());
    }
}
