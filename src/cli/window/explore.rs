//! `spacefold` with no command: the explorer, on a set-up or a preset.

use crate::cli::UsageError;
use crate::cli::args::{SetupArgs, WindowArgs};
use crate::engine::setup::Start;
use std::process::ExitCode;

/// Opens the window on the set-up (or `--preset`) and runs until it closes.
pub fn explore(setup: &SetupArgs, window: &WindowArgs) -> Result<ExitCode, UsageError> {
    crate::cli::check_seconds("--screenshot-after", window.screenshot_after)?;
    let preset = window
        .preset
        .as_deref()
        .map(crate::engine::presets::find)
        .transpose()?;
    let (resolved, seed) = match preset {
        Some(p) => (p.resolve()?, p.setup().seed),
        None => (setup.setup().resolve()?, setup.seed),
    };
    let start = crate::cli::args::window_start(
        window,
        preset.map_or_else(Start::default, |p| p.start()),
        &resolved.network,
    )?;
    if let Some(e) = crate::cli::no_display() {
        return Err(e);
    }
    crate::app::run(crate::app::AppOptions {
        resolved,
        seed,
        training: !window.paused && preset.is_none(),
        train_epochs: preset.map_or(0, |p| p.epochs),
        heatmap_resolution: window.heatmap.clamp(2, 1024),
        bench_frames: window.bench_frames.filter(|&n| n > 0),
        screenshot: window.screenshot.clone(),
        screenshot_after: window.screenshot_after,
        size: window.size.pair(),
        start,
        player: None,
        fullscreen: false,
        screen: None,
        auto: None,
        talk_file: None,
        startup_probe: None,
        speaker: false,
    });
    Ok(ExitCode::SUCCESS)
}
