//! How space moves through a network, as a pure function of a position (no Bevy).
//!
//! A position `u` counts stages: `u = 0` is the input, and layer `l` (0-based) plays from
//! `3l` to `3l + 3` in three stages, `W·a`, `+ b` and `σ`. Every stage boundary shows the
//! engine's own stage outputs ([`Network::forward_stages`]) exactly; between boundaries each
//! point moves on a straight line from one stage output to the next (for `W·a` that is the
//! matrix `(1 − t)·I + t·W` acting on the point, so grid lines stay straight and parallel).
//! Positions are values: sampling `u` gives the same coordinates however `u` was reached,
//! which is what makes scrubbing backward exact.
//!
//! Layers wider than three are shown through two or three of their neurons (a projection);
//! inputs wider than three through their principal plane.
//!
//! A layer's `W·a` may also play as its singular value decomposition, `Vᵀ`, `Σ`, `U`, one
//! move after the other ([`Split::Svd`], in `svd`), where its input and output are shown
//! whole and are at most three wide.
//!
//! The output layer's decision boundaries are in `boundary`, the easing of a stage's
//! progress in `ease`; both are re-exported here.

use crate::nn::{Activation, Mat, Network, Projection, Stage};

mod boundary;
mod ease;
pub mod matrix;
mod svd;

pub use boundary::{BoundaryPlane, boundary_lines, boundary_planes, boundary_polygons};
pub use ease::Ease;
pub use svd::{Split, SvdMove, SvdSplit, svd_move};

/// Columns pushed through the network at a time, to bound memory for wide layers.
const CHUNK: usize = 4096;

/// How the activation stage bends space.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Bend {
    /// One neuron at a time for the activations that fold ([`Activation::folds`]: ReLU,
    /// leaky ReLU, step), where a fold is easier to follow; all together otherwise.
    #[default]
    Auto,
    /// Every shown neuron at once.
    Together,
    /// One shown neuron after the other.
    OneAtATime,
}

impl Bend {
    /// Every mode, for menus.
    pub const ALL: [Bend; 3] = [Bend::Auto, Bend::Together, Bend::OneAtATime];

    /// Whether neurons with this activation bend one at a time.
    pub fn one_at_a_time(self, activation: Activation) -> bool {
        match self {
            Bend::Auto => activation.folds(),
            Bend::Together => false,
            Bend::OneAtATime => true,
        }
    }

    /// The name shown in menus.
    pub fn name(self) -> &'static str {
        match self {
            Bend::Auto => "auto (folds one neuron at a time)",
            Bend::Together => "all neurons together",
            Bend::OneAtATime => "one neuron at a time",
        }
    }
}

/// Where within the network a stage position `u` falls.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StageAt {
    /// Layer, 0-based.
    pub layer: usize,
    /// Stage within the layer.
    pub stage: Stage,
    /// Linear progress within the stage, in `[0, 1]`.
    pub t: f32,
}

impl StageAt {
    /// The stage boundary this stage starts from (`0..3L`): its index among the keys of a
    /// [`Flow`] ([`Flow::key`]), and its integer position.
    pub fn boundary(&self) -> usize {
        STAGES_PER_LAYER * self.layer + stage_index(self.stage)
    }
}

/// The stage in play at position `u` of a network of `layers` layers. Integer positions
/// start a stage (`t = 0`), except the very end, which finishes the last one (`t = 1`).
pub fn stage_at(u: f32, layers: usize) -> StageAt {
    let total = (STAGES_PER_LAYER * layers.max(1)) as f32;
    let u = if u.is_finite() {
        u.clamp(0.0, total)
    } else {
        0.0
    };
    let i = (u.floor() as usize).min(STAGES_PER_LAYER * layers.max(1) - 1);
    StageAt {
        layer: i / STAGES_PER_LAYER,
        stage: STAGES[i % STAGES_PER_LAYER],
        t: (u - i as f32).clamp(0.0, 1.0),
    }
}

/// Stages per layer: `W·a`, `+ b` and `σ`. Layer `l` plays from position
/// `STAGES_PER_LAYER · l` to `STAGES_PER_LAYER · (l + 1)`.
pub const STAGES_PER_LAYER: usize = 3;

/// The three stages in order.
pub const STAGES: [Stage; STAGES_PER_LAYER] = [Stage::Linear, Stage::Bias, Stage::Activation];

/// The index of a stage within a layer.
pub fn stage_index(stage: Stage) -> usize {
    match stage {
        Stage::Linear => 0,
        Stage::Bias => 1,
        Stage::Activation => 2,
    }
}

