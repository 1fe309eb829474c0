//! The layers view: the data points and a grid over the input plane carried through the
//! network stage by stage (`W·a`, `+ b`, `σ`). The geometry is [`crate::engine::flow`]'s: this plugin
//! keeps a [`Flow`] built for the live network, plays a position through it, and writes the
//! sampled coordinates into the points' transforms and the grid's lines.

use super::Showing;
use super::camera::{PanelInsets, View2d};
use super::explorer::{Explorer, Published};
use super::points::PointPlaces;
use super::{CameraRig, Framed, PlaneTarget, UserMovedCamera, View, ViewSet};
use crate::engine::flow::{
    Bend, Bounds, Ease, Flow, FlowInput, Grid, InputView, STAGES_PER_LAYER, boundary_lines,
    boundary_polygons, default_selection, stage_at,
};
use crate::engine::nn::{Mat, Network, Stage};
use crate::engine::setup::Start;
use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;
use bevy::window::PrimaryWindow;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<LayerView>()
        .init_resource::<FlowState>()
        .add_systems(Startup, (spawn_boundary_planes, spawn_grid_lines))
        .add_systems(
            Update,
            (
                (rebuild_flow, advance_animation, sample_flow)
                    .chain()
                    .in_set(ViewSet::Animate),
                (publish_camera, stop_following_when_moved, frame_flat_flow)
                    .chain()
                    .in_set(ViewSet::Frame),
                (
                    move_points_through_flow,
                    draw_flow_grid,
                    draw_flow_axes,
                    draw_decision_lines,
                    (show_decision_planes, draw_decision_plane_outlines).chain(),
                    draw_basis_arrows,
                )
                    .in_set(ViewSet::Draw),
            )
                .run_if(in_state(Showing(View::Layers))),
        )
        .add_systems(OnEnter(Showing(View::Regions)), put_points_back)
        .add_systems(
            OnExit(Showing(View::Layers)),
            (release_plane, hide_decision_planes, clear_grid),
        );
}

/// The decision planes belong to the layers view: gone with it (a talk's next scene in
/// another view must not show the last one's).
fn hide_decision_planes(mut planes: Query<(&mut DecisionPlanes, &mut Visibility)>) {
    for (mut planes, mut visibility) in &mut planes {
        *visibility = Visibility::Hidden;
        planes.strength = 0.0;
    }
}

/// What the user set for the layers view.
#[derive(Resource, Debug, Clone)]
pub struct LayerView {
    /// Position in stages: 0 is the input, `3 × layers` the output.
    pub position: f32,
    /// Whether the position advances by itself.
    pub playing: bool,
    /// Stages a second while playing.
    pub speed: f32,
    /// Easing of each stage.
    pub ease: Ease,
    /// How σ bends: one neuron at a time or all together.
    pub bend: Bend,
    /// Start again from the input at the end.
    pub looping: bool,
    /// While playing, stop once at this position (a preset's moment), then forget it.
    pub hold: Option<f32>,
    /// How `W·a` plays: in one go, or as its singular value decomposition (rotate, stretch,
    /// rotate) where the layer is shown whole.
    pub split: crate::engine::flow::Split,
    /// The farthest position this showing goes (a scene's, a preset's moment), if it stops
    /// short of the output: the view is drawn in 3D only if a layer up to there needs it.
    pub reach: Option<f32>,
    /// Grid lines each way (0: no grid).
    pub grid_lines: usize,
    /// Samples along each grid line.
    pub grid_samples: usize,
    /// Neurons shown of layers wider than three (2 or 3).
    pub dims: usize,
    /// Shown neurons of each layer; recomputed (most varied first) when the architecture
    /// changes, or set by hand in the panel.
    pub selection: Vec<Vec<usize>>,
    /// Keep the points framed wherever they go.
    pub auto_frame: bool,
    /// Draw the output layer's decision lines or planes at the last hidden layer.
    pub boundary: bool,
    /// While following the points in 2D: how much farther (2 = twice the area) and where
    /// the view centres from the points' centre (a scene's camera).
    pub zoom: f32,
    /// See `zoom`.
    pub pan: Vec2,
    /// `W` and `b` on screen with their numbers, and the basis vectors as arrows moving with
    /// `W·a` (layers at most three wide each way).
    pub matrix: bool,
}

impl Default for LayerView {
    fn default() -> Self {
        LayerView {
            position: 0.0,
            playing: false,
            speed: 0.8,
            ease: Ease::CubicInOut,
            bend: Bend::Auto,
            looping: false,
            hold: None,
            split: crate::engine::flow::Split::Whole,
            reach: None,
            grid_lines: 24,
            grid_samples: 128,
            dims: 2,
            selection: vec![],
            auto_frame: true,
            boundary: true,
            zoom: 1.0,
            pan: Vec2::ZERO,
            matrix: false,
        }
    }
}

