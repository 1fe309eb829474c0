//! Activation functions: the `σ` of every layer, with the derivatives training needs.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Slope of [`Activation::LeakyRelu`] for negative inputs.
pub const LEAKY_SLOPE: f32 = 0.01;

/// A layer's non-linearity. All but [`Activation::Softmax`] act on each neuron alone;
/// softmax couples the neurons of a layer and is only allowed on the output layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Activation {
    /// `z`: no bending at all.
    Identity,
    /// `1 / (1 + e^-z)`, the logistic function: squashes into (0, 1).
    Sigmoid,
    /// `tanh z`: squashes into (−1, 1).
    Tanh,
    /// `max(0, z)`: folds the negative half onto zero.
    Relu,
    /// `z` for `z > 0`, `0.01 z` otherwise.
    LeakyRelu,
    /// `1` for `z >= 0`, `0` otherwise. Not trainable by gradient.
    Step,
    /// `sin z`: wraps space periodically.
    Sine,
    /// `ln(1 + e^z)`: a smooth ReLU.
    Softplus,
    /// `e^z_i / Σ_j e^z_j` over the layer: class probabilities.
    Softmax,
}

impl Activation {
    /// The output layer a network gets when nobody names one: a sigmoid for a single output
    /// (two classes), a softmax over several.
    pub fn default_head(outputs: usize) -> Activation {
        if outputs == 1 {
            Activation::Sigmoid
        } else {
            Activation::Softmax
        }
    }

    /// Every activation, in the order the UI lists them.
    pub const ALL: [Activation; 9] = [
        Activation::Identity,
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Relu,
        Activation::LeakyRelu,
        Activation::Step,
        Activation::Sine,
        Activation::Softplus,
        Activation::Softmax,
    ];