/// The neurons of each layer that are shown: all of them for widths up to three, else the
/// `dims` (2 or 3) with the largest variance of their outputs over `x`.
pub fn default_selection(network: &Network, x: &Mat, dims: usize) -> Vec<Vec<usize>> {
    let dims = dims.clamp(2, 3);
    let stages = network.forward_stages(&head_columns(x, 2000)).ok();
    network
        .layers()
        .iter()
        .enumerate()
        .map(|(l, layer)| {
            let width = layer.outputs();
            if width <= 3 {
                return (0..width).collect();
            }
            let Some(stages) = &stages else {
                return (0..dims).collect();
            };
            let a = &stages[l].activated;
            let mut order: Vec<(usize, f32)> = (0..width)
                .map(|r| {
                    let row = a.row(r);
                    let n = row.len().max(1) as f32;
                    let mean = row.iter().sum::<f32>() / n;
                    let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n;
                    (r, if var.is_finite() { var } else { 0.0 })
                })
                .collect();
            order.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let mut chosen: Vec<usize> = order.iter().take(dims).map(|o| o.0).collect();
            chosen.sort_unstable();
            chosen
        })
        .collect()
}

/// At most the first `n` columns of `x`.
fn head_columns(x: &Mat, n: usize) -> Mat {
    x.columns(0, x.ncols().min(n)).into_owned()
}

/// How the input space is drawn.
#[derive(Clone, Debug, PartialEq)]
pub enum InputView {
    /// Its own coordinates (up to three features).
    Raw,
    /// Its principal plane (more than three features).
    Plane(Projection),
}

impl InputView {
    /// The natural view of inputs with `dim` features.
    pub fn for_dim(dim: usize, plane: &Projection) -> InputView {
        if dim <= 3 {
            InputView::Raw
        } else {
            InputView::Plane(plane.clone())
        }
    }

    fn coords(&self, column: &[f32]) -> [f32; 3] {
        match self {
            InputView::Raw => pad(column.iter().copied()),
            InputView::Plane(p) => {
                let [u, v] = p.project(column);
                [u, v, 0.0]
            }
        }
    }

    fn dims(&self, dim: usize) -> usize {
        match self {
            InputView::Raw => dim.min(3),
            InputView::Plane(_) => 2,
        }
    }
}

fn pad(values: impl Iterator<Item = f32>) -> [f32; 3] {
    let mut out = [0.0; 3];
    for (o, v) in out.iter_mut().zip(values) {
        *o = v;
    }
    out
}

/// An axis-aligned box in display coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    /// Lowest corner.
    pub min: [f32; 3],
    /// Highest corner.
    pub max: [f32; 3],
}

impl Bounds {
    /// The box of `points`, or a unit box around the origin when there are none (or none
    /// finite).
    pub fn of(points: &[[f32; 3]]) -> Bounds {
        let mut min = [f32::INFINITY; 3];
        let mut max = [f32::NEG_INFINITY; 3];
        for p in points {
            if p.iter().all(|v| v.is_finite()) {
                for k in 0..3 {
                    min[k] = min[k].min(p[k]);
                    max[k] = max[k].max(p[k]);
                }
            }
        }
        if min[0] > max[0] {
            return Bounds {
                min: [-1.0; 3],
                max: [1.0; 3],
            };
        }
        Bounds { min, max }
    }

    /// Centre of the box.
    pub fn center(&self) -> [f32; 3] {
        std::array::from_fn(|k| (self.min[k] + self.max[k]) / 2.0)
    }

    /// Edge lengths.
    pub fn size(&self) -> [f32; 3] {
        std::array::from_fn(|k| self.max[k] - self.min[k])
    }

    fn mix(a: &Bounds, b: &Bounds, t: f32) -> Bounds {
        Bounds {
            min: std::array::from_fn(|k| mix(a.min[k], b.min[k], t)),
            max: std::array::from_fn(|k| mix(a.max[k], b.max[k], t)),
        }
    }
}

/// `a` at `t = 0`, `b` at `t = 1`, exactly (for finite values), and the straight line
/// between.
#[inline]
pub fn mix(a: f32, b: f32, t: f32) -> f32 {
    (1.0 - t) * a + t * b
}

/// A grid of lines over a rectangle of the input plane, each line sampled finely so that it
/// can bend smoothly.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Grid {
    /// Lines in each direction.
    pub lines: usize,
    /// Samples along each line.
    pub samples: usize,
    /// Lower-left corner in the input plane.
    pub min: [f32; 2],
    /// Upper-right corner.
    pub max: [f32; 2],
}

/// The smallest of 1, 2, 5 times a power of ten at or above `raw` (a step a reader can
/// count in).
pub fn nice_step(raw: f32) -> f32 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let power = 10f32.powf(raw.log10().floor());
    let mantissa = raw / power;
    let nice = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .find(|&m| m >= mantissa * (1.0 - 1e-5))
        .unwrap_or(10.0);
    nice * power
}

