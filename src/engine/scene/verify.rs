//! What a scene's figure shows, measured: the trained network's accuracy on the scene's
//! points, and at every layer boundary how wide the space is, how far from flat the points
//! lie in the directions shown (after the layer's `W·a` and after its activation: both are
//! on screen), and how well a line or plane separates their classes there.

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
    /// ([`crate::nn::measure::flatness`]) after the activation (of the input at 0); 0 for
    /// one neuron.
    pub spread: f32,
    /// The same spread after the layer's `W·a`, before the bias and the activation (`+ b`
    /// only shifts, so `W·a + b` has it too), in at most as many directions as the layer
    /// has inputs (`W·a` of a plane is a plane, even in 3D); `None` at the input.
    pub spread_linear: Option<f32>,
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
pub fn verify(loaded: &Loaded) -> Result<Verification, crate::nn::NetworkError> {
    let data = &loaded.data;
    let accuracy = evaluate(&loaded.network, data, None)?.accuracy as f32;
    let stages = loaded.network.forward_stages(&data.x)?;
    let points = |x: &crate::nn::Mat| Dataset {
        x: x.clone(),
        y: data.y.clone(),
        classes: data.classes,
        names: data.names.clone(),
        // A layer's neurons, not the data's features.
        features: vec![],
    };
    let spread = |x: &crate::nn::Mat, dims: usize| flatness(&points(x), dims);
    let at = |boundary: usize, linear: Option<(&crate::nn::Mat, usize)>, x: &crate::nn::Mat| {
        let shown = shown_dims(x.nrows());
        Boundary {
            boundary,
            width: x.nrows(),
            spread: spread(x, shown),
            // A linear map of a plane is a plane: `W·a` from a 2-wide space into 3D is
            // measured in its two directions (a tilted sheet, not a collapse).
            spread_linear: linear.map(|(z, inputs)| spread(z, shown.min(inputs))),
            separability: linear_separability(&points(x)),
        }
    };
    let mut boundaries = vec![at(0, None, &data.x)];
    let mut inputs = data.x.nrows();
    for (l, s) in stages.iter().enumerate() {
        boundaries.push(at(l + 1, Some((&s.linear, inputs)), &s.activated));
        inputs = s.activated.nrows();
    }
    Ok(Verification {
        accuracy,
        boundaries,
    })
}

impl Boundary {
    /// The smaller of the spreads a viewer sees at this boundary: after `W·a` and after the
    /// activation (the input's own at the input).
    pub fn least_spread(&self) -> f32 {
        self.spread_linear
            .map_or(self.spread, |s| s.min(self.spread))
    }
}

impl Verification {
    /// The table `check --verify` prints.
    pub fn table(&self) -> String {
        let mut out = format!("  accuracy {:.1}%\n", 100.0 * self.accuracy);
        out += "  boundary    width  spread W·a  spread  separable\n";
        let last = self.boundaries.len().saturating_sub(1);
        for b in &self.boundaries {
            let name = match b.boundary {
                0 => "input".to_string(),
                l if l == last => format!("{l} (output)"),
                l => format!("{l}"),
            };
            let linear = b
                .spread_linear
                .map_or_else(|| "-".to_string(), |s| format!("{s:.3}"));
            out += &format!(
                "  {name:<10}  {:>5}  {linear:>10}  {:>6.3}  {:>8.1}%\n",
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
            (Claim::Spread { at_least, .. }, Some(b)) => {
                let least = b.least_spread();
                let what = if b.spread_linear.is_some_and(|s| s < b.spread) {
                    "spread after W·a"
                } else {
                    "spread"
                };
                (least, least >= at_least, what)
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::load_str;

    /// A scene of one hand-set tanh layer on two rings, with `weights`, `bias` and spread
    /// claims.
    fn layer(weights: &str, bias: &str) -> Loaded {
        let text = format!(
            r#"Scene(
    title: "t",
    dataset: "circle:n=200",
    network: Layers([(weights: {weights}, bias: {bias}, activation: Tanh)]),
    view: Layers,
    claims: [Spread(layer: 0, at_least: 0.5), Spread(layer: 1, at_least: 0.1)],
    timeline: [Wait(1.0)],
)"#
        );
        load_str(&text, "t.ron", None, true).unwrap()
    }

    #[test]
    fn spread_is_measured_after_w_a_and_after_the_activation() {
        let round = layer("[[1.0, 0.0], [0.0, 1.0]]", "[0.8, -0.8]");
        let v = verify(&round).unwrap();
        assert_eq!(v.boundaries.len(), 2);
        assert_eq!(v.boundaries[0].spread_linear, None);
        let b = &v.boundaries[1];
        // W = I keeps the input's spread; tanh changes it but keeps the rings spread.
        let input = v.boundaries[0].spread;
        assert!((b.spread_linear.unwrap() - input).abs() < 1e-5, "{b:?}");
        assert!(b.spread > 0.5, "{b:?}");
        assert_eq!(b.least_spread(), b.spread.min(input));
        assert!(failed_claims(&round, &v).is_empty());
        assert!(v.table().contains("spread W·a"), "{}", v.table());
    }

    #[test]
    fn a_rank_one_w_fails_a_spread_claim_even_where_the_activation_bends_it_back() {
        // W maps the plane onto the diagonal; tanh, shifted differently per neuron, bends
        // that line into a curve whose own spread would pass.
        let flat = layer("[[2.0, 0.0], [2.0, 0.0]]", "[0.8, -0.8]");
        let v = verify(&flat).unwrap();
        let b = &v.boundaries[1];
        assert!(b.spread_linear.unwrap() < 1e-3, "{b:?}");
        assert!(b.spread >= 0.1, "the curve alone would pass: {b:?}");
        assert!(b.least_spread() < 1e-3);
        let failed = failed_claims(&flat, &v);
        assert_eq!(failed.len(), 1, "{failed:?}");
        assert!(
            failed[0]
                .message
                .contains("Spread(layer: 1, at_least: 0.1)")
                && failed[0].message.contains("after W·a"),
            "{failed:?}"
        );
        assert_eq!(failed[0].at, (6, 47));
    }

    #[test]
    fn a_plane_lifted_into_3d_is_measured_in_its_own_two_directions() {
        // W·a of the plane into 3D is a tilted plane: flat in 3D by necessity, spread in
        // its two directions; tanh then bends it into the third.
        let lifted = layer("[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]", "[0.8, -0.8, 0.0]");
        let v = verify(&lifted).unwrap();
        let b = &v.boundaries[1];
        assert_eq!(b.width, 3);
        assert!(b.spread_linear.unwrap() > 0.3, "{b:?}");
        assert!(failed_claims(&lifted, &v).is_empty(), "{v:?}");
    }
}
