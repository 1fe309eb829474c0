//! Data points as entities: one per point, sharing one mesh per class (and per set) so that
//! they batch. Training points are discs with a dark rim; test points are rings.

use super::class_color;
use super::explorer::Explorer;
use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Update, respawn_points);
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

/// A disc (or a ring, when `hole > 0`) of radius 1 in `fill`, with a rim in `rim`, built with
/// vertex colours so that one white unlit material serves every class.
fn point_mesh(fill: Color, rim: Color, hole: f32) -> Mesh {
    // Few segments: at the size points are drawn, 12 look round, and software renderers
    // (the tests' lavapipe) pay for every triangle of every point.
    const SEGMENTS: u32 = 12;
    let (fill, rim) = (
        fill.to_linear().to_f32_array(),
        rim.to_linear().to_f32_array(),
    );
    let mut positions = Vec::new();
    let mut colors = Vec::new();
    let mut indices = Vec::new();
    // Three rings of vertices: the hole's edge (or centre), the fill's edge, the rim's edge.
    let radii = [hole, 0.78, 1.0];
    let ring_colors = [fill, fill, rim];
    for (r, c) in radii.iter().zip(ring_colors) {
        for s in 0..SEGMENTS {
            let a = s as f32 / SEGMENTS as f32 * std::f32::consts::TAU;
            positions.push([r * a.cos(), r * a.sin(), 0.0]);
            colors.push(c);
        }
    }
    // The rim band takes the rim colour on both of its edges.
    for s in 0..SEGMENTS {
        positions.push(positions[(SEGMENTS + s) as usize]);
        colors.push(rim);
    }
    let band = |inner: u32, outer: u32, indices: &mut Vec<u32>| {
        for s in 0..SEGMENTS {
            let n = (s + 1) % SEGMENTS;
            indices.extend_from_slice(&[
                inner + s,
                outer + s,
                outer + n,
                inner + s,
                outer + n,
                inner + n,
            ]);
        }
    };
    band(0, SEGMENTS, &mut indices);
    band(3 * SEGMENTS, 2 * SEGMENTS, &mut indices);
    let normals = vec![[0.0, 0.0, 1.0]; positions.len()];
    Mesh::new(
        PrimitiveTopology::TriangleList,
        RenderAssetUsages::default(),
    )
    .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
    .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, normals)
    .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, colors)
    .with_inserted_indices(Indices::U32(indices))
}

/// Where a point sits in the plane view: its input-plane position, test points just above
/// training points, sized to the data's box.
pub fn plane_transform(explorer: &Explorer, index: usize, test: bool) -> Option<Transform> {
    let data = if test {
        &explorer.test
    } else {
        &explorer.train
    };
    if index >= data.len() {
        return None;
    }
    let (lo, hi) = explorer.bounds;
    let radius = (hi - lo).max_element() * 0.0065;
    let at = explorer.position(data.point(index));
    let z = flat_z(draw_rank(explorer, index, test));
    Some(Transform::from_xyz(at.x, at.y, z).with_scale(Vec3::splat(radius)))
}

/// A point's place in drawing order, in [0, 1): training points by index, then test points
/// (so they stay visible above them). Overlapping points are told apart by it, a hair nearer
/// the camera the higher the rank, so which one is on top never depends on the order the
/// renderer happens to draw them in: the same frame gives the same pixels every run.
pub fn draw_rank(explorer: &Explorer, index: usize, test: bool) -> f32 {
    let train = explorer.train.len();
    let column = if test { train + index } else { index };
    column as f32 / (train + explorer.test.len()).max(1) as f32
}

/// The height of a point of `rank` in a flat view: above the grid and the decision lines
/// (at most 0.005), below the camera (at 10), far enough apart for the depth buffer to
/// order tens of thousands of points.
pub fn flat_z(rank: f32) -> f32 {
    0.01 + 2.0 * rank
}

/// Replaces the point entities whenever the data changes.
fn respawn_points(
    mut commands: Commands,
    explorer: Res<Explorer>,
    mut shown: Local<u64>,
    existing: Query<Entity, With<DataPoint>>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
    mut white: Local<Option<Handle<StandardMaterial>>>,
) {
    if *shown == explorer.data_version {
        return;
    }
    *shown = explorer.data_version;
    for e in &existing {
        commands.entity(e).despawn();
    }
    let white = white
        .get_or_insert_with(|| {
            materials.add(StandardMaterial {
                base_color: Color::WHITE,
                unlit: true,
                ..default()
            })
        })
        .clone();
    let rim = Color::srgb(0.05, 0.05, 0.07);
    let classes = explorer.classes() as u32;
    let discs: Vec<_> = (0..classes)
        .map(|k| meshes.add(point_mesh(class_color(k), rim, 0.0)))
        .collect();
    let rings: Vec<_> = (0..classes)
        .map(|k| meshes.add(point_mesh(class_color(k), rim, 0.45)))
        .collect();
    let mut batch = Vec::with_capacity(explorer.train.len() + explorer.test.len());
    for (data, test) in [(&explorer.train, false), (&explorer.test, true)] {
        for i in 0..data.len() {
            let class = data.y[i];
            let mesh =
                if test { &rings } else { &discs }[class as usize % classes as usize].clone();
            batch.push((
                DataPoint {
                    index: i,
                    test,
                    class,
                },
                Mesh3d(mesh),
                MeshMaterial3d(white.clone()),
                plane_transform(&explorer, i, test).expect("an index of this set"),
            ));
        }
    }
    commands.spawn_batch(batch);
}
