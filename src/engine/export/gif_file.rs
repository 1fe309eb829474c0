//! Animated GIFs in a slide's budget. One palette for the whole animation, chosen from every
//! frame's colours ([`super::quantize`]); each frame stores only the rectangle that changed,
//! its unchanged pixels transparent, drawn over what the frames before left (`Keep`). A
//! transparent render's pixels that turn transparent are cleared by disposing of the frame
//! before to the background. As the palette comes first in the file and depends on every
//! frame, frames are spooled (deflated) beside the output until the last is in.

use super::lzw::Lzw;
use super::quantize::{Histogram, Nearest};
use super::{ExportError, Pixels, Sink, Staged, gif_delay};
use std::borrow::Cow;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// An animated GIF that loops.
pub struct GifFile {
    /// The output as given, for errors.
    out: PathBuf,
    width: usize,
    height: usize,
    fps: u32,
    transparent: bool,
    histogram: Histogram,
    spool: Spool,
    written: usize,
    /// The staged GIF, created at once so that an unwritable output is said before rendering.
    file: Option<std::fs::File>,
    /// Last: dropped after the file has closed.
    staged: Staged,
}

impl GifFile {
    /// Starts the GIF under a temporary name, its frames spooled beside it.
    pub fn create(
        out: &Path,
        size: (u32, u32),
        fps: u32,
        transparent: bool,
    ) -> Result<GifFile, ExportError> {
        let (w, h) = size;
        if w > u16::MAX as u32 || h > u16::MAX as u32 {
            return Err(ExportError::GifSize);
        }
        let unwritable = |source| ExportError::Unwritable {
            out: out.to_path_buf(),
            source,
        };
        let staged = Staged::beside(out)?;
        let file = std::fs::File::create(&staged.tmp).map_err(unwritable)?;
        let spool = Spool::beside(&staged.out, out)?;
        Ok(GifFile {
            out: out.to_path_buf(),
            width: w as usize,
            height: h as usize,
            fps,
            transparent,
            histogram: Histogram::new(),
            spool,
            written: 0,
            file: Some(file),
            staged,
        })
    }
}

impl Sink for GifFile {
    fn frame(&mut self, frame: Pixels) -> Result<(), ExportError> {
        if (frame.width as usize, frame.height as usize) != (self.width, self.height)
            || frame.rgba.len() != self.width * self.height * 4
        {
            return Err(ExportError::Encode(format!(
                "a {}x{} frame in a {}x{} GIF",
                frame.width, frame.height, self.width, self.height
            )));
        }
        self.histogram.add(frame.rgba, self.transparent);
        self.spool
            .push(frame.rgba)
            .map_err(|source| ExportError::Unwritable {
                out: self.out.clone(),
                source,
            })?;
        self.written += 1;
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<(), ExportError> {
        let gif_error = |e: gif::EncodingError| ExportError::Encode(e.to_string());
        let colours = self.histogram.palette(255);
        // The index past the colours is the transparent one: a frame's unchanged pixels.
        let clear = colours.len() as u8;
        let mut global: Vec<u8> = colours.iter().flatten().copied().collect();
        global.extend(crate::palette::BACKGROUND);
        let file = self.file.take().expect("finished once");
        let (w, h) = (self.width as u16, self.height as u16);
        let mut encoder =
            gif::Encoder::new(BufWriter::new(file), w, h, &global).map_err(gif_error)?;
        encoder
            .set_repeat(gif::Repeat::Infinite)
            .map_err(gif_error)?;
        let mut nearest = Nearest::new(&colours);
        let mut canvas = Canvas::new(self.width, self.height, &colours, IN_MOTION);
        let mut frames = self.spool.frames(self.width * self.height * 4)?;
        for i in 0..self.written {
            let rgba = frames.next_frame()?;
            let target = nearest.indices(&rgba, self.transparent, clear);
            if let Some(done) = canvas.push(target, gif_delay(i, self.fps)) {
                encoder
                    .write_lzw_pre_encoded_frame(&done)
                    .map_err(gif_error)?;
            }
        }
        drop(frames);
        if let Some(last) = canvas.finish(self.transparent) {
            encoder
                .write_lzw_pre_encoded_frame(&last)
                .map_err(gif_error)?;
        }
        let file = encoder.into_inner().map_err(gif_error)?;
        let file = file.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file);
        Ok(self.staged.commit()?)
    }
}