    /// The name used on the command line and in files.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Identity => "identity",
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
            Activation::LeakyRelu => "leaky_relu",
            Activation::Step => "step",
            Activation::Sine => "sine",
            Activation::Softplus => "softplus",
            Activation::Softmax => "softmax",
        }
    }

    /// Other names [`str::parse`] accepts for it, besides [`Activation::name`].
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Activation::Identity => &["linear", "none"],
            Activation::Sigmoid => &["logistic"],
            Activation::Tanh => &[],
            Activation::Relu => &[],
            Activation::LeakyRelu => &["leakyrelu", "lrelu"],
            Activation::Step => &["heaviside"],
            Activation::Sine => &["sin"],
            Activation::Softplus => &[],
            Activation::Softmax => &[],
        }
    }

    /// The names of the hidden-layer activations (every element-wise one, in the order of
    /// [`Activation::ALL`]), as the command line lists them:
    /// `identity, sigmoid, tanh, relu, leaky_relu, step, sine, softplus`.
    pub fn names() -> String {
        let names: Vec<&str> = Activation::ALL
            .into_iter()
            .filter(|a| a.is_elementwise())
            .map(Activation::name)
            .collect();
        names.join(", ")
    }

    /// Whether the activation acts on each neuron alone (all but softmax).
    pub fn is_elementwise(self) -> bool {
        match self {
            Activation::Softmax => false,
            Activation::Identity
            | Activation::Sigmoid
            | Activation::Tanh
            | Activation::Relu
            | Activation::LeakyRelu
            | Activation::Step
            | Activation::Sine
            | Activation::Softplus => true,
        }
    }

    /// Whether gradient descent can train through it (all but step).
    pub fn is_trainable(self) -> bool {
        match self {
            Activation::Step => false,
            Activation::Identity
            | Activation::Sigmoid
            | Activation::Tanh
            | Activation::Relu
            | Activation::LeakyRelu
            | Activation::Sine
            | Activation::Softplus
            | Activation::Softmax => true,
        }
    }

    /// The interval `[lo, hi]` every output lies in, if it is bounded on both sides:
    /// (0, 1) for sigmoid, step (whose two values are 0 and 1) and softmax, (−1, 1) for tanh
    /// and sine. The ends are included: in `f32`, a sigmoid does reach 0 and 1.
    pub fn range(self) -> Option<(f32, f32)> {
        match self {
            Activation::Sigmoid | Activation::Step | Activation::Softmax => Some((0.0, 1.0)),
            Activation::Tanh | Activation::Sine => Some((-1.0, 1.0)),
            // Unbounded above (ReLU, leaky ReLU and softplus are bounded below only).
            Activation::Identity
            | Activation::Relu
            | Activation::LeakyRelu
            | Activation::Softplus => None,
        }
    }

    /// How the activation is written in an equation: `σ(…)`, `tanh(…)`; `None` for the
    /// identity, which is not written.
    pub fn symbol(self) -> Option<&'static str> {
        Some(match self {
            Activation::Identity => return None,
            Activation::Sigmoid => "σ",
            Activation::Tanh => "tanh",
            Activation::Relu => "ReLU",
            Activation::LeakyRelu => "LeakyReLU",
            Activation::Step => "step",
            Activation::Sine => "sin",
            Activation::Softplus => "softplus",
            Activation::Softmax => "softmax",
        })
    }

    /// What the activation does to space, in a few words: "fold", "squash into (0, 1)", ...
    pub fn verb(self) -> &'static str {
        match self {
            Activation::Relu | Activation::LeakyRelu => "fold",
            Activation::Sigmoid => "squash into (0, 1)",
            Activation::Tanh => "squash into (-1, 1)",
            Activation::Sine => "wrap",
            Activation::Step => "snap to 0 or 1",
            Activation::Softmax => "onto the probability simplex",
            Activation::Identity => "nothing bends",
            Activation::Softplus => "bend",
        }
    }

    /// Where the activation folds space, if it does: the `z` at which a piecewise-linear
    /// activation (ReLU, leaky ReLU, step) changes from one linear piece to the other. The
    /// smooth ones bend everywhere, and identity not at all.
    pub fn fold_at(self) -> Option<f32> {
        match self {
            Activation::Relu | Activation::LeakyRelu | Activation::Step => Some(0.0),
            Activation::Identity
            | Activation::Sigmoid
            | Activation::Tanh
            | Activation::Sine
            | Activation::Softplus
            | Activation::Softmax => None,
        }
    }

    /// Whether the activation is piecewise linear with a fold (at `z = 0`, see
    /// [`Activation::fold_at`]): ReLU, leaky ReLU and step. Such folds are easiest to follow
    /// one neuron at a time.
    pub fn folds(self) -> bool {
        self.fold_at().is_some()
    }

    /// The pre-activation `z` at which a single output `σ(z)` is decided: where it crosses
    /// the 0.5 threshold of [`crate::nn::network::decide`], so where the decision boundary of
    /// a one-output layer lies (`W·a + b = z`).
    pub fn threshold_preimage(self) -> f32 {
        match self {
            Activation::Identity => 0.5,
            // σ(0) = 0.5 exactly.
            Activation::Sigmoid => 0.0,
            Activation::Tanh => 0.5f32.atanh(),
            Activation::Softplus => (0.5f32.exp() - 1.0).ln(),
            // step(z) >= 0.5 exactly when z >= 0.
            Activation::Step => 0.0,
            // Conventions, kept from before: the true crossing is z = 0.5 for ReLU and leaky
            // ReLU, and π/6 (the first of many) for sine; a single softmax output is always 1
            // and never crosses 0.5.
            Activation::Relu => 0.0,
            Activation::LeakyRelu => 0.0,
            Activation::Sine => 0.0,
            Activation::Softmax => 0.0,
        }
    }

    /// The factor of scikit-learn's initialisation: weights and biases are uniform in
    /// `±sqrt(factor / (fan_in + fan_out))`, with 2 for a logistic layer and 6 otherwise.
    pub fn init_factor(self) -> f32 {
        match self {
            Activation::Sigmoid => 2.0,
            Activation::Identity
            | Activation::Tanh
            | Activation::Relu
            | Activation::LeakyRelu
            | Activation::Step
            | Activation::Sine
            | Activation::Softplus
            | Activation::Softmax => 6.0,
        }
    }

    /// Applies an element-wise activation to one value. Softmax, which needs the whole
    /// layer, is applied by [`Activation::apply_column`].
    #[inline]
    pub fn apply(self, z: f32) -> f32 {
        match self {
            Activation::Identity | Activation::Softmax => z,
            Activation::Sigmoid => sigmoid(z),
            Activation::Tanh => z.tanh(),
            Activation::Relu => z.max(0.0),
            Activation::LeakyRelu => {
                if z > 0.0 {
                    z
                } else {
                    LEAKY_SLOPE * z
                }
            }
            Activation::Step => {
                if z >= 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::Sine => z.sin(),
            Activation::Softplus => softplus(z),
        }
    }

    /// `out[i] = σ(z[i])` for an element-wise activation. The match happens once, outside the
    /// loop, so each arm compiles to its own tight (vectorised) loop.
    pub fn map(self, z: &[f32], out: &mut [f32]) {
        map_kernel(self, z, out);
    }

    /// `dz[i] = da[i] · σ'(z[i])` (backpropagation through an element-wise activation), with
    /// the match outside the loop.
    pub fn backprop(self, z: &[f32], a: &[f32], da: &[f32], dz: &mut [f32]) {
        backprop_kernel(self, z, a, da, dz);
    }

    /// Applies the activation to one sample's pre-activations `z` (one layer), in place.
    pub fn apply_column(self, z: &mut [f32]) {
        if self == Activation::Softmax {
            let k = z.len();
            let mut out = vec![0.0; k];
            softmax_columns(z, k, &mut out);
            z.copy_from_slice(&out);
        } else {
            for v in z.iter_mut() {
                *v = self.apply(*v);
            }
        }
    }

    /// The derivative `dσ/dz` of an element-wise activation, from the pre-activation `z`
    /// and the activation `a = σ(z)` (whichever is cheaper). Step's derivative is 0 where
    /// it exists.
    #[inline]
    pub fn derivative(self, z: f32, a: f32) -> f32 {
        match self {
            Activation::Identity | Activation::Softmax => 1.0,
            Activation::Sigmoid => a * (1.0 - a),
            Activation::Tanh => 1.0 - a * a,
            Activation::Relu => {
                if z > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::LeakyRelu => {
                if z > 0.0 {
                    1.0
                } else {
                    LEAKY_SLOPE
                }
            }
            Activation::Step => 0.0,
            Activation::Sine => z.cos(),
            Activation::Softplus => sigmoid(z),
        }
    }
}

#[inline(always)]
fn each_map(z: &[f32], out: &mut [f32], f: impl Fn(f32) -> f32) {
    for (o, &v) in out.iter_mut().zip(z) {
        *o = f(v);
    }
}

#[inline(always)]
fn each_backprop(z: &[f32], a: &[f32], da: &[f32], dz: &mut [f32], f: impl Fn(f32, f32) -> f32) {
    for (((d, &g), &zv), &av) in dz.iter_mut().zip(da).zip(z).zip(a) {
        *d = g * f(zv, av);
    }
}

crate::nn::linalg::dispatch! {
    /// [`Activation::map`], vectorised where the activation allows.
    fn map_kernel(act: Activation, z: &[f32], out: &mut [f32]) {
        match act {
            Activation::Identity | Activation::Softmax => out.copy_from_slice(z),
            Activation::Relu => each_map(z, out, |v| v.max(0.0)),
            Activation::LeakyRelu => each_map(z, out, |v| if v > 0.0 { v } else { LEAKY_SLOPE * v }),
            Activation::Sigmoid
            | Activation::Tanh
            | Activation::Step
            | Activation::Sine
            | Activation::Softplus => each_map(z, out, |v| act.apply(v)),
        }
    }
}

crate::nn::linalg::dispatch! {
    /// [`Activation::backprop`], vectorised where the activation allows.
    fn backprop_kernel(act: Activation, z: &[f32], a: &[f32], da: &[f32], dz: &mut [f32]) {
        match act {
            Activation::Identity | Activation::Softmax => dz.copy_from_slice(da),
            Activation::Relu => each_backprop(z, a, da, dz, |z, _| if z > 0.0 { 1.0 } else { 0.0 }),
            Activation::Sigmoid => each_backprop(z, a, da, dz, |_, a| a * (1.0 - a)),
            Activation::Tanh => each_backprop(z, a, da, dz, |_, a| 1.0 - a * a),
            Activation::LeakyRelu
            | Activation::Step
            | Activation::Sine
            | Activation::Softplus => each_backprop(z, a, da, dz, |z, a| act.derivative(z, a)),
        }
    }
}

/// Softmax of every column of `z` (`k` rows) into `out`: shift each column by its maximum,
/// exponentiate the whole block in one vectorised pass, then normalise each column.
pub fn softmax_columns(z: &[f32], k: usize, out: &mut [f32]) {
    for (zc, oc) in z.chunks_exact(k).zip(out.chunks_exact_mut(k)) {
        let max = zc.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        for (o, v) in oc.iter_mut().zip(zc) {
            *o = v - max;
        }
    }
    exp_in_place(out);
    for oc in out.chunks_exact_mut(k) {
        let inv = 1.0 / oc.iter().sum::<f32>();
        for o in oc.iter_mut() {
            *o *= inv;
        }
    }
}

crate::nn::linalg::dispatch! {
    /// `x = e^x` for every element, with [`exp_f32`] (which vectorises).
    fn exp_in_place(x: &mut [f32]) {
        for v in x.iter_mut() {
            *v = exp_f32(*v);
        }
    }
}

/// `e^x` to within about one unit in the last place (the Cephes `expf` polynomial), written
/// without branches so that loops over it vectorise. Saturates to 0 below −87.3 and to
/// about 2e38 above 88.3, where the true value over- or underflows anyway.
#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    let x = x.clamp(-87.3, 88.3);
    let fx = (x * std::f32::consts::LOG2_E + 0.5).floor();
    let r = x - fx * 0.693_359_4 + fx * 2.121_944_4e-4;
    let mut y = 1.987_569_1e-4_f32;
    y = y.mul_add(r, 1.398_2e-3);
    y = y.mul_add(r, 8.333_452e-3);
    y = y.mul_add(r, 4.166_579_6e-2);
    y = y.mul_add(r, 1.666_666_5e-1);
    y = y.mul_add(r, 0.5);
    let y = (y * r).mul_add(r, r) + 1.0;
    let scale = f32::from_bits((((fx as i32) + 127) as u32) << 23);
    y * scale
}

