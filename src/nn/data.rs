//! Data sets: the built-in generators (each from a size, a noise level and a seed), CSV
//! import and export, standardisation and train/test splits.

use super::network::Mat;
use rand::Rng;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::f32::consts::PI;
use std::path::Path;
use thiserror::Error;

/// The handwritten digits, bundled so the binary needs no file beside it.
const DIGITS_CSV: &str = include_str!("../../assets/data/digits.csv");

/// What went wrong making, reading or writing a data set.
#[derive(Debug, Error, PartialEq)]
pub enum DataError {
    /// A data set name that does not exist.
    #[error("unknown data set `{0}` (expected one of: {names})", names = DatasetSpec::NAMES.join(", "))]
    UnknownDataset(String),
    /// A parameter the data set does not have.
    #[error("data set `{dataset}` has no parameter `{key}` (it has: {known})")]
    UnknownKey {
        dataset: String,
        key: String,
        known: String,
    },
    /// A parameter value that does not parse or is out of range.
    #[error("`{key}={value}`: {why}")]
    BadValue {
        key: String,
        value: String,
        why: String,
    },
    /// A malformed CSV file; `line` counts from 1.
    #[error("{path}:{line}: {message}")]
    Csv {
        path: String,
        line: usize,
        message: String,
    },
    /// A file that cannot be read or written.
    #[error("{path}: {message}")]
    Io { path: String, message: String },
}

/// Labelled points: `x` is `features × samples` (one column a point), `y` a class per point.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    /// The points, one column each.
    pub x: Mat,
    /// Each point's class, `0..classes`.
    pub y: Vec<u32>,
    /// Number of classes (at least one more than the largest label).
    pub classes: usize,
}

impl Dataset {
    /// Builds a data set from points given one after another (`dim` values each).
    pub fn from_points(dim: usize, values: Vec<f32>, y: Vec<u32>, classes: usize) -> Dataset {
        assert_eq!(values.len(), dim * y.len(), "one point per label");
        let classes = classes.max(y.iter().map(|&c| c as usize + 1).max().unwrap_or(0));
        Dataset {
            x: Mat::from_vec(dim, y.len(), values),
            y,
            classes,
        }
    }

    /// An empty data set of `dim` features and `classes` classes.
    pub fn empty(dim: usize, classes: usize) -> Dataset {
        Dataset::from_points(dim, vec![], vec![], classes)
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.y.len()
    }

