//! RGBA frames as 8-bit 4:2:0 Y'CbCr (BT.709, limited range): what an opaque video hands
//! ffmpeg. Converting here rather than in ffmpeg halves what goes down the pipe (1.5 bytes a
//! pixel instead of 4), costs less than ffmpeg's generic scaler, and fixes the matrix: the
//! video says BT.709 and is BT.709, where ffmpeg's default conversion (BT.601) left untagged
//! HD files that browsers and players decode as BT.709, every colour a little off.
//!
//! The frames are sRGB-encoded, so the matrix applies to those values as they are (as every
//! video does); chroma is the mean of each 2x2 block (as libyuv's ARGB to I420 does).

/// Fixed-point coefficients, 16 fractional bits, rounded to nearest.
const fn fixed(x: f64) -> i32 {
    if x < 0.0 {
        (x * 65536.0 - 0.5) as i32
    } else {
        (x * 65536.0 + 0.5) as i32
    }
}

/// BT.709's luma weights.
const KR: f64 = 0.2126;
const KB: f64 = 0.0722;
const KG: f64 = 1.0 - KR - KB;
/// Limited range: luma 16..=235 (219 steps), chroma 16..=240 (224 steps) about 128.
const Y_SPAN: f64 = 219.0 / 255.0;
const C_SPAN: f64 = 224.0 / 255.0;

const Y_R: i32 = fixed(KR * Y_SPAN);
const Y_G: i32 = fixed(KG * Y_SPAN);
const Y_B: i32 = fixed(KB * Y_SPAN);
/// Cb = (B − Y') / (2 (1 − Kb)), Cr = (R − Y') / (2 (1 − Kr)), Y' the unscaled luma.
const CB_R: i32 = fixed(-KR / (2.0 * (1.0 - KB)) * C_SPAN);
const CB_G: i32 = fixed(-KG / (2.0 * (1.0 - KB)) * C_SPAN);
const CB_B: i32 = fixed(0.5 * C_SPAN);
const CR_R: i32 = fixed(0.5 * C_SPAN);
const CR_G: i32 = fixed(-KG / (2.0 * (1.0 - KR)) * C_SPAN);
const CR_B: i32 = fixed(-KB / (2.0 * (1.0 - KR)) * C_SPAN);

/// ffmpeg's names for what [`rgba_to_yuv420`] makes, as `-colorspace`, `-color_primaries`,
/// `-color_trc` and `-color_range` take them: BT.709's matrix and primaries, the sRGB
/// curve the frames were drawn with, limited range.
pub const FFMPEG_COLOR_TAGS: [(&str, &str); 4] = [
    ("-colorspace", "bt709"),
    ("-color_primaries", "bt709"),
    ("-color_trc", "iec61966-2-1"),
    ("-color_range", "tv"),
];

/// The sides of the video a `width` x `height` frame makes: 4:2:0 needs even sides, so an
/// odd side gains a copy of its last column or row.
pub fn even_size(width: u32, height: u32) -> (u32, u32) {
    (width.next_multiple_of(2), height.next_multiple_of(2))
}

fn luma(p: &[u8]) -> u8 {
    let (r, g, b) = (p[0] as i32, p[1] as i32, p[2] as i32);
    ((Y_R * r + Y_G * g + Y_B * b + (16 << 16) + (1 << 15)) >> 16) as u8
}

/// Cb and Cr of the sums of four pixels' channels.
fn chroma(r: i32, g: i32, b: i32) -> (u8, u8) {
    // The sums are four times the mean: two more fractional bits.
    let half = 1 << 17;
    let cb = (CB_R * r + CB_G * g + CB_B * b + (128 << 18) + half) >> 18;
    let cr = (CR_R * r + CR_G * g + CR_B * b + (128 << 18) + half) >> 18;
    (cb.clamp(0, 255) as u8, cr.clamp(0, 255) as u8)
}

