//! The window: Bevy plugins that turn the engine's data and networks into entities.
//! One plugin per file; this one only assembles them.

mod camera;
mod capture;
mod colors;
mod dialogs;
pub mod editing;
pub mod explorer;
mod frame_stats;
pub mod full_screen;
mod heatmap;
pub mod layers;
mod open_files;
mod orbit;
pub mod player;
mod point_drawing;
pub mod points;
pub mod presenter;
mod recent;
pub mod rehearsal;
pub mod render;
mod rest_shots;
mod setups;
mod smooth_lines;
pub mod speaker;
mod startup;
pub mod surfaces;
pub mod talk;
mod ui;

use crate::engine::live::LiveTraining;
use crate::engine::setup::{Resolved, Start};
use bevy::prelude::*;
use bevy::window::WindowResolution;
use std::path::PathBuf;

pub use crate::engine::setup::View;

/// The view on screen, as the app's Bevy state: the engine's [`View`], which the command
/// line, scenes and presets name.
#[derive(States, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Showing(pub View);
pub use colors::class_color;

/// The status line: what was just done (a file saved, an edit undone), or why not (a file
/// refused). Whoever does something says so here; the panel shows it, the report reads it.
#[derive(Resource, Debug, Default)]
pub struct Status(pub Option<Result<String, String>>);

impl Status {
    /// Says why `done` failed, or clears an old complaint when it went well.
    pub fn unless(&mut self, done: Result<(), String>) {
        match done {
            Ok(()) => {
                if matches!(self.0, Some(Err(_))) {
                    self.0 = None;
                }
            }
            Err(why) => self.0 = Some(Err(why)),
        }
    }
}

/// Present when frames are rendered offline (`spacefold render`): every throttle that
/// spares a live window work (rebuilding surfaces at most so often while a network trains)
/// is off, so what a frame shows depends on its time alone.
#[derive(Resource)]
pub struct ExactFrames;

/// What the window opens on.
pub struct AppOptions {
    /// Data set, network and training settings from the command line.
    pub resolved: Resolved,
    /// Seed of the split and the weights.
    pub seed: u64,
    /// Start training at once.
    pub training: bool,
    /// Save a screenshot here, then quit.
    pub screenshot: Option<PathBuf>,
    /// Seconds before that screenshot.
    pub screenshot_after: f32,
    /// Window size in pixels.
    pub size: (u32, u32),
    /// Decision-region pixels per side.
    pub heatmap_resolution: usize,
    /// Measure this many frames' CPU time, print it and quit.
    pub bench_frames: Option<usize>,
    /// Epochs to train at full speed before showing the network (a preset's), then pause.
    pub train_epochs: usize,
    /// The view it opens on and how the views start.
    pub start: Start,
    /// A scene to play (`spacefold play`).
    pub player: Option<player::Player>,
    /// Open full screen (presenter mode).
    pub fullscreen: bool,
    /// The monitor to cover, from 1 left to right (`--screen`).
    pub screen: Option<usize>,
    /// Presenter mode: seconds to rest at each stop before going on (`--auto`).
    pub auto: Option<f32>,
    /// The talk or scene file played, where its rehearsal record is kept beside it.
    pub talk_file: Option<PathBuf>,
    /// Print how long until the first frame shows the scene, then quit (`bench startup`).
    pub startup_probe: Option<std::time::Instant>,
    /// Open the speaker view beside the scene (`play --speaker`).
    pub speaker: bool,
}

impl AppOptions {
    /// The window's set-up for a scene (`play` and `render`): the scene's data and network,
    /// the player holding it, the layers view with its grid; nothing trains.
    pub fn for_scene(player: player::Player, size: (u32, u32)) -> AppOptions {
        AppOptions {
            resolved: player::resolved_for(&player.loaded),
            seed: 0,
            training: false,
            train_epochs: 0,
            heatmap_resolution: 96,
            bench_frames: None,
            screenshot: None,
            screenshot_after: 0.0,
            size,
            start: Start {
                view: View::Layers,
                ..Start::default()
            },
            player: Some(player),
            fullscreen: false,
            screen: None,
            auto: None,
            talk_file: None,
            startup_probe: None,
            speaker: false,
        }
    }
}

/// Ordering of the views' work within a frame.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ViewSet {
    /// Rebuild what the view shows, advance and sample its animation.
    Animate,
    /// Frame what is shown, and publish which camera is in charge ([`CameraRig`]).
    Frame,
    /// Place the camera.
    Camera,
    /// Move points, draw lines.
    Draw,
}

