//! The 2D camera: an orthographic view straight down onto the input plane. It frames the
//! data in the part of the window the panels leave free; the wheel zooms about the cursor,
//! a drag pans, and R frames the data again.

use super::Showing;
use super::explorer::Explorer;
use super::{CameraRig, PlaneTarget, UserMovedCamera, View, ViewSet};
use bevy::camera::ScalingMode;
use bevy::core_pipeline::tonemapping::Tonemapping;
use bevy::input::mouse::AccumulatedMouseScroll;
use bevy::prelude::*;
use bevy::window::PrimaryWindow;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<View2d>()
        .init_resource::<PanelInsets>()
        .add_systems(Startup, (spawn_plane_camera, no_light_clustering))
        .add_observer(no_clusters_for_camera)
        .add_systems(OnEnter(Showing(View::Regions)), frame_data)
        .add_systems(
            Update,
            (
                (frame_data_when_it_changes, reset_view_on_key)
                    .run_if(in_state(Showing(View::Regions))),
                (zoom_about_cursor, pan_on_drag).run_if(super::pointer_on_view),
                (follow_target, apply_view).chain().in_set(ViewSet::Camera),
            )
                .chain()
                .run_if(resource_equals(CameraRig::Plane)),
        );
}

/// What the 2D camera looks at: the world point at the centre of the free area, and world
/// units per logical pixel.
#[derive(Resource, Debug, Clone, Copy)]
pub struct View2d {
    /// World point shown at the centre of the free area.
    pub center: Vec2,
    /// World units per logical pixel.
    pub units_per_px: f32,
}

impl Default for View2d {
    fn default() -> Self {
        View2d {
            center: Vec2::ZERO,
            units_per_px: 0.01,
        }
    }
}

/// Logical pixels the panels cover on the left and at the bottom of the window.
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq)]
pub struct PanelInsets {
    /// Width of the left panel.
    pub left: f32,
    /// Width of the right panel (the regions view's network diagram and class legend).
    pub right: f32,
    /// Height of the bottom bar.
    pub bottom: f32,
    /// Width of the landscape's split-screen top view, left of the 3D view.
    pub split: f32,
}

/// Nothing in spacefold is lit (every material is unlit), so Bevy's light clustering, a
/// compute pass and a read-back every frame, finds nothing: it is turned off (under the
/// software renderer it cost 1.4 ms of a 1280x720 frame and made the frame wait for it).
fn no_light_clustering(settings: Option<ResMut<bevy::light::cluster::GlobalClusterSettings>>) {
    if let Some(mut settings) = settings {
        settings.gpu_clustering = None;
    }
}

/// Every 3D camera (the views' and the landscape's split-screen top view) skips clustering.
fn no_clusters_for_camera(add: On<Add, Camera3d>, mut commands: Commands) {
    commands
        .entity(add.entity)
        .insert(bevy::light::cluster::ClusterConfig::None);
}

/// Marks the camera of the plane view.
#[derive(Component)]
pub struct PlaneCamera;

fn spawn_plane_camera(mut commands: Commands) {
    commands.spawn((
        Name::new("Plane camera"),
        PlaneCamera,
        Camera3d::default(),
        // Class colours are data: shown exactly as the legend gives them, not tone-mapped.
        Tonemapping::None,
        Projection::from(OrthographicProjection {
            scaling_mode: ScalingMode::WindowSize,
            ..OrthographicProjection::default_3d()
        }),
        Transform::from_xyz(0.0, 0.0, 10.0).looking_at(Vec3::ZERO, Vec3::Y),
    ));
}

/// The view that shows `bounds` whole in the free area of a `window` (logical size).
pub fn fit(bounds: (Vec2, Vec2), window: Vec2, insets: PanelInsets) -> View2d {
    let free = Vec2::new(
        (window.x - insets.left - insets.right).max(50.0),
        (window.y - insets.bottom).max(50.0),
    );
    let size = (bounds.1 - bounds.0).max(Vec2::splat(1e-6));
    View2d {
        center: (bounds.0 + bounds.1) / 2.0,
        units_per_px: (size / free).max_element() * 1.04,
    }
}

/// Frames the data: on returning to the regions view.
fn frame_data(
    explorer: Res<Explorer>,
    insets: Res<PanelInsets>,
    window: Single<&Window, With<PrimaryWindow>>,
    mut view: ResMut<View2d>,
) {
    *view = fit(explorer.bounds, window.size(), *insets);
}

fn frame_data_when_it_changes(
    explorer: Res<Explorer>,
    insets: Res<PanelInsets>,
    window: Single<&Window, With<PrimaryWindow>>,
    mut view: ResMut<View2d>,
    mut framed: Local<(u64, f32)>,
) {
    // Frame again when the data changes, and once the panel has its width.
    let key = (
        explorer.layout_version,
        insets.left + insets.right * 1e-4 + insets.bottom * 1e4,
    );
    if *framed == key {
        return;
    }
    *framed = key;
    *view = fit(explorer.bounds, window.size(), *insets);
}

fn reset_view_on_key(
    keys: Res<ButtonInput<KeyCode>>,
    explorer: Res<Explorer>,
    insets: Res<PanelInsets>,
    window: Single<&Window, With<PrimaryWindow>>,
    mut view: ResMut<View2d>,
    typing: super::ViewKeys,
) {
    if keys.just_pressed(KeyCode::KeyR) && !typing.blocked() {
        *view = fit(explorer.bounds, window.size(), *insets);
    }
}