impl LayerView {
    /// The layers view as the window opens on it.
    pub fn from_start(start: &Start) -> LayerView {
        LayerView {
            position: start.position,
            playing: start.play,
            looping: start.looping,
            hold: start.hold,
            reach: start.hold,
            dims: start.dims,
            grid_lines: start.grid_lines,
            grid_samples: start.grid_samples,
            ..LayerView::default()
        }
    }

    /// Goes to the next stage boundary after the current position.
    pub fn next_stage(&mut self, end: f32) {
        self.playing = false;
        self.position = (self.position.floor() + 1.0).min(end);
    }

    /// Goes to the stage boundary before the current position.
    pub fn previous_stage(&mut self) {
        self.playing = false;
        self.position = (self.position.ceil() - 1.0).max(0.0);
    }

    /// Plays from the start when at the end; toggles otherwise.
    pub fn toggle_play(&mut self, end: f32) {
        if !self.playing && self.position >= end {
            self.position = 0.0;
        }
        self.playing = !self.playing;
    }
}

/// The flow of the live network and what was sampled from it this frame.
#[derive(Resource, Default)]
pub struct FlowState {
    /// The flow, once built.
    pub flow: Option<Flow>,
    /// Why it could not be built.
    pub error: Option<String>,
    /// Every column's coordinates at the current position: points, then grid samples.
    pub samples: Vec<[f32; 3]>,
    /// Bumped whenever `samples` change.
    pub generation: u64,
    built: Option<BuildKey>,
    built_at: f64,
    sampled: Option<(u64, f32, Ease, Bend, crate::engine::flow::Split)>,
    flow_generation: u64,
    frame: Option<Bounds>,
    /// The farthest position shown so far of a showing that stops short (see
    /// [`LayerView::reach`]).
    reach: Option<f32>,
}

impl FlowState {
    /// Whether the flow needs a third dimension anywhere this showing goes.
    pub fn is_3d(&self) -> bool {
        self.flow.as_ref().is_some_and(|f| match self.reach {
            Some(reach) => f.is_3d_until(reach),
            None => f.is_3d(),
        })
    }

    /// The box that frames the points at the current position.
    pub fn frame(&self) -> Bounds {
        self.frame.unwrap_or(Bounds {
            min: [-1.0; 3],
            max: [1.0; 3],
        })
    }

    /// The frame's diagonal.
    pub fn frame_size(&self) -> f32 {
        Vec3::from(self.frame().size()).length()
    }
}

/// What a flow was built from: when any of it changes, it is built again.
#[derive(Clone, Debug, PartialEq)]
struct BuildKey {
    network: u64,
    data: u64,
    grid: (usize, usize),
    selection: Vec<Vec<usize>>,
}

/// Rebuilds at most this often while the network trains.
const REBUILD_EVERY: f64 = 0.2;

fn rebuild_flow(
    time: Res<Time>,
    exact: Option<Res<super::ExactFrames>>,
    explorer: Res<Explorer>,
    published: Res<Published>,
    mut view: ResMut<LayerView>,
    mut state: ResMut<FlowState>,
) {
    let Some(latest) = &published.0 else {
        return;
    };
    let network = &latest.network;
    if network.input_dim() != explorer.train.dim() {
        // The worker has not taken the new data yet.
        return;
    }
    let points = all_points(&explorer);
    let shape_ok = view.selection.len() == network.layers().len()
        && view.selection.iter().zip(network.layers()).all(|(s, l)| {
            !s.is_empty()
                && s.iter().all(|&r| r < l.outputs())
                && (l.outputs() <= 3 || s.len() == view.dims)
                && (l.outputs() > 3 || s.len() == l.outputs())
        });
    if !shape_ok {
        view.selection = default_selection(network, &points, view.dims);
    }
    let key = BuildKey {
        network: latest.version,
        data: explorer.data_version,
        grid: (view.grid_lines, view.grid_samples),
        selection: view.selection.clone(),
    };
    let now = time.elapsed_secs_f64();
    if let Some(built) = &state.built {
        let only_weights = BuildKey {
            network: built.network,
            ..key.clone()
        } == *built;
        let throttled = exact.is_none() && only_weights && now - state.built_at < REBUILD_EVERY;
        if *built == key || throttled {
            return;
        }
    }
    let grid = (view.grid_lines > 0).then(|| grid_over(&explorer, &view));
    let input = FlowInput {
        network,
        points: &points,
        grid,
        input_view: InputView::for_dim(network.input_dim(), &explorer.plane),
        selection: view.selection.clone(),
    };
    match Flow::new(input) {
        Ok(flow) => {
            let end = flow.end();
            state.flow = Some(flow);
            state.error = None;
            view.position = view.position.clamp(0.0, end);
        }
        Err(e) => state.error = Some(e),
    }
    state.built = Some(key);
    state.built_at = now;
    state.flow_generation += 1;
}

