//! The command line's arguments: clap's definitions, parsed into typed values (sizes, views,
//! optimizers, activations) and then into the engine's own types ([`Setup`], [`Start`]).
//! Every flag's name lives here and in the messages of [`super::UsageError`].

use crate::engine::export::Antialias;
use crate::engine::landscape::{OutputMode, Target};
use crate::engine::nn::{Activation, Loss, Network, OptimizerKind};
use crate::engine::setup::{self, Setup, Start, View};
use clap::Args;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use std::path::PathBuf;
use std::str::FromStr;

/// An engine enum the command line takes by name: clap lists the names in the help and
/// refuses any other.
pub trait Choice: Copy + Send + Sync + 'static {
    /// Every value, in the order the help lists them.
    const ALL: &'static [Self];
    /// The value's name on the command line.
    fn name(self) -> &'static str;
}

impl Choice for View {
    const ALL: &'static [View] = &View::ALL;
    fn name(self) -> &'static str {
        View::name(self)
    }
}

impl Choice for OptimizerKind {
    const ALL: &'static [OptimizerKind] = &OptimizerKind::ALL;
    fn name(self) -> &'static str {
        OptimizerKind::name(self)
    }
}

impl Choice for Antialias {
    const ALL: &'static [Antialias] = &Antialias::ALL;
    fn name(self) -> &'static str {
        Antialias::name(self)
    }
}

/// The value parser of a [`Choice`].
pub fn choice<T: Choice>() -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(T::ALL.iter().map(|v| v.name())).map(|name| {
        *T::ALL
            .iter()
            .find(|v| v.name() == name)
            .expect("clap checked the name")
    })
}

/// Two positive numbers, `WIDTHxHEIGHT`: a window's or a frame's size in pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size {
    /// Pixels across.
    pub width: u32,
    /// Pixels down.
    pub height: u32,
}

impl Size {
    /// As a pair.
    pub fn pair(self) -> (u32, u32) {
        (self.width, self.height)
    }
}

/// Two numbers `AxB` (`allow_zero`: either may be 0).
fn pair(text: &str, allow_zero: bool) -> Result<(u32, u32), String> {
    text.split_once('x')
        .and_then(|(a, b)| Some((a.trim().parse::<u32>().ok()?, b.trim().parse::<u32>().ok()?)))
        .filter(|(a, b)| allow_zero || (*a > 0 && *b > 0))
        .ok_or_else(|| "expected two numbers like 24x128".into())
}

impl FromStr for Size {
    type Err = String;
    fn from_str(text: &str) -> Result<Size, String> {
        let (width, height) = pair(text, false)?;
        Ok(Size { width, height })
    }
}

/// The layers view's grid, `LINESxSAMPLES`: lines each way (0 hides it), samples per line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grid {
    /// Lines each way.
    pub lines: u32,
    /// Samples along each line.
    pub samples: u32,
}

impl FromStr for Grid {
    type Err = String;
    fn from_str(text: &str) -> Result<Grid, String> {
        let (lines, samples) = pair(text, true)?;
        Ok(Grid { lines, samples })
    }
}

/// `--arch`: layer sizes, input first, `2-16-16-3`.
#[derive(Clone, Debug, PartialEq)]
pub struct Arch(pub Vec<usize>);

impl FromStr for Arch {
    type Err = String;
    fn from_str(text: &str) -> Result<Arch, String> {
        setup::parse_arch(text).map(Arch)
    }
}

/// `--activation`: one for all hidden layers or one each, `tanh,relu`.
#[derive(Clone, Debug, PartialEq)]
pub struct Activations(pub Vec<Activation>);

impl FromStr for Activations {
    type Err = String;
    fn from_str(text: &str) -> Result<Activations, String> {
        setup::parse_activations(text).map(Activations)
    }
}

