//! The built-in generators: one function per [`DatasetKind`], each drawing from one seeded
//! [`Generator`]. Same spec, same bits.

use super::Dataset;
use super::spec::{DatasetKind, DatasetSpec};
use rand::Rng;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use std::f32::consts::PI;

/// The handwritten digits, bundled so the binary needs no file beside it.
const DIGITS_CSV: &str = include_str!("../../../assets/data/digits.csv");

/// Makes the points of `spec`.
pub(super) fn dataset(spec: &DatasetSpec) -> Dataset {
    let mut g = Generator::new(spec.seed, spec.noise);
    let n = spec.n;
    match spec.kind {
        DatasetKind::Circle => circle(&mut g, n),
        DatasetKind::Xor => xor(&mut g, n),
        DatasetKind::Blobs { classes } => blobs(&mut g, n, classes),
        DatasetKind::Spiral { arms, turns } => spiral(&mut g, n, arms, turns),
        DatasetKind::Moons => moons(&mut g, n),
        DatasetKind::Checkerboard { cells } => checkerboard(&mut g, n, cells),
        DatasetKind::Mixture => mixture(&mut g, n),
        DatasetKind::Lines => lines(&mut g, n),
        DatasetKind::Digits => return digits(&mut g, n),
    }
    Dataset::from_points(2, g.values, g.labels, spec.classes())
}

/// Two rings, radius 0.5 (class 0, the first half) and 1.
fn circle(g: &mut Generator, n: usize) {
    for i in 0..n {
        let class = (i * 2 / n.max(1)) as u32;
        let r = if class == 0 { 0.5 } else { 1.0 };
        let t = g.uniform(0.0, 2.0 * PI);
        g.point(r * t.cos(), r * t.sin(), class);
    }
}

/// Uniform in the four quadrants, class 1 where `x · y < 0`.
fn xor(g: &mut Generator, n: usize) {
    for _ in 0..n {
        // Keep a small gap along the axes, as TensorFlow Playground does.
        let pad = |v: f32| if v >= 0.0 { v + 0.05 } else { v - 0.05 };
        let (x, y) = (pad(g.uniform(-0.95, 0.95)), pad(g.uniform(-0.95, 0.95)));
        let class = u32::from(x * y < 0.0);
        g.point(x, y, class);
    }
}

/// `classes` blobs (consecutive runs of points) around points of the unit circle.
fn blobs(g: &mut Generator, n: usize, classes: usize) {
    for i in 0..n {
        let class = (i * classes / n.max(1)) as u32;
        let angle = PI / 2.0 + 2.0 * PI * class as f32 / classes as f32;
        g.point(angle.cos(), angle.sin(), class);
    }
}

/// `arms` arms of `turns` turns, evenly spaced along each arm.
fn spiral(g: &mut Generator, n: usize, arms: usize, turns: f32) {
    for i in 0..n {
        let class = (i * arms / n.max(1)) as u32;
        let per_arm = n.div_ceil(arms).max(1);
        let k = i - (class as usize * n).div_ceil(arms);
        let t = (k as f32 + 0.5) / per_arm as f32;
        let angle = 2.0 * PI * (turns * t + class as f32 / arms as f32);
        g.point(t * angle.cos(), t * angle.sin(), class);
    }
}

/// Two interleaving half circles, the first half of the points on the upper one.
fn moons(g: &mut Generator, n: usize) {
    for i in 0..n {
        let class = (i * 2 / n.max(1)) as u32;
        let t = g.uniform(0.0, PI);
        let (x, y) = if class == 0 {
            (t.cos(), t.sin())
        } else {
            (1.0 - t.cos(), 0.5 - t.sin())
        };
        g.point(x - 0.5, y - 0.25, class);
    }
}

/// Uniform in [−1, 1]², labelled by the colour of its `cells × cells` square.
fn checkerboard(g: &mut Generator, n: usize, cells: usize) {
    for _ in 0..n {
        let (x, y) = (g.uniform(-1.0, 1.0), g.uniform(-1.0, 1.0));
        let cell = |v: f32| (((v + 1.0) / 2.0 * cells as f32) as usize).min(cells - 1);
        g.point(x, y, ((cell(x) + cell(y)) % 2) as u32);
    }
}