/// Training points then test points, as the point entities index them.
fn all_points(explorer: &Explorer) -> Mat {
    let (train, test) = (&explorer.train.x, &explorer.test.x);
    let mut x = Mat::zeros(train.nrows(), train.ncols() + test.ncols());
    x.columns_mut(0, train.ncols()).copy_from(train);
    x.columns_mut(train.ncols(), test.ncols()).copy_from(test);
    x
}

/// The grid covers the data's box and as much again around it.
fn grid_over(explorer: &Explorer, view: &LayerView) -> Grid {
    let (lo, hi) = explorer.bounds;
    Grid::over(
        lo.to_array(),
        hi.to_array(),
        view.grid_lines.max(2),
        view.grid_samples,
    )
}

fn advance_animation(time: Res<Time>, state: Res<FlowState>, mut view: ResMut<LayerView>) {
    let Some(flow) = &state.flow else { return };
    if !view.playing {
        return;
    }
    let end = flow.end();
    let before = view.position;
    view.position += time.delta_secs() * view.speed;
    if let Some(hold) = view.hold
        && before < hold
        && view.position >= hold
    {
        view.position = hold.min(end);
        view.playing = false;
        view.hold = None;
        return;
    }
    if view.position >= end {
        if view.looping {
            view.position = 0.0;
        } else {
            view.position = end;
            view.playing = false;
        }
    }
}

fn sample_flow(view: Res<LayerView>, mut state: ResMut<FlowState>, mut framed: ResMut<Framed>) {
    let state = &mut *state;
    // Played on past a showing's end (Space after a preset's moment): that far now.
    let reach = view.reach.map(|r| r.max(view.position));
    if state.reach != reach {
        state.reach = reach;
    }
    let Some(flow) = &state.flow else { return };
    let key = (
        state.flow_generation,
        view.position,
        view.ease,
        view.bend,
        view.split,
    );
    if state.sampled != Some(key) {
        let split = view.split;
        flow.sample(
            view.position,
            view.ease,
            view.bend,
            split,
            &mut state.samples,
        );
        state.frame = Some(flow.bounds(view.position, view.ease, split));
        state.sampled = Some(key);
        state.generation += 1;
    }
    // The cameras frame this frame's points, not the last frame's.
    if let Some(frame) = state.frame
        && framed.0 != frame
    {
        framed.0 = frame;
    }
}

/// Puts the orbit camera in charge while the flow needs a third dimension, the plane camera
/// otherwise.
fn publish_camera(state: Res<FlowState>, mut rig: ResMut<CameraRig>) {
    let wanted = if state.is_3d() {
        CameraRig::Orbit
    } else {
        CameraRig::Plane
    };
    rig.set_if_neq(wanted);
}

/// A zoom or pan by the user ends following the points, until the view is reset.
fn stop_following_when_moved(
    mut moved: MessageReader<UserMovedCamera>,
    mut view: ResMut<LayerView>,
) {
    if moved.read().count() > 0 {
        view.auto_frame = false;
    }
}

/// In 2D, keeps the points' box framed (unless the user zoomed or panned).
fn frame_flat_flow(
    state: Res<FlowState>,
    insets: Res<PanelInsets>,
    window: Single<&Window, With<PrimaryWindow>>,
    view: Res<LayerView>,
    mut target: ResMut<PlaneTarget>,
) {
    if state.is_3d() || state.flow.is_none() {
        return;
    }
    if !view.auto_frame {
        target.set_if_neq(PlaneTarget(None));
        return;
    }
    let frame = state.frame();
    let (lo, hi) = (
        Vec2::new(frame.min[0], frame.min[1]),
        Vec2::new(frame.max[0], frame.max[1]),
    );
    // A flat box (a 1-wide layer) still gets some height.
    let size = (hi - lo).max(Vec2::splat(((hi - lo).max_element() * 0.2).max(1e-3)));
    // Leave room for the stage heading above the points and a scene's caption below them.
    let height = (window.height() - insets.bottom).max(50.0);
    let (top, bottom) = (
        height * super::frame::heading_band(view.matrix),
        height * super::frame::CAPTION_BAND,
    );
    let free = Vec2::new(
        (window.width() - insets.left - insets.right).max(50.0),
        (height - top - bottom).max(50.0),
    );
    let units_per_px = (size / free).max_element() * 1.12 * view.zoom.max(1e-3);
    let center = (lo + hi) / 2.0 + view.pan + Vec2::new(0.0, (top - bottom) / 2.0 * units_per_px);
    target.set_if_neq(PlaneTarget(Some((center, units_per_px))));
}

/// The plane camera is the user's again once the layers view closes.
fn release_plane(mut target: ResMut<PlaneTarget>) {
    target.set_if_neq(PlaneTarget(None));
}

