"""Losses: values, gradients (finite differences and PyTorch), stability at 1e4 logits, errors."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from strategies import (
    BIG, FD_TOL, TORCH_RTOL, assert_close, batch_shapes, logit_matrices, logits_and_labels, loss_error,
    numpy_of, seeds, small_floats, to_torch,
)

import nnbook as nb

REDUCTIONS = ["mean", "sum"]


def _problem(name: str, shape: tuple[int, int], rng: np.random.Generator):
    """A prediction and a target each loss accepts, away from its edges."""
    n, k = shape
    if name == "MSELoss":
        return rng.normal(size=(n, k)), rng.normal(size=(n, k))
    if name == "BCELoss":
        return rng.uniform(0.05, 0.95, size=(n, k)), rng.uniform(0, 1, size=(n, k))
    if name == "BCEWithLogitsLoss":
        return 3 * rng.normal(size=(n, k)), rng.uniform(0, 1, size=(n, k))
    return 2 * rng.normal(size=(n, k)), rng.integers(0, k, size=n)


LOSSES = {"MSELoss": nb.MSELoss, "BCELoss": nb.BCELoss, "BCEWithLogitsLoss": nb.BCEWithLogitsLoss,
          "CrossEntropyLoss": nb.CrossEntropyLoss}


# -- values -------------------------------------------------------------------------


def test_mse_value_and_gradient():
    pred = np.array([[1.0, 2.0], [3.0, 4.0]])
    target = np.array([[1.0, 0.0], [0.0, 4.0]])
    loss = nb.MSELoss()
    assert loss(pred, target) == pytest.approx((0 + 4 + 9 + 0) / 4)
    assert_close(loss.backward(), 2 * (pred - target) / 4)
    assert nb.MSELoss("sum")(pred, target) == pytest.approx(13.0)


def test_bce_value():
    p = np.array([[0.9], [0.2], [0.6]])
    y = np.array([1, 0, 0])
    expected = -(np.log(0.9) + np.log(0.8) + np.log(0.4)) / 3
    assert nb.BCELoss()(p, y) == pytest.approx(expected, rel=1e-14)


def test_bce_with_logits_equals_bce_of_the_sigmoid(rng):
    z = rng.normal(size=(6, 1))
    y = rng.integers(0, 2, size=6)
    fused, plain = nb.BCEWithLogitsLoss(), nb.BCELoss()
    assert fused(z, y) == pytest.approx(plain(nb.functional.sigmoid(z), y), rel=1e-12)
    # dL/dz = dL/dp * sigma'(z)
    s = nb.functional.sigmoid(z)
    assert_close(fused.backward(), plain.backward() * s * (1 - s), rtol=1e-10)


def test_cross_entropy_value_and_gradient():
    z = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.0]])
    y = np.array([0, 2])
    loss = nb.CrossEntropyLoss()
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    assert loss(z, y) == pytest.approx(-(np.log(p[0, 0]) + np.log(p[1, 2])) / 2, rel=1e-14)
    onehot = np.eye(3)[y]
    assert_close(loss.backward(), (p - onehot) / 2, rtol=1e-12)


def test_cross_entropy_with_two_classes_is_bce_on_the_logit_difference(rng):
    z = rng.normal(size=(5, 2))
    y = rng.integers(0, 2, size=5)
    ce = nb.CrossEntropyLoss()(z, y)
    bce = nb.BCEWithLogitsLoss()(z[:, 1] - z[:, 0], y)
    assert ce == pytest.approx(bce, rel=1e-12)


def test_loss_returns_a_python_float(rng):
    for name, cls in LOSSES.items():
        pred, target = _problem(name, (3, 2), rng)
        assert type(cls()(pred, target)) is float


@pytest.mark.parametrize("name", ["MSELoss", "BCELoss", "BCEWithLogitsLoss"])
def test_targets_of_shape_n_fit_predictions_of_shape_n_1(name, rng):
    pred, target = _problem(name, (4, 1), rng)
    a, b = LOSSES[name](), LOSSES[name]()
    assert a(pred, target[:, 0]) == b(pred, target)
    assert a.backward().shape == (4, 1)
    assert_close(a.backward(), b.backward())


def test_cross_entropy_accepts_labels_of_shape_n_1_and_integral_floats(rng):
    z = rng.normal(size=(4, 3))
    y = np.array([0, 2, 1, 2])
    expected = nb.CrossEntropyLoss()(z, y)
    assert nb.CrossEntropyLoss()(z, y[:, None]) == expected
    assert nb.CrossEntropyLoss()(z, y.astype(float)) == expected


def test_predict_turns_outputs_into_labels():
    out = np.array([[0.7], [0.2], [0.5]])
    assert np.array_equal(nb.BCELoss().predict(out), [1, 0, 1])
    assert np.array_equal(nb.BCEWithLogitsLoss().predict(np.array([[1.5], [-0.1], [0.0]])), [1, 0, 1])
    assert np.array_equal(nb.CrossEntropyLoss().predict(np.array([[0.1, 3.0, 1.0], [2.0, 0.0, 1.0]])), [1, 0])
    assert nb.MSELoss().predict(out) is out
    assert [cls.is_classification for cls in LOSSES.values()] == [False, True, True, True]


@pytest.mark.parametrize("name", LOSSES)
def test_float32_predictions_give_float32_gradients(name, rng):
    pred, target = _problem(name, (4, 3), rng)
    loss = LOSSES[name]()
    value = loss(pred.astype(np.float32), target)
    assert np.isfinite(value)
    assert loss.backward().dtype == np.float32


# -- gradients: finite differences ----------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", LOSSES)
@given(shape=batch_shapes(max_n=6, max_d=5), seed=seeds)
def test_gradient_matches_finite_differences(name, reduction, shape, seed):
    rng = np.random.default_rng(seed)
    pred, target = _problem(name, shape, rng)
    assert loss_error(LOSSES[name](reduction), pred, target) < FD_TOL


@pytest.mark.parametrize("name", ["BCELoss", "BCEWithLogitsLoss"])
def test_binary_losses_gradient_with_hard_labels(name, rng):
    pred, _ = _problem(name, (8, 1), rng)
    y = rng.integers(0, 2, size=8)
    assert loss_error(LOSSES[name](), pred, y) < FD_TOL


# -- gradients: PyTorch ---------------------------------------------------------------


def _torch_loss(torch, name: str, pred, target: np.ndarray, reduction: str):
    F = torch.nn.functional
    if name == "MSELoss":
        return F.mse_loss(pred, torch.from_numpy(target), reduction=reduction)
    if name == "BCELoss":
        return F.binary_cross_entropy(pred, torch.from_numpy(target), reduction=reduction)
    if name == "BCEWithLogitsLoss":
        return F.binary_cross_entropy_with_logits(pred, torch.from_numpy(target), reduction=reduction)
    return F.cross_entropy(pred, torch.from_numpy(target).long(), reduction=reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", LOSSES)
def test_matches_torch(name, reduction, torch, rng):
    pred, target = _problem(name, (7, 4), rng)
    loss = LOSSES[name](reduction)
    value = loss(pred, target)
    (tp,) = to_torch(torch, pred)
    tvalue = _torch_loss(torch, name, tp, target, reduction)
    tvalue.backward()
    assert value == pytest.approx(tvalue.item(), rel=TORCH_RTOL)
    assert_close(loss.backward(), numpy_of(tp.grad), rtol=TORCH_RTOL)


def test_cross_entropy_matches_torch_at_1e4_logits(torch, rng):
    z = BIG * rng.choice([-1.0, 0.0, 1.0], size=(6, 4)) + rng.normal(size=(6, 4))
    y = rng.integers(0, 4, size=6)
    loss = nb.CrossEntropyLoss()
    value = loss(z, y)
    (tz,) = to_torch(torch, z)
    tvalue = torch.nn.functional.cross_entropy(tz, torch.from_numpy(y))
    tvalue.backward()
    assert value == pytest.approx(tvalue.item(), rel=TORCH_RTOL)
    assert_close(loss.backward(), numpy_of(tz.grad), rtol=TORCH_RTOL, atol=1e-300)


def test_bce_with_logits_matches_torch_at_1e4_logits(torch):
    z = np.array([[-BIG], [-30.0], [0.0], [30.0], [BIG]])
    y = np.array([[1.0], [1.0], [0.0], [0.0], [0.0]])
    loss = nb.BCEWithLogitsLoss()
    value = loss(z, y)
    (tz,) = to_torch(torch, z)
    tvalue = torch.nn.functional.binary_cross_entropy_with_logits(tz, torch.from_numpy(y))
    tvalue.backward()
    assert value == pytest.approx(tvalue.item(), rel=TORCH_RTOL)
    assert_close(loss.backward(), numpy_of(tz.grad), rtol=TORCH_RTOL)


def test_bce_matches_torch_at_probabilities_0_and_1(torch):
    p = np.array([[0.0], [1.0], [0.0], [1.0], [0.5]])
    y = np.array([[1.0], [0.0], [0.0], [1.0], [1.0]])
    loss = nb.BCELoss()
    value = loss(p, y)
    (tp,) = to_torch(torch, p)
    tvalue = torch.nn.functional.binary_cross_entropy(tp, torch.from_numpy(y))
    tvalue.backward()
    assert value == pytest.approx(tvalue.item(), rel=TORCH_RTOL)
    # both divide by max(p (1 - p), 1e-12); torch's 1e-12 is a float32 constant,
    # 4e-9 away from the float64 one, hence the looser tolerance here only
    assert_close(loss.backward(), numpy_of(tp.grad), rtol=1e-8)


# -- stability (hypothesis) ------------------------------------------------------------


def _exact_bce_with_logits(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-element loss y * softplus(-z) + (1 - y) * softplus(z), by NumPy's stable logaddexp."""
    return y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z)


