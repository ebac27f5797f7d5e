"""fit, evaluate and accuracy: networks that learn, reproducibility, dtypes, history, errors."""

from __future__ import annotations

import numpy as np
import pytest

import nnbook as nb


def _xor_net(hidden: int, seed: int) -> nb.Sequential:
    rng = np.random.default_rng(seed)
    return nb.Sequential(nb.Linear(2, hidden, rng=rng), nb.Tanh(), nb.Linear(hidden, 1, rng=rng))


@pytest.mark.parametrize("hidden", [2, 4])
def test_xor_is_learned(hidden):
    X, y = nb.data.xor()
    model = _xor_net(hidden, seed=0)
    loss = nb.BCEWithLogitsLoss()
    history = nb.fit(model, loss, nb.SGD(model.parameters(), lr=0.5, momentum=0.9), X, y, epochs=500)
    assert np.array_equal(loss.predict(model(X)), y)  # all four points right
    assert history["accuracy"][-1] == 1.0
    assert history["loss"][-1] < 0.05 < history["loss"][0]


def test_xor_is_not_learned_without_a_hidden_layer():
    X, y = nb.data.xor()
    rng = np.random.default_rng(0)
    model = nb.Sequential(nb.Linear(2, 1, rng=rng))
    loss = nb.BCEWithLogitsLoss()
    nb.fit(model, loss, nb.SGD(model.parameters(), lr=0.5, momentum=0.9), X, y, epochs=500)
    assert nb.accuracy(loss, model(X), y) <= 0.75


def _spiral_run(seed: int, hidden: int = 32, dtype=np.float64, epochs: int = 100):
    rng = np.random.default_rng(seed)
    X, y = nb.data.make_spirals(300, n_classes=3, rng=rng)
    model = nb.Sequential(
        nb.Linear(2, hidden, init="he_normal", rng=rng, dtype=dtype), nb.ReLU(),
        nb.Linear(hidden, hidden, init="he_normal", rng=rng, dtype=dtype), nb.ReLU(),
        nb.Linear(hidden, 3, rng=rng, dtype=dtype),
    )
    loss = nb.CrossEntropyLoss()
    history = nb.fit(model, loss, nb.SGD(model.parameters(), lr=0.1, momentum=0.9), X, y,
                     epochs=epochs, batch_size=32, rng=rng)
    return model, loss, history, X, y


def test_mlp_with_softmax_output_separates_three_spirals():
    model, loss, history, X, y = _spiral_run(seed=0)
    assert nb.evaluate(model, loss, X, y)["accuracy"] > 0.95
    assert history["accuracy"][-1] > 0.95
    assert history["loss"][-1] < 0.2 * history["loss"][0]


def test_a_linear_softmax_model_cannot_separate_the_spirals():
    rng = np.random.default_rng(0)
    X, y = nb.data.make_spirals(300, n_classes=3, rng=rng)
    model = nb.Sequential(nb.Linear(2, 3, rng=rng))
    loss = nb.CrossEntropyLoss()
    nb.fit(model, loss, nb.SGD(model.parameters(), lr=0.1, momentum=0.9), X, y, epochs=100, batch_size=32, rng=rng)
    assert nb.evaluate(model, loss, X, y)["accuracy"] < 0.6


def test_same_seed_gives_bit_identical_training():
    model_a, _, history_a, _, _ = _spiral_run(seed=3, hidden=8, epochs=15)
    model_b, _, history_b, _, _ = _spiral_run(seed=3, hidden=8, epochs=15)
    model_c, _, _, _, _ = _spiral_run(seed=4, hidden=8, epochs=15)
    assert all(np.array_equal(p.value, q.value) for p, q in zip(model_a.parameters(), model_b.parameters()))
    assert history_a == history_b
    assert not np.array_equal(model_a[0].weight.value, model_c[0].weight.value)


