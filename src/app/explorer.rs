//! The explorer's state: what the user set up (data, architecture, training settings) and
//! the link to the training worker. The panels edit this; everything else follows from it.

use crate::engine::live::{HeatmapSpec, Latest, LiveTraining, Request};
use crate::engine::nn::{
    Activation, DataOptions, Dataset, DatasetSpec, Network, Projection, TrainConfig,
};
use crate::engine::setup::{Resolved, split_and_standardise};
use bevy::prelude::*;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Published>()
        .init_resource::<Live>()
        .init_resource::<Burst>()
        .add_systems(PreUpdate, (poll_training, watch_burst).chain());
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
    /// Bumped whenever the points change (regenerated, added, erased).
    pub data_version: u64,
    /// Bumped when the data is made anew: the view and the heatmap then frame it again.
    pub layout_version: u64,
    /// The area the view frames and the heatmap covers, fixed when the data is made.
    pub bounds: (Vec2, Vec2),
    /// How points are placed in the plane: their two features, or for more features the
    /// plane of their two principal components.
    pub plane: Projection,
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
    /// Point, weight and network edits to undo and redo.
    pub history: EditHistory,
}

/// What an edit changed, and what undoing it restores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EditKind {
    /// Points added or erased: the data comes back, the weights stay.
    Points,
    /// A weight or bias dragged or typed: the weights come back.
    Weights,
    /// A layer added, removed or resized, an activation or the output changed, fresh weights:
    /// the architecture and the weights come back.
    Network,
}

impl EditKind {
    fn name(self) -> &'static str {
        match self {
            EditKind::Points => "point edit",
            EditKind::Weights => "weight edit",
            EditKind::Network => "network change",
        }
    }
}

/// Hidden layers (width, activation) and the output head: the architecture the panel edits.
pub type Architecture = (Vec<(usize, Activation)>, Activation);

/// A state an edit can go back to.
#[derive(Clone)]
struct Snapshot {
    kind: EditKind,
    train: Dataset,
    test: Dataset,
    /// Hidden layers, output head and weights (for weight and network edits).
    network: Option<(Architecture, Network)>,
}

impl Snapshot {
    /// Points and weights it keeps.
    fn size(&self) -> usize {
        self.train.len()
            + self.test.len()
            + self.network.as_ref().map_or(0, |n| n.1.parameter_count())
    }
}

/// The states before each edit (Ctrl+Z) and after each undone one (Ctrl+Shift+Z), newest
/// last; at most [`EditHistory::MOST_KEPT`] points and weights kept in all, oldest forgotten
/// first. A drag that changes a value every frame is one edit.
#[derive(Default)]
pub struct EditHistory {
    undo: Vec<Snapshot>,
    redo: Vec<Snapshot>,
    /// A gesture (a drag, typing in a field) already recorded its state before.
    in_gesture: bool,
}

impl EditHistory {
    /// Points and weights kept over all the saved states.
    pub const MOST_KEPT: usize = 2_000_000;

    fn kept(states: &[Snapshot]) -> usize {
        states.iter().map(Snapshot::size).sum()
    }

    /// Remembers `before` as the state an edit leaves; a new edit forgets what was undone.
    fn record(&mut self, before: Snapshot) {
        self.redo.clear();
        self.undo.push(before);
        while self.undo.len() > 1 && Self::kept(&self.undo) > Self::MOST_KEPT {
            self.undo.remove(0);
        }
    }

    /// Marks the end of a panel gesture when the pointer is up and no field has the keyboard:
    /// the next change is a new edit.
    pub fn gesture(&mut self, ongoing: bool) {
        if !ongoing {
            self.in_gesture = false;
        }
    }