impl Grid {
    /// A number-plane grid over the box `lo`..`hi` of the input plane: square, its lines
    /// at whole multiples of a nice step (about `lines` of them each way), covering the box.
    pub fn over(lo: [f32; 2], hi: [f32; 2], lines: usize, samples: usize) -> Grid {
        let extent = (hi[0] - lo[0]).max(hi[1] - lo[1]).max(1e-6);
        let step = nice_step(extent / lines.max(2) as f32);
        // Each axis from a multiple of the step at or below the box to one at or above it;
        // the shorter axis widened evenly to as many steps, so that the grid is square.
        let first = |k: usize| (lo[k] / step + 1e-4).floor() as i64;
        let steps = |k: usize| (hi[k] / step - 1e-4).ceil() as i64 - first(k);
        let most = steps(0).max(steps(1)).max(1);
        let min = [0, 1].map(|k| (first(k) - (most - steps(k)) / 2) as f32 * step);
        let count = most as usize + 1;
        Grid {
            lines: count,
            samples: samples.max(2),
            min,
            max: min.map(|m| m + (count - 1) as f32 * step),
        }
    }

    /// The distance between neighbouring lines.
    pub fn step(&self) -> f32 {
        (self.max[0] - self.min[0]) / (self.lines.max(2) - 1) as f32
    }

    /// Whether line `i` (of either direction) is a major line: at a multiple of five steps
    /// (of two where the step is 5 × 10ᵏ), or an axis.
    pub fn is_major(&self, vertical: bool, i: usize) -> bool {
        let step = self.step();
        let power = 10f32.powf(step.log10().floor());
        let every = if (step / power - 5.0).abs() < 0.01 {
            2.0
        } else {
            5.0
        };
        let k = if vertical { 0 } else { 1 };
        let value = (self.min[k] + i as f32 * step) / step;
        (value / every - (value / every).round()).abs() < 1e-3
    }

    /// Number of polylines: `lines` vertical ones, then `lines` horizontal ones.
    pub fn polylines(&self) -> usize {
        2 * self.lines
    }

    /// Number of sample points in all.
    pub fn points(&self) -> usize {
        self.polylines() * self.samples
    }

    /// The grid's sample points in plane coordinates, polyline after polyline.
    pub fn plane_points(&self) -> Vec<[f32; 2]> {
        let lines = self.lines.max(2);
        let samples = self.samples.max(2);
        let at =
            |k: usize, i: usize, n: usize| mix(self.min[k], self.max[k], i as f32 / (n - 1) as f32);
        let mut out = Vec::with_capacity(self.points());
        for i in 0..self.lines {
            for j in 0..self.samples {
                out.push([at(0, i, lines), at(1, j, samples)]);
            }
        }
        for i in 0..self.lines {
            for j in 0..self.samples {
                out.push([at(0, j, samples), at(1, i, lines)]);
            }
        }
        out
    }

    /// The grid's points in the input space: the plane itself for two features, the
    /// principal plane (through the mean) for more.
    pub fn input_points(&self, dim: usize, view: &InputView) -> Option<Mat> {
        let plane = self.plane_points();
        match (view, dim) {
            (InputView::Raw, 2) => Some(Mat::from_fn(2, plane.len(), |r, c| plane[c][r])),
            (InputView::Plane(p), d) if p.mean.len() == d => {
                Some(Mat::from_fn(d, plane.len(), |r, c| {
                    p.mean[r] + plane[c][0] * p.axes[0][r] + plane[c][1] * p.axes[1][r]
                }))
            }
            _ => None,
        }
    }
}

/// What a [`Flow`] is built from.
#[derive(Clone, Debug)]
pub struct FlowInput<'a> {
    /// The network.
    pub network: &'a Network,
    /// Data points, one per column (`inputs × n`).
    pub points: &'a Mat,
    /// The grid, if one is drawn.
    pub grid: Option<Grid>,
    /// How the input is drawn.
    pub input_view: InputView,
    /// Shown neurons of each layer (see [`default_selection`]).
    pub selection: Vec<Vec<usize>>,
}

/// Every point's display coordinates at every stage boundary of a network, ready to be
/// sampled at any position.
#[derive(Clone, Debug)]
pub struct Flow {
    /// Activation of each layer.
    activations: Vec<Activation>,
    /// Layer widths, input first.
    sizes: Vec<usize>,
    /// Shown neurons of each layer.
    selection: Vec<Vec<usize>>,
    /// Coordinates shown at each of the `3L + 1` stage boundaries, one entry per column
    /// (data points first, then grid samples), padded with zeros to three.
    keys: Vec<Vec<[f32; 3]>>,
    /// Shown dimensions at each boundary.
    dims: Vec<usize>,
    /// Bounds of the data points at each boundary.
    bounds: Vec<Bounds>,
    /// Each layer's `W·a` as `Vᵀ`, `Σ`, `U`, where it can play so.
    splits: Vec<Option<LayerSplit>>,
    points: usize,
    grid: Option<Grid>,
}