/// The article's three clusters.
fn mixture(g: &mut Generator, n: usize) {
    // As in the article: 100 points of class 0, then 50 + 50 of class 1.
    let n0 = n / 2;
    let n1a = (n - n0) / 2;
    for i in 0..n {
        let (cx, sx, class) = if i < n0 {
            (0.5, 0.1, 0)
        } else if i < n0 + n1a {
            (0.2, 0.05, 1)
        } else {
            (0.8, 0.05, 1)
        };
        let x = cx + sx * g.normal();
        let y = 0.5 + 0.2 * g.normal();
        g.point(x, y, class);
    }
}

/// Uniform in [−5, 5]², class 1 inside the four lines.
fn lines(g: &mut Generator, n: usize) {
    for _ in 0..n {
        let (x, y) = (g.uniform(-5.0, 5.0), g.uniform(-5.0, 5.0));
        let inside =
            x - y - 3.0 < 0.0 && -x + y - 3.0 < 0.0 && x + y - 3.0 < 0.0 && x + y + 3.0 > 0.0;
        g.point(x, y, u32::from(inside));
    }
}

/// `n` of the bundled digits (all of them in file order, or a seeded choice), scaled to
/// [0, 1], with the noise added to every pixel.
fn digits(g: &mut Generator, n: usize) -> Dataset {
    let all =
        Dataset::parse_csv(DIGITS_CSV, "assets/data/digits.csv").expect("the bundled digits parse");
    let mut order: Vec<usize> = (0..all.len()).collect();
    if n < all.len() {
        order.shuffle(&mut g.rng);
        order.truncate(n);
    }
    let mut picked = all.select(&order);
    let noise = g.noise;
    for v in picked.x.iter_mut() {
        *v = *v / 16.0 + noise * g.normal();
    }
    picked.classes = 10;
    picked
}

/// A seeded source of 2D points with Gaussian jitter.
struct Generator {
    rng: ChaCha8Rng,
    /// Standard deviation of the jitter.
    noise: f32,
    values: Vec<f32>,
    labels: Vec<u32>,
}

impl Generator {
    fn new(seed: u64, noise: f32) -> Generator {
        Generator {
            rng: ChaCha8Rng::seed_from_u64(seed),
            noise,
            values: vec![],
            labels: vec![],
        }
    }

    fn uniform(&mut self, lo: f32, hi: f32) -> f32 {
        self.rng.random_range(lo..hi)
    }

    /// A standard normal sample (Box–Muller).
    fn normal(&mut self) -> f32 {
        let u1: f32 = self.rng.random_range(f32::EPSILON..1.0);
        let u2: f32 = self.rng.random::<f32>();
        (-2.0 * u1.ln()).sqrt() * (2.0 * PI * u2).cos()
    }