    /// Whether there are no points.
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }

    /// Number of features per point.
    pub fn dim(&self) -> usize {
        self.x.nrows()
    }

    /// Point `i`'s features.
    pub fn point(&self, i: usize) -> &[f32] {
        let d = self.dim();
        &self.x.as_slice()[i * d..(i + 1) * d]
    }

    /// The points with the given indices, in that order.
    pub fn select(&self, indices: &[usize]) -> Dataset {
        let values = indices
            .iter()
            .flat_map(|&i| self.point(i).iter().copied())
            .collect();
        let y = indices.iter().map(|&i| self.y[i]).collect();
        Dataset::from_points(self.dim(), values, y, self.classes)
    }

    /// Adds a point of class `label`.
    pub fn push(&mut self, point: &[f32], label: u32) {
        assert_eq!(point.len(), self.dim(), "a point has one value per feature");
        let mut values = std::mem::replace(&mut self.x, Mat::zeros(0, 0))
            .as_slice()
            .to_vec();
        values.extend_from_slice(point);
        self.y.push(label);
        self.classes = self.classes.max(label as usize + 1);
        self.x = Mat::from_vec(point.len(), self.y.len(), values);
    }

    /// Removes point `i`.
    pub fn remove(&mut self, i: usize) {
        let keep: Vec<usize> = (0..self.len()).filter(|&j| j != i).collect();
        *self = self.select(&keep);
    }

    /// Splits into (train, test) with `test_ratio` of the points (rounded) in the test set,
    /// chosen by a shuffle from `seed`.
    pub fn split(&self, test_ratio: f32, seed: u64) -> (Dataset, Dataset) {
        let mut order: Vec<usize> = (0..self.len()).collect();
        order.shuffle(&mut ChaCha8Rng::seed_from_u64(seed ^ 0x5EED_5B11));
        let n_test = ((self.len() as f32) * test_ratio.clamp(0.0, 1.0)).round() as usize;
        let (test, train) = order.split_at(n_test);
        (self.select(train), self.select(test))
    }

    /// The per-feature mean and standard deviation of these points.
    pub fn fit_standardizer(&self) -> Standardizer {
        let d = self.dim();
        let n = self.len().max(1) as f64;
        let mut mean = vec![0.0f64; d];
        let mut var = vec![0.0f64; d];
        for i in 0..self.len() {
            for (m, v) in mean.iter_mut().zip(self.point(i)) {
                *m += *v as f64 / n;
            }
        }
        for i in 0..self.len() {
            for ((s, m), v) in var.iter_mut().zip(&mean).zip(self.point(i)) {
                *s += (*v as f64 - m).powi(2) / n;
            }
        }
        Standardizer {
            mean: mean.iter().map(|&m| m as f32).collect(),
            // A constant feature keeps its scale rather than dividing by zero.
            std: var
                .iter()
                .map(|&v| if v > 1e-12 { v.sqrt() as f32 } else { 1.0 })
                .collect(),
        }
    }

    /// The plane that shows most of the points' spread: the mean and the two principal axes
    /// (unit vectors, largest variance first). For two features these are just the axes.
    pub fn principal_plane(&self) -> Projection {
        let d = self.dim();
        let std = self.fit_standardizer();
        if d <= 2 || self.is_empty() {
            let axis = |i: usize| (0..d).map(|j| f32::from(i == j)).collect();
            return Projection {
                mean: vec![0.0; d],
                axes: [axis(0), axis(1)],
            };
        }
        let mut cov = nalgebra::DMatrix::<f64>::zeros(d, d);
        for i in 0..self.len() {
            let p = self.point(i);
            for a in 0..d {
                let da = (p[a] - std.mean[a]) as f64;
                for b in 0..d {
                    cov[(a, b)] += da * (p[b] - std.mean[b]) as f64;
                }
            }
        }
        let eigen = nalgebra::SymmetricEigen::new(cov);
        let mut order: Vec<usize> = (0..d).collect();
        order.sort_by(|&i, &j| eigen.eigenvalues[j].total_cmp(&eigen.eigenvalues[i]));
        let axis = |k: usize| {
            eigen
                .eigenvectors
                .column(order[k])
                .iter()
                .map(|&v| v as f32)
                .collect()
        };
        Projection {
            mean: std.mean,
            axes: [axis(0), axis(1)],
        }
    }

    /// Each point as a CSV row `x1,...,xd,label` under a header.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        for j in 1..=self.dim() {
            out.push_str(&format!("x{j},"));
        }
        out.push_str("label\n");
        for i in 0..self.len() {
            for v in self.point(i) {
                // `{}` prints the shortest text that reads back to the same f32.
                out.push_str(&format!("{v},"));
            }
            out.push_str(&format!("{}\n", self.y[i]));
        }
        out
    }

    /// Writes [`Dataset::to_csv`] to `path`, atomically.
    pub fn save_csv(&self, path: &Path) -> Result<(), DataError> {
        crate::io::write_atomic(path, self.to_csv().as_bytes()).map_err(|e| DataError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })
    }

    /// Reads a CSV file: a header, then rows of `d` numbers and an integer label.
    pub fn load_csv(path: &Path) -> Result<Dataset, DataError> {
        let text = std::fs::read_to_string(path).map_err(|e| DataError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Dataset::parse_csv(&text, &path.display().to_string())
    }

    /// Parses CSV text; `origin` names it in errors.
    pub fn parse_csv(text: &str, origin: &str) -> Result<Dataset, DataError> {
        let err = |line: usize, message: String| DataError::Csv {
            path: origin.to_string(),
            line,
            message,
        };
        let mut lines = text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.trim()))
            .filter(|(_, l)| !l.is_empty());
        let (header_line, header) = lines.next().ok_or_else(|| {
            err(
                1,
                "the file is empty; expected a header x1,...,xd,label".into(),
            )
        })?;
        let columns = header.split(',').count();
        if columns < 2 {
            return Err(err(
                header_line,
                "the header needs at least one feature column and a label column".into(),
            ));
        }
        if header.split(',').all(|c| c.trim().parse::<f64>().is_ok()) {
            return Err(err(
                header_line,
                "the first line holds numbers; expected a header x1,...,xd,label".into(),
            ));
        }
        let dim = columns - 1;
        let mut values = Vec::new();
        let mut labels = Vec::new();
        for (line, row) in lines {
            let cells: Vec<&str> = row.split(',').map(str::trim).collect();
            if cells.len() != columns {
                return Err(err(
                    line,
                    format!("{} columns, the header has {columns}", cells.len()),
                ));
            }
            for (c, cell) in cells[..dim].iter().enumerate() {
                let v: f32 = cell.parse().map_err(|_| {
                    err(line, format!("column {}: `{cell}` is not a number", c + 1))
                })?;
                if !v.is_finite() {
                    return Err(err(
                        line,
                        format!("column {}: `{cell}` is not finite", c + 1),
                    ));
                }
                values.push(v);
            }
            let label = cells[dim];
            let parsed: f64 = label.parse().map_err(|_| {
                err(
                    line,
                    format!("label `{label}` is not a class number 0, 1, 2, ..."),
                )
            })?;
            if parsed < 0.0 || parsed.fract() != 0.0 || parsed > 1e6 {
                return Err(err(
                    line,
                    format!("label `{label}` is not a class number 0, 1, 2, ..."),
                ));
            }
            labels.push(parsed as u32);
        }
        if labels.is_empty() {
            return Err(err(header_line, "no data rows after the header".into()));
        }
        Ok(Dataset::from_points(dim, values, labels, 0))
    }
}

