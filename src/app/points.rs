//! Data points as entities: one per point, sharing one mesh and one material per class so
//! that they batch. Training points are filled discs; test points are rings.

use super::{Scenario, class_color};
use bevy::prelude::*;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Startup, spawn_points);
}

/// A data point's place in its set.
#[derive(Component, Debug, Clone, Copy)]
pub struct DataPoint {
    /// Index within the training or the test set.
    pub index: usize,
    /// Whether it belongs to the test set.
    pub test: bool,
    /// Its class.
    pub class: u32,
}

fn spawn_points(
    mut commands: Commands,
    scenario: Res<Scenario>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let (lo, hi) = super::camera::data_bounds(&scenario);
    let radius = (hi - lo).max_element() * 0.006;
    let disc = meshes.add(Circle::new(radius));
    let ring = meshes.add(Annulus::new(radius * 0.55, radius * 1.1));
    let classes = scenario.0.train.classes.max(scenario.0.test.classes) as u32;
    let material = |k: u32, materials: &mut Assets<StandardMaterial>| {
        materials.add(StandardMaterial {
            base_color: class_color(k),
            unlit: true,
            ..default()
        })
    };
    let class_materials: Vec<_> = (0..classes).map(|k| material(k, &mut materials)).collect();
    for (data, test) in [(&scenario.0.train, false), (&scenario.0.test, true)] {
        for i in 0..data.len() {
            let p = data.point(i);
            let class = data.y[i];
            commands.spawn((
                DataPoint {
                    index: i,
                    test,
                    class,
                },
                Mesh3d(if test { ring.clone() } else { disc.clone() }),
                MeshMaterial3d(class_materials[class as usize].clone()),
                // Test points sit just above the training points so they stay visible.
                Transform::from_xyz(
                    p[0],
                    p.get(1).copied().unwrap_or(0.0),
                    if test { 0.02 } else { 0.01 },
                ),
            ));
        }
    }
}
