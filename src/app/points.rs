//! Data points as entities: one per point, sharing one mesh per class (and per set) so that
//! they batch. Training points are discs with a dark rim; test points are rings.

use super::class_color;
use super::explorer::Explorer;
use bevy::asset::RenderAssetUsages;
use bevy::camera::visibility::{NoFrustumCulling, VisibilitySystems};
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
        .init_resource::<BlendPoints>()
        .add_systems(Startup, spawn_points_as_one_mesh)
        // Before the views move the points: new entities are placed in the frame they appear.
        .add_systems(
            Update,
            respawn_points
                .after(super::player::PlayerSet::Play)
                .before(super::ViewSet::Animate),
        )
        // After the views moved the points (Update), before Bevy works out what is visible.
        .add_systems(
            PostUpdate,
            draw_points_as_one_mesh.before(VisibilitySystems::VisibilityPropagate),
        );
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

/// Whether points blend their soft edge into what is behind them, for views drawn without
/// multisampling (`render --antialias`); otherwise the edge becomes multisample coverage.
///
/// Blended points must be drawn back to front, and Bevy 0.19 sorts moving transparent
/// meshes by where they were when it first queued them (in a run-dependent order): so
/// blended points are drawn as one mesh, rebuilt every frame, whose quads come in drawing
/// order, and the point entities are hidden meanwhile.
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct BlendPoints(pub bool);

/// The mesh that draws every point when they blend ([`BlendPoints`]).
#[derive(Component)]
struct PointsAsOneMesh;

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
    /// Blend the shader's soft edge into what is behind (no multisampling to smooth it).
    pub blend: bool,
}

const POINT_SHADER: Handle<Shader> =
    bevy::asset::uuid_handle!("5f0c2f3e-8d7b-4c61-9a52-3b7e1d6a9c40");

impl Material for PointMaterial {
    fn fragment_shader() -> ShaderRef {
        POINT_SHADER.into()
    }

    fn alpha_mode(&self) -> AlphaMode {
        if self.blend {
            // Drawn back to front: each point has its own depth (`draw_rank`).
            AlphaMode::Blend
        } else {
            AlphaMode::AlphaToCoverage
        }
    }
}

/// Corners of a point's quad (before its transform) and their UVs.
const CORNERS: [[f32; 3]; 4] = [
    [-1.0, -1.0, 0.0],
    [1.0, -1.0, 0.0],
    [1.0, 1.0, 0.0],
    [-1.0, 1.0, 0.0],
];
const CORNER_UVS: [[f32; 2]; 4] = [[0.0, 1.0], [1.0, 1.0], [1.0, 0.0], [0.0, 0.0]];

/// Where the rim starts, radius 1 being the edge.
const RIM_FROM: f32 = 0.78;

/// The hole of a test point's ring (training points are discs).
const TEST_HOLE: f32 = 0.45;

/// A square from -1 to 1 facing +z, UVs 0..1.
fn point_quad() -> Mesh {
    Mesh::new(
        PrimitiveTopology::TriangleList,
        RenderAssetUsages::default(),
    )
    .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, CORNERS.to_vec())
    .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, vec![[0.0, 0.0, 1.0]; 4])
    .with_inserted_attribute(Mesh::ATTRIBUTE_UV_0, CORNER_UVS.to_vec())
    .with_inserted_indices(Indices::U32(vec![0, 1, 2, 0, 2, 3]))
}

fn rim_color() -> LinearRgba {
    Color::srgb(0.05, 0.05, 0.07).to_linear()
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
    let rim = rim_color();
    let classes = explorer.classes() as u32;
    // Training points are discs, test points rings.
    let material = |k: u32, hole: f32| PointMaterial {
        fill: class_color(k).to_linear(),
        rim,
        shape: Vec4::new(hole, RIM_FROM, 0.0, 0.0),
        blend: false,
    };
    let discs: Vec<_> = (0..classes)
        .map(|k| materials.add(material(k, 0.0)))
        .collect();
    let rings: Vec<_> = (0..classes)
        .map(|k| materials.add(material(k, TEST_HOLE)))
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

fn spawn_points_as_one_mesh(
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<PointMaterial>>,
) {
    commands.spawn((
        Name::new("Points as one mesh"),
        PointsAsOneMesh,
        Mesh3d(meshes.add(points_mesh(&[]))),
        MeshMaterial3d(materials.add(PointMaterial {
            // Fill and shape come with each vertex.
            fill: LinearRgba::NONE,
            rim: rim_color(),
            shape: Vec4::ZERO,
            blend: true,
        })),
        Transform::IDENTITY,
        Visibility::Hidden,
        // Its bounds change every frame.
        NoFrustumCulling,
    ));
}

/// When points blend: hides the point entities and draws them all as one mesh, quads in
/// drawing order (far to near as the active camera sees them, overlapping points by
/// their rank); otherwise shows the entities again.
fn draw_points_as_one_mesh(
    blend: Res<BlendPoints>,
    explorer: Res<Explorer>,
    mut points: Query<(&DataPoint, &Transform, &mut Visibility), Without<PointsAsOneMesh>>,
    one: Single<(&Mesh3d, &mut Visibility), With<PointsAsOneMesh>>,
    cameras: Query<(&Camera, &Projection, &GlobalTransform)>,
    mut meshes: ResMut<Assets<Mesh>>,
) {
    if !blend.0 && !blend.is_changed() {
        return;
    }
    let (mesh, mut shown) = one.into_inner();
    let entities = if blend.0 {
        Visibility::Hidden
    } else {
        Visibility::Inherited
    };
    for (_, _, mut v) in &mut points {
        v.set_if_neq(entities);
    }
    shown.set_if_neq(if blend.0 {
        Visibility::Inherited
    } else {
        Visibility::Hidden
    });
    if !blend.0 {
        return;
    }
    // The viewer: an active perspective camera if there is one (3D), else the flat one.
    let viewer = cameras
        .iter()
        .filter(|(c, _, _)| c.is_active)
        .max_by_key(|(_, p, _)| matches!(p, Projection::Perspective(_)))
        .map(|(_, _, t)| (t.translation(), t.forward().as_vec3()));
    let mut order: Vec<(f32, f32, &DataPoint, &Transform)> = points
        .iter()
        .map(|(point, transform, _)| {
            let depth = viewer.map_or(0.0, |(at, forward)| {
                (transform.translation - at).dot(forward)
            });
            let rank = draw_rank(&explorer, point.index, point.test);
            (depth, rank, point, transform)
        })
        .collect();
    // Far first; the same depth by rank, low first (on top: the higher rank).
    order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.total_cmp(&b.1)));
    let classes = explorer.classes().max(1) as u32;
    let quads: Vec<_> = order
        .iter()
        .map(|(_, _, point, transform)| {
            let hole = if point.test { TEST_HOLE } else { 0.0 };
            let fill = class_color(point.class % classes).to_linear();
            (**transform, fill, hole)
        })
        .collect();
    if let Some(mut mesh) = meshes.get_mut(&mesh.0) {
        *mesh = points_mesh(&quads);
    }
}

