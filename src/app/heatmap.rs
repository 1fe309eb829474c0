//! The decision regions: a textured quad under the points whose pixels the training worker
//! computes; this plugin only uploads them when a new version arrives.

use super::Showing;
use super::explorer::{Explorer, Published};
use super::{CameraRig, View};
use bevy::asset::RenderAssetUsages;
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Startup, spawn_heatmap)
        .add_systems(OnEnter(Showing(View::Regions)), put_plane_in_charge)
        .add_systems(Update, (upload_heatmap_pixels, fit_heatmap_to_data));
}

/// The regions are seen straight down, by the plane camera.
fn put_plane_in_charge(mut rig: ResMut<CameraRig>) {
    rig.set_if_neq(CameraRig::Plane);
}

/// The quad that shows the regions.
#[derive(Component)]
pub struct Heatmap {
    image: Handle<Image>,
    /// The publication whose pixels are shown.
    version: u64,
}

fn blank_image(resolution: u32) -> Image {
    Image::new_fill(
        Extent3d {
            width: resolution,
            height: resolution,
            depth_or_array_layers: 1,
        },
        TextureDimension::D2,
        &[0, 0, 0, 0],
        TextureFormat::Rgba8UnormSrgb,
        RenderAssetUsages::default(),
    )
}

fn spawn_heatmap(
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
    mut images: ResMut<Assets<Image>>,
) {
    let image = images.add(blank_image(1));
    commands.spawn((
        Name::new("Decision regions"),
        Heatmap {
            image: image.clone(),
            version: 0,
        },
        Mesh3d(meshes.add(Rectangle::new(1.0, 1.0))),
        MeshMaterial3d(materials.add(StandardMaterial {
            base_color_texture: Some(image),
            unlit: true,
            alpha_mode: AlphaMode::Blend,
            ..default()
        })),
        Transform::default(),
        Visibility::Hidden,
    ));
}

/// Copies newly published pixels into the quad's texture.
fn upload_heatmap_pixels(
    published: Res<Published>,
    mode: Res<State<Showing>>,
    mut heatmaps: Query<(
        &mut Heatmap,
        &mut Visibility,
        &MeshMaterial3d<StandardMaterial>,
    )>,
    mut images: ResMut<Assets<Image>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let Some(latest) = &published.0 else { return };
    for (mut heatmap, mut visibility, material) in &mut heatmaps {
        if mode.get().0 != View::Regions {
            // Hidden under the layers view; shown again, with fresh pixels, on return.
            if *visibility != Visibility::Hidden {
                *visibility = Visibility::Hidden;
            }
            heatmap.version = 0;
            continue;
        }
        if heatmap.version == latest.version {
            continue;
        }
        heatmap.version = latest.version;
        let Some(spec) = latest.heatmap_spec.filter(|_| !latest.heatmap.is_empty()) else {
            *visibility = Visibility::Hidden;
            continue;
        };
        let res = spec.resolution as u32;
        let Some(mut image) = images.get_mut(&heatmap.image) else {
            continue;
        };
        if image.width() != res || image.height() != res {
            *image = blank_image(res);
            // A material already drawn with the old texture keeps binding it until the
            // material itself changes (seen when the window opens on the layers view).
            if let Some(mut m) = materials.get_mut(&material.0) {
                m.base_color_texture = Some(heatmap.image.clone());
            }
        }
        image.data = Some(latest.heatmap.clone());
        *visibility = Visibility::Visible;
    }
}

/// Stretches the quad over the area the pixels were computed for.
fn fit_heatmap_to_data(
    published: Res<Published>,
    explorer: Res<Explorer>,
    mut heatmaps: Query<&mut Transform, With<Heatmap>>,
) {
    if !published.is_changed() && !explorer.is_changed() {
        return;
    }
    let Some(spec) = published.0.as_ref().and_then(|l| l.heatmap_spec) else {
        return;
    };
    for mut t in &mut heatmaps {
        let size = Vec2::new(spec.max[0] - spec.min[0], spec.max[1] - spec.min[1]);
        let center = Vec2::new(spec.min[0], spec.min[1]) + size / 2.0;
        *t = Transform::from_translation(center.extend(0.0)).with_scale(size.extend(1.0));
    }
}