    /// Whether there is an edit to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether there is an undone edit to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
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
        let mut explorer = Explorer {
            source,
            options,
            seed,
            train: r.train.clone(),
            test: r.test.clone(),
            data_version: 1,
            layout_version: 1,
            bounds: (Vec2::splat(-1.0), Vec2::splat(1.0)),
            plane: r.train.principal_plane(),
            hidden,
            head: r.network.head(),
            config: r.config.clone(),
            heatmap_resolution: 96,
            speed: Some(DEFAULT_SPEED),
            history: EditHistory::default(),
        };
        explorer.bounds = explorer.data_bounds();
        explorer
    }

    /// Number of classes in the data.
    pub fn classes(&self) -> usize {
        self.train.classes.max(self.test.classes).max(2)
    }

    /// The name of class `k`, as the legend and the panels show it: the data's own (a CSV's
    /// string labels), else `class k`.
    pub fn class_name(&self, k: u32) -> String {
        self.train.class_name(k)
    }

    /// The flat views' axis titles, across then up: the data's features by name (a CSV's
    /// columns, else `x1` and `x2`), or `PC 1` and `PC 2` where the plane is the principal one.
    pub fn axis_titles(&self) -> [String; 2] {
        [0, 1].map(|k| self.plane.axis_title(k, &self.train))
    }

    /// The names of the network's inputs, as the diagram writes them.
    pub fn input_names(&self) -> Vec<String> {
        (0..self.train.dim())
            .map(|i| self.train.feature_name(i))
            .collect()
    }

    /// The names of the network's outputs, as the diagram writes them: a class each, or for
    /// one sigmoid output the chance of the second class.
    pub fn output_names(&self) -> Vec<String> {
        match self.sizes().last() {
            Some(1) => vec![format!("P({})", self.class_name(1))],
            _ => (0..self.classes() as u32)
                .map(|k| self.class_name(k))
                .collect(),
        }
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
        Network::new(&self.sizes(), &acts, self.output_head(), self.seed).map_err(|e| e.to_string())
    }

    /// The output layer of the architecture: the chosen head, but always a softmax over more
    /// than two classes (a sigmoid decides between two).
    pub fn output_head(&self) -> Activation {
        if self.classes() > 2 {
            Activation::Softmax
        } else {
            self.head
        }
    }

    /// Makes the points again from the source and options.
    pub fn regenerate(&mut self) {
        let full = match &self.source {
            DataSource::Builtin(spec) => spec.generate(),
            DataSource::Csv { data, .. } => data.clone(),
        };
        let (train, test) = split_and_standardise(
            &full,
            self.options.test_ratio,
            self.seed,
            self.options.standardize,
        );
        let before = self.classes();
        self.train = train;
        self.test = test;
        // New data of another number of classes gets the head any data of that many gets
        // (a sigmoid for two, as the built-in sets and the command line give them); the
        // user's choice stands while the classes stay.
        if self.classes() != before {
            self.head = crate::engine::setup::default_head(crate::engine::setup::outputs_for(
                self.classes(),
            ));
        }
        self.data_version += 1;
        self.layout_version += 1;
        // Edits of the old points do not apply to new ones.
        self.history = EditHistory::default();
        self.plane = self.train.principal_plane();
        self.bounds = self.data_bounds();
    }

    /// Where a point is drawn in the plane.
    pub fn position(&self, point: &[f32]) -> Vec2 {
        Vec2::from(self.plane.project(point))
    }

    /// The points' bounding box in the plane, with a margin.
    fn data_bounds(&self) -> (Vec2, Vec2) {
        let mut lo = Vec2::splat(f32::INFINITY);
        let mut hi = Vec2::splat(f32::NEG_INFINITY);
        for data in [&self.train, &self.test] {
            for i in 0..data.len() {
                let v = self.position(data.point(i));
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
            let (lo, hi) = self.bounds;
            HeatmapSpec {
                min: [lo.x, lo.y],
                max: [hi.x, hi.y],
                resolution: self.heatmap_resolution,
            }
        })
    }

    /// The set-up as a scene script: the data as `--data` spells it, the network trained
    /// as it is being trained, to the epoch reached.
    ///
    /// A CSV file is named from folder `beside` (the scene file's), as scenes name their
    /// data; the title says what the scene shows: the data and the view.
    pub fn scene_script(
        &self,
        epochs: usize,
        view: crate::engine::setup::View,
        beside: &std::path::Path,
    ) -> Result<String, String> {
        use crate::engine::scene::{OptimizerKind, TrainSpec};
        let dataset = match &self.source {
            DataSource::Builtin(spec) => {
                let mut s = spec.to_arg();
                if self.options.standardize {
                    s += ",standardize=true";
                }
                s
            }
            DataSource::Csv { path, .. } => {
                crate::engine::io::relative_to(std::path::Path::new(path), beside)
            }
        };
        let data_name = match &self.source {
            DataSource::Builtin(spec) => spec.name().to_string(),
            DataSource::Csv { path, .. } => std::path::Path::new(path)
                .file_stem()
                .map_or_else(|| "data".into(), |s| s.to_string_lossy().into_owned()),
        };
        let title = format!("{data_name} in the {} view", view.name());
        let (optimizer, lr) = match self.config.optimizer {
            crate::engine::nn::Optimizer::Sgd { lr, .. } => (OptimizerKind::Sgd, lr),
            crate::engine::nn::Optimizer::Adam { lr, .. } => (OptimizerKind::Adam, lr),
            crate::engine::nn::Optimizer::Lbfgs { .. } => (OptimizerKind::Lbfgs, 0.01),
        };
        let hidden: Vec<Activation> = self.hidden.iter().map(|h| h.1).collect();
        let spec = TrainSpec {
            arch: self.sizes(),
            activation: if hidden.is_empty() {
                vec![Activation::Relu]
            } else {
                hidden
            },
            output: Some(self.output_head()),
            loss: self.config.loss,
            optimizer,
            lr,
            batch: self.config.batch_size,
            l2: self.config.l2,
            epochs: epochs.max(1),
            seed: self.seed,
            snapshot_every: None,
        };
        Ok(crate::engine::scene::script_for(
            &title, &dataset, &spec, view,
        ))
    }

    /// Takes over another set-up (a preset's), bumping the versions so that everything
    /// that follows them is redone.
    pub fn replace_with(&mut self, fresh: Explorer) {
        let (data, layout) = (self.data_version, self.layout_version);
        *self = fresh;
        self.data_version = data + 1;
        self.layout_version = layout + 1;
    }

    /// Makes the CSV file at `path` the data, training from fresh weights; a refused file
    /// leaves the data as it was. What to say: what was loaded, or why not.
    pub fn open_csv(&mut self, link: &Link, path: &std::path::Path) -> Result<String, String> {
        let data = crate::engine::nn::Dataset::load_csv(path).map_err(|e| e.to_string())?;
        self.source = DataSource::Csv {
            path: path.display().to_string(),
            data,
        };
        self.regenerate();
        self.restart(link)?;
        let points = self.train.len() + self.test.len();
        Ok(format!("loaded {} ({points} points)", path.display()))
    }

    /// Loads the network file at `path` (RON, `.npz`, `.safetensors`) as the live network,
    /// paused, if it fits the data. What to say: what was loaded, or why not.
    pub fn open_network(&mut self, link: &Link, path: &std::path::Path) -> Result<String, String> {
        let network = Network::load(path).map_err(|e| e.to_string())?;
        self.take_network(link, network)?;
        Ok(format!("loaded {}", path.display()))
    }

    /// Saves `network` (the live one) to `path` (RON, written atomically); what to say.
    pub fn save_network_to(
        &self,
        path: &std::path::Path,
        network: &Network,
    ) -> Result<String, String> {
        network
            .save(path)
            .map(|()| format!("saved {}", path.display()))
            .map_err(|e| e.to_string())
    }

    /// Saves the set-up as a scene script at `path` (written atomically); what to say.
    pub fn save_scene_to(
        &self,
        path: &std::path::Path,
        epoch: usize,
        view: crate::engine::setup::View,
    ) -> Result<String, String> {
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => std::path::Path::new("."),
        };
        let text = self.scene_script(epoch, view, folder)?;
        crate::engine::io::write_atomic(path, text.as_bytes())
            .map(|()| {
                let shown = path.display();
                format!("saved {shown} (play it: spacefold play {shown})")
            })
            .map_err(|e| format!("cannot save {}: {e}", path.display()))
    }

    /// Replaces the live network by `network` (a loaded file), paused, if it fits the data.
    pub fn take_network(&mut self, link: &Link, network: Network) -> Result<(), String> {
        network
            .fits(self.train.dim(), self.classes())
            .map_err(|m| m.to_string())?;
        let layers = network.layers();
        self.hidden = layers[..layers.len() - 1]
            .iter()
            .map(|l| (l.outputs(), l.activation))
            .collect();
        self.head = network.head();
        link.0.send(Request::Pause);
        self.restart_with(link, network);
        Ok(())
    }

    /// Restarts training from fresh weights on the current data, keeping play/pause; why
    /// not, when the architecture makes no network.
    pub fn restart(&mut self, link: &Link) -> Result<(), String> {
        let network = self.fresh_network()?;
        self.restart_with(link, network);
        Ok(())
    }

    /// Restarts training from the given weights on the current data.
    pub fn restart_with(&mut self, link: &Link, network: Network) {
        self.restart_at(link, network, 0);
    }

    /// Goes on training from `network`, which has trained `epoch` epochs, on the current data.
    pub fn restart_at(&mut self, link: &Link, network: Network, epoch: usize) {
        link.0.send(Request::SetHeatmap(self.heatmap_spec()));
        link.0.send(Request::Setup {
            network,
            config: self.config.clone(),
            train: self.train.clone(),
            test: self.test.clone(),
            epoch,
        });
    }
}

