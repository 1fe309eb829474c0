//! Training: backpropagation, SGD with momentum, Adam and L-BFGS, weight snapshots, and a
//! stop with a clear error when the loss diverges.

use super::activation::Activation;
use super::data::Dataset;
use super::loss::Loss;
use super::network::{Layer, Network, decide};
use super::rows;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::fmt;
use thiserror::Error;

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

impl Optimizer {
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

/// Everything about a training run except the network and the data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// The update rule.
    pub optimizer: Optimizer,
    /// The loss; `None` picks the natural one for the output layer ([`Loss::for_head`]).
    pub loss: Option<Loss>,
    /// Samples per step; 0 (or at least the data size) means full batch.
    pub batch_size: usize,
    /// L2 penalty `½ · l2 · Σ W² / batch size` on the weights (not the biases), as
    /// scikit-learn's `alpha`.
    pub l2: f32,
    /// Seed of the mini-batch shuffling.
    pub seed: u64,
    /// Keep a copy of the weights every this many epochs (0: never).
    pub snapshot_every: usize,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            optimizer: Optimizer::adam(0.01),
            loss: None,
            batch_size: 0,
            l2: 0.0,
            seed: 0,
            snapshot_every: 0,
        }
    }
}

/// Why training cannot start or had to stop.
#[derive(Debug, Error, PartialEq)]
pub enum TrainError {
    /// A layer whose activation has no useful gradient.
    #[error(
        "layer {layer} uses the {activation} activation, which has no gradient to train with; \
         step networks can be hand-set (weights in a network file) but not trained"
    )]
    NotTrainable {
        layer: usize,
        activation: Activation,
    },
    /// The loss does not fit the output layer.
    #[error("{0}")]
    LossHead(String),
    /// The data does not fit the network.
    #[error("{0}")]
    Data(String),
    /// The loss became NaN or infinite; the weights are those of the last finite epoch.
    #[error(
        "training diverged at epoch {epoch}: the loss is {loss}. The weights were reset to \
         epoch {last_good}; try a smaller learning rate"
    )]
    Diverged {
        epoch: usize,
        loss: f64,
        last_good: usize,
    },
}

/// What one epoch did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EpochStats {
    /// Epochs completed so far (1 after the first).
    pub epoch: usize,
    /// Mean training loss over the epoch (with the L2 penalty), before its last update.
    pub loss: f64,
}

/// The weights at one moment of training, for replay.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Epochs completed when it was taken (0: the initial weights).
    pub epoch: usize,
    /// The network then.
    pub network: Network,
}

/// Loss and accuracy of a network on a data set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Evaluation {
    /// Mean loss (no penalty).
    pub loss: f64,
    /// Fraction of samples classified correctly.
    pub accuracy: f64,
}

/// Loss and accuracy of `net` on `data`, with the loss `loss` (or the head's natural one).
pub fn evaluate(net: &Network, data: &Dataset, loss: Option<Loss>) -> Result<Evaluation, String> {
    let loss = loss.unwrap_or_else(|| Loss::for_head(net.head()));
    if data.is_empty() {
        return Ok(Evaluation {
            loss: 0.0,
            accuracy: 0.0,
        });
    }
    let last = net.layers().len() - 1;
    let stages = net.forward_stages(&data.x).map_err(|e| e.to_string())?;
    let s = &stages[last];
    let sum = loss.sum_and_grad(
        net.head(),
        s.biased.as_slice(),
        s.activated.as_slice(),
        net.output_dim(),
        &data.y,
        1.0,
        None,
    );
    let correct = decide(&s.activated)
        .iter()
        .zip(&data.y)
        .filter(|(p, y)| p == y)
        .count();
    Ok(Evaluation {
        loss: sum / data.len() as f64,
        accuracy: correct as f64 / data.len() as f64,
    })
}

/// Buffers of one forward-backward pass, kept between epochs so that a step allocates nothing.
#[derive(Default)]
struct Workspace {
    z: Vec<Vec<f32>>,
    a: Vec<Vec<f32>>,
    dz: Vec<Vec<f32>>,
    da: Vec<f32>,
    batch_x: Vec<f32>,
    batch_y: Vec<u32>,
    /// Each layer's weights, transposed.
    wt: Vec<Vec<f32>>,
    /// The block's inputs, sample-major.
    xt: Vec<f32>,
    /// The output layer's pre-activations, activations and gradient, class-major.
    zc: Vec<f32>,
    ac: Vec<f32>,
    dzc: Vec<f32>,
    /// The second thread's buffers and gradient.
    other: Option<Box<Half>>,
}

/// Buffers of the second half of a batch.
#[derive(Default)]
struct Half {
    ws: Workspace,
    grads: Option<Blocks>,
}

/// Gradient blocks in parameter order: `W₁, b₁, W₂, b₂, …`.
type Blocks = Vec<Vec<f32>>;