impl Flow {
    /// Pushes the points (and the grid) through the network once, keeping what is shown.
    pub fn new(input: FlowInput<'_>) -> Result<Flow, String> {
        let network = input.network;
        let layers = network.layers();
        if input.points.nrows() != network.input_dim() {
            return Err(format!(
                "the network takes {} inputs, the points have {}",
                network.input_dim(),
                input.points.nrows()
            ));
        }
        if input.selection.len() != layers.len()
            || input
                .selection
                .iter()
                .zip(layers)
                .any(|(s, l)| s.is_empty() || s.len() > 3 || s.iter().any(|&r| r >= l.outputs()))
        {
            return Err("the shown neurons do not match the network".into());
        }
        let grid_points = input
            .grid
            .and_then(|g| input.input_view_grid(g))
            .unwrap_or_else(|| Mat::zeros(network.input_dim(), 0));
        let grid = (grid_points.ncols() > 0).then_some(input.grid).flatten();
        let points = input.points.ncols();
        let total = points + grid_points.ncols();
        let mut keys: Vec<Vec<[f32; 3]>> =
            vec![Vec::with_capacity(total); STAGES_PER_LAYER * layers.len() + 1];
        for source in [input.points, &grid_points] {
            let mut start = 0;
            while start < source.ncols() {
                let n = CHUNK.min(source.ncols() - start);
                let x = source.columns(start, n).into_owned();
                for c in 0..n {
                    keys[0].push(input.input_view.coords(x.column(c).as_slice()));
                }
                let stages = network.forward_stages(&x).map_err(|e| e.to_string())?;
                for (l, s) in stages.iter().enumerate() {
                    let rows = &input.selection[l];
                    for (k, m) in [&s.linear, &s.biased, &s.activated].into_iter().enumerate() {
                        let key = &mut keys[STAGES_PER_LAYER * l + 1 + k];
                        for c in 0..n {
                            key.push(pad(rows.iter().map(|&r| m[(r, c)])));
                        }
                    }
                }
                start += n;
            }
        }
        let mut dims = vec![input.input_view.dims(network.input_dim())];
        for s in &input.selection {
            dims.extend([s.len(); STAGES_PER_LAYER]);
        }
        let bounds = keys.iter().map(|k| Bounds::of(&k[..points])).collect();
        let splits = layer_splits(&input, &keys, points);
        Ok(Flow {
            activations: layers.iter().map(|l| l.activation).collect(),
            sizes: network.sizes(),
            selection: input.selection,
            keys,
            dims,
            bounds,
            splits,
            points,
            grid,
        })
    }

    /// Number of layers.
    pub fn layers(&self) -> usize {
        self.activations.len()
    }

    /// The last position: `3 × layers` ([`STAGES_PER_LAYER`] per layer).
    pub fn end(&self) -> f32 {
        (STAGES_PER_LAYER * self.layers()) as f32
    }

    /// Number of data points (the first columns).
    pub fn points(&self) -> usize {
        self.points
    }

    /// The grid whose samples follow the points, if any.
    pub fn grid(&self) -> Option<Grid> {
        self.grid
    }

    /// Number of columns: points and grid samples.
    pub fn columns(&self) -> usize {
        self.keys[0].len()
    }

    /// Shown neurons of each layer.
    pub fn selection(&self) -> &[Vec<usize>] {
        &self.selection
    }

    /// Layer widths, input first.
    pub fn sizes(&self) -> &[usize] {
        &self.sizes
    }

    /// Activation of layer `l`.
    pub fn activation(&self, l: usize) -> Activation {
        self.activations[l]
    }

    /// Whether any position needs a third dimension.
    pub fn is_3d(&self) -> bool {
        self.dims.iter().any(|&d| d >= 3)
    }

    /// Whether any position up to `u` needs a third dimension: a showing that stops before
    /// a 3-wide layer (a scene ending on the last hidden layer of a 3-class network) stays
    /// flat.
    pub fn is_3d_until(&self, u: f32) -> bool {
        let last = if u.is_finite() {
            (u.max(0.0).ceil() as usize).min(self.dims.len() - 1)
        } else {
            self.dims.len() - 1
        };
        self.dims[..=last].iter().any(|&d| d >= 3)
    }

    /// Whether layer `l` is shown through some of its neurons only.
    pub fn is_projection(&self, l: usize) -> bool {
        self.selection[l].len() < self.sizes[l + 1]
    }

    /// The coordinates shown at stage boundary `k` (`0..=3L`), one per column.
    pub fn key(&self, k: usize) -> &[[f32; 3]] {
        &self.keys[k]
    }

    /// Per-coordinate progress at a stage: one neuron after the other while bending one at a
    /// time, all together otherwise; eased.
    fn progress(&self, at: StageAt, ease: Ease, bend: Bend) -> [f32; 3] {
        let m = self.selection[at.layer].len();
        if at.stage == Stage::Activation && m > 1 && bend.one_at_a_time(self.activations[at.layer])
        {
            std::array::from_fn(|j| {
                if j < m {
                    ease.apply(at.t * m as f32 - j as f32)
                } else {
                    ease.apply(at.t)
                }
            })
        } else {
            [ease.apply(at.t); 3]
        }
    }

