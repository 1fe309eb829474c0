//! `spacefold render`: a scene rendered headless frame by frame, or a talk's cues as a
//! handout.

use crate::cli::UsageError;
use crate::cli::args::RenderArgs;
use crate::engine::scene::TIME_EPSILON;
use std::path::Path;
use std::process::ExitCode;

/// What `render` is asked for, checked: the output's format, the size, the rate and the
/// span of scene time.
struct RenderPlan {
    format: crate::engine::export::Format,
    size: (u32, u32),
    fps: u32,
    from: f32,
    to: f32,
    /// The scene time of every frame.
    times: Vec<f32>,
}

/// At most this many times in `render --at`.
const MAX_STILLS: usize = 10_000;

/// `render --at`'s times, each inside the scene.
fn parse_times(list: &str, duration: f32) -> Result<Vec<f32>, UsageError> {
    let mut times = vec![];
    for part in list.split(',').map(str::trim) {
        let t: f32 = part.parse().map_err(|_| {
            UsageError(format!(
                "--at {part:.40}: expected seconds (a number), comma-separated"
            ))
        })?;
        if !(t.is_finite() && (0.0..=duration + TIME_EPSILON).contains(&t)) {
            return Err(UsageError(format!(
                "--at {part}: the scene runs from 0 to {duration:.2} s"
            )));
        }
        times.push(t.min(duration));
    }
    if times.len() > MAX_STILLS {
        return Err(UsageError(format!(
            "--at: {} times; at most {MAX_STILLS}",
            times.len()
        )));
    }
    Ok(times)
}

/// What a render writes (by `--out`, checked writable) and at what size (`--size`).
fn render_output(
    args: &RenderArgs,
) -> Result<(crate::engine::export::Format, (u32, u32)), UsageError> {
    let format = crate::engine::export::Format::for_path(&args.out)?;
    crate::engine::export::check_out(format, &args.out)?;
    if format == crate::engine::export::Format::Pngs
        && let Some(note) = crate::engine::export::folder_note(&args.out)
    {
        eprintln!("note: {note}");
    }
    let size = args.size.pair();
    if size.0 > 8192 || size.1 > 8192 {
        return Err(UsageError(format!(
            "--size {}x{}: at most 8192 pixels a side",
            size.0, size.1
        )));
    }
    Ok((format, size))
}

fn plan_render(
    args: &RenderArgs,
    timeline: &crate::engine::scene::Timeline,
) -> Result<RenderPlan, UsageError> {
    use crate::engine::export::{Format, GIF_MAX_FPS};
    let (format, size) = render_output(args)?;
    let fps = match (args.fps, format) {
        (Some(0), _) => return Err(UsageError("--fps 0: at least 1".into())),
        (Some(f), Format::Gif) if f > GIF_MAX_FPS => {
            eprintln!(
                "note: a GIF plays at most {GIF_MAX_FPS} frames a second (browsers slow                  faster ones down); rendering at {GIF_MAX_FPS}"
            );
            GIF_MAX_FPS
        }
        (Some(f), _) if f > 1000 => return Err(UsageError(format!("--fps {f}: at most 1000"))),
        (Some(f), _) => f,
        // A slide's budget: 13 s of relu-fold at 640x360 in 1.7 MiB (2.3 at 30 fps).
        (None, Format::Gif) => 20,
        (None, _) => 60,
    };
    let duration = timeline.duration();
    let (from, to) = match &args.shot {
        Some(name) => {
            let shots = timeline.shots();
            let Some(i) = shots.iter().position(|(_, n)| n == name) else {
                let names: Vec<&str> = shots.iter().map(|(_, n)| n.as_str()).collect();
                return Err(UsageError(if names.is_empty() {
                    format!("--shot {name}: the scene has no shots")
                } else {
                    format!(
                        "--shot {name}: no such shot; the scene has {}",
                        names.join(", ")
                    )
                }));
            };
            let end = shots.get(i + 1).map_or(duration, |s| s.0);
            (shots[i].0, end)
        }
        None => (args.from.unwrap_or(0.0), args.to.unwrap_or(duration)),
    };
    if !(from.is_finite()
        && to.is_finite()
        && 0.0 <= from
        && from <= to
        && to <= duration + TIME_EPSILON)
    {
        return Err(UsageError(format!(
            "--from {from} --to {to}: the scene runs from 0 to {duration:.2} s; expected \
             0 <= from <= to <= {duration:.2}"
        )));
    }
    let to = to.min(duration);
    let times = match &args.at {
        Some(list) => parse_times(list, duration)?,
        None => {
            let count = crate::engine::export::frame_count(from, to, fps);
            crate::engine::export::check_frame_count(count, to - from, args.yes)?;
            crate::engine::export::frame_times(from, to, fps)
        }
    };
    let (from, to) = (
        times.iter().copied().fold(f32::INFINITY, f32::min),
        times.iter().copied().fold(f32::NEG_INFINITY, f32::max),
    );
    Ok(RenderPlan {
        format,
        size,
        fps,
        from,
        to,
        times,
    })
}

