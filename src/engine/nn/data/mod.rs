//! Data sets: labelled points, CSV import and export, standardisation, train/test splits
//! and the principal plane. The built-in sets' specs are in `spec` (re-exported here), their
//! generators (each from a size, a noise level and a seed) in `generate`.

use super::network::Mat;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::path::Path;
use thiserror::Error;

mod generate;
mod spec;
mod table;

pub use spec::{DIGITS_COUNT, DatasetKind, DatasetSpec};
pub use table::CsvColumns;

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
    /// Columns picked (by a label or feature name) that the CSV's header does not give.
    #[error("{path}:{line}: {problem}")]
    Columns {
        path: String,
        line: usize,
        problem: ColumnProblem,
    },
}

/// What is wrong with the columns picked from a CSV file's header.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ColumnProblem {
    /// The label column named is not in the header.
    #[error(
        "the label column `{name}` is not in the header (it has {})",
        listed(header)
    )]
    NoLabel { name: String, header: Vec<String> },
    /// A feature column named is not in the header.
    #[error(
        "the feature column `{name}` is not in the header (it has {})",
        listed(header)
    )]
    NoFeature { name: String, header: Vec<String> },
    /// The label column is also named as a feature.
    #[error("`{0}` is the label column; it cannot be a feature too")]
    LabelAsFeature(String),
}

/// Names as a message lists them: `a`, `b`.
fn listed(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    quoted.join(", ")
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
    /// The classes' names, class `k` the `k`th (from a CSV file's labels); empty when the
    /// classes are only numbered.
    pub names: Vec<String>,
    /// The features' names, feature `i` the `i`th (a CSV file's header names of the columns
    /// used, in order); empty when they are only numbered (a built-in set, or a header that
    /// reads `x1,...,xd`). See [`Dataset::feature_name`].
    pub features: Vec<String>,
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
            names: vec![],
            features: vec![],
        }
    }

    /// Class `k`'s name: the data's own, or `class k`.
    pub fn class_name(&self, k: u32) -> String {
        self.names
            .get(k as usize)
            .cloned()
            .unwrap_or_else(|| format!("class {k}"))
    }

    /// Feature `i`'s name, as an axis or an input is titled: the data's own (a CSV column's),
    /// or `x1`, `x2`, ... (`x{i+1}`) for a feature without one.
    pub fn feature_name(&self, i: usize) -> String {
        match self.features.get(i) {
            Some(name) if !name.is_empty() => name.clone(),
            _ => format!("x{}", i + 1),
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
        Dataset {
            names: self.names.clone(),
            features: self.features.clone(),
            ..Dataset::from_points(self.dim(), values, y, self.classes)
        }
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

    /// The points' scatter about `mean`: the sum of `(p − mean)(p − mean)ᵀ` over the
    /// points (the covariance times their number), whose eigenvectors are the principal
    /// directions.
    pub fn scatter(&self, mean: &[f32]) -> nalgebra::DMatrix<f64> {
        let d = self.dim();
        let mut cov = nalgebra::DMatrix::<f64>::zeros(d, d);
        for i in 0..self.len() {
            let p = self.point(i);
            for a in 0..d {
                let da = (p[a] - mean[a]) as f64;
                for b in 0..d {
                    cov[(a, b)] += da * (p[b] - mean[b]) as f64;
                }
            }
        }
        cov
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
                kind: PlaneKind::Features,
            };
        }
        let eigen = nalgebra::SymmetricEigen::new(self.scatter(&std.mean));
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
            kind: PlaneKind::Principal,
        }
    }

    /// Each point as a CSV row under a header: the features' names (`x1,...,xd` without
    /// them), then `label`.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        // A header of numbers only would be read back as a point: such names are not kept.
        let named = self.features.len() == self.dim()
            && self.features.iter().any(|f| f.parse::<f64>().is_err());
        for j in 0..self.dim() {
            match named {
                true => out.push_str(&quoted(&self.features[j])),
                false => out.push_str(&format!("x{}", j + 1)),
            }
            out.push(',');
        }
        out.push_str("label\n");
        for i in 0..self.len() {
            for v in self.point(i) {
                // `{}` prints the shortest text that reads back to the same f32.
                out.push_str(&format!("{v},"));
            }
            match self.names.get(self.y[i] as usize) {
                // Named classes by name (read back, they are numbered in order of first
                // appearance, which keeps their numbers when the rows keep their order).
                Some(name) => out.push_str(&quoted(name)),
                None => out.push_str(&self.y[i].to_string()),
            }
            out.push('\n');
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

    /// Reads a CSV file: a header, then rows of numbers, the last column the label (a class
    /// number, or a name: see [`CsvColumns`] and `table`).
    pub fn load_csv(path: &Path) -> Result<Dataset, DataError> {
        Dataset::load_csv_with(path, &CsvColumns::default())
    }

    /// Reads a CSV file with the label and feature columns named in `columns`.
    pub fn load_csv_with(path: &Path, columns: &CsvColumns) -> Result<Dataset, DataError> {
        let text = crate::io::read_text(path).map_err(|e| DataError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        table::parse(&text, &path.display().to_string(), columns)
    }

    /// Parses CSV text (the last column the label); `origin` names it in errors.
    pub fn parse_csv(text: &str, origin: &str) -> Result<Dataset, DataError> {
        table::parse(text, origin, &CsvColumns::default())
    }

    /// Parses CSV text with the label and feature columns named in `columns`.
    pub fn parse_csv_with(
        text: &str,
        origin: &str,
        columns: &CsvColumns,
    ) -> Result<Dataset, DataError> {
        table::parse(text, origin, columns)
    }
}

/// A linear map from the feature space onto a plane, for drawing.
#[derive(Clone, Debug, PartialEq)]
pub struct Projection {
    /// Subtracted before projecting.
    pub mean: Vec<f32>,
    /// The plane's two unit axes.
    pub axes: [Vec<f32>; 2],
    /// Whether the plane is the features' own or the principal one.
    pub kind: PlaneKind,
}

/// Which plane a [`Projection`] shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaneKind {
    /// The identity on the data's two features (or its one): axis `k` is feature `k`.
    Features,
    /// The plane of the two principal components of more features: axis `k` is principal
    /// component `k + 1`.
    Principal,
}

