//! Screenshots on request: `--screenshot FILE.png` saves the window after a delay and quits.
//! The file is written atomically, so a test never reads half a PNG. And "Save picture"
//! (Ctrl+S, or the panel's button): a PNG of the view, the panels left out, beside the
//! others in the working folder.

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
use std::path::PathBuf;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<CaptureState>()
        .init_resource::<PictureWanted>()
        .init_resource::<PictureFrame>()
        .add_systems(
            Update,
            (
                request_screenshot.run_if(resource_exists::<CaptureRequest>),
                exit_when_saved,
                (want_picture_on_ctrl_s, save_picture).chain(),
            ),
        );
}

/// Set (by the panel's button or Ctrl+S) to save a picture of the view at the next frame.
#[derive(Resource, Default)]
pub struct PictureWanted(pub bool);

/// A picture being taken: the part of the window it keeps (logical pixels, from the top
/// left), laid out as a slide while the panels step aside, and the frames left until the
/// shot (the cameras and the text settle first).
#[derive(Resource, Default)]
pub struct PictureFrame {
    /// Where the picture lies in the window; `None`: no picture is being taken.
    pub rect: Option<Rect>,
    frames: u8,
    path: PathBuf,
}

/// Frames the layout of a picture is shown before the shot.
const PICTURE_SETTLE: u8 = 3;

/// The part of a `window`-sized window a picture keeps: the largest 16:9 rectangle, at the
/// top and centred across (`slide`), or the whole window.
pub fn picture_rect(window: Vec2, slide: bool) -> Rect {
    if !slide {
        return Rect::from_corners(Vec2::ZERO, window);
    }
    let ratio = 16.0 / 9.0;
    let size = if window.x / window.y > ratio {
        Vec2::new(window.y * ratio, window.y)
    } else {
        Vec2::new(window.x, window.x / ratio)
    };
    let left = ((window.x - size.x) / 2.0).floor();
    Rect::from_corners(Vec2::new(left, 0.0), Vec2::new(left, 0.0) + size.floor())
}

fn want_picture_on_ctrl_s(
    keys: Res<ButtonInput<KeyCode>>,
    typing: super::ViewKeys,
    mut wanted: ResMut<PictureWanted>,
) {
    let ctrl = super::held(&keys, [KeyCode::ControlLeft, KeyCode::ControlRight]);
    if ctrl && keys.just_pressed(KeyCode::KeyS) && !typing.blocked() {
        wanted.0 = true;
    }
}

/// The first `spacefold-VIEW-N.png` in `dir` that does not exist yet, N above `after` (the
/// last number taken: a picture is written a few frames after it is asked for).
pub fn picture_path(dir: &std::path::Path, view: super::View, after: u32) -> (PathBuf, u32) {
    (after + 1..)
        .map(|n| (dir.join(format!("spacefold-{}-{n}.png", view.name())), n))
        .find(|(p, _)| std::fs::symlink_metadata(p).is_err())
        .expect("some number is free")
}

fn save_picture(
    mut commands: Commands,
    mut wanted: ResMut<PictureWanted>,
    mut frame: ResMut<PictureFrame>,
    forms: Res<super::ui::Forms>,
    view: Res<State<super::Showing>>,
    window: Single<&Window, With<bevy::window::PrimaryWindow>>,
    mut taken: Local<std::collections::HashMap<super::View, u32>>,
) {
    // A picture asked for while one is being taken waits for it.
    if frame.rect.is_none() && std::mem::take(&mut wanted.0) {
        let last = taken.entry(view.get().0).or_default();
        let (path, n) = picture_path(std::path::Path::new("."), view.get().0, *last);
        *last = n;
        let size = Vec2::new(window.width(), window.height());
        *frame = PictureFrame {
            rect: Some(picture_rect(size, !forms.picture_window_shape)),
            frames: PICTURE_SETTLE,
            path,
        };
        return;
    }
    let Some(rect) = frame.rect else { return };
    if frame.frames > 0 {
        frame.frames -= 1;
        return;
    }
    // The shot taken, the layout stays for the frame it is taken of, then the panels return.
    if frame.path.as_os_str().is_empty() {
        frame.rect = None;
        return;
    }
    // The picture's rectangle in physical pixels.
    let scale = window.scale_factor();
    let px = |v: f32| (v * scale).round().max(0.0) as u32;
    let cut = Cut {
        left: px(rect.min.x),
        top: px(rect.min.y),
        right: px(window.width() - rect.max.x),
        bottom: px(window.height() - rect.max.y),
    };
    let path = std::mem::take(&mut frame.path);
    frame.frames = 1;
    commands.spawn(Screenshot::primary_window()).observe(
        move |captured: On<ScreenshotCaptured>, mut status: ResMut<super::Status>| {
            let result = crop_and_save(&captured.image, cut, &path)
                .map(|()| format!("saved the picture to {}", path.display()))
                .map_err(|e| format!("cannot save the picture to {}: {e}", path.display()));
            status.0 = Some(result);
        },
    );
}

