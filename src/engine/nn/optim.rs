//! Optimizers: how the weights move given the gradient. SGD with momentum and Adam update
//! after every mini-batch; L-BFGS takes whole iterations on the full batch. Each keeps its
//! memory between steps in an `OptState`.

use super::backprop::{Blocks, for_each_block, zero, zero_blocks};
use super::network::Network;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::fmt;

/// How the weights are updated from the gradient.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Optimizer {
    /// Stochastic gradient descent with (heavy-ball) momentum.
    Sgd { lr: f32, momentum: f32 },
    /// Adam, with scikit-learn's bias-corrected step.
    Adam {
        lr: f32,
        beta1: f32,
        beta2: f32,
        epsilon: f32,
    },
    /// Limited-memory BFGS with a backtracking line search: one iteration per epoch, always
    /// on the full batch. The solver the scikit-learn examples use for tiny networks.
    Lbfgs { memory: usize },
}

/// The optimizers by name, as a scene, the command line and the panel choose one.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq, Hash, Serialize)]
pub enum OptimizerKind {
    /// Adam.
    #[default]
    Adam,
    /// SGD with momentum 0.9.
    Sgd,
    /// L-BFGS (full batch).
    Lbfgs,
}

impl OptimizerKind {
    /// Every optimizer, in the order they are listed.
    pub const ALL: [OptimizerKind; 3] = [
        OptimizerKind::Sgd,
        OptimizerKind::Adam,
        OptimizerKind::Lbfgs,
    ];

    /// Its name, as the command line takes it.
    pub fn name(self) -> &'static str {
        match self {
            OptimizerKind::Sgd => "sgd",
            OptimizerKind::Adam => "adam",
            OptimizerKind::Lbfgs => "lbfgs",
        }
    }

    /// The optimizer of this kind with learning rate `lr` (ignored by L-BFGS) and `momentum`
    /// (SGD's).
    pub fn with(self, lr: f32, momentum: f32) -> Optimizer {
        match self {
            OptimizerKind::Sgd => Optimizer::Sgd { lr, momentum },
            OptimizerKind::Adam => Optimizer::adam(lr),
            OptimizerKind::Lbfgs => Optimizer::lbfgs(),
        }
    }
}

impl Optimizer {
    /// Its kind.
    pub fn kind(&self) -> OptimizerKind {
        match self {
            Optimizer::Sgd { .. } => OptimizerKind::Sgd,
            Optimizer::Adam { .. } => OptimizerKind::Adam,
            Optimizer::Lbfgs { .. } => OptimizerKind::Lbfgs,
        }
    }

    /// SGD with momentum 0.9.
    pub fn sgd(lr: f32) -> Optimizer {
        Optimizer::Sgd { lr, momentum: 0.9 }
    }

    /// Adam with the usual betas.
    pub fn adam(lr: f32) -> Optimizer {
        Optimizer::Adam {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
        }
    }

    /// L-BFGS remembering 10 steps.
    pub fn lbfgs() -> Optimizer {
        Optimizer::Lbfgs { memory: 10 }
    }

    /// Its name, as [`Optimizer::parse`] reads it.
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// Builds an optimizer from its command-line name and a learning rate (ignored by L-BFGS).
    pub fn parse(name: &str, lr: f32) -> Result<Optimizer, String> {
        match name.trim().to_ascii_lowercase().as_str() {
            "sgd" => Ok(Optimizer::sgd(lr)),
            "adam" => Ok(Optimizer::adam(lr)),
            "lbfgs" | "l-bfgs" => Ok(Optimizer::lbfgs()),
            other => Err(format!(
                "unknown optimizer `{other}` (expected sgd, adam or lbfgs)"
            )),
        }
    }

    /// The learning rate, where the optimizer has one.
    pub fn learning_rate(&self) -> Option<f32> {
        match self {
            Optimizer::Sgd { lr, .. } | Optimizer::Adam { lr, .. } => Some(*lr),
            Optimizer::Lbfgs { .. } => None,
        }
    }
}

impl fmt::Display for Optimizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Optimizer::Sgd { lr, momentum } => write!(f, "sgd (lr {lr}, momentum {momentum})"),
            Optimizer::Adam { lr, .. } => write!(f, "adam (lr {lr})"),
            Optimizer::Lbfgs { memory } => write!(f, "lbfgs (memory {memory})"),
        }
    }
}

