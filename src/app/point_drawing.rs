//! Draws every data point with one instanced draw: the points' instances (centre, radius,
//! fill, hole: 32 bytes a point, gathered by [`super::points`]) go to the GPU as one vertex
//! buffer, and one draw of six vertices per instance makes each point's quad, turned to face
//! the view and cut into a disc or a ring by `assets/shaders/point.wgsl`. Nothing per point
//! runs on the CPU here: no transform, no visibility, no culling, no sorting into phases.
//!
//! The draw joins the transparent 3D phase: first of it, before the line gizmos, when the
//! view multisamples (the edges become alpha-to-coverage and the points write depth, as an
//! alpha-masked mesh would), in its place by distance when the view does not (the edges
//! blend, the points in the order they were gathered: back to front).

use bevy::camera::visibility::RenderLayers;
use bevy::core_pipeline::core_3d::{Transparent3d, TransparentSortingInfo3d};
use bevy::ecs::query::QueryItem;
use bevy::ecs::system::{SystemParamItem, lifetimeless::Read};
use bevy::gizmos_render::GizmoRenderSystems;
use bevy::mesh::{MeshVertexBufferLayoutRef, MeshVertexBufferLayouts, VertexBufferLayout};
use bevy::pbr::{
    MeshPipeline, MeshPipelineKey, MeshPipelineSystems, SetMeshViewBindGroup,
    SetMeshViewBindingArrayBindGroup, ViewKeyCache,
};
use bevy::prelude::*;
use bevy::render::extract_component::{ExtractComponent, ExtractComponentPlugin};
use bevy::render::render_phase::{
    AddRenderCommand, DrawFunctions, PhaseItem, PhaseItemExtraIndex, RenderCommand,
    RenderCommandResult, SetItemPipeline, TrackedRenderPass, ViewSortedRenderPhases,
};
use bevy::render::render_resource::{
    Buffer, BufferInitDescriptor, BufferUsages, PipelineCache, RenderPipelineDescriptor,
    SpecializedMeshPipeline, SpecializedRenderPipeline, SpecializedRenderPipelines,
    VertexAttribute, VertexFormat, VertexStepMode,
};
use bevy::render::renderer::RenderDevice;
use bevy::render::sync_component::SyncComponent;
use bevy::render::sync_world::MainEntity;
use bevy::render::view::ExtractedView;
use bevy::render::{Render, RenderApp, RenderStartup, RenderSystems};
use bevy::shader::Shader;
use std::sync::Arc;

/// One point as the GPU draws it: centre (xyz) and radius, fill (linear rgb) and the hole's
/// radius (0 for a disc, a ring's otherwise), all f32.
pub type PointInstance = [f32; 8];

/// Every point to draw, in drawing order, and the centre of their box (where the transparent
/// phase places them when they blend). Replaced (a new `Arc`) whenever anything changes:
/// the render world uploads it again only then.
#[derive(Component, Clone, Default)]
pub struct PointInstances {
    /// The instances, in drawing order.
    pub data: Arc<Vec<PointInstance>>,
    /// The centre of the points' box.
    pub center: Vec3,
}

impl SyncComponent for PointInstances {
    type Target = ExtractedPoints;
}

impl ExtractComponent for PointInstances {
    type QueryData = (&'static PointInstances, Option<&'static RenderLayers>);
    type QueryFilter = ();
    type Out = ExtractedPoints;

    fn extract_component(
        (points, layers): QueryItem<'_, '_, Self::QueryData>,
    ) -> Option<Self::Out> {
        Some(ExtractedPoints {
            points: points.clone(),
            layers: layers.cloned().unwrap_or_default(),
        })
    }
}

/// The points in the render world, with the layers the views must share to see them.
#[derive(Component)]
pub struct ExtractedPoints {
    points: PointInstances,
    layers: RenderLayers,
}

