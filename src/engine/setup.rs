//! The set-up that the command line, the presets, the scenes and the window share: a data set,
//! a network and how to train it ([`Setup`], resolved into [`Resolved`]), the rules every
//! caller applies the same way (split then standardise, the default head), the views ([`View`]) and how the window opens ([`Start`]).
//!
//! No Bevy here and no command line: the CLI parses its flags into these types (and names
//! its flags in their errors), the app is built from them.

use crate::landscape::SurfaceSettings;
use crate::limits::OverLimit;
use crate::nn::data::{CsvColumns, DataError, DataOptions, Dataset, DatasetSpec};
use crate::nn::import::Activations;
use crate::nn::{Activation, Loss, Network, NetworkError, OptimizerKind, TrainConfig};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// A data set, a network and how to train it: shared by `train`, the window and the presets.
#[derive(Debug, Clone, PartialEq)]
pub struct Setup {
    /// Data: a built-in set with parameters (`spiral:arms=5,n=500,noise=0.05`; also
    /// `test=0.2`, `standardize=true`) or a CSV file; `None`: spirals.
    pub data: Option<String>,
    /// The CSV file's label column, by its header name (default: the last column).
    pub label: Option<String>,
    /// The CSV file's feature columns, by header name (default: every column but the label).
    pub columns: Option<Vec<String>>,
    /// Fraction of the points held out for testing (overrides the data's `test=`).
    pub test: Option<f32>,
    /// Layer sizes, input first; `None`: input-16-16-classes.
    pub arch: Option<Vec<usize>>,
    /// Hidden activations, one for all or one per hidden layer; `None`: ReLU.
    pub activation: Option<Vec<Activation>>,
    /// The output layer's activation; `None`: [`default_head`].
    pub output: Option<Activation>,
    /// The loss; `None`: the output's natural one.
    pub loss: Option<Loss>,
    /// A saved network to start from (RON, `.npz`, `.safetensors`).
    pub load: Option<PathBuf>,
    /// The optimizer.
    pub optimizer: OptimizerKind,
    /// Learning rate (SGD, Adam).
    pub lr: f32,
    /// Momentum (SGD).
    pub momentum: f32,
    /// Mini-batch size; 0 = full batch.
    pub batch: usize,
    /// L2 penalty on the weights (scikit-learn's alpha).
    pub l2: f32,
    /// Epochs to train (`train`; the window trains until paused).
    pub epochs: usize,
    /// Seed of the weights and the shuffling.
    pub seed: u64,
}

impl Setup {
    /// The learning rate when none is given.
    pub const LR: f32 = 0.01;
    /// SGD's momentum when none is given.
    pub const MOMENTUM: f32 = 0.9;
    /// Epochs when none are given.
    pub const EPOCHS: usize = 1000;
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            data: None,
            label: None,
            columns: None,
            test: None,
            arch: None,
            activation: None,
            output: None,
            loss: None,
            load: None,
            optimizer: OptimizerKind::Adam,
            lr: Setup::LR,
            momentum: Setup::MOMENTUM,
            batch: 0,
            l2: 0.0,
            epochs: Setup::EPOCHS,
            seed: 0,
        }
    }
}

/// One of [`Setup`]'s settings, as its errors name it (the command line names its flag).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setting {
    /// [`Setup::data`].
    Data,
    /// [`Setup::test`].
    Test,
    /// [`Setup::arch`].
    Arch,
    /// [`Setup::lr`].
    Lr,
    /// [`Setup::momentum`].
    Momentum,
    /// [`Setup::l2`].
    L2,
    /// [`Setup::epochs`].
    Epochs,
}

impl Setting {
    /// Its name in a sentence.
    pub fn name(self) -> &'static str {
        match self {
            Setting::Data => "data",
            Setting::Test => "test fraction",
            Setting::Arch => "layer sizes",
            Setting::Lr => "learning rate",
            Setting::Momentum => "momentum",
            Setting::L2 => "L2 penalty",
            Setting::Epochs => "epochs",
        }
    }
}

