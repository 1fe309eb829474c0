"""Makes the network fixtures of spacefold's import test (src/nn/import.rs).

Run from anywhere with numpy and safetensors installed (`pip install numpy safetensors`):

    python3 tests/data/make_models.py

It writes, into tests/data/models/, three small networks in the formats users bring, the points they
are evaluated on, and each network's outputs on those points computed here by NumPy, in
float32 as spacefold computes. spacefold's outputs must equal these to 1e-6.
"""

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
