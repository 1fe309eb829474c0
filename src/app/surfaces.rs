//! The landscape view: a neuron's output, or the network's outputs, as lit surfaces over the
//! input plane, with the data on the floor. The height fields come from
//! [`crate::engine::landscape`]; this plugin rebuilds their meshes when the weights or the settings
//! change (not every frame) and draws the floor, the zero line and the legend's data.

use super::Showing;
use super::explorer::{Explorer, Published};
use super::points::PointPlaces;
use super::{CameraRig, Framed, View, ViewSet};
use crate::engine::flow::Bounds;
use crate::engine::landscape::{Area, BuiltSurface, build_surfaces};
pub use crate::engine::landscape::{MORPH_PATH, SurfaceInfo, SurfaceSettings, Target, morph_name};
use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<LandscapeView>()
        .init_resource::<LandscapeState>()
        .init_resource::<SplitScreen>()
        .add_systems(Update, place_split_camera.in_set(ViewSet::Camera))
        .add_systems(
            Update,
            (
                rebuild_surfaces.in_set(ViewSet::Animate),
                (place_points_on_floor, draw_floor, fade_surfaces_from_above).in_set(ViewSet::Draw),
            )
                .run_if(in_state(Showing(View::Landscape))),
        )
        .add_systems(OnEnter(Showing(View::Landscape)), put_orbit_in_charge)
        .add_systems(OnExit(Showing(View::Landscape)), hide_surfaces);
}

/// What the user set for the landscape view.
#[derive(Resource, Debug, Clone, PartialEq, Default, Deref, DerefMut)]
pub struct LandscapeView(pub SurfaceSettings);

/// Whether the landscape view shows a flat top view beside the 3D one.
#[derive(Resource, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SplitScreen(pub bool);

/// The camera of the split screen's flat half: straight down, orthographic.
#[derive(Component)]
struct TopCamera;

/// Places (or parks) the split screen's top camera over the left half of the free area, and
/// tells the orbit camera how much of the view it covers.
#[allow(
    clippy::too_many_arguments,
    reason = "a system that places the split screen's camera reads the window, the view and the state"
)]
fn place_split_camera(
    mut commands: Commands,
    mode: Res<State<Showing>>,
    split: Res<SplitScreen>,
    state: Res<LandscapeState>,
    clear: Res<ClearColor>,
    window: Single<&Window, With<bevy::window::PrimaryWindow>>,
    mut insets: ResMut<super::camera::PanelInsets>,
    mut cameras: Query<(&mut Camera, &mut Transform, &mut Projection), With<TopCamera>>,
) {
    let on = mode.get().0 == View::Landscape && split.0 && state.area.is_some();
    let free_w = (window.width() - insets.left).max(100.0);
    let free_h = (window.height() - insets.bottom).max(100.0);
    let half = if on { (free_w / 2.0).floor() } else { 0.0 };
    if insets.split != half {
        insets.split = half;
    }
    let Ok((mut camera, mut transform, mut projection)) = cameras.single_mut() else {
        if on {
            commands.spawn((
                Name::new("Top camera (split screen)"),
                TopCamera,
                Camera3d::default(),
                Camera {
                    order: 1,
                    is_active: false,
                    clear_color: ClearColorConfig::Custom(clear.0),
                    ..default()
                },
                bevy::core_pipeline::tonemapping::Tonemapping::None,
                Projection::from(OrthographicProjection {
                    scaling_mode: bevy::camera::ScalingMode::WindowSize,
                    ..OrthographicProjection::default_3d()
                }),
                Transform::default(),
            ));
        }
        return;
    };
    if camera.is_active != on {
        camera.is_active = on;
    }
    let Some(area) = state.area.filter(|_| on) else {
        return;
    };
    let scale = window.scale_factor();
    let viewport = bevy::camera::Viewport {
        physical_position: UVec2::new((insets.left * scale) as u32, 0),
        physical_size: UVec2::new(
            ((half * scale) as u32).max(1),
            ((free_h * scale) as u32).max(1),
        ),
        ..default()
    };
    let same = camera.viewport.as_ref().is_some_and(|v| {
        v.physical_position == viewport.physical_position
            && v.physical_size == viewport.physical_size
    });
    if !same {
        camera.viewport = Some(viewport);
    }
    let size = Vec2::new(area.max[0] - area.min[0], area.max[1] - area.min[1]);
    let units_per_px = (size / Vec2::new(half, free_h)).max_element() * 1.06;
    let center = Vec2::new(area.min[0] + area.max[0], area.min[1] + area.max[1]) / 2.0;
    let reach = size.max_element() * 10.0 + 10.0;
    let wanted = Transform::from_xyz(center.x, center.y, reach);
    if *transform != wanted {
        *transform = wanted;
    }
    if let Projection::Orthographic(o) = projection.as_mut()
        && (o.scale != units_per_px || o.far != reach * 2.0)
    {
        o.scale = units_per_px;
        o.far = reach * 2.0;
    }
}