fn zero_blocks(net: &Network) -> Blocks {
    net.layers()
        .iter()
        .flat_map(|l| [vec![0.0; l.weights.len()], vec![0.0; l.bias.len()]])
        .collect()
}

fn for_each_block(net: &mut Network, mut f: impl FnMut(usize, &mut [f32])) {
    for (l, layer) in net.layers_mut().iter_mut().enumerate() {
        f(2 * l, layer.weights.as_mut_slice());
        f(2 * l + 1, layer.bias.as_mut_slice());
    }
}

/// Samples pushed through the network together: small enough that a block's activations
/// stay in cache between the forward and the backward pass, large enough for the kernels.
const BLOCK: usize = 256;

/// Mean loss (with penalty) of `net` on the batch `x` (`d × n`, labels `y`), and its gradient
/// written into `grads`. The batch goes through in blocks of [`BLOCK`] samples whose
/// gradients add up, which is the same sum as one pass but keeps the data in cache. A batch
/// of two blocks or more is cut into two halves that run on two threads; the halves depend
/// only on `n`, so the result is the same bits on any machine.
fn loss_and_grad(
    net: &Network,
    x: &[f32],
    y: &[u32],
    loss: Loss,
    l2: f32,
    ws: &mut Workspace,
    grads: &mut Blocks,
) -> f64 {
    let n = y.len();
    let d = net.input_dim();
    let scale = 1.0 / n as f32;
    zero(grads);
    // Each weight matrix transposed once per call, not once per block: the skinny kernels
    // read whichever layout streams.
    let mut wt = std::mem::take(&mut ws.wt);
    wt.resize_with(net.layers().len(), Vec::new);
    for (t, layer) in wt.iter_mut().zip(net.layers()) {
        t.clear();
        t.extend(layer.weights.transpose().iter());
    }
    let wt_ref = &wt;
    let blocks = n.div_ceil(BLOCK);
    let mut total = if blocks >= 2 {
        let cut = blocks.div_ceil(2) * BLOCK;
        let mut other = ws.other.take().unwrap_or_default();
        let other_grads = other.grads.get_or_insert_with(|| zero_blocks(net));
        if other_grads.len() != grads.len()
            || other_grads
                .iter()
                .zip(grads.iter())
                .any(|(a, b)| a.len() != b.len())
        {
            *other_grads = zero_blocks(net);
        }
        zero(other_grads);
        let other_ws = &mut other.ws;
        let (first, second) = rayon::join(
            || {
                blocks_loss_and_grad(
                    net,
                    wt_ref,
                    &x[..cut * d],
                    &y[..cut],
                    loss,
                    scale,
                    ws,
                    grads,
                )
            },
            || {
                blocks_loss_and_grad(
                    net,
                    wt_ref,
                    &x[cut * d..],
                    &y[cut..],
                    loss,
                    scale,
                    other_ws,
                    other_grads,
                )
            },
        );
        for (g, h) in grads.iter_mut().zip(other_grads.iter()) {
            for (a, b) in g.iter_mut().zip(h) {
                *a += b;
            }
        }
        ws.other = Some(other);
        first + second
    } else {
        blocks_loss_and_grad(net, wt_ref, x, y, loss, scale, ws, grads)
    };
    ws.wt = wt;
    total /= n as f64;
    if l2 != 0.0 {
        let c = l2 / n as f32;
        for (l, layer) in net.layers().iter().enumerate() {
            for (g, w) in grads[2 * l].iter_mut().zip(layer.weights.as_slice()) {
                *g += c * w;
            }
            total += 0.5 * c as f64 * layer.weights.iter().map(|w| (w * w) as f64).sum::<f64>();
        }
    }
    total
}

/// Runs the blocks of `x` one after another, adding their gradients into `grads`.
#[allow(clippy::too_many_arguments)]
fn blocks_loss_and_grad(
    net: &Network,
    wt: &[Vec<f32>],
    x: &[f32],
    y: &[u32],
    loss: Loss,
    scale: f32,
    ws: &mut Workspace,
    grads: &mut Blocks,
) -> f64 {
    let d = net.input_dim();
    let mut total = 0.0;
    for start in (0..y.len()).step_by(BLOCK) {
        let end = (start + BLOCK).min(y.len());
        total += block_loss_and_grad(
            net,
            wt,
            &x[start * d..end * d],
            &y[start..end],
            loss,
            scale,
            ws,
            grads,
        );
    }
    total
}

