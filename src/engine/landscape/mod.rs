//! Neuron landscapes (no Bevy): the value of one neuron, or of the network's outputs, over a
//! rectangle of the input plane as a height field `z = f(x, y)`; colour maps for heights; the
//! field's mesh data; its zero line; the surfaces built from them. Neurons written as
//! equations (`x - y - 3`) and the networks made of them are in `equation`, re-exported here.

use crate::nn::{Activation, Mat, Network};

mod equation;

pub use equation::{four_neuron_network, hand_network, parse_neuron};

/// Columns pushed through the network at a time.
const CHUNK: usize = 8192;

/// A square grid of sample points over a rectangle of the input plane.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Area {
    /// Lower-left corner.
    pub min: [f32; 2],
    /// Upper-right corner.
    pub max: [f32; 2],
    /// Samples along each side (at least 2).
    pub resolution: usize,
}

impl Area {
    /// The same centre, `factor` times wider and taller.
    pub fn zoomed_out(&self, factor: f32) -> Area {
        let c = [
            (self.min[0] + self.max[0]) / 2.0,
            (self.min[1] + self.max[1]) / 2.0,
        ];
        let h = [
            (self.max[0] - self.min[0]) / 2.0,
            (self.max[1] - self.min[1]) / 2.0,
        ];
        Area {
            min: [c[0] - h[0] * factor, c[1] - h[1] * factor],
            max: [c[0] + h[0] * factor, c[1] + h[1] * factor],
            resolution: self.resolution,
        }
    }

    fn n(&self) -> usize {
        self.resolution.max(2)
    }

    /// The sample point `(i, j)`: `i` along x, `j` along y.
    pub fn point(&self, i: usize, j: usize) -> [f32; 2] {
        let n = (self.n() - 1) as f32;
        [
            self.min[0] + (self.max[0] - self.min[0]) * i as f32 / n,
            self.min[1] + (self.max[1] - self.min[1]) * j as f32 / n,
        ]
    }

    /// Number of sample points.
    pub fn len(&self) -> usize {
        self.n() * self.n()
    }

    /// Whether there are no samples (never: at least 2 × 2).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Sample points as columns, row after row (`j` outer, `i` inner).
    pub fn points(&self) -> Mat {
        let n = self.n();
        Mat::from_fn(2, n * n, |r, c| self.point(c % n, c / n)[r])
    }
}

/// What an output surface shows of the network's last layer.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize,
)]
pub enum OutputMode {
    /// The last layer's pre-activations `W·a + b`, one surface per class.
    Logits,
    /// Softmax probabilities (a sigmoid for one output): smooth hills.
    #[default]
    Softmax,
    /// 1 where the class wins, 0 elsewhere: flat terraces.
    Argmax,
}

impl OutputMode {
    /// Every mode, for menus.
    pub const ALL: [OutputMode; 3] = [OutputMode::Logits, OutputMode::Softmax, OutputMode::Argmax];

    /// The name shown in menus.
    pub fn name(self) -> &'static str {
        match self {
            OutputMode::Logits => "raw logits",
            OutputMode::Softmax => "softmax",
            OutputMode::Argmax => "argmax",
        }
    }
}

/// Pre-activation and output of neuron `neuron` of layer `layer` at every sample point.
pub fn neuron_heights(
    network: &Network,
    layer: usize,
    neuron: usize,
    area: &Area,
) -> Result<(Vec<f32>, Vec<f32>), String> {
    check_plane(network)?;
    let l = network
        .layers()
        .get(layer)
        .ok_or_else(|| format!("the network has no layer {}", layer + 1))?;
    if neuron >= l.outputs() {
        return Err(format!(
            "layer {} has {} neurons, not {}",
            layer + 1,
            l.outputs(),
            neuron + 1
        ));
    }
    let mut pre = Vec::with_capacity(area.len());
    let mut out = Vec::with_capacity(area.len());
    for_chunks(area, |x| {
        let stages = network.forward_stages(x).map_err(|e| e.to_string())?;
        let s = &stages[layer];
        pre.extend(s.biased.row(neuron).iter());
        out.extend(s.activated.row(neuron).iter());
        Ok(())
    })?;
    Ok((pre, out))
}

