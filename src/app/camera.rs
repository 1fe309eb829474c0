//! The 2D camera: an orthographic view straight down onto the input plane, framing the data.

use super::Scenario;
use bevy::camera::ScalingMode;
use bevy::core_pipeline::tonemapping::Tonemapping;
use bevy::prelude::*;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Startup, spawn_plane_camera);
}

/// The data's bounding box in the plane of its first two features: (min, max).
pub fn data_bounds(scenario: &Scenario) -> (Vec2, Vec2) {
    let mut lo = Vec2::splat(f32::INFINITY);
    let mut hi = Vec2::splat(f32::NEG_INFINITY);
    for data in [&scenario.0.train, &scenario.0.test] {
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
    (lo, hi)
}

fn spawn_plane_camera(mut commands: Commands, scenario: Res<Scenario>) {
    let (lo, hi) = data_bounds(&scenario);
    let center = (lo + hi) / 2.0;
    let size = (hi - lo).max(Vec2::splat(1e-3)) * 1.15;
    commands.spawn((
        Name::new("Plane camera"),
        Camera3d::default(),
        // Class colours are data: shown exactly as the legend gives them, not tone-mapped.
        Tonemapping::None,
        Projection::from(OrthographicProjection {
            scaling_mode: ScalingMode::AutoMin {
                min_width: size.x,
                min_height: size.y,
            },
            ..OrthographicProjection::default_3d()
        }),
        Transform::from_xyz(center.x, center.y, 10.0).looking_at(center.extend(0.0), Vec3::Y),
    ));
}