@given(z=logit_matrices(max_n=6, max_k=3), data=st.data())
def test_bce_with_logits_is_finite_and_exact_up_to_1e4(z, data):
    y = data.draw(arrays(np.float64, z.shape, elements=st.sampled_from([0.0, 1.0])))
    loss = nb.BCEWithLogitsLoss()
    value = loss(z, y)
    grad = loss.backward()
    assert np.isfinite(value) and np.all(np.isfinite(grad))
    assert value == pytest.approx(np.mean(_exact_bce_with_logits(z, y)), rel=1e-12, abs=1e-300)
    exact_sigmoid = 0.5 * (1 + np.tanh(z / 2))
    assert_close(grad, (exact_sigmoid - y) / z.size, rtol=1e-12, atol=1e-15 / z.size)


def test_bce_with_logits_is_right_where_naive_log_sigmoid_is_infinite():
    z = np.array([-1000.0, 1000.0, -BIG])
    y = np.array([1.0, 0.0, 1.0])
    with np.errstate(over="ignore", divide="ignore"):
        naive = -(y * np.log(1 / (1 + np.exp(-z))) + (1 - y) * np.log(1 - 1 / (1 + np.exp(-z))))
    assert np.all(np.isinf(naive))
    loss = nb.BCEWithLogitsLoss("sum")
    assert loss(z, y) == pytest.approx(1000.0 + 1000.0 + BIG, rel=1e-15)
    assert_close(loss.backward(), np.array([-1.0, 1.0, -1.0]))