def test_same_seed_gives_bit_identical_training_with_random_units():
    def run():
        rng = np.random.default_rng(11)
        X, y = nb.data.make_moons(64, rng=rng)
        model = nb.Sequential(nb.Linear(2, 6, rng=rng), nb.RReLU(rng=rng), nb.Linear(6, 1, rng=rng))
        nb.fit(model, nb.BCEWithLogitsLoss(), nb.SGD(model.parameters(), lr=0.2), X, y, epochs=5, batch_size=16, rng=rng)
        return model

    a, b = run(), run()
    assert all(np.array_equal(p.value, q.value) for p, q in zip(a.parameters(), b.parameters()))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_training_works_end_to_end_in(dtype):
    model, loss, history, X, y = _spiral_run(seed=1, hidden=16, dtype=dtype, epochs=40)
    out = model(X)
    assert out.dtype == dtype
    for p in model.parameters():
        assert p.value.dtype == dtype and p.grad.dtype == dtype
    assert all(np.isfinite(history["loss"]))
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert nb.evaluate(model, loss, X, y)["accuracy"] > 0.8


def test_float32_and_float64_models_agree_closely():
    m32, _, h32, X, _ = _spiral_run(seed=2, hidden=8, dtype=np.float32, epochs=3)
    m64, _, h64, _, _ = _spiral_run(seed=2, hidden=8, dtype=np.float64, epochs=3)
    np.testing.assert_allclose(h32["loss"], h64["loss"], rtol=1e-4)
    np.testing.assert_allclose(m32(X), m64(X), rtol=1e-3, atol=1e-4)


def test_float32_regression_with_mse_stays_float32():
    rng = np.random.default_rng(5)
    X, y = nb.data.make_regression_1d(64, rng=rng)
    model = nb.Sequential(nb.Linear(1, 16, rng=rng, dtype=np.float32), nb.Tanh(), nb.Linear(16, 1, rng=rng, dtype=np.float32))
    history = nb.fit(model, nb.MSELoss(), nb.SGD(model.parameters(), lr=0.1, momentum=0.9), X, y, epochs=60, batch_size=16, rng=rng)
    assert model(X).dtype == np.float32
    assert "accuracy" not in history
    assert history["loss"][-1] < history["loss"][0]


# -- history, evaluate, accuracy ---------------------------------------------------------


def test_full_batch_history_records_the_loss_before_each_step():
    X, y = nb.data.xor()
    model = _xor_net(3, seed=1)
    loss = nb.BCEWithLogitsLoss()
    start = loss(model(X), y)
    history = nb.fit(model, loss, nb.SGD(model.parameters(), lr=0.3), X, y, epochs=3)
    assert history["loss"][0] == pytest.approx(start, rel=1e-15)
    assert len(history["loss"]) == len(history["accuracy"]) == 3


def test_minibatch_history_is_the_mean_over_batches(rng):
    X, y = nb.data.make_blobs(40, rng=rng)
    model = nb.Sequential(nb.Linear(2, 3, rng=rng))
    loss = nb.CrossEntropyLoss()
    seen = []

    class Recording(nb.CrossEntropyLoss):
        def forward(self, prediction, target):
            value = super().forward(prediction, target)
            seen.append((value, len(target)))
            return value

    history = nb.fit(model, Recording(), nb.SGD(model.parameters(), lr=0.05), X, y, epochs=1, batch_size=16,
                     rng=np.random.default_rng(0))
    assert [n for _, n in seen] == [16, 16, 8]
    assert history["loss"][0] == pytest.approx(sum(v * n for v, n in seen) / 40, rel=1e-14)
    assert loss.is_classification


def test_validation_data_and_callback():
    X, y = nb.data.xor()
    model = _xor_net(4, seed=2)
    calls = []
    history = nb.fit(model, nb.BCEWithLogitsLoss(), nb.SGD(model.parameters(), lr=0.5), X, y, epochs=4,
                     validation_data=(X, y), callback=lambda epoch, m, h: calls.append((epoch, m, len(h["loss"]))))
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 4 for v in history.values())
    assert calls == [(0, model, 1), (1, model, 2), (2, model, 3), (3, model, 4)]
    # validation is measured after the epoch's step
    assert history["val_loss"][0] == pytest.approx(history["loss"][1], rel=1e-14)


def test_zero_epochs_changes_nothing():
    X, y = nb.data.xor()
    model = _xor_net(2, seed=0)
    before = [p.value.copy() for p in model.parameters()]
    history = nb.fit(model, nb.BCEWithLogitsLoss(), nb.SGD(model.parameters(), lr=0.5), X, y, epochs=0)
    assert history == {"loss": [], "accuracy": []}
    assert all(np.array_equal(p.value, b) for p, b in zip(model.parameters(), before))