impl Explorer {
    /// Adds a training point of class `class` at `at` (two-input data only).
    pub fn add_point(&mut self, link: &Link, at: Vec2, class: u32) -> Result<(), String> {
        if self.train.dim() != 2 {
            return Err("points can be added to two-feature data only".into());
        }
        let class = class.min(self.classes() as u32 - 1);
        self.record(EditKind::Points, None);
        self.train.push(&[at.x, at.y], class);
        self.points_changed(link);
        Ok(())
    }

    /// Erases the point nearest to `at` if it lies within `radius`.
    pub fn erase_point(&mut self, link: &Link, at: Vec2, radius: f32) {
        let mut best: Option<(f32, bool, usize)> = None;
        for (data, test) in [(&self.train, false), (&self.test, true)] {
            for i in 0..data.len() {
                let d = self.position(data.point(i)).distance(at);
                if d <= radius && best.is_none_or(|b| d < b.0) {
                    best = Some((d, test, i));
                }
            }
        }
        if let Some((_, test, i)) = best {
            if !test && self.train.len() <= 1 {
                return;
            }
            self.record(EditKind::Points, None);
            if test {
                self.test.remove(i);
            } else if self.train.len() > 1 {
                self.train.remove(i);
            }
            self.points_changed(link);
        }
    }

