//! Loading a scene: the text parsed, its data made, its network built (and trained, with
//! snapshots for `Train` steps), its timeline compiled, and every error placed at its
//! `line:col`.

use super::hints::hint_for;
use super::locate::{Seg, locate};
use super::schema::ron_options;
use super::timeline::{self, Timeline};
use super::{NetworkSource, NeuronsSpec, OptimizerKind, Scene, SceneError, TrainSpec, bundled};
use crate::landscape::{hand_network, parse_neuron};
use crate::nn::network::Misfit;
use crate::nn::{Dataset, DatasetSpec, Layer, Network, Optimizer, TrainConfig};
use crate::setup::split_and_standardise;
use std::path::{Path, PathBuf};

/// Whether `name` is a bundled scene's (`relu-fold` or `relu-fold.ron`).
pub fn is_bundled(name: &str) -> bool {
    let stem = name.strip_suffix(".ron").unwrap_or(name);
    bundled::BUNDLED.iter().any(|(n, _)| *n == stem)
}

/// Loads a scene by path, or, when no such file exists, a bundled scene by name
/// (`relu-fold` or `relu-fold.ron`). A folder of the name is no scene file: the bundled
/// scene is meant (`render relu-fold --out relu-fold/` twice over).
pub fn load_path_or_name(path: &Path, train: bool) -> Result<Loaded, SceneError> {
    let folder = std::fs::metadata(path).is_ok_and(|m| m.is_dir());
    if crate::io::exists(path) && !(folder && is_bundled(&path.to_string_lossy())) {
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
    /// Where each of the scene's claims is written (line, column), for `check --verify`.
    pub claim_at: Vec<(usize, usize)>,
}

/// Reads, checks and prepares a scene file; training, if any, is done here (`train = false`
/// checks everything but the training itself, as `spacefold check` does).
pub fn load(path: &Path, train: bool) -> Result<Loaded, SceneError> {
    let text = crate::io::read_text(path).map_err(|e| SceneError {
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
    let text = crate::io::strip_bom(text);
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
    check_texts(&scene, &at)?;
    let data = resolve_data(&scene.dataset, scene.label.as_deref(), dir, &at)?;
    let network = build_network(&scene.network, &data, dir, &at)?;
    check_fits(&network, &data, &at)?;
    let train_spec = match &scene.network {
        NetworkSource::Train(t) => Some(t),
        _ => None,
    };
    let timeline = compile_timeline(&scene, &network, train_spec, &at)?;
    check_splits(&timeline, &network, &at)?;
    check_claims(&scene, network.layers().len(), &at)?;
    let claim_at = (0..scene.claims.len())
        .map(|i| locate(text, &[Seg::Field("claims"), Seg::Index(i)]))
        .collect();
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
        claim_at,
    })
}

/// The scene's own texts (its title, shot names, data set and equations) within
/// [`crate::limits::MAX_TEXT_CHARS`]; titles and captions are checked with the timeline.
fn check_texts(scene: &Scene, at: &Locate<'_>) -> Result<(), SceneError> {
    let mut texts = vec![
        (vec![Seg::Field("title")], "title", scene.title.as_str()),
        (
            vec![Seg::Field("dataset")],
            "dataset",
            scene.dataset.as_str(),
        ),
    ];
    for (i, shot) in scene.shots.iter().enumerate() {
        let here = vec![Seg::Field("shots"), Seg::Index(i), Seg::Field("name")];
        texts.push((here, "shot name", shot.name.as_str()));
    }
    match &scene.network {
        NetworkSource::File(p) => texts.push((vec![Seg::Field("network")], "path", p)),
        NetworkSource::Neurons(n) => {
            for (i, eq) in n.equations.iter().enumerate() {
                let here = vec![
                    Seg::Field("network"),
                    Seg::Field("equations"),
                    Seg::Index(i),
                ];
                texts.push((here, "equation", eq.as_str()));
            }
        }
        NetworkSource::Train(_) | NetworkSource::Layers(_) => {}
    }
    for (path, what, text) in texts {
        crate::limits::check_text(what, text).map_err(|e| at(&path, e.to_string(), None))?;
    }
    Ok(())
}

/// Claims name a boundary of the network (0 to its layer count) and a bound from 0 to 1.
fn check_claims(scene: &Scene, layers: usize, at: &Locate<'_>) -> Result<(), SceneError> {
    for (i, claim) in scene.claims.iter().enumerate() {
        let here = [Seg::Field("claims"), Seg::Index(i)];
        if let Some(l) = claim.layer()
            && l > layers
        {
            return Err(at(
                &here,
                format!("layer {l}: the network has {layers} layers, so 0 (the input) to {layers}"),
                None,
            ));
        }
        let b = claim.bound();
        if !(0.0..=1.0).contains(&b) {
            return Err(at(
                &here,
                format!("{b}: a claim's bound is a fraction from 0 to 1"),
                Some("0.99 for 99 %".into()),
            ));
        }
    }
    Ok(())
}

/// Where errors are placed: a path into the scene's text, what is wrong, and a hint.
type Locate<'a> = dyn Fn(&[Seg], String, Option<String>) -> SceneError + 'a;

/// The files a scene in `dir` reads besides itself: its CSV data set and its network file,
/// where it has them, resolved as loading resolves them (`spacefold pack` packs these).
pub fn referenced_files(scene: &Scene, dir: Option<&Path>) -> Vec<PathBuf> {
    let mut files = vec![];
    // A path that leaves a packed talk names nothing to pack (loading refuses it).
    if scene.dataset.ends_with(".csv") {
        files.extend(relative(dir, &scene.dataset).ok());
    }
    if let NetworkSource::File(p) = &scene.network {
        files.extend(relative(dir, p).ok());
    }
    files
}

/// A path in a scene file, relative to the scene's directory (when it has one); a packed
/// scene's stays inside its packed talk (see [`crate::io::beside`]).
fn relative(dir: Option<&Path>, p: &str) -> Result<PathBuf, crate::io::ReadError> {
    crate::io::beside(dir, p)
}

/// The scene's data: a CSV file (relative to `dir`), or a built-in set generated from its
/// `--data` spelling and standardised when it asks to be. Every point is kept (no split: a
/// scene shows them all). Errors land on the scene's `dataset` field (or `label`).
fn resolve_data(
    dataset: &str,
    label: Option<&str>,
    dir: Option<&Path>,
    at: &Locate<'_>,
) -> Result<Dataset, SceneError> {
    if dataset.ends_with(".csv") {
        let columns = crate::nn::data::CsvColumns::new(label, None);
        let path = relative(dir, dataset)
            .map_err(|e| at(&[Seg::Field("dataset")], e.to_string(), None))?;
        return Dataset::load_csv_with(&path, &columns)
            .map_err(|e| at(&[Seg::Field("dataset")], e.to_string(), None));
    }
    if label.is_some() {
        return Err(at(
            &[Seg::Field("label")],
            "`label` names a CSV file's label column; this dataset is a built-in set".into(),
            None,
        ));
    }
    let (spec, options) = DatasetSpec::parse(dataset).map_err(|e| {
        at(
            &[Seg::Field("dataset")],
            e.to_string(),
            Some("a built-in set as --data takes it, e.g. \"spiral:arms=3,n=600\", or a file ending in .csv".into()),
        )
    })?;
    let (all, _) = split_and_standardise(&spec.generate(), 0.0, 0, options.standardize);
    Ok(all)
}

/// The scene's network as its source gives it (untrained when it trains).
fn build_network(
    source: &NetworkSource,
    data: &Dataset,
    dir: Option<&Path>,
    at: &Locate<'_>,
) -> Result<Network, SceneError> {
    match source {
        NetworkSource::Train(t) => build_trained(t, data, at),
        NetworkSource::Layers(layers) => build_layers(layers, at),
        NetworkSource::File(p) => relative(dir, p)
            .map_err(|e| e.to_string())
            .and_then(|path| Network::load(&path).map_err(|e| e.to_string()))
            .map_err(|e| at(&[Seg::Field("network")], e, None)),
        NetworkSource::Neurons(n) => build_neurons(n, at),
    }
}

/// Hand-set layers, which must chain.
fn build_layers(layers: &[Layer], at: &Locate<'_>) -> Result<Network, SceneError> {
    Network::from_layers(layers.to_vec()).map_err(|e| {
        let i = chain_break(layers).unwrap_or(0);
        at(
            &[Seg::Field("network"), Seg::Index(0), Seg::Index(i)],
            e.to_string(),
            Some("each layer's weights have one column per output of the layer before".into()),
        )
    })
}

/// Hand-set neurons from their equations, optionally combined into one output neuron.
fn build_neurons(n: &NeuronsSpec, at: &Locate<'_>) -> Result<Network, SceneError> {
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
    hand_network(&neurons, n.activation, combine)
        .map_err(|e| at(&[Seg::Field("network"), Seg::Field("combine")], e, None))
}

/// The network must take the data's features and decide between at least its classes.
fn check_fits(network: &Network, data: &Dataset, at: &Locate<'_>) -> Result<(), SceneError> {
    network.fits(data.dim(), data.classes).map_err(|m| {
        let hint = match m {
            Misfit::Inputs { .. } | Misfit::SoftmaxOfOne { .. } => None,
            Misfit::Classes { data, .. } => Some(format!("end the network with {data} outputs")),
        };
        at(&[Seg::Field("network")], m.to_string(), hint)
    })
}

/// The scene's timeline for a network of `layers` layers; its `Train` steps must replay
/// epochs the network trains (`train_spec`, when it trains at all).
fn compile_timeline(
    scene: &Scene,
    network: &Network,
    train_spec: Option<&TrainSpec>,
    at: &Locate<'_>,
) -> Result<Timeline, SceneError> {
    let widths: Vec<usize> = network.layers().iter().map(Layer::outputs).collect();
    let (timeline, steps_ok) = timeline::compile_for(scene, &widths);
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
    Ok(timeline)
}

/// `split: Svd` plays `W·a` as rotations and a stretch of a space at most three wide, and
/// `matrix: true` shows `W` and `b` of such a layer: the layer's input and output must both
/// be (so that both are shown whole).
fn check_splits(timeline: &Timeline, network: &Network, at: &Locate<'_>) -> Result<(), SceneError> {
    let narrow = |layers: &[(Vec<Seg>, usize)], needs: &str, hint: &str| {
        for (path, layer) in layers {
            // A layer that does not exist was reported when the timeline compiled.
            let Some(l) = network.layers().get(layer.wrapping_sub(1)) else {
                continue;
            };
            if l.inputs() > 3 || l.outputs() > 3 {
                return Err(at(
                    path,
                    format!(
                        "layer {layer} maps {} dimensions to {}: {needs}, where the view shows \
                         the whole space",
                        l.inputs(),
                        l.outputs()
                    ),
                    Some(hint.into()),
                ));
            }
        }
        Ok(())
    };
    narrow(
        timeline.matrix_layers(),
        "matrix: true shows W and b of a layer at most 3 wide each way",
        "leave matrix out for this layer",
    )?;
    narrow(
        timeline.svd_layers(),
        "split: Svd needs both at most 3",
        "leave split out for this layer",
    )
}

/// Parses the text alone; RON's own errors (syntax, unknown fields, wrong types) become
/// scene errors with a hint.
pub fn parse(text: &str, file: &str) -> Result<Scene, SceneError> {
    parse_as::<Scene>(text, file)
}

/// Parses `text` as a `T` written in the scene format (a scene, a talk), errors located.
pub(super) fn parse_as<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &str,
) -> Result<T, SceneError> {
    let (text, inserted) = super::bare::with_brackets(crate::io::strip_bom(text));
    ron_options().from_str::<T>(&text).map_err(|e| {
        let hint = hint_for(&e.code);
        let message = match e.code {
            ron::Error::ExceededRecursionLimit => {
                "brackets nest too deeply here for a scene (Together inside Together...)"
                    .to_string()
            }
            code => code.to_string(),
        };
        SceneError {
            file: file.into(),
            line: e.span.start.line,
            col: super::bare::written_col(&inserted, e.span.start.line, e.span.start.col),
            message,
            hint,
        }
    })
}