    /// Records the point (x, y) plus Gaussian jitter of standard deviation `noise`.
    fn point(&mut self, x: f32, y: f32, class: u32) {
        let noise = self.noise;
        let (jx, jy) = if noise > 0.0 {
            (noise * self.normal(), noise * self.normal())
        } else {
            (0.0, 0.0)
        };
        self.values.extend_from_slice(&[x + jx, y + jy]);
        self.labels.push(class);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::data::DIGITS_COUNT;

    fn counts(data: &Dataset) -> Vec<usize> {
        let mut c = vec![0; data.classes];
        for &y in &data.y {
            c[y as usize] += 1;
        }
        c
    }

    #[test]
    fn every_dataset_has_its_size_classes_and_is_repeatable() {
        for name in DatasetSpec::NAMES {
            let spec = DatasetSpec::default_for(name).unwrap();
            let data = spec.generate();
            assert_eq!(data, spec.generate(), "{name} is deterministic");
            assert_eq!(data.classes, spec.classes(), "{name}");
            assert_eq!(data.dim(), spec.dim(), "{name}");
            assert!(data.x.iter().all(|v| v.is_finite()));
            let c = counts(&data);
            assert!(
                c.iter().all(|&k| k > 0),
                "{name}: every class present: {c:?}"
            );
        }
        let (spec, _) = DatasetSpec::parse("spiral:arms=5,n=500,seed=3").unwrap();
        let data = spec.generate();
        assert_eq!(data.len(), 500);
        assert_eq!(counts(&data), vec![100; 5]);
        let (other, _) = DatasetSpec::parse("spiral:arms=5,n=500,seed=4").unwrap();
        assert_ne!(data, other.generate(), "another seed, other points");
    }

    #[test]
    fn mixture_matches_the_article() {
        let data = DatasetSpec::default_for("mixture").unwrap().generate();
        assert_eq!(counts(&data), vec![100, 100]);
        let mean_x = |range: std::ops::Range<usize>| {
            range.clone().map(|i| data.point(i)[0]).sum::<f32>() / range.len() as f32
        };
        assert!((mean_x(0..100) - 0.5).abs() < 0.05);
        assert!((mean_x(100..150) - 0.2).abs() < 0.03);
        assert!((mean_x(150..200) - 0.8).abs() < 0.03);
    }

    #[test]
    fn lines_label_the_inside_of_the_four_lines() {
        let data = DatasetSpec::default_for("lines").unwrap().generate();
        for i in 0..data.len() {
            let p = data.point(i);
            let inside = (p[0] - p[1]).abs() < 3.0 && (p[0] + p[1]).abs() < 3.0;
            assert_eq!(data.y[i] == 1, inside, "{p:?}");
        }
    }

    #[test]
    fn digits_are_the_uci_set() {
        let data = DatasetSpec::default_for("digits").unwrap().generate();
        assert_eq!(data.len(), DIGITS_COUNT);
        assert_eq!(data.dim(), 64);
        assert_eq!(data.classes, 10);
        assert!(data.x.iter().all(|&v| (0.0..=1.0).contains(&v)));
        assert_eq!(data.y[0], 0, "the first image is a zero");
        let (small, _) = DatasetSpec::parse("digits:n=100").unwrap();
        assert_eq!(small.generate().len(), 100);
    }

    /// FNV-1a over the spec as written back, its keys, classes, dimension and seed, and the
    /// bits of every coordinate and label it generates.
    fn checksum(spec: &DatasetSpec) -> u64 {
        let mut h = 0xcbf2_9ce4_8422_2325u64;
        let mut word = |v: u64| {
            for b in v.to_le_bytes() {
                h ^= b as u64;
                h = h.wrapping_mul(0x100_0000_01b3);
            }
        };
        for s in [spec.to_arg(), spec.keys().join(",")] {
            s.bytes().for_each(|b| word(b as u64));
            word(0xff);
        }
        let data = spec.generate();
        for v in [spec.classes(), spec.dim()].map(|v| v as u64) {
            word(v);
        }
        word(spec.seed());
        word(data.classes as u64);
        word(data.dim() as u64);
        data.x.iter().for_each(|v| word(v.to_bits() as u64));
        data.y.iter().for_each(|&y| word(y as u64));
        h
    }

    /// Refactor guard: the checksums were recorded from the generators as they were before
    /// `DatasetSpec` became a struct over `DatasetKind` (one `generate` over nine variants),
    /// with glibc's `sinf`/`cosf`/`logf` on x86_64.
    #[test]
    #[cfg_attr(
        not(all(target_arch = "x86_64", target_os = "linux")),
        ignore = "checksums recorded with glibc's libm on x86_64"
    )]
    fn generate_gives_the_bits_of_the_pre_refactor_generators() {
        const RECORDED: [(&str, u64); 18] = [
            ("circle", 0xb45764a3251dad32),
            ("xor", 0x3ba519dac868e986),
            ("blobs", 0x7d7f735b742a8def),
            ("spiral", 0x233a9f7ad1890f85),
            ("moons", 0x9fde49e14fd59376),
            ("checkerboard", 0x86b6b4e3ef00a22d),
            ("mixture", 0xf3756e7fd1e0b8df),
            ("lines", 0xb82b39aca1929017),
            ("digits", 0x032bfb1f29216c9c),
            (
                "spiral:arms=5,turns=2.5,n=333,noise=0.07,seed=9",
                0xbfa1bc97b7733183,
            ),
            ("blobs:classes=7,n=101,noise=0.3,seed=4", 0xc799fa62b30ff2c6),
            (
                "checkerboard:cells=3,n=250,noise=0.05,seed=2",
                0x60a3eb51f62f2c68,
            ),
            ("circle:n=7,noise=0.2,seed=5", 0xeaa75212dfe14c34),
            ("xor:n=33,noise=0.1,seed=8", 0x6e9d1895b9fbb289),
            ("moons:n=1,seed=3", 0xd8413227f4607f69),
            ("mixture:n=31,noise=0.01,seed=0", 0xa7f043fa2343fe33),
            ("lines:n=77,noise=0.3,seed=6", 0xccd09c913d3387c3),
            ("digits:n=50,noise=0.1,seed=3", 0x0b1ab981cd17efc4),
        ];
        for (text, recorded) in RECORDED {
            let (spec, _) = DatasetSpec::parse(text).unwrap();
            assert_eq!(checksum(&spec), recorded, "{text}");
        }
    }
}
