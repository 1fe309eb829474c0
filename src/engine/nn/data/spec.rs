//! The built-in data sets' specs: which generator ([`DatasetKind`], with its own parameters)
//! and the parameters every one has (points, noise, seed), read from and written back to
//! `name:key=value,...`.

use super::generate;
use super::{DataError, DataOptions, Dataset};
use serde::{Deserialize, Serialize};

/// Number of images in the bundled digits set.
pub const DIGITS_COUNT: usize = 1797;

/// A built-in data set and its parameters. `n` is the number of points, `noise` the
/// standard deviation of the Gaussian jitter (or of the blobs), `seed` makes it repeatable.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DatasetSpec {
    /// Which generator, with the parameters only it has.
    pub kind: DatasetKind,
    /// Number of points.
    pub n: usize,
    /// Standard deviation of the Gaussian jitter (or of the blobs).
    pub noise: f32,
    /// Seed of the points.
    pub seed: u64,
}

/// The built-in generators and the parameters each has beyond `n`, `noise` and `seed`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum DatasetKind {
    /// Two concentric rings (radius 0.5 and 1): class 0 inside.
    Circle,
    /// The four quadrants of [−1, 1]², alternately labelled.
    Xor,
    /// `classes` Gaussian blobs with centres on the unit circle.
    Blobs { classes: usize },
    /// `arms` interleaved spiral arms, each winding `turns` times from the centre outwards.
    Spiral { arms: usize, turns: f32 },
    /// Two interleaving half circles.
    Moons,
    /// A `cells × cells` checkerboard over [−1, 1]².
    Checkerboard { cells: usize },
    /// The three-cluster mixture of the hidden-layer article: class 0 around (0.5, 0.5),
    /// class 1 in two clusters around x = 0.2 and x = 0.8.
    Mixture,
    /// Class 1 fills a wedge (a V opening upwards, `angle` degrees wide), class 0 the band
    /// wrapping both its sides and its tip, a gap away. No line separates them, but two cuts
    /// along the wedge's two sides do, so a network needs both coordinates.
    Wedge { angle: f32 },
    /// Uniform in [−5, 5]²; class 0 inside the square bounded by the four lines
    /// x−y−3 = 0, −x+y−3 = 0, x+y−3 = 0 and x+y+3 = 0, class 1 outside.
    Lines,
    /// The 8×8 handwritten digits (64 inputs scaled to [0, 1], 10 classes); `n` of the
    /// 1,797 images (all by default), chosen by `seed`.
    Digits,
}

impl DatasetKind {
    /// The generator called `name` (or one of its other names) with its default parameters.
    pub fn from_name(name: &str) -> Option<DatasetKind> {
        let kind = match name {
            "circle" | "circles" | "rings" => DatasetKind::Circle,
            "xor" => DatasetKind::Xor,
            "blobs" | "gaussian" => DatasetKind::Blobs { classes: 3 },
            "spiral" | "spirals" => DatasetKind::Spiral {
                arms: 2,
                turns: 1.0,
            },
            "moons" => DatasetKind::Moons,
            "checkerboard" | "checker" => DatasetKind::Checkerboard { cells: 4 },
            "mixture" | "clusters" => DatasetKind::Mixture,
            "wedge" | "corner" => DatasetKind::Wedge { angle: 60.0 },
            "lines" | "region" | "four-lines" => DatasetKind::Lines,
            "digits" => DatasetKind::Digits,
            _ => return None,
        };
        Some(kind)
    }

