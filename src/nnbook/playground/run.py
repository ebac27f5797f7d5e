"""A playground run: a config turned into data, inputs, a network, a loss and an optimizer, and its snapshots.

Reproducibility: a run draws all its randomness from one generator,
``np.random.default_rng(config.seed)``, in this order: the data set, the
train/test split, the initial weights, then each epoch's shuffle and, batch by
batch, layer by layer, RReLU's random slopes and dropout's masks (training mode
only: the losses on the test set, the gradient norms and the views are computed
in evaluation mode, which draws nothing). An epoch is one call of
:func:`nnbook.fit`, so the same config gives the very same numbers as
``nb.fit`` called on the same data, model and optimizer.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import data as _data
from .. import init as _init
from ..dropout import Dropout
from ..functional import sigmoid, softmax
from ..layers import Linear
from ..losses import BCEWithLogitsLoss, CrossEntropyLoss, Loss, MSELoss
from ..module import Module, Sequential
from ..optim import SGD
from ..train import evaluate, evaluation_mode, fit
from .catalog import ACTIVATION_LAYERS, DATA_SETS, FEATURE_MAPS, FEATURES, is_int, suggest
from .config import TRAINING_FIELDS, PlaygroundConfig, changed_fields

__all__ = ["features", "make_data", "build_model", "set_dropout", "make_loss", "make_optimizer", "Snapshot", "Playground"]


def features(X: np.ndarray, names: Sequence[str] = ("x1", "x2")) -> np.ndarray:
    r"""The network's input: the columns ``names`` (from :data:`~nnbook.playground.catalog.FEATURES`) computed from raw inputs.

    Parameters
    ----------
    X : ndarray, shape ``(n, 1)`` or ``(n, 2)``
        Raw inputs :math:`(x_1, x_2)`.
    names : sequence of str
        E.g. ``("x1", "x2", "x1*x2")`` gives :math:`(x_1, x_2, x_1 x_2)`.

    Returns
    -------
    ndarray, shape ``(n, len(names))``
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] not in (1, 2):
        raise ValueError(f"features: expected raw inputs of shape (n, 1) or (n, 2), got {X.shape}")
    cols = []
    for name in names:
        if name not in FEATURE_MAPS:
            raise ValueError(f"features: unknown feature {name!r}{suggest(name, FEATURES)}; choose from {list(FEATURES)}")
        if X.shape[1] == 1 and FEATURE_MAPS[name].needs_x2:
            raise ValueError(f"features: {name!r} needs x2, but the inputs have shape {X.shape}")
        cols.append(FEATURE_MAPS[name].fn(X))
    return np.column_stack(cols) if cols else np.empty((len(X), 0))