/// One height field per output class (one for a single sigmoid output) in `mode`.
pub fn output_heights(
    network: &Network,
    mode: OutputMode,
    area: &Area,
) -> Result<Vec<Vec<f32>>, String> {
    check_plane(network)?;
    let last = network.layers().len() - 1;
    let k = network.output_dim();
    let mut fields = vec![Vec::with_capacity(area.len()); k];
    for_chunks(area, |x| {
        let stages = network.forward_stages(x).map_err(|e| e.to_string())?;
        let s = &stages[last];
        for c in 0..x.ncols() {
            match mode {
                OutputMode::Logits => {
                    for (r, f) in fields.iter_mut().enumerate() {
                        f.push(s.biased[(r, c)]);
                    }
                }
                OutputMode::Softmax => {
                    // The network's own output: softmax, or the sigmoid of a single output.
                    for (r, f) in fields.iter_mut().enumerate() {
                        f.push(s.activated[(r, c)]);
                    }
                }
                OutputMode::Argmax => {
                    let column: Vec<f32> = s.activated.column(c).iter().copied().collect();
                    let won = crate::nn::network::decide(&Mat::from_column_slice(k, 1, &column))[0];
                    for (r, f) in fields.iter_mut().enumerate() {
                        let wins = if k == 1 { won == 1 } else { won as usize == r };
                        f.push(if wins { 1.0 } else { 0.0 });
                    }
                }
            }
        }
        Ok(())
    })?;
    Ok(fields)
}

fn check_plane(network: &Network) -> Result<(), String> {
    if network.input_dim() != 2 {
        return Err(format!(
            "landscapes need a network with two inputs; this one takes {}",
            network.input_dim()
        ));
    }
    Ok(())
}

fn for_chunks(area: &Area, mut f: impl FnMut(&Mat) -> Result<(), String>) -> Result<(), String> {
    let all = area.points();
    let mut start = 0;
    while start < all.ncols() {
        let n = CHUNK.min(all.ncols() - start);
        f(&all.columns(start, n).into_owned())?;
        start += n;
    }
    Ok(())
}

/// The activation a surface shows while morphing: `t` runs along `path` (0 = its first
/// activation, 1 = its second, ...), blending neighbours linearly.
pub fn morph(z: f32, path: &[Activation], t: f32) -> f32 {
    if path.is_empty() {
        return z;
    }
    let t = t.clamp(0.0, (path.len() - 1) as f32);
    let i = (t.floor() as usize).min(path.len().saturating_sub(2));
    if path.len() == 1 {
        return path[0].apply(z);
    }
    let f = t - i as f32;
    let (a, b) = (path[i].apply(z), path[i + 1].apply(z));
    (1.0 - f) * a + f * b
}

/// A colour map from a value in [0, 1] to linear RGB.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ColorMap {
    /// The articles' landscape: blue valley, green slope, red mountain.
    #[default]
    Terrain,
    /// Perceptually uniform dark blue to yellow.
    Viridis,
    /// Blue to white to red, for signed values.
    CoolWarm,
    /// Black to white.
    Greys,
}

impl ColorMap {
    /// Every map, for menus.
    pub const ALL: [ColorMap; 4] = [
        ColorMap::Terrain,
        ColorMap::Viridis,
        ColorMap::CoolWarm,
        ColorMap::Greys,
    ];

