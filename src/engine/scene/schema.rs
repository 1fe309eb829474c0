//! The scene format: the RON model a scene file is read into (and written from, leaving out
//! what is at its default), with its defaults. The spelling of every type and field here is
//! the format (`docs/scene-format.md`).

use crate::flow::Split;
use crate::landscape::OutputMode;
use crate::nn::{Activation, Layer, Loss};
use crate::setup::View;
use serde::{Deserialize, Serialize};

/// A scene: data, a network, how to show them, and what happens when.
#[derive(Clone, Debug, Deserialize, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Scene {
    /// Shown at the start and in the window's title.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// A built-in data set with parameters, as `--data` takes it (`"spiral:arms=2,n=400"`),
    /// or a CSV file (a path ending in `.csv`, relative to the scene file).
    pub dataset: String,
    /// A CSV dataset's label column, by header name (default: the last column).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The network.
    pub network: NetworkSource,
    /// The view the scene opens on.
    #[serde(default, skip_serializing_if = "is_default")]
    pub view: View,
    /// The steps of a one-shot scene (or use `shots`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timeline: Vec<Step>,
    /// Named shots, each with its own timeline, played one after the other.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shots: Vec<Shot>,
    /// What the figure shows, stated as data: `spacefold check --verify` trains the network
    /// as the player does and checks every claim.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<Claim>,
}

/// Something a scene's figure shows, checked by `spacefold check --verify`. `layer` names a
/// layer boundary: 0 is the input, `L` the output of layer `L`. Fractions run from 0 to 1.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Serialize)]
pub enum Claim {
    /// The network classifies at least this fraction of the scene's points right.
    Accuracy(f32),
    /// A line or plane separates the classes at `layer`: a linear classifier fitted to the
    /// points there gets at least `at_least` of them right.
    Separable {
        /// The boundary.
        layer: usize,
        /// The least fraction a linear classifier gets right.
        at_least: f32,
    },
    /// No line or plane separates the classes at `layer` (a figure about making data
    /// separable starts from data that needed it): a linear classifier gets at most
    /// `at_most` right.
    NotSeparable {
        /// The boundary.
        layer: usize,
        /// The most a linear classifier gets right.
        at_most: f32,
    },
    /// The points stay spread in the shown directions at `layer`: the smaller over the
    /// larger principal spread is at least `at_least` (not collapsed onto a line), both
    /// after the layer's `W·a` and after its activation (the input's at 0).
    Spread {
        /// The boundary.
        layer: usize,
        /// The least ratio.
        at_least: f32,
    },
}

/// A claim as a scene writes it: `Separable(layer: 1, at_least: 0.98)`.
impl std::fmt::Display for Claim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Claim::Accuracy(x) => write!(f, "Accuracy({x})"),
            Claim::Separable { layer, at_least } => {
                write!(f, "Separable(layer: {layer}, at_least: {at_least})")
            }
            Claim::NotSeparable { layer, at_most } => {
                write!(f, "NotSeparable(layer: {layer}, at_most: {at_most})")
            }
            Claim::Spread { layer, at_least } => {
                write!(f, "Spread(layer: {layer}, at_least: {at_least})")
            }
        }
    }
}

impl Claim {
    /// The boundary the claim is about, if it is about one.
    pub fn layer(self) -> Option<usize> {
        match self {
            Claim::Accuracy(_) => None,
            Claim::Separable { layer, .. }
            | Claim::NotSeparable { layer, .. }
            | Claim::Spread { layer, .. } => Some(layer),
        }
    }

    /// The fraction or ratio it states.
    pub fn bound(self) -> f32 {
        match self {
            Claim::Accuracy(x) => x,
            Claim::Separable { at_least, .. } | Claim::Spread { at_least, .. } => at_least,
            Claim::NotSeparable { at_most, .. } => at_most,
        }
    }
}

/// A named part of a scene.
#[derive(Clone, Debug, Deserialize, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Shot {
    /// Its name (`spacefold render --shot NAME`).
    pub name: String,
    /// Its steps.
    pub timeline: Vec<Step>,
}

/// Where the scene's network comes from.
#[derive(Clone, Debug, Deserialize, PartialEq, Serialize)]
pub enum NetworkSource {
    /// Trained when the scene loads, from a seed: the same scene gives the same weights.
    Train(TrainSpec),
    /// Hand-set layers, written as in a network file (weights as rows, one per neuron).
    Layers(Vec<Layer>),
    /// A saved network file, relative to the scene file.
    File(String),
    /// Hand-set neurons written as equations in x and y, optionally combined into one output
    /// neuron.
    Neurons(NeuronsSpec),
}

