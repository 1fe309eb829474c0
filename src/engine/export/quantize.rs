//! One palette for a whole animation: the frames' colours counted as they come
//! ([`Histogram`]), up to 255 colours chosen to cover them (median cut, refined by k-means),
//! and each pixel mapped to its nearest ([`Nearest`]). Our frames hold few colours (the
//! background, the class colours, grid greys, white text) and blends of them at edges: one
//! palette for every frame keeps a colour's index from frame to frame, which is what lets a
//! frame store only what changed.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Colours counted over frames: each colour exactly while there are at most
/// [`EXACT_COLOURS`], and always in buckets of 6 bits a channel that keep their colours'
/// exact mean (what the palette is chosen from when there are more).
pub(super) struct Histogram {
    buckets: Vec<Bucket>,
    /// Each colour's count (`0xRRGGBB`); `None` once there were too many.
    exact: Option<HashMap<u32, u64, BuildHasherDefault<ColourHasher>>>,
}

/// Colours counted one by one, at most (beyond, by bucket).
const EXACT_COLOURS: usize = 1 << 15;

/// A hash for colours: one multiplication (std's SipHash is many times slower, and colours
/// are not chosen by an adversary).
#[derive(Default)]
struct ColourHasher(u64);

impl Hasher for ColourHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u32(&mut self, v: u32) {
        self.0 = (v as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

#[derive(Clone, Copy, Default)]
struct Bucket {
    sum: [u64; 3],
    count: u64,
}

/// A colour to cover, and how much it counts.
#[derive(Clone, Copy, Debug)]
struct Point {
    rgb: [f64; 3],
    weight: f64,
}

impl Histogram {
    /// An empty count.
    pub(super) fn new() -> Histogram {
        Histogram {
            buckets: vec![Bucket::default(); 1 << 18],
            exact: Some(HashMap::default()),
        }
    }

    /// Counts a frame's pixels (RGBA); fully transparent ones not when `transparent`.
    pub(super) fn add(&mut self, rgba: &[u8], transparent: bool) {
        // Our frames are mostly long runs of one colour: one count per run.
        let mut run: Option<([u8; 4], u64)> = None;
        for p in rgba.chunks_exact(4) {
            let p = [p[0], p[1], p[2], p[3]];
            match &mut run {
                Some((q, n)) if *q == p => *n += 1,
                _ => {
                    if let Some((q, n)) = run {
                        self.count(q, n, transparent);
                    }
                    run = Some((p, 1));
                }
            }
        }
        if let Some((q, n)) = run {
            self.count(q, n, transparent);
        }
    }

    fn count(&mut self, [r, g, b, a]: [u8; 4], n: u64, transparent: bool) {
        if transparent && a == 0 {
            return;
        }
        let key = (r as usize >> 2) << 12 | (g as usize >> 2) << 6 | b as usize >> 2;
        let bucket = &mut self.buckets[key];
        for (s, v) in bucket.sum.iter_mut().zip([r, g, b]) {
            *s += v as u64 * n;
        }
        bucket.count += n;
        if let Some(exact) = &mut self.exact {
            *exact
                .entry((r as u32) << 16 | (g as u32) << 8 | b as u32)
                .or_default() += n;
            if exact.len() > EXACT_COLOURS {
                self.exact = None;
            }
        }
    }

    /// At most `most` colours that cover what was counted (at least one).
    pub(super) fn palette(&self, most: usize) -> Vec<[u8; 3]> {
        // The square root of a count: a colour a few pixels wear (a point's, a letter's)
        // is not outvoted by the background and wide fills.
        let points: Vec<Point> = match &self.exact {
            Some(exact) => exact
                .iter()
                .map(|(&rgb, &count)| Point {
                    rgb: [rgb >> 16, rgb >> 8 & 0xFF, rgb & 0xFF].map(f64::from),
                    weight: (count as f64).sqrt(),
                })
                .collect(),
            None => self
                .buckets
                .iter()
                .filter(|b| b.count > 0)
                .map(|b| Point {
                    rgb: b.sum.map(|s| s as f64 / b.count as f64),
                    weight: (b.count as f64).sqrt(),
                })
                .collect(),
        };
        if points.is_empty() {
            return vec![crate::palette::BACKGROUND];
        }
        let centres = if points.len() <= most {
            points.iter().map(|p| p.rgb).collect()
        } else {
            k_means(&points, median_cut(&points, most))
        };
        let mut palette: Vec<[u8; 3]> = centres
            .iter()
            .map(|c| c.map(|v| v.round().clamp(0.0, 255.0) as u8))
            .collect();
        palette.sort_unstable();
        palette.dedup();
        palette
    }
}

/// Squared distance between two colours.
fn distance(a: [f64; 3], b: [f64; 3]) -> f64 {
    (0..3).map(|i| (a[i] - b[i]).powi(2)).sum()
}

/// A box of points: their weighted sums, to find its mean and spread.
struct Cut {
    points: Vec<Point>,
    weight: f64,
    sum: [f64; 3],
    squares: [f64; 3],
}

impl Cut {
    fn new(points: Vec<Point>) -> Cut {
        let mut cut = Cut {
            points,
            weight: 0.0,
            sum: [0.0; 3],
            squares: [0.0; 3],
        };
        for p in &cut.points {
            cut.weight += p.weight;
            for i in 0..3 {
                cut.sum[i] += p.weight * p.rgb[i];
                cut.squares[i] += p.weight * p.rgb[i] * p.rgb[i];
            }
        }
        cut
    }

    /// The weighted spread along each channel (sum of squared deviations).
    fn spread(&self) -> [f64; 3] {
        std::array::from_fn(|i| self.squares[i] - self.sum[i] * self.sum[i] / self.weight)
    }

    fn mean(&self) -> [f64; 3] {
        self.sum.map(|s| s / self.weight)
    }

    /// Halves at the weighted median along the channel of widest spread; `None` when it
    /// holds one point.
    fn split(mut self) -> Result<(Cut, Cut), Cut> {
        if self.points.len() < 2 {
            return Err(self);
        }
        let spread = self.spread();
        let axis = (0..3)
            .max_by(|&a, &b| spread[a].total_cmp(&spread[b]))
            .expect("three channels");
        self.points
            .sort_unstable_by(|p, q| p.rgb[axis].total_cmp(&q.rgb[axis]));
        let half = self.weight / 2.0;
        let mut acc = 0.0;
        let mut at = 1;
        for (i, p) in self.points.iter().enumerate() {
            acc += p.weight;
            if acc >= half {
                at = i + 1;
                break;
            }
        }
        let at = at.clamp(1, self.points.len() - 1);
        let upper = self.points.split_off(at);
        Ok((Cut::new(self.points), Cut::new(upper)))
    }
}

/// `k` centres by median cut: the box of largest spread halved until there are `k`.
fn median_cut(points: &[Point], k: usize) -> Vec<[f64; 3]> {
    let mut cuts = vec![Cut::new(points.to_vec())];
    let mut whole = vec![];
    while cuts.len() + whole.len() < k && !cuts.is_empty() {
        let widest = (0..cuts.len())
            .max_by(|&a, &b| {
                let (sa, sb) = (cuts[a].spread(), cuts[b].spread());
                sa.iter().sum::<f64>().total_cmp(&sb.iter().sum())
            })
            .expect("not empty");
        match cuts.swap_remove(widest).split() {
            Ok((a, b)) => cuts.extend([a, b]),
            Err(single) => whole.push(single),
        }
    }
    cuts.iter().chain(&whole).map(Cut::mean).collect()
}

/// Lloyd's refinement: each centre moved to the weighted mean of the points nearest it;
/// then a centre whose heaviest point holds half its weight moves onto that point, so that
/// a colour many pixels wear (the background, a class colour) comes out exact.
fn k_means(points: &[Point], mut centres: Vec<[f64; 3]>) -> Vec<[f64; 3]> {
    for round in 0..5 {
        let mut sums = vec![([0.0; 3], 0.0, None::<Point>); centres.len()];
        for p in points {
            let (k, _) = nearest(&centres, p.rgb);
            let (sum, weight, heaviest) = &mut sums[k];
            for (s, v) in sum.iter_mut().zip(p.rgb) {
                *s += p.weight * v;
            }
            *weight += p.weight;
            if heaviest.is_none_or(|h| h.weight < p.weight) {
                *heaviest = Some(*p);
            }
        }
        let last = round == 4;
        for (c, (sum, weight, heaviest)) in centres.iter_mut().zip(sums) {
            // A centre nobody chose stays where it is.
            match heaviest {
                Some(h) if last && h.weight * 2.0 >= weight => *c = h.rgb,
                Some(_) => *c = sum.map(|s| s / weight),
                None => {}
            }
        }
    }
    centres
}

/// The index of the colour nearest `rgb`, and its squared distance.
fn nearest(colours: &[[f64; 3]], rgb: [f64; 3]) -> (usize, f64) {
    colours
        .iter()
        .enumerate()
        .map(|(i, c)| (i, distance(*c, rgb)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .expect("at least one colour")
}

/// Maps colours to their nearest in a palette, remembering the answers (a frame asks about
/// the same few colours over and over).
pub(super) struct Nearest {
    palette: Vec<[f64; 3]>,
    /// `rgb | VALID` of the colour last answered in each slot, and its index.
    keys: Vec<u32>,
    values: Vec<u8>,
}

const VALID: u32 = 1 << 24;
const SLOTS: usize = 1 << 16;

impl Nearest {
    /// For a palette of at most 256 colours.
    pub(super) fn new(palette: &[[u8; 3]]) -> Nearest {
        assert!(!palette.is_empty() && palette.len() <= 256);
        Nearest {
            palette: palette.iter().map(|c| c.map(f64::from)).collect(),
            keys: vec![0; SLOTS],
            values: vec![0; SLOTS],
        }
    }

    /// The palette index nearest `[r, g, b]`.
    pub(super) fn index(&mut self, [r, g, b]: [u8; 3]) -> u8 {
        let rgb = (r as u32) << 16 | (g as u32) << 8 | b as u32;
        let slot = (rgb.wrapping_mul(0x9E37_79B1) >> 16) as usize % SLOTS;
        if self.keys[slot] == rgb | VALID {
            return self.values[slot];
        }
        let (i, _) = nearest(&self.palette, [r, g, b].map(f64::from));
        self.keys[slot] = rgb | VALID;
        self.values[slot] = i as u8;
        i as u8
    }

    /// A frame's pixels (RGBA) as palette indices; fully transparent ones `clear` when
    /// `transparent`.
    pub(super) fn indices(&mut self, rgba: &[u8], transparent: bool, clear: u8) -> Vec<u8> {
        rgba.chunks_exact(4)
            .map(|p| match transparent && p[3] == 0 {
                true => clear,
                false => self.index([p[0], p[1], p[2]]),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rgba(colours: &[[u8; 3]]) -> Vec<u8> {
        colours
            .iter()
            .flat_map(|&[r, g, b]| [r, g, b, 255])
            .collect()
    }

    #[test]
    fn few_colours_are_kept_exactly() {
        let mut h = Histogram::new();
        let colours = crate::palette::CLASS_COLORS;
        h.add(&rgba(&colours), false);
        h.add(&rgba(&[crate::palette::BACKGROUND; 50]), false);
        let palette = h.palette(255);
        assert_eq!(palette.len(), colours.len() + 1);
        let mut near = Nearest::new(&palette);
        for c in colours {
            assert_eq!(palette[near.index(c) as usize], c);
        }
    }

    #[test]
    fn transparent_pixels_are_not_counted_and_map_to_clear() {
        let mut h = Histogram::new();
        let frame = [[10, 20, 30, 0], [200, 100, 50, 255], [10, 20, 30, 0]].concat();
        h.add(&frame, true);
        assert_eq!(h.palette(255), vec![[200, 100, 50]]);
        let mut near = Nearest::new(&h.palette(255));
        assert_eq!(near.indices(&frame, true, 7), vec![7, 0, 7]);
        assert_eq!(near.indices(&frame, false, 7), vec![0, 0, 0]);
        assert_eq!(Histogram::new().palette(255).len(), 1, "never empty");
    }

    /// Many colours (a smooth ramp between two class colours, and blends of every class
    /// colour into the background, as edges make): every class colour itself stays within a
    /// few levels, and no pixel is far off.
    #[test]
    fn many_colours_are_covered_closely() {
        let bg = crate::palette::BACKGROUND;
        let mix = |a: [u8; 3], b: [u8; 3], t: f64| -> [u8; 3] {
            std::array::from_fn(|i| (a[i] as f64 * (1.0 - t) + b[i] as f64 * t).round() as u8)
        };
        let mut pixels = vec![];
        for &c in &crate::palette::CLASS_COLORS {
            // A class colour on many pixels, and its edge blends on a few.
            pixels.extend(std::iter::repeat_n(c, 40));
            pixels.extend((0..64).map(|k| mix(c, bg, k as f64 / 64.0)));
        }
        let [a, b] = [crate::palette::class_rgb(0), crate::palette::class_rgb(1)];
        pixels.extend((0..1024).map(|k| mix(a, b, k as f64 / 1024.0)));
        pixels.extend(std::iter::repeat_n(bg, 5000));
        let mut h = Histogram::new();
        h.add(&rgba(&pixels), false);
        let palette = h.palette(255);
        assert!(
            palette.len() <= 255 && palette.len() > 200,
            "{}",
            palette.len()
        );
        let mut near = Nearest::new(&palette);
        let off = |c: [u8; 3], near: &mut Nearest| {
            let p = palette[near.index(c) as usize];
            (0..3).map(|i| c[i].abs_diff(p[i])).max().unwrap()
        };
        for c in crate::palette::CLASS_COLORS.into_iter().chain([bg]) {
            assert!(off(c, &mut near) <= 3, "{c:?} is {} off", off(c, &mut near));
        }
        let worst = pixels.iter().map(|&c| off(c, &mut near)).max().unwrap();
        assert!(worst <= 12, "a pixel is {worst} levels off");
    }
}
