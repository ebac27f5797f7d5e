"""The training loop: :func:`fit`, and :func:`evaluate` for a data set."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from .data import batches
from .losses import Loss
from .module import Module
from .optim import SGD

__all__ = ["fit", "evaluate", "accuracy", "evaluation_mode"]


def accuracy(loss: Loss, output: np.ndarray, y: np.ndarray) -> float:
    """Fraction of examples whose predicted class (``loss.predict(output)``) equals ``y``."""
    pred = np.asarray(loss.predict(output)).reshape(-1)
    y = np.asarray(y).reshape(-1)
    if pred.shape != y.shape:
        raise ValueError(f"accuracy: {pred.shape[0]} predictions but {y.shape[0]} labels")
    return float(np.mean(pred == y))


def _modules(model: Module) -> Iterator[Module]:
    """``model`` and every module inside it (attributes, and the layers of a Sequential)."""
    yield model
    for attr in vars(model).values():
        items = attr if isinstance(attr, (list, tuple)) else [attr]
        for item in items:
            if isinstance(item, Module):
                yield from _modules(item)


@contextmanager
def evaluation_mode(model: Module) -> Iterator[Module]:
    """Switch ``model`` to evaluation mode, and back to each module's own mode afterwards.

    Layers that behave differently while training (:class:`~nnbook.RReLU`
    draws random slopes) then compute their deterministic evaluation output.

    >>> import nnbook as nb
    >>> model = nb.Sequential(nb.Linear(2, 3), nb.RReLU())
    >>> with evaluation_mode(model):
    ...     model[1].training
    False
    >>> model[1].training
    True
    """
    modes = [(m, m.training) for m in _modules(model)]
    model.eval()
    try:
        yield model
    finally:
        for m, mode in modes:
            m.training = mode


def evaluate(model: Module, loss: Loss, X: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Loss (and accuracy, for a classification loss) of ``model`` on ``(X, y)``.

    The model runs in evaluation mode (:func:`evaluation_mode`), so that a
    randomized layer such as :class:`~nnbook.RReLU` gives its deterministic
    output; each module's mode is restored afterwards.
    """
    with evaluation_mode(model):
        out = model.forward(X)
    result = {"loss": loss(out, y)}
    if loss.is_classification:
        result["accuracy"] = accuracy(loss, out, y)
    return result


def _progress(total: int, enabled: bool) -> Any:
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover - tqdm is in requirements.txt
        return None
    return tqdm(total=total, unit="epoch")


def fit(
    model: Module,
    loss: Loss,
    optimizer: SGD,
    X: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int,
    batch_size: int | None = None,
    rng: np.random.Generator | None = None,
    validation_data: tuple[np.ndarray, np.ndarray] | None = None,
    callback: Callable[[int, Module, dict[str, list[float]]], Any] | None = None,
    progress: bool = False,
) -> dict[str, list[float]]:
    """Train ``model`` by mini-batch gradient descent.

    Each step: ``zero_grad``, forward, loss, backward, ``optimizer.step()``.
    The model trains in training mode (``model.train()`` first, so that
    :class:`~nnbook.Dropout` drops units even after a ``model.eval()``) and
    is left in it; call ``model.eval()`` for deterministic predictions.

    Parameters
    ----------
    X, y : ndarray
        Training inputs ``(n, d)`` and targets.
    epochs : int
        Passes over the training data.
    batch_size : int, optional
        Examples per step; ``None`` (default) means full-batch gradient descent.
    rng : numpy.random.Generator
        Shuffles the examples every epoch (needed unless full-batch).
    validation_data : (X_val, y_val), optional
        Evaluated after every epoch (``val_loss``, ``val_accuracy``).
    callback : callable, optional
        ``callback(epoch, model, history)`` after every epoch, e.g. to record
        frames of an animation.
    progress : bool
        Show a progress bar.

    Returns
    -------
    dict
        ``"loss"``: the mean training loss over each epoch's mini-batches; for a
        classification loss also ``"accuracy"`` (the fraction of training
        examples classified correctly as they were seen), and ``"val_loss"`` /
        ``"val_accuracy"`` when ``validation_data`` is given.
    """
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"fit: X has {len(X)} rows but y has {len(y)} targets")
    if not isinstance(epochs, (int, np.integer)) or epochs < 0:
        raise ValueError(f"fit: epochs must be a non-negative integer, got {epochs!r}")
    full_batch = batch_size is None or batch_size >= len(X)
    if not full_batch and rng is None:
        raise ValueError("fit: mini-batch training shuffles the data and needs rng, a numpy.random.Generator")
    history: dict[str, list[float]] = {"loss": []}
    if loss.is_classification:
        history["accuracy"] = []
    if validation_data is not None:
        history["val_loss"] = []
        if loss.is_classification:
            history["val_accuracy"] = []
    model.train()
    bar = _progress(int(epochs), progress)
    n = len(X)
    for epoch in range(int(epochs)):
        total, correct = 0.0, 0.0
        stream = [(X, y)] if full_batch else batches(X, y, int(batch_size), rng)  # type: ignore[arg-type]
        for Xb, yb in stream:
            optimizer.zero_grad()
            out = model.forward(Xb)
            total += loss(out, yb) * len(Xb)
            if model.skips_input_grad:  # training never uses dL/dX: skip it
                model.backward(loss.backward(), input_grad=False)  # type: ignore[call-arg]
            else:
                model.backward(loss.backward())
            optimizer.step()
            if loss.is_classification:
                correct += accuracy(loss, out, yb) * len(Xb)
        history["loss"].append(total / n)
        if loss.is_classification:
            history["accuracy"].append(correct / n)
        if validation_data is not None:
            val = evaluate(model, loss, *validation_data)
            history["val_loss"].append(val["loss"])
            if loss.is_classification:
                history["val_accuracy"].append(val["accuracy"])
        if bar is not None:
            bar.update(1)
            bar.set_postfix(loss=f"{history['loss'][-1]:.4g}")
        if callback is not None:
            callback(epoch, model, history)
    if bar is not None:
        bar.close()
    return history