/// A network trained from a seed.
#[derive(Clone, Debug, Deserialize, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TrainSpec {
    /// Layer sizes, input first: `[2, 3, 2]`.
    pub arch: Vec<usize>,
    /// Hidden activation: one for all hidden layers, or one per hidden layer.
    #[serde(default = "default_hidden", skip_serializing_if = "is_default_hidden")]
    pub activation: Vec<Activation>,
    /// Output activation; default sigmoid for one output, softmax otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<Activation>,
    /// Loss; default the output's natural one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss: Option<Loss>,
    /// `Adam`, `Sgd` or `Lbfgs`.
    #[serde(default, skip_serializing_if = "is_default")]
    pub optimizer: OptimizerKind,
    /// Learning rate (Adam, SGD).
    #[serde(default = "default_lr", skip_serializing_if = "is_default_lr")]
    pub lr: f32,
    /// Mini-batch size; 0 = full batch.
    #[serde(default, skip_serializing_if = "is_default")]
    pub batch: usize,
    /// L2 penalty.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub l2: f32,
    /// Epochs to train.
    pub epochs: usize,
    /// Seed of the weights and the shuffling.
    #[serde(default, skip_serializing_if = "is_default")]
    pub seed: u64,
    /// Keep the weights every this many epochs, for `Train` steps (default: about 200
    /// snapshots over the run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot_every: Option<usize>,
}

fn default_hidden() -> Vec<Activation> {
    vec![Activation::Relu]
}

fn default_lr() -> f32 {
    0.01
}

pub use crate::nn::optim::OptimizerKind;

/// Hand-set neurons.
#[derive(Clone, Debug, Deserialize, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NeuronsSpec {
    /// One equation per neuron: `"x - y - 3"`.
    pub equations: Vec<String>,
    /// Their activation.
    #[serde(
        default = "default_sigmoid",
        skip_serializing_if = "is_default_sigmoid"
    )]
    pub activation: Activation,
    /// Weights and bias of an output neuron that combines them (same activation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub combine: Option<(Vec<f32>, f32)>,
}

fn default_sigmoid() -> Activation {
    Activation::Sigmoid
}

/// How a timed step eases.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq, Serialize)]
pub enum EaseKind {
    /// Constant speed.
    Linear,
    /// Slow start and end (cubic).
    #[default]
    CubicInOut,
    /// Slow start and end (sine).
    SineInOut,
}

impl From<EaseKind> for crate::flow::Ease {
    fn from(e: EaseKind) -> Self {
        match e {
            EaseKind::Linear => crate::flow::Ease::Linear,
            EaseKind::CubicInOut => crate::flow::Ease::CubicInOut,
            EaseKind::SineInOut => crate::flow::Ease::SineInOut,
        }
    }
}

/// A stage of a layer, or all three.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Serialize)]
pub enum StageKind {
    /// `W·a`.
    Linear,
    /// `+ b`.
    Bias,
    /// `σ`.
    Activation,
    /// All three, one after the other.
    All,
}

/// What the landscape's surfaces show.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Serialize)]
pub enum SurfaceKind {
    /// The outputs, one surface per class.
    Outputs(OutputMode),
    /// One neuron: layer and neuron, from 1.
    Neuron(usize, usize),
}