    /// The data set's name.
    pub fn name(self) -> &'static str {
        match self {
            DatasetKind::Circle => "circle",
            DatasetKind::Xor => "xor",
            DatasetKind::Blobs { .. } => "blobs",
            DatasetKind::Spiral { .. } => "spiral",
            DatasetKind::Moons => "moons",
            DatasetKind::Checkerboard { .. } => "checkerboard",
            DatasetKind::Mixture => "mixture",
            DatasetKind::Wedge { .. } => "wedge",
            DatasetKind::Lines => "lines",
            DatasetKind::Digits => "digits",
        }
    }

    /// The default number of points, noise and seed.
    fn defaults(self) -> (usize, f32, u64) {
        match self {
            DatasetKind::Circle => (400, 0.05, 0),
            DatasetKind::Xor => (400, 0.0, 0),
            DatasetKind::Blobs { .. } => (300, 0.2, 0),
            DatasetKind::Spiral { .. } => (400, 0.02, 0),
            DatasetKind::Moons => (400, 0.1, 0),
            DatasetKind::Checkerboard { .. } => (800, 0.0, 0),
            DatasetKind::Mixture => (200, 0.0, 1),
            DatasetKind::Wedge { .. } => (400, 0.0, 0),
            DatasetKind::Lines => (400, 0.0, 0),
            DatasetKind::Digits => (DIGITS_COUNT, 0.0, 0),
        }
    }

    /// The parameter names this data set takes, its own between `n` and `noise`.
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            DatasetKind::Blobs { .. } => &["n", "classes", "noise", "seed"],
            DatasetKind::Spiral { .. } => &["n", "arms", "turns", "noise", "seed"],
            DatasetKind::Checkerboard { .. } => &["n", "cells", "noise", "seed"],
            DatasetKind::Wedge { .. } => &["n", "angle", "noise", "seed"],
            DatasetKind::Circle
            | DatasetKind::Xor
            | DatasetKind::Moons
            | DatasetKind::Mixture
            | DatasetKind::Lines
            | DatasetKind::Digits => &["n", "noise", "seed"],
        }
    }

    /// Its own parameters as `key=value,` pairs (empty when it has none).
    fn own_args(self) -> String {
        match self {
            DatasetKind::Blobs { classes } => format!("classes={classes},"),
            DatasetKind::Spiral { arms, turns } => format!("arms={arms},turns={turns},"),
            DatasetKind::Checkerboard { cells } => format!("cells={cells},"),
            DatasetKind::Wedge { angle } => format!("angle={angle},"),
            DatasetKind::Circle
            | DatasetKind::Xor
            | DatasetKind::Moons
            | DatasetKind::Mixture
            | DatasetKind::Lines
            | DatasetKind::Digits => String::new(),
        }
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
            (DatasetKind::Blobs { classes }, "classes" | "k") => *classes = count(1, 64)?,
            (DatasetKind::Spiral { arms, .. }, "arms" | "classes" | "k") => *arms = count(1, 64)?,
            (DatasetKind::Spiral { turns, .. }, "turns") => *turns = real(0.0, 20.0)?,
            (DatasetKind::Checkerboard { cells }, "cells") => *cells = count(1, 64)?,
            (DatasetKind::Wedge { angle }, "angle") => *angle = real(20.0, 140.0)?,
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

    /// The most points it can have.
    pub fn max_points(self) -> usize {
        match self {
            DatasetKind::Digits => DIGITS_COUNT,
            DatasetKind::Circle
            | DatasetKind::Xor
            | DatasetKind::Blobs { .. }
            | DatasetKind::Spiral { .. }
            | DatasetKind::Moons
            | DatasetKind::Checkerboard { .. }
            | DatasetKind::Mixture
            | DatasetKind::Wedge { .. }
            | DatasetKind::Lines => 1_000_000,
        }
    }

    /// Number of classes this data set has.
    pub fn classes(self) -> usize {
        match self {
            DatasetKind::Blobs { classes } => classes,
            DatasetKind::Spiral { arms, .. } => arms,
            DatasetKind::Digits => 10,
            DatasetKind::Circle
            | DatasetKind::Xor
            | DatasetKind::Moons
            | DatasetKind::Checkerboard { .. }
            | DatasetKind::Mixture
            | DatasetKind::Wedge { .. }
            | DatasetKind::Lines => 2,
        }
    }

    /// Number of features per point.
    pub fn dim(self) -> usize {
        match self {
            DatasetKind::Digits => 64,
            DatasetKind::Circle
            | DatasetKind::Xor
            | DatasetKind::Blobs { .. }
            | DatasetKind::Spiral { .. }
            | DatasetKind::Moons
            | DatasetKind::Checkerboard { .. }
            | DatasetKind::Mixture
            | DatasetKind::Wedge { .. }
            | DatasetKind::Lines => 2,
        }
    }
}

impl DatasetSpec {
    /// Names of the built-in data sets.
    pub const NAMES: [&'static str; 10] = [
        "circle",
        "xor",
        "blobs",
        "spiral",
        "moons",
        "checkerboard",
        "mixture",
        "wedge",
        "lines",
        "digits",
    ];

