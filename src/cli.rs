//! The command line: `spacefold` (the window), `spacefold data`, `spacefold train`. A
//! program made by `spacefold pack` plays the talk packed into it ([`crate::pack`]).

use crate::nn::data::DatasetSpec;
use crate::nn::{Network, Trainer, evaluate};
pub use crate::setup::{Setup, UsageError};
use crate::setup::{Start, View, describe, layers_to_stages, parse_surface, surface_resolution};
use clap::{Args, Parser, Subcommand};
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
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
    pub setup: Setup,
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
    Data {
        /// The data set's name, optionally with parameters: `spiral:arms=3`.
        name: String,
        /// Parameters as key=value.
        params: Vec<String>,
        /// Output file (standard output if absent).
        #[arg(long)]
        csv: Option<PathBuf>,
    },
    /// List the presets (`spacefold --preset NAME` opens one).
    Presets,
    /// Play a scene script (or present a talk) in a window. Saving the file reloads it,
    /// keeping the time.
    Play {
        /// The scene file (RON), the name of a scene bundled into this binary (`relu-fold`:
        /// see `spacefold scenes`), or a talk (its scenes in order); in a packed program, the
        /// packed talk when left out.
        file: Option<PathBuf>,
        /// Presenter mode: full screen, no timeline, stops at each cue (Right / Space /
        /// PageDown next, Left / PageUp back, B blank, Home restart, F full screen, Esc
        /// explore live and back; in a talk: a number and Enter opens that scene, G lists
        /// them, S the speaker view).
        #[arg(long)]
        present: bool,
        /// Start at this cue (from 1), paused.
        #[arg(long, value_name = "N")]
        cue: Option<usize>,
        /// Presenter mode in a window rather than full screen.
        #[arg(long)]
        windowed: bool,
        /// Save a screenshot of the window to this PNG, then quit.
        #[arg(long, value_name = "FILE.png")]
        screenshot: Option<PathBuf>,
        /// Seconds to wait before the screenshot.
        #[arg(long, default_value_t = 2.0, value_name = "SECS")]
        screenshot_after: f32,
        /// Window size, WIDTHxHEIGHT.
        #[arg(long, default_value = "1280x800")]
        size: String,
        /// Open the speaker view too (a second window; S opens or closes it): the notes at
        /// this cue, the frame the next click shows, scene and cue numbers, elapsed time
        /// and the clock.
        #[arg(long)]
        speaker: bool,
        /// Presenter mode: go on by itself after this many seconds at each cue.
        #[arg(long, value_name = "SECONDS")]
        auto: Option<f32>,
        /// Presenter mode: after the last cue, start again from the first scene (with
        /// --auto: a kiosk).
        #[arg(long = "loop")]
        looping: bool,
    },
    /// List the scenes bundled into this binary (`spacefold play --present NAME`).
    Scenes,
    /// Render a scene headless (no window, no display) frame by frame at exact times: a
    /// folder of numbered PNGs, an animated GIF, or an MP4 / WebM through ffmpeg.
    Render(RenderArgs),
    /// Check scene scripts without opening a window: exit 0 when all are valid, 1 otherwise.
    Check {
        /// Scene files (RON), or names of bundled scenes; in a packed program, the packed
        /// talk when left out.
        files: Vec<PathBuf>,
        /// Also train each network exactly as the player does and print what its figure
        /// shows: the accuracy, and at every layer boundary the width, the spread after W·a
        /// and after the activation (smaller over larger principal spread of the shown
        /// directions) and the linear separability (accuracy of a linear classifier fitted
        /// there).
        #[arg(long)]
        verify: bool,
        /// With --verify: write each scene's trained network as DIR/NAME.ron and the points
        /// it was trained on as DIR/NAME.csv.
        #[arg(long, value_name = "DIR", requires = "verify")]
        networks: Option<PathBuf>,
    },
    /// Benchmarks that print figures: `landscape` times rebuilding the five output surfaces
    /// of a 2-100-5 network; `startup` times process start to the first frame that shows a
    /// scene, in a window.
    Bench {
        /// What to time: `landscape` (surface rebuilds) or `startup` (process start to the
        /// first frame showing a scene, in a window).
        what: String,
        /// For `startup`: the scene (a file or a bundled name).
        #[arg(long, default_value = "relu-fold")]
        scene: PathBuf,
        /// Samples along each side of a surface.
        #[arg(long, default_value_t = 256)]
        resolution: usize,
        /// Times to repeat (the median is printed).
        #[arg(long, default_value_t = 20)]
        repeat: usize,
    },
    /// Pack a talk (or scenes, played as a talk) into one executable that plays it: a copy
    /// of this program (or --base) with the talk, its scenes and every file they read
    /// appended. Run it with no arguments to present the talk full screen, `--windowed` in
    /// a window; `check`, `play` and `render` without a file work on the packed talk.
    Pack {
        /// The talk file, or scene files (RON) or bundled scenes' names, played in order
        /// as a talk titled by the first.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The executable to write (`talk.bin`; `talk.exe` for Windows).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The spacefold program to pack onto (default: this one): the Windows
        /// `spacefold.exe` of the same version makes a `.exe` that runs on Windows.
        #[arg(long, value_name = "PATH")]
        base: Option<PathBuf>,
    },
    /// Train a network headless and report loss, accuracy and time.
    Train {
        #[command(flatten)]
        setup: Setup,
        /// Save the trained network (RON).
        #[arg(long, value_name = "FILE")]
        save: Option<PathBuf>,
        /// Print one JSON object with the results as the last line.
        #[arg(long)]
        json: bool,
    },
}

