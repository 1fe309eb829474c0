//! Networks trained elsewhere: a NumPy `.npz` of `W1, b1, W2, b2, ...` (or scikit-learn's
//! `coefs_0, intercepts_0, ...`), weights shaped `[in, out]`; a safetensors file as PyTorch
//! saves an `nn.Sequential` of `Linear` layers, `0.weight, 0.bias, 2.weight, ...`, weights
//! shaped `[out, in]`. Neither format holds the activations: the caller gives them.

use super::Activation;
use super::network::{Layer, Mat, Network};
use nalgebra::DVector;
use std::collections::HashMap;
use std::io::Read;

/// A tensor read from a file: its shape and its values in C order, as `f32`.
#[derive(Clone, Debug, PartialEq)]
pub struct Tensor {
    /// The dimensions, outermost first.
    pub shape: Vec<usize>,
    /// The values, the last dimension varying fastest.
    pub values: Vec<f32>,
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

/// Values that are `f32` or `f64` little-endian, as `f32`; `what` names them in errors.
fn floats(bytes: &[u8], dtype: &str, what: &str) -> Result<Vec<f32>, String> {
    let to_f32 = |v: f64| {
        if v.is_finite() && v.abs() <= f32::MAX as f64 {
            Ok(v as f32)
        } else {
            Err(format!("{what} holds {v}, not a finite f32"))
        }
    };
    match dtype {
        "f4" => bytes
            .chunks_exact(4)
            .map(|c| to_f32(f32::from_le_bytes(c.try_into().unwrap()) as f64))
            .collect(),
        "f8" => bytes
            .chunks_exact(8)
            .map(|c| to_f32(f64::from_le_bytes(c.try_into().unwrap())))
            .collect(),
        other => Err(format!(
            "{what} is of type {other}; expected float32 or float64"
        )),
    }
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

/// Parses one `.npy` array (format 1.0 to 3.0): little-endian `f4` or `f8`, C order.
pub fn parse_npy(bytes: &[u8], key: &str) -> Result<Tensor, String> {
    let bad = |why: &str| format!("`{key}`: {why}");
    if bytes.len() < 10 || &bytes[..6] != b"\x93NUMPY" {
        return Err(bad("not a .npy array"));
    }
    let (len, start) = match bytes[6] {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        2 | 3 if bytes.len() >= 12 => (
            u32::from_le_bytes(bytes[8..12].try_into().unwrap()) as usize,
            12,
        ),
        v => return Err(bad(&format!(".npy format version {v} is not supported"))),
    };
    let header = bytes
        .get(start..start + len)
        .and_then(|h| std::str::from_utf8(h).ok())
        .ok_or_else(|| bad("a truncated .npy header"))?;
    let descr = header_field(header, "descr").ok_or_else(|| bad("no dtype in the header"))?;
    let descr = descr.trim_matches(['\'', '"']);
    let dtype = match descr {
        "<f4" | "<f8" => &descr[1..],
        other => {
            return Err(bad(&format!(
                "dtype {other}; expected float32 or float64 (little-endian)"
            )));
        }
    };
    if header_field(header, "fortran_order") != Some("False") {
        return Err(bad("Fortran-ordered; save it with np.ascontiguousarray"));
    }
    let shape_text = header_field(header, "shape").ok_or_else(|| bad("no shape in the header"))?;
    let shape: Vec<usize> = shape_text
        .trim_matches(['(', ')'])
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::parse)
        .collect::<Result<_, _>>()
        .map_err(|_| bad(&format!("shape {shape_text} does not read")))?;
    let count = shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d));
    let width = if dtype == "f4" { 4 } else { 8 };
    let data = &bytes[start + len..];
    if count.and_then(|n| n.checked_mul(width)) != Some(data.len()) {
        return Err(bad(&format!(
            "shape {shape_text} needs {} values, the array holds {} bytes",
            count.map_or("too many".into(), |n| n.to_string()),
            data.len()
        )));
    }
    let values = floats(data, dtype, &format!("`{key}`"))?;
    Ok(Tensor { shape, values })
}

/// A little-endian `u16` or `u32` at `at`, or an error when the archive is cut short.
fn le(bytes: &[u8], at: usize, width: usize) -> Result<usize, String> {
    let b = bytes
        .get(at..at + width)
        .ok_or("not an .npz file: the zip archive is cut short")?;
    Ok(b.iter().rev().fold(0, |n, &x| n << 8 | x as usize))
}

