//! Writing rendered frames (no Bevy): a folder of numbered PNGs, an animated GIF, or a video
//! through `ffmpeg`. Every output is written under a temporary name beside its destination
//! and renamed into place only when the last frame is in: a failed or interrupted render
//! leaves nothing half-written behind.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};

mod gif_file;
mod lzw;
mod quantize;
pub mod web;
pub mod yuv;

pub use gif_file::GifFile;

/// How edges are smoothed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Antialias {
    /// Smooth while a flat view shows, multisampling while a 3D view shows: frames look as
    /// with msaa, flat views at the speed of smooth.
    #[default]
    Auto,
    /// 4x multisampling, as the window draws: every edge smooth.
    Msaa,
    /// Lines and points smoothed by their shaders, no multisampling: the flat views look as
    /// with msaa, the edges of 3D surfaces are jagged; about twice as fast on a software
    /// renderer.
    Smooth,
}

impl Antialias {
    /// Every way, in the order they are listed.
    pub const ALL: [Antialias; 3] = [Antialias::Auto, Antialias::Msaa, Antialias::Smooth];

    /// Its name, as the command line takes it.
    pub fn name(self) -> &'static str {
        match self {
            Antialias::Auto => "auto",
            Antialias::Msaa => "msaa",
            Antialias::Smooth => "smooth",
        }
    }
}

/// What `--out` asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A folder of numbered PNGs: `frame-00000.png`, ...
    Pngs,
    /// An animated, looping GIF.
    Gif,
    /// An H.264 MP4, through ffmpeg.
    Mp4,
    /// A VP9 WebM, through ffmpeg.
    Webm,
    /// A handout (`--cues`): one PDF page per cue, its notes under the frame.
    Pdf,
}

impl Format {
    /// The format an output path asks for: by its extension, a folder when it has none.
    pub fn for_path(out: &Path) -> Result<Format, ExportError> {
        let text = out.to_string_lossy();
        if text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) || out.is_dir() {
            return Ok(Format::Pngs);
        }
        match out
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .as_deref()
        {
            None => Ok(Format::Pngs),
            Some("gif") => Ok(Format::Gif),
            Some("mp4") => Ok(Format::Mp4),
            Some("webm") => Ok(Format::Webm),
            Some("pdf") => Ok(Format::Pdf),
            Some(other) => Err(ExportError::Extension {
                out: out.to_path_buf(),
                ext: crate::limits::echo(other, 20),
            }),
        }
    }

    /// Whether frames go through ffmpeg.
    pub fn needs_ffmpeg(self) -> bool {
        matches!(self, Format::Mp4 | Format::Webm)
    }
}

/// The times of the frames from `from` to `to` at `fps`: `round((to − from) · fps)` frames at
/// `from`, `from + 1/fps`, ..., the last one before `to` (`to` itself belongs to the next
/// range, so `0..10` and `10..20` join without a repeated frame: 300 frames each at 30 fps);
/// an empty span, the one frame at `from`.
/// Computed from the frame number (never by adding), so frame `i` is at the same time however
/// long the render.
pub fn frame_times(from: f32, to: f32, fps: u32) -> Vec<f32> {
    let fps = fps.max(1) as f64;
    (0..frame_count(from, to, fps as u32))
        .map(|i| (from as f64 + i as f64 / fps) as f32)
        .collect()
}

/// How many frames [`frame_times`] gives, without making them.
pub fn frame_count(from: f32, to: f32, fps: u32) -> usize {
    let span = (to as f64 - from as f64).max(0.0);
    if span == 0.0 {
        // `--from S --to S`: the one frame at S.
        return 1;
    }
    let frames = (span * fps.max(1) as f64).round();
    if frames.is_finite() {
        frames as usize
    } else {
        usize::MAX
    }
}

/// Checks a render's size before it starts: at most [`crate::limits::MAX_FRAMES`] frames,
/// and more than [`crate::limits::CONFIRM_FRAMES`] only when `confirmed` (`--yes`), so a
/// mistyped scene time does not start hours of rendering without a word.
pub fn check_frame_count(frames: usize, seconds: f32, confirmed: bool) -> Result<(), ExportError> {
    use crate::limits::{CONFIRM_FRAMES, MAX_FRAMES};
    if frames > MAX_FRAMES || (frames > CONFIRM_FRAMES && !confirmed) {
        return Err(ExportError::Frames {
            frames,
            seconds,
            over_limit: frames > MAX_FRAMES,
        });
    }
    Ok(())
}