@given(zy=logits_and_labels())
def test_cross_entropy_is_finite_and_exact_up_to_1e4(zy):
    z, y = zy
    loss = nb.CrossEntropyLoss()
    value = loss(z, y)
    grad = loss.backward()
    assert np.isfinite(value) and np.all(np.isfinite(grad))
    exact = np.mean(np.logaddexp.reduce(z, axis=1) - z[np.arange(len(y)), y])
    assert value == pytest.approx(exact, rel=1e-9, abs=1e-9)
    n = len(y)
    assert np.all(grad >= -1 / n - 1e-15) and np.all(grad <= 1 / n + 1e-15)
    np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-12)


def test_cross_entropy_at_1e4_logits():
    z = np.array([[BIG, 0.0, -BIG], [BIG, BIG, 0.0]])
    y = np.array([1, 0])
    loss = nb.CrossEntropyLoss("sum")
    assert loss(z, y) == pytest.approx(BIG + np.log(2), rel=1e-15)
    assert_close(loss.backward(), np.array([[1.0, -1.0, 0.0], [-0.5, 0.5, 0.0]]), atol=1e-300)


@given(p=arrays(np.float64, st.integers(1, 8), elements=st.floats(0, 1)), data=st.data())
def test_bce_is_finite_for_any_probability(p, data):
    y = data.draw(arrays(np.float64, p.shape, elements=st.sampled_from([0.0, 1.0])))
    loss = nb.BCELoss()
    value = loss(p, y)
    assert np.isfinite(value) and 0 <= value <= 100
    assert np.all(np.isfinite(loss.backward()))


