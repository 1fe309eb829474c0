//! The multi-layer perceptron: dense layers `a' = σ(W·a + b)`, and a forward pass that can
//! keep every stage of every layer for the animations.

use super::activation::Activation;
use super::import::Activations;
use super::linalg::gemm;
use nalgebra::{DMatrix, DVector};
use rand::Rng;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::path::Path;
use thiserror::Error;

/// A column-major matrix of `f32`; a batch is `features × samples`, one column a sample.
pub type Mat = DMatrix<f32>;

/// What is wrong with a network's shape or a network file.
#[derive(Debug, Error, PartialEq)]
pub enum NetworkError {
    /// Fewer than two sizes (an input and an output) were given.
    #[error("a network needs at least an input and an output size, got {0:?}")]
    TooFewSizes(Vec<usize>),
    /// A layer of width zero.
    #[error("layer sizes must be at least 1, got {0:?}")]
    ZeroWidth(Vec<usize>),
    /// The activations given do not match the number of hidden layers.
    #[error("{hidden} hidden layer(s) but {given} activations were given")]
    ActivationCount { hidden: usize, given: usize },
    /// Consecutive layers whose sizes do not chain.
    #[error("layer {layer} expects {expected} inputs, layer {prev} gives {given}")]
    Chain {
        layer: usize,
        prev: usize,
        expected: usize,
        given: usize,
    },
    /// A bias vector whose length is not the layer's width.
    #[error("{} has {rows} weight rows but {bias} biases", which_layer(*.layer))]
    BiasLength {
        layer: usize,
        rows: usize,
        bias: usize,
    },
    /// Weight rows of different lengths.
    #[error("{}: weight row {row} has {len} entries, row 0 has {first}", which_layer(*.layer))]
    Ragged {
        layer: usize,
        row: usize,
        len: usize,
        first: usize,
    },
    /// Softmax somewhere other than the output layer.
    #[error(
        "softmax couples a layer's neurons and is only allowed on the output layer (found on layer {0})"
    )]
    SoftmaxHidden(usize),
    /// A weight or bias that is NaN or infinite (layer from 1; 0 when not known).
    #[error("{} holds a NaN or infinite weight", which_layer(*.0))]
    NotFinite(usize),
    /// A weight or bias beyond what an `f32` holds (about ±3.4e38).
    #[error("{}: the weight {:e} is out of range (an f32 holds at most ±3.4e38)", which_layer(*.0), .1)]
    OutOfRange(usize, f64),
    /// A network bigger than spacefold handles.
    #[error("{0}")]
    TooBig(crate::limits::OverLimit),
    /// The input batch does not have the network's input width.
    #[error("the network takes {expected} inputs, the data has {given}")]
    InputWidth { expected: usize, given: usize },
    /// Reading or writing a network file failed.
    #[error("{path}: {message}")]
    File { path: String, message: String },
}

/// "layer 3", or "this layer" when the layer's place is not known (0): a layer read on its
/// own, whose place the file's line and column give.
fn which_layer(layer: usize) -> String {
    if layer == 0 {
        "this layer".into()
    } else {
        format!("layer {layer}")
    }
}

/// One dense layer: `σ(W·a + b)` with `W` of shape `outputs × inputs`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "LayerIn", into = "LayerDef")]
pub struct Layer {
    /// `outputs × inputs`: row `i` holds neuron `i`'s incoming weights.
    pub weights: Mat,
    /// One bias per neuron.
    pub bias: DVector<f32>,
    /// The layer's non-linearity.
    pub activation: Activation,
}

/// The file form of a layer: weights as rows, one per neuron, readable and hand-editable.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Layer")]
struct LayerDef {
    weights: Vec<Vec<f32>>,
    bias: Vec<f32>,
    activation: Activation,
}

/// A layer as read: numbers as `f64`, so that one beyond an `f32` (`1e39`) is told apart
/// from NaN and infinity.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Layer")]
struct LayerIn {
    weights: Vec<Vec<f64>>,
    bias: Vec<f64>,
    activation: Activation,
}

