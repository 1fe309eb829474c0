//! Losses and their gradients with respect to the output layer's pre-activation.

use super::activation::{Activation, softplus};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What training minimises (averaged over the samples of a batch).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Loss {
    /// `−y ln p − (1 − y) ln(1 − p)` for a sigmoid output (two classes).
    BinaryCrossEntropy,
    /// `−ln p_y` for a softmax output (k classes).
    CategoricalCrossEntropy,
    /// `½ Σ (a − y)²` against one-hot targets (or 0/1 for one output), any output activation.
    Mse,
}

impl Loss {
    /// The natural loss for an output activation: cross-entropy for sigmoid and softmax
    /// heads, squared error otherwise.
    pub fn for_head(head: Activation) -> Loss {
        match head {
            Activation::Sigmoid => Loss::BinaryCrossEntropy,
            Activation::Softmax => Loss::CategoricalCrossEntropy,
            Activation::Identity
            | Activation::Tanh
            | Activation::Relu
            | Activation::LeakyRelu
            | Activation::Step
            | Activation::Sine
            | Activation::Softplus => Loss::Mse,
        }
    }

    /// Whether this loss can train a network with that output activation.
    pub fn check_head(self, head: Activation) -> Result<(), String> {
        match (self, head) {
            (Loss::BinaryCrossEntropy, Activation::Sigmoid)
            | (Loss::CategoricalCrossEntropy, Activation::Softmax)
            | (Loss::Mse, _) => Ok(()),
            (Loss::BinaryCrossEntropy, h) => Err(format!(
                "binary cross-entropy needs a sigmoid output layer, this one is {h}"
            )),
            (Loss::CategoricalCrossEntropy, h) => Err(format!(
                "categorical cross-entropy needs a softmax output layer, this one is {h}"
            )),
        }
    }

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Loss::BinaryCrossEntropy => "bce",
            Loss::CategoricalCrossEntropy => "cce",
            Loss::Mse => "mse",
        }
    }

    /// Loss summed over a batch, and the gradient of `scale ×` that sum with respect to the
    /// output pre-activations `z`, written into `dz`. `z` and `a = σ(z)` are `k × n`;
    /// `labels` holds one class per column. `dz` may be `None` when only the value is needed.
    #[allow(
        clippy::too_many_arguments,
        clippy::needless_range_loop,
        reason = "the loss takes the batch apart as the kernels do; indices run over two slices at once"
    )]
    pub fn sum_and_grad(
        self,
        head: Activation,
        z: &[f32],
        a: &[f32],
        k: usize,
        labels: &[u32],
        scale: f32,
        mut dz: Option<&mut [f32]>,
    ) -> f64 {
        let mut total = 0.0f64;
        for (j, &label) in labels.iter().enumerate() {
            let zc = &z[j * k..(j + 1) * k];
            let ac = &a[j * k..(j + 1) * k];
            let target = |i: usize| -> f32 {
                if k == 1 {
                    label as f32
                } else {
                    f32::from(i == label as usize)
                }
            };
            match self {
                Loss::BinaryCrossEntropy => {
                    // From logits: ln(1 + e^z) − y z, stable for any z.
                    for i in 0..k {
                        total += (softplus(zc[i]) - target(i) * zc[i]) as f64;
                    }
                    if let Some(dz) = dz.as_deref_mut() {
                        for i in 0..k {
                            dz[j * k + i] = scale * (ac[i] - target(i));
                        }
                    }
                }
                Loss::CategoricalCrossEntropy => {
                    // −ln p_y from the softmax output itself (one log, no second pass of
                    // exponentials); p_y is clamped where it underflowed.
                    total -= ac[label as usize].max(f32::MIN_POSITIVE).ln() as f64;
                    if let Some(dz) = dz.as_deref_mut() {
                        for i in 0..k {
                            dz[j * k + i] = scale * (ac[i] - target(i));
                        }
                    }
                }
                Loss::Mse => {
                    for i in 0..k {
                        let d = (ac[i] - target(i)) as f64;
                        total += 0.5 * d * d;
                    }
                    if let Some(dz) = dz.as_deref_mut() {
                        let out = &mut dz[j * k..(j + 1) * k];
                        if head == Activation::Softmax {
                            // Softmax Jacobian-vector product: a_i (g_i − Σ_m g_m a_m).
                            let dot: f32 = (0..k).map(|m| (ac[m] - target(m)) * ac[m]).sum();
                            for i in 0..k {
                                out[i] = scale * ac[i] * ((ac[i] - target(i)) - dot);
                            }
                        } else {
                            for i in 0..k {
                                out[i] =
                                    scale * (ac[i] - target(i)) * head.derivative(zc[i], ac[i]);
                            }
                        }
                    }
                }
            }
        }
        total
    }
}

impl fmt::Display for Loss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Loss {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "bce" | "binary_cross_entropy" | "binary-cross-entropy" | "log_loss" => {
                Ok(Loss::BinaryCrossEntropy)
            }
            "cce" | "cross_entropy" | "cross-entropy" | "categorical_cross_entropy" => {
                Ok(Loss::CategoricalCrossEntropy)
            }
            "mse" | "squared" | "squared_error" => Ok(Loss::Mse),
            _ => Err(format!("unknown loss `{s}` (expected bce, cce or mse)")),
        }
    }
}