    /// Remembers the state before an edit of `kind`; for weight and network edits, with
    /// the architecture and `live` weights as they were (`hidden` and `head` before the
    /// change). Within one gesture (`ongoing` since the last call) only its first change
    /// is recorded.
    pub fn record(&mut self, kind: EditKind, live: Option<(Architecture, &Network)>) {
        self.record_gesture(kind, live, false);
    }

    /// [`Explorer::record`] for a change made by a panel gesture that may go on over
    /// several frames (see [`EditHistory::gesture`]).
    pub fn record_gesture(
        &mut self,
        kind: EditKind,
        live: Option<(Architecture, &Network)>,
        ongoing: bool,
    ) {
        if ongoing && self.history.in_gesture {
            return;
        }
        self.history.in_gesture = ongoing;
        let snapshot = Snapshot {
            kind,
            train: self.train.clone(),
            test: self.test.clone(),
            network: live.map(|(arch, n)| (arch, n.clone())),
        };
        self.history.record(snapshot);
    }

    /// Undoes the last edit (`redo`: redoes the last undone one): points, weights or the
    /// network as they were before it (`live`: the network training now). Says so, or that
    /// there is none.
    pub fn undo(
        &mut self,
        link: &Link,
        redo: bool,
        live: Option<&Network>,
    ) -> Result<String, String> {
        let what = if redo { "redo" } else { "undo" };
        let from = if redo {
            &mut self.history.redo
        } else {
            &mut self.history.undo
        };
        let Some(back) = from.pop() else {
            return Err(format!("nothing to {what}"));
        };
        let network = match (&back.network, live) {
            (Some(_), Some(live)) => Some(((self.hidden.clone(), self.head), live.clone())),
            (Some(_), None) => {
                // No live network to come back to: the edit stays undone-able.
                from.push(back);
                return Err(format!("cannot {what} yet: no network is training"));
            }
            (None, _) => None,
        };
        let now = Snapshot {
            kind: back.kind,
            train: std::mem::replace(&mut self.train, back.train),
            test: std::mem::replace(&mut self.test, back.test),
            network,
        };
        if redo {
            self.history.undo.push(now);
        } else {
            self.history.redo.push(now);
        }
        self.history.in_gesture = false;
        match back.network {
            Some(((hidden, head), network)) => {
                self.hidden = hidden;
                self.head = head;
                self.data_version += 1;
                if back.kind == EditKind::Weights {
                    // Hand edits keep the run: its epoch and curves go on.
                    link.0.send(Request::SetNetwork(network));
                } else {
                    self.restart_with(link, network);
                }
            }
            None => self.points_changed(link),
        }
        Ok(if redo {
            format!("redid a {}", back.kind.name())
        } else {
            format!("undid a {} (Ctrl+Shift+Z redoes it)", back.kind.name())
        })
    }