/// Quads for points (transform, fill, hole) in drawing order; a single degenerate quad for
/// none (an empty mesh upsets the renderer).
fn points_mesh(points: &[(Transform, LinearRgba, f32)]) -> Mesh {
    let none = [(Transform::from_scale(Vec3::ZERO), LinearRgba::NONE, 0.0)];
    let points = if points.is_empty() { &none[..] } else { points };
    let n = points.len();
    let mut positions = Vec::with_capacity(4 * n);
    let mut uvs = Vec::with_capacity(4 * n);
    let mut colors = Vec::with_capacity(4 * n);
    let mut shapes = Vec::with_capacity(4 * n);
    let mut indices = Vec::with_capacity(6 * n);
    for (i, (transform, fill, hole)) in points.iter().enumerate() {
        for (corner, uv) in CORNERS.iter().zip(CORNER_UVS) {
            positions.push(transform.transform_point(Vec3::from(*corner)).to_array());
            uvs.push(uv);
            colors.push(fill.to_f32_array());
            shapes.push([*hole, RIM_FROM]);
        }
        let v = 4 * i as u32;
        indices.extend_from_slice(&[v, v + 1, v + 2, v, v + 2, v + 3]);
    }
    Mesh::new(
        PrimitiveTopology::TriangleList,
        RenderAssetUsages::default(),
    )
    .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
    .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, vec![[0.0, 0.0, 1.0]; 4 * n])
    .with_inserted_attribute(Mesh::ATTRIBUTE_UV_0, uvs)
    .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, colors)
    .with_inserted_attribute(Mesh::ATTRIBUTE_UV_1, shapes)
    .with_inserted_indices(Indices::U32(indices))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bevy::mesh::VertexAttributeValues;

    fn floats2(mesh: &Mesh, attribute: bevy::mesh::MeshVertexAttribute) -> Vec<[f32; 2]> {
        match mesh.attribute(attribute) {
            Some(VertexAttributeValues::Float32x2(v)) => v.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn one_mesh_keeps_the_points_in_drawing_order() {
        let blue = LinearRgba::BLUE;
        let red = LinearRgba::RED;
        let mesh = points_mesh(&[
            (Transform::from_xyz(5.0, 0.0, 0.1), blue, 0.0),
            (
                Transform::from_xyz(-5.0, 0.0, 0.2).with_scale(Vec3::splat(2.0)),
                red,
                TEST_HOLE,
            ),
        ]);
        let Some(VertexAttributeValues::Float32x3(at)) = mesh.attribute(Mesh::ATTRIBUTE_POSITION)
        else {
            panic!("positions");
        };
        assert_eq!(at.len(), 8);
        // The first point's corners first, around it; the second's, scaled, after.
        assert_eq!(at[0], [4.0, -1.0, 0.1]);
        assert_eq!(at[2], [6.0, 1.0, 0.1]);
        assert_eq!(at[4], [-7.0, -2.0, 0.2]);
        assert_eq!(at[6], [-3.0, 2.0, 0.2]);
        let Some(VertexAttributeValues::Float32x4(colors)) = mesh.attribute(Mesh::ATTRIBUTE_COLOR)
        else {
            panic!("colours");
        };
        assert_eq!(colors[3], blue.to_f32_array());
        assert_eq!(colors[4], red.to_f32_array());
        let shapes = floats2(&mesh, Mesh::ATTRIBUTE_UV_1);
        assert_eq!(shapes[0], [0.0, RIM_FROM], "a training point: a disc");
        assert_eq!(shapes[7], [TEST_HOLE, RIM_FROM], "a test point: a ring");
        let Some(Indices::U32(indices)) = mesh.indices() else {
            panic!("indices");
        };
        assert_eq!(indices, &[0, 1, 2, 0, 2, 3, 4, 5, 6, 4, 6, 7]);
    }

    #[test]
    fn no_points_make_one_invisible_quad() {
        let mesh = points_mesh(&[]);
        let Some(VertexAttributeValues::Float32x3(at)) = mesh.attribute(Mesh::ATTRIBUTE_POSITION)
        else {
            panic!("positions");
        };
        assert_eq!(at, &vec![[0.0; 3]; 4], "all corners on one spot: no area");
        assert_eq!(floats2(&mesh, Mesh::ATTRIBUTE_UV_0).len(), 4);
    }
}
