//! Training: the [`Trainer`] loop (mini-batches, epochs, weight snapshots, and a stop with a
//! clear error when the loss diverges) over the gradients of `nn::backprop` and the
//! optimizers of [`super::optim`].

use super::activation::Activation;
use super::backprop::{Blocks, Workspace, loss_and_grad, zero_blocks};
use super::data::Dataset;
use super::loss::Loss;
use super::network::{Misfit, Network, NetworkError, decide};
use super::optim::OptState;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use super::optim::Optimizer;

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
    /// The loss became NaN or infinite, grew far beyond where it started, or a weight grew
    /// beyond [`crate::limits::MAX_WEIGHT`]; the weights are those of the last good epoch.
    #[error(
        "training diverged at epoch {epoch}: {reason}. The weights were reset to epoch \
         {last_good}; try a smaller learning rate"
    )]
    Diverged {
        epoch: usize,
        loss: f64,
        last_good: usize,
        /// What gave it away, in words: "the loss is NaN".
        reason: String,
    },
}

/// A loss this many times the first epoch's...
pub const LOSS_GROWTH: f64 = 1e3;
/// ... and above this is a run that blew up, not one still learning (classification losses
/// start near ln(classes) and only fall).
pub const LOSS_CEILING: f64 = 100.0;

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
pub fn evaluate(
    net: &Network,
    data: &Dataset,
    loss: Option<Loss>,
) -> Result<Evaluation, NetworkError> {
    let loss = loss.unwrap_or_else(|| Loss::for_head(net.head()));
    if data.is_empty() {
        return Ok(Evaluation {
            loss: 0.0,
            accuracy: 0.0,
        });
    }
    let last = net.layers().len() - 1;
    let stages = net.forward_stages(&data.x)?;
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
    /// The first epoch's loss, which later ones are compared with.
    first_loss: Option<f64>,
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
        let state = OptState::new(config.optimizer, &net);
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
            first_loss: None,
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
        self.net
            .fits(data.dim(), data.classes)
            .map_err(|m| match m {
                Misfit::Inputs { network, data } => TrainError::Data(format!(
                    "the network takes {network} inputs, the data has {data} features"
                )),
                m @ Misfit::SoftmaxOfOne { .. } => TrainError::Data(m.to_string()),
                Misfit::Classes { network, data } => TrainError::Data(format!(
                    "the data has {data} classes but the network's output layer encodes \
                     {network} (give it {data} outputs)"
                )),
            })
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
        let loss = if let OptState::Lbfgs(lbfgs) = &mut self.state {
            // One iteration on the full batch.
            let (loss, l2) = (self.loss, self.config.l2);
            let (ws, grads) = (&mut self.ws, &mut self.grads);
            lbfgs.step(&mut self.net, |net| {
                let f = loss_and_grad(net, data.x.as_slice(), &data.y, loss, l2, ws, grads);
                (f, grads.concat())
            })
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
        if let Some(reason) = self.divergence(loss) {
            // Back to the last weights whose loss was finite.
            self.net.clone_from(&self.last_good.1);
            self.state.reset();
            return Err(TrainError::Diverged {
                epoch: self.epoch,
                loss,
                last_good: self.last_good.0,
                reason,
            });
        }
        if loss.is_finite() {
            self.first_loss.get_or_insert(loss);
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
        self.run_while(data, epochs, |s| {
            progress(s);
            true
        })
    }

    /// As [`Trainer::run`], stopping early (without an error) once `go_on` returns false.
    pub fn run_while(
        &mut self,
        data: &Dataset,
        epochs: usize,
        mut go_on: impl FnMut(&EpochStats) -> bool + Send,
    ) -> Result<Option<EpochStats>, TrainError> {
        let mut epochs_loop = || {
            let mut last = None;
            for _ in 0..epochs {
                let stats = self.step_epoch(data)?;
                last = Some(stats);
                if !go_on(&stats) {
                    break;
                }
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

    /// Why the run has blown up after an epoch of mean loss `loss`, if it has: a loss or a
    /// weight that is not finite, a weight beyond [`crate::limits::MAX_WEIGHT`], or a loss
    /// [`LOSS_GROWTH`] times the first epoch's and above [`LOSS_CEILING`].
    fn divergence(&self, loss: f64) -> Option<String> {
        if !loss.is_finite() {
            return Some(format!("the loss is {loss}"));
        }
        let largest = self
            .net
            .layers()
            .iter()
            .flat_map(|l| l.weights.iter().chain(l.bias.iter()))
            .fold(0.0f32, |m, v| {
                if m.is_nan() || v.is_nan() {
                    f32::NAN
                } else {
                    m.max(v.abs())
                }
            });
        if !largest.is_finite() {
            return Some("a weight is NaN or infinite".into());
        }
        if largest > crate::limits::MAX_WEIGHT {
            return Some(format!(
                "a weight reached {largest:.3e}, beyond {:e}",
                crate::limits::MAX_WEIGHT
            ));
        }
        match self.first_loss {
            Some(first) if loss > LOSS_GROWTH * first && loss > LOSS_CEILING => {
                Some(format!("the loss grew from {first:.4} to {loss:.4e}"))
            }
            _ => None,
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
        self.state.update(&mut self.net, &self.grads);
        loss
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::data::DatasetSpec;

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

    /// A finite blow-up (issue 15: SGD at a rate of 1e6 drove the loss to 2.6e5 and the
    /// weights to 1e14 and exited 0) stops as a divergence, on the last good weights.
    #[test]
    fn a_finite_blow_up_is_a_divergence() {
        let data = DatasetSpec::default_for("moons").unwrap().generate();
        let net =
            Network::new(&[2, 16, 16, 1], &[Activation::Relu], Activation::Sigmoid, 0).unwrap();
        let config = TrainConfig {
            optimizer: Optimizer::Sgd {
                lr: 1e6,
                momentum: 0.9,
            },
            ..TrainConfig::default()
        };
        let mut trainer = Trainer::new(net.clone(), config).unwrap();
        let err = trainer.run(&data, 50, |_| {}).unwrap_err();
        let TrainError::Diverged {
            last_good, reason, ..
        } = &err
        else {
            panic!("expected divergence, got {err}")
        };
        assert!(
            reason.contains("a weight reached") || reason.contains("the loss grew"),
            "{err}"
        );
        assert_eq!(*last_good, 0, "{err}");
        assert_eq!(trainer.network(), &net, "back to the last good weights");
        // A sane rate on the same data does not trip it.
        let mut calm = Trainer::new(net, TrainConfig::default()).unwrap();
        calm.run(&data, 300, |_| {}).unwrap();
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