/// Options of the window.
#[derive(Debug, Clone, Args)]
pub struct WindowArgs {
    /// Save a screenshot of the window to this PNG, then quit (for tests and the README).
    #[arg(long, value_name = "FILE.png")]
    pub screenshot: Option<PathBuf>,
    /// Seconds to wait before the screenshot, at least (a preset's network is trained first,
    /// and a preset that plays to its moment is shot once it holds there).
    #[arg(long, default_value_t = 2.0, value_name = "SECS")]
    pub screenshot_after: f32,
    /// Window size, WIDTHxHEIGHT.
    #[arg(long, default_value = "1280x800")]
    pub size: String,
    /// Open with training paused (it starts at once otherwise).
    #[arg(long)]
    pub paused: bool,
    /// Decision-region pixels per side.
    #[arg(long, default_value_t = 96, value_name = "PIXELS")]
    pub heatmap: usize,
    /// Measure the CPU time of this many frames (rendering excluded), print it as JSON, quit.
    #[arg(long, value_name = "FRAMES")]
    pub bench_frames: Option<usize>,
    /// Open a preset (see `spacefold presets`); it replaces the set-up options.
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// What the window shows first: `regions` (decision regions while training) or `layers`
    /// (space carried through the network layer by layer). Presets open on `layers`.
    #[arg(long, value_name = "VIEW")]
    pub view: Option<String>,
    /// Layers view: where to stand in the network, 0 = input, L = output (fractions pick a
    /// stage: 0.33 after W·a, 0.67 after +b of layer 1); the animation starts paused there
    /// and the 3D view does not turn (for stills).
    #[arg(long, value_name = "LAYERS")]
    pub position: Option<f32>,
    /// Layers view: play the animation from the start (or from --position) at once.
    #[arg(long)]
    pub play: bool,
    /// Landscape view: what the surfaces show: `softmax` (or `logits`, `argmax`) for the
    /// outputs, one surface per class, or `L:N` for neuron N of layer L (from 1).
    #[arg(long, value_name = "WHAT")]
    pub surface: Option<String>,
    /// Landscape view: show the neuron through identity (0), sigmoid (1) and step (2), or any
    /// point between.
    #[arg(long, value_name = "T")]
    pub morph: Option<f32>,
    /// Landscape view: extend the plane to this many times the data's extent.
    #[arg(long, value_name = "FACTOR")]
    pub zoom_out: Option<f32>,
    /// Landscape view: look straight down (the surfaces become a heatmap).
    #[arg(long)]
    pub top: bool,
    /// Landscape view: show the flat top view beside the 3D one.
    #[arg(long)]
    pub split: bool,
    /// Landscape view: height of the surfaces relative to the plane's width.
    #[arg(long, default_value_t = 0.35, value_name = "H")]
    pub surface_height: f32,
    /// Landscape view: samples along each side of a surface (default 96, 256 when the
    /// plane is zoomed out).
    #[arg(long, value_name = "N")]
    pub surface_resolution: Option<usize>,
    /// Layers view: start again from the input at the end.
    #[arg(long = "loop")]
    pub looping: bool,
    /// Layers view: grid lines each way and samples per line, `LINESxSAMPLES` (0 hides it).
    #[arg(long, default_value = "24x128", value_name = "LINESxSAMPLES")]
    pub grid: String,
}

/// How `play` opens a scene.
#[cfg_attr(not(feature = "app"), allow(dead_code))]
struct PlayOptions {
    present: bool,
    cue: Option<usize>,
    windowed: bool,
    screenshot: Option<PathBuf>,
    screenshot_after: f32,
    size: String,
    startup_probe: Option<Instant>,
    speaker: bool,
    auto: Option<f32>,
    looping: bool,
}

impl Default for PlayOptions {
    fn default() -> Self {
        PlayOptions {
            present: false,
            cue: None,
            windowed: false,
            screenshot: None,
            screenshot_after: 2.0,
            size: "1280x800".into(),
            startup_probe: None,
            speaker: false,
            auto: None,
            looping: false,
        }
    }
}

#[cfg(feature = "app")]
fn play(file: &Path, o: PlayOptions) -> Result<ExitCode, UsageError> {
    let PlayOptions {
        present,
        cue,
        windowed,
        screenshot,
        screenshot_after,
        size,
        startup_probe,
        speaker,
        auto,
        looping,
    } = o;
    let size = size.as_str();
    use crate::app::AppOptions;
    if let Some(secs) = auto {
        crate::limits::check_range(secs, 0.0, crate::limits::MAX_DURATION_SECS)
            .map_err(|e| UsageError(format!("--auto {e} (seconds)")))?;
    }
    // A talk's scenes are checked now and trained as it plays (the first before it opens).
    let talk = if crate::scene::talk::is_talk_file(file) {
        Some(crate::scene::talk::load_talk(file, false).map_err(|e| UsageError(e.to_string()))?)
    } else {
        None
    };
    let loaded = match &talk {
        Some(t) => t.scenes[0].1.clone(),
        None => {
            crate::scene::load_path_or_name(file, true).map_err(|e| UsageError(e.to_string()))?
        }
    };
    let cues = loaded.timeline.cues().len();
    if let Some(c) = cue
        && (c == 0 || c > cues)
    {
        return Err(UsageError(format!(
            "--cue {c}: the scene has {cues} cue(s), counted from 1"
        )));
    }
    let (w, h) = parse_pair(size, "--size", false)?;
    let mut player = match talk {
        Some(t) => crate::app::player::Player::for_talk(t, present, cue, false)
            .map_err(|e| UsageError(e.to_string()))?,
        None => crate::app::player::Player::new(file.to_path_buf(), loaded, present, cue),
    };
    player.auto = auto;
    player.loop_talk = looping;
    crate::app::run(AppOptions {
        screenshot,
        screenshot_after,
        fullscreen: present && !windowed,
        startup_probe,
        speaker,
        ..AppOptions::for_scene(player, (w, h))
    });
    Ok(ExitCode::SUCCESS)
}