/// The points' instance buffer, and which gathering it holds.
#[derive(Component)]
struct PointBuffer {
    buffer: Buffer,
    length: u32,
    source: Arc<Vec<PointInstance>>,
}

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
    app.add_plugins(ExtractComponentPlugin::<PointInstances>::default());
    let Some(render_app) = app.get_sub_app_mut(RenderApp) else {
        return;
    };
    render_app
        .add_render_command::<Transparent3d, DrawPoints>()
        .init_resource::<SpecializedRenderPipelines<PointPipeline>>()
        .add_systems(
            RenderStartup,
            init_point_pipeline.after(MeshPipelineSystems),
        )
        .add_systems(
            Render,
            (
                // Queued before the line gizmos, which sort as the points do when they
                // multisample (first of the phase): drawn before them, the points' depth
                // keeps the lines' smoothed edges from cutting into the discs.
                queue_points
                    .in_set(RenderSystems::Queue)
                    .before(GizmoRenderSystems::QueueLineGizmos3d),
                prepare_point_buffers.in_set(RenderSystems::PrepareResources),
            ),
        );
}

const POINT_SHADER: Handle<Shader> =
    bevy::asset::uuid_handle!("5f0c2f3e-8d7b-4c61-9a52-3b7e1d6a9c40");

/// Bevy's mesh pipeline (for the view's bindings, targets, depth and multisampling), with
/// the points' shader and instance buffer in place of a mesh.
#[derive(Resource)]
struct PointPipeline {
    mesh_pipeline: MeshPipeline,
    /// The layout of a mesh of positions only: what the mesh pipeline specializes for (the
    /// points replace its vertex buffer with theirs).
    layout: MeshVertexBufferLayoutRef,
}

fn init_point_pipeline(
    mut commands: Commands,
    mesh_pipeline: Res<MeshPipeline>,
    mut layouts: ResMut<MeshVertexBufferLayouts>,
) {
    let positions = Mesh::new(
        bevy::mesh::PrimitiveTopology::TriangleList,
        bevy::asset::RenderAssetUsages::default(),
    )
    .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, vec![[0.0f32; 3]; 3]);
    commands.insert_resource(PointPipeline {
        mesh_pipeline: mesh_pipeline.clone(),
        layout: positions.get_mesh_vertex_buffer_layout(&mut layouts),
    });
}

impl SpecializedRenderPipeline for PointPipeline {
    type Key = MeshPipelineKey;

    fn specialize(&self, key: Self::Key) -> RenderPipelineDescriptor {
        let mut descriptor = self
            .mesh_pipeline
            .specialize(key, &self.layout)
            .expect("a mesh of positions specializes");
        // The view's bindings only (groups 0 and 1): no mesh, no material.
        descriptor.layout.truncate(2);
        descriptor.vertex.shader = POINT_SHADER;
        descriptor.vertex.buffers = vec![VertexBufferLayout {
            array_stride: size_of::<PointInstance>() as u64,
            step_mode: VertexStepMode::Instance,
            attributes: vec![
                VertexAttribute {
                    format: VertexFormat::Float32x4,
                    offset: 0,
                    shader_location: 0,
                },
                VertexAttribute {
                    format: VertexFormat::Float32x4,
                    offset: VertexFormat::Float32x4.size(),
                    shader_location: 1,
                },
            ],
        }];
        descriptor.primitive.cull_mode = None;
        if let Some(fragment) = descriptor.fragment.as_mut() {
            fragment.shader = POINT_SHADER;
        }
        descriptor.label = Some("points".into());

        descriptor
    }
}

/// Uploads the instances when they changed.
fn prepare_point_buffers(
    mut commands: Commands,
    points: Query<(Entity, &ExtractedPoints, Option<&PointBuffer>)>,
    device: Res<RenderDevice>,
) {
    for (entity, extracted, held) in &points {
        let data = &extracted.points.data;
        if held.is_some_and(|held| Arc::ptr_eq(&held.source, data)) {
            continue;
        }
        // An empty buffer cannot be bound: one invisible point (radius 0) stands in.
        let none = [[0.0; 8]];
        let instances: &[PointInstance] = if data.is_empty() { &none } else { data };
        let buffer = device.create_buffer_with_data(&BufferInitDescriptor {
            label: Some("point instances"),
            contents: bytemuck::cast_slice(instances),
            usage: BufferUsages::VERTEX,
        });
        commands.entity(entity).insert(PointBuffer {
            buffer,
            length: data.len() as u32,
            source: data.clone(),
        });
    }
}