/// A point's radius in the flat layers view, logical pixels: 2 % of a 720-line
/// frame across, so that the points read from the back of a room; smaller as they get
/// dense (past 600 points), never under half that.
pub fn flat_point_px(points: usize) -> f32 {
    const FULL: f32 = 7.2;
    let dense = (600.0 / points.max(1) as f32).sqrt();
    FULL * dense.clamp(0.5, 1.0)
}

fn move_points_through_flow(
    explorer: Res<Explorer>,
    state: Res<FlowState>,
    plane: Res<View2d>,
    cameras: Query<&Transform, With<super::camera::PlaneCamera>>,
    mut places: ResMut<PointPlaces>,
    mut written: Local<(u64, f32, Quat, u64)>,
) {
    if state.flow.is_none() || state.samples.is_empty() {
        return;
    }
    let three_d = state.is_3d();
    let (rotation, radius) = if three_d {
        let camera = cameras.iter().next().copied().unwrap_or_default();
        (camera.rotation, state.frame_size().max(1e-4) * 0.012)
    } else {
        (
            Quat::IDENTITY,
            plane.units_per_px * flat_point_px(explorer.train.len() + explorer.test.len()),
        )
    };
    // New points (other data: another scene, a preset) are placed even when the samples and
    // the camera are as they were: they were put in the input plane.
    let key = (state.generation, radius, rotation, explorer.data_version);
    if *written == key {
        return;
    }
    *written = key;
    let samples = &state.samples;
    let count = explorer.train.len() + explorer.test.len();
    let back = rotation * Vec3::Z;
    let nudge = state.frame_size().max(1e-4) * 1e-3;
    let rank_of = |column: usize| column as f32 / count.max(1) as f32;
    let place = |column: usize, p: &[f32; 3]| {
        let mut at = Vec3::from(*p);
        if !at.is_finite() {
            at = Vec3::ZERO;
        }
        let rank = rank_of(column);
        if three_d {
            // Points a fold put on the same spot: a hair apart towards the camera.
            at += back * (rank * nudge);
        } else {
            at.z = super::points::flat_z(rank);
        }
        at
    };
    let places = places.as_mut();
    places.radius = radius;
    places.at.resize(count, Vec3::ZERO);
    // Both cores: at a million points this loop is a good part of the frame.
    super::points::in_parts(&mut places.at, 32_768, |first, part| {
        for (i, at) in part.iter_mut().enumerate() {
            if let Some(p) = samples.get(first + i) {
                *at = place(first + i, p);
            }
        }
    });
}

/// Returns the points to the input plane when the regions view opens (the layers and the
/// landscape views move them).
fn put_points_back(explorer: Res<Explorer>, mut places: ResMut<PointPlaces>) {
    super::points::place_in_plane(&explorer, &mut places);
}

/// Grid colours: lines of constant x blue-grey, of constant y sand-grey, brighter towards
/// the top and the right so that orientation survives a fold.
/// A grid line's colour: verticals bluish, horizontals sand, each shading along the grid
/// so that a turn or a reflection shows; major lines clear, minor ones faint.
fn grid_color(vertical: bool, along: f32, major: bool) -> Color {
    let t = along.clamp(0.0, 1.0);
    let alpha = if major { 0.5 } else { 0.2 };
    if vertical {
        Color::srgba(0.36 + 0.2 * t, 0.48 + 0.2 * t, 0.66 + 0.2 * t, alpha)
    } else {
        Color::srgba(0.62 + 0.2 * t, 0.56 + 0.18 * t, 0.42 + 0.14 * t, alpha)
    }
}

/// The grid's lines: one retained gizmo, written again only when the flow's samples change,
/// its colours only when the grid does. (Drawn as immediate gizmos, the tens of thousands of
/// vertices of a fine grid were pushed with their colours and copied on every frame, playing
/// or not.)
#[derive(Resource)]
struct GridLines {
    lines: Handle<GizmoAsset>,
    /// The samples (`FlowState::generation`) and the grid (`flow_generation`) drawn.
    drawn: Option<(u64, u64)>,
}

fn spawn_grid_lines(mut commands: Commands, mut assets: ResMut<Assets<GizmoAsset>>) {
    let lines = assets.add(GizmoAsset::new());
    commands.spawn((
        Name::new("Flow grid"),
        Gizmo {
            handle: lines.clone(),
            // A hair farther than it is: the axes and the decision lines, drawn after it
            // (as immediate gizmos), stay whole where they pass just behind its lines.
            depth_bias: 0.01,
            ..default()
        },
    ));
    commands.insert_resource(GridLines { lines, drawn: None });
}

/// The grid goes with the layers view.
fn clear_grid(mut grid: ResMut<GridLines>, mut assets: ResMut<Assets<GizmoAsset>>) {
    grid.drawn = None;
    if let Some(mut lines) = assets.get_mut(&grid.lines) {
        lines.clear();
    }
}