    /// Every column's coordinates at position `u`, written into `out` (resized to fit). With
    /// [`Split::Svd`], a `W·a` stage of a layer that has an [`SvdSplit`] plays as its three
    /// moves, exact at `t = 0, 1/3, 2/3, 1`; elsewhere `split` changes nothing.
    pub fn sample(&self, u: f32, ease: Ease, bend: Bend, split: Split, out: &mut Vec<[f32; 3]>) {
        let at = stage_at(u, self.layers());
        let k = at.boundary();
        let (from, to) = (&self.keys[k], &self.keys[k + 1]);
        out.resize(from.len(), [0.0; 3]);
        if let Some(svd) = self.split_at(at, split) {
            let motion = svd.svd.motion(at.t, ease);
            for ((o, a), b) in out.iter_mut().zip(from).zip(to) {
                *o = svd.svd.place(&motion, *a, *b);
            }
            return;
        }
        let t = self.progress(at, ease, bend);
        for ((o, a), b) in out.iter_mut().zip(from).zip(to) {
            *o = [
                mix(a[0], b[0], t[0]),
                mix(a[1], b[1], t[1]),
                mix(a[2], b[2], t[2]),
            ];
        }
    }

    /// Where the view shows, at position `u`, a point that is at `a` where the stage starts
    /// and at `b` where it ends: on the path the data points take (eased, bent, split as
    /// they are). The basis arrows follow it.
    pub fn place(
        &self,
        u: f32,
        (ease, bend, split): (Ease, Bend, Split),
        a: [f32; 3],
        b: [f32; 3],
    ) -> [f32; 3] {
        let at = stage_at(u, self.layers());
        if let Some(svd) = self.split_at(at, split) {
            let motion = svd.svd.motion(at.t, ease);
            return svd.svd.place(&motion, a, b);
        }
        let t = self.progress(at, ease, bend);
        [
            mix(a[0], b[0], t[0]),
            mix(a[1], b[1], t[1]),
            mix(a[2], b[2], t[2]),
        ]
    }

    /// The data points' bounds at position `u`: mixed between the bounds at the stage's ends
    /// (and, while `W·a` plays as its moves, at the moves' ends).
    pub fn bounds(&self, u: f32, ease: Ease, split: Split) -> Bounds {
        let at = stage_at(u, self.layers());
        let k = at.boundary();
        if let Some(svd) = self.split_at(at, split) {
            let (mv, s) = svd_move(at.t);
            let ends = [
                &self.bounds[k],
                &svd.bounds[0],
                &svd.bounds[1],
                &self.bounds[k + 1],
            ];
            let j = mv.index();
            return Bounds::mix(ends[j], ends[j + 1], ease.apply(s));
        }
        Bounds::mix(&self.bounds[k], &self.bounds[k + 1], ease.apply(at.t))
    }

    /// Layer `l`'s `W·a` as `Vᵀ`, `Σ`, `U`, if it can play so: its input and output shown
    /// whole, at most three wide (and, for the first layer, the input in its own
    /// coordinates).
    pub fn svd(&self, layer: usize) -> Option<&SvdSplit> {
        self.splits.get(layer)?.as_ref().map(|s| &s.svd)
    }

    /// The move of `W·a` playing at position `u` under `split`, if `W·a` is playing as its
    /// moves there: the layer's split, the move, and the linear progress within the move
    /// (for a heading: [`SvdSplit::describe`], [`SvdMove::symbol`]).
    pub fn svd_at(&self, u: f32, split: Split) -> Option<(&SvdSplit, SvdMove, f32)> {
        let at = stage_at(u, self.layers());
        let svd = self.split_at(at, split)?;
        let (mv, s) = svd_move(at.t);
        Some((&svd.svd, mv, s))
    }

    /// The split that plays at `at`, if `split` asks for one and the stage is a `W·a` that
    /// has one.
    fn split_at(&self, at: StageAt, split: Split) -> Option<&LayerSplit> {
        match (split, at.stage) {
            (Split::Svd, Stage::Linear) => self.splits[at.layer].as_ref(),
            (Split::Whole, _) | (Split::Svd, Stage::Bias | Stage::Activation) => None,
        }
    }

    /// Shown dimensions at position `u`: the larger of the two ends of its stage while it
    /// plays, so a plane lifting into 3D is drawn in 3D from the start. This covers `W·a`
    /// played as its moves too: only a layer with a 3-wide end leaves the plane (a plane
    /// turned over, or lifted), and such a stage is 3D throughout.
    pub fn dims(&self, u: f32) -> usize {
        let at = stage_at(u, self.layers());
        let k = at.boundary();
        match at.t {
            0.0 => self.dims[k],
            1.0 => self.dims[k + 1],
            _ => self.dims[k].max(self.dims[k + 1]),
        }
    }
}