/// The camera in charge, published by the view that shows: the plane camera looks straight
/// down (the regions view, a flat layers view), the orbit camera turns about a box (a 3D
/// layers view, the landscape). The cameras read it; neither decides it.
#[derive(Resource, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CameraRig {
    /// Orthographic, straight down onto the plane ([`camera`]).
    #[default]
    Plane,
    /// Perspective, orbiting the framed box ([`orbit`]).
    Orbit,
}

/// The box the view in charge frames: the orbit camera turns about it.
#[derive(Resource, Debug, Clone, Copy)]
pub struct Framed(pub crate::engine::flow::Bounds);

impl Default for Framed {
    fn default() -> Self {
        Framed(crate::engine::flow::Bounds {
            min: [-1.0; 3],
            max: [1.0; 3],
        })
    }
}

impl Framed {
    /// The box's diagonal.
    pub fn size(&self) -> f32 {
        Vec3::from(self.0.size()).length()
    }
}

/// Where the view in charge asks the plane camera to look, while it frames what it shows by
/// itself: the world point at the centre of the free area and world units per pixel. `None`
/// leaves the camera to the user.
#[derive(Resource, Debug, Clone, Copy, Default, PartialEq)]
pub struct PlaneTarget(pub Option<(Vec2, f32)>);

/// Sent by a camera when the user zooms, pans or turns it: a view that frames what it shows by
/// itself stops doing so.
#[derive(Message, Debug, Clone, Copy)]
pub struct UserMovedCamera;

/// The parts of the window the UI covers (logical pixels, origin top-left): the side panel,
/// the bars, the floating windows. Written by the panels each frame; a click, drag or wheel
/// over any of them belongs to the UI and never reaches the view behind.
#[derive(Resource, Debug, Default, Clone)]
pub struct UiCover(Vec<(&'static str, [Option<Rect>; COVER_FRAMES])>);

/// Frames a part of the UI keeps covering where it was drawn.
const COVER_FRAMES: usize = 8;

impl UiCover {
    /// Records where the part called `name` lies this frame (`None`: not shown). The frames
    /// before count too ([`COVER_FRAMES`] in all): an anchored window that unfolds is placed
    /// from its folded size for a few frames (egui sizes it late), and a click where it then
    /// shows, or where a window just folded away, is still meant for it.
    pub fn set(&mut self, name: &'static str, rect: Option<Rect>) {
        let rects = match self.0.iter_mut().find(|(n, _)| *n == name) {
            Some((_, rects)) => rects,
            None => {
                self.0.push((name, [None; COVER_FRAMES]));
                &mut self.0.last_mut().expect("just pushed").1
            }
        };
        rects.rotate_right(1);
        rects[0] = rect;
    }

    /// Whether `point` lies on a part of the UI.
    pub fn covers(&self, point: Vec2) -> bool {
        self.0
            .iter()
            .flat_map(|(_, rects)| rects.iter().flatten())
            .any(|r| r.contains(point))
    }
}

/// Whether the pointer acts on the view: it is in the window, over no panel, bar or window
/// of the UI, and egui is not using it (a drag that began on a widget, an open menu).
pub fn pointer_on_view(
    window: Query<&Window, With<bevy::window::PrimaryWindow>>,
    cover: Res<UiCover>,
    egui: Res<bevy_egui::input::EguiWantsInput>,
) -> bool {
    let Some(cursor) = window.single().ok().and_then(Window::cursor_position) else {
        return false;
    };
    !cover.covers(cursor) && !egui.wants_any_pointer_input()
}

/// When a text field last had the keyboard (seconds of app time): the views' shortcuts wait
/// a moment after, so that keys typed for a field a click has just left (or missed) do not
/// act on the view.
#[derive(Resource, Debug, Default)]
pub struct Typing(pub Option<f64>);

/// Seconds after typing into a field before the views' shortcuts act again.
const TYPING_GRACE: f64 = 1.0;

/// Whether keys belong to the views: no text field has them, nor had them a moment ago.
#[derive(bevy::ecs::system::SystemParam)]
pub struct ViewKeys<'w> {
    egui: Res<'w, bevy_egui::input::EguiWantsInput>,
    typing: Res<'w, Typing>,
    time: Res<'w, Time<Real>>,
}

impl ViewKeys<'_> {
    /// Whether the views' shortcuts must ignore the keys now.
    pub fn blocked(&self) -> bool {
        let now = self.time.elapsed_secs_f64();
        self.egui.wants_any_keyboard_input()
            || self.typing.0.is_some_and(|t| now - t < TYPING_GRACE)
    }
}

