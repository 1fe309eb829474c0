//! Smooth line edges without multisampling: Bevy's gizmo line shader is replaced by
//! `assets/shaders/gizmo_lines.wgsl`, the same shader with edges that fade over a pixel.
//! Every line in spacefold is a gizmo (grids, axes, decision lines, boxes), so with this the
//! flat views are anti-aliased even with multisampling off (`render --antialias smooth`).

use bevy::asset::io::embedded::EmbeddedAssetRegistry;
use bevy::prelude::*;
use std::path::{Path, PathBuf};

/// Where Bevy's gizmo plugin registers its line shader (`embedded_asset!` in
/// bevy_gizmos_render's lib.rs), which its pipelines load when the renderer starts.
const GIZMO_LINE_SHADER: &str = "bevy_gizmos_render/lines.wgsl";

pub(super) fn plugin(app: &mut App) {
    // Runs after DefaultPlugins registered Bevy's shader and before the renderer loads it.
    app.world()
        .resource::<EmbeddedAssetRegistry>()
        .insert_asset(
            PathBuf::new(),
            Path::new(GIZMO_LINE_SHADER),
            include_bytes!("../../assets/shaders/gizmo_lines.wgsl").as_slice(),
        );
}
