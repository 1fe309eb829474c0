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
    /// loop, so each arm compiles to its own tight (vectorisable) loop.
    pub fn map(self, z: &[f32], out: &mut [f32]) {
        #[inline(always)]
        fn each(z: &[f32], out: &mut [f32], f: impl Fn(f32) -> f32) {
            for (o, &v) in out.iter_mut().zip(z) {
                *o = f(v);
            }
        }
        match self {
            Activation::Identity | Activation::Softmax => out.copy_from_slice(z),
            Activation::Relu => each(z, out, |v| v.max(0.0)),
            Activation::LeakyRelu => each(z, out, |v| if v > 0.0 { v } else { LEAKY_SLOPE * v }),
            other => each(z, out, |v| other.apply(v)),
        }
    }

    /// `dz[i] = da[i] · σ'(z[i])` (backpropagation through an element-wise activation), with
    /// the match outside the loop.
    pub fn backprop(self, z: &[f32], a: &[f32], da: &[f32], dz: &mut [f32]) {
        #[inline(always)]
        fn each(z: &[f32], a: &[f32], da: &[f32], dz: &mut [f32], f: impl Fn(f32, f32) -> f32) {
            for (((d, &g), &zv), &av) in dz.iter_mut().zip(da).zip(z).zip(a) {
                *d = g * f(zv, av);
            }
        }
        match self {
            Activation::Identity | Activation::Softmax => dz.copy_from_slice(da),
            Activation::Relu => each(z, a, da, dz, |z, _| if z > 0.0 { 1.0 } else { 0.0 }),
            Activation::Sigmoid => each(z, a, da, dz, |_, a| a * (1.0 - a)),
            Activation::Tanh => each(z, a, da, dz, |_, a| 1.0 - a * a),
            other => each(z, a, da, dz, |z, a| other.derivative(z, a)),
        }
    }

    /// Applies the activation to one sample's pre-activations `z` (one layer), in place.
    pub fn apply_column(self, z: &mut [f32]) {
        if self == Activation::Softmax {
            let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let mut sum = 0.0;
            for v in z.iter_mut() {
                *v = (*v - max).exp();
                sum += *v;
            }
            for v in z.iter_mut() {
                *v /= sum;
            }
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
    fn step_takes_exactly_two_values() {
        let values: Vec<f32> = (-50..=50)
            .map(|i| Activation::Step.apply(i as f32 * 0.1))
            .collect();
        assert!(values.iter().all(|&v| v == 0.0 || v == 1.0));
        assert!(values.contains(&0.0) && values.contains(&1.0));
    }
}
