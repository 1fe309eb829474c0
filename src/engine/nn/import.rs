//! Networks trained elsewhere: a NumPy `.npz` of `W1, b1, W2, b2, ...` (or scikit-learn's
//! `coefs_0, intercepts_0, ...`), weights shaped `[in, out]`; a safetensors file as PyTorch
//! saves an `nn.Sequential` of `Linear` layers, `0.weight, 0.bias, 2.weight, ...`, weights
//! shaped `[out, in]`. Neither format holds the activations: the caller gives them.
//!
//! Arrays are read as NumPy and PyTorch write them: `np.savez` and `np.savez_compressed`
//! (stored or deflated members), C or Fortran order (`np.savez(W1=W.T)`), float16, float32
//! and float64 of either byte order; safetensors' F16, BF16, F32 and F64. Every value
//! becomes the `f32` nearest it, as `torch.float32` or `np.float32` would.

use super::Activation;
use super::network::{Layer, Mat, Network, NetworkError};
use crate::limits::OverLimit;
use nalgebra::DVector;
use std::collections::HashMap;
use std::io::Read;
use thiserror::Error;

/// A tensor read from a file: its shape and its values in C order, as `f32`.
#[derive(Clone, Debug, PartialEq)]
pub struct Tensor {
    /// The dimensions, outermost first.
    pub shape: Vec<usize>,
    /// The values, the last dimension varying fastest.
    pub values: Vec<f32>,
}

/// Why a network file could not be read. The file's path is the caller's to add.
#[derive(Debug, Error)]
pub enum ImportError {
    /// The zip archive of an `.npz` does not read.
    #[error("not an .npz file: {0}")]
    Zip(&'static str),
    /// A member of the archive does not unpack.
    #[error("`{name}`: {why}")]
    Member {
        /// The member's name.
        name: String,
        /// What is wrong.
        why: String,
    },
    /// The members unpack to more than the limit, together.
    #[error("the arrays unpack to over the limit of {} MiB in all", crate::limits::MAX_FILE_BYTES >> 20)]
    Unpacked,
    /// A `.npy` array does not read.
    #[error("`{key}`: {why}")]
    Npy {
        /// The array's name.
        key: String,
        /// What is wrong.
        why: NpyProblem,
    },
    /// The safetensors crate does not read the file.
    #[error("not a safetensors file: {0}")]
    Safetensors(#[from] safetensors::SafeTensorError),
    /// A tensor of a type that is not a float.
    #[error("`{name}` is of type {dtype}; expected F16, BF16, F32 or F64")]
    TensorType {
        /// The tensor.
        name: String,
        /// Its type.
        dtype: String,
    },
    /// A value that is not a finite `f32`.
    #[error("`{name}` holds {value}, not a finite f32")]
    NotFinite {
        /// The tensor.
        name: String,
        /// The value.
        value: f64,
    },
    /// No NumPy or scikit-learn names.
    #[error(
        "no `W1` (NumPy: W1, b1, W2, b2, ...) or `coefs_0` (scikit-learn: coefs_0, \
         intercepts_0, ...); the file holds {0:?}"
    )]
    NoNumpyLayers(Vec<String>),
    /// No PyTorch names.
    #[error("no `0.weight` (an nn.Sequential's Linear layers: 0.weight, 0.bias, ...)")]
    NoTorchLayers,
    /// A weight without its bias.
    #[error("`{weight}` has no bias `{bias}`")]
    NoBias {
        /// The weight's name.
        weight: String,
        /// The bias's name looked for.
        bias: String,
    },
    /// A weight that is not two-dimensional.
    #[error("`{key}` has shape {shape:?}; expected two dimensions")]
    NotMatrix {
        /// The weight.
        key: String,
        /// Its shape.
        shape: Vec<usize>,
    },
    /// A weight with no input or no output.
    #[error("`{key}` has shape {shape:?}; a layer needs at least one input and one output")]
    Empty {
        /// The weight.
        key: String,
        /// Its shape.
        shape: Vec<usize>,
    },
    /// A bias of the wrong length.
    #[error(
        "`{bias}` has shape {shape:?}; `{weight}` has {outputs} outputs, so expected [{outputs}]"
    )]
    BiasShape {
        /// The bias.
        bias: String,
        /// Its shape.
        shape: Vec<usize>,
        /// The weight.
        weight: String,
        /// The weight's outputs.
        outputs: usize,
    },
    /// Layers that do not chain: the layer's number (from 1) and both widths.
    #[error(
        "`{weight}` (layer {layer}) takes {inputs} inputs but `{previous}` gives {given} outputs"
    )]
    Chain {
        /// The layer, from 1.
        layer: usize,
        /// Its weight.
        weight: String,
        /// Its inputs.
        inputs: usize,
        /// The previous layer's weight.
        previous: String,
        /// The previous layer's outputs.
        given: usize,
    },
    /// A layer over the limits.
    #[error("`{key}`: {over}")]
    TooBig {
        /// The weight.
        key: String,
        /// The limit passed.
        over: OverLimit,
    },
    /// Activations given that do not match the hidden layers.
    #[error("the file has {hidden} hidden layer(s) but {given} activations were given")]
    Activations {
        /// Hidden layers in the file.
        hidden: usize,
        /// Activations given.
        given: usize,
    },
    /// An activation in the metadata that does not read.
    #[error("metadata `{key}`: {why}")]
    Metadata {
        /// `activation` or `output`.
        key: &'static str,
        /// What is wrong.
        why: String,
    },
    /// The layers do not make a network.
    #[error(transparent)]
    Network(#[from] NetworkError),
}

