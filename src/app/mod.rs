//! The window: Bevy plugins that turn the engine's data and networks into entities.
//! One plugin per file; this one only assembles them.

mod camera;
mod capture;
mod palette;
mod panel;
pub mod points;

use crate::cli::Resolved;
use bevy::prelude::*;
use bevy::window::WindowResolution;
use std::path::PathBuf;

pub use palette::class_color;

/// What the window opens on.
pub struct AppOptions {
    /// Data set, network and training settings from the command line.
    pub resolved: Resolved,
    /// Save a screenshot here, then quit.
    pub screenshot: Option<PathBuf>,
    /// Seconds before that screenshot.
    pub screenshot_after: f32,
    /// Window size in pixels.
    pub size: (u32, u32),
}

/// The set-up the window shows.
#[derive(Resource)]
pub struct Scenario(pub Resolved);

/// Opens the window and runs until it is closed.
pub fn run(options: AppOptions) {
    let mut app = App::new();
    app.add_plugins(DefaultPlugins.set(WindowPlugin {
        primary_window: Some(Window {
            title: "spacefold".into(),
            resolution: WindowResolution::new(options.size.0, options.size.1),
            ..default()
        }),
        ..default()
    }))
    .add_plugins(bevy_egui::EguiPlugin::default())
    .insert_resource(ClearColor(Color::srgb(0.08, 0.09, 0.11)))
    .insert_resource(Scenario(options.resolved))
    .add_plugins((camera::plugin, points::plugin, panel::plugin));
    if let Some(path) = options.screenshot {
        app.insert_resource(capture::CaptureRequest {
            path,
            after: options.screenshot_after,
        })
        .add_plugins(capture::plugin);
    }
    app.run();
}
