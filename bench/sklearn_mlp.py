"""Trains scikit-learn's MLPClassifier on a CSV written by `spacefold data`, the way
`spacefold train` trains: same architecture, activation, Adam, learning rate, full batch,
fixed epochs, no L2, one thread. Prints one JSON object."""
import json
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier


def main():
    path, hidden, activation, lr, epochs = sys.argv[1:6]
    seed = int(sys.argv[6]) if len(sys.argv) > 6 else 0
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    x, y = data[:, :-1], data[:, -1].astype(int)
    hidden_sizes = tuple(int(h) for h in hidden.split("-") if h)
    clf = MLPClassifier(
        hidden_layer_sizes=hidden_sizes,
        activation={"sigmoid": "logistic", "identity": "identity"}.get(activation, activation),
        solver="adam",
        learning_rate_init=float(lr),
        batch_size=len(x),
        max_iter=int(epochs),
        alpha=0.0,
        shuffle=False,
        tol=0.0,
        n_iter_no_change=int(epochs) + 1,
        random_state=seed,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        clf.fit(x, y)
        seconds = time.perf_counter() - start
    print(json.dumps({
        "epochs": clf.n_iter_,
        "loss": clf.loss_,
        "train_accuracy": clf.score(x, y),
        "seconds": seconds,
    }))


if __name__ == "__main__":
    main()