/// Frames deflated into a file beside the output, read back in order; removed when dropped.
struct Spool {
    writer: Option<BufWriter<std::fs::File>>,
    staged: Staged,
}

impl Spool {
    /// A spool beside `out` (`.name.partial-PID.gif-frames`); `given` names the output in
    /// errors.
    fn beside(out: &Path, given: &Path) -> Result<Spool, ExportError> {
        let staged = Staged::beside(&out.with_extension("gif-frames"))?;
        let file =
            std::fs::File::create(&staged.tmp).map_err(|source| ExportError::Unwritable {
                out: given.to_path_buf(),
                source,
            })?;
        Ok(Spool {
            writer: Some(BufWriter::new(file)),
            staged,
        })
    }

    /// Adds a frame.
    fn push(&mut self, rgba: &[u8]) -> std::io::Result<()> {
        let mut deflate =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        deflate.write_all(rgba)?;
        let bytes = deflate.finish()?;
        let writer = self.writer.as_mut().expect("writing until read");
        writer.write_all(&(bytes.len() as u64).to_le_bytes())?;
        writer.write_all(&bytes)
    }

    /// The frames from the first, each `len` bytes.
    fn frames(&mut self, len: usize) -> std::io::Result<SpoolReader> {
        if let Some(writer) = self.writer.take() {
            writer.into_inner().map_err(|e| e.into_error())?;
        }
        let file = std::fs::File::open(&self.staged.tmp)?;
        Ok(SpoolReader {
            reader: BufReader::new(file),
            len,
        })
    }
}

/// Reads a spool's frames in order.
struct SpoolReader {
    reader: BufReader<std::fs::File>,
    len: usize,
}

impl SpoolReader {
    fn next_frame(&mut self) -> std::io::Result<Vec<u8>> {
        let mut size = [0u8; 8];
        self.reader.read_exact(&mut size)?;
        let mut deflated = vec![0u8; u64::from_le_bytes(size) as usize];
        self.reader.read_exact(&mut deflated)?;
        let mut rgba = vec![0u8; self.len];
        flate2::read::DeflateDecoder::new(&deflated[..]).read_exact(&mut rgba)?;
        Ok(rgba)
    }
}

/// A rectangle of the canvas: left, top, width, height.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Rect {
    x: usize,
    y: usize,
    w: usize,
    h: usize,
}

impl Rect {
    /// The smallest rectangle holding both.
    fn union(self, o: Rect) -> Rect {
        let (x, y) = (self.x.min(o.x), self.y.min(o.y));
        let right = (self.x + self.w).max(o.x + o.w);
        let bottom = (self.y + self.h).max(o.y + o.h);
        Rect {
            x,
            y,
            w: right - x,
            h: bottom - y,
        }
    }
}

/// The smallest rectangle holding every pixel `i` where `differs(i)`, on a canvas `width`
/// wide; rows where `same_row(row)` are skipped whole.
fn bounds(
    width: usize,
    height: usize,
    same_row: impl Fn(usize) -> bool,
    differs: impl Fn(usize) -> bool,
) -> Option<Rect> {
    let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
    for y in (0..height).filter(|&y| !same_row(y)) {
        let row = y * width;
        let Some(first) = (0..width).find(|&x| differs(row + x)) else {
            continue;
        };
        let last = (first..width).rfind(|&x| differs(row + x)).unwrap_or(first);
        (x0, x1) = (x0.min(first), x1.max(last));
        (y0, y1) = (y0.min(y), y);
    }
    (x0 != usize::MAX).then(|| Rect {
        x: x0,
        y: y0,
        w: x1 - x0 + 1,
        h: y1 - y0 + 1,
    })
}

/// A frame as written: where, its pixels (`clear` where the canvas shows through) and their
/// codes, how long it shows and what becomes of it after.
struct Patch {
    rect: Rect,
    pixels: Vec<u8>,
    /// The pixels LZW-compressed; `None` once grown (compressed again when written).
    codes: Option<Vec<u8>>,
    delay: u16,
    dispose: gif::DisposalMethod,
}

