//! Ready-made set-ups that reproduce the reference figures: data, network, how long to train
//! it and how to show it. `spacefold presets` lists them; `spacefold --preset NAME` opens one.

use crate::landscape::{OutputMode, Target, four_neuron_network, hand_network, parse_neuron};
use crate::nn::{Activation, Layer, Loss, Mat, Network};
use crate::setup::{Resolved, Setup, SetupError, Start, View, surface_resolution};
use nalgebra::DVector;

/// How a preset opens in the landscape view.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LandscapeStart {
    /// The neuron shown (layer, index, 0-based), or the outputs when `None`.
    pub neuron: Option<(usize, usize)>,
    /// How output surfaces show the last layer.
    pub mode: OutputMode,
    /// For a neuron: its place on identity → sigmoid → step (0 to 2), if morphing.
    pub morph: Option<f32>,
    /// How far beyond the data the plane extends.
    pub zoom_out: f32,
    /// Look straight down.
    pub top: bool,
}

const OUTPUTS: LandscapeStart = LandscapeStart {
    neuron: None,
    mode: OutputMode::Softmax,
    morph: None,
    zoom_out: 1.0,
    top: false,
};

/// How a preset is first shown: the layers view, or the landscape view when `landscape` is
/// set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PresetView {
    /// Open on the landscape view with these settings.
    pub landscape: Option<LandscapeStart>,
    /// Stage position to open at (`3 ×` layers is the output).
    pub position: f32,
    /// Neurons shown of a layer wider than three (2 or 3).
    pub dims: usize,
    /// Turn the 3D view slowly.
    pub rotate: bool,
    /// Play the animation from `position` at once.
    pub play: bool,
    /// Stop playing and hold at this layer boundary (the one that shows the preset's
    /// point); Space plays on to the output.
    pub hold: Option<usize>,
}

/// A named set-up.
#[derive(Clone, Debug)]
pub struct Preset {
    /// What `--preset` takes.
    pub name: &'static str,
    /// One line for `spacefold presets`.
    pub summary: &'static str,
    /// The set-up: data, network, training.
    pub setup: fn() -> Setup,
    /// Hand-set weights instead of a trained network.
    pub weights: Option<fn() -> Network>,
    /// Epochs trained before the network is shown (0: shown as set).
    pub epochs: usize,
    /// How it is shown.
    pub view: PresetView,
}

const PLAY: PresetView = PresetView {
    landscape: None,
    position: 0.0,
    dims: 2,
    rotate: false,
    play: true,
    hold: None,
};