/// The surfaces as last built.
#[derive(Resource, Default)]
pub struct LandscapeState {
    /// The surfaces, for the legend.
    pub surfaces: Vec<SurfaceInfo>,
    /// Why nothing could be drawn.
    pub error: Option<String>,
    /// The sampled rectangle.
    pub area: Option<Area>,
    /// Where the shown neuron's pre-activation is zero.
    pub zero_line: Vec<[[f32; 2]; 2]>,
    /// Milliseconds the last rebuild took (height fields and meshes).
    pub rebuild_ms: f64,
    built: Option<(u64, u64, LandscapeView)>,
    built_at: f64,
}

/// A surface mesh entity.
#[derive(Component)]
struct Surface {
    slot: usize,
    /// Its opacity seen from the side.
    alpha: f32,
}

/// How opaque the surfaces are seen from `pitch` (radians above the floor), as a share of
/// their own opacity: whole from the side, fading to 55 % from straight above, where a
/// raised surface would otherwise hide the data on the floor under it.
pub fn see_through(pitch: f32) -> f32 {
    let (from, to) = (55f32.to_radians(), 80f32.to_radians());
    let t = ((pitch - from) / (to - from)).clamp(0.0, 1.0);
    1.0 - 0.45 * t * t * (3.0 - 2.0 * t)
}

/// Fades the surfaces as the camera rises (see [`see_through`]); only what changed is
/// touched, so the meshes' materials are not re-sent every frame. In the explorer only: an
/// offline render of a surface seen from above then never drew the same frame twice (left
/// to find out why), so scenes keep their surfaces whole, in renders and in the window.
fn fade_surfaces_from_above(
    orbit: Res<super::orbit::Orbit>,
    exact: Option<Res<super::ExactFrames>>,
    player: Option<Res<super::player::Player>>,
    surfaces: Query<(&Surface, &MeshMaterial3d<StandardMaterial>)>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    if exact.is_some() {
        return;
    }
    // A scene shows its surfaces whole, as its renders do.
    let scene = super::player::shows_scene(player.as_deref());
    let share = if scene { 1.0 } else { see_through(orbit.pitch) };
    for (surface, material) in &surfaces {
        let alpha = surface.alpha * share;
        let differs = materials
            .get(&material.0)
            .is_some_and(|m| (m.base_color.alpha() - alpha).abs() > 1e-4);
        if differs && let Some(mut m) = materials.get_mut(&material.0) {
            set_material(&mut m, alpha);
        }
    }
}

/// Rebuilds at most this often while the network trains.
const REBUILD_EVERY: f64 = 0.1;

/// The area the surfaces cover: the data's box, zoomed out.
fn surface_area(explorer: &Explorer, view: &LandscapeView) -> Area {
    let (lo, hi) = explorer.bounds;
    Area {
        min: lo.to_array(),
        max: hi.to_array(),
        resolution: view.resolution.clamp(8, 512),
    }
    .zoomed_out(view.zoom_out.max(1.0))
}

