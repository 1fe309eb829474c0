//! The set-up that the command line, the presets, the scenes and the window share: a data set,
//! a network and how to train it ([`Setup`], resolved into [`Resolved`]), the rules every
//! caller applies the same way (split then standardise, the default head), the views ([`View`]) and how the window opens ([`Start`]).
//!
//! No Bevy here and no command line: the CLI parses into these types, the app is built from
//! them, and nothing below the CLI imports the CLI.

use crate::landscape::{SurfaceSettings, Target};
use crate::nn::data::{CsvColumns, DataOptions, Dataset, DatasetSpec};
use crate::nn::import::Activations;
use crate::nn::{Activation, Loss, Network, Optimizer, TrainConfig};
use clap::{Args, Parser};
use std::path::{Path, PathBuf};

/// A user error: printed as `error: ...`, exit code 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl<E: std::fmt::Display> From<E> for UsageError {
    fn from(e: E) -> Self {
        UsageError(e.to_string())
    }
}

/// A data set, a network and how to train it: shared by `train` and the window.
#[derive(Debug, Clone, Args)]
pub struct Setup {
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
    pub arch: Option<String>,
    // Its help lists the names from `Activation::ALL` (see `activation_help`).
    #[arg(long, help = activation_help())]
    pub activation: Option<String>,
    /// Output layer: sigmoid (one output, 2 classes), softmax (k outputs) or identity.
    /// Default: sigmoid for one output, softmax otherwise.
    #[arg(long, value_name = "HEAD")]
    pub output: Option<String>,
    /// Loss: bce, cce or mse. Default: the output's natural one.
    #[arg(long)]
    pub loss: Option<String>,
    /// Start from a saved network instead of a fresh one: spacefold's RON, a NumPy or
    /// scikit-learn `.npz` or a PyTorch `.safetensors` (these two take their activations
    /// from --activation and --output, else a safetensors file's metadata, else ReLU).
    #[arg(long, value_name = "FILE")]
    pub load: Option<PathBuf>,
    /// Optimizer: sgd, adam or lbfgs.
    #[arg(long, default_value = "adam")]
    pub optimizer: String,
    /// Learning rate (sgd, adam).
    #[arg(long, default_value_t = 0.01)]
    pub lr: f32,
    /// Momentum (sgd).
    #[arg(long, default_value_t = 0.9)]
    pub momentum: f32,
    /// Mini-batch size; 0 = full batch.
    #[arg(long, default_value_t = 0)]
    pub batch: usize,
    /// L2 penalty on the weights (scikit-learn's alpha).
    #[arg(long, default_value_t = 0.0)]
    pub l2: f32,
    /// Epochs to train (`train`; the window trains until paused).
    #[arg(long, default_value_t = 1000)]
    pub epochs: usize,
    /// Seed of the weights and the shuffling.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

/// The help of `--activation`: the names come from [`Activation::ALL`], so a new activation
/// is listed without anyone remembering to.
pub fn activation_help() -> String {
    format!(
        "Hidden activation (default relu), one for all or one per hidden layer: `relu` or `tanh,relu`. {}",
        Activation::names()
    )
}

/// Everything `Setup` resolves to: data split, a network, and the training settings.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// What the data is called, for messages.
    pub data_label: String,
    /// The built-in spec, when the data is not a CSV file.
    pub spec: Option<DatasetSpec>,
    /// Training points.
    pub train: Dataset,
    /// Held-out points.
    pub test: Dataset,
    /// The network to train.
    pub network: Network,
    /// How to train it.
    pub config: TrainConfig,
    /// Number of epochs to run.
    pub epochs: usize,
}

/// The set-up that these command-line arguments (without the program name) describe.
pub fn parse_setup(args: &[&str]) -> Result<Setup, UsageError> {
    #[derive(Parser)]
    struct Only {
        #[command(flatten)]
        setup: Setup,
    }
    let all = std::iter::once("spacefold").chain(args.iter().copied());
    Ok(Only::try_parse_from(all)?.setup)
}