    /// The data set called `name` with its default parameters.
    pub fn default_for(name: &str) -> Result<DatasetSpec, DataError> {
        let name = name.trim().to_ascii_lowercase();
        let kind = DatasetKind::from_name(&name).ok_or(DataError::UnknownDataset(name))?;
        Ok(DatasetSpec::with_defaults(kind))
    }

    /// `kind` with its default number of points, noise and seed.
    pub fn with_defaults(kind: DatasetKind) -> DatasetSpec {
        let (n, noise, seed) = kind.defaults();
        DatasetSpec {
            kind,
            n,
            noise,
            seed,
        }
    }

    /// The data set's name.
    pub fn name(&self) -> &'static str {
        self.kind.name()
    }

    /// The parameter names this data set takes.
    pub fn keys(&self) -> &'static [&'static str] {
        self.kind.keys()
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
            "test" => options.test_ratio = real(0.0, 0.95)?,
            "standardize" | "standardise" => {
                options.standardize = match value {
                    "true" | "1" | "yes" => true,
                    "false" | "0" | "no" => false,
                    _ => return Err(bad("expected true or false")),
                };
            }
            "n" => self.n = count(1, self.kind.max_points())?,
            "noise" => self.noise = real(0.0, 10.0)?,
            "seed" => self.seed = value.parse().map_err(|_| bad("expected a whole number"))?,
            _ => return self.kind.set_own(key, count, real),
        }
        Ok(())
    }

    /// The spec written back as `name:key=value,...`.
    pub fn to_arg(&self) -> String {
        format!(
            "{}:n={},{}noise={},seed={}",
            self.name(),
            self.n,
            self.kind.own_args(),
            self.noise,
            self.seed
        )
    }

    /// The seed the points are made from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Number of classes this data set has.
    pub fn classes(&self) -> usize {
        self.kind.classes()
    }

    /// Number of features per point.
    pub fn dim(&self) -> usize {
        self.kind.dim()
    }

    /// Makes the points. Same spec, same bits.
    pub fn generate(&self) -> Dataset {
        generate::dataset(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_kinds_names() {
        for name in DatasetSpec::NAMES {
            let spec = DatasetSpec::default_for(name).unwrap();
            assert_eq!(spec.name(), name);
            assert_eq!(DatasetKind::from_name(name), Some(spec.kind));
            assert_eq!(DatasetSpec::with_defaults(spec.kind), spec);
        }
        assert_eq!(
            DatasetSpec::default_for(" Four-Lines ").unwrap().kind,
            DatasetKind::Lines
        );
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
        let e = DatasetSpec::parse("wedge:angle=180")
            .unwrap_err()
            .to_string();
        assert!(e.contains("between 20 and 140"), "{e}");
        let e = DatasetSpec::parse("digits:n=1798").unwrap_err().to_string();
        assert!(e.contains("between 1 and 1797"), "{e}");
        let (_, opts) = DatasetSpec::parse("moons:test=0.3,standardize=true").unwrap();
        assert_eq!(opts.test_ratio, 0.3);
        assert!(opts.standardize);
        let (spec, _) =
            DatasetSpec::parse("spiral:arms=3,turns=1.5,noise=0.1,n=90,seed=2").unwrap();
        assert_eq!(DatasetSpec::parse(&spec.to_arg()).unwrap().0, spec);
    }

    #[test]
    fn specs_are_written_back_with_every_parameter() {
        let arg = |s: &str| DatasetSpec::parse(s).unwrap().0.to_arg();
        assert_eq!(arg("blobs"), "blobs:n=300,classes=3,noise=0.2,seed=0");
        assert_eq!(
            arg("spiral:k=4,turns=1.5"),
            "spiral:n=400,arms=4,turns=1.5,noise=0.02,seed=0"
        );
        assert_eq!(
            arg("checker:cells=3"),
            "checkerboard:n=800,cells=3,noise=0,seed=0"
        );
        assert_eq!(arg("clusters"), "mixture:n=200,noise=0,seed=1");
        assert_eq!(arg("digits:n=5"), "digits:n=5,noise=0,seed=0");
        assert_eq!(arg("corner"), "wedge:n=400,angle=60,noise=0,seed=0");
        assert_eq!(
            arg("wedge:angle=90,seed=3"),
            "wedge:n=400,angle=90,noise=0,seed=3"
        );
    }
}