/// Why a render could not be written. Each names the output as the user gave it; the
/// command line adds its flags' names.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// ffmpeg is needed and not on the PATH (`out`: the video asked for).
    #[error("{}: writing video needs ffmpeg, and none is on the PATH", .0.display())]
    NoFfmpeg(PathBuf),
    /// An output name whose extension spacefold does not write.
    #[error("{}: `.{ext}` is not an output spacefold writes", .out.display())]
    Extension {
        /// The output.
        out: PathBuf,
        /// Its extension.
        ext: String,
    },
    /// A PDF asked for without the cues that make its pages.
    #[error("{}: a PDF is a handout, one page per cue", .0.display())]
    PdfNeedsCues(PathBuf),
    /// Too many frames, or more than [`crate::limits::CONFIRM_FRAMES`] unconfirmed.
    #[error(
        "{frames} frames ({seconds:.1} s of scene) is {}",
        if *.over_limit {
            format!("over the limit of {}", crate::limits::MAX_FRAMES)
        } else {
            format!(
                "more than {}, hours of rendering and gigabytes of output",
                crate::limits::CONFIRM_FRAMES
            )
        }
    )]
    Frames {
        /// Frames asked for.
        frames: usize,
        /// Seconds of scene they span.
        seconds: f32,
        /// Over [`crate::limits::MAX_FRAMES`] (else only unconfirmed).
        over_limit: bool,
    },
    /// A PNG render asked for where a file is.
    #[error(
        "{} is a file, not a folder; a PNG render writes a folder of frames",
        .path.display()
    )]
    NotAFolder {
        /// The output as given.
        out: PathBuf,
        /// The file there (a link's target).
        path: PathBuf,
    },
    /// A file render asked for where something else than a regular file is.
    #[error(
        "{} is not a regular file; a render is written beside it and renamed into place, so \
         it writes only files",
        .path.display()
    )]
    NotAFile {
        /// The output as given.
        out: PathBuf,
        /// What is there (a link's target).
        path: PathBuf,
    },
    /// The output cannot be written (its folder is missing or read-only).
    #[error("{}: {source}", .out.display())]
    Unwritable {
        /// The output as given.
        out: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A handout's text over the limit of a text.
    #[error("the handout's {0}")]
    Text(crate::limits::OverLimit),
    /// A GIF larger than its format holds.
    #[error("a GIF is at most {0}x{0} pixels", u16::MAX)]
    GifSize,
    /// A PNG or GIF encoder's error.
    #[error("{0}")]
    Encode(String),
    /// ffmpeg failed: what it said, or how it ended.
    #[error("{0}")]
    Ffmpeg(String),
    /// The system's error.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// Anything else, said plainly (the renderer's own failures).
    #[error("{0}")]
    Other(String),
}

/// Where ffmpeg is: `SPACEFOLD_FFMPEG` if set, else the first `ffmpeg` on the PATH.
pub fn find_ffmpeg() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SPACEFOLD_FFMPEG") {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    let name = if cfg!(windows) {
        "ffmpeg.exe"
    } else {
        "ffmpeg"
    };
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// An output written under a temporary name beside its destination: `commit` renames it
/// into place; dropped uncommitted, it is removed (a file, or a whole folder).
struct Staged {
    out: PathBuf,
    tmp: PathBuf,
    committed: bool,
}

impl Staged {
    /// Staged beside where `out` really is: a link's target gets the output, the link stays.
    /// What earlier killed renders left there is removed first.
    fn beside(out: &Path) -> Result<Staged, ExportError> {
        let out = crate::io::follow_links(out)?;
        crate::io::remove_stale_partials(&out);
        let tmp = crate::io::temporary_beside(&out);
        // A second Ctrl+C, which stops the process at once, removes it too.
        crate::io::register_partial(&tmp);
        Ok(Staged {
            tmp,
            out,
            committed: false,
        })
    }

    fn commit(&mut self) -> std::io::Result<()> {
        std::fs::rename(&self.tmp, &self.out)?;
        self.committed = true;
        crate::io::forget_partial(&self.tmp);
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            let _ = if self.tmp.is_dir() {
                std::fs::remove_dir_all(&self.tmp)
            } else {
                std::fs::remove_file(&self.tmp)
            };
            crate::io::forget_partial(&self.tmp);
        }
    }
}

/// A frame's pixels: `width * height` RGBA, row by row from the top.
pub struct Pixels<'a> {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// RGBA bytes.
    pub rgba: &'a [u8],
}

/// Takes frames in order and writes them; `finish` puts the output in place. Dropping a
/// sink without finishing removes what it wrote.
pub trait Sink: Send {
    /// Writes the next frame.
    fn frame(&mut self, frame: Pixels) -> Result<(), ExportError>;
    /// Whether the frames' alpha is written (an opaque video's is not: the renderer need
    /// not set it).
    fn keeps_alpha(&self) -> bool {
        true
    }
    /// Completes the output and moves it into place.
    fn finish(self: Box<Self>) -> Result<(), ExportError>;
}

/// Opens the sink `format` writes to `out` through. Checks for ffmpeg first.
pub fn open_sink(
    format: Format,
    out: &Path,
    size: (u32, u32),
    fps: u32,
    transparent: bool,
) -> Result<Box<dyn Sink>, ExportError> {
    Ok(match format {
        Format::Pngs => Box::new(PngFolder::create(out, transparent)?),
        Format::Gif => Box::new(GifFile::create(out, size, fps, transparent)?),
        Format::Mp4 | Format::Webm => {
            let ffmpeg = find_ffmpeg().ok_or_else(|| ExportError::NoFfmpeg(out.to_path_buf()))?;
            Box::new(Video::start(&ffmpeg, format, out, size, fps, transparent)?)
        }
        Format::Pdf => return Err(ExportError::PdfNeedsCues(out.to_path_buf())),
    })
}

/// A handout: one PDF page per frame, each frame with its caption and notes under it.
pub struct HandoutPdf {
    title: String,
    /// Each page's caption and notes, in order.
    texts: Vec<(String, String)>,
    pages: Vec<crate::handout::Page>,
    staged: Staged,
}