/// A data set, a network and how to train it: [`Setup`] as flags, shared by `train` and
/// the window.
#[derive(Debug, Clone, Args)]
pub struct SetupArgs {
    /// Data: a built-in set with parameters (`spiral:arms=5,n=500,noise=0.05`; also `test=0.2`,
    /// `standardize=true`) or a CSV file.
    #[arg(long = "data", visible_alias = "dataset", value_name = "SPEC|FILE.csv")]
    pub data: Option<String>,
    /// The CSV file's label column, by its header name (default: the last column).
    #[arg(long, value_name = "NAME")]
    pub label: Option<String>,
    /// The CSV file's feature columns, by header name: `sepal_length,petal_length` (default:
    /// every column but the label).
    #[arg(long, value_name = "A,B,...")]
    pub columns: Option<String>,
    /// Fraction of the points held out for testing (overrides the data's `test=`; default 0.2).
    #[arg(long, value_name = "RATIO")]
    pub test: Option<f32>,
    /// Layer sizes, input first: `2-16-16-3`. Default: input-16-16-classes.
    #[arg(long, value_name = "SIZES")]
    pub arch: Option<Arch>,
    // Its help lists the names from `Activation::ALL` (see `activation_help`).
    #[arg(long, help = activation_help(), value_name = "ACTIVATION")]
    pub activation: Option<Activations>,
    /// Output layer: sigmoid (one output, 2 classes), softmax (k outputs) or identity.
    /// Default: sigmoid for one output, softmax otherwise.
    #[arg(long, value_name = "HEAD")]
    pub output: Option<Activation>,
    /// Loss: bce, cce or mse. Default: the output's natural one.
    #[arg(long)]
    pub loss: Option<Loss>,
    /// Start from a saved network instead of a fresh one: spacefold's RON, a NumPy or
    /// scikit-learn `.npz` or a PyTorch `.safetensors` (these two take their activations
    /// from --activation and --output, else a safetensors file's metadata, else ReLU).
    #[arg(long, value_name = "FILE")]
    pub load: Option<PathBuf>,
    /// Optimizer.
    #[arg(long, default_value = "adam", value_parser = choice::<OptimizerKind>())]
    pub optimizer: OptimizerKind,
    /// Learning rate (sgd, adam).
    #[arg(long, default_value_t = Setup::LR)]
    pub lr: f32,
    /// Momentum (sgd).
    #[arg(long, default_value_t = Setup::MOMENTUM)]
    pub momentum: f32,
    /// Mini-batch size; 0 = full batch.
    #[arg(long, default_value_t = 0)]
    pub batch: usize,
    /// L2 penalty on the weights (scikit-learn's alpha).
    #[arg(long, default_value_t = 0.0)]
    pub l2: f32,
    /// Epochs to train (`train`; the window trains until paused).
    #[arg(long, default_value_t = Setup::EPOCHS)]
    pub epochs: usize,
    /// Seed of the weights and the shuffling.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

impl SetupArgs {
    /// The engine's set-up these flags describe.
    pub fn setup(&self) -> Setup {
        Setup {
            data: self.data.clone(),
            label: self.label.as_deref().map(|l| l.trim().to_string()),
            columns: self
                .columns
                .as_deref()
                .map(|c| c.split(',').map(|c| c.trim().to_string()).collect()),
            test: self.test,
            arch: self.arch.clone().map(|a| a.0),
            activation: self.activation.clone().map(|a| a.0),
            output: self.output,
            loss: self.loss,
            load: self.load.clone(),
            optimizer: self.optimizer,
            lr: self.lr,
            momentum: self.momentum,
            batch: self.batch,
            l2: self.l2,
            epochs: self.epochs,
            seed: self.seed,
        }
    }
}

/// The set-up these command-line arguments (without the program name) describe; clap's
/// message when they do not parse.
pub fn parse_setup(args: &[&str]) -> Result<Setup, super::UsageError> {
    #[derive(clap::Parser)]
    struct Only {
        #[command(flatten)]
        setup: SetupArgs,
    }
    let all = std::iter::once("spacefold").chain(args.iter().copied());
    <Only as clap::Parser>::try_parse_from(all)
        .map(|only| only.setup.setup())
        .map_err(|e| super::UsageError(e.to_string()))
}

/// The help of `--activation`: the names come from [`Activation::ALL`], so a new activation
/// is listed without anyone remembering to.
pub fn activation_help() -> String {
    format!(
        "Hidden activation (default relu), one for all or one per hidden layer: `relu` or `tanh,relu`. {}",
        Activation::names()
    )
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
    pub size: Size,
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
    /// What the window shows first: decision regions while training, space carried through
    /// the network layer by layer, or surfaces over the plane. Presets open on `layers`.
    #[arg(long, value_name = "VIEW", value_parser = choice::<View>())]
    pub view: Option<View>,
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
    pub grid: Grid,
}

/// How the window opens: a preset's start (or the default), overridden by the options.
#[cfg_attr(
    not(feature = "app"),
    allow(dead_code, reason = "only the window's commands call it")
)]
pub fn window_start(
    window: &WindowArgs,
    mut start: Start,
    network: &Network,
) -> Result<Start, super::UsageError> {
    use super::UsageError;
    if let Some(view) = window.view {
        start.view = view;
    }
    let layer_count = network.layers().len() as f32;
    if let Some(p) = window.position {
        if !(0.0..=layer_count).contains(&p) {
            return Err(UsageError(format!(
                "--position {p}: this network has {layer_count} layers, so 0 to {layer_count}"
            )));
        }
        // A still: paused there, not turning.
        start.position = setup::layers_to_stages(p);
        start.play = false;
        start.rotate = false;
    }
    start.play |= window.play;
    start.looping = window.looping;
    start.grid_lines = window.grid.lines as usize;
    start.grid_samples = window.grid.samples.max(2) as usize;
    let surface = &mut start.surface;
    if let Some(text) = &window.surface {
        surface.target = parse_surface(text, network)
            .map_err(|why| UsageError(format!("--surface `{text}`: {why}")))?;
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
    surface.resolution = setup::surface_resolution(surface.zoom_out, window.surface_resolution);
    start.top |= window.top;
    start.split = window.split;
    Ok(start)
}

/// Parses `--surface`: `softmax` (or `outputs`), `logits`, `argmax`, or `L:N` for neuron N of
/// layer L (both from 1) of `network`.
#[cfg_attr(
    not(feature = "app"),
    allow(dead_code, reason = "only the window's commands call it")
)]
pub fn parse_surface(text: &str, network: &Network) -> Result<Target, String> {
    Ok(match text {
        "softmax" | "outputs" => Target::Outputs(OutputMode::Softmax),
        "logits" => Target::Outputs(OutputMode::Logits),
        "argmax" => Target::Outputs(OutputMode::Argmax),
        other => {
            let parsed = other
                .split_once(':')
                .and_then(|(l, n)| Some((l.parse::<usize>().ok()?, n.parse::<usize>().ok()?)));
            let layers = network.layers();
            match parsed {
                Some((l, n))
                    if l >= 1 && l <= layers.len() && n >= 1 && n <= layers[l - 1].outputs() =>
                {
                    Target::Neuron(l - 1, n - 1)
                }
                _ => {
                    return Err(format!(
                        "expected softmax, logits, argmax or LAYER:NEURON (from 1; this \
                         network's layers have {:?} neurons)",
                        layers.iter().map(|l| l.outputs()).collect::<Vec<_>>()
                    ));
                }
            }
        }
    })
}