impl LayerIn {
    /// The layer, `index` (from 1; 0 when not known) naming it in errors.
    fn into_layer(self, index: usize) -> Result<Layer, NetworkError> {
        let narrow = |v: &f64| -> Result<f32, NetworkError> {
            if !v.is_finite() {
                Err(NetworkError::NotFinite(index))
            } else if v.abs() > f32::MAX as f64 {
                Err(NetworkError::OutOfRange(index, *v))
            } else {
                Ok(*v as f32)
            }
        };
        let rows = self
            .weights
            .iter()
            .map(|r| r.iter().map(narrow).collect::<Result<Vec<f32>, _>>())
            .collect::<Result<Vec<_>, _>>()?;
        let bias = self
            .bias
            .iter()
            .map(narrow)
            .collect::<Result<Vec<_>, _>>()?;
        Layer::from_rows(&rows, &bias, self.activation, index)
    }
}

impl TryFrom<LayerIn> for Layer {
    type Error = NetworkError;

    fn try_from(def: LayerIn) -> Result<Self, Self::Error> {
        def.into_layer(0)
    }
}

impl From<Layer> for LayerDef {
    fn from(layer: Layer) -> Self {
        LayerDef {
            weights: layer
                .weights
                .row_iter()
                .map(|r| r.iter().copied().collect())
                .collect(),
            bias: layer.bias.iter().copied().collect(),
            activation: layer.activation,
        }
    }
}

impl Layer {
    /// Builds a layer from weight rows (one per neuron) and biases. `index` only labels errors.
    pub fn from_rows(
        rows: &[Vec<f32>],
        bias: &[f32],
        activation: Activation,
        index: usize,
    ) -> Result<Layer, NetworkError> {
        let outputs = rows.len();
        let inputs = rows.first().map_or(0, Vec::len);
        if outputs == 0 || inputs == 0 {
            return Err(NetworkError::ZeroWidth(vec![inputs, outputs]));
        }
        crate::limits::check_sizes(&[inputs, outputs]).map_err(NetworkError::TooBig)?;
        if let Some((row, r)) = rows.iter().enumerate().find(|(_, r)| r.len() != inputs) {
            return Err(NetworkError::Ragged {
                layer: index,
                row,
                len: r.len(),
                first: inputs,
            });
        }
        if bias.len() != outputs {
            return Err(NetworkError::BiasLength {
                layer: index,
                rows: outputs,
                bias: bias.len(),
            });
        }
        let layer = Layer {
            weights: Mat::from_fn(outputs, inputs, |i, j| rows[i][j]),
            bias: DVector::from_column_slice(bias),
            activation,
        };
        if !layer.is_finite() {
            return Err(NetworkError::NotFinite(index));
        }
        Ok(layer)
    }

    /// Number of inputs (columns of `W`).
    pub fn inputs(&self) -> usize {
        self.weights.ncols()
    }

    /// Number of neurons (rows of `W`).
    pub fn outputs(&self) -> usize {
        self.weights.nrows()
    }

    fn is_finite(&self) -> bool {
        self.weights
            .iter()
            .chain(self.bias.iter())
            .all(|v| v.is_finite())
    }

    /// `W·a` for a batch `a` (`inputs × n`), written into `out` (`outputs × n`).
    pub(crate) fn linear_into(&self, a: &[f32], n: usize, out: &mut [f32]) {
        gemm(
            self.outputs(),
            self.inputs(),
            n,
            1.0,
            self.weights.as_slice(),
            false,
            a,
            false,
            0.0,
            out,
        );
    }

    /// Adds the bias to every column of `z` (`outputs × n`).
    pub(crate) fn add_bias(&self, z: &mut [f32]) {
        super::linalg::add_to_columns(z, self.bias.as_slice());
    }

    /// `a = σ(z)` for every column of `z` (`outputs × n`).
    pub(crate) fn activate_into(&self, z: &[f32], a: &mut [f32]) {
        if self.activation.is_elementwise() {
            self.activation.map(z, a);
        } else {
            super::activation::softmax_columns(z, self.outputs(), a);
        }
    }
}