impl HandoutPdf {
    /// A handout titled `title` whose pages get `texts` (caption, notes) in order.
    /// Each text within the limits module's text limit, so laying it out stays quick.
    pub fn create(
        out: &Path,
        title: &str,
        texts: Vec<(String, String)>,
    ) -> Result<HandoutPdf, ExportError> {
        crate::limits::check_text("title", title).map_err(ExportError::Text)?;
        // A page's caption and notes join checked texts (a scene's title and place, its
        // notes and a cue's): a few texts' worth at most.
        let most = 4 * crate::limits::MAX_TEXT_CHARS;
        for (caption, notes) in &texts {
            for (what, text) in [("caption", caption), ("notes", notes)] {
                if text.len() > most {
                    let chars = text.chars().count();
                    crate::limits::at_most(&format!("{what} length (characters)"), chars, most)
                        .map_err(ExportError::Text)?;
                }
            }
        }
        Ok(HandoutPdf {
            title: title.into(),
            texts,
            pages: vec![],
            staged: Staged::beside(out)?,
        })
    }
}

impl Sink for HandoutPdf {
    fn frame(&mut self, frame: Pixels) -> Result<(), ExportError> {
        let (caption, notes) = self
            .texts
            .get(self.pages.len())
            .cloned()
            .unwrap_or_default();
        self.pages.push(crate::handout::Page {
            width: frame.width,
            height: frame.height,
            rgba: frame.rgba.to_vec(),
            caption,
            notes,
        });
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<(), ExportError> {
        let bytes = crate::handout::pdf(&self.title, &self.pages);
        std::fs::write(&self.staged.tmp, bytes).map_err(|source| ExportError::Unwritable {
            out: self.staged.out.clone(),
            source,
        })?;
        self.staged.commit()?;
        Ok(())
    }
}

/// The name of frame `i` in a PNG folder.
pub fn png_name(i: usize) -> String {
    format!("frame-{i:05}.png")
}

fn is_frame_name(name: &str) -> bool {
    name.strip_prefix("frame-")
        .and_then(|r| r.strip_suffix(".png"))
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

/// Numbered PNGs in a folder (RGB, or RGBA when transparent). Into a folder that is
/// there already, the render writes only its own frames (`frame-NNNNN.png`, replacing
/// those of the same names) and leaves everything else as it was; see [`folder_note`].
pub struct PngFolder {
    transparent: bool,
    written: usize,
    staged: Staged,
}

impl PngFolder {
    /// Starts the frames in a hidden folder beside `out`, moved in when the render completes.
    pub fn create(out: &Path, transparent: bool) -> Result<PngFolder, ExportError> {
        let given = out;
        let out = PathBuf::from(out.to_string_lossy().trim_end_matches(['/', '\\']));
        if out.exists() && !out.is_dir() {
            return Err(ExportError::NotAFolder {
                out: given.to_path_buf(),
                path: out,
            });
        }
        let staged = Staged::beside(&out)?;
        std::fs::create_dir_all(&staged.tmp).map_err(|source| ExportError::Unwritable {
            out: given.to_path_buf(),
            source,
        })?;
        Ok(PngFolder {
            transparent,
            written: 0,
            staged,
        })
    }
}

/// What a PNG render into `out`, a folder that is there already, will do to it: the frames
/// of earlier renders it replaces and what it leaves; `None` for a new or empty folder.
pub fn folder_note(out: &Path) -> Option<String> {
    let entries: Vec<String> = std::fs::read_dir(out)
        .ok()?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    if entries.is_empty() {
        return None;
    }
    let mut frames: Vec<&String> = entries.iter().filter(|n| is_frame_name(n)).collect();
    frames.sort();
    let others = entries.len() - frames.len();
    let replaced = match (frames.first(), frames.last()) {
        (Some(first), Some(last)) if frames.len() > 1 => {
            format!("{} frame files ({first} to {last})", frames.len())
        }
        (Some(only), _) => format!("the frame file {only}"),
        _ => "no frame files".into(),
    };
    Some(format!(
        "{} holds {replaced} and {others} other entr{}: the render writes its frames there, \
         replacing frame files of the same names, and leaves everything else",
        out.display(),
        if others == 1 { "y" } else { "ies" }
    ))
}
/// How much a render wrote at `out`, for the line that says so: a file's size (`1.4 MiB`),
/// a folder's frame files' total (`frame-NNNNN.png`; other files there are not the
/// render's), or `size unknown` when it cannot be read.
pub fn describe_written(out: &Path) -> String {
    let bytes = match std::fs::metadata(out) {
        Ok(meta) if meta.is_dir() => std::fs::read_dir(out).map(|entries| {
            entries
                .flatten()
                .filter(|e| is_frame_name(&e.file_name().to_string_lossy()))
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        }),
        Ok(meta) => Ok(meta.len()),
        Err(e) => Err(e),
    };
    bytes.map_or_else(|_| "size unknown".into(), size_text)
}

/// A size in bytes as people read it: `512 bytes`, `1.4 KiB`, `7.8 MiB`, `1.2 GiB`.
pub fn size_text(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    match bytes {
        1 => "1 byte".into(),
        0..1024 => format!("{bytes} bytes"),
        1024..1_048_576 => format!("{:.1} KiB", b / KIB),
        1_048_576..1_073_741_824 => format!("{:.1} MiB", b / (KIB * KIB)),
        _ => format!("{:.1} GiB", b / (KIB * KIB * KIB)),
    }
}

/// Encodes a frame as PNG bytes: RGBA when `alpha`, else RGB.
pub fn encode_png(frame: &Pixels, alpha: bool) -> Result<Vec<u8>, ExportError> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, frame.width, frame.height);
    encoder.set_color(if alpha {
        png::ColorType::Rgba
    } else {
        png::ColorType::Rgb
    });
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder
        .write_header()
        .map_err(|e| ExportError::Encode(e.to_string()))?;
    let result = if alpha {
        writer.write_image_data(frame.rgba)
    } else {
        let rgb: Vec<u8> = frame
            .rgba
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        writer.write_image_data(&rgb)
    };
    result.map_err(|e| ExportError::Encode(e.to_string()))?;
    writer
        .finish()
        .map_err(|e| ExportError::Encode(e.to_string()))?;
    Ok(bytes)
}