/// `spacefold play`'s arguments.
#[derive(Debug, Clone, Args)]
pub struct PlayArgs {
    /// The scene file (RON), the name of a scene bundled into this binary (`relu-fold`:
    /// see `spacefold scenes`), or a talk (its scenes in order); in a packed program, the
    /// packed talk when left out.
    pub file: Option<PathBuf>,
    /// Presenter mode: full screen, no timeline, stop by stop: a scene's stops are its cues
    /// and its end (Right / Space / PageDown the next stop, a step still playing completes
    /// at once; Left / PageUp the stop before; Home / End the talk's start / last stop; B
    /// blank; F full screen; Esc explore the picture live and back; H help; in a talk: a
    /// number and Enter opens that scene, G lists them, S the speaker view).
    #[arg(long)]
    pub present: bool,
    /// Start at this cue (from 1), paused.
    #[arg(long, value_name = "N")]
    pub cue: Option<usize>,
    /// Presenter mode in a window rather than full screen.
    #[arg(long)]
    pub windowed: bool,
    /// Save a screenshot of the window to this PNG, then quit.
    #[arg(long, value_name = "FILE.png")]
    pub screenshot: Option<PathBuf>,
    /// Seconds to wait before the screenshot.
    #[arg(long, default_value_t = 2.0, value_name = "SECS")]
    pub screenshot_after: f32,
    /// Window size, WIDTHxHEIGHT.
    #[arg(long, default_value = "1280x800")]
    pub size: Size,
    /// Open the speaker view too (a second window; S opens or closes it): the notes at
    /// this cue, the frame the next click shows, scene and cue numbers, elapsed time
    /// and the clock.
    #[arg(long)]
    pub speaker: bool,
    /// Presenter mode: go on by itself after this many seconds at each cue.
    #[arg(long, value_name = "SECONDS")]
    pub auto: Option<f32>,
    /// Presenter mode: after the last cue, start again from the first scene (with
    /// --auto: a kiosk).
    #[arg(long = "loop")]
    pub looping: bool,
    /// Presenter mode: the monitor to fill, counted from 1 left to right (default: the
    /// primary one); the speaker view opens on another where there is one.
    #[arg(long, value_name = "N")]
    pub screen: Option<usize>,
}