/// The three stages of one layer, for a batch: each `outputs × n`.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerStages {
    /// `W·a`: the linear map alone.
    pub linear: Mat,
    /// `W·a + b`: after the shift.
    pub biased: Mat,
    /// `σ(W·a + b)`: after the activation; the next layer's input.
    pub activated: Mat,
}

/// One of the three things a layer does to space, in the order it does them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Stage {
    /// `W·a`: stretch, rotate, shear (and change dimension).
    Linear,
    /// `+ b`: shift.
    Bias,
    /// `σ(·)`: bend.
    Activation,
}

/// A multi-layer perceptron. Layer `l` maps the output of layer `l - 1` (or the input).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "NetworkIn", into = "NetworkDef")]
pub struct Network {
    layers: Vec<Layer>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename = "Network", deny_unknown_fields)]
struct NetworkDef {
    layers: Vec<Layer>,
}

/// A network as read: its layers checked one by one, so that errors count them from 1.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename = "Network", deny_unknown_fields)]
struct NetworkIn {
    layers: Vec<LayerIn>,
}

impl TryFrom<NetworkIn> for Network {
    type Error = NetworkError;
    fn try_from(def: NetworkIn) -> Result<Self, Self::Error> {
        let layers = def
            .layers
            .into_iter()
            .enumerate()
            .map(|(l, layer)| layer.into_layer(l + 1))
            .collect::<Result<Vec<_>, _>>()?;
        Network::from_layers(layers)
    }
}

impl From<Network> for NetworkDef {
    fn from(net: Network) -> Self {
        NetworkDef { layers: net.layers }
    }
}

impl Network {
    /// A freshly initialised network with layer sizes `sizes` (input first), the given
    /// activation on every hidden layer (one for all, or one per hidden layer) and `output`
    /// on the output layer. Weights are Glorot-uniform from `seed`: same seed, same bits.
    pub fn new(
        sizes: &[usize],
        hidden: &[Activation],
        output: Activation,
        seed: u64,
    ) -> Result<Network, NetworkError> {
        if sizes.len() < 2 {
            return Err(NetworkError::TooFewSizes(sizes.to_vec()));
        }
        if sizes.contains(&0) {
            return Err(NetworkError::ZeroWidth(sizes.to_vec()));
        }
        crate::limits::check_sizes(sizes).map_err(NetworkError::TooBig)?;
        let n_hidden = sizes.len() - 2;
        let acts: Vec<Activation> = match hidden.len() {
            _ if n_hidden == 0 => vec![],
            1 => vec![hidden[0]; n_hidden],
            k if k == n_hidden => hidden.to_vec(),
            k => {
                return Err(NetworkError::ActivationCount {
                    hidden: n_hidden,
                    given: k,
                });
            }
        };
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let layers = sizes
            .windows(2)
            .enumerate()
            .map(|(l, w)| {
                let activation = acts.get(l).copied().unwrap_or(output);
                let (fan_in, fan_out) = (w[0], w[1]);
                // scikit-learn's initialisation, so that tiny nets behave as in the articles.
                let factor = activation.init_factor();
                let bound = (factor / (fan_in + fan_out) as f32).sqrt();
                let weights = Mat::from_fn(fan_out, fan_in, |_, _| rng.random_range(-bound..bound));
                let bias = DVector::from_fn(fan_out, |_, _| rng.random_range(-bound..bound));
                Layer {
                    weights,
                    bias,
                    activation,
                }
            })
            .collect();
        Network::from_layers(layers)
    }

    /// Wraps hand-made layers, checking that they chain and that softmax is last.
    pub fn from_layers(layers: Vec<Layer>) -> Result<Network, NetworkError> {
        if layers.is_empty() {
            return Err(NetworkError::TooFewSizes(vec![]));
        }
        let mut sizes = vec![layers[0].inputs()];
        sizes.extend(layers.iter().map(Layer::outputs));
        crate::limits::check_sizes(&sizes).map_err(NetworkError::TooBig)?;
        for (l, pair) in layers.windows(2).enumerate() {
            if pair[1].inputs() != pair[0].outputs() {
                return Err(NetworkError::Chain {
                    layer: l + 2,
                    prev: l + 1,
                    expected: pair[1].inputs(),
                    given: pair[0].outputs(),
                });
            }
        }
        let last = layers.len() - 1;
        for (l, layer) in layers.iter().enumerate() {
            if layer.activation == Activation::Softmax && l != last {
                return Err(NetworkError::SoftmaxHidden(l + 1));
            }
            if layer.bias.len() != layer.outputs() {
                return Err(NetworkError::BiasLength {
                    layer: l + 1,
                    rows: layer.outputs(),
                    bias: layer.bias.len(),
                });
            }
            if !layer.is_finite() {
                return Err(NetworkError::NotFinite(l + 1));
            }
        }
        Ok(Network { layers })
    }