/// The first layer whose inputs do not match the outputs of the one before.
fn chain_break(layers: &[Layer]) -> Option<usize> {
    (1..layers.len()).find(|&i| layers[i].inputs() != layers[i - 1].outputs())
}

/// A network to train, checked against the data.
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
    crate::limits::check_sizes(&t.arch).map_err(|e| match e.index {
        Some(i) => at(&arch(i), e.to_string(), None),
        None => at(
            &[Seg::Field("network"), Seg::Field("arch")],
            e.to_string(),
            None,
        ),
    })?;
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
    check_training_spec(t, data.len(), at)?;
    let head = t.output.unwrap_or(crate::setup::default_head(outputs));
    Network::new(&t.arch, &t.activation, head, t.seed)
        .map_err(|e| at(&[Seg::Field("network")], e.to_string(), None))
}

/// The training a scene asks for within the limits: epochs × points, snapshots, and its
/// rates finite and in range.
fn check_training_spec(t: &TrainSpec, points: usize, at: &Locate<'_>) -> Result<(), SceneError> {
    use crate::limits::{
        MAX_L2, MAX_LEARNING_RATE, MAX_SNAPSHOT_VALUES, MAX_SNAPSHOTS, at_most, check_range,
        parameter_count,
    };
    let field = |f: &'static str| [Seg::Field("network"), Seg::Field(f)];
    crate::limits::check_training(t.epochs, points, parameter_count(&t.arch))
        .map_err(|e| at(&field("epochs"), e.to_string(), None))?;
    check_range(t.lr, 0.0, MAX_LEARNING_RATE)
        .map_err(|e| at(&field("lr"), format!("learning rate {e}"), None))?;
    check_range(t.l2, 0.0, MAX_L2).map_err(|e| at(&field("l2"), format!("l2 {e}"), None))?;
    let every = snapshot_interval(t);
    let snapshots = t.epochs / every + 2;
    let where_ = field(if t.snapshot_every.is_some() {
        "snapshot_every"
    } else {
        "epochs"
    });
    at_most("snapshot count", snapshots, MAX_SNAPSHOTS)
        .and_then(|()| {
            let values = snapshots as u128 * parameter_count(&t.arch);
            at_most("weights kept in snapshots", values, MAX_SNAPSHOT_VALUES)
        })
        .map_err(|e| {
            at(
                &where_,
                e.to_string(),
                Some("keep fewer: raise snapshot_every".into()),
            )
        })
}