/// A linear map from the feature space onto a plane, for drawing.
#[derive(Clone, Debug, PartialEq)]
pub struct Projection {
    /// Subtracted before projecting.
    pub mean: Vec<f32>,
    /// The plane's two unit axes.
    pub axes: [Vec<f32>; 2],
}

impl Projection {
    /// A point's coordinates in the plane.
    pub fn project(&self, p: &[f32]) -> [f32; 2] {
        let along = |axis: &[f32]| {
            p.iter()
                .zip(&self.mean)
                .zip(axis)
                .map(|((v, m), a)| (v - m) * a)
                .sum::<f32>()
        };
        [along(&self.axes[0]), along(&self.axes[1])]
    }
}

/// Per-feature standardisation `(x − mean) / std`, fitted on training data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Standardizer {
    /// Mean of each feature.
    pub mean: Vec<f32>,
    /// Standard deviation of each feature (1 for a constant one).
    pub std: Vec<f32>,
}

impl Standardizer {
    /// Standardises a data set in place.
    pub fn apply(&self, data: &mut Dataset) {
        let d = self.mean.len();
        for col in data.x.as_mut_slice().chunks_exact_mut(d) {
            for ((v, m), s) in col.iter_mut().zip(&self.mean).zip(&self.std) {
                *v = (*v - m) / s;
            }
        }
    }
}

/// How to split and scale a data set before training.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DataOptions {
    /// Fraction of the points held out for testing.
    pub test_ratio: f32,
    /// Standardise the features (fitted on the training part).
    pub standardize: bool,
}

impl Default for DataOptions {
    fn default() -> Self {
        DataOptions {
            test_ratio: 0.2,
            standardize: false,
        }
    }
}