/// Columns and rows of the window the panels cover (physical pixels).
#[derive(Clone, Copy)]
struct Cut {
    left: u32,
    top: u32,
    right: u32,
    bottom: u32,
}

/// The whole image as a PNG written atomically.
pub fn save_whole(image: &Image, path: &std::path::Path) -> Result<(), String> {
    let whole = Cut {
        left: 0,
        top: 0,
        right: 0,
        bottom: 0,
    };
    crop_and_save(image, whole, path)
}

/// The image without the panels' columns and rows, as a PNG written atomically (window
/// surfaces may be BGRA: converted, then encoded as the offline render does).
fn crop_and_save(image: &Image, cut: Cut, path: &std::path::Path) -> Result<(), String> {
    let rgba = image
        .clone()
        .try_into_dynamic()
        .map_err(|e| e.to_string())?
        .to_rgba8();
    let (w, h) = rgba.dimensions();
    let left = cut.left.min(w.saturating_sub(1));
    let right = cut.right.min(w - 1 - left);
    let top = cut.top.min(h.saturating_sub(1));
    let bottom = cut.bottom.min(h - 1 - top);
    let (cw, ch) = (w - left - right, h - top - bottom);
    let mut kept = Vec::with_capacity((cw * ch * 4) as usize);
    let rows = rgba.as_raw().chunks_exact(w as usize * 4);
    for row in rows.skip(top as usize).take(ch as usize) {
        kept.extend_from_slice(&row[left as usize * 4..(left + cw) as usize * 4]);
    }
    let cut = kept;
    let frame = crate::engine::export::Pixels {
        width: cw,
        height: ch,
        rgba: &cut,
    };
    let bytes = crate::engine::export::encode_png(&frame, false).map_err(|e| e.to_string())?;
    crate::engine::io::write_atomic(path, &bytes).map_err(|e| e.to_string())
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
    /// Screenshots asked for and not saved yet (the speaker view's too, when it is open).
    pending: usize,
    saved: bool,
}

/// Where the speaker view's screenshot goes beside the window's: `shot-speaker.png`.
pub fn speaker_path(path: &std::path::Path) -> PathBuf {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    path.with_file_name(format!("{stem}-speaker.png"))
}

/// Seconds a screenshot waits at most for the speaker view's preview of the next frame.
const PREVIEW_WAIT: f32 = 120.0;

/// What a screenshot waits for.
#[derive(bevy::ecs::system::SystemParam)]
struct Ready<'w> {
    time: Res<'w, Time>,
    burst: Res<'w, super::explorer::Burst>,
    layers: Res<'w, super::layers::LayerView>,
    speaker: Res<'w, super::speaker::SpeakerView>,
    player: Option<Res<'w, super::player::Player>>,
}

impl Ready<'_> {
    /// A preset's network trained, and a moment more for the views to follow; a preset that
    /// plays to its moment holding there; the speaker view's preview of the next frame shown
    /// (or waited for long enough); and `after` seconds gone.
    fn at(&self, after: f32) -> bool {
        let now = self.time.elapsed_secs();
        let preview = match (&self.player, self.speaker.window()) {
            (Some(p), Some(_)) => self.speaker.next_frame_ready(p) || now > after + PREVIEW_WAIT,
            _ => true,
        };
        now >= after
            && self.burst.done_at.is_some_and(|t| now >= t + 0.6)
            && (self.layers.hold.is_none() || !self.layers.playing)
            && preview
    }
}

fn request_screenshot(
    mut commands: Commands,
    request: Res<CaptureRequest>,
    ready: Ready,
    mut state: ResMut<CaptureState>,
) {
    if state.requested || !ready.at(request.after) {
        return;
    }
    let speaker = &ready.speaker;
    state.requested = true;
    state.pending = 1;
    shoot(
        &mut commands,
        Screenshot::primary_window(),
        request.path.clone(),
    );
    if let Some(window) = speaker.window() {
        state.pending += 1;
        shoot(
            &mut commands,
            Screenshot::window(window),
            speaker_path(&request.path),
        );
    }
}