/// Epochs between two snapshots: the scene's, or about 200 over the run.
fn snapshot_interval(t: &TrainSpec) -> usize {
    t.snapshot_every.unwrap_or((t.epochs / 200).max(1)).max(1)
}

impl TrainSpec {
    /// The training settings the player trains with (and the explorer goes on with).
    pub fn config(&self) -> TrainConfig {
        let optimizer = match self.optimizer {
            OptimizerKind::Adam => Optimizer::adam(self.lr),
            OptimizerKind::Sgd => Optimizer::sgd(self.lr),
            OptimizerKind::Lbfgs => Optimizer::Lbfgs { memory: 10 },
        };
        TrainConfig {
            optimizer,
            loss: self.loss,
            batch_size: self.batch,
            l2: self.l2,
            seed: self.seed,
            snapshot_every: 0,
        }
    }
}

/// Epochs × points below which a scene's network trains without a word.
const QUIET_TRAINING_WORK: u128 = 10_000_000;

/// Trains `network` as the spec says, keeping snapshots; the last one is the final network.
fn train_with_snapshots(
    network: Network,
    t: &TrainSpec,
    data: &Dataset,
) -> Result<(Network, Vec<(usize, Network)>), String> {
    let every = snapshot_interval(t);
    let mut trainer =
        crate::nn::Trainer::new(network.clone(), t.config()).map_err(|e| e.to_string())?;
    let mut snapshots = vec![(0, network)];
    // A long training says how far it is (the shipped scenes are far below this).
    let mut progress = (t.epochs as u128 * data.len() as u128 >= QUIET_TRAINING_WORK)
        .then(|| crate::progress::Progress::new(t.epochs));
    for epoch in 1..=t.epochs {
        trainer
            .step_epoch(data)
            .map_err(|e| format!("training stopped at epoch {epoch}: {e}"))?;
        if let Some(p) = &mut progress {
            p.update(epoch, |_, secs| {
                format!(
                    "training the scene's network: epoch {epoch}/{} ({secs:.0} s)",
                    t.epochs
                )
            });
        }
        if epoch % every == 0 || epoch == t.epochs {
            snapshots.push((epoch, trainer.network().clone()));
        }
    }
    Ok((trainer.network().clone(), snapshots))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn cues_carry_notes_and_bare_cues_still_read() {
        let text = GOOD.replace("Cue,", "Cue, Cue(notes: \"Say: the plane folds.\"), Cue(),");
        let loaded = load_str(&text, "s.ron", None, false).unwrap();
        assert_eq!(loaded.timeline.cues().len(), 3);
        assert_eq!(
            loaded.timeline.cue_notes(),
            ["", "Say: the plane folds.", ""]
        );
        // A mistake after a bare Cue is placed where it is written.
        let e = error(&GOOD.replace("Cue,", "Cue, Cue, Wat(1.0),"));
        assert_eq!((e.line, e.col), (10, 19), "{e}");
        let e = error(&GOOD.replace("Cue,", "Cue(notes: 3),"));
        assert_eq!(e.line, 10, "{e}");
        let long = "x".repeat(crate::limits::MAX_TEXT_CHARS + 1);
        let e = error(&GOOD.replace("Cue,", &format!("Cue(notes: \"{long}\"),")));
        assert!(e.message.contains("notes"), "{e}");
        let saved = crate::scene::to_ron(&loaded.scene);
        assert!(
            saved.contains("        Cue,\n        Cue(notes: \"Say"),
            "{saved}"
        );
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
    fn a_scenes_label_picks_a_csv_column_and_its_names_become_the_classes() {
        let dir = std::env::temp_dir().join(format!("spacefold-label-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("pets.csv"),
            "kind;x;y\ncat;0;1\ndog;1;0\ncat;0.1;0.9\n",
        )
        .unwrap();
        let scene = GOOD
            .replace(
                "dataset: \"moons:n=200\",",
                "dataset: \"pets.csv\", label: \"kind\",",
            )
            .replace("arch: [2, 2, 2]", "arch: [2, 2, 1]");
        let loaded = load_str(&scene, "s.ron", Some(&dir), false).unwrap();
        assert_eq!(loaded.data.names, vec!["cat", "dog"]);
        assert_eq!(loaded.data.point(1), &[1.0, 0.0]);
        let e = error(&GOOD.replace("title:", "label: \"kind\", title:"));
        assert_eq!(e.line, 2, "{e}");
        assert!(e.message.contains("built-in set"), "{e}");
        std::fs::remove_dir_all(dir).unwrap();
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

    /// Hostile scenes (issue 15): each refused by `check` with the value, the limit and its
    /// place, never a panic or an allocation beyond the limits.
    #[test]
    fn scenes_over_the_limits_are_refused_where_they_go_over() {
        let huge = GOOD.replace("arch: [2, 2, 2]", "arch: [2, 18446744073709551615, 2]");
        let e = error(&huge);
        assert_eq!((e.line, e.col), (4, 30), "{e}");
        assert!(
            e.message
                .contains("layer width 18446744073709551615 is over the limit of 4096"),
            "{e}"
        );
        let e = error(&GOOD.replace("arch: [2, 2, 2]", "arch: [2, 2, 4294967296]"));
        assert!(e.message.contains("over the limit"), "{e}");
        let e = error(&GOOD.replace("Cue,", "Wait(1e30),"));
        assert!(e.message.contains("over the limit of 3600"), "{e}");
        assert_eq!(e.line, 10, "{e}");
        let e = error(&GOOD.replace("secs: 4.0", "secs: 1e30"));
        assert_eq!(e.line, 11, "{e}");
        let many = "Wait(1000.0), ".repeat(4);
        let e = error(&GOOD.replace("Cue,", &many));
        assert!(e.message.contains("over the limit of 3600 s"), "{e}");
        let e = error(&GOOD.replace("epochs: 50", "epochs: 1000000000000"));
        assert!(e.message.contains("epoch count"), "{e}");
        assert_eq!(e.line, 4, "{e}");
        let e = error(
            &GOOD
                .replace("seed: 3", "seed: 3, snapshot_every: 1")
                .replace("epochs: 50", "epochs: 1000000"),
        );
        assert!(e.message.contains("snapshot"), "{e}");
        let caption = format!("Caption(text: \"{}\"", "x".repeat(20_000));
        let e = error(&GOOD.replace("Caption(text: \"The input plane\"", &caption));
        assert!(e.message.contains("caption length"), "{e}");
        assert_eq!((e.line, e.col), (7, 23), "{e}");
    }

    #[test]
    fn deep_and_wide_networks_are_refused_before_they_are_built() {
        let sizes = vec!["2"; 100_000].join(", ");
        let e = error(&GOOD.replace("arch: [2, 2, 2]", &format!("arch: [{sizes}]")));
        assert!(
            e.message
                .contains("depth (layers) 99999 is over the limit of 256"),
            "{e}"
        );
        let rows = vec!["[1.0, 1.0]"; 5000].join(", ");
        let text = format!(
            "Scene(dataset: \"xor\", network: Layers([(weights: [{rows}], bias: [{}], \
             activation: Relu)]))",
            vec!["0.0"; 5000].join(", ")
        );
        let e = error(&text);
        assert!(
            e.message
                .contains("layer width 5000 is over the limit of 4096"),
            "{e}"
        );
        assert_eq!(e.line, 1, "{e}");
    }

    #[test]
    fn numbers_must_be_finite_and_in_range_where_they_are_written() {
        let e = error(&GOOD.replace("Camera(yaw: 30.0)", "Camera(yaw: NaN)"));
        assert!(e.message.contains("yaw NaN"), "{e}");
        assert_eq!((e.line, e.col), (9, 67), "{e}");
        let e = error(&GOOD.replace("Camera(yaw: 30.0)", "Camera(zoom: 1e30)"));
        assert!(e.message.contains("zoom 1e30 is outside"), "{e}");
        let e = error(&GOOD.replace("Camera(yaw: 30.0)", "Camera(pan: (0.0, inf, 0.0))"));
        assert_eq!((e.line, e.col), (9, 73), "{e}");
        let e = error(&GOOD.replace("Cue,", "Surface(Neuron(1, 3)),"));
        assert!(e.message.contains("layer 1 has 2 neurons"), "{e}");
        let e = error(&GOOD.replace("seed: 3", "seed: 3, l2: -1.0"));
        assert!(e.message.contains("l2 -1 is outside"), "{e}");
    }

    #[test]
    fn a_byte_order_mark_is_read_past_and_deep_nesting_is_said_plainly() {
        let with_bom = format!("\u{feff}{GOOD}");
        assert!(load_str(&with_bom, "s.ron", None, false).is_ok());
        let deep = GOOD.replace(
            "Cue,",
            &format!("{}Cue{},", "Together([".repeat(200), "])".repeat(200)),
        );
        let e = error(&deep);
        assert!(e.message.contains("nest too deeply"), "{e}");
        assert!(!e.to_string().contains("recursion_limit"), "{e}");
    }

    #[test]
    fn split_svd_is_only_for_w_a_of_layers_at_most_three_wide() {
        let scene = |arch: &str, stage: &str| {
            format!(
                "Scene(\n    dataset: \"moons:n=50\",\n    network: Train(arch: {arch}, epochs: 1),\n    \
                 timeline: [\n        Cue,\n        Stage(layer: 1, stage: {stage}, split: Svd),\n    ],\n)"
            )
        };
        for stage in ["Linear", "All"] {
            let loaded = load_str(&scene("[2, 3, 2]", stage), "s.ron", None, false).unwrap();
            assert_eq!(loaded.timeline.sample(0.5).split, crate::flow::Split::Svd);
        }
        for (stage, words) in [("Bias", "Bias (+ b)"), ("Activation", "Activation (σ)")] {
            let e = error(&scene("[2, 3, 2]", stage));
            assert_eq!((e.line, e.col), (6, 41 + stage.len()), "{e}");
            assert!(
                e.message.contains(words) && e.message.contains("W·a"),
                "{e}"
            );
            assert!(e.hint.as_deref().unwrap().contains("Linear or All"), "{e}");
        }
        let e = error(&scene("[2, 4, 2]", "Linear"));
        assert_eq!((e.line, e.col), (6, 47), "{e}");
        assert!(e.message.contains("layer 1 maps 2 dimensions to 4"), "{e}");
        assert!(e.to_string().starts_with("s.ron:6:47: "), "{e}");
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
