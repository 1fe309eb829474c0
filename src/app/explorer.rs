//! The explorer's state: what the user set up (data, architecture, training settings) and
//! the link to the training worker. The panels edit this; everything else follows from it.

use crate::cli::Resolved;
use crate::live::{Command, HeatmapSpec, Latest, LiveTraining};
use crate::nn::{Activation, DataOptions, Dataset, DatasetSpec, Network, TrainConfig};
use bevy::prelude::*;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Published>()
        .add_systems(PreUpdate, poll_training);
}

/// Epochs a second the explorer trains at by default: fast enough to converge in seconds,
/// slow enough to watch the regions form.
pub const DEFAULT_SPEED: f64 = 200.0;

/// Where the points come from.
#[derive(Clone, Debug)]
pub enum DataSource {
    /// A built-in generator.
    Builtin(DatasetSpec),
    /// A CSV file, loaded once; its path for display.
    Csv { path: String, data: Dataset },
}

/// The user's set-up.
#[derive(Resource)]
pub struct Explorer {
    /// The data's origin.
    pub source: DataSource,
    /// Test fraction and standardisation.
    pub options: DataOptions,
    /// Seed of the split and of fresh weights.
    pub seed: u64,
    /// Training points.
    pub train: Dataset,
    /// Held-out points.
    pub test: Dataset,
    /// Bumped whenever the points change.
    pub data_version: u64,
    /// Hidden layers: width and activation.
    pub hidden: Vec<(usize, Activation)>,
    /// Output activation (sigmoid or softmax).
    pub head: Activation,
    /// Optimizer, learning rate, batch, L2.
    pub config: TrainConfig,
    /// Decision-region pixels per side.
    pub heatmap_resolution: usize,
    /// Most epochs a second (`None`: as fast as the machine goes).
    pub speed: Option<f64>,
    /// Text of the CSV path box.
    pub csv_path: String,
    /// A message for the user (a load error, say).
    pub message: Option<String>,
}

impl Explorer {
    /// The set-up the command line asked for.
    pub fn from_resolved(r: &Resolved, seed: u64) -> Explorer {
        let layers = r.network.layers();
        let hidden = layers[..layers.len() - 1]
            .iter()
            .map(|l| (l.outputs(), l.activation))
            .collect();
        let source = match &r.spec {
            Some(spec) => DataSource::Builtin(spec.clone()),
            None => {
                let mut all = r.train.clone();
                for i in 0..r.test.len() {
                    all.push(r.test.point(i), r.test.y[i]);
                }
                DataSource::Csv {
                    path: r.data_label.clone(),
                    data: all,
                }
            }
        };
        let options = DataOptions {
            test_ratio: r.test.len() as f32 / (r.train.len() + r.test.len()).max(1) as f32,
            standardize: false,
        };
        Explorer {
            source,
            options,
            seed,
            train: r.train.clone(),
            test: r.test.clone(),
            data_version: 1,
            hidden,
            head: r.network.head(),
            config: r.config.clone(),
            heatmap_resolution: 96,
            speed: Some(DEFAULT_SPEED),
            csv_path: String::new(),
            message: None,
        }
    }

    /// Number of classes in the data.
    pub fn classes(&self) -> usize {
        self.train.classes.max(self.test.classes).max(2)
    }

    /// Layer sizes of the architecture, input first.
    pub fn sizes(&self) -> Vec<usize> {
        let outputs = if self.classes() == 2 && self.head == Activation::Sigmoid {
            1
        } else {
            self.classes()
        };
        std::iter::once(self.train.dim())
            .chain(self.hidden.iter().map(|h| h.0))
            .chain(std::iter::once(outputs))
            .collect()
    }

    /// A freshly initialised network of the current architecture.
    pub fn fresh_network(&self) -> Result<Network, String> {
        let acts: Vec<Activation> = self.hidden.iter().map(|h| h.1).collect();
        let head = if self.classes() > 2 {
            Activation::Softmax
        } else {
            self.head
        };
        Network::new(&self.sizes(), &acts, head, self.seed).map_err(|e| e.to_string())
    }

    /// Makes the points again from the source and options.
    pub fn regenerate(&mut self) {
        let full = match &self.source {
            DataSource::Builtin(spec) => spec.generate(),
            DataSource::Csv { data, .. } => data.clone(),
        };
        let (mut train, mut test) = full.split(self.options.test_ratio, self.seed);
        if self.options.standardize {
            let s = train.fit_standardizer();
            s.apply(&mut train);
            s.apply(&mut test);
        }
        self.train = train;
        self.test = test;
        self.data_version += 1;
    }

    /// The points' bounding box in the plane of the first two features, with a margin.
    pub fn bounds(&self) -> (Vec2, Vec2) {
        let mut lo = Vec2::splat(f32::INFINITY);
        let mut hi = Vec2::splat(f32::NEG_INFINITY);
        for data in [&self.train, &self.test] {
            for i in 0..data.len() {
                let p = data.point(i);
                let v = Vec2::new(p[0], p.get(1).copied().unwrap_or(0.0));
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        if !lo.is_finite() || !hi.is_finite() {
            return (Vec2::splat(-1.0), Vec2::splat(1.0));
        }
        let margin = (hi - lo).max(Vec2::splat(1e-3)) * 0.08;
        (lo - margin, hi + margin)
    }

    /// The heatmap over the bounds, for two-input data.
    pub fn heatmap_spec(&self) -> Option<HeatmapSpec> {
        (self.train.dim() == 2).then(|| {
            let (lo, hi) = self.bounds();
            HeatmapSpec {
                min: [lo.x, lo.y],
                max: [hi.x, hi.y],
                resolution: self.heatmap_resolution,
            }
        })
    }

    /// Restarts training from fresh weights on the current data, keeping play/pause.
    pub fn restart(&mut self, link: &Link) {
        match self.fresh_network() {
            Ok(network) => self.restart_with(link, network),
            Err(e) => self.message = Some(e),
        }
    }

    /// Restarts training from the given weights on the current data.
    pub fn restart_with(&mut self, link: &Link, network: Network) {
        self.message = None;
        link.0.send(Command::SetHeatmap(self.heatmap_spec()));
        link.0.send(Command::Setup {
            network,
            config: self.config.clone(),
            train: self.train.clone(),
            test: self.test.clone(),
        });
    }
}

/// The running worker.
#[derive(Resource)]
pub struct Link(pub LiveTraining);

/// The latest publication of the worker, as the window last read it.
#[derive(Resource, Default)]
pub struct Published(pub Option<Latest>);

impl Published {
    /// The version last read (0 before the first).
    pub fn version(&self) -> u64 {
        self.0.as_ref().map_or(0, |l| l.version)
    }
}

fn poll_training(link: Res<Link>, mut published: ResMut<Published>) {
    if let Some(latest) = link.0.latest_since(published.version()) {
        published.0 = Some(latest);
    }
}