impl PanelInsets {
    /// The middle of the area the panels leave free in a `window` (logical pixels, origin
    /// top-left).
    pub fn free_center(&self, window: Vec2) -> Vec2 {
        Vec2::new(
            self.left + (window.x - self.left - self.right) / 2.0,
            (window.y - self.bottom) / 2.0,
        )
    }
}

/// The world point under a window position (logical pixels, origin top-left).
pub fn window_to_world(view: &View2d, insets: PanelInsets, window: Vec2, pos: Vec2) -> Vec2 {
    let d = pos - insets.free_center(window);
    view.center + Vec2::new(d.x, -d.y) * view.units_per_px
}

/// Where a world point shows in the window (logical pixels): the inverse of
/// [`window_to_world`].
pub fn world_to_window(view: &View2d, insets: PanelInsets, window: Vec2, world: Vec2) -> Vec2 {
    let d = (world - view.center) / view.units_per_px.max(1e-12);
    insets.free_center(window) + Vec2::new(d.x, -d.y)
}

fn zoom_about_cursor(
    scroll: Res<AccumulatedMouseScroll>,
    insets: Res<PanelInsets>,
    window: Single<&Window, With<PrimaryWindow>>,
    mut view: ResMut<View2d>,
    mut moved: MessageWriter<UserMovedCamera>,
) {
    if scroll.delta.y == 0.0 {
        return;
    }
    let Some(cursor) = window.cursor_position() else {
        return;
    };
    let size = window.size();
    let before = window_to_world(&view, *insets, size, cursor);
    let lines = match scroll.unit {
        bevy::input::mouse::MouseScrollUnit::Line => scroll.delta.y,
        bevy::input::mouse::MouseScrollUnit::Pixel => scroll.delta.y / 40.0,
    };
    view.units_per_px = (view.units_per_px * 0.85f32.powf(lines)).clamp(1e-7, 1e5);
    let after = window_to_world(&view, *insets, size, cursor);
    view.center += before - after;
    moved.write(UserMovedCamera);
}

fn pan_on_drag(
    buttons: Res<ButtonInput<MouseButton>>,
    window: Single<&Window, With<PrimaryWindow>>,
    mut view: ResMut<View2d>,
    mut moved: MessageWriter<UserMovedCamera>,
    mut last: Local<Option<Vec2>>,
) {
    let dragging = buttons.pressed(MouseButton::Right) || buttons.pressed(MouseButton::Middle);
    let cursor = window.cursor_position();
    if let (true, Some(now), Some(before)) = (dragging, cursor, *last) {
        let d = now - before;
        let shift = Vec2::new(d.x, -d.y) * view.units_per_px;
        if shift != Vec2::ZERO {
            view.center -= shift;
            moved.write(UserMovedCamera);
        }
    }
    *last = if dragging { cursor } else { None };
}

/// Looks where the view in charge asks, when it asks.
fn follow_target(target: Res<PlaneTarget>, mut view: ResMut<View2d>) {
    if let Some((center, units_per_px)) = target.0
        && (center != view.center || units_per_px != view.units_per_px)
    {
        view.center = center;
        view.units_per_px = units_per_px;
    }
}

fn apply_view(
    view: Res<View2d>,
    insets: Res<PanelInsets>,
    mut cameras: Query<(&mut Transform, &mut Projection), With<PlaneCamera>>,
) {
    for (mut transform, mut projection) in &mut cameras {
        // The camera sits left of `center` by half the panels' difference (and below it by
        // half the bottom bar), so `center` lands in the middle of the free area.
        let x = view.center.x - (insets.left - insets.right) / 2.0 * view.units_per_px;
        let y = view.center.y - insets.bottom / 2.0 * view.units_per_px;
        let wanted = Transform::from_xyz(x, y, 10.0);
        if *transform != wanted {
            *transform = wanted;
        }
        match projection.as_mut() {
            Projection::Orthographic(ortho) => {
                if ortho.scale != view.units_per_px {
                    ortho.scale = view.units_per_px;
                }
            }
            // Back from the 3D view.
            _ => {
                *projection = Projection::from(OrthographicProjection {
                    scaling_mode: ScalingMode::WindowSize,
                    scale: view.units_per_px,
                    ..OrthographicProjection::default_3d()
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_then_map_corners_back() {
        let insets = PanelInsets {
            left: 300.0,
            right: 200.0,
            bottom: 0.0,
            split: 0.0,
        };
        let window = Vec2::new(1500.0, 800.0);
        let bounds = (Vec2::new(-2.0, -1.0), Vec2::new(2.0, 1.0));
        let view = fit(bounds, window, insets);
        // The free area's centre (between the panels) shows the data's centre.
        assert_eq!(
            window_to_world(&view, insets, window, Vec2::new(800.0, 400.0)),
            Vec2::ZERO
        );
        // And back again.
        let p = Vec2::new(1.5, -0.5);
        let there = world_to_window(&view, insets, window, p);
        assert!((window_to_world(&view, insets, window, there) - p).length() < 1e-5);
        // The data fits: its corners are inside the free area.
        let left_edge = window_to_world(&view, insets, window, Vec2::new(300.0, 400.0));
        let right_edge = window_to_world(&view, insets, window, Vec2::new(1300.0, 400.0));
        let top = window_to_world(&view, insets, window, Vec2::new(800.0, 0.0));
        assert!(left_edge.x <= -2.0 && right_edge.x >= 2.0 && top.y >= 1.0);
    }
}