    /// The name shown in menus.
    pub fn name(self) -> &'static str {
        match self {
            ColorMap::Terrain => "valley-slope-mountain",
            ColorMap::Viridis => "viridis",
            ColorMap::CoolWarm => "cool-warm",
            ColorMap::Greys => "greys",
        }
    }

    /// The colour at `t` (clamped to [0, 1]), sRGB components in [0, 1].
    pub fn srgb(self, t: f32) -> [f32; 3] {
        let stops: &[[f32; 3]] = match self {
            ColorMap::Terrain => &[
                [0.10, 0.25, 0.75],
                [0.15, 0.55, 0.85],
                [0.20, 0.70, 0.30],
                [0.85, 0.75, 0.20],
                [0.85, 0.20, 0.15],
            ],
            ColorMap::Viridis => &[
                [0.267, 0.005, 0.329],
                [0.229, 0.322, 0.546],
                [0.128, 0.567, 0.551],
                [0.369, 0.789, 0.383],
                [0.993, 0.906, 0.144],
            ],
            ColorMap::CoolWarm => &[
                [0.23, 0.30, 0.75],
                [0.60, 0.70, 0.95],
                [0.87, 0.87, 0.87],
                [0.95, 0.65, 0.55],
                [0.71, 0.02, 0.15],
            ],
            ColorMap::Greys => &[[0.05, 0.05, 0.05], [0.95, 0.95, 0.95]],
        };
        let t = if t.is_finite() {
            t.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let x = t * (stops.len() - 1) as f32;
        let i = (x.floor() as usize).min(stops.len() - 2);
        let f = x - i as f32;
        std::array::from_fn(|k| stops[i][k] * (1.0 - f) + stops[i + 1][k] * f)
    }
}

/// The range heights are shown over: fixed for bounded activations (so a sigmoid surface is
/// always drawn over [0, 1]), the values' own range otherwise.
pub fn height_range(values: &[f32], bounded: Option<(f32, f32)>) -> (f32, f32) {
    if let Some(r) = bounded {
        return r;
    }
    let (mut lo, mut hi) = (f32::INFINITY, f32::NEG_INFINITY);
    for &v in values {
        if v.is_finite() {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    if lo > hi {
        return (0.0, 1.0);
    }
    if hi - lo < 1e-6 {
        return (lo - 0.5, hi + 0.5);
    }
    (lo, hi)
}

/// Mesh data of a height field: vertex `(i, j)` sits at `(x, y, z)` with
/// `z = (height − base) × scale`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HeightMesh {
    /// Vertex positions.
    pub positions: Vec<[f32; 3]>,
    /// Unit normals.
    pub normals: Vec<[f32; 3]>,
    /// Two triangles per grid cell; cells with a non-finite corner are left out.
    pub indices: Vec<u32>,
}

/// Builds the mesh of `heights` (row after row, as [`Area::points`]) over `area`.
pub fn height_mesh(area: &Area, heights: &[f32], base: f32, scale: f32) -> HeightMesh {
    let n = area.n();
    assert_eq!(heights.len(), n * n, "one height per sample point");
    let z = |c: usize| (heights[c] - base) * scale;
    let positions: Vec<[f32; 3]> = (0..n * n)
        .map(|c| {
            let [x, y] = area.point(c % n, c / n);
            [x, y, z(c)]
        })
        .collect();
    let dx = (area.max[0] - area.min[0]) / (n - 1) as f32;
    let dy = (area.max[1] - area.min[1]) / (n - 1) as f32;
    let normals = (0..n * n)
        .map(|c| {
            let (i, j) = (c % n, c / n);
            let at = |ii: usize, jj: usize| {
                let v = positions[jj * n + ii][2];
                if v.is_finite() { v } else { 0.0 }
            };
            let (i0, i1) = (i.saturating_sub(1), (i + 1).min(n - 1));
            let (j0, j1) = (j.saturating_sub(1), (j + 1).min(n - 1));
            let gx = (at(i1, j) - at(i0, j)) / (dx * (i1 - i0) as f32).max(f32::MIN_POSITIVE);
            let gy = (at(i, j1) - at(i, j0)) / (dy * (j1 - j0) as f32).max(f32::MIN_POSITIVE);
            let len = (gx * gx + gy * gy + 1.0).sqrt();
            [-gx / len, -gy / len, 1.0 / len]
        })
        .collect();
    let mut indices = Vec::with_capacity((n - 1) * (n - 1) * 6);
    for j in 0..n - 1 {
        for i in 0..n - 1 {
            let a = (j * n + i) as u32;
            let (b, c, d) = (a + 1, a + n as u32 + 1, a + n as u32);
            if [a, b, c, d]
                .iter()
                .all(|&v| positions[v as usize][2].is_finite())
            {
                indices.extend_from_slice(&[a, b, c, a, c, d]);
            }
        }
    }
    HeightMesh {
        positions,
        normals,
        indices,
    }
}

/// Where the field crosses `level`, as segments (marching squares, linear along edges).
pub fn contour(area: &Area, heights: &[f32], level: f32) -> Vec<[[f32; 2]; 2]> {
    let n = area.n();
    let mut segments = vec![];
    let at = |i: usize, j: usize| heights[j * n + i] - level;
    let cross = |p: [f32; 2], q: [f32; 2], a: f32, b: f32| {
        let t = a / (a - b);
        [p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t]
    };
    for j in 0..n - 1 {
        for i in 0..n - 1 {
            let corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)];
            let v: Vec<f32> = corners.iter().map(|&(a, b)| at(a, b)).collect();
            if v.iter().any(|x| !x.is_finite()) {
                continue;
            }
            let mut hits = vec![];
            for e in 0..4 {
                let (a, b) = (v[e], v[(e + 1) % 4]);
                if (a < 0.0) != (b < 0.0) {
                    let (p, q) = (corners[e], corners[(e + 1) % 4]);
                    hits.push(cross(area.point(p.0, p.1), area.point(q.0, q.1), a, b));
                }
            }
            for pair in hits.chunks_exact(2) {
                segments.push([pair[0], pair[1]]);
            }
        }
    }
    segments
}