/// The logistic function, stable for large |z|.
#[inline]
pub fn sigmoid(z: f32) -> f32 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// `ln(1 + e^z)`, stable for large |z|.
#[inline]
pub fn softplus(z: f32) -> f32 {
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Activation {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.trim().to_ascii_lowercase().replace('-', "_");
        Activation::ALL
            .into_iter()
            .find(|a| a.name() == key || a.aliases().contains(&key.as_str()))
            .ok_or_else(|| {
                let names: Vec<_> = Activation::ALL.iter().map(|a| a.name()).collect();
                format!(
                    "unknown activation `{s}` (expected one of: {})",
                    names.join(", ")
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Central difference of an element-wise activation.
    fn numeric(act: Activation, z: f32) -> f32 {
        let h = 1e-3f64;
        let f = |v: f64| act.apply(v as f32) as f64;
        ((f(z as f64 + h) - f(z as f64 - h)) / (2.0 * h)) as f32
    }

    #[test]
    fn derivatives_match_finite_differences() {
        // Points away from the kinks of relu, leaky relu and step.
        let zs = [-3.1f32, -1.2, -0.4, 0.3, 0.9, 2.7];
        for act in Activation::ALL.into_iter().filter(|a| a.is_elementwise()) {
            for &z in &zs {
                let a = act.apply(z);
                let analytic = act.derivative(z, a);
                let num = numeric(act, z);
                assert!(
                    (analytic - num).abs() < 2e-3,
                    "{act} at {z}: analytic {analytic}, numeric {num}"
                );
            }
        }
    }

    #[test]
    fn names_round_trip() {
        for act in Activation::ALL {
            assert_eq!(act.name().parse::<Activation>().unwrap(), act);
        }
        assert_eq!(
            "logistic".parse::<Activation>().unwrap(),
            Activation::Sigmoid
        );
        let err = "swish".parse::<Activation>().unwrap_err();
        assert!(err.contains("swish") && err.contains("relu"), "{err}");
    }

    #[test]
    fn softmax_column_sums_to_one_and_is_stable() {
        let mut z = [1000.0f32, 999.0, -5.0];
        Activation::Softmax.apply_column(&mut z);
        let sum: f32 = z.iter().sum();
        assert!((sum - 1.0).abs() < 1e-6);
        assert!(z[0] > z[1] && z[1] > z[2]);
        assert!(z.iter().all(|v| v.is_finite()));
    }

    #[test]
    fn fast_exp_matches_the_library_exp() {
        for i in -8700..=8800 {
            let x = i as f32 * 0.01;
            let (fast, exact) = (exp_f32(x), (x as f64).exp());
            let rel = ((fast as f64 - exact) / exact).abs();
            assert!(rel < 4e-7, "exp({x}): {fast} vs {exact} ({rel:e})");
        }
        assert_eq!(exp_f32(-1000.0), exp_f32(-87.3));
        assert!(exp_f32(1000.0).is_finite());
    }

    #[test]
    fn step_takes_exactly_two_values() {
        let values: Vec<f32> = (-50..=50)
            .map(|i| Activation::Step.apply(i as f32 * 0.1))
            .collect();
        assert!(values.iter().all(|&v| v == 0.0 || v == 1.0));
        assert!(values.contains(&0.0) && values.contains(&1.0));
    }

    /// Outputs over a wide sweep of pre-activations (and a few far ones).
    fn sweep(act: Activation) -> Vec<f32> {
        let far = [-1e4f32, -100.0, -30.0, 30.0, 100.0, 1e4];
        if act.is_elementwise() {
            (-2000..=2000)
                .map(|i| i as f32 * 0.01)
                .chain(far)
                .map(|z| act.apply(z))
                .collect()
        } else {
            let mut out = vec![];
            for i in -200..=200 {
                let mut column = [i as f32 * 0.1, 0.0, far[(i + 200) as usize % 6]];
                act.apply_column(&mut column);
                out.extend(column);
            }
            out
        }
    }

    #[test]
    fn range_holds_every_output_and_is_reached() {
        for act in Activation::ALL {
            let values = sweep(act);
            let (lo, hi) = values
                .iter()
                .fold((f32::INFINITY, f32::NEG_INFINITY), |(l, h), &v| {
                    (l.min(v), h.max(v))
                });
            match act.range() {
                Some((a, b)) => {
                    assert!(a < b, "{act}");
                    assert!(a <= lo && hi <= b, "{act}: [{lo}, {hi}] outside [{a}, {b}]");
                    assert!(
                        lo - a < 1e-3 && b - hi < 1e-3,
                        "{act}: [{lo}, {hi}] in [{a}, {b}]"
                    );
                }
                None => assert!(hi > 1e3, "{act} is bounded: up to {hi}"),
            }
        }
        // Step's two values lie in its range.
        assert_eq!(Activation::Step.range(), Some((0.0, 1.0)));
    }

    /// Largest second difference of `σ` over `n` steps of `h` from `z0`.
    fn curvature(act: Activation, z0: f32, h: f32, n: usize) -> f32 {
        (0..n)
            .map(|i| {
                let z = z0 + i as f32 * h;
                (act.apply(z) - 2.0 * act.apply(z + h) + act.apply(z + 2.0 * h)).abs()
            })
            .fold(0.0, f32::max)
    }

    #[test]
    fn folds_exactly_for_the_piecewise_linear_activations() {
        for act in Activation::ALL.into_iter().filter(|a| a.is_elementwise()) {
            // Linear on each side of z = 0, and not across it: a fold there.
            let left = curvature(act, -3.0, 0.01, 290);
            let right = curvature(act, 0.05, 0.01, 290);
            let across = curvature(act, -0.25, 0.25, 1);
            let piecewise_linear = left < 1e-5 && right < 1e-5 && across > 1e-3;
            assert_eq!(
                act.folds(),
                piecewise_linear,
                "{act}: {left} {right} {across}"
            );
            assert_eq!(act.fold_at(), act.folds().then_some(0.0), "{act}");
        }
        assert!(!Activation::Softmax.folds());
    }

    #[test]
    fn the_threshold_preimage_is_where_one_output_is_decided() {
        for act in [
            Activation::Identity,
            Activation::Sigmoid,
            Activation::Tanh,
            Activation::Softplus,
        ] {
            let z = act.threshold_preimage();
            assert!(
                (act.apply(z) - 0.5).abs() < 1e-6,
                "{act}: σ({z}) = {}",
                act.apply(z)
            );
        }
        let z = Activation::Step.threshold_preimage();
        assert!(Activation::Step.apply(z) >= 0.5 && Activation::Step.apply(z - 1e-6) < 0.5);
        // The exact values the decision boundaries have always used.
        assert_eq!(Activation::Tanh.threshold_preimage(), 0.5f32.atanh());
        assert_eq!(
            Activation::Softplus.threshold_preimage(),
            (0.5f32.exp() - 1.0).ln()
        );
        for act in [
            Activation::Relu,
            Activation::LeakyRelu,
            Activation::Sine,
            Activation::Softmax,
        ] {
            assert_eq!(act.threshold_preimage(), 0.0, "{act}: the convention");
        }
    }

    #[test]
    fn verbs_say_what_each_activation_does() {
        let verbs: Vec<&str> = Activation::ALL.into_iter().map(Activation::verb).collect();
        assert_eq!(
            verbs,
            [
                "nothing bends",
                "squash into (0, 1)",
                "squash into (-1, 1)",
                "fold",
                "fold",
                "snap to 0 or 1",
                "wrap",
                "bend",
                "onto the probability simplex",
            ]
        );
    }

    #[test]
    fn names_list_the_hidden_activations_and_aliases_parse() {
        // The list the command line's help gives for `--activation`.
        assert_eq!(
            Activation::names(),
            "identity, sigmoid, tanh, relu, leaky_relu, step, sine, softplus"
        );
        let mut seen = std::collections::HashSet::new();
        for act in Activation::ALL {
            for alias in act.aliases() {
                assert_eq!(alias.parse::<Activation>().unwrap(), act, "{alias}");
                assert!(seen.insert(*alias), "{alias} twice");
            }
            assert!(seen.insert(act.name()), "{act} twice");
        }
        assert_eq!(
            "Leaky-ReLU".parse::<Activation>().unwrap(),
            Activation::LeakyRelu
        );
    }

    #[test]
    fn only_sigmoid_layers_start_with_the_smaller_weights() {
        for act in Activation::ALL {
            let want = if act == Activation::Sigmoid { 2.0 } else { 6.0 };
            assert_eq!(act.init_factor(), want, "{act}");
        }
    }
}