fn draw_flow_grid(
    state: Res<FlowState>,
    mut grid_lines: ResMut<GridLines>,
    mut assets: ResMut<Assets<GizmoAsset>>,
) {
    let key = (state.generation, state.flow_generation);
    if grid_lines.drawn == Some(key) {
        return;
    }
    let Some(mut lines) = assets.get_mut(&grid_lines.lines) else {
        return;
    };
    let new_grid = grid_lines.drawn.is_none_or(|(_, grid)| grid != key.1);
    grid_lines.drawn = Some(key);
    let start = state.flow.as_ref().map_or(0, Flow::points);
    let grid = state.flow.as_ref().and_then(Flow::grid);
    let Some(grid) = grid.filter(|g| state.samples.len() >= start + g.points()) else {
        lines.clear();
        return;
    };
    // Each polyline's samples, then a break (NaN), as `linestrip` lays them out.
    let stride = grid.samples + 1;
    let vertices = grid.polylines() * stride;
    if new_grid || lines.strip_colors.len() != vertices {
        lines.clear();
        for line in 0..grid.polylines() {
            let vertical = line < grid.lines;
            let i = line % grid.lines;
            let along = i as f32 / (grid.lines - 1).max(1) as f32;
            let color = LinearRgba::from(grid_color(vertical, along, grid.is_major(vertical, i)));
            lines
                .strip_colors
                .extend(std::iter::repeat_n(color, grid.samples));
            lines.strip_colors.push(LinearRgba::NAN);
        }
        lines.strip_positions.resize(vertices, Vec3::NAN);
    }
    let samples = &state.samples[start..start + grid.points()];
    for (to, from) in lines
        .strip_positions
        .chunks_exact_mut(stride)
        .zip(samples.chunks_exact(grid.samples))
    {
        // A line with a point off to infinity is not drawn (all of it a break).
        let finite = from.iter().all(|p| p.iter().all(|v| v.is_finite()));
        for (t, f) in to.iter_mut().zip(from) {
            *t = if finite { Vec3::from(*f) } else { Vec3::NAN };
        }
    }
}

/// The layer whose activation output is on screen at `u`, if σ is playing or just played.
fn activated_layer(flow: &Flow, u: f32) -> Option<usize> {
    let at = stage_at(u, flow.layers());
    match at.stage {
        Stage::Activation => Some(at.layer),
        Stage::Linear if at.t == 0.0 && at.layer > 0 => Some(at.layer - 1),
        _ => None,
    }
}

fn draw_flow_axes(state: Res<FlowState>, view: Res<LayerView>, mut gizmos: Gizmos) {
    let Some(flow) = &state.flow else { return };
    let frame = state.frame();
    let three_d = flow.is_3d();
    let (lo, hi) = axes_span(&frame);
    let axis = Color::srgba(0.85, 0.85, 0.9, 0.45);
    gizmos.line(Vec3::new(lo.x, 0.0, 0.0), Vec3::new(hi.x, 0.0, 0.0), axis);
    gizmos.line(Vec3::new(0.0, lo.y, 0.0), Vec3::new(0.0, hi.y, 0.0), axis);
    if three_d {
        gizmos.line(Vec3::new(0.0, 0.0, lo.z), Vec3::new(0.0, 0.0, hi.z), axis);
    }
    // The activation's range: the unit square or cube for sigmoid, (-1, 1) for tanh.
    if let Some(l) = activated_layer(flow, view.position)
        && let Some((a, b)) = flow.activation(l).range()
    {
        let dims = flow.selection()[l].len();
        let color = Color::srgba(0.95, 0.9, 0.55, 0.5);
        let (a3, b3) = (
            Vec3::new(a, a, if dims >= 3 { a } else { 0.0 }),
            Vec3::new(b, b, if dims >= 3 { b } else { 0.0 }),
        );
        if dims >= 3 {
            let center = (a3 + b3) / 2.0;
            gizmos.cube(
                Transform::from_translation(center).with_scale(b3 - a3),
                color,
            );
        } else if dims == 2 {
            gizmos.rect(
                Isometry3d::from_translation((a3 + b3) / 2.0),
                Vec2::splat(b - a),
                color,
            );
        }
    }
}

/// How strongly the decision boundary shows at `u`: fully at the last hidden layer's
/// output, fading within half a stage of it.
fn boundary_strength(flow: &Flow, u: f32) -> f32 {
    let layers = flow.layers();
    if layers < 2 {
        return 0.0;
    }
    let at = (STAGES_PER_LAYER * (layers - 1)) as f32;
    (1.0 - (u - at).abs() / 0.5).clamp(0.0, 1.0)
}

/// Whether the last hidden layer is shown whole (so the output's boundary is exact there).
fn boundary_shown_whole(flow: &Flow) -> bool {
    let layers = flow.layers();
    layers >= 2 && !flow.is_projection(layers - 2)
}

/// Polylines in a plane.
type Polylines = Vec<Vec<[f32; 2]>>;