/// What the surfaces show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// The network's outputs, one surface per class.
    Outputs(OutputMode),
    /// One neuron: layer and index, 0-based.
    Neuron(usize, usize),
}

/// The activations a morph runs through: identity, sigmoid, step.
pub const MORPH_PATH: [Activation; 3] =
    [Activation::Identity, Activation::Sigmoid, Activation::Step];

/// What the landscape view shows and how.
#[derive(Debug, Clone, PartialEq)]
pub struct SurfaceSettings {
    /// What the surfaces show.
    pub target: Target,
    /// Samples along each side of the surface.
    pub resolution: usize,
    /// How far the plane extends beyond the data: 1, 3, 10, 100 times.
    pub zoom_out: f32,
    /// Colours of a single surface by height.
    pub colormap: ColorMap,
    /// Height of the tallest surface relative to the plane's width.
    pub height: f32,
    /// For a neuron: also draw its pre-activation plane `W·a + b` and its zero line.
    pub pre_activation: bool,
    /// For a neuron: show it through identity → sigmoid → step at this point (0 to 2)
    /// instead of its own activation.
    pub morph: Option<f32>,
}

impl Default for SurfaceSettings {
    fn default() -> Self {
        SurfaceSettings {
            target: Target::Outputs(OutputMode::Softmax),
            resolution: 96,
            zoom_out: 1.0,
            colormap: ColorMap::Terrain,
            height: 0.35,
            pre_activation: true,
            morph: None,
        }
    }
}

/// One drawn surface, for the legend.
#[derive(Clone, Debug, PartialEq)]
pub struct SurfaceInfo {
    /// What it is.
    pub label: String,
    /// Its class, for class-coloured output surfaces.
    pub class: Option<u32>,
    /// The values its lowest and highest colours stand for.
    pub range: (f32, f32),
}

/// The light baked into the surfaces' vertex colours (they are unlit, so they look the same
/// on every renderer).
const LIGHT: [f32; 3] = [-0.35, -0.45, 0.82];

/// A surface ready to become a mesh.
pub struct BuiltSurface {
    /// Positions, normals and triangles.
    pub mesh: crate::landscape::HeightMesh,
    /// Linear RGBA per vertex.
    pub colors: Vec<[f32; 4]>,
    /// Opacity of the whole surface.
    pub alpha: f32,
    /// For the legend.
    pub info: SurfaceInfo,
    /// Zero line of a neuron's pre-activation (first surface only).
    pub zero_line: Vec<[[f32; 2]; 2]>,
}