impl Sink for PngFolder {
    fn frame(&mut self, frame: Pixels) -> Result<(), ExportError> {
        let bytes = encode_png(&frame, self.transparent)?;
        std::fs::write(self.staged.tmp.join(png_name(self.written)), bytes)?;
        self.written += 1;
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<(), ExportError> {
        if !self.staged.out.is_dir() {
            // A new folder: all the frames at once.
            return Ok(self.staged.commit()?);
        }
        // A folder that is there: only the frames go in, each replacing its namesake;
        // nothing else there is touched.
        for i in 0..self.written {
            let name = png_name(i);
            std::fs::rename(self.staged.tmp.join(&name), self.staged.out.join(&name))?;
        }
        // Empty now; dropped uncommitted, the staging folder goes.
        Ok(())
    }
}

/// GIF frame delays are in hundredths of a second, and browsers play anything shorter than
/// 2 as 10: the highest frame rate a GIF keeps.
pub const GIF_MAX_FPS: u32 = 50;

/// The delay of frame `i` at `fps`, in hundredths, chosen so that the delays add up to the
/// exact time (30 fps: 3, 3, 4, 3, 3, 4, ...).
pub fn gif_delay(i: usize, fps: u32) -> u16 {
    let at = |k: usize| (k as f64 * 100.0 / fps.max(1) as f64).round() as u64;
    (at(i + 1) - at(i)).max(1) as u16
}

/// What to say when ffmpeg fails: what it said, or, when it said nothing, how it ended.
fn ffmpeg_failure(what: &str, status: Option<std::process::ExitStatus>, said: &str) -> String {
    let said = said.trim();
    if !said.is_empty() {
        return format!("ffmpeg {what}: {}", crate::limits::echo(said, 2000));
    }
    let how = match status {
        Some(s) => format!("it ended ({s}) without a word"),
        None => "it could not be waited for".into(),
    };
    format!("ffmpeg {what}: {how}; run it by hand to see why (SPACEFOLD_FFMPEG picks which)")
}

/// Checks, before anything renders, that `out` can take a render of `format`: a PNG render
/// needs a folder (or nothing) there, a GIF or video a regular file (or nothing) whose
/// folder exists; a device or FIFO is refused, as the output is renamed into place.
pub fn check_out(format: Format, out: &Path) -> Result<(), ExportError> {
    let text = out.to_string_lossy();
    let trimmed = PathBuf::from(text.trim_end_matches(['/', '\\']));
    let unwritable = |source| ExportError::Unwritable {
        out: out.to_path_buf(),
        source,
    };
    let real = crate::io::follow_links(&trimmed).map_err(unwritable)?;
    let meta = std::fs::metadata(&real).ok();
    match (format, meta) {
        (Format::Pngs, Some(m)) if !m.is_dir() => Err(ExportError::NotAFolder {
            out: out.to_path_buf(),
            path: trimmed,
        }),
        // The frames are staged beside the folder: that folder must take them.
        (Format::Pngs, _) => crate::io::check_folder_writable(&real).map_err(unwritable),
        (_, Some(m)) if !m.is_file() => Err(ExportError::NotAFile {
            out: out.to_path_buf(),
            path: real,
        }),
        (_, _) => crate::io::check_output(&real).map_err(unwritable),
    }
}

/// Frames piped to ffmpeg: as BT.709 4:2:0 (converted here, see [`yuv`]) for an opaque
/// video, as raw RGBA for one with alpha.
pub struct Video {
    /// The frame as Y'CbCr, reused frame after frame; `None`: RGBA goes as it is.
    yuv: Option<Vec<u8>>,
    child: Option<Child>,
    stdin: Option<ChildStdin>,
    errors: Option<std::thread::JoinHandle<String>>,
    /// Last: dropped after ffmpeg has stopped.
    staged: Staged,
}

/// Whether a video of `format` goes to ffmpeg as Y'CbCr: all but a WebM with alpha (an MP4
/// has none to keep).
pub fn sends_yuv(format: Format, transparent: bool) -> bool {
    !(format == Format::Webm && transparent)
}

/// ffmpeg's arguments for a video of `format` read from standard input: BT.709 4:2:0 frames
/// at even sides (see [`sends_yuv`]), or raw RGBA padded to even sides by ffmpeg.
pub fn ffmpeg_args(
    format: Format,
    size: (u32, u32),
    fps: u32,
    transparent: bool,
    to: &Path,
) -> Vec<String> {
    let yuv = sends_yuv(format, transparent);
    let (w, h) = if yuv {
        self::yuv::even_size(size.0, size.1)
    } else {
        size
    };
    let tags = self::yuv::FFMPEG_COLOR_ARGS.map(String::from);
    let mut args: Vec<String> = ["-hide_banner", "-loglevel", "error", "-y", "-f", "rawvideo"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend([
        "-pix_fmt".into(),
        if yuv { "yuv420p" } else { "rgba" }.into(),
        "-s".into(),
        format!("{w}x{h}"),
        "-framerate".into(),
        fps.to_string(),
    ]);
    if yuv {
        args.extend(tags.clone());
    }
    args.extend(["-i".into(), "-".into()]);
    if !yuv {
        // 4:2:0 video needs even sides.
        args.extend(["-vf".into(), "pad=ceil(iw/2)*2:ceil(ih/2)*2".into()]);
    }
    match format {
        Format::Webm => args.extend(
            [
                "-c:v",
                "libvpx-vp9",
                "-crf",
                "30",
                "-b:v",
                "0",
                "-pix_fmt",
                if transparent { "yuva420p" } else { "yuv420p" },
                "-f",
                "webm",
            ]
            .map(String::from),
        ),
        _ => args.extend(
            [
                "-c:v",
                "libx264",
                "-preset",
                "veryfast",
                "-crf",
                "18",
                "-pix_fmt",
                "yuv420p",
                "-movflags",
                "+faststart",
                "-f",
                "mp4",
            ]
            .map(String::from),
        ),
    }
    if yuv {
        // Written into the stream, so that players decode with the matrix it was made with.
        args.extend(tags);
    }
    args.push(to.to_string_lossy().into_owned());
    args
}

impl Video {
    /// Starts ffmpeg writing to a temporary file beside `out`.
    pub fn start(
        ffmpeg: &Path,
        format: Format,
        out: &Path,
        size: (u32, u32),
        fps: u32,
        transparent: bool,
    ) -> Result<Video, ExportError> {
        let staged = Staged::beside(out)?;
        let mut child = Command::new(ffmpeg)
            .args(ffmpeg_args(format, size, fps, transparent, &staged.tmp))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| ExportError::Ffmpeg(format!("cannot start {}: {e}", ffmpeg.display())))?;
        let stdin = child.stdin.take();
        let mut stderr = child.stderr.take().expect("piped");
        let errors = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        Ok(Video {
            yuv: sends_yuv(format, transparent).then(Vec::new),
            child: Some(child),
            stdin,
            errors: Some(errors),
            staged,
        })
    }

    fn failure(&mut self, what: &str) -> ExportError {
        self.stdin = None;
        let status = self.child.take().and_then(|mut c| c.wait().ok());
        let said = self
            .errors
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default();
        ExportError::Ffmpeg(ffmpeg_failure(what, status, &said))
    }
}

impl Sink for Video {
    fn frame(&mut self, frame: Pixels) -> Result<(), ExportError> {
        let bytes = match &mut self.yuv {
            Some(planes) => {
                let (w, h) = (frame.width as usize, frame.height as usize);
                self::yuv::rgba_to_yuv420(frame.rgba, w, h, planes);
                &planes[..]
            }
            None => frame.rgba,
        };
        let stdin = self.stdin.as_mut().expect("open until finished");
        if stdin.write_all(bytes).is_err() {
            return Err(self.failure("stopped taking frames"));
        }
        Ok(())
    }