@given(pred=arrays(np.float64, (4, 2), elements=small_floats()), target=arrays(np.float64, (4, 2), elements=small_floats()))
def test_mse_is_finite_and_exact_at_large_values(pred, target):
    loss = nb.MSELoss()
    assert loss(pred, target) == pytest.approx(np.mean((pred - target) ** 2), rel=1e-12, abs=1e-300)
    assert_close(loss.backward(), (pred - target) / 4, rtol=1e-12)


# -- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["MSELoss", "BCELoss", "BCEWithLogitsLoss"])
def test_targets_of_the_wrong_length_raise(name, rng):
    pred, target = _problem(name, (4, 1), rng)
    msg = re.escape(f"{name}(): predictions have shape (4, 1) but targets have shape (3,)")
    with pytest.raises(ValueError, match=msg):
        LOSSES[name]()(pred, target[:3, 0])


def test_mse_targets_of_the_wrong_shape_raise(rng):
    with pytest.raises(ValueError, match=re.escape("MSELoss(): predictions have shape (4, 2) but targets have shape (4, 3)")):
        nb.MSELoss()(np.zeros((4, 2)), np.zeros((4, 3)))


def test_cross_entropy_labels_of_the_wrong_length_raise(rng):
    msg = re.escape("CrossEntropyLoss(): logits have shape (4, 3), so labels must have shape (4,), got (3,)")
    with pytest.raises(ValueError, match=msg):
        nb.CrossEntropyLoss()(np.zeros((4, 3)), np.array([0, 1, 2]))


@pytest.mark.parametrize("labels, got", [([0, 1, 3, 2], "[0, 3]"), ([0, -1, 2, 2], "[-1, 2]")])
def test_cross_entropy_labels_out_of_range_raise(labels, got):
    msg = re.escape(f"CrossEntropyLoss(): labels must lie in [0, 2] for 3 classes, got labels in {got}")
    with pytest.raises(ValueError, match=msg):
        nb.CrossEntropyLoss()(np.zeros((4, 3)), np.array(labels))


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.uint8, np.uint32, np.uint64, ">i8", ">u4"])
def test_cross_entropy_labels_of_any_integer_dtype_give_the_same_loss(dtype, rng):
    z, y = rng.normal(size=(6, 3)), np.array([0, 2, 1, 1, 0, 2])
    loss = nb.CrossEntropyLoss()
    want, want_grad = loss(z, y), loss.backward().copy()
    assert loss(z, y.astype(dtype)) == want
    assert np.array_equal(loss.backward(), want_grad)


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64, ">i8"])
def test_cross_entropy_negative_labels_of_any_signed_dtype_raise(dtype):
    msg = re.escape("CrossEntropyLoss(): labels must lie in [0, 2] for 3 classes, got labels in [-128, 1]")
    labels = np.array([0, -128, 1, 1], dtype=dtype)
    with pytest.raises(ValueError, match=msg):
        nb.CrossEntropyLoss()(np.zeros((4, 3)), labels)