/// Writes the Y, Cb and Cr planes of a `width` x `height` RGBA frame (rows from the top,
/// alpha ignored) into `out`, one after the other, at [`even_size`]. `out` is reused: a
/// video converts every frame into the same buffer.
pub fn rgba_to_yuv420(rgba: &[u8], width: usize, height: usize, out: &mut Vec<u8>) {
    out.clear();
    if width == 0 || height == 0 || rgba.len() < width * height * 4 {
        return;
    }
    let (w2, h2) = (width.next_multiple_of(2), height.next_multiple_of(2));
    let (cw, ch) = (w2 / 2, h2 / 2);
    out.resize(w2 * h2 + 2 * cw * ch, 0);
    let (luma_plane, chroma_planes) = out.split_at_mut(w2 * h2);
    let (cb_plane, cr_plane) = chroma_planes.split_at_mut(cw * ch);
    let row = |y: usize| &rgba[y.min(height - 1) * width * 4..][..width * 4];
    for (y, to) in luma_plane.chunks_exact_mut(w2).enumerate() {
        for (o, p) in to.iter_mut().zip(row(y).chunks_exact(4)) {
            *o = luma(p);
        }
        if w2 > width {
            to[width] = to[width - 1];
        }
    }
    let sum = |a: &[u8], b: &[u8], c: usize| {
        a[c] as i32 + a[c + 4] as i32 + b[c] as i32 + b[c + 4] as i32
    };
    for ((cy, cb), cr) in cb_plane
        .chunks_exact_mut(cw)
        .enumerate()
        .zip(cr_plane.chunks_exact_mut(cw))
    {
        let (top, bottom) = (row(2 * cy), row(2 * cy + 1));
        let pairs = top.chunks_exact(8).zip(bottom.chunks_exact(8));
        for ((u, v), (a, b)) in cb.iter_mut().zip(cr.iter_mut()).zip(pairs) {
            (*u, *v) = chroma(sum(a, b, 0), sum(a, b, 1), sum(a, b, 2));
        }
        if w2 > width {
            // The last column stands for itself and its copy.
            let (a, b) = (&top[(width - 1) * 4..], &bottom[(width - 1) * 4..]);
            let two = |c: usize| 2 * (a[c] as i32 + b[c] as i32);
            (cb[cw - 1], cr[cw - 1]) = chroma(two(0), two(1), two(2));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `w` x `h` frame of one colour.
    fn flat(w: usize, h: usize, rgb: [u8; 3]) -> Vec<u8> {
        (0..w * h)
            .flat_map(|_| [rgb[0], rgb[1], rgb[2], 255])
            .collect()
    }

    fn convert(rgba: &[u8], w: usize, h: usize) -> Vec<u8> {
        let mut out = vec![];
        rgba_to_yuv420(rgba, w, h, &mut out);
        out
    }

    #[test]
    fn primaries_land_on_bt709_reference_values() {
        // BT.709 limited-range 8-bit values of the full-intensity colours (ITU-R BT.709-6,
        // as the usual colour-bar tables give them).
        for (rgb, yuv) in [
            ([0, 0, 0], [16, 128, 128]),
            ([255, 255, 255], [235, 128, 128]),
            ([255, 0, 0], [63, 102, 240]),
            ([0, 255, 0], [173, 42, 26]),
            ([0, 0, 255], [32, 240, 118]),
            ([255, 255, 0], [219, 16, 138]),
            ([0, 255, 255], [188, 154, 16]),
            ([255, 0, 255], [78, 214, 230]),
        ] {
            let out = convert(&flat(4, 2, rgb), 4, 2);
            assert_eq!(out.len(), 8 + 2 + 2);
            assert!(out[..8].iter().all(|&y| y == yuv[0]), "{rgb:?}: {out:?}");
            assert_eq!(&out[8..10], &[yuv[1]; 2], "{rgb:?} Cb");
            assert_eq!(&out[10..12], &[yuv[2]; 2], "{rgb:?} Cr");
        }
    }

    #[test]
    fn chroma_is_the_mean_of_each_block_and_luma_each_pixel() {
        // Left block: red over blue; right block: all grey.
        let (r, b, g) = ([255, 0, 0, 255], [0, 0, 255, 255], [128, 128, 128, 255]);
        let rgba: Vec<u8> = [r, r, g, g, b, b, g, g].concat();
        let out = convert(&rgba, 4, 2);
        assert_eq!(&out[..8], &[63, 63, 126, 126, 32, 32, 126, 126]);
        // The mean of red and blue is (127.5, 0, 127.5): Cb and Cr both above the middle.
        let mean = chroma(2 * 255, 0, 2 * 255);
        assert_eq!((out[8], out[10]), mean);
        assert!(mean.0 > 128 && mean.1 > 128, "{mean:?}");
        assert_eq!((out[9], out[11]), (128, 128), "grey has no chroma");
    }

    #[test]
    fn odd_sides_repeat_their_last_column_and_row() {
        assert_eq!(even_size(5, 3), (6, 4));
        assert_eq!(even_size(6, 4), (6, 4));
        // 3x3: a white column on the right, a red row at the bottom.
        let (k, w, r) = ([0, 0, 0, 255], [255, 255, 255, 255], [255, 0, 0, 255]);
        let rgba: Vec<u8> = [k, k, w, k, k, w, r, r, r].concat();
        let out = convert(&rgba, 3, 3);
        assert_eq!(out.len(), 16 + 4 + 4);
        let luma: Vec<&[u8]> = out[..16].chunks(4).collect();
        assert_eq!(luma[0], &[16, 16, 235, 235]);
        assert_eq!(luma[2], &[63, 63, 63, 63]);
        assert_eq!(luma[3], luma[2], "the last row repeated");
        // The right column's chroma is white's alone; the bottom row's red's alone.
        assert_eq!((out[17], out[21]), (128, 128));
        assert_eq!((out[18], out[22]), (102, 240));
    }

    #[test]
    fn nothing_to_convert_gives_nothing() {
        let mut out = vec![1, 2, 3];
        rgba_to_yuv420(&[], 0, 0, &mut out);
        assert!(out.is_empty());
        rgba_to_yuv420(&[0; 8], 4, 4, &mut out);
        assert!(out.is_empty(), "too few bytes for the size");
    }
}