    fn points_changed(&mut self, link: &Link) {
        self.data_version += 1;
        link.0.send(Request::SetData {
            train: self.train.clone(),
            test: self.test.clone(),
        });
    }
}

/// The running worker.
#[derive(Resource)]
pub struct Link(pub LiveTraining);

/// The worker's latest publication, as the window last read it.
#[derive(Resource, Default)]
pub struct Live(pub Option<Latest>);

impl Live {
    /// The version last read (0 before the first).
    pub fn version(&self) -> u64 {
        self.0.as_ref().map_or(0, |l| l.version)
    }
}

/// The network the views show, with its decision regions: the worker's ([`Live`]) or a
/// scene's replayed one (`player::Replayed`), whichever the player says
/// (`player::show_chosen_network`). Its version is its own, bumped whenever what it shows
/// changes, so a view keyed on it rebuilds when the source does.
#[derive(Resource, Default)]
pub struct Published(pub Option<Latest>, Shown);

/// What [`Published`] shows: from which slot, which version of it, and its own version.
#[derive(Default)]
pub struct Shown {
    from: Option<(bool, Option<u64>)>,
    version: u64,
}

impl Published {
    /// The version shown (0 before the first).
    pub fn version(&self) -> u64 {
        self.0.as_ref().map_or(0, |l| l.version)
    }

    /// Shows `latest`, from the scene's slot or the worker's; nothing changes if it is what
    /// is shown already.
    pub fn show(&mut self, from_scene: bool, latest: Option<&Latest>) {
        let from = Some((from_scene, latest.map(|l| l.version)));
        if self.1.from == from {
            return;
        }
        self.1.from = from;
        self.1.version += 1;
        let version = self.1.version;
        self.0 = latest.cloned().map(|l| Latest { version, ..l });
    }
}

/// A burst of training the window waits for (a preset's network, trained before it is shown).
#[derive(Resource, Default, Debug)]
pub struct Burst {
    /// Epochs the worker will have trained when the burst is over.
    target: Option<usize>,
    /// Publications seen when it was asked for.
    since: u64,
    /// Seconds since start-up when it ended.
    pub done_at: Option<f32>,
}

impl Burst {
    /// Asks the worker to train `epochs` epochs at full speed (after a set-up); `seen` is the
    /// publication the window holds now.
    pub fn request(&mut self, link: &Link, epochs: usize, seen: u64) {
        self.done_at = None;
        self.target = (epochs > 0).then_some(epochs);
        self.since = seen;
        if epochs > 0 {
            link.0.send(Request::TrainFor(epochs));
        }
    }

    /// Whether the burst is still running.
    pub fn busy(&self) -> bool {
        self.target.is_some()
    }
}

fn watch_burst(time: Res<Time>, published: Res<Live>, mut burst: ResMut<Burst>) {
    let Some(target) = burst.target else {
        if burst.done_at.is_none() {
            burst.done_at = Some(time.elapsed_secs());
        }
        return;
    };
    if let Some(latest) = &published.0
        && latest.version > burst.since
        && latest.epoch >= target
        && !latest.running
    {
        burst.target = None;
        burst.done_at = Some(time.elapsed_secs());
    }
}