/// Parses `2-16-16-3` into sizes.
pub fn parse_arch(text: &str) -> Result<Vec<usize>, UsageError> {
    let sizes: Result<Vec<usize>, _> = text
        .split(['-', 'x', ','])
        .map(|s| s.trim().parse())
        .collect();
    match sizes {
        Ok(s) if s.len() >= 2 && !s.contains(&0) => {
            crate::limits::check_sizes(&s).map_err(|e| {
                UsageError(format!("--arch `{}`: {e}", crate::limits::echo(text, 60)))
            })?;
            Ok(s)
        }
        _ => Err(UsageError(format!(
            "--arch `{}`: expected layer sizes like 2-16-16-3 (input first, at least two, none zero)",
            crate::limits::echo(text, 60)
        ))),
    }
}

/// Checks the numbers of the training options, before anything is made: each finite and
/// in range, named as the option the user typed.
fn check_numbers(setup: &Setup) -> Result<(), UsageError> {
    use crate::limits::{MAX_L2, MAX_LEARNING_RATE, check_range};
    let bad = |flag: &str, why: String, expect: &str| {
        UsageError(format!("{flag} {why}; expected {expect}"))
    };
    if setup.lr <= 0.0 || check_range(setup.lr, 0.0, MAX_LEARNING_RATE).is_err() {
        return Err(UsageError(format!(
            "--lr {}: must be a positive number (at most {MAX_LEARNING_RATE})",
            setup.lr
        )));
    }
    // Momentum 1 never forgets a step: only [0, 1) converges.
    if setup.momentum.is_nan() || !(0.0..1.0).contains(&setup.momentum) {
        return Err(bad(
            "--momentum",
            format!("{}", setup.momentum),
            "a number from 0 up to (not including) 1",
        ));
    }
    check_range(setup.l2, 0.0, MAX_L2)
        .map_err(|e| bad("--l2", e, &format!("a number from 0 to {MAX_L2}")))?;
    if let Some(t) = setup.test {
        check_range(t, 0.0, 0.95).map_err(|e| bad("--test", e, "a fraction from 0 to 0.95"))?;
    }
    if setup.load.is_some() && setup.arch.is_some() {
        return Err(UsageError(
            "--arch and --load: the loaded network has its own layers; give one or the other"
                .into(),
        ));
    }
    Ok(())
}

/// Splits the points into training and held-out sets, then (when asked) standardises both
/// with the training points' mean and spread: the one rule the CLI, the window and scenes
/// share, so the same spec gives the same points everywhere.
pub fn split_and_standardise(
    full: &Dataset,
    test_ratio: f32,
    seed: u64,
    standardize: bool,
) -> (Dataset, Dataset) {
    // Nothing held out: every point in its order, as a scene trains on them, so a preset
    // and its scene train the same network.
    let (mut train, mut test) = if test_ratio == 0.0 {
        let none = full.select(&[]);
        (full.clone(), none)
    } else {
        full.split(test_ratio, seed)
    };
    if standardize {
        let s = train.fit_standardizer();
        s.apply(&mut train);
        s.apply(&mut test);
    }
    (train, test)
}

/// The output layer a network gets when nobody names one: a sigmoid for a single output
/// (two classes), a softmax over several.
pub fn default_head(outputs: usize) -> Activation {
    Activation::default_head(outputs)
}

/// Outputs a fresh network needs to decide between `classes` classes.
pub fn outputs_for(classes: usize) -> usize {
    if classes == 2 { 1 } else { classes }
}

pub use crate::nn::network::Misfit;