    fn keeps_alpha(&self) -> bool {
        self.yuv.is_none()
    }

    fn finish(mut self: Box<Self>) -> Result<(), ExportError> {
        self.stdin = None;
        let status = self.child.take().expect("running").wait()?;
        if !status.success() {
            return Err(self.failure(&format!("failed ({status})")));
        }
        Ok(self.staged.commit()?)
    }
}

impl Drop for Video {
    /// Stops ffmpeg if it still runs (an unfinished render), before the staged file goes.
    fn drop(&mut self) {
        self.stdin = None;
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// The progress line after `done` of `total` frames, `elapsed` seconds in: a bar, frames,
/// frames per second, time left.
pub fn frames_line(done: usize, total: usize, elapsed: f64) -> String {
    let fps = if elapsed > 0.0 {
        done as f64 / elapsed
    } else {
        0.0
    };
    let left = if fps > 0.0 {
        let s = ((total - done.min(total)) as f64 / fps).round() as u64;
        format!("{}:{:02} left", s / 60, s % 60)
    } else {
        "-:-- left".into()
    };
    format!(
        "[{}] {done}/{total} frames  {fps:.1} fps  {left}",
        crate::progress::bar(done, total, 24, '#', '.')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("spacefold-export-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// A frame with a square of `class` colour at `at`.
    fn frame(w: u32, h: u32, at: u32, alpha: u8) -> Vec<u8> {
        let mut rgba = vec![0u8; (w * h * 4) as usize];
        for (i, p) in rgba.chunks_exact_mut(4).enumerate() {
            let (x, y) = (i as u32 % w, i as u32 / w);
            let inside = (at..at + 4).contains(&x) && (2..6).contains(&y);
            p.copy_from_slice(&if inside {
                [230, 80, 40, 255]
            } else {
                [20, 23, 28, alpha]
            });
        }
        rgba
    }

    #[test]
    fn formats_follow_the_extension() {
        assert_eq!(Format::for_path(Path::new("a.gif")).unwrap(), Format::Gif);
        assert_eq!(Format::for_path(Path::new("a.MP4")).unwrap(), Format::Mp4);
        assert_eq!(
            Format::for_path(Path::new("clip.webm")).unwrap(),
            Format::Webm
        );
        assert_eq!(Format::for_path(Path::new("frames")).unwrap(), Format::Pngs);
        assert_eq!(Format::for_path(Path::new("out.d/")).unwrap(), Format::Pngs);
        let e = Format::for_path(Path::new("a.avi"))
            .unwrap_err()
            .to_string();
        assert!(e.contains(".avi") && !e.contains("--"), "{e}");
        assert!(Format::Mp4.needs_ffmpeg() && !Format::Gif.needs_ffmpeg());
    }

    /// `render --out FILE/` onto a file, or onto a device, is refused before anything renders
    /// (issue 15: it said only "Not a directory (os error 20)"); a link's target gets the GIF
    /// and the link stays; a render killed earlier leaves nothing the next one keeps.
    #[test]
    fn outputs_are_checked_first_and_links_kept() {
        let dir = scratch("check-out");
        let file = dir.join("taken");
        std::fs::write(&file, b"x").unwrap();
        let slash = PathBuf::from(format!("{}/", file.display()));
        let e = check_out(Format::Pngs, &slash).unwrap_err().to_string();
        assert!(e.contains("is a file, not a folder"), "{e}");
        assert!(check_out(Format::Pngs, &dir.join("new/")).is_ok());
        assert!(check_out(Format::Gif, &dir.join("a.gif")).is_ok());
        let e = check_out(Format::Gif, &dir.join("no/such/a.gif"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("does not exist"), "{e}");
        #[cfg(unix)]
        {
            let e = check_out(Format::Gif, Path::new("/dev/null"))
                .unwrap_err()
                .to_string();
            assert!(e.contains("not a regular file"), "{e}");
            let real = dir.join("real.gif");
            let link = dir.join("link.gif");
            std::os::unix::fs::symlink("real.gif", &link).unwrap();
            let stale = dir.join(".real.partial-4000000000.gif");
            std::fs::write(&stale, b"").unwrap();
            let mut gif = Box::new(GifFile::create(&link, (8, 8), 10, false).unwrap());
            let pixels = frame(8, 8, 1, 255);
            gif.frame(Pixels {
                width: 8,
                height: 8,
                rgba: &pixels,
            })
            .unwrap();
            gif.finish().unwrap();
            assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
            assert!(std::fs::read(&real).unwrap().starts_with(b"GIF89a"));
            assert!(!stale.exists() || !Path::new("/proc/self").exists());
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn long_renders_ask_first_and_huge_ones_are_refused() {
        assert_eq!(frame_count(0.0, 10.0, 60), 600);
        assert_eq!(frame_count(0.0, 1e30, 60), usize::MAX);
        assert!(check_frame_count(600, 10.0, false).is_ok());
        let e = check_frame_count(216_001, 3600.0, false).unwrap_err();
        assert!(matches!(
            e,
            ExportError::Frames {
                over_limit: false,
                ..
            }
        ));
        assert!(e.to_string().contains("216001 frames"), "{e}");
        assert!(check_frame_count(216_001, 3600.0, true).is_ok());
        let e = check_frame_count(usize::MAX, 1e30, true).unwrap_err();
        assert!(e.to_string().contains("over the limit of 1000000"), "{e}");
    }

    #[test]
    fn ffmpeg_that_says_nothing_is_still_explained() {
        let e = ffmpeg_failure("stopped taking frames", None, "  ");
        assert!(!e.ends_with(": "), "{e}");
        assert!(e.contains("run it by hand"), "{e}");
        let e = ffmpeg_failure("stopped taking frames", None, "Unknown encoder");
        assert_eq!(e, "ffmpeg stopped taking frames: Unknown encoder");
    }

    #[test]
    fn frame_times_are_exact_and_ranges_join_without_a_repeat() {
        let t = frame_times(0.0, 1.0, 10);
        assert_eq!(t.len(), 10);
        assert_eq!(t[0], 0.0);
        assert_eq!(t[9], 0.9);
        assert_eq!(t[3], 0.3);
        // round((to - from) · fps) frames: 2.5 frames' worth rounds to 3 (2.0, 2.1, 2.2).
        assert_eq!(frame_times(2.0, 2.25, 10), vec![2.0, 2.1, 2.2]);
        // 10 s at 30 fps: 300 frames, and the next 10 s start where these stop.
        let first = frame_times(0.0, 10.0, 30);
        let second = frame_times(10.0, 20.0, 30);
        assert_eq!((first.len(), second.len()), (300, 300));
        assert!(first.last().unwrap() < &second[0]);
        let whole = frame_times(0.0, 20.0, 30);
        let joined: Vec<f32> = first.iter().chain(&second).copied().collect();
        assert!(whole.iter().zip(&joined).all(|(a, b)| (a - b).abs() < 1e-5));
        assert_eq!(whole.len(), joined.len());
        assert_eq!(
            frame_times(3.0, 3.0, 30),
            vec![3.0],
            "an empty span: the frame at it"
        );
    }

    #[test]
    fn gif_delays_add_up_to_the_exact_time() {
        let total: u32 = (0..30).map(|i| gif_delay(i, 30) as u32).sum();
        assert_eq!(total, 100);
        assert!((0..30).all(|i| (3..=4).contains(&gif_delay(i, 30))));
        assert_eq!(gif_delay(0, 25), 4);
        assert_eq!(gif_delay(7, 50), 2);
    }

    #[test]
    fn gif_decodes_with_every_frame_and_its_pixels() {
        let dir = scratch("gif");
        let out = dir.join("clip.gif");
        let mut sink = open_sink(Format::Gif, &out, (16, 8), 30, false).unwrap();
        let frames: Vec<_> = (0..6).map(|i| frame(16, 8, i * 2, 255)).collect();
        for f in frames.iter().chain([&frames[5]]) {
            sink.frame(Pixels {
                width: 16,
                height: 8,
                rgba: f,
            })
            .unwrap();
        }
        assert!(!out.exists(), "nothing at the destination before the end");
        sink.finish().unwrap();
        let mut options = gif::DecodeOptions::new();
        options.set_color_output(gif::ColorOutput::RGBA);
        let mut decoder = options
            .read_info(std::fs::File::open(&out).unwrap())
            .unwrap();
        assert_eq!(decoder.repeat(), gif::Repeat::Infinite);
        let mut canvas = vec![0u8; 16 * 8 * 4];
        let mut count = 0;
        while let Some(f) = decoder.read_next_frame().unwrap() {
            // Composite the (partial) frame onto the canvas, as a viewer does.
            for row in 0..f.height as usize {
                for col in 0..f.width as usize {
                    let src = (row * f.width as usize + col) * 4;
                    let dst = ((row + f.top as usize) * 16 + col + f.left as usize) * 4;
                    if f.buffer[src + 3] != 0 {
                        canvas[dst..dst + 4].copy_from_slice(&f.buffer[src..src + 4]);
                    }
                }
            }
            let expected = &frames[count.min(5)];
            // A few colours: the palette holds them exactly or nearly.
            let worst = canvas
                .iter()
                .zip(expected)
                .map(|(a, b)| a.abs_diff(*b))
                .max()
                .unwrap();
            assert!(worst <= 8, "frame {count} differs by {worst}");
            count += 1;
        }
        assert_eq!(count, 7);
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file left");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn png_folder_appears_only_when_complete_and_replaces_old_frames() {
        let dir = scratch("png");
        let out = dir.join("frames");
        // An abandoned render (dropped without finishing) leaves nothing.
        {
            let mut sink = open_sink(Format::Pngs, &out, (16, 8), 10, false).unwrap();
            let f = frame(16, 8, 0, 255);
            sink.frame(Pixels {
                width: 16,
                height: 8,
                rgba: &f,
            })
            .unwrap();
        }
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
        for n in [3, 2] {
            let mut sink = open_sink(Format::Pngs, &out, (16, 8), 10, true).unwrap();
            for i in 0..n {
                let f = frame(16, 8, i, 0);
                sink.frame(Pixels {
                    width: 16,
                    height: 8,
                    rgba: &f,
                })
                .unwrap();
            }
            sink.finish().unwrap();
        }
        let mut names: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(
            names,
            vec![png_name(0), png_name(1), png_name(2)],
            "the second render replaced the first's frames 0 and 1, and left its frame 2"
        );
        let decoder = png::Decoder::new(std::io::BufReader::new(
            std::fs::File::open(out.join(png_name(1))).unwrap(),
        ));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!(
            (info.width, info.height, info.color_type),
            (16, 8, png::ColorType::Rgba)
        );
        assert_eq!(&buf[..4], &[20, 23, 28, 0], "transparent background kept");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// `render --cues --out DIR/` into a folder holding other files and a sub-folder
    /// removed them (issue 27): the render writes its frames and nothing else is touched.
    #[test]
    fn a_folder_that_holds_other_things_keeps_them() {
        let dir = scratch("png-keep");
        let out = dir.join("slides");
        std::fs::create_dir_all(out.join("sub")).unwrap();
        std::fs::write(out.join("notes.txt"), "keep me").unwrap();
        std::fs::write(out.join("sub/deep.txt"), "me too").unwrap();
        std::fs::write(out.join(png_name(0)), "an old frame").unwrap();
        let note = folder_note(&out).unwrap();
        assert!(
            note.contains("the frame file frame-00000.png and 2 other entries"),
            "{note}"
        );
        let slash = PathBuf::from(format!("{}/", out.display()));
        assert!(check_out(Format::Pngs, &slash).is_ok());
        let mut sink = open_sink(Format::Pngs, &slash, (16, 8), 10, false).unwrap();
        for i in 0..2 {
            let f = frame(16, 8, i, 255);
            sink.frame(Pixels {
                width: 16,
                height: 8,
                rgba: &f,
            })
            .unwrap();
        }
        sink.finish().unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("notes.txt")).unwrap(),
            "keep me"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("sub/deep.txt")).unwrap(),
            "me too"
        );
        assert!(
            std::fs::read(out.join(png_name(0)))
                .unwrap()
                .starts_with(b"\x89PNG")
        );
        assert!(out.join(png_name(1)).exists());
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(left.len(), 1, "no staging folder left beside it");
        // An interrupted render (dropped unfinished) leaves the folder as it was.
        let before = std::fs::read(out.join(png_name(1))).unwrap();
        {
            let mut sink = open_sink(Format::Pngs, &out, (16, 8), 10, true).unwrap();
            let f = frame(16, 8, 3, 0);
            let f = Pixels {
                width: 16,
                height: 8,
                rgba: &f,
            };
            sink.frame(f).unwrap();
        }
        assert_eq!(std::fs::read(out.join(png_name(1))).unwrap(), before);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn sizes_read_as_people_read_them() {
        assert_eq!(size_text(0), "0 bytes");
        assert_eq!(size_text(1), "1 byte");
        assert_eq!(size_text(1023), "1023 bytes");
        assert_eq!(size_text(1536), "1.5 KiB");
        assert_eq!(size_text(1_468_006), "1.4 MiB");
        assert_eq!(size_text(2 * 1024 * 1024 * 1024), "2.0 GiB");
    }

    /// `render` says how much it wrote (issue 26): a file's size, a PNG folder's frames'.
    #[test]
    fn what_was_written_is_measured() {
        let dir = scratch("written");
        let gif = dir.join("x.gif");
        std::fs::write(&gif, vec![0u8; 3000]).unwrap();
        assert_eq!(describe_written(&gif), "2.9 KiB");
        let frames = dir.join("frames");
        std::fs::create_dir(&frames).unwrap();
        std::fs::write(frames.join(png_name(0)), vec![0u8; 1000]).unwrap();
        std::fs::write(frames.join(png_name(1)), vec![0u8; 1048]).unwrap();
        std::fs::write(frames.join("notes.txt"), vec![0u8; 5000]).unwrap();
        assert_eq!(describe_written(&frames), "2.0 KiB");
        let slash = PathBuf::from(format!("{}/", frames.display()));
        assert_eq!(describe_written(&slash), "2.0 KiB");
        assert_eq!(describe_written(&dir.join("gone.gif")), "size unknown");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn handout_texts_over_the_limit_are_refused_before_any_work() {
        let dir = scratch("handout-limit");
        let long = "x".repeat(crate::limits::MAX_TEXT_CHARS + 1);
        let e = HandoutPdf::create(&dir.join("h.pdf"), &long, vec![])
            .err()
            .unwrap();
        assert!(e.to_string().contains("title length"), "{e}");
        // A page joins a scene's notes and a cue's, each within the limit.
        let joined = vec![("cue 1 · a title".into(), format!("{long}\n\n{long}"))];
        assert!(HandoutPdf::create(&dir.join("h.pdf"), "t", joined).is_ok());
        let texts = vec![("cue 1".into(), long.repeat(5))];
        assert!(HandoutPdf::create(&dir.join("h.pdf"), "t", texts).is_err());
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn video_without_ffmpeg_says_how_to_get_it() {
        let message = ExportError::NoFfmpeg("talk.mp4".into()).to_string();
        assert!(message.contains("needs ffmpeg"), "{message}");
        let args = ffmpeg_args(Format::Mp4, (640, 360), 30, false, Path::new("x.mp4"));
        let joined = args.join(" ");
        assert!(
            joined.contains("-s 640x360 -framerate 30 -colorspace bt709"),
            "{joined}"
        );
        assert!(joined.contains("-color_range tv -i -"), "{joined}");
        assert!(!joined.contains("-vf"), "{joined}");
        assert!(joined.ends_with("-f mp4 -colorspace bt709 -color_primaries bt709 -color_trc iec61966-2-1 -color_range tv x.mp4"), "{joined}");
    }

    #[test]
    fn opaque_video_goes_as_bt709_planes_and_alpha_as_rgba() {
        let joined = |format, size, transparent| {
            ffmpeg_args(format, size, 30, transparent, Path::new("x")).join(" ")
        };
        // An odd size: the planes are made at even sides, RGBA is padded by ffmpeg.
        let mp4 = joined(Format::Mp4, (641, 361), true);
        assert!(mp4.contains("-pix_fmt yuv420p -s 642x362"), "{mp4}");
        let webm = joined(Format::Webm, (641, 361), false);
        assert!(webm.contains("-pix_fmt yuv420p -s 642x362"), "{webm}");
        assert!(webm.contains("-color_trc iec61966-2-1"), "{webm}");
        let alpha = joined(Format::Webm, (641, 361), true);
        assert!(alpha.contains("-pix_fmt rgba -s 641x361"), "{alpha}");
        assert!(
            alpha.contains("-vf pad=") && alpha.contains("yuva420p"),
            "{alpha}"
        );
        assert!(!alpha.contains("bt709"), "{alpha}");
    }

    #[test]
    fn progress_line_counts_frames_and_time_left() {
        let line = frames_line(50, 200, 10.0);
        assert!(line.contains("50/200 frames"), "{line}");
        assert!(line.contains("5.0 fps"), "{line}");
        assert!(line.contains("0:30 left"), "{line}");
        assert!(line.starts_with("[######......"), "{line}");
    }
}