/// Vertex colours: `color(t)` for each vertex's height fraction, shaded by the baked light.
fn shade(
    mesh: &crate::landscape::HeightMesh,
    fractions: &[f32],
    color: impl Fn(f32) -> [f32; 3],
) -> Vec<[f32; 4]> {
    let len = (LIGHT[0] * LIGHT[0] + LIGHT[1] * LIGHT[1] + LIGHT[2] * LIGHT[2]).sqrt();
    let light = LIGHT.map(|v| v / len);
    mesh.normals
        .iter()
        .zip(fractions)
        .map(|(n, &t)| {
            let dot = n[0] * light[0] + n[1] * light[1] + n[2] * light[2];
            let lit = 0.55 + 0.45 * dot.max(0.0);
            let [r, g, b] = color(t).map(srgb_to_linear);
            [r * lit, g * lit, b * lit, 1.0]
        })
        .collect()
}

fn fractions(values: &[f32], (lo, hi): (f32, f32)) -> Vec<f32> {
    values
        .iter()
        .map(|v| ((v - lo) / (hi - lo)).clamp(0.0, 1.0))
        .collect()
}

/// The height fields of `view`'s target as meshes with vertex colours.
pub fn build_surfaces(
    network: &Network,
    view: &SurfaceSettings,
    area: &Area,
) -> Result<Vec<BuiltSurface>, String> {
    let extent = (area.max[0] - area.min[0]).max(area.max[1] - area.min[1]);
    let tall = extent * view.height.max(0.0);
    match view.target {
        Target::Neuron(layer, neuron) => {
            neuron_surfaces(network, view, area, (layer, neuron), tall)
        }
        Target::Outputs(mode) => output_surfaces(network, view, area, mode, extent, tall),
    }
}

/// One neuron's surface (`tall` high), and under it, if asked, its pre-activation plane.
fn neuron_surfaces(
    network: &Network,
    view: &SurfaceSettings,
    area: &Area,
    (layer, neuron): (usize, usize),
    tall: f32,
) -> Result<Vec<BuiltSurface>, String> {
    let (pre, out) = neuron_heights(network, layer, neuron, area)?;
    let activation = network.layers()[layer].activation;
    let pre_max = pre
        .iter()
        .filter(|v| v.is_finite())
        .fold(0.0f32, |m, v| m.max(v.abs()))
        .max(1e-6);
    let pre_scale = tall / pre_max;
    let (values, range, scale) = match view.morph {
        Some(t) => morph_heights(&pre, t, pre_scale, tall),
        None => {
            let range = height_range(&out, activation.range());
            (out, range, tall / (range.1 - range.0))
        }
    };
    // Heights above the floor: bounded activations from their lower bound, others
    // from zero, so the floor is where the neuron is 0.
    let base = if view.morph.is_some() || activation.range().is_none() {
        0.0
    } else {
        range.0
    };
    let mesh = height_mesh(area, &values, base, scale);
    let colors = shade(&mesh, &fractions(&values, range), |t| view.colormap.srgb(t));
    let name = match view.morph {
        Some(t) => format!(
            "layer {} neuron {} through {}",
            layer + 1,
            neuron + 1,
            morph_name(t)
        ),
        None => format!(
            "layer {} neuron {} ({})",
            layer + 1,
            neuron + 1,
            activation.name()
        ),
    };
    let mut surfaces = vec![BuiltSurface {
        mesh,
        colors,
        alpha: 1.0,
        info: SurfaceInfo {
            label: name,
            class: None,
            range,
        },
        zero_line: contour(area, &pre, 0.0),
    }];
    if view.pre_activation {
        surfaces.push(pre_activation_surface(area, &pre, pre_scale, pre_max));
    }
    Ok(surfaces)
}

/// A neuron's heights morphing at `t` along [`MORPH_PATH`], with the range its colours span
/// and its vertical scale: from the plane's scale `pre_scale` at identity to the unit range's
/// `tall` at sigmoid.
fn morph_heights(pre: &[f32], t: f32, pre_scale: f32, tall: f32) -> (Vec<f32>, (f32, f32), f32) {
    let values: Vec<f32> = pre.iter().map(|&z| morph(z, &MORPH_PATH, t)).collect();
    let unit = tall;
    let f = t.clamp(0.0, 1.0);
    let scale = pre_scale * (1.0 - f) + unit * f;
    let range = if t >= 1.0 {
        (0.0, 1.0)
    } else {
        height_range(&values, None)
    };
    (values, range, scale)
}