#[allow(
    clippy::too_many_arguments,
    reason = "a system that rebuilds the surfaces reads the network, the data, the settings and the meshes"
)]
fn rebuild_surfaces(
    mut commands: Commands,
    time: Res<Time>,
    exact: Option<Res<super::ExactFrames>>,
    explorer: Res<Explorer>,
    published: Res<Published>,
    view: Res<LandscapeView>,
    mut state: ResMut<LandscapeState>,
    mut frame: ResMut<Framed>,
    mut surfaces: Query<(
        Entity,
        &mut Surface,
        &Mesh3d,
        &MeshMaterial3d<StandardMaterial>,
        &mut Visibility,
    )>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let Some(latest) = &published.0 else { return };
    let key = (latest.version, explorer.data_version, view.clone());
    let now = time.elapsed_secs_f64();
    if let Some(built) = &state.built {
        let only_weights = built.1 == key.1 && built.2 == key.2;
        // While training, rebuild at most every REBUILD_EVERY, and leave the frame at least
        // three quarters of the time when a rebuild is slow (256² surfaces).
        let every = REBUILD_EVERY.max(state.rebuild_ms * 4e-3);
        let throttled = exact.is_none() && only_weights && now - state.built_at < every;
        if *built == key || throttled {
            return;
        }
    }
    state.built = Some(key);
    state.built_at = now;
    let start = std::time::Instant::now();
    let area = surface_area(&explorer, &view);
    let built = build_surfaces(&latest.network, &view, &area);
    let wanted = match built {
        Ok(b) => {
            state.error = None;
            state.surfaces = b.iter().map(|s| s.info.clone()).collect();
            state.zero_line = b.first().map(|s| s.zero_line.clone()).unwrap_or_default();
            b
        }
        Err(e) => {
            state.error = Some(e);
            state.surfaces.clear();
            state.zero_line.clear();
            vec![]
        }
    };
    state.area = Some(area);
    frame.0 = landscape_frame(&area, &wanted);
    // Reuse the surface entities by slot; spawn what is missing, hide what is left over.
    let mut have = vec![false; wanted.len()];
    for (entity, mut surface, mesh, material, mut visibility) in &mut surfaces {
        let Some(built) = wanted.get(surface.slot) else {
            *visibility = Visibility::Hidden;
            continue;
        };
        have[surface.slot] = true;
        surface.alpha = built.alpha;
        if let Some(mut m) = meshes.get_mut(&mesh.0) {
            *m = to_mesh(built);
        }
        if let Some(mut m) = materials.get_mut(&material.0) {
            set_material(&mut m, built.alpha);
        }
        *visibility = Visibility::Visible;
        let _ = entity;
    }
    for (slot, built) in wanted.iter().enumerate() {
        if have[slot] {
            continue;
        }
        let mut material = StandardMaterial::default();
        set_material(&mut material, built.alpha);
        commands.spawn((
            Name::new(format!("Surface {slot}")),
            Surface {
                slot,
                alpha: built.alpha,
            },
            Mesh3d(meshes.add(to_mesh(built))),
            MeshMaterial3d(materials.add(material)),
            Transform::default(),
            Visibility::Visible,
        ));
    }
    state.rebuild_ms = start.elapsed().as_secs_f64() * 1e3;
}

/// The box the orbit camera frames for these surfaces over `area`: a little inside the
/// plane's box (the camera's default distance suits the points of the layers view, and a
/// landscape fills the view better closer).
fn landscape_frame(area: &Area, surfaces: &[BuiltSurface]) -> Bounds {
    let extent = (area.max[0] - area.min[0]).max(area.max[1] - area.min[1]);
    let top = surfaces
        .iter()
        .flat_map(|s| s.mesh.positions.iter().map(|p| p[2]))
        .filter(|z| z.is_finite())
        .fold(0.0f32, f32::max);
    // At least a third of the plane's extent tall, so that a flat landscape is seen from
    // about where a tall one is.
    Bounds {
        min: [area.min[0], area.min[1], 0.0],
        max: [area.max[0], area.max[1], top.max(extent * 0.35)],
    }
}

fn set_material(material: &mut StandardMaterial, alpha: f32) {
    material.base_color = Color::srgba(1.0, 1.0, 1.0, alpha);
    material.unlit = true;
    material.double_sided = true;
    material.cull_mode = None;
    material.alpha_mode = if alpha < 1.0 {
        AlphaMode::Blend
    } else {
        AlphaMode::Opaque
    };
}

/// A built surface as a Bevy mesh.
fn to_mesh(surface: &BuiltSurface) -> Mesh {
    {
        Mesh::new(
            PrimitiveTopology::TriangleList,
            RenderAssetUsages::default(),
        )
        .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, surface.mesh.positions.clone())
        .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, surface.mesh.normals.clone())
        .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, surface.colors.clone())
        .with_inserted_indices(Indices::U32(surface.mesh.indices.clone()))
    }
}

/// The landscape is always seen in 3D, by the orbit camera.
fn put_orbit_in_charge(mut rig: ResMut<CameraRig>) {
    rig.set_if_neq(CameraRig::Orbit);
}