/// The members of a zip archive, as `np.savez` (stored) and `np.savez_compressed`
/// (deflated) write them: (name, contents), each unpacked to at most the file limit.
fn unzip(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    const END: &[u8] = b"PK\x05\x06";
    let end = (0..bytes.len().saturating_sub(21))
        .rev()
        .take(22 + usize::from(u16::MAX))
        .find(|&i| bytes[i..].starts_with(END))
        .ok_or("not an .npz file (no zip directory)")?;
    let (count, mut at) = (le(bytes, end + 10, 2)?, le(bytes, end + 16, 4)?);
    if count == 0xFFFF || at == 0xFFFF_FFFF {
        return Err("a zip64 .npz archive is not supported".into());
    }
    let mut members = Vec::with_capacity(count.min(1024));
    for _ in 0..count {
        if !bytes
            .get(at..)
            .is_some_and(|b| b.starts_with(b"PK\x01\x02"))
        {
            return Err("not an .npz file: a damaged zip directory".into());
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
            .ok_or("not an .npz file: the zip archive is cut short")?;
        at += 46 + name_len + extra + comment;
        let start = local + 30 + le(bytes, local + 26, 2)? + le(bytes, local + 28, 2)?;
        let packed = bytes
            .get(start..start + size)
            .ok_or_else(|| format!("`{name}`: the zip archive is cut short"))?;
        let limit = crate::limits::MAX_FILE_BYTES;
        let mut data = Vec::new();
        // Bounded: a zip bomb stops at the file limit.
        let read = match method {
            0 => packed.take(limit + 1).read_to_end(&mut data),
            8 => flate2::read::DeflateDecoder::new(packed)
                .take(limit + 1)
                .read_to_end(&mut data),
            m => {
                return Err(format!(
                    "`{name}`: zip compression method {m} is not supported"
                ));
            }
        };
        read.map_err(|e| format!("`{name}`: {e}"))?;
        if data.len() as u64 > limit {
            return Err(format!("`{name}` is over the limit of 64 MiB unpacked"));
        }
        members.push((name, data));
    }
    Ok(members)
}

/// Every array of an `.npz` file (a zip of `.npy` files), by name without `.npy`.
pub fn read_npz(bytes: &[u8]) -> Result<HashMap<String, Tensor>, String> {
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
pub fn read_safetensors(bytes: &[u8]) -> Result<HashMap<String, Tensor>, String> {
    let file = safetensors::SafeTensors::deserialize(bytes)
        .map_err(|e| format!("not a safetensors file: {e}"))?;
    file.tensors()
        .into_iter()
        .map(|(name, view)| {
            let dtype = match view.dtype() {
                safetensors::Dtype::F32 => "f4",
                safetensors::Dtype::F64 => "f8",
                other => {
                    return Err(format!(
                        "`{name}` is of type {other:?}; expected F32 or F64"
                    ));
                }
            };
            let values = floats(view.data(), dtype, &format!("`{name}`"))?;
            Ok((
                name.clone(),
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
fn npz_layers(arrays: &HashMap<String, Tensor>) -> Result<Vec<Named<'_>>, String> {
    let (w, b, first) = if arrays.contains_key("W1") {
        ("W", "b", 1)
    } else if arrays.contains_key("coefs_0") {
        ("coefs_", "intercepts_", 0)
    } else {
        let mut keys: Vec<&String> = arrays.keys().collect();
        keys.sort();
        return Err(format!(
            "no `W1` (NumPy: W1, b1, W2, b2, ...) or `coefs_0` (scikit-learn: coefs_0, \
             intercepts_0, ...); the file holds {keys:?}"
        ));
    };
    let mut layers = vec![];
    for i in first.. {
        let (wk, bk) = (format!("{w}{i}"), format!("{b}{i}"));
        let Some((wk, weight)) = arrays.get_key_value(&wk) else {
            break;
        };
        let (bk, bias) = arrays
            .get_key_value(&bk)
            .ok_or_else(|| format!("`{wk}` has no bias `{bk}`"))?;
        layers.push(Named {
            weight: (wk, weight),
            bias: (bk, bias),
            in_out: true,
        });
    }
    Ok(layers)
}

/// The layers of a PyTorch `nn.Sequential` state dict: `N.weight, N.bias` in the order of N.
fn torch_layers(tensors: &HashMap<String, Tensor>) -> Result<Vec<Named<'_>>, String> {
    let mut weights: Vec<(&String, &Tensor)> = tensors
        .iter()
        .filter(|(k, _)| k.ends_with(".weight"))
        .collect();
    if weights.is_empty() {
        return Err(
            "no `0.weight` (an nn.Sequential's Linear layers: 0.weight, 0.bias, ...)".into(),
        );
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
                .ok_or_else(|| format!("`{wk}` has no bias `{bk}`"))?;
            Ok(Named {
                weight: (wk, weight),
                bias: (bk, bias),
                in_out: false,
            })
        })
        .collect()
}

/// Builds the network from its layers' tensors, checking shapes as it goes.
fn build(layers: &[Named<'_>], acts: &Activations) -> Result<Network, String> {
    let relu = Activations {
        hidden: vec![Activation::Relu],
        head: acts.head,
    };
    let acts = if acts.hidden.is_empty() { &relu } else { acts };
    let hidden = layers.len().saturating_sub(1);
    if acts.hidden.len() != 1 && acts.hidden.len() != hidden {
        return Err(format!(
            "the file has {hidden} hidden layer(s) but {} activations were given",
            acts.hidden.len()
        ));
    }
    let mut built = Vec::with_capacity(layers.len());
    let mut prev: Option<(&str, usize)> = None;
    for (l, named) in layers.iter().enumerate() {
        let (wk, w) = named.weight;
        let (bk, b) = named.bias;
        let [rows, cols] = w.shape[..] else {
            return Err(format!(
                "`{wk}` has shape {:?}; expected two dimensions",
                w.shape
            ));
        };
        let (inputs, outputs) = if named.in_out {
            (rows, cols)
        } else {
            (cols, rows)
        };
        if inputs == 0 || outputs == 0 {
            return Err(format!(
                "`{wk}` has shape {:?}; a layer needs at least one input and one output",
                w.shape
            ));
        }
        if b.shape != [outputs] {
            return Err(format!(
                "`{bk}` has shape {:?}; `{wk}` has {outputs} outputs, so expected [{outputs}]",
                b.shape
            ));
        }
        if let Some((pk, given)) = prev
            && given != inputs
        {
            return Err(format!(
                "`{wk}` takes {inputs} inputs but `{pk}` gives {given} outputs"
            ));
        }
        crate::limits::check_sizes(&[inputs, outputs]).map_err(|e| format!("`{wk}`: {e}"))?;
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
            bias: DVector::from_column_slice(&b.values),
            activation,
        });
    }
    Network::from_layers(built).map_err(|e| e.to_string())
}

/// A network from an `.npz` file's bytes.
pub fn network_from_npz(bytes: &[u8], acts: &Activations) -> Result<Network, String> {
    let arrays = read_npz(bytes)?;
    build(&npz_layers(&arrays)?, acts)
}

/// A network from a safetensors file's bytes.
pub fn network_from_safetensors(bytes: &[u8], acts: &Activations) -> Result<Network, String> {
    let tensors = read_safetensors(bytes)?;
    let acts = with_metadata(bytes, acts)?;
    build(&torch_layers(&tensors)?, &acts)
}

/// `acts` with what it leaves out taken from the file's metadata, `activation` (`tanh` or
/// `tanh,relu`) and `output` (`softmax`), where the file has them.
fn with_metadata(bytes: &[u8], acts: &Activations) -> Result<Activations, String> {
    let (_, meta) = safetensors::SafeTensors::read_metadata(bytes)
        .map_err(|e| format!("not a safetensors file: {e}"))?;
    let Some(meta) = meta.metadata() else {
        return Ok(acts.clone());
    };
    let parse = |key: &str, text: &str| {
        text.parse::<Activation>()
            .map_err(|e| format!("metadata `{key}`: {e}"))
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
                    (got - v).abs() <= 1e-6,
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
            e,
            "`W2`: dtype <i8; expected float32 or float64 (little-endian)"
        );
        let e = parse_npy(&npy("<f4", "(2, 3)", &[0u8; 8]), "W1").unwrap_err();
        assert!(e.starts_with("`W1`: shape (2, 3) needs 6 values"), "{e}");
        let e = parse_npy(&npy("<f4", "(1,)", &f32s(&[f32::NAN])), "b2").unwrap_err();
        assert!(e.contains("`b2` holds NaN"), "{e}");
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
        };
        assert_eq!(
            build_npz(&[("W1", &[2, 4]), ("b1", &[4]), ("W2", &[4, 1]), ("b2", &[1])]),
            Ok(vec![2, 4, 1])
        );
        assert_eq!(
            build_npz(&[("W1", &[2, 4]), ("b1", &[4]), ("W2", &[3, 1]), ("b2", &[1])]),
            Err("`W2` takes 3 inputs but `W1` gives 4 outputs".into())
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
            e,
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