def test_progress_bar_runs(capsys):
    X, y = nb.data.xor()
    model = _xor_net(2, seed=0)
    history = nb.fit(model, nb.BCEWithLogitsLoss(), nb.SGD(model.parameters(), lr=0.5), X, y, epochs=3, progress=True)
    assert len(history["loss"]) == 3
    bar = capsys.readouterr().err  # tqdm draws on stderr: the count of epochs, the unit and the last loss
    assert "3/3" in bar and "epoch" in bar and f"loss={history['loss'][-1]:.4g}" in bar
    nb.fit(model, nb.BCEWithLogitsLoss(), nb.SGD(model.parameters(), lr=0.5), X, y, epochs=3)
    assert capsys.readouterr().err == ""  # no bar unless asked


def test_evaluate_and_accuracy():
    model = nb.Sequential(nb.Identity())
    out = np.array([[2.0, 0.0, 1.0], [0.0, 3.0, 1.0], [0.0, 0.0, 5.0], [4.0, 0.0, 0.0]])
    y = np.array([0, 1, 1, 0])
    result = nb.evaluate(model, nb.CrossEntropyLoss(), out, y)
    assert result["accuracy"] == 0.75
    assert result["loss"] == pytest.approx(nb.CrossEntropyLoss()(out, y))
    assert nb.accuracy(nb.BCEWithLogitsLoss(), np.array([[1.0], [-1.0]]), np.array([[1], [1]])) == 0.5
    assert set(nb.evaluate(model, nb.MSELoss(), out, out)) == {"loss"}


def test_accuracy_with_mismatched_lengths_raises():
    with pytest.raises(ValueError, match="accuracy: 2 predictions but 3 labels"):
        nb.accuracy(nb.CrossEntropyLoss(), np.zeros((2, 3)), np.zeros(3))


def test_fit_errors():
    X, y = nb.data.xor()
    model = _xor_net(2, seed=0)
    opt = nb.SGD(model.parameters(), lr=0.5)
    loss = nb.BCEWithLogitsLoss()
    with pytest.raises(ValueError, match="fit: X has 4 rows but y has 3 targets"):
        nb.fit(model, loss, opt, X, y[:3], epochs=1)
    with pytest.raises(ValueError, match="fit: epochs must be a non-negative integer, got -1"):
        nb.fit(model, loss, opt, X, y, epochs=-1)
    with pytest.raises(ValueError, match="fit: epochs must be a non-negative integer, got 2.5"):
        nb.fit(model, loss, opt, X, y, epochs=2.5)
    with pytest.raises(ValueError, match="fit: mini-batch training shuffles the data and needs rng"):
        nb.fit(model, loss, opt, X, y, epochs=1, batch_size=2)
    with pytest.raises(TypeError, match="fit: rng must be a numpy.random.Generator, e.g. np.random.default_rng"):
        nb.fit(model, loss, opt, X, y, epochs=1, batch_size=2, rng=0)


class LoggingLinear(nb.Linear):
    """A reader's own layer: overrides backward(grad_out) with the documented one-argument signature."""

    def backward(self, grad_out):
        self.calls = getattr(self, "calls", 0) + 1
        return super().backward(grad_out)


class Scale(nb.Module):
    """A reader's own parameter-free module with forward/backward only."""

    def forward(self, x):
        return 2 * x

    def backward(self, grad_out):
        return 2 * grad_out


@pytest.mark.parametrize("first", ["LoggingLinear", "Scale"])
def test_fit_works_with_a_custom_first_layer(first, rng):
    X, y = nb.data.xor()
    head = LoggingLinear(2, 4, rng=rng) if first == "LoggingLinear" else Scale()
    rest = [nb.Linear(2, 4, rng=rng)] if first == "Scale" else []
    model = nb.Sequential(head, *rest, nb.Tanh(), nb.Linear(4, 1, rng=rng))
    history = nb.fit(model, nb.BCEWithLogitsLoss(), nb.SGD(model.parameters(), lr=0.5), X, y, epochs=3)
    assert len(history["loss"]) == 3
    if first == "LoggingLinear":
        assert head.calls == 3


class TracedSequential(nb.Sequential):
    """A reader's own container overriding backward(grad_out)."""

    def backward(self, grad_out):
        self.calls = getattr(self, "calls", 0) + 1
        return super().backward(grad_out)