fn draw_decision_lines(
    state: Res<FlowState>,
    view: Res<LayerView>,
    published: Res<Published>,
    mut gizmos: Gizmos,
    mut cache: Local<Option<(u64, Polylines)>>,
) {
    let (Some(flow), Some(latest)) = (&state.flow, &published.0) else {
        return;
    };
    let strength = boundary_strength(flow, view.position);
    if !view.boundary || strength == 0.0 || !boundary_shown_whole(flow) {
        return;
    }
    let network: &Network = &latest.network;
    let output = &network.layers()[network.layers().len() - 1];
    if output.inputs() != 2 {
        return;
    }
    if cache.as_ref().map(|c| c.0) != Some(state.flow_generation) {
        let key = flow.key(STAGES_PER_LAYER * (flow.layers() - 1));
        let b = Bounds::of(&key[..flow.points()]);
        let pad = Vec3::from(b.size()).max_element().max(1e-3) * 0.3;
        let lines = boundary_lines(
            output,
            [b.min[0] - pad, b.min[1] - pad],
            [b.max[0] + pad, b.max[1] + pad],
            400,
        );
        *cache = Some((state.flow_generation, lines));
    }
    let color = Color::srgba(1.0, 1.0, 1.0, 0.9 * strength);
    for line in &cache.as_ref().unwrap().1 {
        gizmos.linestrip(line.iter().map(|p| Vec3::new(p[0], p[1], 0.005)), color);
    }
}

/// The output layer's decision planes in 3D, as a film shows them: each a faint fill (the
/// points behind it stay visible, those in front are drawn over it) with a crisp outline,
/// cut exactly to the box the points fill.
#[derive(Component)]
struct DecisionPlanes {
    material: Handle<StandardMaterial>,
    /// The flow and the network version the polygons were cut for.
    built_for: (u64, u64),
    /// The planes' polygons, for their outlines.
    polygons: Vec<Vec<[f32; 3]>>,
    /// How strongly they show now (0 to 1).
    strength: f32,
}

/// The fill's opacity at full strength: faint, so the points behind it still read.
const PLANE_FILL: f32 = 0.14;

fn spawn_boundary_planes(
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let material = materials.add(StandardMaterial {
        base_color: Color::srgba(1.0, 1.0, 1.0, 0.3),
        alpha_mode: AlphaMode::Blend,
        unlit: true,
        double_sided: true,
        cull_mode: None,
        ..default()
    });
    commands.spawn((
        Name::new("Decision planes"),
        DecisionPlanes {
            material: material.clone(),
            built_for: (0, 0),
            polygons: vec![],
            strength: 0.0,
        },
        Mesh3d(meshes.add(polygon_mesh(&[]))),
        MeshMaterial3d(material),
        Transform::default(),
        Visibility::Hidden,
    ));
}

/// Convex polygons as one mesh of triangle fans.
fn polygon_mesh(polygons: &[Vec<[f32; 3]>]) -> Mesh {
    let mut positions: Vec<[f32; 3]> = vec![];
    for polygon in polygons.iter().filter(|p| p.len() >= 3) {
        for k in 1..polygon.len() - 1 {
            positions.extend([polygon[0], polygon[k], polygon[k + 1]]);
        }
    }
    if positions.is_empty() {
        // One degenerate triangle: the renderer allocates no room for an empty mesh, then
        // logs an error when asked to copy it.
        positions = vec![[0.0; 3]; 3];
    }
    let normals = vec![[0.0, 0.0, 1.0]; positions.len()];
    let indices = (0..positions.len() as u32).collect();
    Mesh::new(
        PrimitiveTopology::TriangleList,
        RenderAssetUsages::default(),
    )
    .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
    .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, normals)
    .with_inserted_indices(Indices::U32(indices))
}

/// The planes' outlines, each frame they show.
fn draw_decision_plane_outlines(planes: Query<(&DecisionPlanes, &Visibility)>, mut gizmos: Gizmos) {
    for (planes, visibility) in &planes {
        if *visibility == Visibility::Hidden || planes.strength <= 0.0 {
            continue;
        }
        let colour = Color::srgba(1.0, 1.0, 1.0, 0.85 * planes.strength);
        for polygon in &planes.polygons {
            let closed = polygon
                .iter()
                .chain(polygon.first())
                .map(|&p| Vec3::from(p));
            gizmos.linestrip(closed, colour);
        }
    }
}