/// Every preset, in the order they are listed.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "mixture-square",
        summary: "2-2-1 sigmoid net on the wedge: the hidden layer maps the data into the unit \
                  square, where a line separates it",
        setup: || Setup {
            data: Some("wedge".into()),
            test: Some(0.0),
            arch: Some(vec![2, 2, 1]),
            activation: Some(vec![Activation::Sigmoid]),
            lr: 0.05,
            l2: 0.5,
            seed: 3,
            ..Setup::default()
        },
        weights: None,
        epochs: 4000,
        view: PresetView {
            hold: Some(1),
            ..PLAY
        },
    },
    Preset {
        name: "rings-cube",
        summary: "2-3-1 sigmoid net on two rings: the plane is lifted into the unit cube, where \
                  a plane separates it (the cube turns)",
        setup: || Setup {
            data: Some("circle".into()),
            test: Some(0.0),
            arch: Some(vec![2, 3, 1]),
            activation: Some(vec![Activation::Sigmoid]),
            lr: 0.05,
            l2: 1.0,
            seed: 5,
            ..Setup::default()
        },
        weights: None,
        epochs: 4000,
        view: PresetView {
            rotate: true,
            dims: 3,
            hold: Some(1),
            ..PLAY
        },
    },
    Preset {
        name: "layer-anatomy",
        summary: "one 2-to-2 layer on a grid: W stretches and shears, b shifts, tanh squashes \
                  into (-1, 1)²",
        setup: || Setup {
            data: Some("circle:n=300".into()),
            arch: Some(vec![2, 2]),
            output: Some(Activation::Tanh),
            ..Setup::default()
        },
        weights: Some(anatomy_layer),
        epochs: 0,
        view: PLAY,
    },
    Preset {
        name: "spirals-2wide",
        summary: "two spirals pulled apart by a deep network of 2-wide tanh layers",
        setup: || Setup {
            data: Some("spiral:arms=2,n=400,turns=0.85,noise=0.02,standardize=true".into()),
            test: Some(0.0),
            arch: Some(vec![2, 2, 2, 2, 2, 2, 2]),
            activation: Some(vec![Activation::Tanh]),
            lr: 0.01,
            batch: 32,
            l2: 0.004,
            seed: 10,
            ..Setup::default()
        },
        weights: None,
        epochs: 4000,
        view: PresetView {
            hold: Some(5),
            ..PLAY
        },
    },
    Preset {
        name: "spirals3-2wide",
        summary: "three spirals pulled apart by a deep network of 2-wide tanh layers",
        setup: || Setup {
            data: Some("spiral:arms=3,n=600,turns=0.75,noise=0.02,standardize=true".into()),
            test: Some(0.0),
            arch: Some(vec![2, 2, 2, 2, 2, 2, 3]),
            activation: Some(vec![Activation::Tanh]),
            lr: 0.01,
            batch: 32,
            l2: 0.001,
            seed: 4,
            ..Setup::default()
        },
        weights: None,
        epochs: 5000,
        view: PresetView {
            hold: Some(5),
            ..PLAY
        },
    },
    Preset {
        name: "relu-fold",
        summary: "2-2-2 ReLU net with a sigmoid output on the wedge: ReLU folds whole quadrants \
                  onto the axes, and a line separates what no line did",
        setup: || Setup {
            data: Some("wedge:standardize=true".into()),
            test: Some(0.0),
            arch: Some(vec![2, 2, 2]),
            activation: Some(vec![Activation::Relu]),
            output: Some(Activation::Sigmoid),
            loss: Some(Loss::Mse),
            lr: 0.02,
            seed: 3,
            ..Setup::default()
        },
        weights: None,
        epochs: 2000,
        view: PresetView {
            hold: Some(1),
            ..PLAY
        },
    },
    Preset {
        name: "relu-fold-3d",
        summary: "2-3-2 ReLU net on two rings: the plane folds like paper in 3D, and the next \
                  layer flattens it again",
        setup: || Setup {
            data: Some("circle:standardize=true".into()),
            test: Some(0.0),
            arch: Some(vec![2, 3, 2]),
            activation: Some(vec![Activation::Relu]),
            lr: 0.01,
            seed: 7,
            ..Setup::default()
        },
        weights: None,
        epochs: 3000,
        view: PresetView {
            dims: 3,
            hold: Some(1),
            ..PLAY
        },
    },
    Preset {
        name: "spiral-bottleneck",
        summary: "2-100-2-5 on a 5-arm spiral: the 2-neuron bottleneck pulls the arms apart \
                  into linearly separable wedges",
        setup: || Setup {
            data: Some("spiral:arms=5,n=1000".into()),
            arch: Some(vec![2, 100, 2, 5]),
            activation: Some(vec![Activation::Relu, Activation::Identity]),
            lr: 0.01,
            seed: 0,
            ..Setup::default()
        },
        weights: None,
        epochs: 2000,
        view: PresetView {
            hold: Some(2),
            ..PLAY
        },
    },
    Preset {
        name: "digits-bottleneck",
        summary: "64-100-2-10 on the handwritten digits: the ten digits become clusters in the \
                  2-neuron bottleneck",
        setup: || Setup {
            data: Some("digits".into()),
            arch: Some(vec![64, 100, 2, 10]),
            activation: Some(vec![Activation::Relu, Activation::Identity]),
            lr: 0.01,
            seed: 0,
            ..Setup::default()
        },
        weights: None,
        epochs: 400,
        view: PresetView {
            hold: Some(2),
            ..PLAY
        },
    },
    Preset {
        name: "neuron-landscape",
        summary: "the single neuron x - y - 3: its pre-activation plane, zero line and sigmoid \
                  slope (drag the morph to step for a cliff)",
        setup: || Setup {
            data: Some("lines".into()),
            arch: Some(vec![2, 1]),
            output: Some(Activation::Sigmoid),
            ..Setup::default()
        },
        weights: Some(single_neuron),
        epochs: 0,
        view: PresetView {
            landscape: Some(LandscapeStart {
                neuron: Some((0, 0)),
                morph: Some(1.0),
                ..OUTPUTS
            }),
            ..PLAY
        },
    },
    Preset {
        name: "neuron-cliff",
        summary: "the same neuron through a step activation: the slope becomes a cliff",
        setup: || Setup {
            data: Some("lines".into()),
            arch: Some(vec![2, 1]),
            output: Some(Activation::Sigmoid),
            ..Setup::default()
        },
        weights: Some(single_neuron),
        epochs: 0,
        view: PresetView {
            landscape: Some(LandscapeStart {
                neuron: Some((0, 0)),
                morph: Some(2.0),
                ..OUTPUTS
            }),
            ..PLAY
        },
    },
    Preset {
        name: "four-neurons",
        summary: "four sigmoid neurons (x-y-3, -x+y-3, x+y-3, x+y+3) combined into one: a blue \
                  valley inside the lines, red mountains outside",
        setup: || Setup {
            data: Some("lines".into()),
            arch: Some(vec![2, 4, 1]),
            activation: Some(vec![Activation::Sigmoid]),
            ..Setup::default()
        },
        weights: Some(four_sigmoid),
        epochs: 0,
        view: PresetView {
            landscape: Some(OUTPUTS),
            ..PLAY
        },
    },
    Preset {
        name: "four-neurons-step",
        summary: "the four-neuron landscape with step activations: the slopes become cliffs",
        setup: || Setup {
            data: Some("lines".into()),
            arch: Some(vec![2, 4, 1]),
            activation: Some(vec![Activation::Step]),
            ..Setup::default()
        },
        weights: Some(four_step),
        epochs: 0,
        view: PresetView {
            landscape: Some(OUTPUTS),
            ..PLAY
        },
    },
    Preset {
        name: "softmax-surfaces",
        summary: "2-100-5 on a 5-arm spiral: one softmax surface per class (switch to argmax \
                  for flat terraces, logits for the raw outputs)",
        setup: || Setup {
            data: Some("spiral:arms=5,n=1000".into()),
            arch: Some(vec![2, 100, 5]),
            activation: Some(vec![Activation::Relu]),
            lr: 0.01,
            seed: 0,
            ..Setup::default()
        },
        weights: None,
        epochs: 2000,
        view: PresetView {
            landscape: Some(OUTPUTS),
            ..PLAY
        },
    },
    Preset {
        name: "argmax-terraces",
        summary: "the same network's argmax: flat terraces (T looks down on them: the regions \
                  of the winning classes)",
        setup: || Setup {
            data: Some("spiral:arms=5,n=1000".into()),
            arch: Some(vec![2, 100, 5]),
            activation: Some(vec![Activation::Relu]),
            lr: 0.01,
            seed: 0,
            ..Setup::default()
        },
        weights: None,
        epochs: 2000,
        view: PresetView {
            landscape: Some(LandscapeStart {
                mode: OutputMode::Argmax,
                ..OUTPUTS
            }),
            ..PLAY
        },
    },
    Preset {
        name: "relu-zoomed-out",
        summary: "a ReLU network's classes seen 10x beyond its data: straight rays to infinity",
        setup: || Setup {
            data: Some("spiral:arms=5,n=1000".into()),
            arch: Some(vec![2, 100, 5]),
            activation: Some(vec![Activation::Relu]),
            lr: 0.01,
            seed: 0,
            ..Setup::default()
        },
        weights: None,
        epochs: 2000,
        view: PresetView {
            landscape: Some(LandscapeStart {
                mode: OutputMode::Argmax,
                zoom_out: 10.0,
                top: true,
                ..OUTPUTS
            }),
            ..PLAY
        },
    },
    Preset {
        name: "sine-zoomed-out",
        summary: "a sine network's classes seen 10x beyond its data: periodic patterns",
        setup: || Setup {
            data: Some("spiral:arms=5,n=1000".into()),
            arch: Some(vec![2, 100, 5]),
            activation: Some(vec![Activation::Sine]),
            lr: 0.01,
            seed: 0,
            ..Setup::default()
        },
        weights: None,
        epochs: 2000,
        view: PresetView {
            landscape: Some(LandscapeStart {
                mode: OutputMode::Argmax,
                zoom_out: 10.0,
                top: true,
                ..OUTPUTS
            }),
            ..PLAY
        },
    },
];