def test_cross_entropy_batches_of_changing_size_and_reduction(rng):
    """Constants kept from the last call must follow the batch shape, dtype and reduction."""
    loss = nb.CrossEntropyLoss()
    for n, k, dtype, reduction in ((5, 3, np.float64, "mean"), (7, 3, np.float64, "mean"), (7, 4, np.float32, "mean"),
                                   (7, 4, np.float32, "sum"), (5, 3, np.float64, "mean")):
        z, y = rng.normal(size=(n, k)).astype(dtype), rng.integers(0, k, size=n)
        loss.reduction = reduction
        value = loss(z, y)
        fresh = nb.CrossEntropyLoss(reduction=reduction)
        assert value == fresh(z, y)
        assert loss.backward().dtype == dtype
        assert np.array_equal(loss.backward(), fresh.backward())


def test_cross_entropy_one_hot_labels_raise_with_a_hint():
    onehot = np.eye(3)[[0, 1, 2, 1]]
    msg = r"CrossEntropyLoss\(\): logits have shape \(4, 3\), so labels must have shape \(4,\), got \(4, 3\).*not one-hot rows.*argmax"
    with pytest.raises(ValueError, match=msg):
        nb.CrossEntropyLoss()(np.zeros((4, 3)), onehot)


@pytest.mark.parametrize("labels", [[0.0, 1.5, 2.0], [0.0, np.nan, 1.0]])
def test_cross_entropy_non_integer_labels_raise(labels):
    with pytest.raises(ValueError, match=r"CrossEntropyLoss\(\): labels must be integer class indices, got dtype float64"):
        nb.CrossEntropyLoss()(np.zeros((3, 3)), np.array(labels))


def test_cross_entropy_rejects_1d_logits():
    with pytest.raises(ValueError, match=re.escape("CrossEntropyLoss(): logits must have shape (n, k) with n > 0, got (3,)")):
        nb.CrossEntropyLoss()(np.zeros(3), np.array([0, 1, 2]))


@pytest.mark.parametrize("p", [[0.5, 1.2], [-0.1, 0.5], [0.5, np.nan]])
def test_bce_rejects_values_that_are_not_probabilities(p):
    msg = r"BCELoss\(\): predictions must be probabilities in \[0, 1\].*BCEWithLogitsLoss"
    with pytest.raises(ValueError, match=msg):
        nb.BCELoss()(np.array(p), np.array([1.0, 0.0]))


def test_bce_message_gives_the_range_seen():
    with pytest.raises(ValueError, match=re.escape("got values in [-0.1, 1.2]")):
        nb.BCELoss()(np.array([-0.1, 1.2]), np.array([1.0, 0.0]))


@pytest.mark.parametrize("name", ["BCELoss", "BCEWithLogitsLoss"])
def test_binary_targets_outside_0_1_raise(name):
    with pytest.raises(ValueError, match=rf"{name}\(\): targets must lie in \[0, 1\], got values in \[0, 2\]"):
        LOSSES[name]()(np.array([0.5, 0.5]), np.array([0.0, 2.0]))


@pytest.mark.parametrize("name", LOSSES)
def test_backward_before_the_loss_raises(name):
    with pytest.raises(RuntimeError, match=rf"{name}\(\): backward\(\) called before the loss was computed"):
        LOSSES[name]().backward()


@pytest.mark.parametrize("name", LOSSES)
def test_unknown_reduction_raises(name):
    with pytest.raises(ValueError, match=rf"{name}: reduction must be one of \('mean', 'sum'\), got 'avg'"):
        LOSSES[name]("avg")