/// The translucent plane of a neuron's pre-activation `W·a + b`.
fn pre_activation_surface(area: &Area, pre: &[f32], pre_scale: f32, pre_max: f32) -> BuiltSurface {
    let mesh = height_mesh(area, pre, 0.0, pre_scale);
    let colors = shade(&mesh, &vec![0.5; pre.len()], |_| [0.85, 0.85, 0.9]);
    BuiltSurface {
        mesh,
        colors,
        alpha: 0.35,
        info: SurfaceInfo {
            label: "pre-activation W·a + b".into(),
            class: None,
            range: (-pre_max, pre_max),
        },
        zero_line: vec![],
    }
}

/// The network's output surfaces in `mode`, one per class (`tall` high over a plane
/// `extent` wide), over one shared range.
fn output_surfaces(
    network: &Network,
    view: &SurfaceSettings,
    area: &Area,
    mode: OutputMode,
    extent: f32,
    tall: f32,
) -> Result<Vec<BuiltSurface>, String> {
    let fields = output_heights(network, mode, area)?;
    let head = network.head();
    let bounded = match mode {
        OutputMode::Logits => None,
        OutputMode::Softmax => head.range(),
        OutputMode::Argmax => Some((0.0, 1.0)),
    };
    let all: Vec<f32> = fields.iter().flatten().copied().collect();
    let range = height_range(&all, bounded);
    let scale = tall / (range.1 - range.0);
    let single = fields.len() == 1;
    Ok(fields
        .iter()
        .enumerate()
        .map(|(k, values)| {
            let mut mesh = height_mesh(area, values, range.0, scale);
            // Where several classes lie flat on the floor, keep them from flickering
            // through one another.
            let lift = extent * 2e-4 * k as f32;
            for p in &mut mesh.positions {
                p[2] += lift;
            }
            let t = fractions(values, range);
            if !single {
                // Where a class's output lies on the floor it decides nothing there: that
                // part of its surface is not drawn, so the floor under the points stays
                // neutral instead of taking the colour of a class they are not.
                keep_triangles(&mut mesh, |v| t[v] > ON_THE_FLOOR);
            }
            let colors = if single {
                shade(&mesh, &t, |t| view.colormap.srgb(t))
            } else {
                let [r, g, b] = crate::palette::class_rgb(k as u32).map(|c| c as f32 / 255.0);
                shade(&mesh, &t, |t| {
                    let f = 0.45 + 0.55 * t;
                    [r * f, g * f, b * f]
                })
            };
            BuiltSurface {
                mesh,
                colors,
                alpha: 1.0,
                info: SurfaceInfo {
                    // The head's own name where its values show (a one-output net's
                    // sigmoid is no softmax).
                    label: match (single, mode) {
                        (true, OutputMode::Softmax) => format!("output ({})", head.name()),
                        (true, _) => format!("output ({})", mode.name()),
                        (false, OutputMode::Softmax) => format!("class {k} ({})", head.name()),
                        (false, _) => format!("class {k} ({})", mode.name()),
                    },
                    class: (!single).then_some(k as u32),
                    range,
                },
                zero_line: vec![],
            }
        })
        .collect())
}

/// A class surface's share of its range under which it counts as lying on the floor.
const ON_THE_FLOOR: f32 = 0.015;

/// Keeps the triangles of `mesh` with at least one vertex that `raised` accepts.
fn keep_triangles(mesh: &mut HeightMesh, raised: impl Fn(usize) -> bool) {
    let kept: Vec<u32> = mesh
        .indices
        .chunks_exact(3)
        .filter(|tri| tri.iter().any(|&v| raised(v as usize)))
        .flatten()
        .copied()
        .collect();
    // A class that wins nowhere keeps one degenerate triangle: the renderer allocates no
    // room for an empty mesh.
    mesh.indices = if kept.is_empty() { vec![0, 0, 0] } else { kept };
}