#[cfg(not(feature = "app"))]
fn play(_: &Path, _: PlayOptions) -> Result<ExitCode, UsageError> {
    Err(UsageError(
        "this build has no window (built without the `app` feature)".into(),
    ))
}

// `spacefold render`'s arguments (its help is the variant's, above).
#[derive(clap::Args, Debug)]
#[cfg_attr(not(feature = "app"), allow(dead_code))]
pub struct RenderArgs {
    /// The scene file (RON), or the name of a bundled scene; in a packed program, the
    /// packed talk's scene when it has only one.
    #[arg(value_name = "FILE")]
    given: Option<PathBuf>,
    /// The scene rendered: `given`, or the packed talk's (filled in by `main`).
    #[arg(skip)]
    file: PathBuf,
    /// Output: a folder (numbered PNGs), `.gif`, `.mp4` or `.webm` (these two need
    /// ffmpeg on the PATH, or SPACEFOLD_FFMPEG).
    #[arg(long, value_name = "OUT")]
    out: PathBuf,
    /// Frame size, WIDTHxHEIGHT. Text is laid out as in a 720-line window, scaled.
    #[arg(long, default_value = "1920x1080")]
    size: String,
    /// Frames per second. Default 60; 30 for a GIF (GIFs play at most 50).
    #[arg(long)]
    fps: Option<u32>,
    /// Scene time of the first frame, seconds.
    #[arg(long, value_name = "S", conflicts_with = "shot")]
    from: Option<f32>,
    /// Scene time where the frames stop, seconds (default: the end): round((to − from) · fps)
    /// frames at from + k/fps, so ranges that meet join without a repeated frame (--from 0
    /// --to 10 and --from 10 --to 20 at 30 fps are 300 frames each: a long render can be
    /// split across machines); --from S --to S, the one frame at S.
    #[arg(long, value_name = "S", conflicts_with = "shot")]
    to: Option<f32>,
    /// A transparent background (PNGs with alpha; GIF transparency; WebM with alpha).
    #[arg(long)]
    transparent: bool,
    /// Render one shot of the scene, by name.
    #[arg(long, value_name = "NAME")]
    shot: Option<String>,
    /// Render only the frames at these scene times, seconds, comma-separated (stills for
    /// slides: `--at 2.5,10`).
    #[arg(long, value_name = "S,S,...", conflicts_with_all = ["shot", "from", "to"])]
    at: Option<String>,
    /// One frame per cue of every scene (a talk's, or the scene's; a scene without cues:
    /// its last frame): `--out handout.pdf` writes a handout, each page the frame with the
    /// cue's notes under it and the talk's title on the first; `--out DIR/` one PNG per cue.
    #[arg(long, conflicts_with_all = ["shot", "from", "to", "at"])]
    cues: bool,
    /// Go ahead with a render of more than 100,000 frames (without it, such a render is
    /// refused with its size, before anything starts).
    #[arg(long)]
    yes: bool,
    /// Edge smoothing: auto (multisampling only while a 3D view shows), msaa (4x
    /// multisampling throughout, as the window) or smooth (lines and points smooth their
    /// own edges, no multisampling: 3D surfaces have jagged edges).
    #[cfg(feature = "app")]
    #[arg(long, value_enum, default_value = "auto")]
    antialias: crate::app::render::Antialias,
}

#[cfg_attr(not(feature = "app"), allow(dead_code))]
/// What `render` is asked for, checked: the output's format, the size, the rate and the
/// span of scene time.
struct RenderPlan {
    format: crate::export::Format,
    size: (u32, u32),
    fps: u32,
    from: f32,
    to: f32,
    /// The scene time of every frame.
    times: Vec<f32>,
}

/// At most this many times in `render --at`.
const MAX_STILLS: usize = 10_000;

/// `render --at`'s times, each inside the scene.
fn parse_times(list: &str, duration: f32) -> Result<Vec<f32>, UsageError> {
    let mut times = vec![];
    for part in list.split(',').map(str::trim) {
        let t: f32 = part.parse().map_err(|_| {
            UsageError(format!(
                "--at {part:.40}: expected seconds (a number), comma-separated"
            ))
        })?;
        if !(t.is_finite() && (0.0..=duration + 1e-4).contains(&t)) {
            return Err(UsageError(format!(
                "--at {part}: the scene runs from 0 to {duration:.2} s"
            )));
        }
        times.push(t.min(duration));
    }
    if times.len() > MAX_STILLS {
        return Err(UsageError(format!(
            "--at: {} times; at most {MAX_STILLS}",
            times.len()
        )));
    }
    Ok(times)
}

/// What a render writes (by `--out`, checked writable) and at what size (`--size`).
#[cfg_attr(not(feature = "app"), allow(dead_code))]
fn render_output(args: &RenderArgs) -> Result<(crate::export::Format, (u32, u32)), UsageError> {
    let format = crate::export::Format::for_path(&args.out).map_err(UsageError)?;
    crate::export::check_out(format, &args.out).map_err(UsageError)?;
    let size = parse_pair(&args.size, "--size", false)?;
    if size.0 > 8192 || size.1 > 8192 {
        return Err(UsageError(format!(
            "--size {}: at most 8192 pixels a side",
            args.size
        )));
    }
    Ok((format, size))
}