/// Forward and backward pass of one block: returns its summed loss and adds `scale ×` its
/// gradient to `grads`. Inside the block every layer's values are sample-major (`n × width`,
/// see [`rows`]), so each product streams along the samples.
#[allow(clippy::too_many_arguments)]
fn block_loss_and_grad(
    net: &Network,
    wt: &[Vec<f32>],
    x: &[f32],
    y: &[u32],
    loss: Loss,
    scale: f32,
    ws: &mut Workspace,
    grads: &mut Blocks,
) -> f64 {
    let n = y.len();
    let layers = net.layers();
    let depth = layers.len();
    let d = net.input_dim();
    rows::transpose_into(x, d, n, &mut ws.xt);
    ws.z.resize_with(depth, Vec::new);
    ws.a.resize_with(depth, Vec::new);
    ws.dz.resize_with(depth, Vec::new);
    for (l, layer) in layers.iter().enumerate() {
        let (outs, ins) = (layer.outputs(), layer.inputs());
        let size = outs * n;
        ws.z[l].resize(size, 0.0);
        ws.a[l].resize(size, 0.0);
        ws.dz[l].resize(size, 0.0);
        let input: &[f32] = if l == 0 { &ws.xt } else { &ws.a[l - 1] };
        // Zᵀ = Aᵀ · Wᵀ + b.
        rows::mm(
            n,
            ins,
            outs,
            input,
            &wt[l],
            layer.bias.as_slice(),
            &mut ws.z[l],
        );
        if layer.activation.is_elementwise() {
            layer.activation.map(&ws.z[l], &mut ws.a[l]);
        }
    }

    let last = depth - 1;
    let k = layers[last].outputs();
    let total = if layers[last].activation == Activation::Softmax
        && loss == Loss::CategoricalCrossEntropy
    {
        // The common case, vectorised along the samples.
        let (a, dz) = (&mut ws.a[last], &mut ws.dz[last]);
        softmax_cross_entropy_rows(n, k, &ws.z[last], y, scale, a, dz, &mut ws.zc)
    } else {
        // Any other output layer and loss: per sample, in the class-major layout.
        rows::transpose_into(&ws.z[last], n, k, &mut ws.zc);
        ws.ac.resize(k * n, 0.0);
        layers[last].activate_into(&ws.zc, &mut ws.ac);
        ws.dzc.resize(k * n, 0.0);
        let total = loss.sum_and_grad(
            layers[last].activation,
            &ws.zc,
            &ws.ac,
            k,
            y,
            scale,
            Some(&mut ws.dzc),
        );
        let mut dz_last = std::mem::take(&mut ws.dz[last]);
        rows::transpose_into(&ws.dzc, k, n, &mut dz_last);
        ws.dz[last] = dz_last;
        total
    };

    for l in (0..depth).rev() {
        let layer: &Layer = &layers[l];
        let (outs, ins) = (layer.outputs(), layer.inputs());
        let input: &[f32] = if l == 0 { &ws.xt } else { &ws.a[l - 1] };
        // dW += dZᵀ · A (dot products along the samples), db += column sums of dZ.
        rows::mtm_acc(n, outs, ins, &ws.dz[l], input, &mut grads[2 * l]);
        rows::add_col_sums(n, &ws.dz[l], &mut grads[2 * l + 1]);
        if l > 0 {
            // dA = dZ · W, then through the previous layer's activation.
            ws.da.resize(ins * n, 0.0);
            rows::mm(
                n,
                outs,
                ins,
                &ws.dz[l],
                layer.weights.as_slice(),
                &[],
                &mut ws.da,
            );
            layers[l - 1].activation.backprop(
                &ws.z[l - 1],
                &ws.a[l - 1],
                &ws.da,
                &mut ws.dz[l - 1],
            );
        }
    }
    total
}

/// Softmax and categorical cross-entropy on a sample-major block (`z` is `n × k`): writes
/// the probabilities into `a` and `scale · (a − onehot)` into `dz`, returns the summed loss.
/// Every step runs down whole columns, so it vectorises along the samples; `scratch` holds
/// one value per sample.
#[allow(clippy::too_many_arguments)]
fn softmax_cross_entropy_rows(
    n: usize,
    k: usize,
    z: &[f32],
    y: &[u32],
    scale: f32,
    a: &mut [f32],
    dz: &mut [f32],
    scratch: &mut Vec<f32>,
) -> f64 {
    let col = |j: usize| j * n..(j + 1) * n;
    // The largest logit of each sample, then e^(z − max).
    scratch.clear();
    scratch.extend_from_slice(&z[col(0)]);
    for j in 1..k {
        for (m, v) in scratch.iter_mut().zip(&z[col(j)]) {
            *m = m.max(*v);
        }
    }
    for j in 0..k {
        for ((o, v), m) in a[col(j)].iter_mut().zip(&z[col(j)]).zip(scratch.iter()) {
            *o = v - m;
        }
    }
    crate::nn::activation::exp_in_place(a);
    // Normalise by each sample's sum.
    scratch.copy_from_slice(&a[col(0)]);
    for j in 1..k {
        for (s, v) in scratch.iter_mut().zip(&a[col(j)]) {
            *s += v;
        }
    }
    for s in scratch.iter_mut() {
        *s = 1.0 / *s;
    }
    for j in 0..k {
        let (aj, dj) = (&mut a[col(j)], &mut dz[col(j)]);
        for ((av, dv), inv) in aj.iter_mut().zip(dj.iter_mut()).zip(scratch.iter()) {
            *av *= inv;
            *dv = scale * *av;
        }
    }
    let mut total = 0.0f64;
    for (s, &label) in y.iter().enumerate() {
        let at = label as usize * n + s;
        total -= a[at].max(f32::MIN_POSITIVE).ln() as f64;
        dz[at] -= scale;
    }
    total
}