/// What a viewer shows, as the writer tracks it (palette indices, `clear` transparent), and
/// the frame written last, held until the next one says how it must be disposed of.
struct Canvas {
    width: usize,
    height: usize,
    clear: u8,
    code_size: u8,
    /// Whether two indices look alike (no channel more than the tolerance apart):
    /// `alike[a * 256 + b]`. `clear` looks like itself only.
    alike: Vec<bool>,
    /// Each colour's look-alikes, nearest first.
    neighbours: Vec<Vec<u8>>,
    /// The canvas with the held frame drawn.
    shown: Vec<u8>,
    /// The frame before's pixels as asked for.
    before: Vec<u8>,
    held: Option<Patch>,
    lzw: Lzw,
}

/// How far (in levels of any channel) a pixel in motion may be shown from its colour: the
/// eye does not follow a moving edge's shade, and the pixel is shown exactly as soon as it
/// rests. On frames of a moving grid this saves a fifth of the file.
const IN_MOTION: u8 = 12;

/// Look-alikes a pixel may take instead of its own colour, at most.
const NEIGHBOURS: usize = 12;

impl Canvas {
    /// A clear canvas for a palette of `colours` (`clear` is the index after them). A pixel
    /// in motion (its colour not the frame before's) counts as unchanged while what is shown
    /// is within `tolerance` of its colour in every channel, and may be written as any
    /// colour that near; a pixel at rest is shown exactly.
    fn new(width: usize, height: usize, colours: &[[u8; 3]], tolerance: u8) -> Canvas {
        let clear = colours.len() as u8;
        let near = |a: usize, b: usize| match (colours.get(a), colours.get(b)) {
            (Some(p), Some(q)) => (0..3).all(|c| p[c].abs_diff(q[c]) <= tolerance),
            _ => a == b,
        };
        let mut alike = vec![false; 256 * 256];
        for a in 0..256 {
            for b in 0..256 {
                alike[a * 256 + b] = near(a, b);
            }
        }
        let distance = |a: [u8; 3], b: [u8; 3]| -> u32 {
            (0..3).map(|c| (a[c].abs_diff(b[c]) as u32).pow(2)).sum()
        };
        let neighbours = colours
            .iter()
            .enumerate()
            .map(|(a, &p)| {
                let mut near: Vec<u8> = (0..colours.len())
                    .filter(|&b| b != a && alike[a * 256 + b])
                    .map(|b| b as u8)
                    .collect();
                near.sort_by_key(|&b| distance(p, colours[b as usize]));
                near.truncate(NEIGHBOURS);
                near
            })
            .chain([vec![]])
            .collect();
        Canvas {
            width,
            height,
            clear,
            code_size: Lzw::code_size(colours.len() + 1),
            alike,
            neighbours,
            shown: vec![clear; width * height],
            before: vec![clear; width * height],
            held: None,
            lzw: Lzw::new(),
        }
    }

    fn full(&self) -> Rect {
        Rect {
            x: 0,
            y: 0,
            w: self.width,
            h: self.height,
        }
    }