#[cfg_attr(not(feature = "app"), allow(dead_code))]
fn plan_render(
    args: &RenderArgs,
    timeline: &crate::scene::Timeline,
) -> Result<RenderPlan, UsageError> {
    use crate::export::{Format, GIF_MAX_FPS};
    let (format, size) = render_output(args)?;
    let fps = match (args.fps, format) {
        (Some(0), _) => return Err(UsageError("--fps 0: at least 1".into())),
        (Some(f), Format::Gif) if f > GIF_MAX_FPS => {
            eprintln!(
                "note: a GIF plays at most {GIF_MAX_FPS} frames a second (browsers slow                  faster ones down); rendering at {GIF_MAX_FPS}"
            );
            GIF_MAX_FPS
        }
        (Some(f), _) if f > 1000 => return Err(UsageError(format!("--fps {f}: at most 1000"))),
        (Some(f), _) => f,
        (None, Format::Gif) => 30,
        (None, _) => 60,
    };
    let duration = timeline.duration();
    let (from, to) = match &args.shot {
        Some(name) => {
            let shots = timeline.shots();
            let Some(i) = shots.iter().position(|(_, n)| n == name) else {
                let names: Vec<&str> = shots.iter().map(|(_, n)| n.as_str()).collect();
                return Err(UsageError(if names.is_empty() {
                    format!("--shot {name}: the scene has no shots")
                } else {
                    format!(
                        "--shot {name}: no such shot; the scene has {}",
                        names.join(", ")
                    )
                }));
            };
            let end = shots.get(i + 1).map_or(duration, |s| s.0);
            (shots[i].0, end)
        }
        None => (args.from.unwrap_or(0.0), args.to.unwrap_or(duration)),
    };
    if !(from.is_finite() && to.is_finite() && 0.0 <= from && from <= to && to <= duration + 1e-4) {
        return Err(UsageError(format!(
            "--from {from} --to {to}: the scene runs from 0 to {duration:.2} s; expected \
             0 <= from <= to <= {duration:.2}"
        )));
    }
    let to = to.min(duration);
    let times = match &args.at {
        Some(list) => parse_times(list, duration)?,
        None => {
            let count = crate::export::frame_count(from, to, fps);
            crate::export::check_frame_count(count, to - from, args.yes).map_err(UsageError)?;
            crate::export::frame_times(from, to, fps)
        }
    };
    let (from, to) = (
        times.iter().copied().fold(f32::INFINITY, f32::min),
        times.iter().copied().fold(f32::NEG_INFINITY, f32::max),
    );
    Ok(RenderPlan {
        format,
        size,
        fps,
        from,
        to,
        times,
    })
}