/// Optimizer memory between steps.
enum OptState {
    Sgd { velocity: Blocks },
    Adam { m: Blocks, v: Blocks, t: i32 },
    Lbfgs(Box<LbfgsState>),
}

#[derive(Default)]
struct LbfgsState {
    s: VecDeque<Vec<f32>>,
    y: VecDeque<Vec<f32>>,
    rho: VecDeque<f64>,
    /// Loss and flat gradient at the current weights, once known.
    current: Option<(f64, Vec<f32>)>,
}

/// Trains one network, an epoch at a time.
pub struct Trainer {
    net: Network,
    config: TrainConfig,
    loss: Loss,
    state: OptState,
    rng: ChaCha8Rng,
    epoch: usize,
    ws: Workspace,
    grads: Blocks,
    order: Vec<usize>,
    /// The latest weights known to give a finite loss, and the epoch they are from.
    last_good: (usize, Network),
    spare: Network,
    snapshots: Vec<Snapshot>,
}

impl Trainer {
    /// Prepares to train `net`; refuses step activations and a loss that does not fit the head.
    pub fn new(net: Network, config: TrainConfig) -> Result<Trainer, TrainError> {
        if let Some((l, layer)) = net
            .layers()
            .iter()
            .enumerate()
            .find(|(_, layer)| !layer.activation.is_trainable())
        {
            return Err(TrainError::NotTrainable {
                layer: l + 1,
                activation: layer.activation,
            });
        }
        let loss = config.loss.unwrap_or_else(|| Loss::for_head(net.head()));
        loss.check_head(net.head()).map_err(TrainError::LossHead)?;
        let grads = zero_blocks(&net);
        let state = match config.optimizer {
            Optimizer::Sgd { .. } => OptState::Sgd {
                velocity: zero_blocks(&net),
            },
            Optimizer::Adam { .. } => OptState::Adam {
                m: zero_blocks(&net),
                v: zero_blocks(&net),
                t: 0,
            },
            Optimizer::Lbfgs { .. } => OptState::Lbfgs(Box::default()),
        };
        let snapshots = if config.snapshot_every > 0 {
            vec![Snapshot {
                epoch: 0,
                network: net.clone(),
            }]
        } else {
            vec![]
        };
        Ok(Trainer {
            last_good: (0, net.clone()),
            spare: net.clone(),
            rng: ChaCha8Rng::seed_from_u64(config.seed),
            net,
            loss,
            config,
            state,
            epoch: 0,
            ws: Workspace::default(),
            grads,
            order: vec![],
            snapshots,
        })
    }

    /// The network as trained so far.
    pub fn network(&self) -> &Network {
        &self.net
    }

    /// Takes the network out of the trainer.
    pub fn into_network(self) -> Network {
        self.net
    }

    /// Epochs completed.
    pub fn epoch(&self) -> usize {
        self.epoch
    }

    /// The loss being minimised.
    pub fn loss(&self) -> Loss {
        self.loss
    }

    /// The settings.
    pub fn config(&self) -> &TrainConfig {
        &self.config
    }

    /// The weight snapshots taken so far (epoch 0 first), if `snapshot_every > 0`.
    pub fn snapshots(&self) -> &[Snapshot] {
        &self.snapshots
    }

    fn check_data(&self, data: &Dataset) -> Result<(), TrainError> {
        if data.is_empty() {
            return Err(TrainError::Data("there is no training data".into()));
        }
        if data.dim() != self.net.input_dim() {
            return Err(TrainError::Data(format!(
                "the network takes {} inputs, the data has {} features",
                self.net.input_dim(),
                data.dim()
            )));
        }
        if data.classes > self.net.classes() {
            return Err(TrainError::Data(format!(
                "the data has {} classes but the network's output layer encodes {} \
                 (give it {} outputs)",
                data.classes,
                self.net.classes(),
                data.classes
            )));
        }
        Ok(())
    }