fn hide_surfaces(
    mut surfaces: Query<&mut Visibility, With<Surface>>,
    mut state: ResMut<LandscapeState>,
) {
    for mut v in &mut surfaces {
        *v = Visibility::Hidden;
    }
    // Coming back rebuilds them.
    state.built = None;
}

/// What the points were last placed on the floor for: the data's version, the camera's
/// turn, the floor's extent and whether the view looks straight down.
type FloorKey = (u64, Quat, [f32; 2], bool);

fn place_points_on_floor(
    explorer: Res<Explorer>,
    state: Res<LandscapeState>,
    (orbit, framed): (Res<super::orbit::Orbit>, Res<Framed>),
    cameras: Query<&Transform, With<super::camera::PlaneCamera>>,
    mut places: ResMut<PointPlaces>,
    mut placed: Local<Option<FloorKey>>,
) {
    let Some(area) = state.area else { return };
    if explorer.train.dim() != 2 {
        return;
    }
    let rotation = cameras.iter().next().map_or(Quat::IDENTITY, |t| t.rotation);
    // Only when the points, the camera's turn or the plane changed, or the surfaces were
    // rebuilt (as on coming back from another view, which moved the points): not every frame.
    // Seen from straight above, the points lie over the surfaces (over the heatmap), where
    // they can be seen; from the side, on the floor under them.
    let top = super::orbit::straight_down(&orbit);
    let key = (explorer.data_version, rotation, area.max, top);
    if *placed == Some(key) && !state.is_changed() {
        return;
    }
    *placed = Some(key);
    let (lo, hi) = explorer.bounds;
    // Over the heatmap (the top view) the points are the picture's subject: larger.
    let radius = (hi - lo).max_element() * if top { 0.013 } else { 0.008 };
    let lift = (area.max[0] - area.min[0]) * 0.002;
    let base = if top { framed.0.max[2] + lift } else { lift };
    let count = explorer.train.len() + explorer.test.len();
    let mut at = Vec::with_capacity(count);
    for (data, test) in [(&explorer.train, false), (&explorer.test, true)] {
        for index in 0..data.len() {
            let p = data.point(index);
            // Overlapping points a hair apart towards the camera, in a fixed order.
            let rank = super::points::draw_rank(&explorer, index, test);
            at.push(Vec3::new(p[0], p[1], base) + rotation * Vec3::Z * (rank * lift * 0.5));
        }
    }
    let places = places.as_mut();
    places.at = at;
    places.radius = radius;
}

fn draw_floor(state: Res<LandscapeState>, mut gizmos: Gizmos) {
    let Some(area) = state.area else { return };
    let lines = 10;
    let color = Color::srgba(0.6, 0.65, 0.75, 0.35);
    for i in 0..=lines {
        let t = i as f32 / lines as f32;
        let x = area.min[0] + (area.max[0] - area.min[0]) * t;
        let y = area.min[1] + (area.max[1] - area.min[1]) * t;
        gizmos.line(
            Vec3::new(x, area.min[1], 0.0),
            Vec3::new(x, area.max[1], 0.0),
            color,
        );
        gizmos.line(
            Vec3::new(area.min[0], y, 0.0),
            Vec3::new(area.max[0], y, 0.0),
            color,
        );
    }
    let zero = Color::srgb(1.0, 0.35, 0.3);
    for [a, b] in &state.zero_line {
        gizmos.line(Vec3::new(a[0], a[1], 0.0), Vec3::new(b[0], b[1], 0.0), zero);
    }
}

#[cfg(test)]
mod tests {
    use super::see_through;

    #[test]
    fn surfaces_are_whole_from_the_side_and_see_through_from_above() {
        assert_eq!(
            see_through(crate::engine::setup::DEFAULT_PITCH_DEG.to_radians()),
            1.0
        );
        assert_eq!(see_through(50f32.to_radians()), 1.0);
        let above = see_through(std::f32::consts::FRAC_PI_2);
        assert!((above - 0.55).abs() < 1e-6, "{above}");
        // Rising, they only ever fade.
        let shares: Vec<f32> = (0..=90)
            .map(|d| see_through((d as f32).to_radians()))
            .collect();
        assert!(shares.windows(2).all(|w| w[1] <= w[0]));
    }
}
