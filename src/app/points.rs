//! Data points as entities: one per point, sharing one mesh per class (and per set) so that
//! they batch. Training points are discs with a dark rim; test points are rings.

use super::class_color;
use super::explorer::Explorer;
use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;
use bevy::render::render_resource::AsBindGroup;
use bevy::shader::ShaderRef;

pub(super) fn plugin(app: &mut App) {
    app.world_mut()
        .resource_mut::<Assets<Shader>>()
        .insert(
            POINT_SHADER.id(),
            Shader::from_wgsl(
                include_str!("../../assets/shaders/point.wgsl"),
                "shaders/point.wgsl",
            ),
        )
        .expect("a fixed id");
    app.add_plugins(MaterialPlugin::<PointMaterial>::default())
        .add_systems(Update, respawn_points);
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

/// The material of points: a disc or a ring with a rim, cut out of a quad by the shader
/// `assets/shaders/point.wgsl` (compiled into the binary). Two triangles a point: software
/// renderers (the tests' lavapipe) pay for every triangle of every point.
#[derive(Asset, TypePath, AsBindGroup, Debug, Clone)]
pub struct PointMaterial {
    /// Fill colour (linear).
    #[uniform(0)]
    pub fill: LinearRgba,
    /// Rim colour (linear).
    #[uniform(1)]
    pub rim: LinearRgba,
    /// x: the hole's radius (0 for a disc), y: where the rim starts (radius 1 = the edge).
    #[uniform(2)]
    pub shape: Vec4,
}

const POINT_SHADER: Handle<Shader> =
    bevy::asset::uuid_handle!("5f0c2f3e-8d7b-4c61-9a52-3b7e1d6a9c40");

impl Material for PointMaterial {
    fn fragment_shader() -> ShaderRef {
        POINT_SHADER.into()
    }

    fn alpha_mode(&self) -> AlphaMode {
        AlphaMode::AlphaToCoverage
    }
}

/// A square from -1 to 1 facing +z, UVs 0..1.
fn point_quad() -> Mesh {
    Mesh::new(
        PrimitiveTopology::TriangleList,
        RenderAssetUsages::default(),
    )
    .with_inserted_attribute(
        Mesh::ATTRIBUTE_POSITION,
        vec![
            [-1.0, -1.0, 0.0],
            [1.0, -1.0, 0.0],
            [1.0, 1.0, 0.0],
            [-1.0, 1.0, 0.0],
        ],
    )
    .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, vec![[0.0, 0.0, 1.0]; 4])
    .with_inserted_attribute(
        Mesh::ATTRIBUTE_UV_0,
        vec![[0.0, 1.0], [1.0, 1.0], [1.0, 0.0], [0.0, 0.0]],
    )
    .with_inserted_indices(Indices::U32(vec![0, 1, 2, 0, 2, 3]))
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
    mut materials: ResMut<Assets<PointMaterial>>,
    mut quad: Local<Option<Handle<Mesh>>>,
) {
    if *shown == explorer.data_version {
        return;
    }
    *shown = explorer.data_version;
    for e in &existing {
        commands.entity(e).despawn();
    }
    let quad = quad.get_or_insert_with(|| meshes.add(point_quad())).clone();
    let rim = Color::srgb(0.05, 0.05, 0.07).to_linear();
    let classes = explorer.classes() as u32;
    // Training points are discs, test points rings.
    let material = |k: u32, hole: f32| PointMaterial {
        fill: class_color(k).to_linear(),
        rim,
        shape: Vec4::new(hole, 0.78, 0.0, 0.0),
    };
    let discs: Vec<_> = (0..classes)
        .map(|k| materials.add(material(k, 0.0)))
        .collect();
    let rings: Vec<_> = (0..classes)
        .map(|k| materials.add(material(k, 0.45)))
        .collect();
    let mut batch = Vec::with_capacity(explorer.train.len() + explorer.test.len());
    for (data, test) in [(&explorer.train, false), (&explorer.test, true)] {
        for i in 0..data.len() {
            let class = data.y[i];
            let look =
                if test { &rings } else { &discs }[class as usize % classes as usize].clone();
            batch.push((
                DataPoint {
                    index: i,
                    test,
                    class,
                },
                Mesh3d(quad.clone()),
                MeshMaterial3d(look),
                plane_transform(&explorer, i, test).expect("an index of this set"),
            ));
        }
    }
    commands.spawn_batch(batch);
}