/// Whether a modifier (either of `pair`) is down for a chord: held, or let go within this
/// frame (a slow frame can see a whole chord, press and release, at once).
pub fn held(keys: &ButtonInput<KeyCode>, pair: [KeyCode; 2]) -> bool {
    keys.any_pressed(pair) || keys.any_just_released(pair)
}

/// How a scene's frame is laid out: the picture in the middle, its annotation (a heading
/// at the top, a caption at the bottom) in bands the cameras leave free, every text at
/// least [`frame::SMALLEST_TEXT`] of the view's height so that a 640x360 frame still reads
/// (9 px capitals) and a 1080-line one from the back of a room.
pub mod frame {
    /// The share of the view's height the stage heading takes at its top (title, equation
    /// and note in a card).
    pub const HEADING_BAND: f32 = 0.21;
    /// What the heading's band grows by while a layer's matrices show (they go under the
    /// heading when they do not fit beside it: an SVD's three, a 3-wide layer's).
    pub const MATRIX_BAND: f32 = 0.15;
    /// The share of the view's height the top band takes: the heading's, and the
    /// matrices' while they show.
    pub fn heading_band(matrix: bool) -> f32 {
        HEADING_BAND + if matrix { MATRIX_BAND } else { 0.0 }
    }
    /// The share of the view's height a caption takes at its bottom.
    pub const CAPTION_BAND: f32 = 0.1;
    /// The smallest text of a frame, as a share of the view's height: 27 pixels in a
    /// 720-line frame, whose capitals (0.69 of the size in egui's font) are 9.3 pixels
    /// tall at 640x360 and 28 at 1920x1080.
    pub const SMALLEST_TEXT: f32 = 0.0375;
    /// The annotation's backing: opaque, a shade darker than the background, so that no
    /// line, grid or plane of the picture shows through a text.
    pub const CARD: [u8; 3] = [10, 12, 16];
}

/// A scene's frame is laid out as in a window this many pixels tall, whatever its size:
/// renders, and presenter mode's window, scale everything by [`frame_scale`].
pub const FRAME_LINES: f32 = 720.0;

/// The scale factor of a frame `height` physical pixels tall: text, points and panels as in
/// a [`FRAME_LINES`]-tall window, scaled.
pub fn frame_scale(height: u32) -> f32 {
    (height as f32 / FRAME_LINES).max(0.25)
}

/// The window's background: the clear colour of every camera.
pub const BACKGROUND: Color = {
    let [r, g, b] = crate::engine::palette::BACKGROUND;
    Color::srgb_u8(r, g, b)
};

/// Runs every schedule's systems one after another, in one fixed order, in the app and in
/// its render world. spacefold's systems are many and small; handing each to a worker thread
/// cost more than it saved: with 10,000 points playing through the layers view the main
/// schedule took 3.7 to 4.7 ms a frame that way on 2 cores and 2.1 to 2.5 ms this way
/// (`bench/layers_frame.sh`), and an offline render's frames came a tenth faster. Systems
/// that split their own work over the cores (placing and gathering the points, past some
/// thousands) still do.
///
/// For the same reason Bevy's tracking of unchanged transform trees is off: it hands three
/// tasks to the workers every frame, to spare a propagation through the few transforms the
/// app has (cameras, lights, surfaces; the points have none).
pub(crate) fn one_system_at_a_time(app: &mut App) {
    use bevy::ecs::schedule::{Schedules, SingleThreadedExecutor};
    app.insert_resource(bevy::transform::StaticTransformOptimizations::Disabled);
    let serial = |world: &mut World| {
        for (_, schedule) in world.resource_mut::<Schedules>().iter_mut() {
            schedule.set_executor(SingleThreadedExecutor::new());
        }
    };
    serial(app.world_mut());
    if let Some(render) = app.get_sub_app_mut(bevy::render::RenderApp) {
        serial(render.world_mut());
    }
}

/// Opens the window and runs until it is closed.
pub fn run(options: AppOptions) {
    let mut app = App::new();
    let plugins = DefaultPlugins.set(WindowPlugin {
        primary_window: Some(Window {
            title: match &options.player {
                Some(p) if let Some(talk) = &p.talk => format!("{} - spacefold", talk.title),
                Some(p) if !p.loaded.scene.title.is_empty() => {
                    format!("{} - spacefold", p.loaded.scene.title)
                }
                _ => "spacefold".into(),
            },
            resolution: WindowResolution::new(options.size.0, options.size.1),
            // Full screen comes once the monitors are known (`full_screen`).
            ..default()
        }),
        // The speaker view's window does not keep the app open without the audience's.
        exit_condition: bevy::window::ExitCondition::OnPrimaryClosed,
        ..default()
    });
    // `--bench-frames`: rendering after the main schedule, not beside it (`frame_stats`).
    app.add_plugins(if options.bench_frames.is_some() {
        plugins.disable::<bevy::render::pipelined_rendering::PipelinedRenderingPlugin>()
    } else {
        plugins
    });
    let speaker = options.speaker;
    configure(&mut app, options);
    app.world_mut()
        .resource_mut::<speaker::SpeakerView>()
        .wanted = speaker;
    one_system_at_a_time(&mut app);
    app.run();
}

