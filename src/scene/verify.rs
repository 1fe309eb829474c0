//! What a scene's figure shows, measured: the trained network's accuracy on the scene's
//! points, and at every layer boundary how wide the space is, how far from flat the points
//! lie in the directions shown, and how well a line or plane separates their classes there.

use super::{Claim, Loaded};
use crate::nn::measure::{flatness, linear_separability};
use crate::nn::{Dataset, evaluate};

/// One layer boundary: the input (0), or the output of layer `boundary`.
#[derive(Clone, Debug, PartialEq)]
pub struct Boundary {
    /// 0 for the input, `l` after layer `l`'s activation.
    pub boundary: usize,
    /// Neurons (features at the input).
    pub width: usize,
    /// Spread along the last shown principal direction over the first
    /// ([`crate::nn::measure::flatness`]); 0 for one neuron.
    pub spread: f32,
    /// Fraction of points a fitted linear classifier gets right there.
    pub separability: f32,
}

/// A scene measured.
#[derive(Clone, Debug, PartialEq)]
pub struct Verification {
    /// The network's accuracy on all the scene's points.
    pub accuracy: f32,
    /// The input and every layer's output.
    pub boundaries: Vec<Boundary>,
}

/// Directions a layers view shows of a space `width` wide: all of a 1-, 2- or 3-wide one;
/// two of a wider one (the default projection).
pub fn shown_dims(width: usize) -> usize {
    if width <= 3 { width } else { 2 }
}

/// Measures a loaded (trained) scene.
pub fn verify(loaded: &Loaded) -> Result<Verification, String> {
    let data = &loaded.data;
    let accuracy = evaluate(&loaded.network, data, None)?.accuracy as f32;
    let stages = loaded
        .network
        .forward_stages(&data.x)
        .map_err(|e| e.to_string())?;
    let at = |boundary: usize, x: &crate::nn::Mat| {
        let points = Dataset {
            x: x.clone(),
            y: data.y.clone(),
            classes: data.classes,
        };
        Boundary {
            boundary,
            width: x.nrows(),
            spread: flatness(&points, shown_dims(x.nrows())),
            separability: linear_separability(&points),
        }
    };
    let mut boundaries = vec![at(0, &data.x)];
    for (l, s) in stages.iter().enumerate() {
        boundaries.push(at(l + 1, &s.activated));
    }
    Ok(Verification {
        accuracy,
        boundaries,
    })
}

impl Verification {
    /// The table `check --verify` prints.
    pub fn table(&self) -> String {
        let mut out = format!("  accuracy {:.1}%\n", 100.0 * self.accuracy);
        out += "  boundary    width  spread  separable\n";
        let last = self.boundaries.len().saturating_sub(1);
        for b in &self.boundaries {
            let name = match b.boundary {
                0 => "input".to_string(),
                l if l == last => format!("{l} (output)"),
                l => format!("{l}"),
            };
            out += &format!(
                "  {name:<10}  {:>5}  {:>6.3}  {:>8.1}%\n",
                b.width,
                b.spread,
                100.0 * b.separability
            );
        }
        out
    }
}

/// A claim the measurement does not bear out: where it is written, and why it fails.
#[derive(Clone, Debug, PartialEq)]
pub struct Failed {
    /// Line and column of the claim in the scene file.
    pub at: (usize, usize),
    /// The claim, what was measured.
    pub message: String,
}

/// The scene's claims that `v` (its measurement) does not bear out.
pub fn failed_claims(loaded: &Loaded, v: &Verification) -> Vec<Failed> {
    let mut failed = vec![];
    for (i, claim) in loaded.scene.claims.iter().enumerate() {
        let at = loaded.claim_at.get(i).copied().unwrap_or((1, 1));
        let boundary = claim.layer().and_then(|l| v.boundaries.get(l));
        let (measured, holds, what) = match (*claim, boundary) {
            (Claim::Accuracy(x), _) => (v.accuracy, v.accuracy >= x, "accuracy"),
            (Claim::Separable { at_least, .. }, Some(b)) => (
                b.separability,
                b.separability >= at_least,
                "linear separability",
            ),
            (Claim::NotSeparable { at_most, .. }, Some(b)) => (
                b.separability,
                b.separability <= at_most,
                "linear separability",
            ),
            (Claim::Spread { at_least, .. }, Some(b)) => (b.spread, b.spread >= at_least, "spread"),
            (_, None) => (f32::NAN, false, "the boundary"),
        };
        if !holds {
            failed.push(Failed {
                at,
                message: format!("claim {claim} does not hold: {what} measured {measured:.3}"),
            });
        }
    }
    failed
}