/// A built-in data set and its parameters. `n` is the number of points, `noise` the
/// standard deviation of the Gaussian jitter (or of the blobs), `seed` makes it repeatable.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum DatasetSpec {
    /// Two concentric rings (radius 0.5 and 1): class 0 inside.
    Circle { n: usize, noise: f32, seed: u64 },
    /// The four quadrants of [−1, 1]², alternately labelled.
    Xor { n: usize, noise: f32, seed: u64 },
    /// `classes` Gaussian blobs with centres on the unit circle.
    Blobs {
        n: usize,
        classes: usize,
        noise: f32,
        seed: u64,
    },
    /// `arms` interleaved spiral arms, each winding `turns` times from the centre outwards.
    Spiral {
        n: usize,
        arms: usize,
        turns: f32,
        noise: f32,
        seed: u64,
    },
    /// Two interleaving half circles.
    Moons { n: usize, noise: f32, seed: u64 },
    /// A `cells × cells` checkerboard over [−1, 1]².
    Checkerboard {
        n: usize,
        cells: usize,
        noise: f32,
        seed: u64,
    },
    /// The three-cluster mixture of the hidden-layer article: class 0 around (0.5, 0.5),
    /// class 1 in two clusters around x = 0.2 and x = 0.8.
    Mixture { n: usize, noise: f32, seed: u64 },
    /// Uniform in [−5, 5]²; class 1 inside the square bounded by the four lines
    /// x−y−3 = 0, −x+y−3 = 0, x+y−3 = 0 and x+y+3 = 0.
    Lines { n: usize, noise: f32, seed: u64 },
    /// The 8×8 handwritten digits (64 inputs scaled to [0, 1], 10 classes); `n` of the
    /// 1,797 images (all by default), chosen by `seed`.
    Digits { n: usize, noise: f32, seed: u64 },
}

/// Number of images in the bundled digits set.
pub const DIGITS_COUNT: usize = 1797;

impl DatasetSpec {
    /// Names of the built-in data sets.
    pub const NAMES: [&'static str; 9] = [
        "circle",
        "xor",
        "blobs",
        "spiral",
        "moons",
        "checkerboard",
        "mixture",
        "lines",
        "digits",
    ];

    /// The data set called `name` with its default parameters.
    pub fn default_for(name: &str) -> Result<DatasetSpec, DataError> {
        let spec = match name.trim().to_ascii_lowercase().as_str() {
            "circle" | "circles" | "rings" => DatasetSpec::Circle {
                n: 400,
                noise: 0.05,
                seed: 0,
            },
            "xor" => DatasetSpec::Xor {
                n: 400,
                noise: 0.0,
                seed: 0,
            },
            "blobs" | "gaussian" => DatasetSpec::Blobs {
                n: 300,
                classes: 3,
                noise: 0.2,
                seed: 0,
            },
            "spiral" | "spirals" => DatasetSpec::Spiral {
                n: 400,
                arms: 2,
                turns: 1.0,
                noise: 0.02,
                seed: 0,
            },
            "moons" => DatasetSpec::Moons {
                n: 400,
                noise: 0.1,
                seed: 0,
            },
            "checkerboard" | "checker" => DatasetSpec::Checkerboard {
                n: 800,
                cells: 4,
                noise: 0.0,
                seed: 0,
            },
            "mixture" | "clusters" => DatasetSpec::Mixture {
                n: 200,
                noise: 0.0,
                seed: 1,
            },
            "lines" | "region" | "four-lines" => DatasetSpec::Lines {
                n: 400,
                noise: 0.0,
                seed: 0,
            },
            "digits" => DatasetSpec::Digits {
                n: DIGITS_COUNT,
                noise: 0.0,
                seed: 0,
            },
            other => return Err(DataError::UnknownDataset(other.to_string())),
        };
        Ok(spec)
    }