/// The explorer on the options' set-up, the training worker started on it (training at once
/// or paused), and the burst a preset's network is trained in before it shows.
fn start_training(options: &AppOptions) -> (explorer::Explorer, explorer::Link, explorer::Burst) {
    let mut explorer = explorer::Explorer::from_resolved(&options.resolved, options.seed);
    explorer.heatmap_resolution = options.heatmap_resolution;
    let live = LiveTraining::start(
        options.resolved.network.clone(),
        explorer.config.clone(),
        explorer.train.clone(),
        explorer.test.clone(),
        options.training,
    );
    live.send(crate::engine::live::Request::SetHeatmap(
        explorer.heatmap_spec(),
    ));
    live.send(crate::engine::live::Request::SetSpeed(explorer.speed));
    let link = explorer::Link(live);
    let mut burst = explorer::Burst::default();
    burst.request(&link, options.train_epochs, 0);
    (explorer, link, burst)
}

/// Every plugin of the window, one concern each.
fn plugins(app: &mut App) {
    app.add_plugins((
        explorer::plugin,
        camera::plugin,
        editing::plugin,
        full_screen::plugin,
        heatmap::plugin,
        surfaces::plugin,
        layers::plugin,
        open_files::plugin,
        orbit::plugin,
    ))
    .add_plugins((
        player::plugin,
        points::plugin,
        presenter::plugin,
        rehearsal::plugin,
        rest_shots::plugin,
        setups::plugin,
        smooth_lines::plugin,
        speaker::plugin,
        ui::plugin,
    ))
    .add_systems(
        Update,
        player::show_chosen_network
            .after(player::PlayerSet::Play)
            .before(ViewSet::Animate),
    );
}

/// Everything but the window and the renderer: the views' plugins and their starting state.
fn configure(app: &mut App, options: AppOptions) {
    let (explorer, link, burst) = start_training(&options);
    let start = &options.start;
    let view = layers::LayerView::from_start(start);
    let full_screen = full_screen::FullScreen::new(options.fullscreen, options.screen);
    let presenter = presenter::Presenter::new(options.auto);
    let orbit = orbit::Orbit::from_start(start);
    app.add_plugins(bevy_egui::EguiPlugin::default())
        .insert_resource(ClearColor(BACKGROUND))
        .insert_resource(explorer)
        .insert_resource(link)
        .insert_resource(burst)
        .insert_resource(view)
        .insert_state(Showing(start.view))
        .insert_resource(surfaces::LandscapeView(start.surface.clone()))
        .insert_resource(orbit)
        .insert_resource(surfaces::SplitScreen(start.split))
        .init_resource::<CameraRig>()
        .init_resource::<UiCover>()
        .init_resource::<Typing>()
        .init_resource::<Framed>()
        .init_resource::<PlaneTarget>()
        .init_resource::<Status>()
        .init_resource::<editing::Brush>()
        .insert_resource(full_screen)
        .insert_resource(presenter)
        .add_message::<UserMovedCamera>()
        .configure_sets(
            Update,
            (
                ViewSet::Animate,
                ViewSet::Frame,
                ViewSet::Camera,
                ViewSet::Draw,
            )
                .chain(),
        )
        .add_plugins(plugins);
    if let Some(p) = options.player {
        if p.present && !p.driven {
            let stops: Vec<usize> = (0..p.scene_count())
                .map(|s| p.walk.stops_of(s).len())
                .collect();
            app.insert_resource(rehearsal::Rehearsal::new(options.talk_file, &stops));
        }
        app.insert_resource(p);
    }
    if let Some(frames) = options.bench_frames {
        app.insert_resource(frame_stats::FrameBench::new(frames, 10))
            .add_plugins(frame_stats::plugin);
    }
    if let Some(started) = options.startup_probe {
        app.insert_resource(startup::StartupProbe { started })
            .add_plugins(startup::plugin);
    }
    app.add_plugins(capture::plugin);
    if let Some(path) = options.screenshot {
        app.insert_resource(capture::CaptureRequest {
            path,
            after: options.screenshot_after,
        });
    }
}