/// Why a [`Setup`] cannot be resolved.
#[derive(Debug, Error)]
pub enum SetupError {
    /// A setting out of its range: which, and a sentence that starts with its value.
    #[error("{} {why}", .setting.name())]
    Setting {
        /// The setting.
        setting: Setting,
        /// What is wrong, starting with the value: "0: must be a positive number".
        why: String,
    },
    /// Layer sizes over a limit.
    #[error("layer sizes {sizes:?}: {over}")]
    Sizes {
        /// The sizes given.
        sizes: Vec<usize>,
        /// The limit passed.
        over: OverLimit,
    },
    /// Both a network file and layer sizes.
    #[error("the loaded network has its own layers; give layer sizes or a network file, not both")]
    ArchAndLoad,
    /// A CSV's columns picked for a built-in data set.
    #[error("a label or feature columns pick a CSV file's columns; `{0}` is a built-in data set")]
    ColumnsOfBuiltin(String),
    /// No point is left to train on.
    #[error("{0}: no training points left after the split")]
    NoTrainingPoints(String),
    /// The first size is not the data's width.
    #[error("the layer sizes start with {given} inputs but the data has {data} features")]
    Inputs {
        /// The first size.
        given: usize,
        /// The data's features.
        data: usize,
    },
    /// Fewer outputs than classes.
    #[error("the data has {data} classes but the network has {outputs} output(s)")]
    Classes {
        /// Classes in the data.
        data: usize,
        /// The network's outputs.
        outputs: usize,
    },
    /// More sigmoid outputs than classes: the extra ones decide nothing.
    #[error("the network has {outputs} sigmoid outputs but the data has {data} classes")]
    ExtraSigmoids {
        /// The network's outputs.
        outputs: usize,
        /// Classes in the data.
        data: usize,
    },
    /// The data cannot be made or read.
    #[error(transparent)]
    Data(#[from] DataError),
    /// The network cannot be made or read.
    #[error(transparent)]
    Network(#[from] NetworkError),
    /// A network file that does not fit the data.
    #[error("{0}")]
    Misfit(crate::nn::network::Misfit),
    /// An output layer that cannot decide the data's classes (a softmax of one output), in
    /// a network file (named) or as asked.
    #[error("{}{misfit}", file.as_ref().map_or(String::new(), |f| format!("{f}: ")))]
    Head {
        /// The network file, when the network was loaded.
        file: Option<String>,
        /// What does not fit.
        misfit: crate::nn::network::Misfit,
    },
    /// Training this much is over a limit.
    #[error("epochs {epochs}: {over}")]
    Work {
        /// The epochs asked for.
        epochs: usize,
        /// The limit passed.
        over: OverLimit,
    },
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

/// Parses `2-16-16-3` into sizes (at least two, none zero, within the limits).
pub fn parse_arch(text: &str) -> Result<Vec<usize>, String> {
    let sizes: Result<Vec<usize>, _> = text
        .split(['-', 'x', ','])
        .map(|s| s.trim().parse())
        .collect();
    match sizes {
        Ok(s) if s.len() >= 2 && !s.contains(&0) => {
            crate::limits::check_sizes(&s).map_err(|e| e.to_string())?;
            Ok(s)
        }
        _ => {
            Err("expected layer sizes like 2-16-16-3 (input first, at least two, none zero)".into())
        }
    }
}

/// Parses activations, one for all or comma-separated, one per hidden layer: `tanh,relu`.
pub fn parse_activations(text: &str) -> Result<Vec<Activation>, String> {
    text.split(',').map(str::parse).collect()
}

/// Checks the numbers of the training settings, before anything is made: each finite and
/// in range.
fn check_numbers(setup: &Setup) -> Result<(), SetupError> {
    use crate::limits::{MAX_L2, MAX_LEARNING_RATE, check_range};
    let bad = |setting, why: String| SetupError::Setting { setting, why };
    if setup.lr <= 0.0 || check_range(setup.lr, 0.0, MAX_LEARNING_RATE).is_err() {
        return Err(bad(
            Setting::Lr,
            format!(
                "{}: must be a positive number (at most {MAX_LEARNING_RATE})",
                setup.lr
            ),
        ));
    }
    // Momentum 1 never forgets a step: only [0, 1) converges.
    if setup.momentum.is_nan() || !(0.0..1.0).contains(&setup.momentum) {
        return Err(bad(
            Setting::Momentum,
            format!(
                "{}; expected a number from 0 up to (not including) 1",
                setup.momentum
            ),
        ));
    }
    check_range(setup.l2, 0.0, MAX_L2).map_err(|e| {
        bad(
            Setting::L2,
            format!("{e}; expected a number from 0 to {MAX_L2}"),
        )
    })?;
    if let Some(t) = setup.test {
        check_range(t, 0.0, 0.95).map_err(|e| {
            bad(
                Setting::Test,
                format!("{e}; expected a fraction from 0 to 0.95"),
            )
        })?;
    }
    if let Some(sizes) = &setup.arch {
        crate::limits::check_sizes(sizes).map_err(|over| SetupError::Sizes {
            sizes: sizes.clone(),
            over,
        })?;
    }
    if setup.load.is_some() && setup.arch.is_some() {
        return Err(SetupError::ArchAndLoad);
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
    pub fn resolve(&self) -> Result<Resolved, SetupError> {
        check_numbers(self)?;
        let text = self.data.as_deref().unwrap_or("spiral");
        let looks_like_file = text.ends_with(".csv") || Path::new(text).is_file();
        let (full, spec, options) = if looks_like_file {
            let columns = CsvColumns {
                label: self.label.clone(),
                features: self.columns.clone().unwrap_or_default(),
            };
            let data = Dataset::load_csv_with(Path::new(text), &columns)?;
            (data, None, DataOptions::default())
        } else {
            if self.label.is_some() || self.columns.is_some() {
                return Err(SetupError::ColumnsOfBuiltin(crate::limits::echo(text, 60)));
            }
            let (spec, options) = DatasetSpec::parse(text)?;
            (spec.generate(), Some(spec), options)
        };
        let ratio = self.test.unwrap_or(options.test_ratio);
        if !(0.0..=0.95).contains(&ratio) {
            return Err(SetupError::Setting {
                setting: Setting::Test,
                why: format!("{ratio}: must be between 0 and 0.95"),
            });
        }
        let (train, test) = split_and_standardise(&full, ratio, self.seed, options.standardize);
        if train.is_empty() {
            return Err(SetupError::NoTrainingPoints(text.to_string()));
        }

        let network = match &self.load {
            Some(path) => Network::load_with(path, &self.loaded_activations())?,
            None => self.fresh_network(full.dim(), full.classes)?,
        };
        network
            .fits(full.dim(), full.classes)
            .map_err(|m| match m {
                Misfit::Classes { data, .. } => SetupError::Classes {
                    data,
                    outputs: network.output_dim(),
                },
                m @ Misfit::Inputs { .. } => SetupError::Misfit(m),
                m @ Misfit::SoftmaxOfOne { .. } => SetupError::Head {
                    file: self.load.as_ref().map(|p| p.display().to_string()),
                    misfit: m,
                },
            })?;
        let parameters = network.parameter_count() as u128;
        crate::limits::check_training(self.epochs, train.len(), parameters).map_err(|over| {
            SetupError::Work {
                epochs: self.epochs,
                over,
            }
        })?;
        let outputs = network.output_dim();
        if network.head() == Activation::Sigmoid && outputs > 1 && outputs > full.classes {
            // Outputs past the classes are trained towards 0 for ever and decide nothing.
            return Err(SetupError::ExtraSigmoids {
                outputs,
                data: full.classes,
            });
        }
        let config = TrainConfig {
            optimizer: self.optimizer.with(self.lr, self.momentum),
            loss: self.loss,
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

    /// The activations given for a loaded `.npz` or `.safetensors` network (a RON file names
    /// its own); where they are not given, the file's metadata or the defaults.
    fn loaded_activations(&self) -> Activations {
        Activations {
            hidden: self.activation.clone().unwrap_or_default(),
            head: self.output,
        }
    }

    fn fresh_network(&self, dim: usize, classes: usize) -> Result<Network, SetupError> {
        let sizes = match &self.arch {
            Some(a) => a.clone(),
            None => vec![dim, 16, 16, outputs_for(classes)],
        };
        if sizes[0] != dim {
            return Err(SetupError::Inputs {
                given: sizes[0],
                data: dim,
            });
        }
        let outputs = *sizes.last().expect("at least two sizes");
        let hidden = self
            .activation
            .clone()
            .unwrap_or_else(|| vec![Activation::Relu]);
        let head = self.output.unwrap_or_else(|| default_head(outputs));
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

    #[test]
    fn the_default_network_fits_the_data() {
        let setup = |data: &str| Setup {
            data: Some(data.into()),
            ..Setup::default()
        };
        let r = setup("spiral:arms=3").resolve().unwrap();
        assert_eq!(r.network.sizes(), vec![2, 16, 16, 3]);
        assert_eq!(r.network.head(), Activation::Softmax);
        let r = setup("moons").resolve().unwrap();
        assert_eq!(r.network.sizes(), vec![2, 16, 16, 1]);
        assert_eq!(r.network.head(), Activation::Sigmoid);
        assert_eq!(r.train.len() + r.test.len(), 400);
    }

    #[test]
    fn bad_settings_are_typed_errors() {
        let err = |s: Setup| s.resolve().unwrap_err();
        let arch = |sizes: &[usize]| Setup {
            arch: Some(sizes.to_vec()),
            ..Setup::default()
        };
        assert!(matches!(
            err(Setup {
                data: Some("spiral:arms=5".into()),
                ..arch(&[2, 8, 3])
            }),
            SetupError::Classes {
                data: 5,
                outputs: 3
            }
        ));
        assert!(matches!(
            err(Setup {
                data: Some("moons".into()),
                ..arch(&[3, 8, 1])
            }),
            SetupError::Inputs { given: 3, data: 2 }
        ));
        assert!(matches!(
            err(Setup {
                lr: -1.0,
                ..Setup::default()
            }),
            SetupError::Setting {
                setting: Setting::Lr,
                ..
            }
        ));
        assert!(matches!(
            err(arch(&[2, 10_000_000, 2])),
            SetupError::Sizes { .. }
        ));
        assert!(matches!(
            err(Setup {
                load: Some("n.ron".into()),
                ..arch(&[2, 4, 3])
            }),
            SetupError::ArchAndLoad
        ));
        let e = err(Setup {
            data: Some("moons".into()),
            output: Some(Activation::Sigmoid),
            ..arch(&[2, 8, 3])
        });
        assert_eq!(
            e.to_string(),
            "the network has 3 sigmoid outputs but the data has 2 classes"
        );
        assert!(
            err(Setup {
                data: Some("nope.csv".into()),
                ..Setup::default()
            })
            .to_string()
            .contains("nope.csv")
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

    #[test]
    fn zoomed_out_surfaces_get_more_samples_unless_chosen() {
        assert_eq!(surface_resolution(1.0, None), 96);
        assert_eq!(surface_resolution(10.0, None), 256);
        assert_eq!(surface_resolution(10.0, Some(64)), 64);
        assert_eq!(surface_resolution(1.0, Some(4)), 8);
    }
}
