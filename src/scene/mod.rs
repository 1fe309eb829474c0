//! Scene scripts (no Bevy): the RON format users write, its validation with errors that name
//! `file:line:col`, and the timeline it compiles to. `docs/scene-format.md` documents every
//! field; this module is the reference the document follows.

pub mod locate;
pub mod timeline;

use crate::landscape::{OutputMode, hand_network, parse_neuron};
use crate::nn::{Activation, Dataset, DatasetSpec, Layer, Loss, Network, Optimizer, TrainConfig};
use locate::{Seg, locate};
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};

pub use timeline::{Frame, Timeline};

/// Scenes bundled into the binary at build time (`scenes/`, and `SPACEFOLD_SCENES`).
pub mod bundled {
    include!(concat!(env!("OUT_DIR"), "/bundled_scenes.rs"));
}

/// Loads a scene by path, or, when no such file exists, a bundled scene by name
/// (`relu-fold` or `relu-fold.ron`).
pub fn load_path_or_name(path: &Path, train: bool) -> Result<Loaded, SceneError> {
    if path.exists() {
        return load(path, train);
    }
    let name = path.to_string_lossy();
    let stem = name.strip_suffix(".ron").unwrap_or(&name);
    match bundled::BUNDLED.iter().find(|(n, _)| *n == stem) {
        Some((n, text)) => load_str(text, &format!("{n} (bundled)"), None, train),
        None => {
            let names: Vec<&str> = bundled::BUNDLED.iter().map(|(n, _)| *n).collect();
            Err(SceneError {
                file: name.into_owned(),
                line: 1,
                col: 1,
                message: "no such file, and no bundled scene of that name".into(),
                hint: Some(format!("bundled scenes: {}", names.join(", "))),
            })
        }
    }
}

/// A scene: data, a network, how to show them, and what happens when.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Scene {
    /// Shown at the start and in the window's title.
    #[serde(default)]
    pub title: String,
    /// A built-in data set with parameters, as `--data` takes it (`"spiral:arms=2,n=400"`),
    /// or a CSV file (a path ending in `.csv`, relative to the scene file).
    pub dataset: String,
    /// The network.
    pub network: NetworkSource,
    /// The view the scene opens on.
    #[serde(default)]
    pub view: ViewKind,
    /// The steps of a one-shot scene (or use `shots`).
    #[serde(default)]
    pub timeline: Vec<Step>,
    /// Named shots, each with its own timeline, played one after the other.
    #[serde(default)]
    pub shots: Vec<Shot>,
}

/// A named part of a scene.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Shot {
    /// Its name (`spacefold render --shot NAME`).
    pub name: String,
    /// Its steps.
    pub timeline: Vec<Step>,
}

/// Where the scene's network comes from.
#[derive(Clone, Debug, Deserialize, PartialEq)]
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
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TrainSpec {
    /// Layer sizes, input first: `[2, 3, 2]`.
    pub arch: Vec<usize>,
    /// Hidden activation: one for all hidden layers, or one per hidden layer.
    #[serde(default = "default_hidden")]
    pub activation: Vec<Activation>,
    /// Output activation; default sigmoid for one output, softmax otherwise.
    #[serde(default)]
    pub output: Option<Activation>,
    /// Loss; default the output's natural one.
    #[serde(default)]
    pub loss: Option<Loss>,
    /// `Adam`, `Sgd` or `Lbfgs`.
    #[serde(default)]
    pub optimizer: OptimizerKind,
    /// Learning rate (Adam, SGD).
    #[serde(default = "default_lr")]
    pub lr: f32,
    /// Mini-batch size; 0 = full batch.
    #[serde(default)]
    pub batch: usize,
    /// L2 penalty.
    #[serde(default)]
    pub l2: f32,
    /// Epochs to train.
    pub epochs: usize,
    /// Seed of the weights and the shuffling.
    #[serde(default)]
    pub seed: u64,
    /// Keep the weights every this many epochs, for `Train` steps (default: about 200
    /// snapshots over the run).
    #[serde(default)]
    pub snapshot_every: Option<usize>,
}

fn default_hidden() -> Vec<Activation> {
    vec![Activation::Relu]
}

fn default_lr() -> f32 {
    0.01
}

/// The optimizers a scene can name.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
pub enum OptimizerKind {
    /// Adam.
    #[default]
    Adam,
    /// SGD with momentum 0.9.
    Sgd,
    /// L-BFGS (full batch).
    Lbfgs,
}