impl Projection {
    /// Axis `k`'s title (0 across, 1 up): on the features' plane the feature's name
    /// ([`Dataset::feature_name`]: `height_cm`, else `x1`), none for the missing second
    /// axis of one feature; on the principal plane `PC 1` and `PC 2`.
    pub fn axis_title(&self, k: usize, data: &Dataset) -> String {
        match self.kind {
            PlaneKind::Features if k < data.dim() => data.feature_name(k),
            PlaneKind::Features => String::new(),
            PlaneKind::Principal => format!("PC {}", k + 1),
        }
    }

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

/// A CSV field: quoted (RFC 4180) when it holds a comma, a quote, a line break, or could
/// be read as a number.
fn quoted(field: &str) -> String {
    let plain = !field.is_empty()
        && field.parse::<f64>().is_err()
        && !field.contains([',', '"', '\n', '\r', ';', '\t']);
    match plain {
        true => field.to_string(),
        false => format!("\"{}\"", field.replace('"', "\"\"")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_names_are_written_and_read_back() {
        let text =
            "a,b,kind\n1,2,\"setosa, small\"\n3,4,virginica\n5,6,\"setosa, small\"\n7,8,\"3\"\n";
        let data = Dataset::parse_csv(text, "mem").unwrap();
        assert_eq!(data.names, ["setosa, small", "virginica", "3"]);
        let written = data.to_csv();
        assert!(written.contains("\"setosa, small\""), "{written}");
        let back = Dataset::parse_csv(&written, "mem").unwrap();
        assert_eq!(back, data);
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
            // Hostile ones (issue 15): a million classes, a number beyond an f32.
            (
                "x1,x2,label\n1,2,1000000\n",
                "2: label 1000000 is over the limit of 999",
            ),
            (
                "x1,x2,label\n1,1e39,0\n",
                "2: column 2: `1e39` is out of range",
            ),
            ("x1,x2,label\n1,2,inf\n", "2: label `inf` is not a class"),
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
    fn a_huge_field_is_not_echoed_whole() {
        let field = "y".repeat(50_000_000);
        let text = format!("x1,x2,label\n1,{field},0\n");
        let e = Dataset::parse_csv(&text, "f.csv").unwrap_err().to_string();
        assert!(e.len() < 200, "{} bytes", e.len());
        assert!(e.contains("… (50000000 bytes)` is not a number"), "{e}");
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
    fn class_names_survive_splits_standardising_and_edits() {
        let text = "a,b,kind\n1,2,cat\n3,4,dog\n5,7,cat\n6,1,emu\n";
        let data = Dataset::parse_csv(text, "mem").unwrap();
        let (mut train, test) = crate::setup::split_and_standardise(&data, 0.5, 3, true);
        assert_eq!((train.names.len(), test.names.len()), (3, 3));
        train.push(&[0.0, 0.0], 2);
        train.remove(0);
        assert_eq!(train.class_name(2), "emu");
        let (all, none) = crate::setup::split_and_standardise(&data, 0.0, 0, false);
        assert_eq!((all.names, none.names), (data.names.clone(), data.names));
    }

    /// A CSV's column names are the features' names (issue 26): kept through splits,
    /// standardising, edits and selections, and written back as the header.
    #[test]
    fn feature_names_survive_and_are_written_back() {
        let text = "height_cm,\"weight, kg\",kind\n170,65,cat\n30,4,dog\n45,6,fox\n160,50,cat\n";
        let data = Dataset::parse_csv(text, "mem").unwrap();
        assert_eq!(data.features, ["height_cm", "weight, kg"]);
        assert_eq!(
            (data.feature_name(0), data.feature_name(1)),
            ("height_cm".into(), "weight, kg".into())
        );
        let (mut train, test) = crate::setup::split_and_standardise(&data, 0.5, 1, true);
        train.push(&[0.0, 0.0], 1);
        train.remove(0);
        for part in [&train, &test, &data.select(&[2])] {
            assert_eq!(part.features, data.features);
        }
        let written = data.to_csv();
        assert!(
            written.starts_with("height_cm,\"weight, kg\",label\n"),
            "{written}"
        );
        assert_eq!(Dataset::parse_csv(&written, "mem").unwrap(), data);
        // Columns picked by name are named in the order picked.
        let picked = Dataset::parse_csv_with(
            text,
            "mem",
            &CsvColumns::new(Some("kind"), Some("weight, kg,height_cm")),
        );
        assert!(
            picked.is_err(),
            "a name holding a comma cannot be given in --columns"
        );
        let picked = Dataset::parse_csv_with(
            "a,b,c,kind\n1,2,3,x\n",
            "mem",
            &CsvColumns::new(None, Some("c,a")),
        )
        .unwrap();
        assert_eq!(picked.features, ["c", "a"]);
    }

    /// Features without names (a built-in set, a header `x1,...,xd`) are numbered, and a
    /// header is never written as numbers (it would be read back as a point).
    #[test]
    fn unnamed_features_are_numbered() {
        let data = DatasetSpec::default_for("moons").unwrap().generate();
        assert!(data.features.is_empty());
        assert_eq!(
            (data.feature_name(0), data.feature_name(1)),
            ("x1".into(), "x2".into())
        );
        assert!(data.to_csv().starts_with("x1,x2,label\n"));
        let read = Dataset::parse_csv("x1,x2,label\n1,2,0\n", "mem").unwrap();
        assert!(read.features.is_empty(), "{:?}", read.features);
        let partly = Dataset::parse_csv("x1,,label\n1,2,0\n", "mem").unwrap();
        assert_eq!(partly.features, ["x1", ""]);
        assert_eq!(
            partly.feature_name(1),
            "x2",
            "an unnamed column is numbered"
        );
        assert_eq!(Dataset::parse_csv(&partly.to_csv(), "mem").unwrap(), partly);
        let mut numbers = Dataset::from_points(2, vec![1.0, 2.0], vec![0], 1);
        numbers.features = vec!["1".into(), "2".into()];
        assert!(numbers.to_csv().starts_with("x1,x2,label\n"));
    }

    /// The plane the views draw says what its axes are: the features themselves for two,
    /// the principal components for more.
    #[test]
    fn a_projection_names_its_axes() {
        let flat = Dataset::parse_csv("height_cm,weight_kg,kind\n1,2,a\n3,5,b\n", "m").unwrap();
        let plane = flat.principal_plane();
        assert_eq!(plane.kind, PlaneKind::Features);
        assert_eq!(plane.axis_title(0, &flat), "height_cm");
        assert_eq!(plane.axis_title(1, &flat), "weight_kg");
        let digits = DatasetSpec::default_for("digits").unwrap().generate();
        let plane = digits.principal_plane();
        assert_eq!(plane.kind, PlaneKind::Principal);
        assert_eq!(
            (plane.axis_title(0, &digits), plane.axis_title(1, &digits)),
            ("PC 1".into(), "PC 2".into())
        );
        let line = Dataset::from_points(1, vec![1.0, 2.0], vec![0, 1], 2);
        let plane = line.principal_plane();
        assert_eq!(
            (plane.axis_title(0, &line), plane.axis_title(1, &line)),
            ("x1".into(), String::new())
        );
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
