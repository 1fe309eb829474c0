// A data point: a disc (or a ring) with a dark rim, cut out of a two-triangle quad whose
// UVs run 0..1. Edges are smoothed by alpha-to-coverage under multisampling. Compiled into
// the binary (src/app/points.rs).
#import bevy_pbr::forward_io::VertexOutput

@group(#{MATERIAL_BIND_GROUP}) @binding(0) var<uniform> fill: vec4<f32>;
@group(#{MATERIAL_BIND_GROUP}) @binding(1) var<uniform> rim: vec4<f32>;
// x: the hole's radius (0 for a disc); y: where the rim starts.
@group(#{MATERIAL_BIND_GROUP}) @binding(2) var<uniform> shape: vec4<f32>;

@fragment
fn fragment(in: VertexOutput) -> @location(0) vec4<f32> {
    let r = length(in.uv * 2.0 - 1.0);
    let aa = max(fwidth(r), 1e-4);
    var coverage = 1.0 - smoothstep(1.0 - aa, 1.0, r);
    if shape.x > 0.0 {
        coverage = coverage * smoothstep(shape.x - aa, shape.x, r);
    }
    if coverage <= 0.0 {
        discard;
    }
    let color = mix(fill, rim, smoothstep(shape.y - aa, shape.y, r));
    return vec4<f32>(color.rgb, coverage);
}
