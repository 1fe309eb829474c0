//! `render TALK --html`: the talk as a web page. One render of every frame the page needs
//! (each step between two stops at the frame rate, and each stop's still, exactly as
//! `render --cues` makes it), then ffmpeg makes each step an H.264 clip and each still a
//! JPEG, and the page holds them all.

use super::render::{StopPage, cue_pages};
use crate::cli::UsageError;
use crate::cli::args::RenderArgs;
use crate::engine::export::web::{WebScene, WebStop, data_uri, page};
use crate::engine::export::yuv::FFMPEG_COLOR_ARGS;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// The page's frames when `--size` is not given: 720p, the size a conference site takes.
const WEB_SIZE: (u32, u32) = (1280, 720);
/// Frames per second when `--fps` is not given.
const WEB_FPS: u32 = 30;

/// A stop's encoded clip (none where the stop is at the step's start) and still.
type StopMedia = (Option<Vec<u8>>, Vec<u8>);

/// Which frames of the render make a stop: its clip's (a range, maybe empty) and its still.
struct StopFrames {
    clip: std::ops::Range<usize>,
    still: usize,
}

/// The frames to render for `pages` at `fps`: for each stop, the step from the stop before
/// (or its scene's start) to it, then the stop itself. Their times, scenes and where each
/// stop's lie.
fn frames_for(pages: &[StopPage], fps: u32) -> (Vec<f32>, Vec<usize>, Vec<StopFrames>) {
    let (mut times, mut scenes, mut stops) = (vec![], vec![], vec![]);
    for (i, p) in pages.iter().enumerate() {
        let from = match i {
            0 => 0.0,
            _ if pages[i - 1].scene != p.scene => 0.0,
            _ => pages[i - 1].time,
        };
        let start = times.len();
        if p.time > from {
            for t in crate::engine::export::frame_times(from, p.time, fps) {
                times.push(t);
                scenes.push(p.scene);
            }
        }
        let clip = start..times.len();
        times.push(p.time);
        scenes.push(p.scene);
        stops.push(StopFrames {
            clip,
            still: times.len() - 1,
        });
    }
    (times, scenes, stops)
}

/// A folder for the frames and clips on their way into the page, removed however the
/// render ends.
struct WorkFolder(PathBuf);