/// Optimizer memory between steps, with the optimizer's settings.
pub(super) enum OptState {
    Sgd {
        lr: f32,
        momentum: f32,
        velocity: Blocks,
    },
    Adam {
        lr: f32,
        beta1: f32,
        beta2: f32,
        epsilon: f32,
        m: Blocks,
        v: Blocks,
        t: i32,
    },
    Lbfgs(Box<LbfgsState>),
}

impl OptState {
    /// Fresh memory of `optimizer` for the parameters of `net`.
    pub(super) fn new(optimizer: Optimizer, net: &Network) -> OptState {
        match optimizer {
            Optimizer::Sgd { lr, momentum } => OptState::Sgd {
                lr,
                momentum,
                velocity: zero_blocks(net),
            },
            Optimizer::Adam {
                lr,
                beta1,
                beta2,
                epsilon,
            } => OptState::Adam {
                lr,
                beta1,
                beta2,
                epsilon,
                m: zero_blocks(net),
                v: zero_blocks(net),
                t: 0,
            },
            Optimizer::Lbfgs { memory } => OptState::Lbfgs(Box::new(LbfgsState::new(memory))),
        }
    }

    /// Forgets the memory (after a divergence), keeping the settings.
    pub(super) fn reset(&mut self) {
        match self {
            OptState::Sgd { velocity, .. } => zero(velocity),
            OptState::Adam { m, v, t, .. } => {
                zero(m);
                zero(v);
                *t = 0;
            }
            OptState::Lbfgs(state) => state.forget(None),
        }
    }

    /// One SGD or Adam update of `net` from a mini-batch's gradient `grads`.
    pub(super) fn update(&mut self, net: &mut Network, grads: &Blocks) {
        match self {
            OptState::Sgd {
                lr,
                momentum,
                velocity,
            } => {
                let (lr, momentum) = (*lr, *momentum);
                for_each_block(net, |b, w| {
                    for ((w, v), g) in w.iter_mut().zip(&mut velocity[b]).zip(&grads[b]) {
                        *v = momentum * *v - lr * g;
                        *w += *v;
                    }
                });
            }
            OptState::Adam {
                lr,
                beta1,
                beta2,
                epsilon,
                m,
                v,
                t,
            } => {
                let (lr, beta1, beta2, epsilon) = (*lr, *beta1, *beta2, *epsilon);
                *t += 1;
                let step = lr * (1.0 - beta2.powi(*t)).sqrt() / (1.0 - beta1.powi(*t));
                for_each_block(net, |b, w| {
                    for (((w, m), v), g) in
                        w.iter_mut().zip(&mut m[b]).zip(&mut v[b]).zip(&grads[b])
                    {
                        *m = beta1 * *m + (1.0 - beta1) * g;
                        *v = beta2 * *v + (1.0 - beta2) * g * g;
                        *w -= step * *m / (v.sqrt() + epsilon);
                    }
                });
            }
            // L-BFGS moves the weights in whole iterations of its own (`LbfgsState::step`),
            // and the trainer never hands it a mini-batch.
            OptState::Lbfgs(_) => unreachable!("L-BFGS does not step on mini-batches"),
        }
    }
}

/// L-BFGS's memory: the last `memory` steps and gradient changes, and the loss and gradient
/// at the current weights once known.
pub(super) struct LbfgsState {
    memory: usize,
    s: VecDeque<Vec<f32>>,
    y: VecDeque<Vec<f32>>,
    rho: VecDeque<f64>,
    /// Loss and flat gradient at the current weights, once known.
    current: Option<(f64, Vec<f32>)>,
}

impl LbfgsState {
    fn new(memory: usize) -> LbfgsState {
        LbfgsState {
            memory,
            s: VecDeque::new(),
            y: VecDeque::new(),
            rho: VecDeque::new(),
            current: None,
        }
    }

    /// Starts the memory afresh, knowing `current` (or nothing) about the current weights.
    fn forget(&mut self, current: Option<(f64, Vec<f32>)>) {
        *self = LbfgsState {
            current,
            ..LbfgsState::new(self.memory)
        };
    }