/// What is wrong with one `.npy` array.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum NpyProblem {
    /// It does not start as one.
    #[error("not a .npy array")]
    NotNpy,
    /// A format version other than 1 to 3.
    #[error(".npy format version {0} is not supported")]
    Version(u8),
    /// The header is cut short or not text.
    #[error("a truncated .npy header")]
    Header,
    /// The header has no `descr`.
    #[error("no dtype in the header")]
    NoDtype,
    /// The header has no `shape`.
    #[error("no shape in the header")]
    NoShape,
    /// The header's `fortran_order` is neither True nor False.
    #[error("fortran_order {0} is neither True nor False")]
    Order(String),
    /// A dtype that is not a float.
    #[error("dtype {0}; expected float16, float32 or float64")]
    Dtype(String),
    /// A shape that does not read.
    #[error("shape {0} does not read")]
    Shape(String),
    /// The data is not the shape's size.
    #[error("shape {shape} needs {needs} values, the array holds {bytes} bytes")]
    Size {
        /// The shape as written.
        shape: String,
        /// The values it needs ("too many" past usize).
        needs: String,
        /// The bytes the array holds.
        bytes: usize,
    },
    /// A value that is not a finite `f32`.
    #[error("holds {0}, not a finite f32")]
    NotFinite(f64),
}

/// The activations a loaded network gets: one for every hidden layer or one per hidden
/// layer, and the output layer's. Where not given (empty, `None`): a safetensors file's
/// metadata `activation` and `output` (spelled as `--activation` and `--output`), else ReLU
/// and [`Activation::default_head`] of the output width.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Activations {
    /// Hidden layers' activations: one for all, or one each; empty: not given.
    pub hidden: Vec<Activation>,
    /// The output layer's.
    pub head: Option<Activation>,
}

/// A float type as a file stores it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Float {
    /// IEEE half precision (`float16`, `F16`).
    F16,
    /// The top half of an `f32` (`bfloat16`, `BF16`).
    Bf16,
    /// `float32`.
    F32,
    /// `float64`.
    F64,
}

impl Float {
    /// Bytes of one value.
    pub fn width(self) -> usize {
        match self {
            Float::F16 | Float::Bf16 => 2,
            Float::F32 => 4,
            Float::F64 => 8,
        }
    }

    /// One value from its bytes (`width` of them), as `f64`.
    fn read(self, b: &[u8], big: bool) -> f64 {
        let mut a = [0u8; 8];
        let w = self.width();
        a[..w].copy_from_slice(&b[..w]);
        if big {
            a[..w].reverse();
        }
        match self {
            Float::F16 => half_to_f64(u16::from_le_bytes([a[0], a[1]])),
            Float::Bf16 => f32::from_bits((u16::from_le_bytes([a[0], a[1]]) as u32) << 16) as f64,
            Float::F32 => f32::from_le_bytes([a[0], a[1], a[2], a[3]]) as f64,
            Float::F64 => f64::from_le_bytes(a),
        }
    }
}

/// An IEEE half-precision number's value.
fn half_to_f64(h: u16) -> f64 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = ((h >> 10) & 0x1f) as i32;
    let frac = (h & 0x3ff) as f64;
    sign * match exp {
        0 => frac * 2f64.powi(-24),
        31 if frac == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        e => (1.0 + frac / 1024.0) * 2f64.powi(e - 15),
    }
}

/// Values of type `float` (big-endian when `big`) as `f32`; the first that is not a finite
/// `f32` is returned as an error with its value.
fn floats(bytes: &[u8], float: Float, big: bool) -> Result<Vec<f32>, f64> {
    bytes
        .chunks_exact(float.width())
        .map(|c| {
            let v = float.read(c, big);
            if v.is_finite() && v.abs() <= f32::MAX as f64 {
                Ok(v as f32)
            } else {
                Err(v)
            }
        })
        .collect()
}

/// The value of `'key': value` in a `.npy` header's Python dict literal.
fn header_field<'a>(header: &'a str, key: &str) -> Option<&'a str> {
    let start = header.find(&format!("'{key}'"))? + key.len() + 2;
    let rest = header[start..].trim_start().strip_prefix(':')?.trim_start();
    let end = if rest.starts_with('(') {
        rest.find(')')? + 1
    } else {
        rest.find([',', '}'])?
    };
    Some(rest[..end].trim())
}

