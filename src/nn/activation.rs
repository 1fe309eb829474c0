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

    /// Whether the activation acts on each neuron alone (all but softmax).
    pub fn is_elementwise(self) -> bool {
        self != Activation::Softmax
    }

    /// Whether gradient descent can train through it (all but step).
    pub fn is_trainable(self) -> bool {
        self != Activation::Step
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
            other => each_map(z, out, |v| other.apply(v)),
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
            other => each_backprop(z, a, da, dz, |z, a| other.derivative(z, a)),
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
        let found = match key.as_str() {
            "identity" | "linear" | "none" => Activation::Identity,
            "sigmoid" | "logistic" => Activation::Sigmoid,
            "tanh" => Activation::Tanh,
            "relu" => Activation::Relu,
            "leaky_relu" | "leakyrelu" | "lrelu" => Activation::LeakyRelu,
            "step" | "heaviside" => Activation::Step,
            "sine" | "sin" => Activation::Sine,
            "softplus" => Activation::Softplus,
            "softmax" => Activation::Softmax,
            _ => {
                let names: Vec<_> = Activation::ALL.iter().map(|a| a.name()).collect();
                return Err(format!(
                    "unknown activation `{s}` (expected one of: {})",
                    names.join(", ")
                ));
            }
        };
        Ok(found)
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
}