/// Hand-set neurons.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NeuronsSpec {
    /// One equation per neuron: `"x - y - 3"`.
    pub equations: Vec<String>,
    /// Their activation.
    #[serde(default = "default_sigmoid")]
    pub activation: Activation,
    /// Weights and bias of an output neuron that combines them (same activation).
    #[serde(default)]
    pub combine: Option<(Vec<f32>, f32)>,
}

fn default_sigmoid() -> Activation {
    Activation::Sigmoid
}

/// One of the window's views.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq)]
pub enum ViewKind {
    /// Decision regions over the input plane.
    Regions,
    /// Space carried through the layers.
    #[default]
    Layers,
    /// Surfaces over the plane.
    Landscape,
}

/// How a timed step eases.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
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
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
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
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
pub enum SurfaceKind {
    /// The outputs, one surface per class.
    Outputs(OutputMode),
    /// One neuron: layer and neuron, from 1.
    Neuron(usize, usize),
}

/// One step of a timeline. Steps play one after the other; `Together` plays several at
/// once. Every timed step takes `secs` (default 1.5) and an `ease`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub enum Step {
    /// A big title over the view.
    Title {
        text: String,
        #[serde(default = "default_title_secs")]
        secs: f32,
    },
    /// A caption under the title area.
    Caption {
        text: String,
        #[serde(default = "default_secs")]
        secs: f32,
    },
    /// Plays one stage (or all three) of a layer, from 1.
    Stage {
        layer: usize,
        #[serde(default = "default_stage")]
        stage: StageKind,
        #[serde(default = "default_secs")]
        secs: f32,
        #[serde(default)]
        ease: EaseKind,
    },
    /// Moves to a position in the network (0 = input, L = output).
    Position {
        to: f32,
        #[serde(default = "default_secs")]
        secs: f32,
        #[serde(default)]
        ease: EaseKind,
    },
    /// Turns or moves the camera: angles in degrees (3D), zoom (1 = framed, 2 = twice as
    /// far; 2D too), pan (where the view centres, from the framed centre, in the view's
    /// units; 2D uses x and y).
    Camera {
        #[serde(default)]
        yaw: Option<f32>,
        #[serde(default)]
        pitch: Option<f32>,
        #[serde(default)]
        zoom: Option<f32>,
        #[serde(default)]
        pan: Option<(f32, f32, f32)>,
        #[serde(default = "default_secs")]
        secs: f32,
        #[serde(default)]
        ease: EaseKind,
    },
    /// Switches the view at once.
    View(ViewKind),
    /// Shows or hides the grid of the layers view.
    Grid(bool),
    /// What the landscape's surfaces show.
    Surface(SurfaceKind),
    /// Morphs the shown neuron's activation along identity (0), sigmoid (1), step (2).
    Morph {
        to: f32,
        #[serde(default = "default_secs")]
        secs: f32,
        #[serde(default)]
        ease: EaseKind,
    },
    /// Extends the landscape's plane to this many times the data's extent.
    ZoomOut {
        to: f32,
        #[serde(default = "default_secs")]
        secs: f32,
        #[serde(default)]
        ease: EaseKind,
    },
    /// Replays the recorded training from epoch `from` to `to`: the boundary forms on screen.
    Train {
        from: usize,
        to: usize,
        #[serde(default = "default_train_secs")]
        secs: f32,
        #[serde(default)]
        ease: EaseKind,
    },
    /// Nothing for a while.
    Wait(f32),
    /// A presenter cue: in presenter mode the scene stops here until the next click.
    Cue,
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

/// A scene error: where, what, and what to do.
#[derive(Clone, Debug, PartialEq)]
pub struct SceneError {
    /// The scene file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
    /// What is wrong.
    pub message: String,
    /// How to put it right.
    pub hint: Option<String>,
}