    /// The layers, input side first.
    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// The layers, for the trainer; shapes must not change.
    pub(crate) fn layers_mut(&mut self) -> &mut [Layer] {
        &mut self.layers
    }

    /// Mutable access to one layer's weights and biases (shapes stay fixed).
    pub fn layer_mut(&mut self, l: usize) -> LayerMut<'_> {
        let layer = &mut self.layers[l];
        LayerMut {
            weights: &mut layer.weights,
            bias: &mut layer.bias,
        }
    }

    /// Sets one layer's activation. Softmax is refused anywhere but the output layer.
    pub fn set_activation(&mut self, l: usize, activation: Activation) -> Result<(), NetworkError> {
        if activation == Activation::Softmax && l + 1 != self.layers.len() {
            return Err(NetworkError::SoftmaxHidden(l + 1));
        }
        self.layers[l].activation = activation;
        Ok(())
    }

    /// Layer sizes, input first: `[2, 100, 5]` for a 2-100-5 net.
    pub fn sizes(&self) -> Vec<usize> {
        std::iter::once(self.input_dim())
            .chain(self.layers.iter().map(Layer::outputs))
            .collect()
    }

    /// Number of inputs.
    pub fn input_dim(&self) -> usize {
        self.layers[0].inputs()
    }

    /// Number of outputs.
    pub fn output_dim(&self) -> usize {
        self.layers[self.layers.len() - 1].outputs()
    }

    /// Number of classes the output encodes: one output is a binary (two-class) head.
    pub fn classes(&self) -> usize {
        self.output_dim().max(2)
    }

    /// Whether the network can be trained on and decide data of `dim` features and
    /// `classes` classes: its inputs are the features and it tells the classes apart.
    pub fn fits(&self, dim: usize, classes: usize) -> Result<(), Misfit> {
        if self.input_dim() != dim {
            return Err(Misfit::Inputs {
                network: self.input_dim(),
                data: dim,
            });
        }
        if self.classes() < classes {
            return Err(Misfit::Classes {
                network: self.classes(),
                data: classes,
            });
        }
        if self.head() == Activation::Softmax && self.output_dim() == 1 {
            return Err(Misfit::SoftmaxOfOne {
                layer: self.layers.len(),
                data: classes,
            });
        }
        Ok(())
    }

    /// The output layer's activation: the head (sigmoid, softmax or identity).
    pub fn head(&self) -> Activation {
        self.layers[self.layers.len() - 1].activation
    }

    /// Number of trainable parameters.
    pub fn parameter_count(&self) -> usize {
        self.layers
            .iter()
            .map(|l| l.weights.len() + l.bias.len())
            .sum()
    }

    fn check_input(&self, x: &Mat) -> Result<(), NetworkError> {
        if x.nrows() != self.input_dim() {
            return Err(NetworkError::InputWidth {
                expected: self.input_dim(),
                given: x.nrows(),
            });
        }
        Ok(())
    }

    /// The network's outputs for a batch `x` (`inputs × n`): `outputs × n`.
    pub fn forward(&self, x: &Mat) -> Result<Mat, NetworkError> {
        self.check_input(x)?;
        let n = x.ncols();
        let mut a = x.clone();
        for layer in &self.layers {
            let mut z = Mat::zeros(layer.outputs(), n);
            layer.linear_into(a.as_slice(), n, z.as_mut_slice());
            layer.add_bias(z.as_mut_slice());
            let mut out = Mat::zeros(layer.outputs(), n);
            layer.activate_into(z.as_slice(), out.as_mut_slice());
            a = out;
        }
        Ok(a)
    }

    /// Every stage of every layer for a batch `x`: `W·a`, `W·a + b` and `σ(W·a + b)`.
    /// Stage values are computed exactly as [`Network::forward`] computes them, so the last
    /// layer's `activated` equals the forward output bit for bit.
    pub fn forward_stages(&self, x: &Mat) -> Result<Vec<LayerStages>, NetworkError> {
        self.check_input(x)?;
        let n = x.ncols();
        let mut stages: Vec<LayerStages> = Vec::with_capacity(self.layers.len());
        for layer in &self.layers {
            let input = stages.last().map_or(x, |s| &s.activated);
            let mut linear = Mat::zeros(layer.outputs(), n);
            layer.linear_into(input.as_slice(), n, linear.as_mut_slice());
            let mut biased = linear.clone();
            layer.add_bias(biased.as_mut_slice());
            let mut activated = Mat::zeros(layer.outputs(), n);
            layer.activate_into(biased.as_slice(), activated.as_mut_slice());
            stages.push(LayerStages {
                linear,
                biased,
                activated,
            });
        }
        Ok(stages)
    }

    /// Hard class decisions for a batch: threshold 0.5 for one output, argmax otherwise.
    pub fn predict(&self, x: &Mat) -> Result<Vec<u32>, NetworkError> {
        Ok(decide(&self.forward(x)?))
    }

    /// The network as RON text.
    pub fn to_ron(&self) -> String {
        let config = ron::ser::PrettyConfig::new().depth_limit(3);
        ron::ser::to_string_pretty(self, config).expect("a network always serialises")
    }

    /// Parses a network from RON text.
    pub fn from_ron(text: &str) -> Result<Network, String> {
        ron::from_str(crate::io::strip_bom(text)).map_err(|e| match e.code {
            ron::Error::ExceededRecursionLimit => format!(
                "{}: the file nests brackets too deeply to be a network",
                e.span.start
            ),
            _ => e.to_string(),
        })
    }

    /// Writes the network as RON, atomically (a temporary file, then a rename).
    pub fn save(&self, path: &Path) -> Result<(), NetworkError> {
        crate::io::write_atomic(path, self.to_ron().as_bytes()).map_err(|e| NetworkError::File {
            path: path.display().to_string(),
            message: e.to_string(),
        })
    }

    /// Reads a network saved by [`Network::save`], or an `.npz` or `.safetensors` file with
    /// ReLU hidden layers and the default head (see [`Network::load_with`]).
    pub fn load(path: &Path) -> Result<Network, NetworkError> {
        Network::load_with(path, &Activations::default())
    }

    /// Reads a network file by its extension: `.npz` (NumPy, scikit-learn) and
    /// `.safetensors` (PyTorch) with these activations, which they do not hold; anything
    /// else as spacefold's RON, whose layers name their own.
    pub fn load_with(path: &Path, acts: &Activations) -> Result<Network, NetworkError> {
        let file_err = |message: String| NetworkError::File {
            path: path.display().to_string(),
            message,
        };
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("npz") => {
                let bytes = crate::io::read_bytes(path).map_err(|e| file_err(e.to_string()))?;
                super::import::network_from_npz(&bytes, acts).map_err(|e| file_err(e.to_string()))
            }
            Some("safetensors") => {
                let bytes = crate::io::read_bytes(path).map_err(|e| file_err(e.to_string()))?;
                super::import::network_from_safetensors(&bytes, acts)
                    .map_err(|e| file_err(e.to_string()))
            }
            _ => {
                let text = crate::io::read_text(path).map_err(|e| file_err(e.to_string()))?;
                Network::from_ron(&text).map_err(file_err)
            }
        }
    }
}

