"""Makes the network fixtures of spacefold's import test (src/nn/import.rs).

Run from anywhere with numpy and safetensors installed (`pip install numpy safetensors`):

    python3 tests/data/make_models.py

It writes, into tests/data/models/, three small networks in the formats users bring, the points they
are evaluated on, and each network's outputs on those points computed here by NumPy, in
float32 as spacefold computes. spacefold's outputs must equal these to 1e-6.
"""

import json
import os

import numpy as np
from safetensors.numpy import save_file

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models")
rng = np.random.default_rng(17)


def f32(*shape):
    return rng.normal(0.0, 0.8, size=shape).astype(np.float32)


def relu(z):
    return np.maximum(z, np.float32(0))


def sigmoid(z):
    return (np.float32(1) / (np.float32(1) + np.exp(-z))).astype(np.float32)


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)


def forward(layers, x):
    """`layers`: (W shaped [in, out], b, activation) each; `x`: one point a row."""
    a = x
    for w, b, act in layers:
        a = act((a @ w + b).astype(np.float32))
    return a


def write_csv(name, rows):
    with open(os.path.join(HERE, name), "w") as f:
        for row in rows:
            f.write(",".join(repr(float(v)) for v in row) + "\n")


points = rng.uniform(-2.0, 2.0, size=(24, 2)).astype(np.float32)
write_csv("points.csv", points)

# NumPy names, float64 in the file: 2-5-4-3, ReLU hidden, softmax out (the defaults).
numpy_net = [(f32(2, 5), f32(5), relu), (f32(5, 4), f32(4), relu), (f32(4, 3), f32(3), softmax)]
np.savez(
    os.path.join(HERE, "numpy.npz"),
    **{k: v.astype(np.float64) for i, (w, b, _) in enumerate(numpy_net, 1) for k, v in ((f"W{i}", w), (f"b{i}", b))},
)
write_csv("numpy_out.csv", forward(numpy_net, points))

# scikit-learn's names, float32, compressed: 2-3-1, tanh hidden, sigmoid out (one output).
sk_net = [(f32(2, 3), f32(3), np.tanh), (f32(3, 1), f32(1), sigmoid)]
np.savez_compressed(
    os.path.join(HERE, "sklearn.npz"),
    **{k: v for i, (w, b, _) in enumerate(sk_net) for k, v in ((f"coefs_{i}", w), (f"intercepts_{i}", b))},
)
write_csv("sklearn_out.csv", forward(sk_net, points))

# PyTorch's nn.Sequential(Linear, ReLU, Linear, ReLU, Linear) state dict: weights [out, in].
torch_net = [(f32(2, 6), f32(6), relu), (f32(6, 6), f32(6), relu), (f32(6, 3), f32(3), softmax)]
save_file(
    {k: np.ascontiguousarray(v) for i, (w, b, _) in enumerate(torch_net) for k, v in ((f"{2 * i}.weight", w.T), (f"{2 * i}.bias", b))},
    os.path.join(HERE, "torch.safetensors"),
)
write_csv("torch_out.csv", forward(torch_net, points))


# Arrays as NumPy and PyTorch really store them (issue 27): each network 2-4-3, ReLU hidden,
# softmax out, its outputs computed here in float32 from the values as stored.
rng2 = np.random.default_rng(29)


def net_2_4_3():
    return [(rng2.normal(0.0, 0.8, size=s).astype(np.float32), rng2.normal(0.0, 0.8, size=s[1]).astype(np.float32), a)
            for s, a in (((2, 4), relu), ((4, 3), softmax))]


def as_stored(net, dtype):
    """The network with its values rounded to `dtype` and back to float32, as spacefold reads them."""
    return [(w.astype(dtype).astype(np.float32), b.astype(dtype).astype(np.float32), a) for w, b, a in net]


def npz_arrays(net, convert):
    return {k: convert(v) for i, (w, b, _) in enumerate(net, 1) for k, v in ((f"W{i}", w), (f"b{i}", b))}


# np.savez of a transposed array: Fortran order ('fortran_order': True), float32.
net = net_2_4_3()
np.savez(os.path.join(HERE, "fortran.npz"), **npz_arrays(net, lambda v: np.ascontiguousarray(v.T).T))
write_csv("fortran_out.csv", forward(net, points))

# float16 weights.
net = net_2_4_3()
np.savez(os.path.join(HERE, "float16.npz"), **npz_arrays(net, lambda v: v.astype(np.float16)))
write_csv("float16_out.csv", forward(as_stored(net, np.float16), points))

# Big-endian float64 and float32, compressed, Fortran-ordered where two-dimensional.
net = net_2_4_3()
big = lambda v: np.asfortranarray(v.astype(">f8") if v.ndim == 2 else v.astype(">f4"))
np.savez_compressed(os.path.join(HERE, "bigendian.npz"), **npz_arrays(net, big))
write_csv("bigendian_out.csv", forward(net, points))


def torch_tensors(net, convert):
    return {k: convert(v) for i, (w, b, _) in enumerate(net) for k, v in ((f"{2 * i}.weight", np.ascontiguousarray(w.T)), (f"{2 * i}.bias", b))}


# safetensors in float16 and float64.
net = net_2_4_3()
save_file(torch_tensors(net, lambda v: v.astype(np.float16)), os.path.join(HERE, "float16.safetensors"))
write_csv("float16_safetensors_out.csv", forward(as_stored(net, np.float16), points))
net = net_2_4_3()
save_file(torch_tensors(net, lambda v: v.astype(np.float64)), os.path.join(HERE, "float64.safetensors"))
write_csv("float64_safetensors_out.csv", forward(net, points))


def bf16(v):
    """bfloat16 as PyTorch stores it: the top 16 bits of float32, rounded to nearest even."""
    bits = v.astype(np.float32).view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return rounded.astype(np.uint16)


def bf16_value(v):
    return (bf16(v).astype(np.uint32) << 16).view(np.float32)


# bfloat16, written by hand (safetensors' NumPy writer has no bfloat16): the header, then the data.
net = net_2_4_3()
tensors = torch_tensors(net, lambda v: v)
header, data, at = {}, b"", 0
for name, v in tensors.items():
    raw = bf16(v).astype("<u2").tobytes()
    header[name] = {"dtype": "BF16", "shape": list(v.shape), "data_offsets": [at, at + len(raw)]}
    data += raw
    at += len(raw)
text = json.dumps(header, separators=(",", ":")).encode()
text += b" " * (-len(text) % 8)
with open(os.path.join(HERE, "bfloat16.safetensors"), "wb") as f:
    f.write(len(text).to_bytes(8, "little") + text + data)
write_csv("bfloat16_out.csv", forward([(bf16_value(w), bf16_value(b), a) for w, b, a in net], points))