/// A `.npy` dtype: its float type and whether it is big-endian.
fn npy_dtype(descr: &str) -> Option<(Float, bool)> {
    let (order, kind) = descr.split_at(descr.char_indices().nth(1)?.0);
    let big = match order {
        "<" | "|" | "=" => false,
        ">" => true,
        _ => return None,
    };
    let float = match kind {
        "f2" => Float::F16,
        "f4" => Float::F32,
        "f8" => Float::F64,
        _ => return None,
    };
    // `=` is the writer's own order; NumPy writes `<` or `>` for floats.
    Some((float, big))
}

/// `values` of an array of `shape` in Fortran order (the first index fastest), in C order.
fn fortran_to_c(values: Vec<f32>, shape: &[usize]) -> Vec<f32> {
    if shape.len() < 2 {
        return values;
    }
    let mut strides = vec![1usize; shape.len()];
    for d in 1..shape.len() {
        strides[d] = strides[d - 1] * shape[d - 1];
    }
    let mut index = vec![0usize; shape.len()];
    let mut out = Vec::with_capacity(values.len());
    for _ in 0..values.len() {
        out.push(
            values[index
                .iter()
                .zip(&strides)
                .map(|(i, s)| i * s)
                .sum::<usize>()],
        );
        // The next index in C order: the last dimension fastest.
        for d in (0..shape.len()).rev() {
            index[d] += 1;
            if index[d] < shape[d] {
                break;
            }
            index[d] = 0;
        }
    }
    out
}

/// Parses one `.npy` array (format 1.0 to 3.0): float16, float32 or float64 of either byte
/// order, C or Fortran order.
pub fn parse_npy(bytes: &[u8], key: &str) -> Result<Tensor, ImportError> {
    let bad = |why: NpyProblem| ImportError::Npy {
        key: key.to_string(),
        why,
    };
    if bytes.len() < 10 || &bytes[..6] != b"\x93NUMPY" {
        return Err(bad(NpyProblem::NotNpy));
    }
    let (len, start): (usize, usize) = match bytes[6] {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        2 | 3 if bytes.len() >= 12 => (
            u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
            12,
        ),
        v => return Err(bad(NpyProblem::Version(v))),
    };
    let header = bytes
        .get(start..start.saturating_add(len))
        .and_then(|h| std::str::from_utf8(h).ok())
        .ok_or_else(|| bad(NpyProblem::Header))?;
    let descr = header_field(header, "descr").ok_or_else(|| bad(NpyProblem::NoDtype))?;
    let descr = descr.trim_matches(['\'', '"']);
    let (float, big) =
        npy_dtype(descr).ok_or_else(|| bad(NpyProblem::Dtype(crate::limits::echo(descr, 40))))?;
    let fortran = match header_field(header, "fortran_order") {
        Some("False") => false,
        Some("True") => true,
        other => {
            let said = crate::limits::echo(other.unwrap_or("(none)"), 40);
            return Err(bad(NpyProblem::Order(said)));
        }
    };
    let shape_text = header_field(header, "shape").ok_or_else(|| bad(NpyProblem::NoShape))?;
    let shape: Vec<usize> = shape_text
        .trim_matches(['(', ')'])
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::parse)
        .collect::<Result<_, _>>()
        .map_err(|_| bad(NpyProblem::Shape(crate::limits::echo(shape_text, 40))))?;
    let count = shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d));
    let data = &bytes[start + len..];
    if count.and_then(|n| n.checked_mul(float.width())) != Some(data.len()) {
        return Err(bad(NpyProblem::Size {
            shape: crate::limits::echo(shape_text, 40),
            needs: count.map_or("too many".into(), |n| n.to_string()),
            bytes: data.len(),
        }));
    }
    let values = floats(data, float, big).map_err(|v| bad(NpyProblem::NotFinite(v)))?;
    let values = if fortran {
        fortran_to_c(values, &shape)
    } else {
        values
    };
    Ok(Tensor { shape, values })
}

/// A little-endian `u16` or `u32` at `at`, or an error when the archive is cut short.
fn le(bytes: &[u8], at: usize, width: usize) -> Result<usize, ImportError> {
    let b = at
        .checked_add(width)
        .and_then(|end| bytes.get(at..end))
        .ok_or(ImportError::Zip("the zip archive is cut short"))?;
    Ok(b.iter().rev().fold(0, |n, &x| n << 8 | x as usize))
}