    /// Runs one epoch over `data` (one pass of mini-batches, or one L-BFGS iteration).
    pub fn step_epoch(&mut self, data: &Dataset) -> Result<EpochStats, TrainError> {
        self.check_data(data)?;
        let n = data.len();
        let bs = if self.config.batch_size == 0 {
            n
        } else {
            self.config.batch_size.min(n)
        };
        self.spare.clone_from(&self.net);
        let loss = if let OptState::Lbfgs(_) = self.state {
            self.lbfgs_step(data)
        } else if bs == n {
            self.gradient_step(data.x.as_slice(), &data.y)
        } else {
            self.order.clear();
            self.order.extend(0..n);
            self.order.shuffle(&mut self.rng);
            let d = data.dim();
            let mut weighted = 0.0;
            let order = std::mem::take(&mut self.order);
            let mut bx = std::mem::take(&mut self.ws.batch_x);
            let mut by = std::mem::take(&mut self.ws.batch_y);
            for chunk in order.chunks(bs) {
                bx.clear();
                by.clear();
                for &i in chunk {
                    bx.extend_from_slice(&data.x.as_slice()[i * d..(i + 1) * d]);
                    by.push(data.y[i]);
                }
                weighted += self.gradient_step(&bx, &by) * chunk.len() as f64;
            }
            self.order = order;
            self.ws.batch_x = bx;
            self.ws.batch_y = by;
            weighted / n as f64
        };
        self.epoch += 1;
        if !loss.is_finite() || !self.net_is_finite() {
            // Back to the last weights whose loss was finite.
            self.net.clone_from(&self.last_good.1);
            self.reset_memory();
            return Err(TrainError::Diverged {
                epoch: self.epoch,
                loss,
                last_good: self.last_good.0,
            });
        }
        // The epoch's loss was measured at the weights it started from: those are good.
        std::mem::swap(&mut self.last_good.1, &mut self.spare);
        self.last_good.0 = self.epoch - 1;
        if self.config.snapshot_every > 0 && self.epoch.is_multiple_of(self.config.snapshot_every) {
            self.snapshots.push(Snapshot {
                epoch: self.epoch,
                network: self.net.clone(),
            });
        }
        Ok(EpochStats {
            epoch: self.epoch,
            loss,
        })
    }

    /// Runs `epochs` epochs, calling `progress` after each; stops at the first error.
    pub fn run(
        &mut self,
        data: &Dataset,
        epochs: usize,
        mut progress: impl FnMut(&EpochStats) + Send,
    ) -> Result<Option<EpochStats>, TrainError> {
        let mut epochs_loop = || {
            let mut last = None;
            for _ in 0..epochs {
                let stats = self.step_epoch(data)?;
                progress(&stats);
                last = Some(stats);
            }
            Ok(last)
        };
        // Run the loop on a worker of a two-thread pool: each epoch's split into halves then
        // starts from a pool thread, which hands the other half to a worker that is usually
        // still awake, instead of waking a worker and putting the caller to sleep every epoch.
        match rayon::ThreadPoolBuilder::new().num_threads(2).build() {
            Ok(pool) => pool.install(epochs_loop),
            Err(_) => epochs_loop(),
        }
    }

    fn net_is_finite(&self) -> bool {
        self.net
            .layers()
            .iter()
            .all(|l| l.weights.iter().chain(l.bias.iter()).all(|v| v.is_finite()))
    }

    fn reset_memory(&mut self) {
        match &mut self.state {
            OptState::Sgd { velocity } => zero(velocity),
            OptState::Adam { m, v, t } => {
                zero(m);
                zero(v);
                *t = 0;
            }
            OptState::Lbfgs(state) => **state = LbfgsState::default(),
        }
    }

    /// One gradient step of SGD or Adam on a batch; returns the batch's mean loss.
    fn gradient_step(&mut self, x: &[f32], y: &[u32]) -> f64 {
        let loss = loss_and_grad(
            &self.net,
            x,
            y,
            self.loss,
            self.config.l2,
            &mut self.ws,
            &mut self.grads,
        );
        let grads = &self.grads;
        match (&mut self.state, self.config.optimizer) {
            (OptState::Sgd { velocity }, Optimizer::Sgd { lr, momentum }) => {
                for_each_block(&mut self.net, |b, w| {
                    for ((w, v), g) in w.iter_mut().zip(&mut velocity[b]).zip(&grads[b]) {
                        *v = momentum * *v - lr * g;
                        *w += *v;
                    }
                });
            }
            (
                OptState::Adam { m, v, t },
                Optimizer::Adam {
                    lr,
                    beta1,
                    beta2,
                    epsilon,
                },
            ) => {
                *t += 1;
                let step = lr * (1.0 - beta2.powi(*t)).sqrt() / (1.0 - beta1.powi(*t));
                for_each_block(&mut self.net, |b, w| {
                    for (((w, m), v), g) in
                        w.iter_mut().zip(&mut m[b]).zip(&mut v[b]).zip(&grads[b])
                    {
                        *m = beta1 * *m + (1.0 - beta1) * g;
                        *v = beta2 * *v + (1.0 - beta2) * g * g;
                        *w -= step * *m / (v.sqrt() + epsilon);
                    }
                });
            }
            _ => unreachable!("the optimizer state is built from the optimizer"),
        }
        loss
    }

