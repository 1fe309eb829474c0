//! Writing scenes: a [`Scene`] back to RON text, in the style of the shipped scenes, and the
//! explorer's "Save as scene".

use super::schema::ron_options;
use super::{EaseKind, NetworkSource, Scene, StageKind, Step, TrainSpec, View};
use crate::flow::Split;
use ron::ser::PrettyConfig;

/// The scene as RON text that [`parse`](super::parse) reads back as the same scene: named
/// `Scene(...)` and `Shot(...)`, four-space indents, one field or step per line down to the
/// steps (each step on one line), and no field that is at its default.
///
/// # Panics
///
/// Only if RON refuses the value: nesting deeper than its recursion limit (128), which a
/// scene it has parsed never reaches.
pub fn to_ron(scene: &Scene) -> String {
    let config = PrettyConfig::new()
        .indentor("    ")
        .struct_names(true)
        .depth_limit(2);
    let text = ron_options()
        .to_string_pretty(scene, config)
        .expect("a scene always serialises");
    super::bare::without_brackets(&text)
}

/// A scene script for a set-up made in the explorer: its data, its network trained as it
/// was, and a timeline that shows what the view showed: in the layers view every layer, with
/// a cue before each; in the regions and landscape views the recorded training replayed, so
/// the boundary (or the surfaces) form on screen.
pub fn script_for(title: &str, dataset: &str, spec: &TrainSpec, view: View) -> String {
    let mut timeline = vec![Step::Title {
        text: title.into(),
        secs: 2.5,
    }];
    let layers = spec.arch.len() - 1;
    let sizes: Vec<String> = spec.arch.iter().map(ToString::to_string).collect();
    match view {
        View::Layers => {
            for layer in 1..=layers {
                timeline.push(Step::Cue { notes: None });
                timeline.push(Step::Stage {
                    layer,
                    stage: StageKind::All,
                    secs: 3.0,
                    ease: EaseKind::default(),
                    split: Split::Whole,
                    matrix: false,
                });
            }
        }
        View::Regions | View::Landscape => {
            let secs = 10.0;
            timeline.push(Step::Cue { notes: None });
            timeline.push(Step::Together(vec![
                Step::Train {
                    from: 0,
                    to: spec.epochs,
                    secs,
                    ease: EaseKind::Linear,
                },
                Step::Caption {
                    text: format!(
                        "a {} network training: epoch 0 to {}",
                        sizes.join("-"),
                        spec.epochs
                    ),
                    secs,
                },
            ]));
        }
    }
    let scene = Scene {
        title: title.into(),
        dataset: dataset.into(),
        label: None,
        // The snapshots are left to the scene's default, as they always were.
        network: NetworkSource::Train(TrainSpec {
            snapshot_every: None,
            ..spec.clone()
        }),
        view,
        timeline,
        shots: vec![],
        claims: vec![],
    };
    format!(
        "// Saved from the spacefold explorer.\n{}\n",
        to_ron(&scene)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::{Activation, Loss};
    use crate::scene::{NeuronsSpec, OptimizerKind, bundled, load_str, parse};

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
        let text = script_for("My \"set-up\"", "spiral:arms=3,n=90", &spec, View::Regions);
        let loaded = load_str(&text, "saved.ron", None, false).unwrap();
        assert_eq!(loaded.scene.network, NetworkSource::Train(spec.clone()));
        assert_eq!(loaded.scene.title, "My \"set-up\"");
        assert_eq!(loaded.scene.view, View::Regions);
        // From the regions view: the training replayed, epoch 0 to the last, not a still.
        assert_eq!(loaded.timeline.cues().len(), 1);
        let epochs = |t: f32| loaded.timeline.sample(t).epoch;
        let (start, end) = (epochs(2.51), epochs(loaded.timeline.duration()));
        assert!(start.is_some_and(|e| e < 1.0), "{start:?}");
        assert_eq!(end, Some(120.0));
        // From the layers view: every layer, a cue before each.
        let layers = script_for("layers", "spiral:arms=3,n=90", &spec, View::Layers);
        let loaded = load_str(&layers, "layers.ron", None, false).unwrap();
        assert_eq!(loaded.timeline.cues().len(), 2);
        assert!(
            text.starts_with("// Saved from the spacefold explorer.\nScene(\n"),
            "{text}"
        );
    }

    /// Writes `scene`, reads it back, and checks it is the same scene, written the same way.
    fn round_trip(scene: &Scene, name: &str) -> Scene {
        let written = to_ron(scene);
        let back = parse(&written, name).unwrap_or_else(|e| panic!("{e}\n{written}"));
        assert_eq!(
            &back, scene,
            "{name} does not read back as itself:\n{written}"
        );
        assert_eq!(
            to_ron(&back),
            written,
            "{name} is not written the same way twice"
        );
        back
    }

    #[test]
    fn every_bundled_scene_reads_back_from_to_ron() {
        assert!(!bundled::BUNDLED.is_empty());
        for (name, text) in bundled::BUNDLED {
            round_trip(&parse(text, name).unwrap(), name);
        }
    }

    /// Every step kind with every field set away from its default, in shots.
    const EVERY_STEP: &str = r#"Scene(
    title: "all of it",
    dataset: "xor",
    network: Train(arch: [2, 3, 2], activation: [Tanh], output: Softmax,
        loss: CategoricalCrossEntropy, optimizer: Sgd, lr: 0.05, batch: 16, l2: 0.001,
        epochs: 9, seed: 5, snapshot_every: 3),
    view: Regions,
    shots: [
        Shot(name: "a", timeline: [
            Title(text: "x \"quoted\"", secs: 1.0), Caption(text: "y", secs: 2.0),
            Stage(layer: 1, stage: Bias, secs: 0.5, ease: Linear),
            Stage(layer: 1, stage: Linear, secs: 0.5, ease: Linear, split: Svd),
            Position(to: 1.5, secs: 2.0, ease: SineInOut),
            Camera(yaw: 1.0, pitch: -2.0, zoom: 3.0, pan: (1.0, 2.0, 3.0), secs: 0.0, ease: Linear),
            View(Landscape), Grid(false), Surface(Neuron(1, 2)), Surface(Outputs(Logits)),
            Morph(to: 0.5, secs: 1.0, ease: Linear), ZoomOut(to: 2.0, secs: 1.0, ease: SineInOut),
            Train(from: 1, to: 9, secs: 1.0, ease: Linear), Wait(0.25), Cue,
            Together([Cue, Together([Wait(1.0)])]),
        ]),
        Shot(name: "b", timeline: []),
    ],
)"#;

    /// Every step kind with every field that has a default left out.
    const ALL_DEFAULTS: &str = r#"Scene(
    dataset: "xor",
    network: Train(arch: [2, 2], epochs: 1),
    timeline: [
        Title(text: ""), Caption(text: ""), Stage(layer: 1), Position(to: 1.0), Camera(),
        Morph(to: 1.0), ZoomOut(to: 1.0), Train(from: 0, to: 1), Together([]),
    ],
)"#;

    #[test]
    fn every_step_and_network_reads_back() {
        let every = round_trip(&parse(EVERY_STEP, "every.ron").unwrap(), "every.ron");
        assert_eq!(every.shots.len(), 2);
        round_trip(
            &parse(ALL_DEFAULTS, "defaults.ron").unwrap(),
            "defaults.ron",
        );
        for network in [
            "Layers([(weights: [[1.0, 2.0], [3.0, 4.0]], bias: [0.5, -0.5], activation: Relu), \
             (weights: [[1.0, -1.0]], bias: [0.0], activation: Sigmoid)])",
            "File(\"nets/n.ron\")",
            "Neurons(equations: [\"x - y\", \"x + y - 1\"])",
            "Neurons(equations: [\"x\"], activation: Tanh, combine: ([1.0], -0.5))",
        ] {
            let text = format!("Scene(dataset: \"xor\", network: {network})");
            round_trip(&parse(&text, network).unwrap(), network);
        }
    }

    #[test]
    fn written_scenes_read_like_the_shipped_ones() {
        let (_, text) = bundled::BUNDLED
            .iter()
            .find(|(n, _)| *n == "relu-fold")
            .unwrap();
        let written = to_ron(&parse(text, "relu-fold").unwrap());
        assert!(
            written.starts_with("Scene(\n    title: \"ReLU folds the plane\",\n    dataset: \"wedge:standardize=true\",\n    network: Train(\n        arch: [2, 2, 2],\n"),
            "{written}"
        );
        assert!(
            written.contains("\n    timeline: [\n        Title(text: \"ReLU folds the plane\", secs: 2.5),\n        Cue,\n"),
            "{written}"
        );
        // Defaults left out, options without `Some`, no extension header.
        for absent in [
            "activation: [Relu]",
            "view: Layers",
            "Some(",
            "#!",
            "TrainSpec",
        ] {
            assert!(!written.contains(absent), "{absent} in:\n{written}");
        }
    }

    #[test]
    fn floats_survive_exactly() {
        let mut values = vec![
            0.0,
            -0.0,
            0.1,
            1.0 / 3.0,
            0.01,
            1.5,
            16_777_217.0,
            1e-30,
            1e30,
            f32::EPSILON,
            f32::MIN_POSITIVE,
            f32::from_bits(1),
            f32::MAX,
            f32::MIN,
            f32::INFINITY,
            f32::NEG_INFINITY,
        ];
        // And a few thousand bit patterns, every exponent and sign.
        let mut x: u32 = 0x9e37_79b9;
        while values.len() < 4000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let v = f32::from_bits(x);
            if !v.is_nan() {
                values.push(v);
            }
        }
        let scene = Scene {
            title: String::new(),
            dataset: "xor".into(),
            label: None,
            network: NetworkSource::Neurons(NeuronsSpec {
                equations: vec!["x".into()],
                activation: Activation::Sigmoid,
                combine: Some((values.clone(), -0.0)),
            }),
            view: View::default(),
            timeline: values.iter().map(|&v| Step::Wait(v)).collect(),
            shots: vec![],
            claims: vec![],
        };
        let back = parse(&to_ron(&scene), "floats.ron").unwrap();
        let bits = |s: &Scene| -> Vec<u32> {
            let NetworkSource::Neurons(n) = &s.network else {
                panic!("not neurons")
            };
            let (w, b) = n.combine.as_ref().unwrap();
            let waits = s.timeline.iter().map(|step| match step {
                Step::Wait(v) => v.to_bits(),
                other => panic!("{other:?}"),
            });
            waits
                .chain(w.iter().map(|v| v.to_bits()))
                .chain([b.to_bits()])
                .collect()
        };
        assert_eq!(bits(&back), bits(&scene));
        // NaN has no payload in RON, but stays NaN.
        let nan = Scene {
            timeline: vec![Step::Wait(f32::NAN)],
            ..scene
        };
        let back = parse(&to_ron(&nan), "nan.ron").unwrap();
        assert!(matches!(back.timeline[..], [Step::Wait(v)] if v.is_nan()));
        // A field left out at its default is compared bit for bit: -0.0 is still written.
        let spec = |l2: f32| {
            let text = format!(
                "Scene(dataset: \"xor\", network: Train(arch: [2, 2], epochs: 1, l2: {l2:?}))"
            );
            parse(&text, "l2.ron").unwrap()
        };
        let back = parse(&to_ron(&spec(-0.0)), "l2.ron").unwrap();
        let NetworkSource::Train(t) = back.network else {
            panic!("not trained")
        };
        assert_eq!(t.l2.to_bits(), (-0.0f32).to_bits());
        assert!(!to_ron(&spec(0.0)).contains("l2"));
    }
}