/// The members of a zip archive, as `np.savez` (stored) and `np.savez_compressed`
/// (deflated) write them: (name, contents). All of them together unpack to at most the file
/// limit: members that share one compressed stream (a zip bomb) stop there.
fn unzip(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, ImportError> {
    const END: &[u8] = b"PK\x05\x06";
    let end = (0..bytes.len().saturating_sub(21))
        .rev()
        .take(22 + usize::from(u16::MAX))
        .find(|&i| bytes[i..].starts_with(END))
        .ok_or(ImportError::Zip("no zip directory"))?;
    let (count, mut at) = (le(bytes, end + 10, 2)?, le(bytes, end + 16, 4)?);
    if count == 0xFFFF || at == 0xFFFF_FFFF {
        return Err(ImportError::Zip("a zip64 archive is not supported"));
    }
    let mut budget = crate::limits::MAX_FILE_BYTES;
    let mut members = Vec::with_capacity(count.min(1024));
    for _ in 0..count {
        if !bytes
            .get(at..)
            .is_some_and(|b| b.starts_with(b"PK\x01\x02"))
        {
            return Err(ImportError::Zip("a damaged zip directory"));
        }
        let method = le(bytes, at + 10, 2)?;
        let size = le(bytes, at + 20, 4)?;
        let (name_len, extra, comment) = (
            le(bytes, at + 28, 2)?,
            le(bytes, at + 30, 2)?,
            le(bytes, at + 32, 2)?,
        );
        let local = le(bytes, at + 42, 4)?;
        let name = bytes
            .get(at + 46..at + 46 + name_len)
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .ok_or(ImportError::Zip("the zip archive is cut short"))?;
        let member = |why: String| ImportError::Member {
            name: crate::limits::echo(&name, 80),
            why,
        };
        at += 46 + name_len + extra + comment;
        let start = local + 30 + le(bytes, local + 26, 2)? + le(bytes, local + 28, 2)?;
        let packed = bytes
            .get(start..start.saturating_add(size))
            .ok_or_else(|| member("the zip archive is cut short".into()))?;
        let mut data = Vec::new();
        // Bounded by what is left of the budget of all members.
        let read = match method {
            0 => packed.take(budget + 1).read_to_end(&mut data),
            8 => flate2::read::DeflateDecoder::new(packed)
                .take(budget + 1)
                .read_to_end(&mut data),
            m => {
                return Err(member(format!(
                    "zip compression method {m} is not supported"
                )));
            }
        };
        read.map_err(|e| member(e.to_string()))?;
        budget = budget
            .checked_sub(data.len() as u64)
            .ok_or(ImportError::Unpacked)?;
        members.push((name, data));
    }
    Ok(members)
}

/// Every array of an `.npz` file (a zip of `.npy` files), by name without `.npy`.
pub fn read_npz(bytes: &[u8]) -> Result<HashMap<String, Tensor>, ImportError> {
    unzip(bytes)?
        .into_iter()
        .map(|(name, data)| {
            let key = name.strip_suffix(".npy").unwrap_or(&name).to_string();
            let tensor = parse_npy(&data, &key)?;
            Ok((key, tensor))
        })
        .collect()
}

/// Every tensor of a safetensors file, by name.
pub fn read_safetensors(bytes: &[u8]) -> Result<HashMap<String, Tensor>, ImportError> {
    let file = safetensors::SafeTensors::deserialize(bytes)?;
    file.tensors()
        .into_iter()
        .map(|(name, view)| {
            let float = match view.dtype() {
                safetensors::Dtype::F16 => Float::F16,
                safetensors::Dtype::BF16 => Float::Bf16,
                safetensors::Dtype::F32 => Float::F32,
                safetensors::Dtype::F64 => Float::F64,
                other => {
                    return Err(ImportError::TensorType {
                        name,
                        dtype: format!("{other:?}"),
                    });
                }
            };
            let values =
                floats(view.data(), float, false).map_err(|value| ImportError::NotFinite {
                    name: name.clone(),
                    value,
                })?;
            Ok((
                name,
                Tensor {
                    shape: view.shape().to_vec(),
                    values,
                },
            ))
        })
        .collect()
}

/// One layer's tensors: the weight's name and tensor, the bias's, and whether the weight is
/// stored `[in, out]` (NumPy, scikit-learn) rather than `[out, in]` (PyTorch).
struct Named<'a> {
    weight: (&'a str, &'a Tensor),
    bias: (&'a str, &'a Tensor),
    in_out: bool,
}

/// The layers of a NumPy `.npz`: `W1, b1, ...` or `coefs_0, intercepts_0, ...`.
fn npz_layers(arrays: &HashMap<String, Tensor>) -> Result<Vec<Named<'_>>, ImportError> {
    let (w, b, first) = if arrays.contains_key("W1") {
        ("W", "b", 1)
    } else if arrays.contains_key("coefs_0") {
        ("coefs_", "intercepts_", 0)
    } else {
        let mut keys: Vec<String> = arrays.keys().map(|k| crate::limits::echo(k, 40)).collect();
        keys.sort();
        keys.truncate(20);
        return Err(ImportError::NoNumpyLayers(keys));
    };
    let mut layers = vec![];
    for i in first.. {
        let (wk, bk) = (format!("{w}{i}"), format!("{b}{i}"));
        let Some((wk, weight)) = arrays.get_key_value(&wk) else {
            break;
        };
        let (bk, bias) = arrays
            .get_key_value(&bk)
            .ok_or_else(|| ImportError::NoBias {
                weight: wk.clone(),
                bias: bk,
            })?;
        layers.push(Named {
            weight: (wk, weight),
            bias: (bk, bias),
            in_out: true,
        });
    }
    Ok(layers)
}