impl Setup {
    /// Loads or generates the data, builds the network and the training settings.
    pub fn resolve(&self) -> Result<Resolved, UsageError> {
        check_numbers(self)?;
        let text = self.data.as_deref().unwrap_or("spiral");
        let looks_like_file = text.ends_with(".csv") || Path::new(text).is_file();
        let (full, spec, options) = if looks_like_file {
            let columns = CsvColumns::new(self.label.as_deref(), self.columns.as_deref());
            let data = Dataset::load_csv_with(Path::new(text), &columns)?;
            (data, None, DataOptions::default())
        } else {
            if self.label.is_some() || self.columns.is_some() {
                return Err(UsageError(format!(
                    "--label and --columns pick a CSV file's columns; `{}` is a built-in data set",
                    crate::limits::echo(text, 60)
                )));
            }
            let (spec, options) = DatasetSpec::parse(text)?;
            (spec.generate(), Some(spec), options)
        };
        let ratio = self.test.unwrap_or(options.test_ratio);
        if !(0.0..=0.95).contains(&ratio) {
            return Err(UsageError(format!(
                "--test {ratio}: must be between 0 and 0.95"
            )));
        }
        let (train, test) = split_and_standardise(&full, ratio, self.seed, options.standardize);
        if train.is_empty() {
            return Err(UsageError(format!(
                "{text}: no training points left after the split"
            )));
        }

        let network = match &self.load {
            Some(path) => Network::load_with(path, &self.loaded_activations()?)?,
            None => self.fresh_network(full.dim(), full.classes)?,
        };
        network.fits(full.dim(), full.classes).map_err(|m| match m {
            Misfit::Inputs { .. } => UsageError(m.to_string()),
            Misfit::Classes { data, .. } => UsageError(format!(
                "the data has {data} classes but the network has {} output(s); end --arch with -{data}",
                network.output_dim()
            )),
        })?;
        let parameters = network.parameter_count() as u128;
        crate::limits::check_training(self.epochs, train.len(), parameters)
            .map_err(|e| UsageError(format!("--epochs {}: {e}", self.epochs)))?;
        let outputs = network.output_dim();
        if network.head() == Activation::Sigmoid && outputs > 1 && outputs > full.classes {
            // Outputs past the classes are trained towards 0 for ever and decide nothing.
            return Err(UsageError(format!(
                "the network has {outputs} sigmoid outputs but the data has {} classes; end \
                 --arch with -{} (or -1 for two classes)",
                full.classes, full.classes
            )));
        }
        let optimizer = match self.optimizer.to_ascii_lowercase().as_str() {
            "sgd" => Optimizer::Sgd {
                lr: self.lr,
                momentum: self.momentum,
            },
            other => Optimizer::parse(other, self.lr)?,
        };
        if !(self.lr > 0.0 && self.lr.is_finite()) {
            return Err(UsageError(format!(
                "--lr {}: must be a positive number",
                self.lr
            )));
        }
        let loss = self.loss.as_deref().map(str::parse::<Loss>).transpose()?;
        let config = TrainConfig {
            optimizer,
            loss,
            batch_size: self.batch,
            l2: self.l2,
            seed: self.seed,
            snapshot_every: 0,
        };
        Ok(Resolved {
            data_label: spec
                .as_ref()
                .map_or_else(|| text.to_string(), DatasetSpec::to_arg),
            spec,
            train,
            test,
            network,
            config,
            epochs: self.epochs,
        })
    }

    /// The activations `--activation` and `--output` give a loaded `.npz` or
    /// `.safetensors` network (a RON file names its own); where they are not given, the
    /// file's metadata or the defaults.
    fn loaded_activations(&self) -> Result<Activations, UsageError> {
        Ok(Activations {
            hidden: match &self.activation {
                Some(a) => a.split(',').map(str::parse).collect::<Result<_, _>>()?,
                None => vec![],
            },
            head: self.output.as_deref().map(str::parse).transpose()?,
        })
    }

    fn fresh_network(&self, dim: usize, classes: usize) -> Result<Network, UsageError> {
        let sizes = match &self.arch {
            Some(a) => parse_arch(a)?,
            None => vec![dim, 16, 16, outputs_for(classes)],
        };
        if sizes[0] != dim {
            return Err(UsageError(format!(
                "--arch starts with {} inputs but the data has {dim} features",
                sizes[0]
            )));
        }
        let outputs = *sizes.last().unwrap();
        let hidden: Vec<Activation> = self
            .activation
            .as_deref()
            .unwrap_or("relu")
            .split(',')
            .map(str::parse)
            .collect::<Result<_, _>>()?;
        let head = match &self.output {
            Some(h) => h.parse()?,
            None => default_head(outputs),
        };
        Ok(Network::new(&sizes, &hidden, head, self.seed)?)
    }
}

/// Describes a network as `2-16-16-3 relu/softmax`.
pub fn describe(net: &Network) -> String {
    let sizes: Vec<String> = net.sizes().iter().map(ToString::to_string).collect();
    let mut acts: Vec<&str> = net.layers().iter().map(|l| l.activation.name()).collect();
    acts.dedup();
    format!("{} {}", sizes.join("-"), acts.join("/"))
}

/// The orbit camera's default angle about the vertical, degrees (scenes state angles in
/// degrees; the window turns them into radians).
pub const DEFAULT_YAW_DEG: f32 = -34.4;
/// The orbit camera's default angle above the floor, degrees.
pub const DEFAULT_PITCH_DEG: f32 = 25.8;