fn poll_training(link: Res<Link>, mut live: ResMut<Live>) {
    if let Some(latest) = link.0.latest_since(live.version()) {
        live.0 = Some(latest);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::setup::Setup;

    /// The set-up of these data and (when given) layer sizes.
    fn setup(data: &str, arch: &[usize]) -> Setup {
        Setup {
            data: Some(data.into()),
            arch: (!arch.is_empty()).then(|| arch.to_vec()),
            ..Setup::default()
        }
    }

    fn explorer(setup: Setup) -> (Explorer, Link) {
        let resolved = setup.resolve().unwrap();
        let explorer = Explorer::from_resolved(&resolved, 0);
        let link = Link(LiveTraining::start(
            resolved.network.clone(),
            explorer.config.clone(),
            explorer.train.clone(),
            explorer.test.clone(),
            false,
        ));
        (explorer, link)
    }

    #[test]
    fn clicks_add_and_erase_points() {
        let (mut e, link) = explorer(setup("blobs:n=30", &[]));
        let (train, test, version) = (e.train.len(), e.test.len(), e.data_version);
        e.add_point(&link, Vec2::new(5.0, 5.0), 2).unwrap();
        assert_eq!(e.train.len(), train + 1);
        assert_eq!(e.train.point(train), &[5.0, 5.0]);
        assert_eq!(e.train.y[train], 2);
        assert!(e.data_version > version);
        // Too far: nothing goes. Near: the nearest point goes.
        e.erase_point(&link, Vec2::new(6.0, 6.0), 0.5);
        assert_eq!(e.train.len(), train + 1);
        e.erase_point(&link, Vec2::new(5.1, 5.0), 0.5);
        assert_eq!((e.train.len(), e.test.len()), (train, test));
        assert!(!e.train.x.as_slice().chunks(2).any(|p| p == [5.0, 5.0]));
    }

    /// The worker's first publication that `keep` accepts (within ten seconds).
    fn published(link: &Link, keep: impl Fn(&Latest) -> bool) -> Latest {
        let start = std::time::Instant::now();
        loop {
            if let Some(l) = link.0.latest_since(0).filter(|l| keep(l)) {
                return l;
            }
            assert!(start.elapsed().as_secs() < 10, "no such publication");
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }

    #[test]
    fn undo_brings_back_the_architecture_and_the_weights() {
        let (mut e, link) = explorer(setup("moons:n=60", &[2, 4, 1]));
        let first = published(&link, |_| true).network;
        // A layer added: the architecture and the weights before it are kept.
        let before = (e.hidden.clone(), e.head);
        e.hidden.push((3, Activation::Tanh));
        e.record(EditKind::Network, Some((before, &first)));
        e.restart(&link).unwrap();
        let grown = published(&link, |l| l.network.sizes() == [2, 4, 3, 1]).network;
        e.undo(&link, false, Some(&grown)).unwrap();
        assert_eq!(e.sizes(), vec![2, 4, 1]);
        let back = published(&link, |l| l.network.sizes() == [2, 4, 1]).network;
        assert_eq!(back, first, "the very weights come back");
        e.undo(&link, true, Some(&back)).unwrap();
        assert_eq!(e.sizes(), vec![2, 4, 3, 1]);
        assert_eq!(
            published(&link, |l| l.network.sizes() == [2, 4, 3, 1]).network,
            grown
        );
        // A drag changes a weight every frame: one edit, undone at once.
        let mut edited = grown.clone();
        for _ in 0..5 {
            let live = Some(((e.hidden.clone(), e.head), &edited));
            e.record_gesture(EditKind::Weights, live, true);
            edited.layer_mut(0).weights[(0, 0)] += 0.5;
            link.0.send(Request::SetNetwork(edited.clone()));
        }
        e.history.gesture(false);
        e.undo(&link, false, Some(&edited)).unwrap();
        assert_eq!(published(&link, |l| l.network == grown).network, grown);
        assert!(
            e.history.can_undo(),
            "the layer added is still there to undo"
        );
        assert!(e.history.can_redo());
    }

    #[test]
    fn the_architecture_follows_the_data() {
        let (mut e, _) = explorer(setup("moons", &[2, 5, 7, 1]));
        assert_eq!(e.sizes(), vec![2, 5, 7, 1]);
        e.source = DataSource::Builtin(DatasetSpec::parse("spiral:arms=4").unwrap().0);
        e.regenerate();
        assert_eq!(e.sizes(), vec![2, 5, 7, 4], "a 4-class set gets 4 outputs");
        assert_eq!(e.fresh_network().unwrap().head(), Activation::Softmax);
        let digits = DatasetSpec::parse("digits:n=100").unwrap().0;
        e.source = DataSource::Builtin(digits);
        e.regenerate();
        assert_eq!(e.sizes()[0], 64);
        assert!(e.heatmap_spec().is_none(), "no 2D heatmap for 64 inputs");
        // Back to two classes, from a CSV: one sigmoid output, as the built-in sets get.
        let csv = crate::engine::nn::Dataset::parse_csv(
            "height_cm,weight_kg,kind\n30,4,cat\n40,6,dog\n35,5,cat\n45,7,dog\n",
            "mem",
        )
        .unwrap();
        e.source = DataSource::Csv {
            path: "pets.csv".into(),
            data: csv,
        };
        e.regenerate();
        assert_eq!(*e.sizes().last().unwrap(), 1, "{:?}", e.sizes());
        assert_eq!(e.fresh_network().unwrap().head(), Activation::Sigmoid);
        // A head the user chose stands while the classes stay.
        e.head = Activation::Softmax;
        e.regenerate();
        assert_eq!(e.fresh_network().unwrap().head(), Activation::Softmax);
    }

    #[test]
    fn the_set_up_saves_as_a_scene_that_loads() {
        let (e, _) = explorer(Setup {
            activation: Some(vec![Activation::Tanh, Activation::Relu]),
            ..setup("moons:n=120", &[2, 6, 4, 1])
        });
        let text = e
            .scene_script(
                40,
                crate::engine::setup::View::Layers,
                std::path::Path::new("."),
            )
            .unwrap();
        let loaded = crate::engine::scene::load_str(&text, "saved.ron", None, true).unwrap();
        assert_eq!(loaded.network.sizes(), vec![2, 6, 4, 1]);
        assert_eq!(loaded.snapshots.last().unwrap().0, 40);
        assert_eq!(loaded.data.len(), 120, "a scene shows all the points");
        assert_eq!(loaded.timeline.cues().len(), 3, "a cue before each layer");
        assert_eq!(loaded.scene.title, "moons in the layers view");
    }

    /// Save as scene names a CSV from the scene's folder, so that the two travel together,
    /// and titles the scene by its data and view.
    #[test]
    fn a_saved_scene_names_its_csv_from_its_own_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("data")).unwrap();
        std::fs::create_dir_all(dir.path().join("scenes")).unwrap();
        let csv = dir.path().join("data/pets.csv");
        let mut text = String::from("height_cm,weight_kg,kind\n");
        for i in 0..40 {
            text += &format!("{},{},{}\n", 30 + i, 4 + i % 5, ["cat", "dog"][i % 2]);
        }
        std::fs::write(&csv, text).unwrap();
        let data = crate::engine::nn::Dataset::load_csv(&csv).unwrap();
        let (mut e, _) = explorer(setup("moons:n=40", &[2, 3, 1]));
        e.source = DataSource::Csv {
            path: csv.display().to_string(),
            data,
        };
        e.regenerate();
        let scene = dir.path().join("scenes/pets.ron");
        e.save_scene_to(&scene, 5, crate::engine::setup::View::Regions)
            .unwrap();
        let saved = std::fs::read_to_string(&scene).unwrap();
        assert!(saved.contains("\"../data/pets.csv\""), "{saved}");
        assert!(
            !saved.contains(&dir.path().display().to_string()),
            "{saved}"
        );
        let loaded = crate::engine::scene::load(&scene, true).unwrap();
        assert_eq!(loaded.scene.title, "pets in the regions view");
        assert_eq!(loaded.data.names, ["cat", "dog"]);
    }

    #[test]
    fn a_loaded_network_must_fit_the_data() {
        let (mut e, link) = explorer(setup("spiral:arms=3", &[2, 4, 3]));
        let wrong_inputs =
            Network::new(&[3, 4, 3], &[Activation::Relu], Activation::Softmax, 0).unwrap();
        assert!(
            e.take_network(&link, wrong_inputs)
                .unwrap_err()
                .contains("3 inputs")
        );
        let too_few =
            Network::new(&[2, 4, 1], &[Activation::Relu], Activation::Sigmoid, 0).unwrap();
        assert!(
            e.take_network(&link, too_few)
                .unwrap_err()
                .contains("3 classes")
        );
        let good =
            Network::new(&[2, 5, 6, 3], &[Activation::Tanh], Activation::Softmax, 0).unwrap();
        e.take_network(&link, good).unwrap();
        assert_eq!(e.hidden, vec![(5, Activation::Tanh), (6, Activation::Tanh)]);
    }
}