/// The layers of a PyTorch `nn.Sequential` state dict: `N.weight, N.bias` in the order of N.
fn torch_layers(tensors: &HashMap<String, Tensor>) -> Result<Vec<Named<'_>>, ImportError> {
    let mut weights: Vec<(&String, &Tensor)> = tensors
        .iter()
        .filter(|(k, _)| k.ends_with(".weight"))
        .collect();
    if weights.is_empty() {
        return Err(ImportError::NoTorchLayers);
    }
    // `10.weight` after `2.weight`: by number where the prefix is one.
    let order = |k: &str| {
        let prefix = k.trim_end_matches(".weight");
        let number = prefix
            .rsplit('.')
            .next()
            .and_then(|n| n.parse::<u64>().ok());
        (
            prefix.rsplit_once('.').map_or("", |p| p.0).to_string(),
            number,
            prefix.to_string(),
        )
    };
    weights.sort_by_key(|(k, _)| order(k));
    weights
        .into_iter()
        .map(|(wk, weight)| {
            let bk = format!("{}.bias", wk.trim_end_matches(".weight"));
            let (bk, bias) = tensors
                .get_key_value(&bk)
                .ok_or_else(|| ImportError::NoBias {
                    weight: wk.clone(),
                    bias: bk,
                })?;
            Ok(Named {
                weight: (wk, weight),
                bias: (bk, bias),
                in_out: false,
            })
        })
        .collect()
}

/// One layer's inputs and outputs from its weight's shape, checked against its bias.
fn layer_sizes(named: &Named<'_>) -> Result<(usize, usize), ImportError> {
    let (wk, w) = named.weight;
    let (bk, b) = named.bias;
    let [rows, cols] = w.shape[..] else {
        return Err(ImportError::NotMatrix {
            key: wk.to_string(),
            shape: w.shape.clone(),
        });
    };
    let (inputs, outputs) = if named.in_out {
        (rows, cols)
    } else {
        (cols, rows)
    };
    if inputs == 0 || outputs == 0 {
        return Err(ImportError::Empty {
            key: wk.to_string(),
            shape: w.shape.clone(),
        });
    }
    if b.shape != [outputs] {
        return Err(ImportError::BiasShape {
            bias: bk.to_string(),
            shape: b.shape.clone(),
            weight: wk.to_string(),
            outputs,
        });
    }
    crate::limits::check_sizes(&[inputs, outputs]).map_err(|over| ImportError::TooBig {
        key: wk.to_string(),
        over,
    })?;
    Ok((inputs, outputs))
}