/// One of the window's views: the one type the CLI (`--view`), the scene format (`view:`,
/// `View(..)`), the presets and the app (a Bevy state) all use.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize,
)]
#[cfg_attr(feature = "app", derive(bevy::prelude::States))]
pub enum View {
    /// The input plane with the decision regions, while training.
    Regions,
    /// Space carried through the network, layer by layer.
    #[default]
    Layers,
    /// A neuron's or the outputs' values as surfaces over the plane.
    Landscape,
}

impl View {
    /// Every view, in the order V cycles through them.
    pub const ALL: [View; 3] = [View::Regions, View::Layers, View::Landscape];

    /// The view's name as `--view` takes it.
    pub fn name(self) -> &'static str {
        match self {
            View::Regions => "regions",
            View::Layers => "layers",
            View::Landscape => "landscape",
        }
    }

    /// The view's name on its button.
    pub fn label(self) -> &'static str {
        match self {
            View::Regions => "Regions",
            View::Layers => "Layers",
            View::Landscape => "Landscape",
        }
    }

    /// What the view shows, for its button's tooltip.
    pub fn about(self) -> &'static str {
        match self {
            View::Regions => "The input plane with the decision regions, while training (V)",
            View::Layers => "Space carried through the network, W·a, + b, σ, layer by layer (V)",
            View::Landscape => "A neuron's or the outputs' values as surfaces over the plane (V)",
        }
    }

    /// The views' names for a message: "`regions`, `layers` or `landscape`".
    pub fn names() -> String {
        let names: Vec<String> = View::ALL
            .iter()
            .map(|v| format!("`{}`", v.name()))
            .collect();
        let (last, rest) = names.split_last().expect("there are views");
        format!("{} or {last}", rest.join(", "))
    }

    /// The view called `text` (`regions`, `layers`, `landscape`).
    pub fn parse(text: &str) -> Option<View> {
        View::ALL.into_iter().find(|v| v.name() == text)
    }

    /// The next view, for the V key.
    pub fn next(self) -> View {
        let i = View::ALL.iter().position(|&v| v == self).unwrap_or(0);
        View::ALL[(i + 1) % View::ALL.len()]
    }
}

/// How the window opens: which view, where the layers view stands and moves, what the
/// landscape shows. A preset translates into one (`Preset::start` in the presets), the
/// command line overrides its fields, and the app applies it.
#[derive(Clone, Debug, PartialEq)]
pub struct Start {
    /// The view shown first.
    pub view: View,
    /// Layers view: stage position to open at (`STAGES_PER_LAYER ×` layers is the output).
    pub position: f32,
    /// Layers view: play from there at once.
    pub play: bool,
    /// Layers view: while playing, stop and hold at this stage position (the one that
    /// shows the set-up's point); playing on goes to the output.
    pub hold: Option<f32>,
    /// Layers view: start again from the input at the end.
    pub looping: bool,
    /// Layers view: neurons shown of layers wider than three (2 or 3).
    pub dims: usize,
    /// Turn the 3D view slowly.
    pub rotate: bool,
    /// Layers view: grid lines each way (0: none).
    pub grid_lines: usize,
    /// Layers view: samples along each grid line.
    pub grid_samples: usize,
    /// Landscape view: what the surfaces show and how.
    pub surface: SurfaceSettings,
    /// Landscape view: look straight down.
    pub top: bool,
    /// Landscape view: the flat top view beside the 3D one.
    pub split: bool,
}

impl Default for Start {
    fn default() -> Self {
        Start {
            view: View::Regions,
            position: 0.0,
            play: false,
            hold: None,
            looping: false,
            dims: 2,
            rotate: false,
            grid_lines: 24,
            grid_samples: 128,
            surface: SurfaceSettings::default(),
            top: false,
            split: false,
        }
    }
}

/// Samples along each side of a surface: the one chosen, else 96, or 256 when the plane is
/// zoomed out (the far plane needs them to keep its rays sharp); always 8 to 512.
pub fn surface_resolution(zoom_out: f32, chosen: Option<usize>) -> usize {
    let default = if zoom_out > 1.0 { 256 } else { 96 };
    chosen.unwrap_or(default).clamp(8, 512)
}