impl WorkFolder {
    fn new() -> Result<WorkFolder, UsageError> {
        let path = std::env::temp_dir().join(format!("spacefold-web-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)
            .map_err(|e| UsageError(format!("cannot make {}: {e}", path.display())))?;
        Ok(WorkFolder(path))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for WorkFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs ffmpeg with `args`; what it said when it failed.
fn ffmpeg(ffmpeg: &Path, args: &[&str]) -> Result<(), String> {
    let out = Command::new(ffmpeg)
        .args(["-hide_banner", "-loglevel", "error", "-y"])
        .args(args)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", ffmpeg.display()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ffmpeg failed: {}",
            crate::engine::limits::echo(&String::from_utf8_lossy(&out.stderr), 2000)
        ))
    }
}

/// `render FILE --html --out OUT`.
pub fn render_web(args: &RenderArgs, file: &Path) -> Result<ExitCode, UsageError> {
    let folder = {
        let text = args.out.to_string_lossy();
        text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) || args.out.is_dir()
    };
    if !folder
        && !args
            .out
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"))
    {
        return Err(UsageError(format!(
            "--html --out {}: a page (.html) or a folder to host (DIR/)",
            args.out.display()
        )));
    }
    let ffmpeg_path = crate::engine::export::find_ffmpeg().ok_or_else(|| {
        UsageError(format!(
            "{}: a web page's clips need ffmpeg, and none is on the PATH (apt install ffmpeg, \
             or set SPACEFOLD_FFMPEG)",
            args.out.display()
        ))
    })?;
    // A size given is the page's; the default 1920x1080 of a render is not.
    let size = match (args.size.width, args.size.height) {
        (1920, 1080) => WEB_SIZE,
        given => given,
    };
    let fps = args.fps.unwrap_or(WEB_FPS).clamp(1, 120);
    let (player, title, pages) = cue_pages(file)?;
    let (times, scenes, stops) = frames_for(&pages, fps);
    let work = WorkFolder::new()?;
    let frames = work.path().join("frames");
    eprintln!(
        "rendering {} frames ({} stops) of {} for a web page",
        times.len(),
        pages.len(),
        file.display()
    );
    let sink =
        crate::engine::export::PngFolder::create(&frames, false).map_err(UsageError::from)?;
    let job = crate::app::render::RenderJob {
        options: crate::app::AppOptions::for_scene(player, size),
        size,
        fps,
        times,
        scenes,
        transparent: false,
        antialias: args.antialias,
    };
    if let Err(e) = crate::app::render::render(job, Box::new(sink)) {
        eprintln!("error: {e}");
        return Ok(ExitCode::from(1));
    }
    let media = encode_stops(&ffmpeg_path, work.path(), &stops, fps)?;
    let (written, bytes) = write_page(args, folder, &title, (&pages, media), size)?;
    eprintln!(
        "wrote {} ({}) to {}",
        if folder {
            "a web page and its clips"
        } else {
            "a web page"
        },
        // In a folder, the page's files alone (others may be there).
        crate::engine::export::size_text(bytes),
        written.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Each stop's clip (H.264, which every browser plays) and still (JPEG), made by ffmpeg from
/// the frames rendered into `work`/frames.
fn encode_stops(
    ffmpeg_path: &Path,
    work: &Path,
    stops: &[StopFrames],
    fps: u32,
) -> Result<Vec<StopMedia>, UsageError> {
    let frames = work.join("frames");
    let frame = |i: usize| frames.join(format!("frame-{i:05}.png"));
    let pattern = frames.join("frame-%05d.png");
    let pattern = pattern.to_string_lossy();
    let rate = fps.to_string();
    let read = |path: &Path| std::fs::read(path).map_err(|e| UsageError(e.to_string()));
    let mut media = vec![];
    for (k, stop) in stops.iter().enumerate() {
        eprint!("\rencoding clip {}/{}", k + 1, stops.len());
        let clip = if stop.clip.is_empty() {
            None
        } else {
            let out = work.join(format!("clip-{k}.mp4"));
            let (start, count) = (stop.clip.start.to_string(), stop.clip.len().to_string());
            let out_name = out.to_string_lossy();
            let mut args = vec![
                "-framerate",
                &rate,
                "-start_number",
                &start,
                "-i",
                &pattern,
                "-frames:v",
                &count,
                // BT.709, and said so: as `render` makes its videos, so that the browser
                // shows the clip's last frame in the colours of the still that follows it.
                "-vf",
                "scale=out_color_matrix=bt709:out_range=tv",
                "-c:v",
                "libx264",
                "-preset",
                "medium",
                "-crf",
                "26",
                "-pix_fmt",
                "yuv420p",
                "-movflags",
                "+faststart",
            ];
            args.extend(FFMPEG_COLOR_ARGS);
            args.push(&out_name);
            ffmpeg(ffmpeg_path, &args).map_err(UsageError)?;
            Some(read(&out)?)
        };
        let still = work.join(format!("still-{k}.jpg"));
        let source = frame(stop.still);
        ffmpeg(
            ffmpeg_path,
            &[
                "-i",
                &source.to_string_lossy(),
                "-q:v",
                "3",
                &still.to_string_lossy(),
            ],
        )
        .map_err(UsageError)?;
        media.push((clip, read(&still)?));
    }
    eprintln!();
    Ok(media)
}

/// Writes the page: one file with every clip and still inside it, or (`folder`) the folder's
/// `index.html` beside them. Returns where it went and how many bytes it wrote.
fn write_page(
    args: &RenderArgs,
    folder: bool,
    title: &str,
    (pages, media): (&[StopPage], Vec<StopMedia>),
    size: (u32, u32),
) -> Result<(PathBuf, u64), UsageError> {
    let wrote = std::cell::Cell::new(0u64);
    let write = |path: &Path, bytes: &[u8]| {
        wrote.set(wrote.get() + bytes.len() as u64);
        crate::engine::io::write_atomic(path, bytes)
            .map_err(|e| UsageError(format!("cannot write {}: {e}", path.display())))
    };
    if folder {
        std::fs::create_dir_all(&args.out)
            .map_err(|e| UsageError(format!("cannot make {}: {e}", args.out.display())))?;
    }
    let mut scenes: Vec<WebScene> = vec![];
    for (k, (page, (clip, still))) in pages.iter().zip(media).enumerate() {
        if scenes.len() <= page.scene {
            scenes.push(WebScene {
                title: page.title.clone(),
                stops: vec![],
            });
        }
        let (clip, still) = if folder {
            let still_name = format!("stop-{k:03}.jpg");
            write(&args.out.join(&still_name), &still)?;
            let clip_name = match clip {
                Some(bytes) => {
                    let name = format!("step-{k:03}.mp4");
                    write(&args.out.join(&name), &bytes)?;
                    Some(name)
                }
                None => None,
            };
            (clip_name, still_name)
        } else {
            (
                clip.map(|b| data_uri("video/mp4", &b)),
                data_uri("image/jpeg", &still),
            )
        };
        scenes
            .last_mut()
            .expect("a scene for every stop")
            .stops
            .push(WebStop {
                clip,
                still,
                notes: page.notes.clone(),
            });
    }
    let html = page(title, &scenes, size);
    let target = if folder {
        args.out.join("index.html")
    } else {
        args.out.clone()
    };
    write(&target, html.as_bytes())?;
    let written = if folder { args.out.clone() } else { target };
    Ok((written, wrote.get()))
}