    /// One L-BFGS iteration on `net`: two-loop direction, Armijo backtracking. `eval` gives
    /// the loss and flat gradient at the network's current weights. Returns the loss at the
    /// weights the iteration started from.
    pub(super) fn step(
        &mut self,
        net: &mut Network,
        mut eval: impl FnMut(&Network) -> (f64, Vec<f32>),
    ) -> f64 {
        let memory = self.memory.max(1);
        let (f0, g0) = match self.current.take() {
            Some(c) => c,
            None => eval(net),
        };
        if !f0.is_finite() {
            return f0;
        }
        let mut d = self.direction(&g0);
        let mut slope: f64 = d.iter().zip(&g0).map(|(a, &b)| a * b as f64).sum();
        if slope >= 0.0 || !slope.is_finite() {
            // Not a descent direction: forget the curvature and go downhill.
            self.s.clear();
            self.y.clear();
            self.rho.clear();
            let g1: f64 = g0.iter().map(|v| v.abs() as f64).sum();
            let scale = (1.0 / g1.max(1e-12)).min(1.0);
            d = g0.iter().map(|&v| -(v as f64) * scale).collect();
            slope = d.iter().zip(&g0).map(|(a, &b)| a * b as f64).sum();
        }
        let x0 = flat_params(net);
        let mut t = 1.0f64;
        for _ in 0..30 {
            let trial: Vec<f32> = x0
                .iter()
                .zip(&d)
                .map(|(&x, &dv)| (x as f64 + t * dv) as f32)
                .collect();
            set_flat_params(net, &trial);
            let (f1, g1) = eval(net);
            if f1.is_finite() && f1 <= f0 + 1e-4 * t * slope {
                let s: Vec<f32> = trial.iter().zip(&x0).map(|(a, b)| a - b).collect();
                let y: Vec<f32> = g1.iter().zip(&g0).map(|(a, b)| a - b).collect();
                let sy = dot_f32(&s, &y);
                if sy > 1e-10 {
                    if self.s.len() == memory {
                        self.s.pop_front();
                        self.y.pop_front();
                        self.rho.pop_front();
                    }
                    self.s.push_back(s);
                    self.y.push_back(y);
                    self.rho.push_back(1.0 / sy);
                }
                self.current = Some((f1, g1));
                return f0;
            }
            t *= 0.5;
        }
        // No decrease along the direction: stay put and start the memory afresh.
        set_flat_params(net, &x0);
        self.forget(Some((f0, g0)));
        f0
    }

    /// The two-loop recursion: the search direction `d = −H·g` for the gradient `g0`.
    fn direction(&self, g0: &[f32]) -> Vec<f64> {
        let mut q: Vec<f64> = g0.iter().map(|&v| v as f64).collect();
        let mut alphas = Vec::with_capacity(self.s.len());
        for i in (0..self.s.len()).rev() {
            let alpha = self.rho[i] * dot(&self.s[i], &q);
            axpy(-alpha, &self.y[i], &mut q);
            alphas.push(alpha);
        }
        let gamma = match (self.s.back(), self.y.back()) {
            (Some(s), Some(y)) => {
                let yy: f64 = y.iter().map(|&v| (v as f64) * (v as f64)).sum();
                let sy: f64 = s.iter().zip(y).map(|(&a, &b)| a as f64 * b as f64).sum();
                sy / yy
            }
            _ => {
                let g1: f64 = g0.iter().map(|v| v.abs() as f64).sum();
                (1.0 / g1.max(1e-12)).min(1.0)
            }
        };
        q.iter_mut().for_each(|v| *v *= gamma);
        for (i, alpha) in (0..self.s.len()).zip(alphas.into_iter().rev()) {
            let beta = self.rho[i] * dot(&self.y[i], &q);
            axpy(alpha - beta, &self.s[i], &mut q);
        }
        q.iter().map(|v| -v).collect()
    }
}

/// Every weight and bias of `net`, in parameter order.
fn flat_params(net: &Network) -> Vec<f32> {
    net.layers()
        .iter()
        .flat_map(|l| l.weights.iter().chain(l.bias.iter()).copied())
        .collect()
}

/// Sets every weight and bias of `net` from `flat`, in parameter order.
fn set_flat_params(net: &mut Network, flat: &[f32]) {
    let mut offset = 0;
    for_each_block(net, |_, w| {
        w.copy_from_slice(&flat[offset..offset + w.len()]);
        offset += w.len();
    });
}

fn dot(a: &[f32], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(&x, y)| x as f64 * y).sum()
}

fn dot_f32(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(&x, &y)| x as f64 * y as f64).sum()
}

fn axpy(alpha: f64, x: &[f32], y: &mut [f64]) {
    for (yv, &xv) in y.iter_mut().zip(x) {
        *yv += alpha * xv as f64;
    }
}
