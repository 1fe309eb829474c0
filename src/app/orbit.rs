//! The 3D camera of the layers view: it orbits a target (left drag), pans (right or middle
//! drag), zooms (wheel), can turn by itself, and by default frames the points wherever the
//! animation has carried them. It drives the same camera entity as the plane view, switching
//! it to a perspective projection while a 3D space is shown.

use super::camera::{PanelInsets, PlaneCamera};
use super::{CameraRig, Framed, UserMovedCamera, ViewSet};
use crate::engine::setup::{DEFAULT_PITCH_DEG, DEFAULT_YAW_DEG, Start};
use bevy::input::mouse::{AccumulatedMouseScroll, MouseScrollUnit};
use bevy::prelude::*;
use bevy::window::PrimaryWindow;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Orbit>().add_systems(
        Update,
        (
            (orbit_with_mouse, zoom_orbit_with_wheel).run_if(super::pointer_on_view),
            turn_slowly,
            apply_orbit,
        )
            .chain()
            .in_set(ViewSet::Camera)
            .run_if(resource_equals(CameraRig::Orbit)),
    );
}

/// The lowest a drag takes the camera: just above the floor, radians.
const MIN_PITCH: f32 = 0.03;

/// Vertical field of view of the 3D camera, radians.
const FOV: f32 = 0.75;

/// Where the 3D camera stands, as angles about a target.
#[derive(Resource, Debug, Clone, Copy)]
pub struct Orbit {
    /// Angle about the vertical (z) axis, radians.
    pub yaw: f32,
    /// Angle above the x-y plane, radians.
    pub pitch: f32,
    /// Distance from the target, as a multiple of the framed box's diagonal.
    pub zoom: f32,
    /// Shift of the target from the framed box's centre (panning), world units.
    pub pan: Vec3,
    /// Turn slowly about the vertical.
    pub turn: bool,
}

impl Default for Orbit {
    fn default() -> Self {
        Orbit {
            yaw: DEFAULT_YAW_DEG.to_radians(),
            pitch: DEFAULT_PITCH_DEG.to_radians(),
            zoom: 1.0,
            pan: Vec3::ZERO,
            turn: false,
        }
    }
}

impl Orbit {
    /// The orbit as the window opens: turning or looking straight down if asked.
    pub fn from_start(start: &Start) -> Orbit {
        let mut orbit = Orbit {
            turn: start.rotate,
            ..Orbit::default()
        };
        if start.top {
            top_view(&mut orbit);
        }
        orbit
    }
}

/// Whether the camera looks straight down (the top view): then it draws without
/// perspective, so raised surfaces do not overhang the floor and the heatmap is a map.
pub fn straight_down(orbit: &Orbit) -> bool {
    orbit.pitch >= std::f32::consts::FRAC_PI_2 - 1e-3
}

/// Looks straight down: the landscape becomes its heatmap.
pub fn top_view(orbit: &mut Orbit) {
    orbit.yaw = -std::f32::consts::FRAC_PI_2;
    orbit.pitch = std::f32::consts::FRAC_PI_2;
    orbit.pan = Vec3::ZERO;
}

/// Turns and pans with the mouse. The motion is the cursor's own, from frame to frame while
/// a button is held (as the plane's pan does): raw device motion is not sent by every X
/// server or remote desktop, and a drag must turn the view from its very first frame.
fn orbit_with_mouse(
    buttons: Res<ButtonInput<MouseButton>>,
    window: Single<&Window, With<PrimaryWindow>>,
    insets: Res<PanelInsets>,
    frame: Res<Framed>,
    mut orbit: ResMut<Orbit>,
    mut moved: MessageWriter<UserMovedCamera>,
    mut last: Local<Option<Vec2>>,
) {
    let turning = buttons.pressed(MouseButton::Left);
    let panning = buttons.pressed(MouseButton::Right) || buttons.pressed(MouseButton::Middle);
    let cursor = window.cursor_position();
    let d = match (cursor, *last) {
        (Some(now), Some(before)) if turning || panning => now - before,
        _ => Vec2::ZERO,
    };
    *last = if turning || panning { cursor } else { None };
    if d == Vec2::ZERO {
        return;
    }
    if turning {
        // Half a turn across the view, and from the horizon to the zenith down it; the
        // camera never goes under the floor.
        let across = (window.width() - insets.left - insets.right - insets.split).max(200.0);
        let per_px = std::f32::consts::PI / across;
        orbit.yaw -= d.x * per_px;
        orbit.pitch = (orbit.pitch + d.y * per_px).clamp(MIN_PITCH, std::f32::consts::FRAC_PI_2);
    } else {
        // Pan in the camera's plane, scaled to the framed box.
        let size = frame.size().max(1e-6);
        let (right, up) = orbit_axes(&orbit);
        let zoom = orbit.zoom;
        orbit.pan += (-right * d.x + up * d.y) * size * 0.0015 * zoom;
        moved.write(UserMovedCamera);
    }
}

fn zoom_orbit_with_wheel(scroll: Res<AccumulatedMouseScroll>, mut orbit: ResMut<Orbit>) {
    if scroll.delta.y == 0.0 {
        return;
    }
    let lines = match scroll.unit {
        MouseScrollUnit::Line => scroll.delta.y,
        MouseScrollUnit::Pixel => scroll.delta.y / 40.0,
    };
    orbit.zoom = (orbit.zoom * 0.88f32.powf(lines)).clamp(0.05, 50.0);
}

