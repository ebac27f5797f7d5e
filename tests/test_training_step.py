"""The training step computes, bit for bit, what the plain formulas compute.

The step is written for speed (gradients written straight into ``.grad`` after
``zero_grad``, a cross-entropy with fewer temporaries, constants as 0-d arrays),
and the chapters' stored outputs hang on the last bit of every step. So every
loss, gradient and weight of a few steps of training is compared, byte for byte,
with the same steps written the plain way: ``Z = X @ W + b``, ``log_softmax`` as
``shifted - log(sum(exp(shifted)))``, gradients added into zeroed arrays,
``W -= lr * grad``.
"""

from __future__ import annotations

import numpy as np
import pytest

import nnbook as nb


def same_bits(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


class Reference:
    """An MLP (ReLU or Tanh), softmax cross-entropy and plain SGD, in NumPy, the straightforward way."""

    def __init__(self, weights: list[np.ndarray], biases: list[np.ndarray], act: str, lr: float) -> None:
        self.W = [w.copy() for w in weights]
        self.b = [b.copy() for b in biases]
        self.act, self.lr = act, lr

    def step(self, X: np.ndarray, y: np.ndarray) -> tuple[float, list[np.ndarray]]:
        W, b, last = self.W, self.b, len(self.W) - 1
        inputs, pre = [], []
        h = X
        for i in range(len(W)):
            inputs.append(h)
            z = h @ W[i] + b[i]
            pre.append(z)
            h = z if i == last else (np.maximum(z, 0) if self.act == "relu" else np.tanh(z))
        n = X.shape[0]
        rows = np.arange(n)
        shifted = h - h.max(axis=1, keepdims=True)
        logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = float(-logp[rows, y].sum() * (1.0 / n))
        g = np.exp(logp)
        g[rows, y] -= 1
        g *= 1.0 / n
        grads: list[np.ndarray] = []
        for i in range(last, -1, -1):
            gW, gb = np.zeros_like(W[i]), np.zeros_like(b[i])
            gW += inputs[i].T @ g
            gb += g.sum(axis=0)
            grads[:0] = [gW, gb]
            if i:
                g = g @ W[i].T
                if self.act == "relu":
                    g = g * (pre[i - 1] > 0)
                else:
                    t = np.tanh(pre[i - 1])
                    g = g * (1 - t * t)
        for p, gp in zip([a for wb in zip(W, b) for a in wb], grads):
            p -= self.lr * gp
        return loss, grads

    def params(self) -> list[np.ndarray]:
        return [a for wb in zip(self.W, self.b) for a in wb]


CASES = {
    # name: sizes, activation, dtype, batch, learning rate, input scale
    "tiny benchmark, two classes": ((2, 16, 16, 2), "relu", np.float64, 64, 0.1, 1.0),
    "float32, ten classes": ((20, 32, 32, 10), "relu", np.float32, 48, 0.05, 1.0),
    "tanh, three classes": ((3, 8, 3), "tanh", np.float64, 17, 0.3, 1.0),
    "float32, five classes": ((4, 6, 5), "relu", np.float32, 9, 0.2, 1.0),
    "one class": ((3, 4, 1), "relu", np.float64, 5, 0.2, 1.0),
    "dying ReLUs at learning rate 1": ((2, 8, 8, 3), "relu", np.float64, 32, 1.0, 3.0),
    "float32 tanh, logits near 1e4": ((2, 5, 2), "tanh", np.float32, 16, 0.01, 1e4),
}


@pytest.mark.parametrize("name", list(CASES))
def test_training_steps_are_bit_identical_to_the_plain_formulas(name):
    sizes, act, dtype, n, lr, scale = CASES[name]
    rng = np.random.default_rng(7)
    layers: list[nb.Module] = []
    for i in range(len(sizes) - 1):
        layers.append(nb.Linear(sizes[i], sizes[i + 1], rng=rng, dtype=dtype, bias_init="normal"))
        if i < len(sizes) - 2:
            layers.append(nb.ReLU() if act == "relu" else nb.Tanh())
    model = nb.Sequential(*layers)
    linears = [m for m in model if isinstance(m, nb.Linear)]
    ref = Reference([m.weight.value for m in linears], [m.bias.value for m in linears], act, lr)
    loss, opt = nb.CrossEntropyLoss(), nb.SGD(model.parameters(), lr=lr)
    zero_grads = 0
    for step in range(12):
        X = (scale * rng.normal(size=(n, sizes[0]))).astype(dtype)
        y = rng.integers(0, sizes[-1], size=n)
        want_loss, want_grads = ref.step(X, y)
        opt.zero_grad()
        got_loss = loss(model.forward(X), y)
        model.backward(loss.backward(), input_grad=False)
        grads = [p.grad.copy() for p in model.parameters()]
        opt.step()
        assert same_bits(got_loss, want_loss), (step, got_loss, want_loss)
        for j, (g, want) in enumerate(zip(grads, want_grads)):
            assert same_bits(g, want), f"step {step}: gradient {j} differs"
        for j, (p, want) in enumerate(zip(model.parameters(), ref.params())):
            assert same_bits(p.value, want), f"step {step}: parameter {j} differs after the update"
        zero_grads += sum(int(np.sum(g == 0)) for g in grads)
    if name.startswith("dying"):
        assert zero_grads > 0  # dead units: exact zeros (sums of signed zeros) were compared too


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("k", [1, 2, 3, 4, 5, 7])
def test_cross_entropy_is_bit_identical_to_log_softmax(k, dtype):
    rng = np.random.default_rng(k)
    n = 11
    for scale in (1.0, 30.0, 1e4):
        z = (scale * rng.normal(size=(n, k))).astype(dtype)
        z[0] = 0.0      # ties, and a row whose maximum is a zero
        z[1, :] = -0.0
        y = rng.integers(0, k, size=n)
        for reduction, s in (("mean", 1.0 / n), ("sum", 1.0)):
            loss = nb.CrossEntropyLoss(reduction=reduction)
            value = loss(z, y)
            logp = nb.functional.log_softmax(z, axis=1)
            rows = np.arange(n)
            grad = np.exp(logp)
            grad[rows, y] -= 1
            grad *= s
            assert same_bits(value, float(-logp[rows, y].sum() * s))
            assert same_bits(loss.backward(), grad)