fn show_decision_planes(
    state: Res<FlowState>,
    view: Res<LayerView>,
    published: Res<Published>,
    mut planes: Query<(&mut DecisionPlanes, &Mesh3d, &mut Visibility)>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let Ok((mut planes, mesh, mut visibility)) = planes.single_mut() else {
        return;
    };
    let (Some(flow), Some(latest)) = (&state.flow, &published.0) else {
        return;
    };
    let output = latest
        .network
        .layers()
        .last()
        .expect("a network has a layer");
    let strength = boundary_strength(flow, view.position);
    let shown = view.boundary
        && strength > 0.0
        && boundary_shown_whole(flow)
        && output.inputs() == 3
        && flow.is_3d();
    let wanted = if shown {
        Visibility::Visible
    } else {
        Visibility::Hidden
    };
    if *visibility != wanted {
        *visibility = wanted;
    }
    if !shown {
        return;
    }
    // Cut again for a new flow or a new network (a scene's network may be published after
    // its flow is built: planes cut for the last scene's network would stay).
    let wanted_for = (state.flow_generation, latest.version);
    if planes.built_for != wanted_for {
        planes.built_for = wanted_for;
        let key = flow.key(STAGES_PER_LAYER * (flow.layers() - 1));
        // The box the points fill, a hair larger: the planes never reach past the data.
        let b = Bounds::of(&key[..flow.points()]);
        let pad = Vec3::from(b.size()).max_element().max(1e-3) * 0.02;
        let padded = Bounds {
            min: b.min.map(|v| v - pad),
            max: b.max.map(|v| v + pad),
        };
        planes.polygons = boundary_polygons(output, &padded);
        if let Some(mut m) = meshes.get_mut(&mesh.0) {
            *m = polygon_mesh(&planes.polygons);
        }
    }
    planes.strength = strength;
    if let Some(mut material) = materials.get_mut(&planes.material) {
        let alpha = PLANE_FILL * strength;
        if material.base_color.alpha() != alpha {
            material.base_color = Color::srgba(1.0, 1.0, 1.0, alpha);
        }
    }
}

/// The colours of `W`'s columns and of the basis vectors they are the images of: green,
/// red and blue, as 3Blue1Brown's î and ĵ.
pub const COLUMN_COLORS: [[u8; 3]; 3] = [[131, 193, 103], [232, 97, 90], [88, 164, 232]];

/// The arrows of the basis vectors through the layer playing (`matrix` on).
fn draw_basis_arrows(
    state: Res<FlowState>,
    view: Res<LayerView>,
    published: Res<Published>,
    mut gizmos: Gizmos,
) {
    let (true, Some(flow), Some(latest)) = (view.matrix, &state.flow, &published.0) else {
        return;
    };
    let layers = latest.network.layers();
    if layers.len() != flow.layers() {
        return;
    }
    let how = (view.ease, view.bend, view.split);
    let path = |a, b| flow.place(view.position, how, a, b);
    let Some(arrows) = crate::engine::flow::matrix::basis_arrows(layers, view.position, path)
    else {
        return;
    };
    // A hair above the grid and the points' plane in a flat view.
    let lift = if flow.is_3d() { 0.0 } else { 0.02 };
    let origin = Vec3::from(arrows.origin) + Vec3::Z * lift;
    for (c, tip) in arrows.tips.iter().enumerate() {
        let [r, g, b] = COLUMN_COLORS[c % COLUMN_COLORS.len()];
        gizmos.arrow(
            origin,
            Vec3::from(*tip) + Vec3::Z * lift,
            Color::srgb_u8(r, g, b),
        );
    }
}

/// A title and a line on what is on screen at `u`, for the caption. At a stage boundary it
/// names the stage that just ended.
pub fn describe_position(flow: &Flow, u: f32) -> (String, String) {
    let layers = flow.layers();
    let sizes = flow.sizes();
    if u <= 0.0 {
        return (
            format!("Input: {} features", sizes[0]),
            "the data, and a grid over the input plane".into(),
        );
    }
    let at = stage_at(u, layers);
    let done = at.t == 0.0 || at.t == 1.0;
    let (l, stage) = shown_stage(flow, u);
    let act = flow.activation(l);
    let title = if u >= flow.end() {
        format!("Output: {} values", sizes[layers])
    } else {
        format!(
            "Layer {} of {layers} ({} to {})",
            l + 1,
            sizes[l],
            sizes[l + 1]
        )
    };
    let what = match (stage, done) {
        (Stage::Linear, false) => "W·a: stretch, rotate, shear".to_string(),
        (Stage::Linear, true) => "after W·a: stretched, rotated, sheared".to_string(),
        (Stage::Bias, false) => "+ b: shift".to_string(),
        (Stage::Bias, true) => "after + b: shifted".to_string(),
        (Stage::Activation, false) => format!("σ = {}: {}", act.name(), act.verb()),
        (Stage::Activation, true) => format!("after σ = {}", act.name()),
    };
    (title, what)
}

/// A piece of a layer's equation, and the stage it belongs to (`None`: the `a = ` and such).
pub type Term = (String, Option<Stage>);

/// `n` in subscript digits.
pub fn subscript(n: usize) -> String {
    n.to_string()
        .chars()
        .map(|c| char::from_u32(0x2080 + c.to_digit(10).unwrap_or(0)).unwrap_or(c))
        .collect()
}