    /// The data set's name.
    pub fn name(&self) -> &'static str {
        match self {
            DatasetSpec::Circle { .. } => "circle",
            DatasetSpec::Xor { .. } => "xor",
            DatasetSpec::Blobs { .. } => "blobs",
            DatasetSpec::Spiral { .. } => "spiral",
            DatasetSpec::Moons { .. } => "moons",
            DatasetSpec::Checkerboard { .. } => "checkerboard",
            DatasetSpec::Mixture { .. } => "mixture",
            DatasetSpec::Lines { .. } => "lines",
            DatasetSpec::Digits { .. } => "digits",
        }
    }

    /// The parameter names this data set takes.
    pub fn keys(&self) -> &'static [&'static str] {
        match self {
            DatasetSpec::Blobs { .. } => &["n", "classes", "noise", "seed"],
            DatasetSpec::Spiral { .. } => &["n", "arms", "turns", "noise", "seed"],
            DatasetSpec::Checkerboard { .. } => &["n", "cells", "noise", "seed"],
            _ => &["n", "noise", "seed"],
        }
    }

    /// Parses `name[:key=value,...]`, e.g. `spiral:arms=5,n=500`. The keys `test` (test
    /// fraction) and `standardize` (true/false) go into the returned [`DataOptions`].
    pub fn parse(text: &str) -> Result<(DatasetSpec, DataOptions), DataError> {
        let (name, rest) = text.split_once(':').unwrap_or((text, ""));
        let mut spec = DatasetSpec::default_for(name)?;
        let mut options = DataOptions::default();
        for pair in rest.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            spec.set_pair(pair, &mut options)?;
        }
        Ok((spec, options))
    }

    /// Applies one `key=value`.
    pub fn set_pair(&mut self, pair: &str, options: &mut DataOptions) -> Result<(), DataError> {
        let (key, value) = pair.split_once('=').ok_or_else(|| DataError::BadValue {
            key: pair.to_string(),
            value: String::new(),
            why: "expected key=value".into(),
        })?;
        self.set(key.trim(), value.trim(), options)
    }

    /// Sets one parameter from text.
    pub fn set(
        &mut self,
        key: &str,
        value: &str,
        options: &mut DataOptions,
    ) -> Result<(), DataError> {
        let bad = |why: &str| DataError::BadValue {
            key: key.to_string(),
            value: value.to_string(),
            why: why.to_string(),
        };
        let count = |min: usize, max: usize| -> Result<usize, DataError> {
            let v: usize = value.parse().map_err(|_| bad("expected a whole number"))?;
            if v < min || v > max {
                return Err(bad(&format!("must be between {min} and {max}")));
            }
            Ok(v)
        };
        let real = |min: f32, max: f32| -> Result<f32, DataError> {
            let v: f32 = value.parse().map_err(|_| bad("expected a number"))?;
            if !(min..=max).contains(&v) {
                return Err(bad(&format!("must be between {min} and {max}")));
            }
            Ok(v)
        };
        match key {
            "test" => {
                options.test_ratio = real(0.0, 0.95)?;
                return Ok(());
            }
            "standardize" | "standardise" => {
                options.standardize = match value {
                    "true" | "1" | "yes" => true,
                    "false" | "0" | "no" => false,
                    _ => return Err(bad("expected true or false")),
                };
                return Ok(());
            }
            _ => {}
        }
        let max_n = if matches!(self, DatasetSpec::Digits { .. }) {
            DIGITS_COUNT
        } else {
            1_000_000
        };
        let (n, noise, seed) = self.common_mut();
        match key {
            "n" => *n = count(1, max_n)?,
            "noise" => *noise = real(0.0, 10.0)?,
            "seed" => *seed = value.parse().map_err(|_| bad("expected a whole number"))?,
            _ => return self.set_own(key, count, real),
        }
        Ok(())
    }

    /// Sets a parameter that only some data sets have.
    fn set_own(
        &mut self,
        key: &str,
        count: impl Fn(usize, usize) -> Result<usize, DataError>,
        real: impl Fn(f32, f32) -> Result<f32, DataError>,
    ) -> Result<(), DataError> {
        let name = self.name();
        let known = self.keys().join(", ");
        match (self, key) {
            (DatasetSpec::Blobs { classes, .. }, "classes" | "k") => *classes = count(1, 64)?,
            (DatasetSpec::Spiral { arms, .. }, "arms" | "classes" | "k") => *arms = count(1, 64)?,
            (DatasetSpec::Spiral { turns, .. }, "turns") => *turns = real(0.0, 20.0)?,
            (DatasetSpec::Checkerboard { cells, .. }, "cells") => *cells = count(1, 64)?,
            (_, key) => {
                return Err(DataError::UnknownKey {
                    dataset: name.to_string(),
                    key: key.to_string(),
                    known,
                });
            }
        }
        Ok(())
    }

    /// The spec written back as `name:key=value,...`.
    pub fn to_arg(&self) -> String {
        let body = match self {
            DatasetSpec::Blobs {
                n,
                classes,
                noise,
                seed,
            } => format!("n={n},classes={classes},noise={noise},seed={seed}"),
            DatasetSpec::Spiral {
                n,
                arms,
                turns,
                noise,
                seed,
            } => format!("n={n},arms={arms},turns={turns},noise={noise},seed={seed}"),
            DatasetSpec::Checkerboard {
                n,
                cells,
                noise,
                seed,
            } => format!("n={n},cells={cells},noise={noise},seed={seed}"),
            DatasetSpec::Circle { n, noise, seed }
            | DatasetSpec::Xor { n, noise, seed }
            | DatasetSpec::Moons { n, noise, seed }
            | DatasetSpec::Mixture { n, noise, seed }
            | DatasetSpec::Lines { n, noise, seed }
            | DatasetSpec::Digits { n, noise, seed } => {
                format!("n={n},noise={noise},seed={seed}")
            }
        };
        format!("{}:{body}", self.name())
    }

    /// The seed the points are made from.
    pub fn seed(&self) -> u64 {
        // Read through the one match over the variants, on a copy.
        *self.clone().common_mut().2
    }

    /// The parameters every data set has: points, noise and seed.
    pub fn common_mut(&mut self) -> (&mut usize, &mut f32, &mut u64) {
        match self {
            DatasetSpec::Circle { n, noise, seed }
            | DatasetSpec::Xor { n, noise, seed }
            | DatasetSpec::Blobs { n, noise, seed, .. }
            | DatasetSpec::Spiral { n, noise, seed, .. }
            | DatasetSpec::Moons { n, noise, seed }
            | DatasetSpec::Checkerboard { n, noise, seed, .. }
            | DatasetSpec::Mixture { n, noise, seed }
            | DatasetSpec::Lines { n, noise, seed }
            | DatasetSpec::Digits { n, noise, seed } => (n, noise, seed),
        }
    }

    /// Number of classes this data set has.
    pub fn classes(&self) -> usize {
        match self {
            DatasetSpec::Blobs { classes, .. } => *classes,
            DatasetSpec::Spiral { arms, .. } => *arms,
            DatasetSpec::Digits { .. } => 10,
            _ => 2,
        }
    }

    /// Number of features per point.
    pub fn dim(&self) -> usize {
        if matches!(self, DatasetSpec::Digits { .. }) {
            64
        } else {
            2
        }
    }

    /// Makes the points. Same spec, same bits.
    pub fn generate(&self) -> Dataset {
        let mut g = Generator::new(self);
        match *self {
            DatasetSpec::Circle { n, noise, .. } => {
                for i in 0..n {
                    let class = (i * 2 / n.max(1)) as u32;
                    let r = if class == 0 { 0.5 } else { 1.0 };
                    let t = g.uniform(0.0, 2.0 * PI);
                    g.point(r * t.cos(), r * t.sin(), noise, class);
                }
            }
            DatasetSpec::Xor { n, noise, .. } => {
                for _ in 0..n {
                    // Keep a small gap along the axes, as TensorFlow Playground does.
                    let pad = |v: f32| if v >= 0.0 { v + 0.05 } else { v - 0.05 };
                    let (x, y) = (pad(g.uniform(-0.95, 0.95)), pad(g.uniform(-0.95, 0.95)));
                    let class = u32::from(x * y < 0.0);
                    g.point(x, y, noise, class);
                }
            }
            DatasetSpec::Blobs {
                n, classes, noise, ..
            } => {
                for i in 0..n {
                    let class = (i * classes / n.max(1)) as u32;
                    let angle = PI / 2.0 + 2.0 * PI * class as f32 / classes as f32;
                    g.point(angle.cos(), angle.sin(), noise, class);
                }
            }
            DatasetSpec::Spiral {
                n,
                arms,
                turns,
                noise,
                ..
            } => {
                for i in 0..n {
                    let class = (i * arms / n.max(1)) as u32;
                    let per_arm = n.div_ceil(arms).max(1);
                    let k = i - (class as usize * n).div_ceil(arms);
                    let t = (k as f32 + 0.5) / per_arm as f32;
                    let angle = 2.0 * PI * (turns * t + class as f32 / arms as f32);
                    g.point(t * angle.cos(), t * angle.sin(), noise, class);
                }
            }
            DatasetSpec::Moons { n, noise, .. } => {
                for i in 0..n {
                    let class = (i * 2 / n.max(1)) as u32;
                    let t = g.uniform(0.0, PI);
                    let (x, y) = if class == 0 {
                        (t.cos(), t.sin())
                    } else {
                        (1.0 - t.cos(), 0.5 - t.sin())
                    };
                    g.point(x - 0.5, y - 0.25, noise, class);
                }
            }
            DatasetSpec::Checkerboard {
                n, cells, noise, ..
            } => {
                for _ in 0..n {
                    let (x, y) = (g.uniform(-1.0, 1.0), g.uniform(-1.0, 1.0));
                    let cell = |v: f32| (((v + 1.0) / 2.0 * cells as f32) as usize).min(cells - 1);
                    g.point(x, y, noise, ((cell(x) + cell(y)) % 2) as u32);
                }
            }
            DatasetSpec::Mixture { n, noise, .. } => {
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
                    g.point(x, y, noise, class);
                }
            }
            DatasetSpec::Lines { n, noise, .. } => {
                for _ in 0..n {
                    let (x, y) = (g.uniform(-5.0, 5.0), g.uniform(-5.0, 5.0));
                    let inside = x - y - 3.0 < 0.0
                        && -x + y - 3.0 < 0.0
                        && x + y - 3.0 < 0.0
                        && x + y + 3.0 > 0.0;
                    g.point(x, y, noise, u32::from(inside));
                }
            }
            DatasetSpec::Digits { n, noise, .. } => {
                let all = Dataset::parse_csv(DIGITS_CSV, "assets/data/digits.csv")
                    .expect("the bundled digits parse");
                let mut order: Vec<usize> = (0..all.len()).collect();
                if n < all.len() {
                    order.shuffle(&mut g.rng);
                    order.truncate(n);
                }
                let mut picked = all.select(&order);
                for v in picked.x.iter_mut() {
                    *v = *v / 16.0 + noise * g.normal();
                }
                picked.classes = 10;
                return picked;
            }
        }
        Dataset::from_points(2, g.values, g.labels, self.classes())
    }
}

