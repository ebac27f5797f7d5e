"""`backward(grad_out, input_grad=False)`: the training shortcut that skips dL/dX."""

import numpy as np

import nnbook as nb


def _model(rng):
    return nb.Sequential(nb.Linear(3, 5, rng=rng), nb.Tanh(), nb.Linear(5, 2, rng=rng))


def test_skipping_the_input_gradient_leaves_parameter_gradients_bit_identical():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(7, 3)), rng.integers(0, 2, size=7)
    a, b = _model(np.random.default_rng(1)), _model(np.random.default_rng(1))
    loss = nb.CrossEntropyLoss()
    loss(a.forward(X), y)
    grad_x = a.backward(loss.backward())
    loss(b.forward(X), y)
    skipped = b.backward(loss.backward(), input_grad=False)
    assert skipped is None
    assert grad_x.shape == X.shape
    for (name, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
        assert np.array_equal(p.grad, q.grad), name
