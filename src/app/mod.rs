//! The window: Bevy plugins that turn the engine's data and networks into entities.
//! One plugin per file; this one only assembles them.

mod camera;
mod capture;
mod editing;
pub mod explorer;
mod frame_stats;
mod heatmap;
pub mod landscape;
pub mod layers;
mod orbit;
mod palette;
pub mod player;
pub mod points;
pub mod render;
mod smooth_lines;
mod startup;
mod ui;

use crate::cli::Resolved;
use crate::live::LiveTraining;
use bevy::prelude::*;
use bevy::window::WindowResolution;
use std::path::PathBuf;

pub use palette::class_color;

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
    /// How the layers view opens.
    pub layers: LayersOptions,
    /// How the landscape view opens.
    pub landscape: LandscapeOptions,
    /// A scene to play (`spacefold play`).
    pub player: Option<player::Player>,
    /// Open full screen.
    pub fullscreen: bool,
    /// Print how long until the first frame shows the scene, then quit (`bench startup`).
    pub startup_probe: Option<std::time::Instant>,
}

/// The view the window opens on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StartView {
    /// Decision regions while training.
    Regions,
    /// Space carried through the layers.
    Layers,
    /// Neuron and output surfaces.
    Landscape,
}

/// How the landscape view opens.
#[derive(Clone, Debug)]
pub struct LandscapeOptions {
    /// Its settings.
    pub view: landscape::LandscapeView,
    /// Look straight down.
    pub top: bool,
    /// Show the flat top view beside the 3D one.
    pub split: bool,
}

/// How the layers view opens.
#[derive(Clone, Debug)]
pub struct LayersOptions {
    /// The view the window opens on.
    pub view: StartView,
    /// Stage position to open at.
    pub position: f32,
    /// Play from there at once.
    pub play: bool,
    /// Start again from the input at the end.
    pub looping: bool,
    /// Neurons shown of layers wider than three.
    pub dims: usize,
    /// Turn the 3D view.
    pub rotate: bool,
    /// Grid lines each way (0: none).
    pub grid_lines: usize,
    /// Samples along each grid line.
    pub grid_samples: usize,
}

/// Opens the window and runs until it is closed.
pub fn run(options: AppOptions) {
    let mut app = App::new();
    app.add_plugins(DefaultPlugins.set(WindowPlugin {
        primary_window: Some(Window {
            title: match &options.player {
                Some(p) if !p.loaded.scene.title.is_empty() => {
                    format!("{} - spacefold", p.loaded.scene.title)
                }
                _ => "spacefold".into(),
            },
            resolution: WindowResolution::new(options.size.0, options.size.1),
            mode: if options.fullscreen {
                bevy::window::WindowMode::BorderlessFullscreen(
                    bevy::window::MonitorSelection::Current,
                )
            } else {
                bevy::window::WindowMode::Windowed
            },
            ..default()
        }),
        ..default()
    }));
    configure(&mut app, options);
    app.run();
}

/// Everything but the window and the renderer: the views' plugins and their starting state.
fn configure(app: &mut App, options: AppOptions) {
    let mut explorer = explorer::Explorer::from_resolved(&options.resolved, options.seed);
    explorer.heatmap_resolution = options.heatmap_resolution;
    let live = LiveTraining::start(
        options.resolved.network.clone(),
        explorer.config.clone(),
        explorer.train.clone(),
        explorer.test.clone(),
        options.training,
    );
    live.send(crate::live::Command::SetHeatmap(explorer.heatmap_spec()));
    live.send(crate::live::Command::SetSpeed(explorer.speed));
    let link = explorer::Link(live);
    let mut burst = explorer::Burst::default();
    burst.request(&link, options.train_epochs, 0);
    let l = &options.layers;
    let view = layers::LayerView {
        position: l.position,
        playing: l.play,
        looping: l.looping,
        dims: l.dims,
        rotate: l.rotate,
        grid_lines: l.grid_lines,
        grid_samples: l.grid_samples,
        ..default()
    };
    let mode = match l.view {
        StartView::Regions => layers::ViewMode::Regions,
        StartView::Layers => layers::ViewMode::Layers,
        StartView::Landscape => layers::ViewMode::Landscape,
    };
    let mut orbit = orbit::Orbit::default();
    if options.landscape.top {
        orbit::top_view(&mut orbit);
    }
    app.add_plugins(bevy_egui::EguiPlugin::default())
        .insert_resource(ClearColor(Color::srgb_u8(20, 23, 28)))
        .insert_resource(explorer)
        .insert_resource(link)
        .insert_resource(burst)
        .insert_resource(view)
        .insert_resource(mode)
        .insert_resource(options.landscape.view.clone())
        .insert_resource(orbit)
        .insert_resource(landscape::Split(options.landscape.split))
        .add_plugins((
            explorer::plugin,
            camera::plugin,
            editing::plugin,
            heatmap::plugin,
            landscape::plugin,
            layers::plugin,
            orbit::plugin,
            player::plugin,
            points::plugin,
            smooth_lines::plugin,
            ui::plugin,
        ));
    if let Some(p) = options.player {
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
    if let Some(path) = options.screenshot {
        app.insert_resource(capture::CaptureRequest {
            path,
            after: options.screenshot_after,
        })
        .add_plugins(capture::plugin);
    }
}