@pytest.mark.parametrize("name", ["MSELoss", "BCELoss", "BCEWithLogitsLoss"])
def test_empty_predictions_raise(name):
    with pytest.raises(ValueError, match=rf"{name}\(\): predictions must have shape \(n,\) or \(n, k\) with n > 0, got \(0, 1\)"):
        LOSSES[name]()(np.zeros((0, 1)), np.zeros((0, 1)))


# -- NLLLoss, the loss on log-probabilities ----------------------------------------------


@given(logits_and_labels(max_n=4, max_k=5, bound=5.0))
def test_nll_loss_gradient_matches_finite_differences(zy):
    z, y = zy
    logp = nb.functional.log_softmax(z, axis=1)
    assert loss_error(nb.NLLLoss(), logp, y) < FD_TOL


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_nll_loss_value_and_gradient(reduction):
    logp = np.log(np.array([[0.2, 0.8], [0.5, 0.5], [0.9, 0.1]]))
    y = np.array([1, 0, 0])
    loss = nb.NLLLoss(reduction)
    scale = 1 / 3 if reduction == "mean" else 1.0
    assert loss(logp, y) == pytest.approx(-(np.log(0.8) + np.log(0.5) + np.log(0.9)) * scale, rel=1e-14)
    assert_close(loss.backward(), -scale * np.eye(2)[y])


def test_nll_loss_refuses_logits():
    with pytest.raises(ValueError, match="must be log-probabilities.*LogSoftmax"):
        nb.NLLLoss()(np.array([[2.0, -1.0]]), np.array([0]))


def test_nll_loss_refuses_one_hot_labels():
    with pytest.raises(ValueError, match=r"labels must have shape \(2,\), got \(2, 3\).*one-hot"):
        nb.NLLLoss()(np.log(np.full((2, 3), 1 / 3)), np.eye(3)[[0, 1]])


@pytest.mark.parametrize("labels", [np.array([0, 3]), np.array([-1, 0])])
def test_nll_loss_refuses_labels_out_of_range(labels):
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\]"):
        nb.NLLLoss()(np.log(np.full((2, 3), 1 / 3)), labels)


def test_nll_loss_refuses_fractional_labels():
    with pytest.raises(ValueError, match="integer class indices"):
        nb.NLLLoss()(np.log(np.full((2, 3), 1 / 3)), np.array([0.5, 1.0]))


def test_nll_loss_accepts_float_labels_that_are_whole_numbers_and_a_column():
    logp = np.log(np.full((2, 3), 1 / 3))
    assert nb.NLLLoss()(logp, np.array([[0.0], [2.0]])) == pytest.approx(np.log(3))


def test_nll_loss_predicts_the_most_probable_class():
    assert_close(nb.NLLLoss().predict(np.log(np.array([[0.2, 0.8], [0.6, 0.4]]))), np.array([1, 0]))


@pytest.mark.parametrize(
    "labels, message",
    [(np.array([0, 1, 2]), r"so labels must have shape \(2,\), got \(3,\)"),
     (np.array([0.0, 0.5]), "labels must be integer class indices, got dtype float64 with non-integer values"),
     (np.array([0, 4]), r"labels must lie in \[0, 2\] for 3 classes, got labels in \[0, 4\]")],
)
def test_cross_entropy_and_nll_loss_refuse_bad_labels_in_the_same_words(labels, message):
    logp = np.log(np.full((2, 3), 1 / 3))
    for loss, what in ((nb.CrossEntropyLoss(), "logits"), (nb.NLLLoss(), "log-probabilities")):
        with pytest.raises(ValueError, match=rf"{type(loss).__name__}\(\): .*" + message) as info:
            loss(logp, labels)
        if "shape" in message:
            assert f"{what} have shape (2, 3)" in str(info.value)


def test_nll_loss_is_still_importable_from_outputs():
    from nnbook.outputs import NLLLoss

    assert NLLLoss is nb.NLLLoss is nb.losses.NLLLoss