/// Builds the network from its layers' tensors, checking shapes as it goes.
fn build(layers: &[Named<'_>], acts: &Activations) -> Result<Network, ImportError> {
    let relu = Activations {
        hidden: vec![Activation::Relu],
        head: acts.head,
    };
    let acts = if acts.hidden.is_empty() { &relu } else { acts };
    let hidden = layers.len().saturating_sub(1);
    if acts.hidden.len() != 1 && acts.hidden.len() != hidden {
        return Err(ImportError::Activations {
            hidden,
            given: acts.hidden.len(),
        });
    }
    let mut built = Vec::with_capacity(layers.len());
    let mut prev: Option<(&str, usize)> = None;
    for (l, named) in layers.iter().enumerate() {
        let (wk, w) = named.weight;
        let (inputs, outputs) = layer_sizes(named)?;
        if let Some((pk, given)) = prev
            && given != inputs
        {
            return Err(ImportError::Chain {
                layer: l + 1,
                weight: wk.to_string(),
                inputs,
                previous: pk.to_string(),
                given,
            });
        }
        prev = Some((wk, outputs));
        let weights = if named.in_out {
            Mat::from_fn(outputs, inputs, |o, i| w.values[i * outputs + o])
        } else {
            Mat::from_fn(outputs, inputs, |o, i| w.values[o * inputs + i])
        };
        let activation = if l + 1 == layers.len() {
            acts.head.unwrap_or(Activation::default_head(outputs))
        } else {
            acts.hidden[if acts.hidden.len() == 1 { 0 } else { l }]
        };
        built.push(Layer {
            weights,
            bias: DVector::from_column_slice(&named.bias.1.values),
            activation,
        });
    }
    Ok(Network::from_layers(built)?)
}

/// A network from an `.npz` file's bytes.
pub fn network_from_npz(bytes: &[u8], acts: &Activations) -> Result<Network, ImportError> {
    let arrays = read_npz(bytes)?;
    build(&npz_layers(&arrays)?, acts)
}

/// A network from a safetensors file's bytes.
pub fn network_from_safetensors(bytes: &[u8], acts: &Activations) -> Result<Network, ImportError> {
    let tensors = read_safetensors(bytes)?;
    let acts = with_metadata(bytes, acts)?;
    build(&torch_layers(&tensors)?, &acts)
}

/// `acts` with what it leaves out taken from the file's metadata, `activation` (`tanh` or
/// `tanh,relu`) and `output` (`softmax`), where the file has them.
fn with_metadata(bytes: &[u8], acts: &Activations) -> Result<Activations, ImportError> {
    let (_, meta) = safetensors::SafeTensors::read_metadata(bytes)?;
    let Some(meta) = meta.metadata() else {
        return Ok(acts.clone());
    };
    let parse = |key: &'static str, text: &str| {
        text.parse::<Activation>()
            .map_err(|why| ImportError::Metadata { key, why })
    };
    let mut acts = acts.clone();
    if acts.hidden.is_empty()
        && let Some(text) = meta.get("activation")
    {
        acts.hidden = text
            .split(',')
            .map(|a| parse("activation", a.trim()))
            .collect::<Result<_, _>>()?;
    }
    if acts.head.is_none()
        && let Some(text) = meta.get("output")
    {
        acts.head = Some(parse("output", text.trim())?);
    }
    Ok(acts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn fixture(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/data/models")
            .join(name)
    }

    fn rows(name: &str) -> Vec<Vec<f32>> {
        std::fs::read_to_string(fixture(name))
            .unwrap()
            .lines()
            .map(|l| l.split(',').map(|v| v.parse().unwrap()).collect())
            .collect()
    }

    /// The fixture network's outputs on the fixture points against NumPy's, made by
    /// tests/data/make_models.py.
    fn matches_numpy(file: &str, expected: &str, acts: &Activations) {
        let net = Network::load_with(&fixture(file), acts).unwrap();
        let points = rows("points.csv");
        let x = Mat::from_fn(2, points.len(), |r, c| points[c][r]);
        let out = net.forward(&x).unwrap();
        let expected = rows(expected);
        assert_eq!(
            (out.nrows(), out.ncols()),
            (expected[0].len(), expected.len())
        );
        for (c, row) in expected.iter().enumerate() {
            for (r, &v) in row.iter().enumerate() {
                let got = out[(r, c)];
                assert!(
                    (got - v).abs() <= 1e-6 * v.abs().max(1.0),
                    "{file}: point {c} output {r}: {got} vs {v}"
                );
            }
        }
    }

    #[test]
    fn npz_and_safetensors_networks_compute_what_numpy_computes() {
        matches_numpy("numpy.npz", "numpy_out.csv", &Activations::default());
        let tanh = Activations {
            hidden: vec![Activation::Tanh],
            head: None,
        };
        matches_numpy("sklearn.npz", "sklearn_out.csv", &tanh);
        matches_numpy(
            "torch.safetensors",
            "torch_out.csv",
            &Activations::default(),
        );
        let net = Network::load(&fixture("numpy.npz")).unwrap();
        assert_eq!(net.sizes(), vec![2, 5, 4, 3]);
        assert_eq!(net.head(), Activation::Softmax);
        let net = Network::load(&fixture("torch.safetensors")).unwrap();
        assert_eq!(net.sizes(), vec![2, 6, 6, 3]);
    }

    /// NumPy's and PyTorch's files as they really are (issue 27): Fortran order, float16,
    /// bfloat16, float64, big-endian, compressed; each loads to the numbers NumPy computes
    /// from the values as stored (tests/data/make_models.py).
    #[test]
    fn real_numpy_and_pytorch_dtypes_and_orders_load_to_numpys_numbers() {
        for (file, expected) in [
            ("fortran.npz", "fortran_out.csv"),
            ("float16.npz", "float16_out.csv"),
            ("bigendian.npz", "bigendian_out.csv"),
            ("float16.safetensors", "float16_safetensors_out.csv"),
            ("float64.safetensors", "float64_safetensors_out.csv"),
            ("bfloat16.safetensors", "bfloat16_out.csv"),
        ] {
            matches_numpy(file, expected, &Activations::default());
            let net = Network::load(&fixture(file)).unwrap();
            assert_eq!(net.sizes(), vec![2, 4, 3], "{file}");
        }
    }

    #[test]
    fn half_precision_values_are_exact() {
        for (bits, value) in [
            (0x3c00u16, 1.0),
            (0xc000, -2.0),
            (0x7bff, 65504.0),
            (0x0001, 5.960464477539063e-8),
            (0x3555, 0.333251953125),
        ] {
            assert_eq!(half_to_f64(bits), value, "{bits:#06x}");
        }
        assert!(half_to_f64(0x7e00).is_nan() && half_to_f64(0x7c00).is_infinite());
        let bf = Float::Bf16.read(&[0x80, 0x3f], false);
        assert_eq!(bf, 1.0);
        // A 2x3 array in Fortran order is its transpose's C order.
        let f = fortran_to_c(vec![1., 4., 2., 5., 3., 6.], &[2, 3]);
        assert_eq!(f, vec![1., 2., 3., 4., 5., 6.]);
    }

    /// A small archive whose members all point at one deflate stream of zeros: each member
    /// alone is under the limit, all of them together are not (issue 27: 67 KB reached
    /// 2.6 GB).
    #[test]
    fn members_sharing_one_stream_are_bounded_together() {
        use std::io::Write;
        let mut deflate = flate2::write::DeflateEncoder::new(vec![], flate2::Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..40 {
            deflate.write_all(&zeros).unwrap();
        }
        let stream = deflate.finish().unwrap();
        let mut zip = vec![];
        let local = zip.len();
        zip.extend_from_slice(b"PK\x03\x04");
        zip.extend_from_slice(&[0u8; 22]);
        zip.extend_from_slice(&[0, 0, 0, 0]);
        zip.extend_from_slice(&stream);
        let directory = zip.len();
        let members = 40u16;
        for i in 0..members {
            let name = format!("W{i}.npy");
            let mut entry = b"PK\x01\x02".to_vec();
            entry.extend_from_slice(&[0u8; 6]);
            entry.extend_from_slice(&8u16.to_le_bytes());
            entry.extend_from_slice(&[0u8; 8]);
            entry.extend_from_slice(&(stream.len() as u32).to_le_bytes());
            entry.extend_from_slice(&(40u32 << 20).to_le_bytes());
            entry.extend_from_slice(&(name.len() as u16).to_le_bytes());
            entry.extend_from_slice(&[0u8; 12]);
            entry.extend_from_slice(&(local as u32).to_le_bytes());
            entry.extend_from_slice(name.as_bytes());
            zip.extend_from_slice(&entry);
        }
        let size = zip.len() - directory;
        zip.extend_from_slice(b"PK\x05\x06");
        zip.extend_from_slice(&[0u8; 6]);
        zip.extend_from_slice(&members.to_le_bytes());
        zip.extend_from_slice(&(size as u32).to_le_bytes());
        zip.extend_from_slice(&(directory as u32).to_le_bytes());
        zip.extend_from_slice(&[0, 0]);
        assert!(zip.len() < 100_000, "{}", zip.len());
        let e = read_npz(&zip).unwrap_err().to_string();
        assert!(e.contains("in all"), "{e}");
    }

    fn npy(descr: &str, shape: &str, values: &[u8]) -> Vec<u8> {
        let header = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
        let mut out = b"\x93NUMPY\x01\x00".to_vec();
        out.extend_from_slice(&(header.len() as u16).to_le_bytes());
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(values);
        out
    }

    fn f32s(v: &[f32]) -> Vec<u8> {
        v.iter().flat_map(|x| x.to_le_bytes()).collect()
    }

    #[test]
    fn npy_arrays_read_and_bad_ones_name_their_key() {
        let t = parse_npy(
            &npy("<f4", "(2, 3)", &f32s(&[1., 2., 3., 4., 5., 6.])),
            "W1",
        )
        .unwrap();
        assert_eq!((t.shape, t.values[5]), (vec![2, 3], 6.0));
        let t = parse_npy(&npy("<f8", "(2,)", &[0u8; 16]), "b1").unwrap();
        assert_eq!(t.shape, vec![2]);
        let e = parse_npy(&npy("<i8", "(1,)", &[0u8; 8]), "W2").unwrap_err();
        assert_eq!(
            e.to_string(),
            "`W2`: dtype <i8; expected float16, float32 or float64"
        );
        let e = parse_npy(&npy("<f4", "(2, 3)", &[0u8; 8]), "W1").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("`W1`: shape (2, 3) needs 6 values"),
            "{e}"
        );
        let e = parse_npy(&npy("<f4", "(1,)", &f32s(&[f32::NAN])), "b2").unwrap_err();
        assert!(e.to_string().contains("`b2`: holds NaN"), "{e}");
    }

    fn tensor(shape: &[usize]) -> Tensor {
        Tensor {
            shape: shape.to_vec(),
            values: vec![0.5; shape.iter().product()],
        }
    }

    #[test]
    fn layers_that_do_not_chain_or_lack_a_key_are_named() {
        let acts = Activations::default();
        let build_npz = |pairs: &[(&str, &[usize])]| {
            let arrays: HashMap<String, Tensor> = pairs
                .iter()
                .map(|(k, s)| (k.to_string(), tensor(s)))
                .collect();
            npz_layers(&arrays)
                .and_then(|l| build(&l, &acts))
                .map(|n| n.sizes())
                .map_err(|e| e.to_string())
        };
        assert_eq!(
            build_npz(&[("W1", &[2, 4]), ("b1", &[4]), ("W2", &[4, 1]), ("b2", &[1])]),
            Ok(vec![2, 4, 1])
        );
        assert_eq!(
            build_npz(&[("W1", &[2, 4]), ("b1", &[4]), ("W2", &[3, 1]), ("b2", &[1])]),
            Err("`W2` (layer 2) takes 3 inputs but `W1` gives 4 outputs".into())
        );
        assert_eq!(
            build_npz(&[
                ("coefs_0", &[2, 4]),
                ("intercepts_0", &[4]),
                ("coefs_1", &[4, 2])
            ]),
            Err("`coefs_1` has no bias `intercepts_1`".into())
        );
        assert_eq!(
            build_npz(&[("W1", &[2, 4]), ("b1", &[3])]),
            Err("`b1` has shape [3]; `W1` has 4 outputs, so expected [4]".into())
        );
        assert!(
            build_npz(&[("weights", &[2, 4])])
                .unwrap_err()
                .contains("no `W1`")
        );
        assert_eq!(
            build_npz(&[("W1", &[0, 4]), ("b1", &[4])]),
            Err("`W1` has shape [0, 4]; a layer needs at least one input and one output".into())
        );
        // PyTorch order is by layer number, not by text: 10 after 2.
        let mut t: HashMap<String, Tensor> = HashMap::new();
        for (k, s) in [(0, [3, 2]), (2, [4, 3]), (10, [1, 4])] {
            t.insert(format!("{k}.weight"), tensor(&s));
            t.insert(format!("{k}.bias"), tensor(&s[..1]));
        }
        let net = build(&torch_layers(&t).unwrap(), &acts).unwrap();
        assert_eq!(net.sizes(), vec![2, 3, 4, 1]);
        let wrong = Activations {
            hidden: vec![Activation::Tanh; 3],
            head: None,
        };
        let e = build(&torch_layers(&t).unwrap(), &wrong).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the file has 2 hidden layer(s) but 3 activations were given"
        );
    }

    #[test]
    fn cut_or_damaged_files_are_errors_not_panics() {
        for name in ["numpy.npz", "sklearn.npz", "torch.safetensors"] {
            let bytes = std::fs::read(fixture(name)).unwrap();
            let read = |b: &[u8]| {
                if name.ends_with("npz") {
                    network_from_npz(b, &Activations::default())
                } else {
                    network_from_safetensors(b, &Activations::default())
                }
            };
            for cut in 0..bytes.len() {
                assert!(read(&bytes[..cut]).is_err(), "{name} cut at {cut}");
            }
            for i in (0..bytes.len()).step_by(3) {
                let mut b = bytes.clone();
                b[i] ^= 0x5A;
                let _ = read(&b);
            }
        }
    }

    #[test]
    fn a_safetensors_files_metadata_names_activations_the_caller_leaves_out() {
        use safetensors::tensor::TensorView;
        let bytes = |v: &[f32]| f32s(v);
        let (w0, b0, w1, b1) = (
            bytes(&[0.5; 6]),
            bytes(&[0.1; 3]),
            bytes(&[1.0; 3]),
            bytes(&[0.0]),
        );
        let file = |meta: &[(&str, &str)]| {
            let tensors = [
                (
                    "0.weight",
                    TensorView::new(safetensors::Dtype::F32, vec![3, 2], &w0).unwrap(),
                ),
                (
                    "0.bias",
                    TensorView::new(safetensors::Dtype::F32, vec![3], &b0).unwrap(),
                ),
                (
                    "2.weight",
                    TensorView::new(safetensors::Dtype::F32, vec![1, 3], &w1).unwrap(),
                ),
                (
                    "2.bias",
                    TensorView::new(safetensors::Dtype::F32, vec![1], &b1).unwrap(),
                ),
            ];
            let meta = meta
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            safetensors::serialize(tensors, Some(meta)).unwrap()
        };
        let acts = |net: &Network| {
            net.layers()
                .iter()
                .map(|l| l.activation)
                .collect::<Vec<_>>()
        };
        let tagged = file(&[("activation", "tanh"), ("output", "identity")]);
        let net = network_from_safetensors(&tagged, &Activations::default()).unwrap();
        assert_eq!(acts(&net), vec![Activation::Tanh, Activation::Identity]);
        let given = Activations {
            hidden: vec![Activation::Sine],
            head: None,
        };
        let net = network_from_safetensors(&tagged, &given).unwrap();
        assert_eq!(acts(&net), vec![Activation::Sine, Activation::Identity]);
        let plain = network_from_safetensors(&file(&[]), &Activations::default()).unwrap();
        assert_eq!(acts(&plain), vec![Activation::Relu, Activation::Sigmoid]);
        let bad = network_from_safetensors(&file(&[("activation", "swish")]), &given);
        assert!(
            bad.is_ok(),
            "given activations win, the metadata's are not read"
        );
        let bad =
            network_from_safetensors(&file(&[("activation", "swish")]), &Activations::default());
        assert!(
            bad.unwrap_err()
                .to_string()
                .starts_with("metadata `activation`: unknown activation `swish`")
        );
    }

    #[test]
    fn a_file_that_is_neither_is_refused_with_its_path() {
        let dir = std::env::temp_dir().join(format!("spacefold-import-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for name in ["x.npz", "x.safetensors"] {
            std::fs::write(dir.join(name), b"hello").unwrap();
            let e = Network::load(&dir.join(name)).unwrap_err().to_string();
            assert!(e.contains(name) && e.contains("not a"), "{e}");
        }
        std::fs::remove_dir_all(dir).unwrap();
    }
}