fn single_neuron() -> Network {
    let neuron = parse_neuron("x - y - 3").expect("the reference equation parses");
    hand_network(&[neuron], Activation::Sigmoid, None).expect("one neuron is a network")
}

fn four_sigmoid() -> Network {
    four_neuron_network(Activation::Sigmoid)
}

fn four_step() -> Network {
    four_neuron_network(Activation::Step)
}

/// The single layer of `layer-anatomy`: `W` stretches x by 1.6, squeezes y to 0.8 and shears
/// x by y; `b` shifts right and down; tanh squashes.
fn anatomy_layer() -> Network {
    let layer = Layer {
        weights: Mat::from_row_slice(2, 2, &[1.6, 0.7, 0.0, 0.8]),
        bias: DVector::from_vec(vec![0.6, -0.4]),
        activation: Activation::Tanh,
    };
    Network::from_layers(vec![layer]).expect("a 2-to-2 layer is a network")
}

/// The preset called `name`.
pub fn find(name: &str) -> Result<&'static Preset, NoSuchPreset> {
    PRESETS
        .iter()
        .find(|p| p.name == name)
        .ok_or_else(|| NoSuchPreset(name.to_string()))
}

/// A preset name that names none.
#[derive(Debug, thiserror::Error)]
#[error("no preset named `{0}`; the presets are: {names}", names = PRESETS.iter().map(|p| p.name).collect::<Vec<_>>().join(", "))]
pub struct NoSuchPreset(pub String);