/// A layer's split, with the data points' bounds at `Vᵀa` and `ΣVᵀa`.
#[derive(Clone, Debug)]
struct LayerSplit {
    svd: SvdSplit,
    bounds: [Bounds; 2],
}

/// Each layer's split where one applies: its input and output shown whole (all neurons, in
/// order) and at most three wide, the first layer's input in its own coordinates.
fn layer_splits(
    input: &FlowInput<'_>,
    keys: &[Vec<[f32; 3]>],
    points: usize,
) -> Vec<Option<LayerSplit>> {
    let whole = |s: &[usize], width: usize| width <= 3 && s.iter().copied().eq(0..width);
    let layers = input.network.layers();
    (0..layers.len())
        .map(|l| {
            let layer = &layers[l];
            let input_whole = match l {
                0 => input.input_view == InputView::Raw,
                _ => whole(&input.selection[l - 1], layer.inputs()),
            };
            if !(input_whole && whole(&input.selection[l], layer.outputs())) {
                return None;
            }
            let svd = SvdSplit::new(&layer.weights)?;
            let start = &keys[STAGES_PER_LAYER * l][..points];
            let bounds = [1, 2].map(|j| {
                let motion = svd.boundary(j);
                let moved: Vec<[f32; 3]> =
                    start.iter().map(|&a| svd.place(&motion, a, a)).collect();
                Bounds::of(&moved)
            });
            Some(LayerSplit { svd, bounds })
        })
        .collect()
}

