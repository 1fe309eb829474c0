//! Screenshots on request: `--screenshot FILE.png` saves the window after a delay and quits.
//! The file is written atomically, so a test never reads half a PNG.

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
use std::path::PathBuf;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<CaptureState>()
        .add_systems(Update, (request_screenshot, exit_when_saved));
}

/// Where and when to take the screenshot.
#[derive(Resource)]
pub struct CaptureRequest {
    /// Destination PNG.
    pub path: PathBuf,
    /// Seconds after start.
    pub after: f32,
}

/// Progress of the request. (The screenshot entity is despawned once captured, so the state
/// lives in a resource.)
#[derive(Resource, Default)]
struct CaptureState {
    requested: bool,
    saved: bool,
}

fn request_screenshot(
    mut commands: Commands,
    time: Res<Time>,
    request: Res<CaptureRequest>,
    burst: Res<super::explorer::Burst>,
    mut state: ResMut<CaptureState>,
) {
    // Wait for a preset's network to be trained, and a moment more for the views to follow.
    let ready = burst
        .done_at
        .is_some_and(|t| time.elapsed_secs() >= t + 0.6);
    if state.requested || time.elapsed_secs() < request.after || !ready {
        return;
    }
    state.requested = true;
    let path = request.path.clone();
    commands.spawn(Screenshot::primary_window()).observe(
        move |captured: On<ScreenshotCaptured>, mut state: ResMut<CaptureState>| {
            match save_png(&captured.image, &path) {
                Ok(()) => info!("screenshot saved to {}", path.display()),
                Err(e) => error!("cannot save the screenshot to {}: {e}", path.display()),
            }
            state.saved = true;
        },
    );
}

fn save_png(image: &Image, path: &std::path::Path) -> Result<(), String> {
    // Window surfaces may be BGRA: converted, then encoded as the offline render does.
    let rgba = image
        .clone()
        .try_into_dynamic()
        .map_err(|e| e.to_string())?
        .to_rgba8();
    let frame = crate::export::Frame {
        width: rgba.width(),
        height: rgba.height(),
        rgba: rgba.as_raw(),
    };
    let bytes = crate::export::encode_png(&frame, false).map_err(|e| e.to_string())?;
    crate::io::write_atomic(path, &bytes).map_err(|e| e.to_string())
}

fn exit_when_saved(
    state: Res<CaptureState>,
    explorer: Res<super::explorer::Explorer>,
    plane: Res<super::camera::View2d>,
    view: Res<State<super::View>>,
    mut exit: MessageWriter<AppExit>,
) {
    if state.saved {
        write_report(&explorer, &plane, *view.get());
        exit.write(AppExit::Success);
    }
}

/// With `SPACEFOLD_REPORT=FILE.json`, what the window ended with, for tests that drive it
/// with real input: the points the data has, the plane camera's zoom, the view shown.
fn write_report(
    explorer: &super::explorer::Explorer,
    plane: &super::camera::View2d,
    view: super::View,
) {
    let Some(path) = std::env::var_os("SPACEFOLD_REPORT") else {
        return;
    };
    let report = serde_json::json!({
        "train_points": explorer.train.len(),
        "test_points": explorer.test.len(),
        "units_per_px": plane.units_per_px,
        "center": [plane.center.x, plane.center.y],
        "view": view.name(),
    });
    if let Err(e) =
        crate::io::write_atomic(std::path::Path::new(&path), report.to_string().as_bytes())
    {
        error!("cannot write the report: {e}");
    }
}