def test_fit_works_with_a_custom_container(rng):
    X, y = nb.data.xor()
    model = TracedSequential(nb.Linear(2, 4, rng=rng), nb.Tanh(), nb.Linear(4, 1, rng=rng))
    nb.fit(model, nb.BCEWithLogitsLoss(), nb.SGD(model.parameters(), lr=0.5), X, y, epochs=2)
    assert model.calls == 2


def test_evaluate_runs_randomized_layers_in_evaluation_mode_and_restores_each_mode(rng):
    model = nb.Sequential(nb.Linear(3, 4, rng=rng), nb.RReLU(rng=np.random.default_rng(1)), nb.Linear(4, 1, rng=rng))
    X, y = rng.normal(size=(50, 3)), rng.normal(size=(50, 1))
    first = nb.evaluate(model, nb.MSELoss(), X, y)["loss"]
    again = nb.evaluate(model, nb.MSELoss(), X, y)["loss"]
    assert first == again  # in training mode RReLU would draw new slopes each call
    model.eval()
    assert first == nb.MSELoss()(model.forward(X), y)
    model.train()
    assert all(m.training for m in model)
    model[1].eval()  # a mode set by hand on one layer survives evaluate
    nb.evaluate(model, nb.MSELoss(), X, y)
    assert [m.training for m in model] == [True, False, True] and model.training


def test_fit_validation_loss_is_the_evaluation_mode_loss(rng):
    model = nb.Sequential(nb.Linear(2, 8, rng=rng), nb.RReLU(rng=np.random.default_rng(2)), nb.Linear(8, 1, rng=rng))
    X, y = rng.normal(size=(40, 2)), rng.normal(size=(40, 1))
    seen = []
    history = nb.fit(model, nb.MSELoss(), nb.SGD(model.parameters(), lr=0.05), X, y, epochs=3,
                     validation_data=(X, y), callback=lambda e, m, h: seen.append(m[1].training))
    model.eval()
    assert history["val_loss"][-1] == nb.MSELoss()(model.forward(X), y)
    assert seen == [True, True, True]  # training resumes in training mode after each validation


class Blocks(nb.Module):
    """A reader's own container keeping its layers in a plain list attribute."""

    def __init__(self, rng):
        self.blocks = [nb.Linear(2, 6, rng=rng), nb.RReLU(rng=rng), nb.Linear(6, 1, rng=rng)]

    def forward(self, x):
        for b in self.blocks:
            x = b.forward(x)
        return x

    def backward(self, grad_out):
        for b in reversed(self.blocks):
            grad_out = b.backward(grad_out)
        return grad_out


def test_fit_trains_in_training_mode_and_restores_each_mode_of_a_module_in_a_list(rng):
    model = Blocks(rng)
    rrelu = model.blocks[1]
    model.eval()
    model.blocks[0].train()  # modes set by hand, one module at a time
    X, y = rng.normal(size=(30, 2)), rng.normal(size=(30, 1))
    seen = []
    nb.fit(model, nb.MSELoss(), nb.SGD(model.parameters(), lr=0.05), X, y, epochs=2,
           callback=lambda e, m, h: seen.append(rrelu.training))
    assert seen == [True, True]  # the RReLU inside the list trained with random slopes
    assert [m.training for m in model.modules()] == [False, True, False, False]


def test_evaluate_reaches_a_randomized_module_in_a_list(rng):
    model = Blocks(rng)
    X, y = rng.normal(size=(30, 2)), rng.normal(size=(30, 1))
    first = nb.evaluate(model, nb.MSELoss(), X, y)["loss"]
    assert first == nb.evaluate(model, nb.MSELoss(), X, y)["loss"]  # no random slopes drawn
    assert all(m.training for m in model.modules())


def test_fit_restores_the_modes_when_training_raises(rng):
    model = nb.Sequential(nb.Linear(2, 3, rng=rng), nb.RReLU(rng=rng), nb.Linear(3, 1, rng=rng)).eval()

    def stop(epoch, m, history):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        nb.fit(model, nb.MSELoss(), nb.SGD(model.parameters(), lr=0.1), rng.normal(size=(8, 2)),
               rng.normal(size=(8, 1)), epochs=3, callback=stop)
    assert not any(m.training for m in model.modules())