impl FlowInput<'_> {
    fn input_view_grid(&self, grid: Grid) -> Option<Mat> {
        grid.input_points(self.network.input_dim(), &self.input_view)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::{Dataset, DatasetSpec};

    #[test]
    fn steps_are_one_two_or_five_times_a_power_of_ten() {
        assert_eq!(nice_step(0.13), 0.2);
        assert_eq!(nice_step(0.2), 0.2);
        assert_eq!(nice_step(3.1), 5.0);
        assert_eq!(nice_step(7.0), 10.0);
        assert!((nice_step(0.0004) - 0.0005).abs() < 1e-9);
    }

    #[test]
    fn a_number_plane_grid_covers_the_box_at_whole_steps() {
        let (lo, hi) = ([-1.7, -0.4], [1.3, 0.9]);
        let grid = Grid::over(lo, hi, 12, 8);
        let step = grid.step();
        assert_eq!(step, 0.5);
        for k in 0..2 {
            assert!(grid.min[k] <= lo[k] && grid.max[k] >= hi[k], "{grid:?}");
            // On multiples of the step, and no more than a step beyond the box.
            assert!((grid.min[k] / step - (grid.min[k] / step).round()).abs() < 1e-4);
            assert!(grid.max[k] - grid.min[k] <= (hi[0] - lo[0]) + 2.0 * step + 1e-4);
        }
        // Square, so one step serves both directions.
        assert_eq!(grid.max[0] - grid.min[0], grid.max[1] - grid.min[1]);
        // The axis and every second line (step 0.5: majors at whole numbers) are major.
        let majors: Vec<f32> = (0..grid.lines)
            .filter(|&i| grid.is_major(true, i))
            .map(|i| grid.min[0] + i as f32 * step)
            .collect();
        assert_eq!(majors, vec![-2.0, -1.0, 0.0, 1.0]);
    }

    fn net(sizes: &[usize], hidden: Activation, head: Activation, seed: u64) -> Network {
        Network::new(sizes, &[hidden], head, seed).unwrap()
    }

    fn data(n: usize) -> Dataset {
        DatasetSpec::parse(&format!("moons:n={n}"))
            .unwrap()
            .0
            .generate()
    }

    fn flow(network: &Network, d: &Dataset, grid: Option<Grid>, dims: usize) -> Flow {
        Flow::new(FlowInput {
            network,
            points: &d.x,
            grid,
            input_view: InputView::Raw,
            selection: default_selection(network, &d.x, dims),
        })
        .unwrap()
    }

    #[test]
    fn stage_boundaries_show_the_engines_stage_outputs_exactly() {
        let d = data(300);
        for (sizes, act) in [
            (vec![2, 3, 2], Activation::Relu),
            (vec![2, 2, 2], Activation::Tanh),
            (vec![2, 3, 1], Activation::Sigmoid),
        ] {
            let network = net(&sizes, act, Activation::Sigmoid, 4);
            let f = flow(&network, &d, None, 3);
            let stages = network.forward_stages(&d.x).unwrap();
            let mut out = vec![];
            for (ease, split) in Ease::ALL
                .into_iter()
                .flat_map(|e| [(e, Split::Whole), (e, Split::Svd)])
            {
                for bend in Bend::ALL {
                    // Start of every stage, and the very end.
                    f.sample(0.0, ease, bend, split, &mut out);
                    for (c, p) in out.iter().enumerate().take(d.len()) {
                        assert_eq!(&p[..2], d.point(c));
                        assert_eq!(p[2], 0.0);
                    }
                    for (l, s) in stages.iter().enumerate() {
                        for (k, m) in [&s.linear, &s.biased, &s.activated].into_iter().enumerate() {
                            let u = (STAGES_PER_LAYER * l + k + 1) as f32;
                            f.sample(u, ease, bend, split, &mut out);
                            for c in 0..d.len() {
                                for r in 0..3 {
                                    let want = if r < m.nrows() { m[(r, c)] } else { 0.0 };
                                    assert_eq!(out[c][r], want, "{sizes:?} u={u} column {c}");
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_stage_starts_and_ends_on_its_boundaries() {
        // Within one stage, t = 0 and t = 1 are the two boundaries (also when one neuron
        // bends after the other).
        let d = data(100);
        let network = net(&[2, 3, 2], Activation::Relu, Activation::Softmax, 1);
        let f = flow(&network, &d, None, 3);
        for i in 0..STAGES_PER_LAYER * f.layers() {
            let at0 = StageAt {
                layer: i / STAGES_PER_LAYER,
                stage: STAGES[i % STAGES_PER_LAYER],
                t: 0.0,
            };
            let at1 = StageAt { t: 1.0, ..at0 };
            for bend in Bend::ALL {
                for (at, key) in [(at0, i), (at1, i + 1)] {
                    let t = f.progress(at, Ease::CubicInOut, bend);
                    let (a, b) = (f.key(i), f.key(i + 1));
                    for c in 0..d.len() {
                        let p: [f32; 3] = std::array::from_fn(|r| mix(a[c][r], b[c][r], t[r]));
                        assert_eq!(p, f.key(key)[c]);
                    }
                }
            }
        }
    }

    #[test]
    fn scrubbing_backward_returns_to_the_same_positions() {
        let d = data(200);
        let grid = Grid {
            lines: 8,
            samples: 32,
            min: [-1.5, -1.0],
            max: [2.5, 1.5],
        };
        let network = net(&[2, 3, 2], Activation::Relu, Activation::Softmax, 2);
        let f = flow(&network, &d, Some(grid), 3);
        let steps: Vec<f32> = (0..=180).map(|i| i as f32 * f.end() / 180.0).collect();
        let mut forward = vec![];
        let mut out = vec![];
        for &u in &steps {
            f.sample(u, Ease::CubicInOut, Bend::Auto, Split::Whole, &mut out);
            forward.push(out.clone());
        }
        for (i, &u) in steps.iter().enumerate().rev() {
            f.sample(u, Ease::CubicInOut, Bend::Auto, Split::Whole, &mut out);
            assert_eq!(out, forward[i], "u = {u}");
        }
        // And the positions really move: the middle of the activation stage is neither end.
        f.sample(2.5, Ease::Linear, Bend::Together, Split::Whole, &mut out);
        assert_ne!(out, f.key(2));
        assert_ne!(out, f.key(3));
    }

    #[test]
    fn relu_folds_one_neuron_after_the_other() {
        let d = data(200);
        let network = net(&[2, 2, 2], Activation::Relu, Activation::Softmax, 3);
        let f = flow(&network, &d, None, 2);
        let (z, a) = (f.key(2), f.key(3));
        let mut out = vec![];
        // Half-way through σ: the first neuron is folded, the second not yet.
        f.sample(2.5, Ease::CubicInOut, Bend::Auto, Split::Whole, &mut out);
        for c in 0..d.len() {
            assert_eq!(out[c][0], a[c][0]);
            assert_eq!(out[c][1], z[c][1]);
        }
        // Together, both are half-way.
        f.sample(2.5, Ease::Linear, Bend::Together, Split::Whole, &mut out);
        assert!((0..d.len()).any(|c| out[c][0] != a[c][0] && out[c][0] != z[c][0]));
    }

    #[test]
    fn grid_lines_stay_straight_under_the_linear_stage() {
        let d = data(50);
        let grid = Grid {
            lines: 5,
            samples: 17,
            min: [-1.0, -1.0],
            max: [1.0, 1.0],
        };
        let network = net(&[2, 2, 2], Activation::Tanh, Activation::Softmax, 5);
        let f = flow(&network, &d, Some(grid), 2);
        let mut out = vec![];
        f.sample(0.4, Ease::Linear, Bend::Auto, Split::Whole, &mut out);
        for line in 0..grid.polylines() {
            let p = &out[d.len() + line * grid.samples..][..grid.samples];
            let (a, b) = (p[0], p[grid.samples - 1]);
            for q in p {
                let cross = (b[0] - a[0]) * (q[1] - a[1]) - (b[1] - a[1]) * (q[0] - a[0]);
                assert!(cross.abs() < 1e-4, "line {line} bends under W·a");
            }
        }
        // Under σ = tanh, they bend.
        f.sample(3.0, Ease::Linear, Bend::Auto, Split::Whole, &mut out);
        let bent = (0..grid.polylines()).any(|line| {
            let p = &out[d.len() + line * grid.samples..][..grid.samples];
            let (a, b) = (p[0], p[grid.samples - 1]);
            p.iter().any(|q| {
                ((b[0] - a[0]) * (q[1] - a[1]) - (b[1] - a[1]) * (q[0] - a[0])).abs() > 1e-3
            })
        });
        assert!(bent);
    }

    #[test]
    fn wide_layers_show_their_most_varied_neurons() {
        let d = data(200);
        let mut network = net(&[2, 6, 2], Activation::Relu, Activation::Softmax, 6);
        {
            // Neurons 1 and 4 vary most; the others barely.
            let layer = network.layer_mut(0);
            for r in 0..6 {
                let scale = if r == 1 || r == 4 { 5.0 } else { 0.01 };
                layer.weights[(r, 0)] = scale;
                layer.weights[(r, 1)] = scale;
                layer.bias[r] = 10.0;
            }
        }
        let sel = default_selection(&network, &d.x, 2);
        assert_eq!(sel, vec![vec![1, 4], vec![0, 1]]);
        let f = flow(&network, &d, None, 2);
        assert!(f.is_projection(0) && !f.is_projection(1));
        let stages = network.forward_stages(&d.x).unwrap();
        for c in 0..d.len() {
            assert_eq!(
                f.key(3)[c],
                [
                    stages[0].activated[(1, c)],
                    stages[0].activated[(4, c)],
                    0.0
                ]
            );
        }
    }

    #[test]
    fn wide_inputs_start_in_their_principal_plane() {
        let d = DatasetSpec::parse("digits:n=200").unwrap().0.generate();
        let plane = d.principal_plane();
        let network = Network::new(
            &[64, 8, 2, 10],
            &[Activation::Relu, Activation::Identity],
            Activation::Softmax,
            0,
        )
        .unwrap();
        let grid = Grid {
            lines: 4,
            samples: 8,
            min: [-1.0, -1.0],
            max: [1.0, 1.0],
        };
        let f = Flow::new(FlowInput {
            network: &network,
            points: &d.x,
            grid: Some(grid),
            input_view: InputView::for_dim(64, &plane),
            selection: default_selection(&network, &d.x, 2),
        })
        .unwrap();
        assert_eq!(f.columns(), d.len() + grid.points());
        assert_eq!(f.key(0)[0], {
            let [u, v] = plane.project(d.point(0));
            [u, v, 0.0]
        });
        // The grid lies in the plane: it projects back onto its own coordinates.
        let g = grid.plane_points();
        for (i, p) in g.iter().enumerate() {
            let q = f.key(0)[d.len() + i];
            assert!((q[0] - p[0]).abs() < 1e-3 && (q[1] - p[1]).abs() < 1e-3);
        }
        assert!(!f.is_3d());
        assert!(!f.is_3d_until(f.end()));
    }

    #[test]
    fn a_showing_that_stops_before_a_wide_layer_stays_flat() {
        let network =
            Network::new(&[2, 2, 3], &[Activation::Tanh], Activation::Softmax, 1).unwrap();
        let x = Mat::from_column_slice(2, 3, &[0.0, 1.0, 1.0, 0.0, -1.0, 0.5]);
        let f = Flow::new(FlowInput {
            network: &network,
            points: &x,
            grid: None,
            input_view: InputView::Raw,
            selection: default_selection(&network, &x, 3),
        })
        .unwrap();
        assert!(f.is_3d());
        // Up to the hidden layer's output (position 3) the points stay in the plane.
        assert!(!f.is_3d_until(0.0) && !f.is_3d_until(3.0));
        assert!(f.is_3d_until(3.2) && f.is_3d_until(f.end()) && f.is_3d_until(f32::NAN));
    }

    #[test]
    fn stage_at_covers_the_network() {
        assert_eq!(
            stage_at(0.0, 2),
            StageAt {
                layer: 0,
                stage: Stage::Linear,
                t: 0.0
            }
        );
        assert_eq!(
            stage_at(4.25, 2),
            StageAt {
                layer: 1,
                stage: Stage::Bias,
                t: 0.25
            }
        );
        assert_eq!(
            stage_at(6.0, 2),
            StageAt {
                layer: 1,
                stage: Stage::Activation,
                t: 1.0
            }
        );
        assert_eq!(stage_at(4.25, 2).boundary(), 4);
        assert_eq!(
            stage_at(6.0, 2).boundary(),
            5,
            "the end finishes the last stage"
        );
        assert_eq!(stage_at(99.0, 2).t, 1.0);
        assert_eq!(stage_at(f32::NAN, 2).t, 0.0);
        for e in Ease::ALL {
            assert_eq!((e.apply(0.0), e.apply(1.0)), (0.0, 1.0));
            assert!(e.apply(0.3) < e.apply(0.6));
        }
    }
}