#[cfg(feature = "app")]
fn render(args: &RenderArgs) -> Result<ExitCode, UsageError> {
    use crate::export::{ExportError, open_sink};
    if args.cues {
        return render_cues(args);
    }
    let loaded =
        crate::scene::load_path_or_name(&args.file, true).map_err(|e| UsageError(e.to_string()))?;
    let plan = plan_render(args, &loaded.timeline)?;
    let times = plan.times;
    // ffmpeg is looked for, and the output started, before anything renders.
    let sink = match open_sink(
        plan.format,
        &args.out,
        plan.size,
        plan.fps,
        args.transparent,
    ) {
        Ok(s) => s,
        Err(ExportError::NoFfmpeg(m)) => {
            eprintln!("error: {m}");
            return Ok(ExitCode::from(2));
        }
        Err(e) => return Err(UsageError(e.to_string())),
    };
    eprintln!(
        "rendering {} frames ({}x{}, {} fps, {:.2} to {:.2} s) of {} to {}",
        times.len(),
        plan.size.0,
        plan.size.1,
        plan.fps,
        plan.from,
        plan.to,
        args.file.display(),
        args.out.display()
    );
    let player = crate::app::player::Player::new(args.file.clone(), loaded, true, None);
    let job = crate::app::render::RenderJob {
        options: crate::app::AppOptions::for_scene(player, plan.size),
        size: plan.size,
        fps: plan.fps,
        times,
        scenes: vec![],
        transparent: args.transparent,
        antialias: args.antialias,
    };
    match crate::app::render::render(job, sink) {
        Ok(report) => {
            eprintln!(
                "wrote {} frames to {} in {:.1} s: {:.1} frames/s (start-up {:.2} s)",
                report.frames,
                args.out.display(),
                report.seconds,
                report.frames as f64 / report.seconds.max(1e-9),
                report.startup
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

/// The pages of `render --cues`: per page the talk's scene, the time, the caption and the
/// notes.
#[cfg(feature = "app")]
type CuePages = Vec<(usize, f32, String, String)>;

/// A player holding the scene or talk `file`, every scene trained, and its cue pages: each
/// cue of each scene (a scene without cues: its end), captioned with where it is, the
/// scene's notes on its first page before the cue's own.
#[cfg(feature = "app")]
fn cue_pages(file: &Path) -> Result<(crate::app::player::Player, String, CuePages), UsageError> {
    use crate::app::player::Player;
    let player = if crate::scene::talk::is_talk_file(file) {
        let talk =
            crate::scene::talk::load_talk(file, true).map_err(|e| UsageError(e.to_string()))?;
        Player::for_talk(talk, true, None, true).map_err(|e| UsageError(e.to_string()))?
    } else {
        let loaded =
            crate::scene::load_path_or_name(file, true).map_err(|e| UsageError(e.to_string()))?;
        Player::new(file.to_path_buf(), loaded, true, None)
    };
    let scenes: Vec<(String, String, crate::scene::Timeline)> = match &player.talk {
        Some(t) => t
            .scenes
            .iter()
            .map(|s| (s.title.clone(), s.notes.clone(), s.timeline.clone()))
            .collect(),
        None => vec![(
            player.loaded.scene.title.clone(),
            String::new(),
            player.loaded.timeline.clone(),
        )],
    };
    let title = player
        .talk
        .as_ref()
        .map_or_else(|| player.loaded.scene.title.clone(), |t| t.title.clone());
    let mut pages = vec![];
    for (i, (name, scene_notes, timeline)) in scenes.iter().enumerate() {
        let cues = timeline.cues();
        let (times, notes): (Vec<f32>, Vec<String>) = if cues.is_empty() {
            (vec![timeline.duration()], vec![String::new()])
        } else {
            (cues, timeline.cue_notes().to_vec())
        };
        for (k, (t, cue_notes)) in times.iter().zip(notes).enumerate() {
            let mut caption = format!("cue {}/{} · {name}", k + 1, times.len());
            if scenes.len() > 1 {
                caption = format!("Scene {}/{} · {caption}", i + 1, scenes.len());
            }
            let first = if k == 0 { scene_notes.as_str() } else { "" };
            let notes = crate::scene::talk::joined_notes(first, &cue_notes);
            pages.push((i, *t, caption, notes));
        }
    }
    Ok((player, title, pages))
}

/// `render --cues`: a handout PDF or a folder of one PNG per cue.
#[cfg(feature = "app")]
fn render_cues(args: &RenderArgs) -> Result<ExitCode, UsageError> {
    use crate::export::{Format, HandoutPdf, PngFolder, Sink};
    let (format, size) = render_output(args)?;
    let (player, title, pages) = cue_pages(&args.file)?;
    let bytes = pages.len() as u64 * size.0 as u64 * size.1 as u64 * 4;
    if format == Format::Pdf && bytes > crate::limits::MAX_HANDOUT_BYTES {
        return Err(UsageError(format!(
            "--cues: {} pages of {}x{} are {} MiB of frames; at most {} MiB: choose a smaller --size",
            pages.len(),
            size.0,
            size.1,
            bytes >> 20,
            crate::limits::MAX_HANDOUT_BYTES >> 20
        )));
    }
    let sink: Box<dyn Sink> = match format {
        Format::Pdf => {
            let texts = pages.iter().map(|p| (p.2.clone(), p.3.clone())).collect();
            Box::new(
                HandoutPdf::create(&args.out, &title, texts)
                    .map_err(|e| UsageError(e.to_string()))?,
            )
        }
        Format::Pngs => Box::new(
            PngFolder::create(&args.out, args.transparent)
                .map_err(|e| UsageError(e.to_string()))?,
        ),
        _ => {
            return Err(UsageError(format!(
                "--cues --out {}: a handout (.pdf) or a folder of PNGs (DIR/)",
                args.out.display()
            )));
        }
    };
    eprintln!(
        "rendering {} cue(s) of {} to {}",
        pages.len(),
        args.file.display(),
        args.out.display()
    );
    let job = crate::app::render::RenderJob {
        options: crate::app::AppOptions::for_scene(player, size),
        size,
        fps: 30,
        times: pages.iter().map(|p| p.1).collect(),
        scenes: pages.iter().map(|p| p.0).collect(),
        transparent: args.transparent,
        antialias: args.antialias,
    };
    match crate::app::render::render(job, sink) {
        Ok(report) => {
            eprintln!("wrote {} page(s) to {}", report.frames, args.out.display());
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

#[cfg(not(feature = "app"))]
fn render(_: &RenderArgs) -> Result<ExitCode, UsageError> {
    Err(UsageError(
        "this build has no renderer (built without the `app` feature)".into(),
    ))
}

fn check(files: &[PathBuf], verify: bool, networks: Option<&Path>) -> ExitCode {
    let mut failed = 0;
    if let Some(dir) = networks
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        eprintln!("error: --networks {}: {e}", dir.display());
        return ExitCode::from(2);
    }
    for f in files {
        if crate::scene::talk::is_talk_file(f) {
            failed += check_talk(f, verify, networks);
            continue;
        }
        match crate::scene::load_path_or_name(f, verify) {
            Ok(loaded) => {
                print_checked(f, &loaded);
                if verify && !verify_scene(f, &loaded, networks) {
                    failed += 1;
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("error {e}");
            }
        }
    }
    if failed > 0 {
        eprintln!("{failed} of {} scene(s) failed", files.len());
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Checks a talk and every scene it names (and verifies them); 1 when it fails, else 0.
fn check_talk(file: &Path, verify: bool, networks: Option<&Path>) -> usize {
    match crate::scene::talk::load_talk(file, verify) {
        Ok(talk) => {
            println!(
                "ok    {}: talk \"{}\", {} scene(s)",
                file.display(),
                talk.talk.title,
                talk.scenes.len()
            );
            let mut failed = 0;
            for (source, loaded) in &talk.scenes {
                print_checked(source, loaded);
                if verify && !verify_scene(source, loaded, networks) {
                    failed = 1;
                }
            }
            failed
        }
        Err(e) => {
            eprintln!("error {e}");
            1
        }
    }
}

/// The `ok` line of a scene that loads.
fn print_checked(file: &Path, loaded: &crate::scene::Loaded) {
    let tl = &loaded.timeline;
    println!(
        "ok    {}: \"{}\", {} layers, {:.1} s, {} cue(s){}",
        file.display(),
        loaded.scene.title,
        loaded.network.layers().len(),
        tl.duration(),
        tl.cues().len(),
        if tl.shots().is_empty() {
            String::new()
        } else {
            format!(", {} shots", tl.shots().len())
        }
    );
}

/// Prints what a loaded scene's figure shows and, with `networks`, writes its network and
/// points there; false when that cannot be done.
fn verify_scene(file: &Path, loaded: &crate::scene::Loaded, networks: Option<&Path>) -> bool {
    let v = match crate::scene::verify::verify(loaded) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("error {}: cannot measure the figure: {e}", file.display());
            return false;
        }
    };
    print!("{}", v.table());
    let failed = crate::scene::verify::failed_claims(loaded, &v);
    for f in &failed {
        eprintln!(
            "error {}:{}:{}: {}",
            file.display(),
            f.at.0,
            f.at.1,
            f.message
        );
    }
    if !failed.is_empty() {
        return false;
    }
    if !loaded.scene.claims.is_empty() {
        println!("  {} claim(s) hold", loaded.scene.claims.len());
    }
    let Some(dir) = networks else { return true };
    let name = file
        .file_stem()
        .map_or_else(|| "scene".into(), |s| s.to_string_lossy().into_owned());
    let written = loaded
        .network
        .save(&dir.join(format!("{name}.ron")))
        .map_err(|e| e.to_string())
        .and_then(|()| {
            loaded
                .data
                .save_csv(&dir.join(format!("{name}.csv")))
                .map_err(|e| e.to_string())
        });
    if let Err(e) = written {
        eprintln!("error {}: {e}", file.display());
        return false;
    }
    true
}

fn bench(
    what: &str,
    scene: &Path,
    resolution: usize,
    repeat: usize,
) -> Result<ExitCode, UsageError> {
    match what {
        "landscape" => {
            crate::landscape::bench(resolution.clamp(2, 2048), repeat);
            Ok(ExitCode::SUCCESS)
        }
        "startup" => play(
            scene,
            PlayOptions {
                present: true,
                windowed: true,
                startup_probe: STARTED.get().copied(),
                ..PlayOptions::default()
            },
        ),
        other => Err(UsageError(format!(
            "bench `{other}`: expected `landscape` or `startup`"
        ))),
    }
}

fn list_scenes() {
    // Written without panicking when the reader goes away (`| head`).
    let mut out = std::io::stdout().lock();
    for (name, text) in crate::scene::bundled::BUNDLED {
        let title = crate::scene::parse(text, name)
            .map(|s| s.title)
            .unwrap_or_default();
        let _ = writeln!(out, "{name:24}  {title}");
    }
    let _ = writeln!(out, "\nPlay one with `spacefold play --present NAME`.");
}

fn list_presets() {
    let width = crate::presets::PRESETS
        .iter()
        .map(|p| p.name.len())
        .max()
        .unwrap_or(0);
    // Written without panicking when the reader goes away (`| head`).
    let mut out = std::io::stdout().lock();
    for p in crate::presets::PRESETS {
        let _ = writeln!(out, "{:width$}  {}", p.name, p.summary);
    }
    let _ = writeln!(out, "\nOpen one with `spacefold --preset NAME`.");
}

#[cfg_attr(not(feature = "app"), allow(dead_code))]
/// Parses `WIDTHxHEIGHT`-like pairs of positive numbers.
fn parse_pair(text: &str, what: &str, allow_zero: bool) -> Result<(u32, u32), UsageError> {
    text.split_once('x')
        .and_then(|(a, b)| Some((a.trim().parse::<u32>().ok()?, b.trim().parse::<u32>().ok()?)))
        .filter(|(a, b)| allow_zero || (*a > 0 && *b > 0))
        .ok_or_else(|| UsageError(format!("{what} `{text}`: expected two numbers like 24x128")))
}

/// The numbers of the window's and `play`'s options that nothing else checks: finite and in
/// range (a NaN delay would never take the screenshot).
fn check_arguments(cli: &Cli) -> Result<(), UsageError> {
    let after = match &cli.command {
        Some(Command::Play {
            screenshot_after, ..
        }) => *screenshot_after,
        None => cli.window.screenshot_after,
        Some(_) => return Ok(()),
    };
    crate::limits::check_range(after, 0.0, crate::limits::MAX_DURATION_SECS)
        .map(|_| ())
        .map_err(|e| UsageError(format!("--screenshot-after {e} (seconds)")))
}

/// When `main` started: `bench startup` measures from here.
static STARTED: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();

/// Runs the command line; returns the process exit code.
pub fn main() -> ExitCode {
    STARTED.get_or_init(Instant::now);
    let packed = match mount_packed() {
        Ok(talk) => talk,
        Err(code) => return code,
    };
    let args = packed_arguments(std::env::args_os().collect(), packed.as_deref());
    let cli = Cli::parse_from(args);
    let packed = packed.as_deref();
    if let Err(UsageError(message)) = check_arguments(&cli) {
        eprintln!("error: {message}");
        return ExitCode::from(2);
    }
    let result = match cli.command {
        Some(Command::Data { name, params, csv }) => write_data(&name, &params, csv.as_deref()),
        Some(Command::Train { setup, save, json }) => train(&setup, save.as_deref(), json),
        Some(Command::Presets) => {
            list_presets();
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Check {
            files,
            verify,
            networks,
        }) => packed_or_given(files, packed, "check")
            .map(|files| check(&files, verify, networks.as_deref())),
        Some(Command::Pack { files, out, base }) => pack(&files, &out, base.as_deref()),
        Some(Command::Scenes) => {
            list_scenes();
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Render(mut args)) => packed_scene(args.given.take(), packed, args.cues)
            .and_then(|f| {
                args.file = f;
                render(&args)
            }),
        Some(Command::Play {
            file,
            present,
            cue,
            windowed,
            screenshot,
            screenshot_after,
            size,
            speaker,
            auto,
            looping,
        }) => packed_or_given(Vec::from_iter(file), packed, "play").and_then(|files| {
            let options = PlayOptions {
                present,
                cue,
                windowed,
                screenshot,
                screenshot_after,
                size,
                startup_probe: None,
                speaker,
                auto,
                looping,
            };
            play(&files[0], options)
        }),
        Some(Command::Bench {
            what,
            scene,
            resolution,
            repeat,
        }) => bench(&what, &scene, resolution, repeat),
        None => open_window(&cli.setup, &cli.window),
    };
    match result {
        Ok(code) => code,
        Err(UsageError(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// Mounts this program's packed talk, when it has one, and returns its path; exit code 2,
/// said why, when the payload is damaged (checked before anything else: a damaged talk must
/// not half-play).
fn mount_packed() -> Result<Option<PathBuf>, ExitCode> {
    crate::pack::mount_current_exe().map_err(|e| {
        eprintln!(
            "error: this spacefold executable's packed talk is damaged ({e}); copy it again, \
             or pack the talk again"
        );
        ExitCode::from(2)
    })
}

/// The command line of a program with a packed talk: none at all presents the talk full
/// screen, `--windowed` alone presents it in a window; anything else is read as given.
fn packed_arguments(args: Vec<OsString>, talk: Option<&Path>) -> Vec<OsString> {
    let Some(talk) = talk else { return args };
    let program = args.first().cloned().unwrap_or_else(|| "spacefold".into());
    let play = |extra: &[&str]| {
        let mut line = vec![program.clone(), "play".into(), "--present".into()];
        line.extend(extra.iter().map(OsString::from));
        line.push(talk.into());
        line
    };
    match &args[1.min(args.len())..] {
        [] => play(&[]),
        [only] if only == "--windowed" => play(&["--windowed"]),
        _ => args,
    }
}

/// The files a command was given, or, when it was given none, the packed talk (an error
/// in a program without one).
fn packed_or_given(
    files: Vec<PathBuf>,
    packed: Option<&Path>,
    command: &str,
) -> Result<Vec<PathBuf>, UsageError> {
    match (files.is_empty(), packed) {
        (false, _) => Ok(files),
        (true, Some(talk)) => Ok(vec![talk.to_path_buf()]),
        (true, None) => Err(UsageError(format!(
            "`spacefold {command}` needs a scene file, a talk, or a bundled scene's name \
             (see `spacefold scenes`)"
        ))),
    }
}

/// `render`'s scene: the one given, or the packed talk's when it has only one (a talk is
/// rendered whole only as its cues, `--cues`; otherwise its scenes are, one by one).
fn packed_scene(
    given: Option<PathBuf>,
    packed: Option<&Path>,
    cues: bool,
) -> Result<PathBuf, UsageError> {
    let talk = packed_or_given(Vec::from_iter(given), packed, "render")?.remove(0);
    if cues || Some(talk.as_path()) != packed {
        return Ok(talk);
    }
    let loaded =
        crate::scene::talk::load_talk(&talk, false).map_err(|e| UsageError(e.to_string()))?;
    match loaded.scenes.as_slice() {
        [(only, _)] => Ok(only.clone()),
        scenes => {
            let names: Vec<String> = scenes.iter().map(|s| s.0.display().to_string()).collect();
            Err(UsageError(format!(
                "the packed talk has {} scenes: name the one to render: {}",
                names.len(),
                names.join(", ")
            )))
        }
    }
}

/// `spacefold pack`: checks the output can be written, packs, and says what and how fast.
fn pack(files: &[PathBuf], out: &Path, base: Option<&Path>) -> Result<ExitCode, UsageError> {
    check_output("--out", out)?;
    let start = Instant::now();
    let packed = crate::pack::pack(files, base, out).map_err(UsageError)?;
    let other = match packed.data_files {
        0 => String::new(),
        1 => ", 1 file".into(),
        n => format!(", {n} files"),
    };
    eprintln!(
        "packed \"{}\" ({} scene(s){other}), {:.1} MiB into {} in {:.1} s",
        packed.title,
        packed.scenes,
        packed.bytes as f64 / (1024.0 * 1024.0),
        out.display(),
        start.elapsed().as_secs_f64()
    );
    eprintln!(
        "run it with no arguments to present the talk full screen, with --windowed in a \
         window; `{} check` checks it",
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Checks before any work that `path` (given as `flag`) can be written.
fn check_output(flag: &str, path: &Path) -> Result<(), UsageError> {
    crate::io::check_output(path).map_err(|e| {
        UsageError(format!(
            "{flag} {}: cannot write there: {e}",
            path.display()
        ))
    })
}

fn write_data(name: &str, params: &[String], csv: Option<&Path>) -> Result<ExitCode, UsageError> {
    let (mut spec, mut options) = DatasetSpec::parse(name)?;
    for pair in params {
        spec.set_pair(pair, &mut options)?;
    }
    if let Some(path) = csv {
        check_output("--csv", path)?;
    }
    let data = spec.generate();
    match csv {
        Some(path) => {
            data.save_csv(path)?;
            eprintln!(
                "wrote {} points ({} features, {} classes) of {} to {}",
                data.len(),
                data.dim(),
                data.classes,
                spec.to_arg(),
                path.display()
            );
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(data.to_csv().as_bytes())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn train(setup: &Setup, save: Option<&Path>, json: bool) -> Result<ExitCode, UsageError> {
    // Ctrl-C, SIGTERM and SIGHUP from here on stop the run cleanly, saving nothing.
    crate::interrupt::watch();
    // A typo in --save must not cost the run: checked before anything trains.
    if let Some(path) = save {
        check_output("--save", path)?;
    }
    let r = setup.resolve()?;
    eprintln!(
        "training {} on {} ({} train, {} test points) with {}, {}",
        describe(&r.network),
        r.data_label,
        r.train.len(),
        r.test.len(),
        r.config.optimizer,
        if r.config.batch_size == 0 {
            "full batch".to_string()
        } else {
            format!("batches of {}", r.config.batch_size)
        }
    );
    let mut trainer = Trainer::new(r.network.clone(), r.config.clone())?;
    let mut progress = crate::progress::Progress::new(r.epochs);
    let start = Instant::now();
    let outcome = trainer.run_while(&r.train, r.epochs, |s| {
        progress.update(s.epoch, |on_terminal, _| {
            let said = format!("epoch {}/{} loss {:.5}", s.epoch, r.epochs, s.loss);
            if on_terminal {
                let bar = crate::progress::bar(s.epoch, r.epochs, 30, '#', ' ');
                format!("[{bar}] {said}")
            } else {
                said
            }
        });
        !crate::interrupt::interrupted()
    });
    let seconds = start.elapsed().as_secs_f64();
    if let Err(e) = outcome {
        eprintln!("\nerror: {e}");
        if save.is_some() {
            eprintln!("nothing was saved");
        }
        return Ok(ExitCode::from(1));
    }
    if crate::interrupt::interrupted() {
        eprintln!(
            "\ninterrupted at epoch {} of {}; nothing was saved",
            trainer.epoch(),
            r.epochs
        );
        return Ok(ExitCode::from(crate::interrupt::EXIT_CODE));
    }
    let loss = trainer.loss();
    let train_eval = evaluate(trainer.network(), &r.train, Some(loss))?;
    let test_eval = if r.test.is_empty() {
        None
    } else {
        Some(evaluate(trainer.network(), &r.test, Some(loss))?)
    };
    if let Some(path) = save {
        trainer.network().save(path)?;
        eprintln!("saved the network to {}", path.display());
    }
    let test_acc = test_eval.map(|e| e.accuracy);
    if !r.train.names.is_empty() {
        println!("classes         {}", r.train.names.join(", "));
    }
    println!("epochs          {}", trainer.epoch());
    println!("final loss      {:.6}", train_eval.loss);
    println!("train accuracy  {:.2}%", 100.0 * train_eval.accuracy);
    match test_acc {
        Some(a) => println!("test accuracy   {:.2}%", 100.0 * a),
        None => println!("test accuracy   - (no test points)"),
    }
    println!("wall time       {seconds:.3} s");
    if json {
        let mut object = serde_json::json!({
            "epochs": trainer.epoch(),
            "loss": train_eval.loss,
            "train_accuracy": train_eval.accuracy,
            "test_accuracy": test_acc,
            "seconds": seconds,
        });
        if !r.train.names.is_empty() {
            object["classes"] = serde_json::json!(r.train.names);
        }
        println!("{object}");
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(feature = "app")]
fn open_window(setup: &Setup, window: &WindowArgs) -> Result<ExitCode, UsageError> {
    let preset = window
        .preset
        .as_deref()
        .map(crate::presets::find)
        .transpose()?;
    let (resolved, seed) = match preset {
        Some(p) => (p.resolve()?, p.setup().seed),
        None => (setup.resolve()?, setup.seed),
    };
    let (w, h) = parse_pair(&window.size, "--size", false)?;
    let start = window_start(
        window,
        preset.map_or_else(Start::default, |p| p.start()),
        &resolved.network,
    )?;
    crate::app::run(crate::app::AppOptions {
        resolved,
        seed,
        training: !window.paused && preset.is_none(),
        train_epochs: preset.map_or(0, |p| p.epochs),
        heatmap_resolution: window.heatmap.clamp(2, 1024),
        bench_frames: window.bench_frames.filter(|&n| n > 0),
        screenshot: window.screenshot.clone(),
        screenshot_after: window.screenshot_after,
        size: (w, h),
        start,
        player: None,
        fullscreen: false,
        startup_probe: None,
        speaker: false,
    });
    Ok(ExitCode::SUCCESS)
}

/// How the window opens: a preset's start (or the default), overridden by the options.
#[cfg_attr(not(feature = "app"), allow(dead_code))]
fn window_start(
    window: &WindowArgs,
    mut start: Start,
    network: &Network,
) -> Result<Start, UsageError> {
    if let Some(text) = &window.view {
        start.view = View::parse(text)
            .ok_or_else(|| UsageError(format!("--view `{text}`: expected {}", View::names())))?;
    }
    let layer_count = network.layers().len() as f32;
    if let Some(p) = window.position {
        if !(0.0..=layer_count).contains(&p) {
            return Err(UsageError(format!(
                "--position {p}: this network has {layer_count} layers, so 0 to {layer_count}"
            )));
        }
        // A still: paused there, not turning.
        start.position = layers_to_stages(p);
        start.play = false;
        start.rotate = false;
    }
    start.play |= window.play;
    start.looping = window.looping;
    let (lines, samples) = parse_pair(&window.grid, "--grid", true)?;
    start.grid_lines = lines as usize;
    start.grid_samples = samples.max(2) as usize;
    let surface = &mut start.surface;
    if let Some(text) = &window.surface {
        surface.target = parse_surface(text, network)?;
    }
    if let Some(t) = window.morph {
        if !(0.0..=2.0).contains(&t) {
            return Err(UsageError(format!("--morph {t}: must be between 0 and 2")));
        }
        surface.morph = Some(t);
    }
    if let Some(z) = window.zoom_out {
        if !(1.0..=1000.0).contains(&z) {
            return Err(UsageError(format!(
                "--zoom-out {z}: must be between 1 and 1000"
            )));
        }
        surface.zoom_out = z;
    }
    if !(0.0..=5.0).contains(&window.surface_height) {
        return Err(UsageError(format!(
            "--surface-height {}: must be between 0 and 5",
            window.surface_height
        )));
    }
    surface.height = window.surface_height;
    surface.resolution = surface_resolution(surface.zoom_out, window.surface_resolution);
    start.top |= window.top;
    start.split = window.split;
    Ok(start)
}

#[cfg(not(feature = "app"))]
fn open_window(_: &Setup, _: &WindowArgs) -> Result<ExitCode, UsageError> {
    Err(UsageError(
        "this build has no window (built without the `app` feature); use `spacefold train` \
         or rebuild with default features"
            .into(),
    ))
}
