//! `--bench-frames N`: measures the CPU time of N frames' main schedule (every app and engine
//! system, rendering excluded) after a warm-up, prints the figures and quits.
//!
//! Rendering is kept out of the measured time: the render app runs after the main schedule
//! (not pipelined beside it) and each frame starts once the GPU finished the last one. Under
//! a software renderer (Mesa's lavapipe, drawing on the same cores), the drawing would
//! otherwise take the cores from the main schedule and its time would count the drawing's.

use super::explorer::{Explorer, Published};
use bevy::prelude::*;
use std::time::{Duration, Instant};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(First, start_frame_clock)
        .add_systems(Last, stop_frame_clock);
}

/// Frames to skip (start-up, first uploads), then frames to measure.
#[derive(Resource)]
pub struct FrameBench {
    /// Frames to measure.
    pub frames: usize,
    /// Frames skipped before measuring.
    pub warmup: usize,
    started: Option<Instant>,
    seen: usize,
    samples: Vec<Duration>,
}

impl FrameBench {
    /// Measures `frames` frames after `warmup` frames.
    pub fn new(frames: usize, warmup: usize) -> FrameBench {
        FrameBench {
            frames,
            warmup,
            started: None,
            seen: 0,
            samples: Vec::with_capacity(frames),
        }
    }
}

fn start_frame_clock(
    mut bench: ResMut<FrameBench>,
    device: Option<Res<bevy::render::renderer::RenderDevice>>,
) {
    if let Some(device) = device {
        let _ = device
            .wgpu_device()
            .poll(bevy::render::render_resource::PollType::Wait {
                submission_index: None,
                timeout: None,
            });
    }
    bench.started = Some(Instant::now());
}

fn stop_frame_clock(
    mut bench: ResMut<FrameBench>,
    explorer: Res<Explorer>,
    published: Res<Published>,
    mode: Res<State<super::Showing>>,
    flow: Res<super::layers::FlowState>,
    mut exit: MessageWriter<AppExit>,
) {
    let Some(start) = bench.started.take() else {
        return;
    };
    bench.seen += 1;
    if bench.seen <= bench.warmup {
        return;
    }
    bench.samples.push(start.elapsed());
    if bench.samples.len() < bench.frames {
        return;
    }
    let mut ms: Vec<f64> = bench
        .samples
        .iter()
        .map(|d| d.as_secs_f64() * 1e3)
        .collect();
    ms.sort_by(f64::total_cmp);
    let mean = ms.iter().sum::<f64>() / ms.len() as f64;
    let p95 = ms[(ms.len() * 95 / 100).min(ms.len() - 1)];
    let latest = published.0.as_ref();
    let grid_samples = flow
        .flow
        .as_ref()
        .and_then(|f| f.grid())
        .map_or(0, |g| g.points());
    println!(
        "{{\"view\":\"{}\",\"points\":{},\"heatmap\":{},\"grid_samples\":{grid_samples},\"frames\":{},\"mean_ms\":{mean:.3},\"p95_ms\":{p95:.3},\"epochs\":{},\"training\":{}}}",
        if mode.get().0 == super::View::Layers {
            "layers"
        } else {
            "regions"
        },
        explorer.train.len() + explorer.test.len(),
        explorer.heatmap_resolution,
        ms.len(),
        latest.map_or(0, |l| l.epoch),
        latest.is_some_and(|l| l.running),
    );
    exit.write(AppExit::Success);
}
