// Data points, all in one instanced draw (src/app/point_drawing.rs): each instance is a
// point's centre and radius, its fill (linear) and its hole's radius (0 for a disc); the
// vertex shader makes its quad, facing the view, and the fragment shader cuts it into a disc
// (or a ring) with a dark rim. The edge fades over a pixel: alpha-to-coverage under
// multisampling, blending without it. Compiled into the binary.
#import bevy_pbr::mesh_view_bindings::view

struct Instance {
    @location(0) at_radius: vec4<f32>,
    @location(1) fill_hole: vec4<f32>,
};

struct VertexOutput {
    @builtin(position) clip_position: vec4<f32>,
    // The corner, -1..1 across the point.
    @location(0) corner: vec2<f32>,
    @location(1) fill_hole: vec4<f32>,
};

// The rim: sRGB (0.05, 0.05, 0.07), linear.
const RIM: vec3<f32> = vec3<f32>(0.003936, 0.003936, 0.005982);
// Where the rim starts, radius 1 being the edge.
const RIM_FROM: f32 = 0.78;

@vertex
fn vertex(@builtin(vertex_index) vertex: u32, instance: Instance) -> VertexOutput {
    var corners = array<vec2<f32>, 6>(
        vec2<f32>(-1.0, -1.0),
        vec2<f32>(1.0, -1.0),
        vec2<f32>(1.0, 1.0),
        vec2<f32>(-1.0, -1.0),
        vec2<f32>(1.0, 1.0),
        vec2<f32>(-1.0, 1.0),
    );
    let corner = corners[vertex % 6u];
    // Facing the view: along its right and up, and a radius nearer the viewer than the
    // centre (as a ball's front is), so that the lines of the grid a point lies on pass
    // behind its disc rather than through it.
    let right = normalize(view.world_from_view[0].xyz);
    let up = normalize(view.world_from_view[1].xyz);
    let back = normalize(view.world_from_view[2].xyz);
    let radius = instance.at_radius.w;
    let world = instance.at_radius.xyz + (right * corner.x + up * corner.y + back) * radius;
    var out: VertexOutput;
    out.clip_position = view.clip_from_world * vec4<f32>(world, 1.0);
    out.corner = corner;
    out.fill_hole = instance.fill_hole;
    return out;
}

@fragment
fn fragment(in: VertexOutput) -> @location(0) vec4<f32> {
    let r = length(in.corner);
    let aa = max(fwidth(r), 1e-4);
    var coverage = 1.0 - smoothstep(1.0 - aa, 1.0, r);
    let hole = in.fill_hole.w;
    if hole > 0.0 {
        coverage = coverage * smoothstep(hole - aa, hole, r);
    }
    if coverage <= 0.0 {
        discard;
    }
    let color = mix(in.fill_hole.rgb, RIM, smoothstep(RIM_FROM - aa, RIM_FROM, r));
    return vec4<f32>(color, coverage);
}