impl fmt::Display for SceneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.col, self.message
        )?;
        if let Some(h) = &self.hint {
            write!(f, "\n  hint: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SceneError {}

/// A scene ready to play: the parsed script, its data and its network (trained, with
/// snapshots when it trains), and its timeline.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The script.
    pub scene: Scene,
    /// All the points (not split: a scene shows them all).
    pub data: Dataset,
    /// The network as the scene shows it (trained to the end when it trains).
    pub network: Network,
    /// Weights over training, for `Train` steps: (epoch, network), first at epoch 0.
    pub snapshots: Vec<(usize, Network)>,
    /// What happens when.
    pub timeline: Timeline,
}

/// Reads, checks and prepares a scene file; training, if any, is done here (`train = false`
/// checks everything but the training itself, as `spacefold check` does).
pub fn load(path: &Path, train: bool) -> Result<Loaded, SceneError> {
    let text = std::fs::read_to_string(path).map_err(|e| SceneError {
        file: path.display().to_string(),
        line: 1,
        col: 1,
        message: format!("cannot read the scene: {e}"),
        hint: None,
    })?;
    load_str(&text, &path.display().to_string(), path.parent(), train)
}

/// As [`load`], from text; `file` names it in errors, `dir` resolves relative paths.
pub fn load_str(
    text: &str,
    file: &str,
    dir: Option<&Path>,
    train: bool,
) -> Result<Loaded, SceneError> {
    let scene = parse(text, file)?;
    let at = |path: &[Seg], message: String, hint: Option<String>| {
        let (line, col) = locate(text, path);
        SceneError {
            file: file.into(),
            line,
            col,
            message,
            hint,
        }
    };
    let relative = |p: &str| -> PathBuf {
        let p = Path::new(p);
        match dir {
            Some(d) if p.is_relative() => d.join(p),
            _ => p.to_path_buf(),
        }
    };
    // The data.
    let data = if scene.dataset.ends_with(".csv") {
        Dataset::load_csv(&relative(&scene.dataset))
            .map_err(|e| at(&[Seg::Field("dataset")], e.to_string(), None))?
    } else {
        let (spec, options) = DatasetSpec::parse(&scene.dataset).map_err(|e| {
            at(
                &[Seg::Field("dataset")],
                e.to_string(),
                Some("a built-in set as --data takes it, e.g. \"spiral:arms=3,n=600\", or a file ending in .csv".into()),
            )
        })?;
        let mut d = spec.generate();
        if options.standardize {
            let s = d.fit_standardizer();
            s.apply(&mut d);
        }
        d
    };
    // The network.
    let (network, train_spec) = match &scene.network {
        NetworkSource::Train(t) => (build_trained(t, &data, &at)?, Some(t)),
        NetworkSource::Layers(layers) => {
            let net = Network::from_layers(layers.clone()).map_err(|e| {
                let i = chain_break(layers).unwrap_or(0);
                at(
                    &[Seg::Field("network"), Seg::Index(0), Seg::Index(i)],
                    e.to_string(),
                    Some(
                        "each layer's weights have one column per output of the layer before"
                            .into(),
                    ),
                )
            })?;
            (net, None)
        }
        NetworkSource::File(p) => (
            Network::load(&relative(p))
                .map_err(|e| at(&[Seg::Field("network")], e.to_string(), None))?,
            None,
        ),
        NetworkSource::Neurons(n) => {
            let mut neurons = vec![];
            for (i, eq) in n.equations.iter().enumerate() {
                neurons.push(parse_neuron(eq).map_err(|e| {
                    at(
                        &[
                            Seg::Field("network"),
                            Seg::Field("equations"),
                            Seg::Index(i),
                        ],
                        e,
                        None,
                    )
                })?);
            }
            let combine = n
                .combine
                .as_ref()
                .map(|(w, b)| (w.as_slice(), *b, n.activation));
            let net = hand_network(&neurons, n.activation, combine)
                .map_err(|e| at(&[Seg::Field("network"), Seg::Field("combine")], e, None))?;
            (net, None)
        }
    };
    if network.input_dim() != data.dim() {
        return Err(at(
            &[Seg::Field("network")],
            format!(
                "the network takes {} inputs but the data set has {} features",
                network.input_dim(),
                data.dim()
            ),
            None,
        ));
    }
    if network.classes() < data.classes {
        return Err(at(
            &[Seg::Field("network")],
            format!(
                "the data has {} classes but the network decides between {}",
                data.classes,
                network.classes()
            ),
            Some(format!("end the network with {} outputs", data.classes)),
        ));
    }
    // The timeline.
    let (timeline, steps_ok) = timeline::compile(&scene, network.layers().len());
    if let Err((path, message, hint)) = steps_ok {
        return Err(at(&path, message, hint));
    }
    if let Some(t) = train_spec {
        for (path, to) in timeline.train_ranges() {
            if to > t.epochs {
                return Err(at(
                    &path,
                    format!(
                        "the scene trains {} epochs, so it cannot replay up to epoch {to}",
                        t.epochs
                    ),
                    Some(format!(
                        "use at most {}, or raise the network's epochs",
                        t.epochs
                    )),
                ));
            }
        }
    } else if let Some((path, _)) = timeline.train_ranges().into_iter().next() {
        return Err(at(
            &path,
            "a Train step needs a network that trains (network: Train(...))".into(),
            None,
        ));
    }
    let (network, snapshots) = match train_spec {
        Some(t) if train => train_with_snapshots(network, t, &data)
            .map_err(|e| at(&[Seg::Field("network")], e, None))?,
        _ => (network.clone(), vec![(0, network)]),
    };
    Ok(Loaded {
        scene,
        data,
        network,
        snapshots,
        timeline,
    })
}

/// Parses the text alone; RON's own errors (syntax, unknown fields, wrong types) become
/// scene errors with a hint.
pub fn parse(text: &str, file: &str) -> Result<Scene, SceneError> {
    // `Train(arch: ...)` rather than `Train((arch: ...))`, and `zoom: 2.0` for an `Option`.
    let options = ron::Options::default().with_default_extension(
        ron::extensions::Extensions::IMPLICIT_SOME
            | ron::extensions::Extensions::UNWRAP_VARIANT_NEWTYPES,
    );
    options.from_str::<Scene>(text).map_err(|e| {
        let hint = hint_for(&e.code);
        SceneError {
            file: file.into(),
            line: e.span.start.line,
            col: e.span.start.col,
            message: e.code.to_string(),
            hint,
        }
    })
}

fn hint_for(error: &ron::Error) -> Option<String> {
    match error {
        ron::Error::NoSuchStructField {
            expected, found, ..
        } => Some(closest_hint(
            expected,
            found,
            "Fields here:",
            "fields here:",
        )),
        ron::Error::NoSuchEnumVariant {
            expected, found, ..
        } => Some(closest_hint(expected, found, "One of:", "one of:")),
        ron::Error::MissingStructField { field, .. } => Some(format!("add `{field}: ...`")),
        ron::Error::ExpectedComma => {
            Some("a comma is missing before this (at the end of the line above?)".into())
        }
        ron::Error::ExpectedInteger => Some("a whole number here, like 10".into()),
        ron::Error::ExpectedFloat => Some("a number here, like 1.5".into()),
        ron::Error::ExpectedString | ron::Error::ExpectedStringEnd => {
            Some("text in double quotes here".into())
        }
        ron::Error::ExpectedBoolean => Some("true or false here".into()),
        ron::Error::ExpectedArray | ron::Error::ExpectedArrayEnd => {
            Some("a list in square brackets here: [a, b]".into())
        }
        _ => None,
    }
}

/// "did you mean `x`?" when a known name is within three edits of `found`, then the list.
fn closest_hint(expected: &[&str], found: &str, after: &str, alone: &str) -> String {
    let best = expected
        .iter()
        .min_by_key(|e| edit_distance(e, found))
        .filter(|e| edit_distance(e, found) <= 3);
    match best {
        Some(b) => format!("did you mean `{b}`? {after} {}", expected.join(", ")),
        None => format!("{alone} {}", expected.join(", ")),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut prev = row[0];
        row[0] = i;
        for j in 1..=b.len() {
            let cur = row[j];
            row[j] = (row[j] + 1)
                .min(row[j - 1] + 1)
                .min(prev + usize::from(a[i - 1] != b[j - 1]));
            prev = cur;
        }
    }
    row[b.len()]
}

/// The first layer whose inputs do not match the outputs of the one before.
fn chain_break(layers: &[Layer]) -> Option<usize> {
    (1..layers.len()).find(|&i| layers[i].inputs() != layers[i - 1].outputs())
}

type Locate<'a> = dyn Fn(&[Seg], String, Option<String>) -> SceneError + 'a;

fn build_trained(t: &TrainSpec, data: &Dataset, at: &Locate<'_>) -> Result<Network, SceneError> {
    let arch = |i: usize| [Seg::Field("network"), Seg::Field("arch"), Seg::Index(i)];
    if t.arch.len() < 2 || t.arch.contains(&0) {
        return Err(at(
            &[Seg::Field("network"), Seg::Field("arch")],
            format!("arch {:?}: at least two layer sizes, none zero", t.arch),
            Some("input first, e.g. [2, 3, 2]".into()),
        ));
    }
    if t.arch[0] != data.dim() {
        return Err(at(
            &arch(0),
            format!(
                "the network starts with {} inputs but the data set has {} features",
                t.arch[0],
                data.dim()
            ),
            Some(format!("start arch with {}", data.dim())),
        ));
    }
    let last = t.arch.len() - 1;
    let outputs = t.arch[last];
    if outputs < data.classes && !(outputs == 1 && data.classes == 2) {
        return Err(at(
            &arch(last),
            format!(
                "the data has {} classes but the network has {outputs} outputs",
                data.classes
            ),
            Some(format!(
                "end arch with {} (or 1 for two classes)",
                data.classes
            )),
        ));
    }
    let hidden = t.arch.len() - 2;
    if t.activation.len() != 1 && t.activation.len() != hidden {
        return Err(at(
            &[Seg::Field("network"), Seg::Field("activation")],
            format!(
                "{} activations for {hidden} hidden layers",
                t.activation.len()
            ),
            Some("give one for all hidden layers, or one per hidden layer".into()),
        ));
    }
    if !(t.lr > 0.0 && t.lr.is_finite()) {
        return Err(at(
            &[Seg::Field("network"), Seg::Field("lr")],
            format!("learning rate {}: must be a positive number", t.lr),
            None,
        ));
    }
    let head = t.output.unwrap_or(if outputs == 1 {
        Activation::Sigmoid
    } else {
        Activation::Softmax
    });
    Network::new(&t.arch, &t.activation, head, t.seed)
        .map_err(|e| at(&[Seg::Field("network")], e.to_string(), None))
}

fn config(t: &TrainSpec) -> TrainConfig {
    let optimizer = match t.optimizer {
        OptimizerKind::Adam => Optimizer::adam(t.lr),
        OptimizerKind::Sgd => Optimizer::sgd(t.lr),
        OptimizerKind::Lbfgs => Optimizer::Lbfgs { memory: 10 },
    };
    TrainConfig {
        optimizer,
        loss: t.loss,
        batch_size: t.batch,
        l2: t.l2,
        seed: t.seed,
        snapshot_every: 0,
    }
}

/// Trains `network` as the spec says, keeping snapshots; the last one is the final network.
fn train_with_snapshots(
    network: Network,
    t: &TrainSpec,
    data: &Dataset,
) -> Result<(Network, Vec<(usize, Network)>), String> {
    let every = t.snapshot_every.unwrap_or((t.epochs / 200).max(1)).max(1);
    let mut trainer =
        crate::nn::Trainer::new(network.clone(), config(t)).map_err(|e| e.to_string())?;
    let mut snapshots = vec![(0, network)];
    for epoch in 1..=t.epochs {
        trainer
            .step_epoch(data)
            .map_err(|e| format!("training stopped at epoch {epoch}: {e}"))?;
        if epoch % every == 0 || epoch == t.epochs {
            snapshots.push((epoch, trainer.network().clone()));
        }
    }
    Ok((trainer.network().clone(), snapshots))
}

/// A scene script for a set-up made in the explorer: its data, its network trained as it
/// was, and a timeline that plays every layer, with a cue before each.
pub fn script_for(title: &str, dataset: &str, spec: &TrainSpec, view: ViewKind) -> String {
    let list = |v: &[String]| v.join(", ");
    let arch: Vec<String> = spec.arch.iter().map(ToString::to_string).collect();
    let acts: Vec<String> = spec.activation.iter().map(|a| format!("{a:?}")).collect();
    let mut network = format!(
        "Train(\n        arch: [{}],\n        activation: [{}],\n",
        list(&arch),
        list(&acts)
    );
    if let Some(o) = spec.output {
        network += &format!("        output: Some({o:?}),\n");
    }
    if let Some(l) = spec.loss {
        network += &format!("        loss: Some({l:?}),\n");
    }
    network += &format!(
        "        optimizer: {:?},\n        lr: {:?},\n        batch: {},\n        l2: {:?},\n        epochs: {},\n        seed: {},\n    )",
        spec.optimizer, spec.lr, spec.batch, spec.l2, spec.epochs, spec.seed
    );
    let layers = spec.arch.len() - 1;
    let mut steps = vec![format!("        Title(text: {title:?}, secs: 2.5),")];
    for l in 1..=layers {
        steps.push("        Cue,".into());
        steps.push(format!("        Stage(layer: {l}, secs: 3.0),"));
    }
    format!(
        "// Saved from the spacefold explorer.\nScene(\n    title: {title:?},\n    dataset: {dataset:?},\n    network: {network},\n    view: {view:?},\n    timeline: [\n{}\n    ],\n)\n",
        steps.join("\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_set_up_reads_back_as_the_same_scene() {
        let spec = TrainSpec {
            arch: vec![2, 5, 3],
            activation: vec![Activation::Tanh],
            output: Some(Activation::Softmax),
            loss: Some(Loss::CategoricalCrossEntropy),
            optimizer: OptimizerKind::Sgd,
            lr: 0.05,
            batch: 32,
            l2: 0.001,
            epochs: 120,
            seed: 4,
            snapshot_every: None,
        };
        let text = script_for(
            "My \"set-up\"",
            "spiral:arms=3,n=90",
            &spec,
            ViewKind::Regions,
        );
        let loaded = load_str(&text, "saved.ron", None, false).unwrap();
        assert_eq!(loaded.scene.network, NetworkSource::Train(spec));
        assert_eq!(loaded.scene.title, "My \"set-up\"");
        assert_eq!(loaded.scene.view, ViewKind::Regions);
        assert_eq!(loaded.timeline.cues().len(), 2);
    }

    const GOOD: &str = r#"Scene(
    title: "ReLU folds the plane",
    dataset: "moons:n=200",
    network: Train(arch: [2, 2, 2], activation: [Relu], optimizer: Lbfgs, epochs: 50, seed: 3),
    timeline: [
        Title(text: "ReLU folds the plane"),
        Caption(text: "The input plane", secs: 2.0),
        Stage(layer: 1, stage: Linear, secs: 2.0, ease: CubicInOut),
        Together([Stage(layer: 1, stage: Activation), Camera(yaw: 30.0)]),
        Cue,
        Train(from: 0, to: 50, secs: 4.0),
    ],
)"#;

    fn error(text: &str) -> SceneError {
        load_str(text, "s.ron", None, false).unwrap_err()
    }

    #[test]
    fn a_good_scene_loads_trains_and_replays() {
        let loaded = load_str(GOOD, "s.ron", None, true).unwrap();
        assert_eq!(loaded.scene.title, "ReLU folds the plane");
        assert_eq!(loaded.snapshots.first().unwrap().0, 0);
        assert_eq!(loaded.snapshots.last().unwrap().0, 50);
        assert_eq!(&loaded.snapshots.last().unwrap().1, &loaded.network);
        assert_eq!(loaded.timeline.cues(), vec![3.0 + 2.0 + 2.0 + 1.5]);
    }

    #[test]
    fn errors_name_line_column_and_hint() {
        let e = error(&GOOD.replace("secs: 2.0, ease", "sec: 2.0, ease"));
        assert_eq!((e.line, e.col), (8, 40), "{e}");
        assert!(
            e.hint.as_deref().unwrap().contains("did you mean `secs`"),
            "{e}"
        );
        let e = error(&GOOD.replace(
            "Stage(layer: 1, stage: Linear",
            "Stage(layer: 3, stage: Linear",
        ));
        assert_eq!((e.line, e.col), (8, 22), "{e}");
        assert!(
            e.message.contains("layer 3") && e.message.contains("2 layers"),
            "{e}"
        );
        let e = error(&GOOD.replace("secs: 2.0, ease", "secs: -2.0, ease"));
        assert_eq!((e.line, e.col), (8, 46), "{e}");
        assert!(e.message.contains("negative"), "{e}");
        let e = error(&GOOD.replace("arch: [2, 2, 2]", "arch: [3, 2, 2]"));
        assert_eq!((e.line, e.col), (4, 27), "{e}");
        let e = error(&GOOD.replace("to: 50", "to: 500"));
        assert_eq!(e.line, 11, "{e}");
        let e = error(&GOOD.replace("stage: Linear", "stage: Lienar"));
        assert!(e.hint.as_deref().unwrap().contains("`Linear`"), "{e}");
        let e = error(&GOOD.replace("secs: 2.0, ease", "secs: \"two\", ease"));
        assert_eq!(e.line, 8, "{e}");
        assert!(e.to_string().starts_with("s.ron:8:"), "{e}");
    }

    #[test]
    fn hand_set_layers_must_chain() {
        let text = r#"Scene(
    dataset: "xor",
    network: Layers([
        (weights: [[1.0, 1.0], [1.0, -1.0]], bias: [0.0, 0.0], activation: Relu),
        (weights: [[1.0, 1.0, 1.0]], bias: [0.0], activation: Sigmoid),
    ]),
)"#;
        let e = error(text);
        assert_eq!((e.line, e.col), (5, 9), "{e}");
    }
}