/// A seeded source of 2D points.
struct Generator {
    rng: ChaCha8Rng,
    values: Vec<f32>,
    labels: Vec<u32>,
}

impl Generator {
    fn new(spec: &DatasetSpec) -> Generator {
        let seed = spec.seed();
        Generator {
            rng: ChaCha8Rng::seed_from_u64(seed),
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
    fn point(&mut self, x: f32, y: f32, noise: f32, class: u32) {
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

    #[test]
    fn parse_errors_name_the_problem() {
        let e = DatasetSpec::parse("spirl").unwrap_err().to_string();
        assert!(e.contains("spirl") && e.contains("spiral"), "{e}");
        let e = DatasetSpec::parse("circle:arms=3").unwrap_err().to_string();
        assert!(
            e.contains("no parameter `arms`") && e.contains("n, noise, seed"),
            "{e}"
        );
        let e = DatasetSpec::parse("spiral:n=abc").unwrap_err().to_string();
        assert!(e.contains("n=abc") && e.contains("whole number"), "{e}");
        let e = DatasetSpec::parse("spiral:arms=0").unwrap_err().to_string();
        assert!(e.contains("between 1 and 64"), "{e}");
        let (_, opts) = DatasetSpec::parse("moons:test=0.3,standardize=true").unwrap();
        assert_eq!(opts.test_ratio, 0.3);
        assert!(opts.standardize);
        let (spec, _) =
            DatasetSpec::parse("spiral:arms=3,turns=1.5,noise=0.1,n=90,seed=2").unwrap();
        assert_eq!(DatasetSpec::parse(&spec.to_arg()).unwrap().0, spec);
    }

    #[test]
    fn csv_round_trip_is_exact_for_any_dimension() {
        for name in ["spiral", "digits"] {
            let data = DatasetSpec::default_for(name).unwrap().generate();
            let back = Dataset::parse_csv(&data.to_csv(), "mem").unwrap();
            assert_eq!(back, data, "{name}");
        }
    }

    #[test]
    fn malformed_csv_names_line_and_problem() {
        let cases = [
            ("", "1: the file is empty"),
            ("1,2,0\n", "1: the first line holds numbers"),
            (
                "x1,x2,label\n1,2,0\n3,4\n",
                "3: 2 columns, the header has 3",
            ),
            (
                "x1,x2,label\n1,abc,0\n",
                "2: column 2: `abc` is not a number",
            ),
            (
                "x1,x2,label\n1,2,-1\n",
                "2: label `-1` is not a class number",
            ),
            ("x1,x2,label\n1,2,0.5\n", "2: label `0.5`"),
            ("x1,x2,label\n", "1: no data rows"),
        ];
        for (text, expected) in cases {
            let e = Dataset::parse_csv(text, "f.csv").unwrap_err().to_string();
            assert!(
                e.starts_with("f.csv:") && e.contains(expected),
                "{e:?} vs {expected:?}"
            );
        }
    }

    #[test]
    fn split_and_standardize() {
        let data = DatasetSpec::default_for("moons").unwrap().generate();
        let (train, test) = data.split(0.25, 1);
        assert_eq!((train.len(), test.len()), (300, 100));
        let mut all: Vec<u32> = train.y.iter().chain(&test.y).copied().collect();
        all.sort();
        let mut orig = data.y.clone();
        orig.sort();
        assert_eq!(all, orig, "the split loses and duplicates nothing");
        let mut train = train;
        let s = train.fit_standardizer();
        s.apply(&mut train);
        let after = train.fit_standardizer();
        for (m, sd) in after.mean.iter().zip(&after.std) {
            assert!(m.abs() < 1e-4 && (sd - 1.0).abs() < 1e-3, "{m} {sd}");
        }
    }

    #[test]
    fn the_principal_plane_follows_the_spread() {
        // Points along the direction (1, 1, 0) with a little spread along (0, 0, 1).
        let mut values = vec![];
        for i in 0..50 {
            let t = i as f32 - 25.0;
            values.extend_from_slice(&[t, t, (i % 3) as f32 * 0.1]);
        }
        let data = Dataset::from_points(3, values, vec![0; 50], 1);
        let plane = data.principal_plane();
        let first = &plane.axes[0];
        let s = std::f32::consts::FRAC_1_SQRT_2;
        assert!(
            (first[0].abs() - s).abs() < 1e-4 && (first[1].abs() - s).abs() < 1e-4,
            "{first:?}"
        );
        assert!(first[2].abs() < 1e-4);
        // Projections keep distances along the main axis.
        let a = plane.project(data.point(0));
        let b = plane.project(data.point(49));
        assert!(((a[0] - b[0]).abs() - 49.0 * 2f32.sqrt()).abs() < 1e-2);
        // Two features: the identity.
        let flat = DatasetSpec::default_for("moons").unwrap().generate();
        assert_eq!(flat.principal_plane().project(&[0.3, -0.7]), [0.3, -0.7]);
    }

    #[test]
    fn push_and_remove_points() {
        let mut data = Dataset::empty(2, 3);
        data.push(&[1.0, 2.0], 0);
        data.push(&[3.0, 4.0], 4);
        assert_eq!(data.classes, 5);
        data.remove(0);
        assert_eq!(data.point(0), &[3.0, 4.0]);
        assert_eq!(data.y, vec![4]);
    }
}
