//! The network engine: layers, activations, losses, optimizers and data sets.
//! Pure Rust (nalgebra + rand), no Bevy, deterministic from a seed.

pub mod activation;
mod backprop;
pub mod data;
pub mod import;
pub mod linalg;
pub mod loss;
pub mod measure;
pub mod network;
pub mod optim;
pub mod rows;
pub mod train;

pub use activation::Activation;
pub use data::{
    DataError, DataOptions, Dataset, DatasetKind, DatasetSpec, PlaneKind, Projection, Standardizer,
};
pub use loss::Loss;
pub use network::{Layer, LayerStages, Mat, Network, NetworkError, Stage};
pub use optim::{Optimizer, OptimizerKind};
pub use train::{EpochStats, Evaluation, Snapshot, TrainConfig, TrainError, Trainer, evaluate};