fn turn_slowly(time: Res<Time>, mut orbit: ResMut<Orbit>) {
    if orbit.turn {
        orbit.yaw += time.delta_secs() * 0.35;
    }
}

/// The camera's right and up vectors for these angles (z is up in the layers' spaces).
///
/// Right comes from the yaw alone: at the zenith the direction to the camera has no
/// horizontal part to take it from (and `cos(π/2)` is a hair below zero in floats, which
/// turned the top view half round).
fn orbit_axes(orbit: &Orbit) -> (Vec3, Vec3) {
    let back = orbit_direction(orbit);
    let right = Vec3::new(-orbit.yaw.sin(), orbit.yaw.cos(), 0.0);
    (right, back.cross(right))
}

/// Unit vector from the target towards the camera.
fn orbit_direction(orbit: &Orbit) -> Vec3 {
    Vec3::new(
        orbit.pitch.cos() * orbit.yaw.cos(),
        orbit.pitch.cos() * orbit.yaw.sin(),
        orbit.pitch.sin(),
    )
}

/// How far from the centre of a box of `size` the camera stands so that the box fills the
/// free area (`free`, pixels, of a window `window_height` tall: the part of the view between
/// the heading's and the caption's bands): the box's upright cylinder (its footprint turned
/// through every yaw, so that turning the camera never breathes in and out) seen in
/// perspective, within 94 % of that height and 86 % of the width.
pub fn fitting_distance(
    size: Vec3,
    (back, right, up): (Vec3, Vec3, Vec3),
    free: Vec2,
    window_height: f32,
) -> f32 {
    let radius = Vec2::new(size.x, size.y).length() / 2.0;
    let half_height = size.z / 2.0;
    let extent = radius.max(half_height).max(1e-4);
    // Tangents of the half-angles the free area spans (the field of view is the window's
    // height).
    let per_height = (FOV / 2.0).tan() / window_height.max(1.0);
    let tan_v = per_height * free.y * 0.94;
    let tan_h = per_height * free.x * 0.86;
    let mut distance: f32 = extent * 1e-3;
    for i in 0..32 {
        let angle = i as f32 / 32.0 * std::f32::consts::TAU;
        for z in [-half_height, half_height] {
            let p = Vec3::new(radius * angle.cos(), radius * angle.sin(), z);
            let depth = p.dot(back);
            distance = distance
                .max(depth + p.dot(up).abs() / tan_v)
                .max(depth + p.dot(right).abs() / tan_h);
        }
    }
    distance
}

fn apply_orbit(
    orbit: Res<Orbit>,
    frame: Res<Framed>,
    insets: Res<PanelInsets>,
    window: Single<&Window, With<PrimaryWindow>>,
    layers: Option<Res<super::layers::LayerView>>,
    mut cameras: Query<(&mut Transform, &mut Projection), With<PlaneCamera>>,
) {
    let center = Vec3::from(frame.0.center()) + orbit.pan;
    let matrix = layers.is_some_and(|l| l.matrix);
    let back = orbit_direction(&orbit);
    let (right, up) = orbit_axes(&orbit);
    let height = window.height().max(1.0);
    let left = insets.left + insets.split;
    let right_side = insets.right;
    // The view's height less the bands its heading and caption take.
    let view = (height - insets.bottom).max(1.0);
    let (top, bottom) = (
        view * super::frame::heading_band(matrix),
        view * super::frame::CAPTION_BAND,
    );
    let free = Vec2::new(
        (window.width() - left - right_side).max(1.0),
        (view - top - bottom).max(1.0),
    );
    let distance =
        fitting_distance(Vec3::from(frame.0.size()), (back, right, up), free, height) * orbit.zoom;
    // World units per pixel at the target's depth: shift the camera so the target sits in the
    // middle of the area the panels leave free.
    let looking_down = straight_down(&orbit);
    let per_px = if looking_down {
        // Straight down, without perspective: the box's outline as the camera sees it fills
        // the free area (as the flat views fill theirs), not the sphere an orbit turns in.
        let size = Vec3::from(frame.0.size());
        let across = |axis: Vec3| (axis * size).abs().element_sum();
        (across(right) / free.x).max(across(up) / free.y) * 1.08 * orbit.zoom
    } else {
        2.0 * distance * (FOV / 2.0).tan() / height
    };
    // The target in the middle of that area: below the view's middle when the heading's
    // band is the taller.
    let shift = right * ((left - right_side) / 2.0) * per_px
        + up * (-(insets.bottom + top - bottom) / 2.0) * per_px;
    let eye = center + back * distance - shift;
    let top = looking_down;
    for (mut transform, mut projection) in &mut cameras {
        *transform = Transform::from_translation(eye).looking_to(-back, up);
        let near = (distance * 0.01).max(1e-4);
        let far = distance * 100.0 + 100.0;
        if top {
            let wanted = OrthographicProjection {
                scale: per_px,
                near: 0.0,
                far,
                ..OrthographicProjection::default_3d()
            };
            match projection.as_mut() {
                Projection::Orthographic(o) if o.scale == per_px && o.far == far => {}
                _ => *projection = Projection::Orthographic(wanted),
            }
            continue;
        }
        match projection.as_mut() {
            Projection::Perspective(p) if p.fov == FOV && p.near == near => {}
            _ => {
                *projection = Projection::Perspective(PerspectiveProjection {
                    fov: FOV,
                    near,
                    far,
                    ..default()
                })
            }
        }
    }
}