/// Mutable view of one layer's parameters.
pub struct LayerMut<'a> {
    /// `outputs × inputs`.
    pub weights: &'a mut Mat,
    /// One per neuron.
    pub bias: &'a mut DVector<f32>,
}

/// Why a network does not fit a data set. Each caller words where (a flag, a scene's field,
/// the trainer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Misfit {
    /// The network takes `network` inputs; the data has `data` features.
    Inputs {
        /// The network's inputs.
        network: usize,
        /// The data's features.
        data: usize,
    },
    /// The data has `data` classes; the network decides between `network`.
    Classes {
        /// Classes the network can tell apart.
        network: usize,
        /// Classes in the data.
        data: usize,
    },
    /// A softmax output layer of one output: it is always 1 and tells no classes apart
    /// (cross-entropy against it has no output for the second class).
    SoftmaxOfOne {
        /// The output layer's number, from 1.
        layer: usize,
        /// Classes in the data.
        data: usize,
    },
}

impl std::fmt::Display for Misfit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Misfit::Inputs { network, data } => write!(
                f,
                "the network takes {network} inputs but the data has {data} features"
            ),
            Misfit::Classes { network, data } => write!(
                f,
                "the data has {data} classes but the network decides between {network}"
            ),
            Misfit::SoftmaxOfOne { layer, data } => write!(
                f,
                "layer {layer}, the output layer, is a softmax of 1 output, which is always 1 \
                 and tells none of the data's {data} classes apart; give it {data} outputs, or a \
                 sigmoid output"
            ),
        }
    }
}