    fn flat_params(&self) -> Vec<f32> {
        self.net
            .layers()
            .iter()
            .flat_map(|l| l.weights.iter().chain(l.bias.iter()).copied())
            .collect()
    }

    fn set_flat_params(&mut self, flat: &[f32]) {
        let mut offset = 0;
        for_each_block(&mut self.net, |_, w| {
            w.copy_from_slice(&flat[offset..offset + w.len()]);
            offset += w.len();
        });
    }

    /// Loss and flat gradient of the full batch at the current weights.
    fn full_loss_and_grad(&mut self, data: &Dataset) -> (f64, Vec<f32>) {
        let loss = loss_and_grad(
            &self.net,
            data.x.as_slice(),
            &data.y,
            self.loss,
            self.config.l2,
            &mut self.ws,
            &mut self.grads,
        );
        (loss, self.grads.concat())
    }

    /// One L-BFGS iteration: two-loop direction, Armijo backtracking. Returns the loss at the
    /// weights the iteration started from.
    fn lbfgs_step(&mut self, data: &Dataset) -> f64 {
        let memory = match self.config.optimizer {
            Optimizer::Lbfgs { memory } => memory.max(1),
            _ => unreachable!(),
        };
        let current = match &mut self.state {
            OptState::Lbfgs(s) => s.current.take(),
            _ => unreachable!(),
        };
        let (f0, g0) = match current {
            Some(c) => c,
            None => self.full_loss_and_grad(data),
        };
        if !f0.is_finite() {
            return f0;
        }
        let OptState::Lbfgs(state) = &mut self.state else {
            unreachable!()
        };
        // Two-loop recursion: d = −H·g.
        let mut q: Vec<f64> = g0.iter().map(|&v| v as f64).collect();
        let mut alphas = Vec::with_capacity(state.s.len());
        for i in (0..state.s.len()).rev() {
            let alpha = state.rho[i] * dot(&state.s[i], &q);
            axpy(-alpha, &state.y[i], &mut q);
            alphas.push(alpha);
        }
        let gamma = match (state.s.back(), state.y.back()) {
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
        for (i, alpha) in (0..state.s.len()).zip(alphas.into_iter().rev()) {
            let beta = state.rho[i] * dot(&state.y[i], &q);
            axpy(alpha - beta, &state.s[i], &mut q);
        }
        let mut d: Vec<f64> = q.iter().map(|v| -v).collect();
        let mut slope: f64 = d.iter().zip(&g0).map(|(a, &b)| a * b as f64).sum();
        if slope >= 0.0 || !slope.is_finite() {
            // Not a descent direction: forget the curvature and go downhill.
            state.s.clear();
            state.y.clear();
            state.rho.clear();
            let g1: f64 = g0.iter().map(|v| v.abs() as f64).sum();
            let scale = (1.0 / g1.max(1e-12)).min(1.0);
            d = g0.iter().map(|&v| -(v as f64) * scale).collect();
            slope = d.iter().zip(&g0).map(|(a, &b)| a * b as f64).sum();
        }
        let x0 = self.flat_params();
        let mut t = 1.0f64;
        for _ in 0..30 {
            let trial: Vec<f32> = x0
                .iter()
                .zip(&d)
                .map(|(&x, &dv)| (x as f64 + t * dv) as f32)
                .collect();
            self.set_flat_params(&trial);
            let (f1, g1) = self.full_loss_and_grad(data);
            if f1.is_finite() && f1 <= f0 + 1e-4 * t * slope {
                let OptState::Lbfgs(state) = &mut self.state else {
                    unreachable!()
                };
                let s: Vec<f32> = trial.iter().zip(&x0).map(|(a, b)| a - b).collect();
                let y: Vec<f32> = g1.iter().zip(&g0).map(|(a, b)| a - b).collect();
                let sy = dot_f32(&s, &y);
                if sy > 1e-10 {
                    if state.s.len() == memory {
                        state.s.pop_front();
                        state.y.pop_front();
                        state.rho.pop_front();
                    }
                    state.s.push_back(s);
                    state.y.push_back(y);
                    state.rho.push_back(1.0 / sy);
                }
                state.current = Some((f1, g1));
                return f0;
            }
            t *= 0.5;
        }
        // No decrease along the direction: stay put and start the memory afresh.
        self.set_flat_params(&x0);
        if let OptState::Lbfgs(state) = &mut self.state {
            **state = LbfgsState {
                current: Some((f0, g0)),
                ..LbfgsState::default()
            };
        }
        f0
    }
}

fn zero(blocks: &mut Blocks) {
    blocks
        .iter_mut()
        .for_each(|b| b.iter_mut().for_each(|v| *v = 0.0));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::data::DatasetSpec;

    /// Loss of `net` on a batch, in f64, for finite differences.
    fn loss_of(net: &Network, x: &[f32], y: &[u32], loss: Loss, l2: f32) -> f64 {
        let mut ws = Workspace::default();
        let mut grads = zero_blocks(net);
        loss_and_grad(net, x, y, loss, l2, &mut ws, &mut grads)
    }

    #[allow(clippy::needless_range_loop)]
    fn check_gradient(hidden: Activation, head: Activation, loss: Loss, outputs: usize) {
        let n = 6;
        let x: Vec<f32> = (0..3 * n)
            .map(|i| ((i * 7 % 11) as f32 - 5.0) * 0.31)
            .collect();
        let classes = outputs.max(2) as u32;
        let y: Vec<u32> = (0..n as u32).map(|i| i % classes).collect();
        let l2 = 0.3;
        let mut ws = Workspace::default();
        // A network whose hidden pre-activations all stay clear of relu's kink, so that the
        // finite differences never straddle it.
        let net = (11..)
            .map(|seed| Network::new(&[3, 4, 3, outputs], &[hidden], head, seed).unwrap())
            .find(|net| {
                let mut grads = zero_blocks(net);
                loss_and_grad(net, &x, &y, loss, l2, &mut ws, &mut grads);
                ws.z[..2].iter().flatten().all(|z| z.abs() > 0.02)
            })
            .unwrap();
        let mut grads = zero_blocks(&net);
        loss_and_grad(&net, &x, &y, loss, l2, &mut ws, &mut grads);
        let mut probe = net.clone();
        let h = 1e-3f32;
        let mut checked = 0;
        for b in 0..grads.len() {
            for i in 0..grads[b].len() {
                let get = |p: &mut Network, delta: f32| {
                    for_each_block(p, |bb, w| {
                        if bb == b {
                            w[i] += delta;
                        }
                    })
                };
                get(&mut probe, h);
                let up = loss_of(&probe, &x, &y, loss, l2);
                get(&mut probe, -2.0 * h);
                let down = loss_of(&probe, &x, &y, loss, l2);
                get(&mut probe, h);
                let numeric = (up - down) / (2.0 * h as f64);
                let analytic = grads[b][i] as f64;
                let tol = 2e-3 + 2e-2 * analytic.abs().max(numeric.abs());
                assert!(
                    (numeric - analytic).abs() < tol,
                    "{hidden}/{head}/{loss}: block {b} entry {i}: analytic {analytic}, numeric {numeric}"
                );
                checked += 1;
            }
        }
        assert_eq!(checked, net.parameter_count());
    }

    #[test]
    fn gradients_match_finite_differences_for_every_activation_and_head() {
        let trainable = Activation::ALL
            .into_iter()
            .filter(|a| a.is_elementwise() && a.is_trainable());
        for hidden in trainable {
            check_gradient(hidden, Activation::Sigmoid, Loss::BinaryCrossEntropy, 1);
            check_gradient(
                hidden,
                Activation::Softmax,
                Loss::CategoricalCrossEntropy,
                3,
            );
        }
        // Squared error through every kind of output layer.
        for head in [
            Activation::Identity,
            Activation::Sigmoid,
            Activation::Softmax,
            Activation::Tanh,
            Activation::Softplus,
        ] {
            check_gradient(Activation::Tanh, head, Loss::Mse, 3);
        }
    }

    fn accuracy(net: &Network, data: &Dataset) -> f64 {
        evaluate(net, data, None).unwrap().accuracy
    }

    #[test]
    fn xor_is_solved_by_a_2_2_1_network() {
        let data = Dataset::from_points(
            2,
            vec![0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0],
            vec![0, 1, 1, 0],
            2,
        );
        let net = Network::new(&[2, 2, 1], &[Activation::Tanh], Activation::Sigmoid, 1).unwrap();
        let config = TrainConfig {
            optimizer: Optimizer::lbfgs(),
            ..TrainConfig::default()
        };
        let mut trainer = Trainer::new(net, config).unwrap();
        trainer.run(&data, 200, |_| {}).unwrap();
        assert_eq!(accuracy(trainer.network(), &data), 1.0);
        assert!(evaluate(trainer.network(), &data, None).unwrap().loss < 0.05);
    }

    #[test]
    fn two_arm_spiral_reaches_99_percent() {
        let (spec, _) = DatasetSpec::parse("spiral:arms=2,n=400,noise=0.02").unwrap();
        let data = spec.generate();
        let net =
            Network::new(&[2, 32, 32, 2], &[Activation::Relu], Activation::Softmax, 3).unwrap();
        let mut trainer = Trainer::new(net, TrainConfig::default()).unwrap();
        trainer.run(&data, 1500, |_| {}).unwrap();
        let acc = accuracy(trainer.network(), &data);
        assert!(acc >= 0.99, "train accuracy {acc}");
    }

    #[test]
    fn every_optimizer_lowers_the_loss() {
        let data = DatasetSpec::default_for("moons").unwrap().generate();
        for (optimizer, batch) in [
            (Optimizer::sgd(0.1), 32),
            (Optimizer::adam(0.01), 0),
            (Optimizer::adam(0.01), 50),
            (Optimizer::lbfgs(), 0),
        ] {
            let net =
                Network::new(&[2, 8, 1], &[Activation::Tanh], Activation::Sigmoid, 5).unwrap();
            let before = evaluate(&net, &data, None).unwrap().loss;
            let config = TrainConfig {
                optimizer,
                batch_size: batch,
                l2: 1e-3,
                ..TrainConfig::default()
            };
            let mut trainer = Trainer::new(net, config).unwrap();
            trainer.run(&data, 100, |_| {}).unwrap();
            let after = evaluate(trainer.network(), &data, None).unwrap();
            assert!(
                after.loss < before * 0.6,
                "{optimizer}: {before} -> {}",
                after.loss
            );
            assert!(
                after.accuracy > 0.85,
                "{optimizer}: accuracy {}",
                after.accuracy
            );
        }
    }

    #[test]
    fn same_seed_same_bits() {
        let data = DatasetSpec::default_for("circle").unwrap().generate();
        let run = |seed| {
            let net =
                Network::new(&[2, 6, 1], &[Activation::Relu], Activation::Sigmoid, 9).unwrap();
            let config = TrainConfig {
                batch_size: 16,
                seed,
                ..TrainConfig::default()
            };
            let mut t = Trainer::new(net, config).unwrap();
            t.run(&data, 20, |_| {}).unwrap();
            t.into_network()
        };
        assert_eq!(run(1), run(1));
        assert_ne!(run(1), run(2), "the shuffle depends on the seed");
    }

    #[test]
    fn step_networks_are_refused_with_a_clear_message() {
        let net = Network::new(&[2, 3, 1], &[Activation::Step], Activation::Sigmoid, 0).unwrap();
        let err = Trainer::new(net, TrainConfig::default()).err().unwrap();
        assert_eq!(
            err,
            TrainError::NotTrainable {
                layer: 1,
                activation: Activation::Step
            }
        );
        assert!(err.to_string().contains("hand-set"));
    }

    #[test]
    fn mismatched_loss_and_data_are_refused() {
        let net = Network::new(&[2, 3, 1], &[Activation::Relu], Activation::Sigmoid, 0).unwrap();
        let config = TrainConfig {
            loss: Some(Loss::CategoricalCrossEntropy),
            ..TrainConfig::default()
        };
        assert!(matches!(
            Trainer::new(net.clone(), config),
            Err(TrainError::LossHead(_))
        ));
        let mut trainer = Trainer::new(net, TrainConfig::default()).unwrap();
        let three = DatasetSpec::default_for("blobs").unwrap().generate();
        let err = trainer.step_epoch(&three).unwrap_err().to_string();
        assert!(
            err.contains("3 classes") && err.contains("give it 3 outputs"),
            "{err}"
        );
    }

    #[test]
    fn divergence_stops_with_an_error_and_finite_weights() {
        let data = DatasetSpec::default_for("blobs").unwrap().generate();
        let net = Network::new(
            &[2, 16, 3],
            &[Activation::Identity],
            Activation::Identity,
            0,
        )
        .unwrap();
        let config = TrainConfig {
            optimizer: Optimizer::Sgd {
                lr: 50.0,
                momentum: 0.9,
            },
            ..TrainConfig::default()
        };
        let mut trainer = Trainer::new(net, config).unwrap();
        let err = trainer.run(&data, 500, |_| {}).unwrap_err();
        let TrainError::Diverged {
            epoch, last_good, ..
        } = err
        else {
            panic!("expected divergence, got {err}")
        };
        assert!(last_good < epoch);
        assert!(err.to_string().contains("diverged"));
        let eval = evaluate(trainer.network(), &data, None).unwrap();
        assert!(
            eval.loss.is_finite(),
            "the weights were reset to finite ones"
        );
    }

    #[test]
    fn snapshots_every_k_epochs() {
        let data = DatasetSpec::default_for("xor").unwrap().generate();
        let net = Network::new(&[2, 4, 1], &[Activation::Tanh], Activation::Sigmoid, 0).unwrap();
        let config = TrainConfig {
            snapshot_every: 10,
            ..TrainConfig::default()
        };
        let mut trainer = Trainer::new(net.clone(), config).unwrap();
        trainer.run(&data, 35, |_| {}).unwrap();
        let epochs: Vec<usize> = trainer.snapshots().iter().map(|s| s.epoch).collect();
        assert_eq!(epochs, vec![0, 10, 20, 30]);
        assert_eq!(trainer.snapshots()[0].network, net);
        assert_ne!(trainer.snapshots()[3].network, net);
    }
}
