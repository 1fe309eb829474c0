// A data point: a disc (or a ring) with a dark rim, cut out of a two-triangle quad whose
// UVs run 0..1. The edge fades over a pixel: alpha-to-coverage under multisampling, blending
// without it (PointMaterial::blend). Compiled into the binary (src/app/points.rs).
#import bevy_pbr::forward_io::VertexOutput

@group(#{MATERIAL_BIND_GROUP}) @binding(0) var<uniform> fill: vec4<f32>;
@group(#{MATERIAL_BIND_GROUP}) @binding(1) var<uniform> rim: vec4<f32>;
// x: the hole's radius (0 for a disc); y: where the rim starts (per vertex when the mesh
// has colours).
@group(#{MATERIAL_BIND_GROUP}) @binding(2) var<uniform> shape: vec4<f32>;

@fragment
fn fragment(in: VertexOutput) -> @location(0) vec4<f32> {
#ifdef VERTEX_COLORS
    // All points as one mesh (blended, src/app/points.rs): fill, hole and rim per vertex.
    let fill_color = in.color;
    let form = in.uv_b;
#else
    let fill_color = fill;
    let form = shape.xy;
#endif
    let r = length(in.uv * 2.0 - 1.0);
    let aa = max(fwidth(r), 1e-4);
    var coverage = 1.0 - smoothstep(1.0 - aa, 1.0, r);
    if form.x > 0.0 {
        coverage = coverage * smoothstep(form.x - aa, form.x, r);
    }
    if coverage <= 0.0 {
        discard;
    }
    let color = mix(fill_color, rim, smoothstep(form.y - aa, form.y, r));
    return vec4<f32>(color.rgb, coverage);
}