def make_data(config: PlaygroundConfig, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The data set of ``config``, split: ``X_train, X_test, y_train, y_test`` (raw inputs).

    Draws from ``rng`` the points (with :mod:`nnbook.data`'s generators) and
    then the split (:func:`nnbook.data.train_test_split`).
    """
    X, y = DATA_SETS[config.dataset].make(config, rng)
    return _data.train_test_split(X, y, test_fraction=config.test_fraction, rng=rng)


def _weight_init(name: str, scale: float) -> Any:
    if name == "constant":
        return lambda shape, rng=None: _init.constant(shape, rng, value=scale)
    if scale == 1.0:
        return name  # exactly what Linear(init=name) does
    f = _init.get(name)
    return lambda shape, rng=None: scale * f(shape, rng)


def build_model(config: PlaygroundConfig, rng: np.random.Generator) -> Sequential:
    """The network of ``config``: ``Linear, activation, ..., Linear`` with weights drawn from ``rng``.

    Layer widths are :attr:`~nnbook.playground.config.PlaygroundConfig.layer_sizes`; the output layer is
    linear (its sigmoid or softmax lives in the loss). With ``config.dropout > 0`` a
    :class:`~nnbook.Dropout` follows each hidden activation (see :func:`set_dropout`).
    """
    sizes = config.layer_sizes
    winit = _weight_init(config.init, config.init_scale)
    layers: list[Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(Linear(a, b, init=winit, bias_init=config.bias_init, rng=rng))
        if i < len(sizes) - 2:
            layers.append(ACTIVATION_LAYERS[config.activation](rng))
    return set_dropout(Sequential(*layers), config.dropout, rng)


def set_dropout(model: Sequential, p: float, rng: np.random.Generator) -> Sequential:
    """Put ``Dropout(p, rng=rng)`` after every hidden activation of a playground network, in place, and return it.

    Any dropout the network had is taken out first, and ``p = 0`` leaves none,
    so a run without dropout has exactly the layers (and numbers) it had
    before the option existed. The weights are kept: changing the rate
    mid-run goes on training the same network. The masks are drawn from
    ``rng``, the run's generator, at each training forward pass.
    """
    layers: list[Module] = []
    for m in model.layers:
        if isinstance(m, Dropout):
            continue
        layers.append(m)
        if p > 0 and not isinstance(m, Linear):  # a hidden activation (the output layer is a Linear)
            layers.append(Dropout(p, rng=rng))
    model.layers[:] = layers
    return model


def make_loss(config: PlaygroundConfig) -> Loss:
    """The loss of the output unit: BCE with logits, cross-entropy, or squared error."""
    return {"sigmoid": BCEWithLogitsLoss, "softmax": CrossEntropyLoss, "linear": MSELoss}[config.output_unit]()


def make_optimizer(config: PlaygroundConfig, model: Module) -> SGD:
    """``SGD(lr, momentum, weight_decay=l2, l1)`` over the model's parameters."""
    return SGD(model.parameters(), lr=config.lr, momentum=config.momentum, weight_decay=config.l2, l1=config.l1)


# -----------------------------------------------------------------------------
# Snapshots and runs
# -----------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Snapshot:
    """Everything the views draw, frozen at one epoch of a run.

    ``grid`` is ``(xs,)`` for 1-D inputs or ``(xs, ys)``; surfaces on it have
    shape ``(len(ys), len(xs))`` (or ``(len(xs),)`` in 1-D). ``output`` is the
    probability of class 1 (binary), the class probabilities with a trailing
    axis of size ``n_classes`` (multiclass), or the prediction (regression).
    ``units[0]`` holds the input features and ``units[l]`` the outputs of
    hidden layer ``l``, each ``(n_units, *surface_shape)``. Curves run over
    epochs ``0..epoch``: losses (``nan`` where unknown), accuracies
    (classification) and ``grad_norms``, ``(epoch + 1, n_linear_layers)``, the
    norm of the training loss's gradient for each layer's weight.
    """

    config: PlaygroundConfig
    epoch: int
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    grid: tuple[np.ndarray, ...]
    output: np.ndarray
    units: list[np.ndarray]
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    train_loss: np.ndarray
    test_loss: np.ndarray
    train_accuracy: np.ndarray | None
    test_accuracy: np.ndarray | None
    grad_norms: np.ndarray
    diverged: bool = False
    y_range: tuple[float, float] = (0.0, 1.0)

    @property
    def task(self) -> str:
        return self.config.task

    @property
    def n_classes(self) -> int:
        return self.config.n_classes

    def summary(self) -> str:
        """One line: epoch, losses and accuracies, rounded to 4 decimals."""
        parts = [f"epoch {self.epoch}", f"train loss {self.train_loss[-1]:.4f}", f"test loss {self.test_loss[-1]:.4f}"]
        if self.test_accuracy is not None:
            parts.append(f"test accuracy {self.test_accuracy[-1]:.3f}")
        if self.diverged:
            parts.append("diverged (lower the learning rate)")
        return ", ".join(parts)

    def __repr__(self) -> str:
        return f"Snapshot({self.summary()})"


class Playground:
    """A run: a :class:`PlaygroundConfig` turned into data, a network, a loss and an optimizer.

    Parameters
    ----------
    config : PlaygroundConfig or dict, optional
        Defaults to ``PlaygroundConfig()``.
    resolution : int
        Grid points along each axis of the input plane for the views (50 in 2-D).
    **changes
        Fields to change in ``config``, e.g. ``Playground(hidden=(8, 8), lr=0.1)``.

    Attributes
    ----------
    X_train, X_test, y_train, y_test : ndarray
        Raw inputs ``(n, 1)`` or ``(n, 2)`` and targets.
    inputs_train, inputs_test : ndarray
        The network's inputs, ``features(X, config.features)``.
    model : Sequential
    loss : Loss
    optimizer : SGD
    epoch : int
        Epochs trained.
    history : dict of lists
        Exactly what :func:`nnbook.fit` returns, concatenated over epochs:
        ``loss`` (mean over each epoch's mini-batches), ``val_loss`` (on the
        test set after the epoch), and ``accuracy``, ``val_accuracy`` for
        classification.
    initial : dict
        ``loss``, ``val_loss`` (and accuracies) of the untrained network.
    grad_norms : list of lists
        For epochs ``0..epoch``, the norm of the full-training-set gradient of
        the loss (without penalties) with respect to each layer's weight.

    Examples
    --------
    >>> pg = Playground(dataset="xor", hidden=(4,), seed=1)
    >>> pg.step_epoch(5)
    >>> len(pg.history["loss"]), pg.epoch
    (5, 5)
    """

    def __init__(self, config: PlaygroundConfig | Mapping[str, Any] | None = None, *, resolution: int | None = None, **changes: Any) -> None:
        config = PlaygroundConfig() if config is None else PlaygroundConfig.from_dict(config)
        if changes:
            config = config.replace(**changes)
        self.config = config
        if resolution is not None and (not is_int(resolution) or resolution < 2):
            raise ValueError(f"Playground: resolution must be an integer >= 2, got {resolution!r}")
        self._resolution = resolution
        self.reset()

    @property
    def resolution(self) -> int:
        """Grid points along each axis of the views: 50 in 2-D, 200 in 1-D unless given."""
        if self._resolution is not None:
            return int(self._resolution)
        return 50 if self.config.input_dim == 2 else 200

    # -- building ------------------------------------------------------------------
    def reset(self) -> None:
        """Start the run again from the config: same seed, same data, same initial weights."""
        c = self.config
        self.rng = np.random.default_rng(c.seed)
        self.X_train, self.X_test, self.y_train, self.y_test = make_data(c, self.rng)
        self.inputs_train = features(self.X_train, c.features)
        self.inputs_test = features(self.X_test, c.features)
        self.model = build_model(c, self.rng)
        self.loss = make_loss(c)
        self.optimizer = make_optimizer(c, self.model)
        self.epoch = 0
        self.diverged = False
        self.history: dict[str, list[float]] = {"loss": []}
        if self.loss.is_classification:
            self.history["accuracy"] = []
        self.history["val_loss"] = []
        if self.loss.is_classification:
            self.history["val_accuracy"] = []
        self._linears = [m for m in self.model.modules() if isinstance(m, Linear)]
        self._grid = self._make_grid()
        self.initial = self.evaluate()
        self.grad_norms: list[list[float]] = [self._grad_norms()]
        y_all = np.r_[self.y_train, self.y_test].astype(np.float64)
        self._y_range = (float(y_all.min()), float(y_all.max())) if c.task == "regression" else (0.0, 1.0)

    def update(self, **changes: Any) -> None:
        """Change settings; a change of the training settings alone (:data:`~nnbook.playground.config.TRAINING_FIELDS`)
        keeps the network and its weights and only rebuilds the optimizer (momentum restarts
        from zero) and, for ``dropout``, its dropout layers; anything else resets the run."""
        new = self.config.replace(**changes)
        changed = set(changed_fields(self.config, new))
        self.config = new
        if not changed:
            return
        if changed <= set(TRAINING_FIELDS):
            if "dropout" in changed:
                set_dropout(self.model, new.dropout, self.rng)
            self.optimizer = make_optimizer(new, self.model)
        else:
            self.reset()

    def _make_grid(self) -> tuple[np.ndarray, ...]:
        X = np.r_[self.X_train, self.X_test]
        lo, hi = X.min(axis=0), X.max(axis=0)
        pad = 0.1 * np.maximum(hi - lo, 1e-9)
        return tuple(np.linspace(lo[j] - pad[j], hi[j] + pad[j], self.resolution) for j in range(X.shape[1]))

    @contextmanager
    def _eval_mode(self) -> Iterator[None]:
        """Evaluation mode (RReLU and Dropout then draw nothing from the run's generator), each module's own mode
        back afterwards, and no float warnings."""
        with evaluation_mode(self.model), np.errstate(all="ignore"):
            yield

    # -- measuring -----------------------------------------------------------------
    def evaluate(self) -> dict[str, float]:
        """Loss (and accuracy) of the current network on the training and test sets."""
        with self._eval_mode():
            tr = evaluate(self.model, self.loss, self.inputs_train, self.y_train)
            te = evaluate(self.model, self.loss, self.inputs_test, self.y_test)
        out = {"loss": tr["loss"], "val_loss": te["loss"]}
        if "accuracy" in tr:
            out["accuracy"], out["val_accuracy"] = tr["accuracy"], te["accuracy"]
        return out

    def _grad_norms(self) -> list[float]:
        with self._eval_mode():
            self.model.zero_grad()
            out = self.model.forward(self.inputs_train)
            self.loss(out, self.y_train)
            self.model.backward(self.loss.backward())
            norms = [float(np.linalg.norm(lin.weight.grad)) for lin in self._linears]
            self.model.zero_grad()
        return norms

    # -- training ------------------------------------------------------------------
    def step_epoch(self, epochs: int = 1) -> None:
        """Train ``epochs`` more epochs, each one call of :func:`nnbook.fit` (``epochs=1``)
        with this run's generator, so the numbers are ``nb.fit``'s.

        A run whose loss or weights become infinite or nan stops (``diverged``).
        """
        if not is_int(epochs) or epochs < 0:
            raise ValueError(f"Playground.step_epoch: epochs must be a non-negative integer, got {epochs!r}")
        c = self.config
        for _ in range(int(epochs)):
            if self.diverged:
                return
            with np.errstate(over="ignore", invalid="ignore"):
                h = fit(
                    self.model, self.loss, self.optimizer, self.inputs_train, self.y_train,
                    epochs=1, batch_size=c.batch_size, rng=self.rng,
                    validation_data=(self.inputs_test, self.y_test),
                )
            for k, v in h.items():
                self.history[k].extend(v)
            self.epoch += 1
            finite = np.isfinite(h["loss"][-1]) and all(np.all(np.isfinite(p.value)) for p in self.model.parameters())
            self.grad_norms.append(self._grad_norms() if finite else [float("nan")] * len(self._linears))
            if not finite:
                self.diverged = True

    def train(self, epochs: int) -> Playground:
        """Train ``epochs`` more epochs and return ``self``."""
        self.step_epoch(epochs)
        return self

    # -- snapshots -----------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        """Freeze the current state into a :class:`Snapshot` for the views."""
        c = self.config
        grid = self._grid
        if len(grid) == 2:
            xx, yy = np.meshgrid(*grid)
            pts = np.c_[xx.ravel(), yy.ravel()]
            shape: tuple[int, ...] = xx.shape
        else:
            pts = grid[0][:, None]
            shape = (len(grid[0]),)
        with self._eval_mode():
            h = features(pts, c.features)
            units = [np.ascontiguousarray(h.T).reshape(-1, *shape)]
            for layer in self.model.layers:
                h = layer.forward(h)
                if not isinstance(layer, (Linear, Dropout)):  # dropout: the identity here, not a layer of units
                    units.append(np.ascontiguousarray(h.T).reshape(-1, *shape))
            if c.output_unit == "sigmoid":
                output = sigmoid(h[:, 0]).reshape(shape)
            elif c.output_unit == "softmax":
                output = softmax(h, axis=1).reshape(*shape, -1)
            else:
                output = h[:, 0].reshape(shape).copy()
        hist = self.history
        train_loss = np.array([self.initial["loss"], *hist["loss"]])
        test_loss = np.array([self.initial["val_loss"], *hist["val_loss"]])
        if "accuracy" in hist:
            train_acc = np.array([self.initial["accuracy"], *hist["accuracy"]])
            test_acc = np.array([self.initial["val_accuracy"], *hist["val_accuracy"]])
        else:
            train_acc = test_acc = None
        return Snapshot(
            config=c,
            epoch=self.epoch,
            X_train=self.X_train, y_train=self.y_train, X_test=self.X_test, y_test=self.y_test,
            grid=grid,
            output=output,
            units=units,
            weights=[lin.weight.value.copy() for lin in self._linears],
            biases=[lin.bias.value.copy() if lin.bias is not None else np.zeros(lin.out_features) for lin in self._linears],
            train_loss=train_loss,
            test_loss=test_loss,
            train_accuracy=train_acc,
            test_accuracy=test_acc,
            grad_norms=np.array(self.grad_norms, dtype=np.float64),
            diverged=self.diverged,
            y_range=self._y_range,
        )

    def precompute(self, epochs: Sequence[int]) -> list[Snapshot]:
        """Train on and take a snapshot at each of ``epochs`` (increasing, none before the current epoch).

        >>> [s.epoch for s in Playground(dataset="xor", hidden=(4,)).precompute([0, 5, 10])]
        [0, 5, 10]
        """
        epochs = list(epochs)
        if not epochs:
            raise ValueError("Playground.precompute: epochs is empty")
        if any(not is_int(e) or e < 0 for e in epochs) or any(b < a for a, b in zip(epochs, epochs[1:])):
            raise ValueError(f"Playground.precompute: epochs must be increasing integers, got {epochs}")
        if epochs[0] < self.epoch:
            raise ValueError(f"Playground.precompute: the run is at epoch {self.epoch}, so it cannot go back to {epochs[0]} (call reset() first)")
        snaps = []
        for e in map(int, epochs):
            self.step_epoch(e - self.epoch)
            snaps.append(self.snapshot())
        return snaps

    def __repr__(self) -> str:
        sizes = "-".join(str(s) for s in self.config.layer_sizes)
        return f"Playground({self.config.dataset}, {sizes} {self.config.activation}, epoch {self.epoch})"