/// Hard decisions from outputs (`k × n`): `output >= 0.5` for one output, argmax otherwise.
pub fn decide(outputs: &Mat) -> Vec<u32> {
    let k = outputs.nrows();
    outputs
        .as_slice()
        .chunks_exact(k)
        .map(|col| {
            if k == 1 {
                u32::from(col[0] >= 0.5)
            } else {
                argmax(col) as u32
            }
        })
        .collect()
}

/// Index of the largest value (the first one on ties).
pub fn argmax(values: &[f32]) -> usize {
    let mut best = 0;
    for (i, v) in values.iter().enumerate() {
        if *v > values[best] {
            best = i;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net() -> Network {
        Network::new(
            &[2, 5, 3, 4],
            &[Activation::Tanh, Activation::Relu],
            Activation::Softmax,
            7,
        )
        .unwrap()
    }

    #[test]
    fn same_seed_same_bits_other_seed_other_weights() {
        assert_eq!(net(), net());
        let other =
            Network::new(&[2, 5, 3, 4], &[Activation::Tanh], Activation::Softmax, 8).unwrap();
        assert_ne!(net().layers()[0].weights, other.layers()[0].weights);
    }

    #[test]
    fn stages_compose_to_forward() {
        let net = net();
        let x = Mat::from_fn(2, 9, |i, j| (i as f32 - 0.5) * j as f32 * 0.3);
        let stages = net.forward_stages(&x).unwrap();
        assert_eq!(stages.len(), 3);
        assert_eq!(stages[2].activated, net.forward(&x).unwrap());
        // Each stage is what its formula says, computed independently with nalgebra.
        let mut input = x.clone();
        for (layer, s) in net.layers().iter().zip(&stages) {
            let linear = &layer.weights * &input;
            for (a, b) in linear.iter().zip(s.linear.iter()) {
                assert!((a - b).abs() < 1e-5);
            }
            for j in 0..x.ncols() {
                for i in 0..layer.outputs() {
                    assert_eq!(s.biased[(i, j)], s.linear[(i, j)] + layer.bias[i]);
                }
            }
            input = s.activated.clone();
        }
        for col in stages[2].activated.column_iter() {
            assert!((col.sum() - 1.0).abs() < 1e-5, "softmax columns sum to 1");
        }
    }

    #[test]
    fn shape_errors_are_reported() {
        assert!(matches!(
            Network::new(&[2], &[], Activation::Sigmoid, 0),
            Err(NetworkError::TooFewSizes(_))
        ));
        assert!(matches!(
            Network::new(&[2, 0, 1], &[Activation::Relu], Activation::Sigmoid, 0),
            Err(NetworkError::ZeroWidth(_))
        ));
        assert_eq!(
            Network::new(
                &[2, 3, 3, 1],
                &[Activation::Relu; 3],
                Activation::Sigmoid,
                0
            ),
            Err(NetworkError::ActivationCount {
                hidden: 2,
                given: 3
            })
        );
        assert_eq!(
            Network::new(&[2, 3, 1], &[Activation::Softmax], Activation::Sigmoid, 0),
            Err(NetworkError::SoftmaxHidden(1))
        );
        let a = Layer::from_rows(&[vec![1.0, 2.0]], &[0.0], Activation::Relu, 1).unwrap();
        let b = Layer::from_rows(&[vec![1.0, 2.0]], &[0.0], Activation::Relu, 2).unwrap();
        assert_eq!(
            Network::from_layers(vec![a, b]),
            Err(NetworkError::Chain {
                layer: 2,
                prev: 1,
                expected: 2,
                given: 1
            })
        );
        let err = net().forward(&Mat::zeros(3, 1)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the network takes 2 inputs, the data has 3"
        );
    }

    #[test]
    fn ron_round_trip_is_bit_exact() {
        let net = net();
        let text = net.to_ron();
        let back = Network::from_ron(&text).unwrap();
        for (a, b) in net.layers().iter().zip(back.layers()) {
            let bits = |m: &Mat| m.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&a.weights), bits(&b.weights));
            assert_eq!(a.bias.as_slice(), b.bias.as_slice());
        }
        assert_eq!(net, back);
    }

    /// Hostile network files (issue 15): layers counted from 1, 1e39 out of range rather than
    /// "NaN", a byte order mark read past, deep nesting and sizes over the limits refused.
    #[test]
    fn hostile_network_text_is_refused_in_words() {
        let layer = |w: &str| format!("(weights: [[{w}, 1.0]], bias: [0.0], activation: Relu)");
        let net = |a: &str, b: &str| format!("(layers: [{}, {}])", layer(a), layer(b));
        let e = Network::from_ron(&net("1.0", "NaN")).unwrap_err();
        assert!(e.contains("layer 2 holds a NaN"), "{e}");
        let e = Network::from_ron(&net("1e39", "1.0")).unwrap_err();
        assert!(
            e.contains("layer 1: the weight 1e39 is out of range"),
            "{e}"
        );
        let e = Network::from_ron(&net("inf", "1.0")).unwrap_err();
        assert!(e.contains("layer 1 holds a NaN or infinite weight"), "{e}");
        let one = "(layers: [(weights: [[1.0, 1.0]], bias: [0.0], activation: Relu)])";
        assert!(Network::from_ron(&format!("\u{feff}{one}")).is_ok());
        let wide = format!(
            "(layers: [(weights: [[{}]], bias: [0.0], activation: Relu)])",
            vec!["1.0"; 5000].join(",")
        );
        let e = Network::from_ron(&wide).unwrap_err();
        assert!(
            e.contains("layer width 5000 is over the limit of 4096"),
            "{e}"
        );
        let e = Network::new(
            &[2, 10_000_000, 2],
            &[Activation::Relu],
            Activation::Softmax,
            0,
        )
        .unwrap_err();
        assert!(e.to_string().contains("over the limit"), "{e}");
    }

    #[test]
    fn file_round_trip_and_bad_files() {
        let dir = std::env::temp_dir().join(format!("spacefold-net-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("net.ron");
        net().save(&path).unwrap();
        assert_eq!(Network::load(&path).unwrap(), net());
        std::fs::write(
            &path,
            "(layers: [(weights: [[1.0, 2.0], [3.0]], bias: [0.0, 0.0], activation: Relu)])",
        )
        .unwrap();
        let err = Network::load(&path).unwrap_err().to_string();
        assert!(err.contains("row 1 has 1 entries"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn hand_set_weights_compute_by_hand() {
        // One neuron x - y - 3 with a step: the cliff of the landscape article.
        let layer = Layer::from_rows(&[vec![1.0, -1.0]], &[-3.0], Activation::Step, 1).unwrap();
        let net = Network::from_layers(vec![layer]).unwrap();
        let x = Mat::from_column_slice(2, 3, &[5.0, 1.0, 0.0, 0.0, 3.0, 0.0]);
        assert_eq!(net.forward(&x).unwrap().as_slice(), &[1.0, 0.0, 1.0]);
        assert_eq!(net.predict(&x).unwrap(), vec![1, 0, 1]);
    }
}