impl Preset {
    /// The preset's set-up.
    pub fn setup(&self) -> Setup {
        (self.setup)()
    }

    /// How the window opens on the preset: the one translation of [`PresetView`], which the
    /// command line then overrides and the preset picker applies.
    pub fn start(&self) -> Start {
        let v = self.view;
        let mut start = Start {
            view: if v.landscape.is_some() {
                View::Landscape
            } else {
                View::Layers
            },
            position: v.position,
            play: v.play,
            hold: v
                .hold
                .map(|layers| crate::setup::layers_to_stages(layers as f32)),
            dims: v.dims,
            rotate: v.rotate,
            ..Start::default()
        };
        if let Some(l) = v.landscape {
            start.surface.target = match l.neuron {
                Some((layer, neuron)) => Target::Neuron(layer, neuron),
                None => Target::Outputs(l.mode),
            };
            start.surface.morph = l.morph;
            start.surface.zoom_out = l.zoom_out;
            start.surface.resolution = surface_resolution(l.zoom_out, None);
            start.top = l.top;
        }
        start
    }

    /// Its data and network (the network untrained: [`Preset::epochs`] says how long to
    /// train it).
    pub fn resolve(&self) -> Result<Resolved, SetupError> {
        let mut resolved = self.setup().resolve()?;
        if let Some(weights) = self.weights {
            resolved.network = weights();
        }
        Ok(resolved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::{TrainConfig, Trainer, evaluate};

    #[test]
    fn every_preset_resolves_and_names_are_unique() {
        for (i, p) in PRESETS.iter().enumerate() {
            let r = p.resolve().unwrap_or_else(|e| panic!("{}: {e}", p.name));
            assert_eq!(r.network.input_dim(), r.train.dim(), "{}", p.name);
            assert!(PRESETS[i + 1..].iter().all(|q| q.name != p.name));
            assert!(find(p.name).is_ok());
        }
        assert!(
            find("nope")
                .unwrap_err()
                .to_string()
                .contains("mixture-square")
        );
    }

    /// A preset of a shipped scene's name trains the scene's network: the same data, the
    /// same weights, so the scene's checked claims hold for the preset too.
    #[test]
    fn presets_train_the_networks_of_their_scenes() {
        for name in [
            "mixture-square",
            "rings-cube",
            "spirals-2wide",
            "spirals3-2wide",
            "relu-fold",
            "relu-fold-3d",
        ] {
            let p = find(name).unwrap();
            let r = p.resolve().unwrap();
            let scene = crate::scene::load_path_or_name(std::path::Path::new(name), true)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(r.train.x, scene.data.x, "{name}: the same points");
            assert!(
                r.test.is_empty(),
                "{name}: all points train, as in the scene"
            );
            let mut trainer = Trainer::new(r.network.clone(), r.config.clone()).unwrap();
            for _ in 0..p.epochs {
                trainer.step_epoch(&r.train).unwrap();
            }
            assert_eq!(
                trainer.network().layers(),
                scene.network.layers(),
                "{name}: the same weights"
            );
        }
    }

    #[test]
    fn trained_presets_reach_what_they_show() {
        // The figures need networks that actually separate the data.
        for name in [
            "mixture-square",
            "rings-cube",
            "relu-fold-3d",
            "spirals-2wide",
        ] {
            let p = find(name).unwrap();
            let r = p.resolve().unwrap();
            let config = TrainConfig {
                snapshot_every: 0,
                ..r.config.clone()
            };
            let mut trainer = Trainer::new(r.network.clone(), config).unwrap();
            for _ in 0..p.epochs {
                trainer.step_epoch(&r.train).unwrap();
            }
            let eval = evaluate(trainer.network(), &r.train, r.config.loss).unwrap();
            assert!(eval.accuracy >= 0.95, "{name}: {}", eval.accuracy);
        }
    }
}