/// Where along identity → sigmoid → step a morph stands.
pub fn morph_name(t: f32) -> String {
    match t {
        t if t <= 0.0 => "identity".into(),
        1.0 => "sigmoid".into(),
        t if t >= 2.0 => "step".into(),
        t if t < 1.0 => format!("identity → sigmoid ({:.0}%)", t * 100.0),
        t => format!("sigmoid → step ({:.0}%)", (t - 1.0) * 100.0),
    }
}

fn srgb_to_linear(c: f32) -> f32 {
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

/// `spacefold bench landscape`: times rebuilding the output surfaces of a 2-100-5 network
/// (height fields alone, then with meshes and colours) at a resolution, and prints the
/// figures.
pub fn bench(resolution: usize, repeat: usize) {
    let network = Network::new(&[2, 100, 5], &[Activation::Relu], Activation::Softmax, 0)
        .expect("a 2-100-5 network");
    let area = Area {
        min: [-1.0, -1.0],
        max: [1.0, 1.0],
        resolution,
    };
    let view = SurfaceSettings {
        resolution,
        ..SurfaceSettings::default()
    };
    let mut fields_ms = vec![];
    let mut total_ms = vec![];
    for _ in 0..repeat.max(1) {
        let t = std::time::Instant::now();
        let fields = output_heights(&network, OutputMode::Softmax, &area).expect("two inputs");
        fields_ms.push(t.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(fields);
        let t = std::time::Instant::now();
        let built = build_surfaces(&network, &view, &area).expect("two inputs");
        total_ms.push(t.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(built);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "{{\"network\":\"2-100-5\",\"resolution\":{resolution},\"surfaces\":5,\"repeat\":{},\"height_fields_ms\":{:.2},\"rebuild_ms\":{:.2}}}",
        repeat.max(1),
        median(&mut fields_ms),
        median(&mut total_ms)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(resolution: usize) -> Area {
        Area {
            min: [-5.0, -4.0],
            max: [5.0, 6.0],
            resolution,
        }
    }

    /// Softmax and argmax surfaces of several classes leave the floor: a class's surface
    /// is drawn only where it rises, so the floor under the points stays neutral.
    #[test]
    fn class_surfaces_are_not_drawn_where_they_lie_on_the_floor() {
        let net = Network::new(&[2, 8, 3], &[Activation::Relu], Activation::Softmax, 1).unwrap();
        let area = Area {
            min: [-2.0, -2.0],
            max: [2.0, 2.0],
            resolution: 24,
        };
        for mode in [OutputMode::Softmax, OutputMode::Argmax] {
            let surfaces =
                output_surfaces(&net, &SurfaceSettings::default(), &area, mode, 4.0, 1.0).unwrap();
            let tall = surfaces
                .iter()
                .flat_map(|s| s.mesh.positions.iter().map(|p| p[2]))
                .fold(0.0f32, f32::max);
            for s in &surfaces {
                for tri in s.mesh.indices.chunks_exact(3).filter(|t| t[0] != t[1]) {
                    let highest = tri
                        .iter()
                        .map(|&v| s.mesh.positions[v as usize][2])
                        .fold(f32::MIN, f32::max);
                    assert!(
                        highest > tall * 0.01,
                        "{mode:?}: a triangle on the floor is drawn"
                    );
                }
            }
        }
    }

    #[test]
    fn neuron_surfaces_are_the_engines_outputs_at_the_sample_points() {
        let net = Network::new(
            &[2, 5, 3, 2],
            &[crate::nn::Activation::Tanh],
            Activation::Softmax,
            3,
        )
        .unwrap();
        let a = area(17);
        let points = a.points();
        let stages = net.forward_stages(&points).unwrap();
        for (layer, neuron) in [(0, 4), (1, 2), (2, 0)] {
            let (pre, out) = neuron_heights(&net, layer, neuron, &a).unwrap();
            for c in 0..a.len() {
                assert_eq!(pre[c], stages[layer].biased[(neuron, c)]);
                assert_eq!(out[c], stages[layer].activated[(neuron, c)]);
            }
            // The mesh puts each vertex over its sample point at that height.
            let mesh = height_mesh(&a, &out, 0.0, 1.0);
            for c in 0..a.len() {
                assert_eq!(mesh.positions[c], [points[(0, c)], points[(1, c)], out[c]]);
            }
            assert_eq!(mesh.indices.len(), 16 * 16 * 6);
        }
        let outputs = output_heights(&net, OutputMode::Softmax, &a).unwrap();
        let logits = output_heights(&net, OutputMode::Logits, &a).unwrap();
        let forward = net.forward(&points).unwrap();
        for c in 0..a.len() {
            assert_eq!(outputs[1][c], forward[(1, c)]);
            assert_eq!(logits[0][c], stages[2].biased[(0, c)]);
        }
        assert!(
            neuron_heights(&net, 1, 3, &a)
                .unwrap_err()
                .contains("3 neurons")
        );
    }

    #[test]
    fn a_step_surface_takes_exactly_two_values() {
        let net = hand_network(
            &[parse_neuron("x - y - 3").unwrap()],
            Activation::Step,
            None,
        )
        .unwrap();
        let (_, out) = neuron_heights(&net, 0, 0, &area(64)).unwrap();
        let mut values: Vec<f32> = out.clone();
        values.sort_by(f32::total_cmp);
        values.dedup();
        assert_eq!(values, vec![0.0, 1.0]);
        // And the four-neuron cliff too.
        let four = four_neuron_network(Activation::Step);
        let (_, out) = neuron_heights(&four, 1, 0, &area(64)).unwrap();
        let mut values = out;
        values.sort_by(f32::total_cmp);
        values.dedup();
        assert_eq!(values, vec![0.0, 1.0]);
    }

    #[test]
    fn argmax_terraces_show_the_winning_class() {
        let net = Network::new(&[2, 8, 3], &[Activation::Relu], Activation::Softmax, 1).unwrap();
        let a = area(20);
        let soft = output_heights(&net, OutputMode::Softmax, &a).unwrap();
        let hard = output_heights(&net, OutputMode::Argmax, &a).unwrap();
        for c in 0..a.len() {
            let winner = (0..3)
                .max_by(|&i, &j| soft[i][c].total_cmp(&soft[j][c]))
                .unwrap();
            for (k, field) in hard.iter().enumerate() {
                assert_eq!(field[c], if k == winner { 1.0 } else { 0.0 });
            }
            let sum: f32 = (0..3).map(|k| soft[k][c]).sum();
            assert!((sum - 1.0).abs() < 1e-5);
        }
    }

    #[test]
    fn contours_cross_where_the_field_does() {
        let net = hand_network(
            &[parse_neuron("x - y - 3").unwrap()],
            Activation::Identity,
            None,
        )
        .unwrap();
        let a = area(33);
        let (pre, _) = neuron_heights(&net, 0, 0, &a).unwrap();
        let segments = contour(&a, &pre, 0.0);
        assert!(segments.len() > 10);
        for p in segments.iter().flatten() {
            assert!(
                (p[0] - p[1] - 3.0).abs() < 1e-4,
                "{p:?} is not on x - y - 3 = 0"
            );
        }
    }

    #[test]
    fn morphing_goes_from_one_activation_to_the_next() {
        let path = [Activation::Identity, Activation::Sigmoid, Activation::Step];
        assert_eq!(morph(2.0, &path, 0.0), 2.0);
        assert_eq!(morph(2.0, &path, 1.0), Activation::Sigmoid.apply(2.0));
        assert_eq!(morph(2.0, &path, 2.0), 1.0);
        let half = morph(2.0, &path, 0.5);
        assert!((half - (2.0 + Activation::Sigmoid.apply(2.0)) / 2.0).abs() < 1e-6);
    }

    #[test]
    fn zooming_out_keeps_the_centre() {
        let z = area(4).zoomed_out(10.0);
        assert_eq!(z.min, [-50.0, -49.0]);
        assert_eq!(z.max, [50.0, 51.0]);
        for m in ColorMap::ALL {
            assert_ne!(m.srgb(0.0), m.srgb(1.0));
        }
    }
}
