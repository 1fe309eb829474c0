//! `spacefold bench startup`: how long from the process's start until the window shows the
//! scene. Every frame is read back until one differs from the background, then the time is
//! printed and the app quits.

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
use std::time::Instant;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<FirstFrame>()
        .add_systems(Update, (read_back_each_frame, report_first_frame).chain());
}

/// When the process started, and the first frame that showed something.
#[derive(Resource)]
pub struct StartupProbe {
    /// The process's start (as early in `main` as can be).
    pub started: Instant,
}

#[derive(Resource, Default)]
struct FirstFrame {
    shown: Option<f64>,
    frames_since: usize,
}

fn read_back_each_frame(
    mut commands: Commands,
    probe: Res<StartupProbe>,
    first: Res<FirstFrame>,
    clear: Res<ClearColor>,
) {
    if first.shown.is_some() {
        return;
    }
    let started = probe.started;
    let background = clear.0.to_srgba().to_u8_array();
    commands.spawn(Screenshot::primary_window()).observe(
        move |captured: On<ScreenshotCaptured>, mut first: ResMut<FirstFrame>| {
            let Some(data) = &captured.image.data else {
                return;
            };
            // The scene is on screen once a few hundred pixels are not the background.
            let drawn = data
                .chunks_exact(4)
                .filter(|p| {
                    p[..3]
                        .iter()
                        .zip(&background)
                        .any(|(a, b)| a.abs_diff(*b) > 24)
                })
                .count();
            if drawn > 300 && first.shown.is_none() {
                first.shown = Some(started.elapsed().as_secs_f64());
            }
        },
    );
}

fn report_first_frame(mut first: ResMut<FirstFrame>, mut exit: MessageWriter<AppExit>) {
    let Some(seconds) = first.shown else { return };
    first.frames_since += 1;
    if first.frames_since == 1 {
        println!("first frame showing the scene {seconds:.3} s after the process started");
    }
    // A few frames more: the read-backs still under way land before the app closes.
    if first.frames_since == 5 {
        exit.write(AppExit::Success);
    }
}