/// Parses `--surface`: `softmax` (or `outputs`), `logits`, `argmax`, or `L:N` for neuron N of
/// layer L (both from 1) of `network`.
pub fn parse_surface(text: &str, network: &Network) -> Result<Target, UsageError> {
    use crate::landscape::OutputMode;
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
                    return Err(UsageError(format!(
                        "--surface `{other}`: expected softmax, logits, argmax or LAYER:NEURON \
                         (from 1; this network's layers have {:?} neurons)",
                        layers.iter().map(|l| l.outputs()).collect::<Vec<_>>()
                    )));
                }
            }
        }
    })
}

/// A position in layers (`--position`) in stages, snapped to a stage boundary when it is
/// within a few hundredths of one (so `0.33` is exactly "after W·a").
pub fn layers_to_stages(layers: f32) -> f32 {
    let u = layers * crate::flow::STAGES_PER_LAYER as f32;
    if (u - u.round()).abs() < 0.03 {
        u.round()
    } else {
        u
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup(args: &[&str]) -> Setup {
        parse_setup(args).unwrap()
    }

    #[test]
    fn the_default_network_fits_the_data() {
        let r = setup(&["--data", "spiral:arms=3"]).resolve().unwrap();
        assert_eq!(r.network.sizes(), vec![2, 16, 16, 3]);
        assert_eq!(r.network.head(), Activation::Softmax);
        let r = setup(&["--data", "moons"]).resolve().unwrap();
        assert_eq!(r.network.sizes(), vec![2, 16, 16, 1]);
        assert_eq!(r.network.head(), Activation::Sigmoid);
        assert_eq!(r.train.len() + r.test.len(), 400);
    }

    #[test]
    fn bad_arguments_name_the_problem() {
        let err = |args: &[&str]| setup(args).resolve().unwrap_err().0;
        assert!(err(&["--arch", "2-x"]).contains("--arch `2-x`"));
        assert!(
            err(&["--data", "spiral:arms=5", "--arch", "2-8-3"]).contains("end --arch with -5")
        );
        assert!(err(&["--data", "moons", "--arch", "3-8-1"]).contains("the data has 2 features"));
        assert!(err(&["--activation", "swish"]).contains("unknown activation `swish`"));
        assert!(err(&["--optimizer", "rmsprop"]).contains("unknown optimizer"));
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
    fn a_network_fits_when_inputs_and_classes_agree() {
        let net = Network::new(&[2, 4, 3], &[Activation::Relu], Activation::Softmax, 0).unwrap();
        assert_eq!(net.fits(2, 3), Ok(()));
        assert_eq!(net.fits(2, 2), Ok(()));
        assert_eq!(
            net.fits(3, 3),
            Err(Misfit::Inputs {
                network: 2,
                data: 3
            })
        );
        assert_eq!(
            net.fits(2, 5),
            Err(Misfit::Classes {
                network: 3,
                data: 5
            })
        );
    }

    #[test]
    fn views_cycle_through_all_and_parse_their_names() {
        let mut v = View::Regions;
        let mut seen = vec![];
        for _ in 0..View::ALL.len() {
            seen.push(v);
            assert_eq!(View::parse(v.name()), Some(v));
            v = v.next();
        }
        assert_eq!(v, View::Regions);
        assert_eq!(seen, View::ALL);
        assert_eq!(View::parse("nope"), None);
        assert_eq!(View::names(), "`regions`, `layers` or `landscape`");
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
        let readme = include_str!("../README.md");
        let line = format!("Activations: {}", cli.join(", "));
        assert!(readme.contains(&line), "README.md should say: {line}");
        let ron: Vec<String> = hidden.iter().map(|a| format!("`{a:?}`")).collect();
        let scene_format = include_str!("../docs/scene-format.md");
        let list = format!("hidden layer: {} |", ron.join(", "));
        assert!(
            scene_format.contains(&list),
            "docs/scene-format.md should say: {list}"
        );
        let names: Vec<&str> = hidden.iter().map(|a| a.name()).collect();
        assert!(activation_help().ends_with(&format!("`tanh,relu`. {}", names.join(", "))));
    }

    #[test]
    fn zoomed_out_surfaces_get_more_samples_unless_chosen() {
        assert_eq!(surface_resolution(1.0, None), 96);
        assert_eq!(surface_resolution(10.0, None), 256);
        assert_eq!(surface_resolution(10.0, Some(64)), 64);
        assert_eq!(surface_resolution(1.0, Some(4)), 8);
    }
}