/// One step of a timeline. Steps play one after the other; `Together` plays several at
/// once. Every timed step takes `secs` (default 1.5) and an `ease`.
#[derive(Clone, Debug, Deserialize, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub enum Step {
    /// A big title over the view.
    Title {
        text: String,
        #[serde(
            default = "default_title_secs",
            skip_serializing_if = "is_default_title_secs"
        )]
        secs: f32,
    },
    /// A caption under the title area.
    Caption {
        text: String,
        #[serde(default = "default_secs", skip_serializing_if = "is_default_secs")]
        secs: f32,
    },
    /// Plays one stage (or all three) of a layer, from 1; `split: Svd` plays its `W·a` as
    /// `Vᵀ`, `Σ`, `U`; `matrix: true` shows `W` and `b` with their numbers beside the
    /// heading and the basis vectors as arrows moving with `W·a`.
    Stage {
        layer: usize,
        #[serde(default = "default_stage", skip_serializing_if = "is_default_stage")]
        stage: StageKind,
        #[serde(default = "default_secs", skip_serializing_if = "is_default_secs")]
        secs: f32,
        #[serde(default, skip_serializing_if = "is_default")]
        ease: EaseKind,
        #[serde(default, skip_serializing_if = "is_default")]
        split: Split,
        #[serde(default, skip_serializing_if = "is_default")]
        matrix: bool,
    },
    /// Moves to a position in the network (0 = input, L = output).
    Position {
        to: f32,
        #[serde(default = "default_secs", skip_serializing_if = "is_default_secs")]
        secs: f32,
        #[serde(default, skip_serializing_if = "is_default")]
        ease: EaseKind,
    },
    /// Turns or moves the camera: angles in degrees (3D), zoom (1 = framed, 2 = twice as
    /// far; 2D too), pan (where the view centres, from the framed centre, in the view's
    /// units; 2D uses x and y).
    Camera {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        yaw: Option<f32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pitch: Option<f32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        zoom: Option<f32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pan: Option<(f32, f32, f32)>,
        #[serde(default = "default_secs", skip_serializing_if = "is_default_secs")]
        secs: f32,
        #[serde(default, skip_serializing_if = "is_default")]
        ease: EaseKind,
    },
    /// Switches the view at once.
    View(View),
    /// Shows or hides the grid of the layers view.
    Grid(bool),
    /// What the landscape's surfaces show.
    Surface(SurfaceKind),
    /// Morphs the shown neuron's activation along identity (0), sigmoid (1), step (2).
    Morph {
        to: f32,
        #[serde(default = "default_secs", skip_serializing_if = "is_default_secs")]
        secs: f32,
        #[serde(default, skip_serializing_if = "is_default")]
        ease: EaseKind,
    },
    /// Extends the landscape's plane to this many times the data's extent.
    ZoomOut {
        to: f32,
        #[serde(default = "default_secs", skip_serializing_if = "is_default_secs")]
        secs: f32,
        #[serde(default, skip_serializing_if = "is_default")]
        ease: EaseKind,
    },
    /// Replays the recorded training from epoch `from` to `to`: the boundary forms on screen.
    Train {
        from: usize,
        to: usize,
        #[serde(
            default = "default_train_secs",
            skip_serializing_if = "is_default_train_secs"
        )]
        secs: f32,
        #[serde(default, skip_serializing_if = "is_default")]
        ease: EaseKind,
    },
    /// Nothing for a while.
    Wait(f32),
    /// A presenter cue: in presenter mode the scene stops here until the next click. Bare
    /// `Cue` or `Cue(notes: "...")`: what the speaker says here, shown in the speaker view
    /// and on the handout's page for this cue.
    Cue {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        notes: Option<String>,
    },
    /// Several steps at once; it lasts as long as the longest.
    Together(Vec<Step>),
}

fn default_secs() -> f32 {
    1.5
}
fn default_title_secs() -> f32 {
    3.0
}
fn default_train_secs() -> f32 {
    6.0
}
fn default_stage() -> StageKind {
    StageKind::All
}

/// How scene text is read and written: `Train(arch: ...)` rather than `Train((arch: ...))`,
/// and `zoom: 2.0` for an `Option`. These are the format's defaults, so a scene file does
/// not enable them (and a written one does not say so).
pub(super) fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(
        ron::extensions::Extensions::IMPLICIT_SOME
            | ron::extensions::Extensions::UNWRAP_VARIANT_NEWTYPES,
    )
}

// What is left out when a scene is written: a field at its default reads back the same.

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

/// Bit for bit, so that a written scene keeps even `-0.0`.
fn same_f32(x: f32, default: f32) -> bool {
    x.to_bits() == default.to_bits()
}

fn is_zero(x: &f32) -> bool {
    same_f32(*x, 0.0)
}

fn is_default_lr(x: &f32) -> bool {
    same_f32(*x, default_lr())
}

fn is_default_secs(x: &f32) -> bool {
    same_f32(*x, default_secs())
}

fn is_default_title_secs(x: &f32) -> bool {
    same_f32(*x, default_title_secs())
}

fn is_default_train_secs(x: &f32) -> bool {
    same_f32(*x, default_train_secs())
}

fn is_default_hidden(v: &[Activation]) -> bool {
    v == default_hidden().as_slice()
}

fn is_default_sigmoid(a: &Activation) -> bool {
    *a == default_sigmoid()
}

fn is_default_stage(s: &StageKind) -> bool {
    *s == default_stage()
}