/// Saves a window's screenshot to `path`, whole.
fn shoot(commands: &mut Commands, screenshot: Screenshot, path: PathBuf) {
    commands.spawn(screenshot).observe(
        move |captured: On<ScreenshotCaptured>, mut state: ResMut<CaptureState>| {
            match save_whole(&captured.image, &path) {
                Ok(()) => info!("screenshot saved to {}", path.display()),
                Err(e) => error!("cannot save the screenshot to {}: {e}", path.display()),
            }
            state.pending = state.pending.saturating_sub(1);
            state.saved = state.pending == 0;
        },
    );
}

fn exit_when_saved(state: Res<CaptureState>, shown: Shown, mut exit: MessageWriter<AppExit>) {
    if state.saved {
        write_report(&shown);
        exit.write(AppExit::Success);
    }
}

/// What the window shows, for [`write_report`].
#[derive(bevy::ecs::system::SystemParam)]
struct Shown<'w> {
    explorer: Res<'w, super::explorer::Explorer>,
    published: Res<'w, super::explorer::Published>,
    plane: Res<'w, super::camera::View2d>,
    view: Res<'w, State<super::Showing>>,
    layers: Res<'w, super::layers::LayerView>,
    orbit: Res<'w, super::orbit::Orbit>,
    insets: Res<'w, super::camera::PanelInsets>,
    player: Option<Res<'w, super::player::Player>>,
    speaker: Res<'w, super::speaker::SpeakerView>,
    status: Res<'w, super::Status>,
}

/// Where a player stands, for a report: the scene and the stop it rests at (or `null` for
/// each while a step plays), and the scene time.
fn stop_json(player: &super::player::Player) -> serde_json::Value {
    let rest = player.walk.resting_at();
    serde_json::json!({
        "scene": player.scene_index(),
        "resting": rest.map(|s| s.index),
        "time": player.time,
        "present": player.present,
    })
}

/// A fingerprint of every point (coordinates to the bit, and classes), train then test.
fn data_hash(explorer: &super::explorer::Explorer) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |v: u32| {
        for b in v.to_le_bytes() {
            h = (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for data in [&explorer.train, &explorer.test] {
        eat(data.len() as u32);
        for i in 0..data.len() {
            data.point(i).iter().for_each(|v| eat(v.to_bits()));
            eat(data.y[i]);
        }
    }
    format!("{h:016x}")
}

/// With `SPACEFOLD_REPORT=FILE.json`, what the window ended with, for tests that drive it
/// with real input: the points the data has, the plane camera's zoom and the orbit's angles,
/// the view shown and the layers view's position, the live network and its training.
fn write_report(shown: &Shown) {
    let Some(path) = std::env::var_os("SPACEFOLD_REPORT") else {
        return;
    };
    let (explorer, plane) = (&*shown.explorer, &*shown.plane);
    let latest = shown.published.0.as_ref();
    let report = serde_json::json!({
        "train_points": explorer.train.len(),
        "data_hash": data_hash(explorer),
        "test_points": explorer.test.len(),
        "units_per_px": plane.units_per_px,
        "center": [plane.center.x, plane.center.y],
        "view": shown.view.get().0.name(),
        "insets": [shown.insets.left, shown.insets.right, shown.insets.bottom],
        "scene": shown.player.as_ref().map(|p| p.loaded.scene.title.clone()),
        "scene_time": shown.player.as_ref().map(|p| p.time),
        "talk_scene": shown.player.as_ref().filter(|p| p.talk.is_some()).map(|p| p.scene_index()),
        "stop": shown.player.as_ref().map(|p| stop_json(p)),
        "speaker": shown.player.as_ref().filter(|_| shown.speaker.window().is_some()).map(|p| {
            let place = p.place();
            serde_json::json!({
                "notes": p.notes_now(),
                "place": [place.scene, place.scenes, place.cue, place.cues],
                "next": p.next_stop().map(|s| serde_json::json!([s.scene, s.time])),
                "preview_shown": shown.speaker.next_frame_shown(p),
            })
        }),
        "position": shown.layers.position,
        "playing": shown.layers.playing,
        "orbit_degrees": [shown.orbit.yaw.to_degrees(), shown.orbit.pitch.to_degrees()],
        "sizes": latest.map(|l| l.network.sizes()),
        "epoch": latest.map(|l| l.epoch),
        "optimizer": explorer.config.optimizer.name(),
        "axis_titles": explorer.axis_titles(),
        "diagram_names": [explorer.input_names(), explorer.output_names()],
        "class_names": (0..explorer.classes() as u32)
            .map(|k| explorer.class_name(k))
            .collect::<Vec<_>>(),
        "message": shown.status.0.as_ref().map(|m| match m {
            Ok(t) | Err(t) => t.clone(),
        }),
    });
    if let Err(e) =
        crate::engine::io::write_atomic(std::path::Path::new(&path), report.to_string().as_bytes())
    {
        error!("cannot write the report: {e}");
    }
}