/// Puts the points' draw into every 3D view that shares their layers.
#[allow(
    clippy::too_many_arguments,
    reason = "a render system: one parameter per resource"
)]
fn queue_points(
    draw_functions: Res<DrawFunctions<Transparent3d>>,
    pipeline: Res<PointPipeline>,
    mut pipelines: ResMut<SpecializedRenderPipelines<PointPipeline>>,
    cache: Res<PipelineCache>,
    points: Query<(Entity, &MainEntity, &ExtractedPoints)>,
    mut phases: ResMut<ViewSortedRenderPhases<Transparent3d>>,
    views: Query<(&ExtractedView, Option<&RenderLayers>)>,
    view_keys: Res<ViewKeyCache>,
) {
    let draw = draw_functions.read().id::<DrawPoints>();
    for (view, view_layers) in &views {
        let Some(phase) = phases.get_mut(&view.retained_view_entity) else {
            continue;
        };
        let Some(&view_key) = view_keys.get(&view.retained_view_entity) else {
            continue;
        };
        let default_layers = RenderLayers::default();
        let view_layers = view_layers.unwrap_or(&default_layers);
        for (entity, main_entity, extracted) in &points {
            // (The instance buffer is made after the queue, before the draw.)
            if extracted.points.data.is_empty() || !extracted.layers.intersects(view_layers) {
                continue;
            }
            // Multisampled: the soft edge is coverage, depth is written, drawn first (as the
            // alpha-masked meshes are, before anything translucent). Otherwise the edge
            // blends, drawn where the points' box stands among the translucent things.
            let multisampled = view_key.msaa_samples() > 1;
            let (blend, sorting_info) = if multisampled {
                (
                    MeshPipelineKey::BLEND_ALPHA_TO_COVERAGE,
                    TransparentSortingInfo3d::AlwaysOnTop,
                )
            } else {
                (
                    MeshPipelineKey::BLEND_ALPHA,
                    TransparentSortingInfo3d::Sorted {
                        mesh_center: extracted.points.center,
                        depth_bias: 0.0,
                    },
                )
            };
            let key = view_key.difference(MeshPipelineKey::BLEND_RESERVED_BITS)
                | blend
                | MeshPipelineKey::from_primitive_topology_and_strip_index(
                    bevy::mesh::PrimitiveTopology::TriangleList,
                    None,
                );
            let pipeline = pipelines.specialize(&cache, &pipeline, key);
            phase.add_transient(Transparent3d {
                sorting_info,
                distance: 0.0,
                entity: (entity, *main_entity),
                pipeline,
                draw_function: draw,
                batch_range: 0..1,
                extra_index: PhaseItemExtraIndex::None,
                indexed: false,
            });
        }
    }
}

type DrawPoints = (
    SetItemPipeline,
    SetMeshViewBindGroup<0>,
    SetMeshViewBindingArrayBindGroup<1>,
    DrawPointInstances,
);

struct DrawPointInstances;

impl<P: PhaseItem> RenderCommand<P> for DrawPointInstances {
    type Param = ();
    type ViewQuery = ();
    type ItemQuery = Read<PointBuffer>;

    #[inline]
    fn render<'w>(
        _item: &P,
        _view: (),
        buffer: Option<&'w PointBuffer>,
        _param: SystemParamItem<'w, '_, Self::Param>,
        pass: &mut TrackedRenderPass<'w>,
    ) -> RenderCommandResult {
        let Some(buffer) = buffer else {
            return RenderCommandResult::Skip;
        };
        pass.set_vertex_buffer(0, buffer.buffer.slice(..));
        // Six corners (two triangles) a point, made by the vertex shader.
        pass.draw(0..6, 0..buffer.length);
        RenderCommandResult::Success
    }
}