pub fn render(mut args: RenderArgs, packed: Option<&Path>) -> Result<ExitCode, UsageError> {
    // SAFETY: first, before this command starts any thread (the signal watcher is next).
    unsafe { crate::app::render::software_raster_threads() };
    // Ctrl-C, SIGTERM and SIGHUP: the first closes the renderer (nothing is written), a second
    // stops at once and removes what was half-written; a signal started ignored stays so.
    crate::engine::interrupt::watch_then(bevy::app::TerminalCtrlCHandlerPlugin::gracefully_exit);
    use crate::engine::export::{ExportError, open_sink};
    let file = crate::cli::pack::packed_scene(args.file.take(), packed, args.cues || args.html)?;
    // Before anything trains: the output must not be the scene, the talk, or a file they read.
    crate::cli::check_not_input("--out", &args.out, &crate::cli::scene_inputs(&file))?;
    if args.cues {
        return render_cues(&args, &file);
    }
    if args.html {
        return super::web::render_web(&args, &file);
    }
    let args = &args;
    let loaded = crate::engine::scene::load_path_or_name(&file, true)
        .map_err(|e| UsageError(e.to_string()))?;
    let plan = plan_render(args, &loaded.timeline)?;
    let times = plan.times;
    // ffmpeg is looked for, and the output started, before anything renders.
    let sink = match open_sink(
        plan.format,
        &args.out,
        plan.size,
        plan.fps,
        args.transparent,
    ) {
        Ok(s) => s,
        Err(ExportError::NoFfmpeg(out)) => {
            eprintln!("error: {}", crate::cli::no_ffmpeg(&out));
            return Ok(ExitCode::from(2));
        }
        Err(e) => return Err(UsageError::from(e)),
    };
    eprintln!(
        "rendering {} frames ({}x{}, {} fps, {:.2} to {:.2} s) of {} to {}",
        times.len(),
        plan.size.0,
        plan.size.1,
        plan.fps,
        plan.from,
        plan.to,
        file.display(),
        args.out.display()
    );
    let player = crate::app::player::Player::new(file.clone(), loaded, true, None);
    let job = crate::app::render::RenderJob {
        options: crate::app::AppOptions::for_scene(player, plan.size),
        size: plan.size,
        fps: plan.fps,
        times,
        scenes: vec![],
        transparent: args.transparent,
        antialias: args.antialias,
    };
    match crate::app::render::render(job, sink) {
        Ok(report) => {
            eprintln!(
                "wrote {} frames ({}) to {} in {:.1} s: {:.1} frames/s (start-up {:.2} s)",
                report.frames,
                crate::engine::export::describe_written(&args.out),
                args.out.display(),
                report.seconds,
                report.frames as f64 / report.seconds.max(1e-9),
                report.startup
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

/// A page of `render --cues`: one stop of one scene.
pub(super) struct StopPage {
    /// The talk's scene (from 0).
    pub(super) scene: usize,
    /// The stop's scene time.
    pub(super) time: f32,
    /// Where it is: "Scene 2/3 · cue 1/2 · Title".
    pub(super) caption: String,
    /// The speaker's notes there.
    pub(super) notes: String,
    /// The scene's title.
    pub(super) title: String,
}

/// A player holding the scene or talk `file`, every scene trained, and its pages: each
/// stop of each scene (its cues, then its end, as presenter mode stops: see
/// [`crate::engine::scene::walk::stops`]), captioned with where it is, the scene's notes on
/// its first page before the cue's own.
pub(super) fn cue_pages(
    file: &Path,
) -> Result<(crate::app::player::Player, String, Vec<StopPage>), UsageError> {
    use crate::app::player::Player;
    let player = if crate::engine::scene::talk::is_talk_file(file) {
        let talk = crate::engine::scene::talk::load_talk(file, true)?;
        Player::for_talk(talk, true, None, true)?
    } else {
        let loaded = crate::engine::scene::load_path_or_name(file, true)?;
        Player::new(file.to_path_buf(), loaded, true, None)
    };
    let scenes: Vec<(String, String, crate::engine::scene::Timeline)> = match &player.talk {
        Some(t) => t
            .scenes
            .iter()
            .map(|s| (s.title.clone(), s.notes.clone(), s.timeline.clone()))
            .collect(),
        None => vec![(
            player.loaded.scene.title.clone(),
            String::new(),
            player.loaded.timeline.clone(),
        )],
    };
    let title = player
        .talk
        .as_ref()
        .map_or_else(|| player.loaded.scene.title.clone(), |t| t.title.clone());
    let mut pages = vec![];
    for (i, (name, scene_notes, timeline)) in scenes.iter().enumerate() {
        let stops = crate::engine::scene::walk::stops(timeline);
        let cue_notes = timeline.cue_notes();
        for (k, time) in stops.iter().enumerate() {
            let at = match cue_notes.len() {
                _ if k >= cue_notes.len() => "end".to_string(),
                cues => format!("cue {}/{cues}", k + 1),
            };
            let mut caption = format!("{at} · {name}");
            if scenes.len() > 1 {
                caption = format!("Scene {}/{} · {caption}", i + 1, scenes.len());
            }
            let first = if k == 0 { scene_notes.as_str() } else { "" };
            let cue = cue_notes.get(k).map_or("", String::as_str);
            let notes = crate::engine::scene::talk::joined_notes(first, cue);
            pages.push(StopPage {
                scene: i,
                time: *time,
                caption,
                notes,
                title: name.clone(),
            });
        }
    }
    Ok((player, title, pages))
}

/// `render --cues`: a handout PDF or a folder of one PNG per stop.
fn render_cues(args: &RenderArgs, file: &Path) -> Result<ExitCode, UsageError> {
    use crate::engine::export::{Format, HandoutPdf, PngFolder, Sink};
    let (format, size) = render_output(args)?;
    let (player, title, pages) = cue_pages(file)?;
    let bytes = pages.len() as u64 * size.0 as u64 * size.1 as u64 * 4;
    if format == Format::Pdf && bytes > crate::engine::limits::MAX_HANDOUT_BYTES {
        return Err(UsageError(format!(
            "--cues: {} pages of {}x{} are {} MiB of frames; at most {} MiB: choose a smaller --size",
            pages.len(),
            size.0,
            size.1,
            bytes >> 20,
            crate::engine::limits::MAX_HANDOUT_BYTES >> 20
        )));
    }
    let sink: Box<dyn Sink> = match format {
        Format::Pdf => {
            let texts = pages
                .iter()
                .map(|p| (p.caption.clone(), p.notes.clone()))
                .collect();
            Box::new(HandoutPdf::create(&args.out, &title, texts).map_err(UsageError::from)?)
        }
        Format::Pngs => {
            Box::new(PngFolder::create(&args.out, args.transparent).map_err(UsageError::from)?)
        }
        _ => {
            return Err(UsageError(format!(
                "--cues --out {}: a handout (.pdf) or a folder of PNGs (DIR/)",
                args.out.display()
            )));
        }
    };
    eprintln!(
        "rendering {} cue(s) of {} to {}",
        pages.len(),
        file.display(),
        args.out.display()
    );
    let job = crate::app::render::RenderJob {
        options: crate::app::AppOptions::for_scene(player, size),
        size,
        fps: 30,
        times: pages.iter().map(|p| p.time).collect(),
        scenes: pages.iter().map(|p| p.scene).collect(),
        transparent: args.transparent,
        antialias: args.antialias,
    };
    match crate::app::render::render(job, sink) {
        Ok(report) => {
            eprintln!(
                "wrote {} page(s) ({}) to {}",
                report.frames,
                crate::engine::export::describe_written(&args.out),
                args.out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Ok(ExitCode::from(1))
        }
    }
}