impl PlayArgs {
    /// `play FILE` with every other option at its default.
    pub fn of(file: PathBuf) -> PlayArgs {
        #[derive(clap::Parser)]
        struct Only {
            #[command(flatten)]
            play: PlayArgs,
        }
        let mut args = <Only as clap::Parser>::parse_from(["play"]).play;
        args.file = Some(file);
        args
    }
}

/// `spacefold render`'s arguments (its help is the command's).
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The scene file (RON), or the name of a bundled scene; in a packed program, the
    /// packed talk's scene when it has only one.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Output: a folder (numbered PNGs), `.gif`, `.mp4` or `.webm` (these two need
    /// ffmpeg on the PATH, or SPACEFOLD_FFMPEG).
    #[arg(long, value_name = "OUT")]
    pub out: PathBuf,
    /// Frame size, WIDTHxHEIGHT. Text is laid out as in a 720-line window, scaled.
    #[arg(long, default_value = "1920x1080")]
    pub size: Size,
    /// Frames per second. Default 60; 20 for a GIF (smaller; GIFs play at most 50).
    #[arg(long)]
    pub fps: Option<u32>,
    /// Scene time of the first frame, seconds.
    #[arg(long, value_name = "S", conflicts_with = "shot")]
    pub from: Option<f32>,
    /// Scene time where the frames stop, seconds (default: the end): round((to − from) · fps)
    /// frames at from + k/fps, so ranges that meet join without a repeated frame (--from 0
    /// --to 10 and --from 10 --to 20 at 30 fps are 300 frames each: a long render can be
    /// split across machines); --from S --to S, the one frame at S.
    #[arg(long, value_name = "S", conflicts_with = "shot")]
    pub to: Option<f32>,
    /// A transparent background (PNGs with alpha; GIF transparency; WebM with alpha).
    #[arg(long)]
    pub transparent: bool,
    /// Render one shot of the scene, by name.
    #[arg(long, value_name = "NAME")]
    pub shot: Option<String>,
    /// Render only the frames at these scene times, seconds, comma-separated (stills for
    /// slides: `--at 2.5,10`).
    #[arg(long, value_name = "S,S,...", conflicts_with_all = ["shot", "from", "to"])]
    pub at: Option<String>,
    /// One frame per stop of every scene (a talk's, or the scene's): its cues and its end,
    /// where presenter mode stops. `--out handout.pdf` writes a handout, each page the frame
    /// with the notes under it and the talk's title on the first; `--out DIR/` one PNG per
    /// stop.
    #[arg(long, conflicts_with_all = ["shot", "from", "to", "at"])]
    pub cues: bool,
    /// The talk (or scene) as a web page that presents it in any browser, offline: one
    /// self-contained HTML file (`--out talk.html`), or `--out DIR/` for hosting
    /// (`DIR/index.html` beside its clips). Each step between two stops is an H.264 clip
    /// (needs ffmpeg), each stop a still; Right / Left / Home / End / number + Enter / F /
    /// S (speaker window) / H as in presenter mode. Default 1280x720 at 30 fps.
    #[arg(long, conflicts_with_all = ["shot", "from", "to", "at", "cues", "transparent"])]
    pub html: bool,
    /// Go ahead with a render of more than 100,000 frames (without it, such a render is
    /// refused with its size, before anything starts).
    #[arg(long)]
    pub yes: bool,
    /// Edge smoothing: auto (multisampling only while a 3D view shows), msaa (4x
    /// multisampling throughout, as the window) or smooth (lines and points smooth their
    /// own edges, no multisampling: 3D surfaces have jagged edges).
    #[arg(long, default_value = "auto", value_parser = choice::<Antialias>())]
    pub antialias: Antialias,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The message of the error these arguments give: clap's, or the set-up's with its
    /// flag names.
    fn err(args: &[&str]) -> String {
        match parse_setup(args) {
            Err(e) => e.0,
            Ok(setup) => super::super::UsageError::from(setup.resolve().unwrap_err()).0,
        }
    }

    #[test]
    fn bad_arguments_name_the_problem() {
        assert!(err(&["--arch", "2-x"]).contains("'--arch <SIZES>'"));
        assert!(err(&["--arch", "2-x"]).contains("expected layer sizes like 2-16-16-3"));
        assert!(
            err(&["--data", "spiral:arms=5", "--arch", "2-8-3"]).contains("end --arch with -5")
        );
        assert!(err(&["--data", "moons", "--arch", "3-8-1"]).contains("the data has 2 features"));
        assert!(err(&["--activation", "swish"]).contains("unknown activation `swish`"));
        assert!(err(&["--optimizer", "rmsprop"]).contains("[possible values: sgd, adam, lbfgs]"));
        assert!(err(&["--data", "nope.csv"]).contains("nope.csv"));
        assert!(err(&["--lr=-1"]).contains("--lr"));
        // Hostile arguments (issue 15): errors, not a panic, an abort or a diverged run.
        assert!(
            err(&["--arch", "2-18446744073709551615-2"])
                .contains("layer width 18446744073709551615 is over the limit of 4096")
        );
        assert!(err(&["--arch", "2-10000000-2"]).contains("over the limit"));
        assert!(err(&["--momentum", "nan"]).contains("--momentum NaN"));
        assert!(err(&["--momentum", "1"]).contains("up to (not including) 1"));
        assert!(err(&["--momentum=-0.5"]).contains("--momentum"));
        assert!(err(&["--l2", "nan"]).contains("--l2 NaN is not a number"));
        assert!(err(&["--l2=-1"]).contains("--l2 -1 is outside 0"));
        assert!(err(&["--epochs", "1000000000000"]).contains("epoch count"));
        assert!(err(&["--epochs", "5000000"]).contains("training work"));
        assert!(err(&["--arch", "2-4-3", "--load", "n.ron"]).contains("--arch and --load"));
        let e = err(&["--data", "moons", "--arch", "2-8-3", "--output", "sigmoid"]);
        assert!(
            e.contains("3 sigmoid outputs but the data has 2 classes"),
            "{e}"
        );
    }

    #[test]
    fn the_flags_defaults_are_the_setups() {
        assert_eq!(parse_setup(&[]).unwrap(), Setup::default());
    }

    #[test]
    fn sizes_and_grids_parse_and_refuse() {
        assert_eq!(
            "640x360".parse(),
            Ok(Size {
                width: 640,
                height: 360
            })
        );
        assert!("0x360".parse::<Size>().is_err());
        assert!("640".parse::<Size>().is_err());
        assert_eq!(
            "0x128".parse(),
            Ok(Grid {
                lines: 0,
                samples: 128
            })
        );
    }

    /// The lists of activations in the README and the scene format's documentation are the
    /// ones `Activation::ALL` gives: a new activation fails here until they name it.
    #[test]
    fn the_docs_list_every_activation() {
        let hidden: Vec<Activation> = Activation::ALL
            .into_iter()
            .filter(|a| a.is_elementwise())
            .collect();
        let cli: Vec<String> = hidden.iter().map(|a| format!("`{}`", a.name())).collect();
        let readme = include_str!("../../README.md");
        let line = format!("Activations: {}", cli.join(", "));
        assert!(readme.contains(&line), "README.md should say: {line}");
        let ron: Vec<String> = hidden.iter().map(|a| format!("`{a:?}`")).collect();
        let scene_format = include_str!("../../docs/scene-format.md");
        let list = format!("hidden layer: {} |", ron.join(", "));
        assert!(
            scene_format.contains(&list),
            "docs/scene-format.md should say: {list}"
        );
        let names: Vec<&str> = hidden.iter().map(|a| a.name()).collect();
        assert!(activation_help().ends_with(&format!("`tanh,relu`. {}", names.join(", "))));
    }
}