/// Layer `k`'s equation (counting from 1), term by term: `a₂ = σ(W₂·a₁ + b₂)`; the input is
/// written `x`.
pub fn layer_equation(k: usize, act: crate::engine::nn::Activation) -> Vec<Term> {
    let input = if k <= 1 {
        "x".to_string()
    } else {
        format!("a{}", subscript(k - 1))
    };
    let mut terms = vec![(format!("a{} = ", subscript(k)), None)];
    let function = act.symbol();
    if let Some(f) = function {
        terms.push((format!("{f}("), Some(Stage::Activation)));
    }
    terms.push((format!("W{}·{input}", subscript(k)), Some(Stage::Linear)));
    terms.push((format!(" + b{}", subscript(k)), Some(Stage::Bias)));
    if function.is_some() {
        terms.push((")".into(), Some(Stage::Activation)));
    }
    terms
}

/// The equation on screen at `u` and the stage to highlight: the one moving, or the one
/// just done at a boundary. `None` at the input.
pub fn equation_at(flow: &Flow, u: f32) -> Option<(Vec<Term>, Stage)> {
    if u <= 0.0 {
        return None;
    }
    let (l, stage) = shown_stage(flow, u);
    Some((layer_equation(l + 1, flow.activation(l)), stage))
}

/// The layer (from 0) and stage on screen at `u > 0`: the one moving, or at a boundary the
/// one just done.
pub fn shown_stage(flow: &Flow, u: f32) -> (usize, Stage) {
    let at = stage_at(u, flow.layers());
    let mut i = at.boundary();
    if at.t == 0.0 {
        i -= 1;
    }
    (
        i / STAGES_PER_LAYER,
        crate::engine::flow::STAGES[i % STAGES_PER_LAYER],
    )
}

/// Where the axes through the origin are drawn for points framed by `frame`: over the frame
/// and the origin, a little beyond both.
pub fn axes_span(frame: &Bounds) -> (Vec3, Vec3) {
    let reach = Vec3::from(frame.size()).max_element().max(1e-3) * 0.7;
    (
        Vec3::from(frame.min).min(Vec3::ZERO) - Vec3::splat(reach * 0.2),
        Vec3::from(frame.max).max(Vec3::ZERO) + Vec3::splat(reach * 0.2),
    )
}

/// What the shown axes are at `u`, when they are not the whole space.
pub fn projection_note(flow: &Flow, u: f32) -> Option<String> {
    if u <= 0.0 {
        return (flow.sizes()[0] > 3).then(|| {
            format!(
                "Input shown in the plane of its two principal components ({} features): a projection",
                flow.sizes()[0]
            )
        });
    }
    // At a boundary, the layer that just finished is on screen.
    let at = stage_at(u, flow.layers());
    let l = if at.t == 0.0 && at.stage == Stage::Linear {
        at.layer - 1
    } else {
        at.layer
    };
    flow.is_projection(l).then(|| {
        let neurons: Vec<String> = flow.selection()[l].iter().map(|r| r.to_string()).collect();
        let width = flow.sizes()[l + 1];
        // The last hidden layer: say why no decision boundary shows.
        let boundary = if l + 2 == flow.layers() {
            format!("; the decision boundary lives in all {width} and is not drawn")
        } else {
            String::new()
        };
        format!(
            "Layer {} shown through neurons {} of {width}: a projection{boundary}",
            l + 1,
            neurons.join(", "),
        )
    })
}

/// Why the decision boundary is not drawn, when the view offers it and cannot: the last
/// hidden layer is shown through some of its neurons, and the boundary lives in all.
pub fn boundary_absent(flow: &Flow) -> Option<String> {
    let layers = flow.layers();
    (layers >= 2 && !boundary_shown_whole(flow)).then(|| {
        let width = flow.sizes()[layers - 1];
        format!(
            "Not drawn here: layer {} is shown through {} of its {width} neurons, and the \
             boundary lives in all {width}",
            layers - 1,
            flow.selection()[layers - 2].len()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::nn::Activation;

    fn written(terms: &[Term]) -> String {
        terms.iter().map(|t| t.0.as_str()).collect()
    }

    #[test]
    fn a_layer_is_written_as_its_equation() {
        assert_eq!(
            written(&layer_equation(2, Activation::Sigmoid)),
            "a₂ = σ(W₂·a₁ + b₂)"
        );
        assert_eq!(
            written(&layer_equation(1, Activation::Tanh)),
            "a₁ = tanh(W₁·x + b₁)"
        );
        assert_eq!(
            written(&layer_equation(12, Activation::Identity)),
            "a₁₂ = W₁₂·a₁₁ + b₁₂"
        );
        let terms = layer_equation(3, Activation::Relu);
        let bias: Vec<&str> = terms
            .iter()
            .filter(|t| t.1 == Some(Stage::Bias))
            .map(|t| t.0.as_str())
            .collect();
        assert_eq!(bias, vec![" + b₃"]);
    }
}