    /// The next frame's pixels (palette indices, `clear` transparent): returns the frame
    /// before it, complete now.
    fn push(&mut self, target: Vec<u8>, delay: u16) -> Option<gif::Frame<'static>> {
        let first = self.held.is_none();
        let done = self.held.take().map(|held| self.dispose(held, &target));
        let (w, shown, alike, before) = (self.width, &self.shown, &self.alike, &self.before);
        // A pixel whose colour stays as it was is shown exactly (what an eye rests on); one
        // in motion may be shown as a colour like its own. The first frame is at rest.
        let moving = |i: usize| !first && target[i] != before[i];
        let like =
            |t: u8, s: u8, i: usize| t == s || (moving(i) && alike[t as usize * 256 + s as usize]);
        let rect = match first {
            // The first frame covers the canvas: viewers start from it.
            true => Some(self.full()),
            false => bounds(
                w,
                self.height,
                |y| shown[y * w..(y + 1) * w] == target[y * w..(y + 1) * w],
                |i| !like(target[i], shown[i], i),
            ),
        };
        // Nothing changed: a one-pixel frame that shows through, to keep the frame's time.
        let rect = rect.unwrap_or(Rect {
            x: 0,
            y: 0,
            w: 1,
            h: 1,
        });
        let at = |k: usize| (rect.y + k / rect.w) * w + rect.x + k % rect.w;
        let (clear, code_size, neighbours) = (self.clear, self.code_size, &self.neighbours);
        // A pixel may be written as anything that shows a colour like its own: nothing
        // (what is shown stays) when that is like it, preferably; else its colour, or one
        // like it.
        let (codes, pixels) = self.lzw.encode(code_size, rect.w * rect.h, |k, choices| {
            let i = at(k);
            let (t, s) = (target[i], shown[i]);
            if like(t, s, i) {
                choices.push(clear);
            }
            choices.push(t);
            if moving(i) {
                choices.extend(&neighbours[t as usize]);
            }
        });
        for (k, &p) in pixels.iter().enumerate() {
            if p != clear {
                self.shown[at(k)] = p;
            }
        }
        self.before = target;
        self.held = Some(Patch {
            rect,
            pixels,
            codes: Some(codes),
            delay,
            dispose: gif::DisposalMethod::Keep,
        });
        done
    }

    /// The held frame, complete now that the next one (`target`) is known, and the canvas
    /// as its disposal leaves it. Pixels shown that must turn transparent: only disposing of
    /// the frame before to the background clears them, so that frame grows to cover them.
    fn dispose(&mut self, mut held: Patch, target: &[u8]) -> gif::Frame<'static> {
        let (w, clear, shown) = (self.width, self.clear, &self.shown);
        let to_clear = bounds(
            w,
            self.height,
            |_| false,
            |i| target[i] == clear && shown[i] != clear,
        );
        if let Some(r) = to_clear {
            let rect = held.rect.union(r);
            held = self.grow(held, rect);
            held.dispose = gif::DisposalMethod::Background;
            for y in held.rect.y..held.rect.y + held.rect.h {
                let row = y * w + held.rect.x;
                self.shown[row..row + held.rect.w].fill(clear);
            }
        }
        self.frame(held)
    }

    /// `held` grown to `rect`, the pixels it did not cover showing through.
    fn grow(&self, held: Patch, rect: Rect) -> Patch {
        let mut pixels = vec![self.clear; rect.w * rect.h];
        for y in 0..held.rect.h {
            let from = &held.pixels[y * held.rect.w..(y + 1) * held.rect.w];
            let at = (held.rect.y + y - rect.y) * rect.w + held.rect.x - rect.x;
            pixels[at..at + held.rect.w].copy_from_slice(from);
        }
        Patch {
            rect,
            pixels,
            codes: None,
            ..held
        }
    }

    /// The last frame. A transparent animation's is disposed of whole, so that a viewer
    /// that loops without clearing starts again from a clear canvas.
    fn finish(&mut self, transparent: bool) -> Option<gif::Frame<'static>> {
        let mut last = self.held.take()?;
        if transparent {
            last = self.grow(last, self.full());
            last.dispose = gif::DisposalMethod::Background;
        }
        Some(self.frame(last))
    }

    /// The GIF frame a patch is written as (its palette the global one, `clear`
    /// transparent), its buffer LZW-compressed.
    fn frame(&mut self, patch: Patch) -> gif::Frame<'static> {
        let codes = match patch.codes {
            Some(codes) => codes,
            None => {
                let pixels = &patch.pixels;
                self.lzw
                    .encode(self.code_size, pixels.len(), |k, c| c.push(pixels[k]))
                    .0
            }
        };
        gif::Frame {
            left: patch.rect.x as u16,
            top: patch.rect.y as u16,
            width: patch.rect.w as u16,
            height: patch.rect.h as u16,
            buffer: Cow::Owned(codes),
            delay: patch.delay,
            dispose: patch.dispose,
            transparent: Some(self.clear),
            ..gif::Frame::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a viewer shows of a GIF, frame by frame (RGBA, transparent pixels 0,0,0,0), and
    /// each frame's delay: frames drawn over the canvas, disposed of as they say.
    pub(crate) fn play(bytes: &[u8]) -> (Vec<Vec<u8>>, Vec<u16>) {
        let mut options = gif::DecodeOptions::new();
        options.set_color_output(gif::ColorOutput::RGBA);
        let mut decoder = options.read_info(bytes).unwrap();
        assert_eq!(decoder.repeat(), gif::Repeat::Infinite);
        let (w, h) = (decoder.width() as usize, decoder.height() as usize);
        let mut canvas = vec![0u8; w * h * 4];
        let (mut shown, mut delays) = (vec![], vec![]);
        while let Some(f) = decoder.read_next_frame().unwrap() {
            let (left, top) = (f.left as usize, f.top as usize);
            for row in 0..f.height as usize {
                for col in 0..f.width as usize {
                    let src = (row * f.width as usize + col) * 4;
                    let dst = ((row + top) * w + col + left) * 4;
                    if f.buffer[src + 3] != 0 {
                        canvas[dst..dst + 4].copy_from_slice(&f.buffer[src..src + 4]);
                    }
                }
            }
            shown.push(canvas.clone());
            delays.push(f.delay);
            if f.dispose == gif::DisposalMethod::Background {
                for row in top..top + f.height as usize {
                    canvas[(row * w + left) * 4..(row * w + left + f.width as usize) * 4].fill(0);
                }
            }
        }
        (shown, delays)
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("spacefold-gif-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// Writes `frames` (RGBA, `w` by `h`) as a GIF and returns its bytes; nothing but the
    /// GIF is left in its folder.
    fn write(
        name: &str,
        frames: &[Vec<u8>],
        (w, h): (u32, u32),
        fps: u32,
        transparent: bool,
    ) -> Vec<u8> {
        let dir = scratch(name);
        let out = dir.join("clip.gif");
        let mut sink = Box::new(GifFile::create(&out, (w, h), fps, transparent).unwrap());
        for f in frames {
            sink.frame(Pixels {
                width: w,
                height: h,
                rgba: f,
            })
            .unwrap();
        }
        assert!(!out.exists(), "nothing at the destination before the end");
        sink.finish().unwrap();
        let bytes = std::fs::read(&out).unwrap();
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(left.len(), 1, "no spool or temporary file left");
        std::fs::remove_dir_all(&dir).unwrap();
        bytes
    }

    /// A `w` by `h` frame: `background` (RGBA), a 4x4 square of `colour` at (`x`, 2).
    fn square(w: usize, h: usize, x: usize, colour: [u8; 4], background: [u8; 4]) -> Vec<u8> {
        (0..w * h)
            .flat_map(|i| {
                let (col, row) = (i % w, i / w);
                let inside = (x..x + 4).contains(&col) && (2..6).contains(&row);
                if inside { colour } else { background }
            })
            .collect()
    }

    /// The largest difference of any channel between two RGBA frames.
    fn worst(a: &[u8], b: &[u8]) -> u8 {
        a.iter()
            .zip(b)
            .map(|(p, q)| p.abs_diff(*q))
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn opaque_frames_play_back_as_written() {
        let bg = [20, 23, 28, 255];
        let mut frames: Vec<Vec<u8>> = (0..6)
            .map(|i| square(24, 8, i * 3, [230, 159, 0, 255], bg))
            .collect();
        frames.push(frames[5].clone());
        frames.push(square(24, 8, 1, [86, 180, 233, 255], bg));
        let (shown, delays) = play(&write("opaque", &frames, (24, 8), 30, false));
        assert_eq!(shown.len(), frames.len(), "every frame keeps its place");
        for (i, (got, wanted)) in shown.iter().zip(&frames).enumerate() {
            // Few colours: the palette holds them exactly.
            assert_eq!(got, wanted, "frame {i}");
        }
        let expected: Vec<u16> = (0..frames.len()).map(|i| gif_delay(i, 30)).collect();
        assert_eq!(delays, expected);
    }

    /// A frame is stored as the rectangle that changed, the rest showing through: a small
    /// move costs little, and an unchanged frame next to nothing.
    #[test]
    fn frames_store_only_what_changed() {
        let bg = [20, 23, 28, 255];
        let one = |x| square(320, 180, x, [230, 159, 0, 255], bg);
        let still = write("still", &[one(10), one(10)], (320, 180), 30, false).len();
        let moved = write("moved", &[one(10), one(12)], (320, 180), 30, false).len();
        let single = write("single", &[one(10)], (320, 180), 30, false).len();
        assert!(
            still - single < 30,
            "an unchanged frame: {} bytes",
            still - single
        );
        assert!(
            moved - single < 60,
            "a moved square: {} bytes",
            moved - single
        );
    }

    /// A grey ramp sliding sideways, then resting: while it moves, a pixel may be shown a
    /// shade like its own (within `IN_MOTION`); once it rests, it is shown as its palette
    /// colour, within a level (256 greys on 255 colours).
    #[test]
    fn moving_pixels_may_be_near_and_resting_ones_are_exact() {
        let ramp = |shift: usize| -> Vec<u8> {
            (0..256 * 4)
                .flat_map(|i| {
                    let v = ((i % 256 + shift) % 256) as u8;
                    [v, v, v, 255]
                })
                .collect()
        };
        let mut frames: Vec<Vec<u8>> = (0..6).map(|k| ramp(k * 5)).collect();
        frames.extend([ramp(25), ramp(25)]);
        let (shown, _) = play(&write("ramp", &frames, (256, 4), 30, false));
        for (i, (got, wanted)) in shown.iter().zip(&frames).enumerate() {
            let off = worst(got, wanted);
            let most = if i >= 6 { 1 } else { IN_MOTION + 1 };
            assert!(off <= most, "frame {i}: {off} levels off");
        }
    }

    /// A transparent render: pixels that turn transparent are cleared (the frame before is
    /// disposed of to the background), the rest are kept, and the last frame clears the
    /// whole canvas for the next loop.
    #[test]
    fn transparent_frames_clear_what_turns_transparent() {
        let none = [20, 23, 28, 0];
        let orange = [230, 159, 0, 255];
        let mut frames: Vec<Vec<u8>> = (0..4).map(|i| square(24, 8, i * 5, orange, none)).collect();
        frames.push(square(24, 8, 0, none, none));
        frames.push(square(24, 8, 20, [0, 158, 115, 255], none));
        frames.push(frames[5].clone());
        let bytes = write("transparent", &frames, (24, 8), 10, true);
        let (shown, _) = play(&bytes);
        assert_eq!(shown.len(), frames.len());
        for (i, (got, wanted)) in shown.iter().zip(&frames).enumerate() {
            for (p, q) in got.chunks_exact(4).zip(wanted.chunks_exact(4)) {
                match q[3] {
                    0 => assert_eq!(p[3], 0, "frame {i}: a transparent pixel is shown"),
                    _ => assert_eq!(p, q, "frame {i}"),
                }
            }
        }
        let mut options = gif::DecodeOptions::new();
        options.set_color_output(gif::ColorOutput::RGBA);
        let mut decoder = options.read_info(&bytes[..]).unwrap();
        let mut last = None;
        while let Some(f) = decoder.read_next_frame().unwrap() {
            last = Some((f.dispose, f.left, f.top, f.width, f.height));
        }
        assert_eq!(last, Some((gif::DisposalMethod::Background, 0, 0, 24, 8)));
    }

    #[test]
    fn frames_of_another_size_are_refused() {
        let dir = scratch("size");
        let mut sink = GifFile::create(&dir.join("a.gif"), (8, 8), 10, false).unwrap();
        let pixels = vec![0u8; 4 * 4 * 4];
        let e = sink
            .frame(Pixels {
                width: 4,
                height: 4,
                rgba: &pixels,
            })
            .unwrap_err();
        assert_eq!(e.to_string(), "a 4x4 frame in a 8x8 GIF");
        drop(sink);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "nothing left");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Issue 26: a 13 s scene at 640x360 in a slide's budget. Frames like relu-fold's (a
    /// grid carried through W·a, + b and a fold, 300 points, a heading and a caption; see
    /// `synthetic`) at 10 frames a second: at most 2 MB, every frame close to its source and
    /// the resting last frame closer still. (At 30 frames a second the same frames take about
    /// 4.9 MB: a moving grid changes most of a frame, whatever the rate.)
    #[test]
    fn a_13_s_scene_at_640x360_and_10_fps_fits_2_mb() {
        let (w, h) = (640, 360);
        let frames: Vec<Vec<u8>> = crate::export::frame_times(0.0, 13.0, 10)
            .into_iter()
            .map(|t| super::synthetic::frame(w, h, t))
            .collect();
        let bytes = write("slide", &frames, (w as u32, h as u32), 10, false);
        eprintln!("13 s at 640x360, 10 fps: {} bytes", bytes.len());
        assert!(bytes.len() <= 2_000_000, "{} bytes", bytes.len());
        let (shown, _) = play(&bytes);
        let mut squares = 0u64;
        for (got, wanted) in shown.iter().zip(&frames) {
            squares += got
                .iter()
                .zip(wanted)
                .map(|(p, q)| (p.abs_diff(*q) as u64).pow(2))
                .sum::<u64>();
        }
        let rms = (squares as f64 / (frames.len() * w * h * 4) as f64).sqrt();
        assert!(rms < 1.5, "{rms}");
        let last = worst(shown.last().unwrap(), frames.last().unwrap());
        assert!(last <= 20, "the last frame is {last} levels off");
    }
}

#[cfg(test)]
pub(crate) mod synthetic {
    //! Frames like a scene's: a grid carried through `W·a`, `+ b` and a ReLU fold, points in
    //! two class colours, a heading and a caption in white on dark boxes, antialiased.

    use crate::palette::{BACKGROUND, class_rgb};

    /// Where a point of the plane goes at scene time `t` (13 s: the map, the shift, the
    /// fold, each eased, with holds between).
    fn carry([x, y]: [f32; 2], t: f32) -> [f32; 2] {
        let ease = |a: f32, b: f32| {
            let s = ((t - a) / (b - a)).clamp(0.0, 1.0);
            s * s * (3.0 - 2.0 * s)
        };
        let (s1, s2, s3) = (ease(1.0, 4.0), ease(5.0, 7.5), ease(8.5, 11.0));
        let w = [[1.2, 0.8], [-0.9, 0.7]];
        let m = |i: usize, j: usize| f32::from(i == j) + s1 * (w[i][j] - f32::from(i == j));
        let p = [m(0, 0) * x + m(0, 1) * y, m(1, 0) * x + m(1, 1) * y];
        let p = [p[0] + s2 * 0.5, p[1] - s2 * 0.3];
        [
            p[0] + s3 * (p[0].max(0.0) - p[0]),
            p[1] + s3 * (p[1].max(0.0) - p[1]),
        ]
    }

    /// An RGB frame being drawn.
    struct Canvas {
        w: usize,
        h: usize,
        rgb: Vec<[f32; 3]>,
        /// Coverage of the shape being drawn, and the pixels it touched.
        cover: Vec<f32>,
        touched: Vec<usize>,
    }

    impl Canvas {
        /// Coverage of a segment `width` wide from `a` to `b` (pixels), kept at its most.
        fn segment(&mut self, a: [f32; 2], b: [f32; 2], width: f32) {
            let r = width / 2.0 + 1.0;
            let (x0, x1) = (a[0].min(b[0]) - r, a[0].max(b[0]) + r);
            let (y0, y1) = (a[1].min(b[1]) - r, a[1].max(b[1]) + r);
            let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
            let len2 = (dx * dx + dy * dy).max(1e-6);
            for y in (y0.max(0.0) as usize)..(y1.min(self.h as f32 - 1.0).max(0.0) as usize + 1) {
                for x in (x0.max(0.0) as usize)..(x1.min(self.w as f32 - 1.0).max(0.0) as usize + 1)
                {
                    let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
                    let s = (((px - a[0]) * dx + (py - a[1]) * dy) / len2).clamp(0.0, 1.0);
                    let d = (px - a[0] - s * dx).hypot(py - a[1] - s * dy);
                    let c = (width / 2.0 + 0.5 - d).clamp(0.0, 1.0);
                    let i = y * self.w + x;
                    if c > 0.0 {
                        if self.cover[i] == 0.0 {
                            self.touched.push(i);
                        }
                        self.cover[i] = self.cover[i].max(c);
                    }
                }
            }
        }

        /// Paints what was covered in `colour` at `alpha`, and clears the coverage.
        fn paint(&mut self, colour: [f32; 3], alpha: f32) {
            for i in self.touched.drain(..) {
                let a = self.cover[i] * alpha;
                for (v, c) in self.rgb[i].iter_mut().zip(colour) {
                    *v += a * (c - *v);
                }
                self.cover[i] = 0.0;
            }
        }

        fn rect(&mut self, x: usize, y: usize, w: usize, h: usize, colour: [f32; 3]) {
            for row in y..(y + h).min(self.h) {
                for col in x..(x + w).min(self.w) {
                    self.rgb[row * self.w + col] = colour;
                }
            }
        }

        /// Pseudo-text: `n` glyph cells of strokes, chosen by `seed`, white on the box.
        fn text(&mut self, x: usize, y: usize, n: usize, size: usize, seed: u32) {
            let mut s = seed.wrapping_mul(2654435761).wrapping_add(1);
            let mut next = || {
                s ^= s << 13;
                s ^= s >> 17;
                s ^= s << 5;
                s
            };
            for k in 0..n {
                let cx = (x + k * size * 6 / 10) as f32;
                for _ in 0..3 {
                    let v = next();
                    let p = |v: u32, m: usize| (v % m as u32) as f32;
                    let a = [cx + p(v, size / 2), y as f32 + p(v >> 8, size)];
                    let b = [cx + p(v >> 16, size / 2), y as f32 + p(v >> 24, size)];
                    self.segment(a, b, size as f32 / 8.0);
                }
            }
            self.paint([255.0; 3], 1.0);
        }
    }

    /// The frame at scene time `t`, `w` by `h`, RGBA.
    pub(crate) fn frame(w: usize, h: usize, t: f32) -> Vec<u8> {
        let bg = BACKGROUND.map(f32::from);
        let mut c = Canvas {
            w,
            h,
            rgb: vec![bg; w * h],
            cover: vec![0.0; w * h],
            touched: vec![],
        };
        let scale = h as f32 / 8.0;
        let at = |[x, y]: [f32; 2]| [w as f32 / 2.0 + x * scale, h as f32 / 2.0 - y * scale];
        // Axes.
        c.segment(at([-6.0, 0.0]), at([6.0, 0.0]), 1.5);
        c.segment(at([0.0, -4.0]), at([0.0, 4.0]), 1.5);
        c.paint([217.0, 217.0, 230.0], 0.45);
        // The grid: 24 lines each way over [-3, 3]², major every fourth.
        for vertical in [true, false] {
            for k in 0..=24 {
                let u = -3.0 + k as f32 * 0.25;
                let line = |v: f32| carry(if vertical { [u, v] } else { [v, u] }, t);
                let mut prev = at(line(-3.0));
                for j in 1..=120 {
                    let p = at(line(-3.0 + j as f32 * 0.05));
                    c.segment(prev, p, 1.2);
                    prev = p;
                }
                let s = k as f32 / 24.0;
                let colour = if vertical {
                    [0.36 + 0.2 * s, 0.48 + 0.2 * s, 0.66 + 0.2 * s]
                } else {
                    [0.62 + 0.2 * s, 0.56 + 0.18 * s, 0.42 + 0.14 * s]
                };
                c.paint(
                    colour.map(|v| v * 255.0),
                    if k % 4 == 0 { 0.5 } else { 0.2 },
                );
            }
        }
        // 300 points, class by side of a curve.
        let mut s = 12345u32;
        for _ in 0..300 {
            let mut next = || {
                s = s.wrapping_mul(1664525).wrapping_add(1013904223);
                (s >> 8) as f32 / (1 << 24) as f32 * 4.0 - 2.0
            };
            let p = [next(), next()];
            let class = u32::from(p[1] > 0.4 * p[0] * p[0] - 0.5);
            let q = at(carry(p, t));
            c.segment(q, q, 5.0);
            c.paint(class_rgb(class).map(f32::from), 1.0);
        }
        // The heading, its sub-line saying the stage, and the caption at the end.
        let u = h / 40;
        let (bw, bx) = (w * 3 / 8, w * 5 / 16);
        c.rect(bx, u, bw, 5 * u, [28.0, 31.0, 38.0]);
        c.text(bx + u, u + u / 2, 14, 2 * u, 1);
        let stage = [1.0, 5.0, 8.5, 11.0].iter().filter(|&&s| t >= s).count() as u32;
        c.text(bx + 3 * u, 3 * u + u / 2, 18, u + u / 2, 10 + stage);
        if t >= 11.0 {
            c.rect(w / 4, h - 5 * u, w / 2, 3 * u, [28.0, 31.0, 38.0]);
            c.text(w / 4 + u, h - 5 * u + u / 2, 30, 2 * u, 99);
        }
        c.rgb
            .iter()
            .flat_map(|p| {
                [
                    p[0].round() as u8,
                    p[1].round() as u8,
                    p[2].round() as u8,
                    255,
                ]
            })
            .collect()
    }
}
