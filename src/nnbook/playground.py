r"""The playground: train a small network on 2-D data and watch it learn (chapter *The playground*).

Everything TensorFlow Playground offers, on top of nnbook's own training loop,
plus what it lacks: more data sets and activations, initialization schemes,
momentum, L1 *and* L2 together, a softmax output for several classes, views of
the weights and the per-layer gradient norms, a seed, and configurations that
are plain dictionaries.

The module has three layers; each works without the next.

**The model.** :class:`PlaygroundConfig` describes a run completely (data,
network, training, seed) and converts to and from a plain dict (and JSON).
:class:`Playground` turns a config into data, a network, a loss and an
optimizer; :meth:`Playground.step_epoch` trains, :attr:`Playground.history`
holds the numbers and :meth:`Playground.snapshot` freezes everything the views
need into a :class:`Snapshot`.

**The views.** Matplotlib functions that draw a snapshot:
:func:`plot_boundary` (decision boundary or regression surface, with the
training and test points), :func:`plot_loss`, :func:`plot_units` (each hidden
unit's output over the input plane), :func:`plot_weights` (Hinton diagrams),
:func:`plot_gradients` (per-layer gradient norms), and :func:`plot_snapshot`
for all of them. A :class:`Dashboard` keeps its artists and only changes
their data between frames (``set_data``, ``set_array``), restoring a cached
background and redrawing just what moves.

**The interfaces.** :func:`scrubber` precomputes runs at chosen epochs and
shows them through :func:`nnbook.widgets.interactive`, so a reader of the
static HTML book can scrub through epochs and switch between runs without a
kernel. :class:`App` is the live ipywidgets version for Jupyter, Binder and
Colab: play, pause, step one epoch, reset, and every setting as a control.

Reproducibility: a run draws all its randomness from one generator,
``np.random.default_rng(config.seed)``, in this order: the data set, the
train/test split, the initial weights, then each epoch's shuffle. An epoch is
one call of :func:`nnbook.fit`, so the same config gives the very same numbers
as ``nb.fit`` called on the same data, model and optimizer.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import data as _data
from . import init as _init
from .activations import ELU, Abs, HardTanh, Identity, LeakyReLU, PReLU, ReLU, RReLU, Sigmoid, Softplus, Tanh
from .functional import sigmoid, softmax
from .layers import Linear
from .losses import BCEWithLogitsLoss, CrossEntropyLoss, Loss, MSELoss
from .module import Module, Sequential
from .optim import SGD
from .train import evaluate, fit

__all__ = [
    "PlaygroundConfig", "Playground", "Snapshot", "features", "make_data", "build_model",
    "DATASETS", "ACTIVATIONS", "INITS", "OUTPUTS", "FEATURES", "VIEWS",
    "Dashboard", "plot_boundary", "plot_loss", "plot_units", "plot_weights", "plot_gradients",
    "plot_snapshot", "limits_for", "Precomputed", "scrubber", "App", "app", "TRAINING_FIELDS",
]

# -----------------------------------------------------------------------------
# Choices
# -----------------------------------------------------------------------------

#: data sets; the first five are classification, the last two regression
DATASETS = ("xor", "circles", "blobs", "spirals", "moons", "regression_1d", "regression_2d")
_BINARY_ONLY = ("xor", "circles", "moons")
_REGRESSION = ("regression_1d", "regression_2d")

_ACTIVATION_MODULES: dict[str, Callable[[np.random.Generator], Module]] = {
    "identity": lambda rng: Identity(),
    "sigmoid": lambda rng: Sigmoid(),
    "tanh": lambda rng: Tanh(),
    "relu": lambda rng: ReLU(),
    "leaky_relu": lambda rng: LeakyReLU(0.01),
    "prelu": lambda rng: PReLU(),
    "rrelu": lambda rng: RReLU(rng=rng),
    "elu": lambda rng: ELU(),
    "softplus": lambda rng: Softplus(),
    "hardtanh": lambda rng: HardTanh(),
    "abs": lambda rng: Abs(),
}
#: hidden-unit activations: every trainable one in :mod:`nnbook.activations`
#: (``"rrelu"`` draws its random slopes from the run's generator)
ACTIVATIONS = tuple(_ACTIVATION_MODULES)

#: weight initializers (names from :mod:`nnbook.init`)
INITS = ("xavier_uniform", "xavier_normal", "he_uniform", "he_normal", "lecun_normal", "normal", "uniform", "constant", "zeros")

#: output unit and loss: ``auto`` picks sigmoid (two classes), softmax (more) or linear (regression)
OUTPUTS = ("auto", "sigmoid", "softmax", "linear")

_F: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "x1": lambda X: X[:, 0],
    "x2": lambda X: X[:, 1],
    "x1^2": lambda X: X[:, 0] ** 2,
    "x2^2": lambda X: X[:, 1] ** 2,
    "x1*x2": lambda X: X[:, 0] * X[:, 1],
    "sin(x1)": lambda X: np.sin(X[:, 0]),
    "sin(x2)": lambda X: np.sin(X[:, 1]),
}
#: input features the network can be fed
FEATURES = tuple(_F)
_FEATURES_1D = ("x1", "x1^2", "sin(x1)")
_FEATURE_LABELS = {
    # plain Unicode, not mathtext: parsing TeX costs more than drawing a whole frame
    "x1": "x₁", "x2": "x₂", "x1^2": "x₁²", "x2^2": "x₂²",
    "x1*x2": "x₁x₂", "sin(x1)": "sin x₁", "sin(x2)": "sin x₂",
}

#: the views a dashboard can show
VIEWS = ("boundary", "units", "weights", "loss", "gradients")

#: config fields that change the training only (the app applies them without a reset)
TRAINING_FIELDS = ("lr", "batch_size", "momentum", "l2", "l1")


# -----------------------------------------------------------------------------
# Configuration
# -----------------------------------------------------------------------------


def _suggest(value: Any, options: Sequence[str]) -> str:
    """`` (did you mean 'x'?)`` for the option closest to a misspelt ``value``, or ``""``."""
    v = str(value).lower()
    opts = [str(o) for o in options]
    close = difflib.get_close_matches(v, [o.lower() for o in opts], n=1)
    if close:
        return f" (did you mean {opts[[o.lower() for o in opts].index(close[0])]!r}?)"
    prefixed = [o for o in opts if v.startswith(o.lower()) or o.lower().startswith(v)]
    return f" (did you mean {max(prefixed, key=len)!r}?)" if prefixed and v else ""


def _is_int(v: Any) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def _is_number(v: Any) -> bool:
    return (_is_int(v) or isinstance(v, (float, np.floating))) and math.isfinite(float(v))


@dataclass(frozen=True)
class PlaygroundConfig:
    """Everything that defines a playground run, validated on construction.

    Parameters
    ----------
    dataset : str
        One of :data:`DATASETS`: ``"xor"``, ``"circles"``, ``"blobs"`` (Gaussian
        clusters), ``"spirals"``, ``"moons"``, ``"regression_1d"``, ``"regression_2d"``.
    n_points : int
        Points in all, before the train/test split (at least 4).
    noise : float
        Standard deviation of the generator's Gaussian noise: on the inputs
        (xor, circles, moons), on the angle (spirals), of each cluster (blobs)
        or on the target (regression).
    test_fraction : float
        Share of the points held out as the test set, in (0, 1).
    n_classes : int
        Classes of ``"spirals"`` and ``"blobs"`` (2 or more); every other data set needs 2.
    features : tuple of str
        Inputs fed to the network, a subset of :data:`FEATURES` (``"x1"``,
        ``"x2"``, ``"x1^2"``, ``"x2^2"``, ``"x1*x2"``, ``"sin(x1)"``, ``"sin(x2)"``;
        ``"regression_1d"`` has ``x1`` only).
    hidden : tuple of int
        Units of each hidden layer; ``()`` is a network without hidden layers.
    activation : str
        Hidden-unit activation, one of :data:`ACTIVATIONS`.
    init : str
        Weight initializer, one of :data:`INITS` (:mod:`nnbook.init`).
    init_scale : float
        Multiplies the initial weights (for ``"constant"`` it is the constant).
    bias_init : float
        Initial value of every bias.
    output : str
        ``"sigmoid"`` (one logit, :class:`~nnbook.BCEWithLogitsLoss`),
        ``"softmax"`` (one logit a class, :class:`~nnbook.CrossEntropyLoss`),
        ``"linear"`` (:class:`~nnbook.MSELoss`, regression), or ``"auto"``.
    lr, momentum, l2, l1 : float
        Learning rate, momentum, weight decay and L1 strength of :class:`~nnbook.SGD`
        (``l2`` is its ``weight_decay``); the penalties act on weights, not biases.
    batch_size : int or None
        Examples a step; ``None`` means full-batch gradient descent.
    seed : int
        Seeds the one generator of the run (data, split, weights, shuffles).

    Examples
    --------
    >>> c = PlaygroundConfig(dataset="xor", hidden=(4,), activation="relu")
    >>> PlaygroundConfig.from_dict(c.to_dict()) == c
    True
    """

    dataset: str = "circles"
    n_points: int = 200
    noise: float = 0.1
    test_fraction: float = 0.5
    n_classes: int = 2
    features: tuple[str, ...] = ("x1", "x2")
    hidden: tuple[int, ...] = (4, 2)
    activation: str = "tanh"
    init: str = "xavier_uniform"
    init_scale: float = 1.0
    bias_init: float = 0.0
    output: str = "auto"
    lr: float = 0.03
    batch_size: int | None = 10
    momentum: float = 0.0
    l2: float = 0.0
    l1: float = 0.0
    seed: int = 0

    # -- validation --------------------------------------------------------------
    def __post_init__(self) -> None:
        def bad(name: str, why: str) -> ValueError:
            return ValueError(f"PlaygroundConfig: {name} {why}, got {getattr(self, name)!r}")

        def choice(name: str, options: Sequence[str]) -> None:
            v = getattr(self, name)
            if not isinstance(v, str) or v not in options:
                raise ValueError(
                    f"PlaygroundConfig: unknown {name} {v!r}{_suggest(v, options)}; choose one of {list(options)}"
                )

        def number(name: str, low: float | None = None, high: float | None = None, *, low_open: bool = False, high_open: bool = False) -> None:
            v = getattr(self, name)
            if not _is_number(v):
                raise bad(name, "must be a finite number")
            v = float(v)
            if low is not None and (v < low or (low_open and v == low)):
                raise bad(name, f"must be {'>' if low_open else '>='} {low}")
            if high is not None and (v > high or (high_open and v == high)):
                raise bad(name, f"must be {'<' if high_open else '<='} {high}")
            object.__setattr__(self, name, v)

        def integer(name: str, low: int) -> None:
            v = getattr(self, name)
            if not _is_int(v) or v < low:
                raise bad(name, f"must be an integer >= {low}")
            object.__setattr__(self, name, int(v))

        choice("dataset", DATASETS)
        if self.activation == "step":
            raise ValueError(
                "PlaygroundConfig: activation 'step' has no useful gradient (its derivative is 0 almost "
                "everywhere), so gradient descent cannot train it; choose one of " + str(list(ACTIVATIONS))
            )
        choice("activation", list(ACTIVATIONS))
        choice("init", INITS)
        choice("output", OUTPUTS)
        integer("n_points", 4)
        integer("n_classes", 2)
        integer("seed", 0)
        number("noise", 0.0)
        number("test_fraction", 0.0, 1.0, low_open=True, high_open=True)
        number("init_scale", 0.0)
        number("bias_init")
        number("lr", 0.0, low_open=True)
        number("momentum", 0.0, 1.0, high_open=True)
        number("l2", 0.0)
        number("l1", 0.0)
        if self.batch_size is not None:
            integer("batch_size", 1)

        # sequences (lists from JSON become tuples)
        hidden = self.hidden
        if _is_int(hidden) or isinstance(hidden, (str, bytes)) or not isinstance(hidden, Sequence | np.ndarray):
            raise bad("hidden", "must be a sequence of layer widths such as (8, 8) (use () for no hidden layer)")
        if not all(_is_int(h) and h >= 1 for h in hidden):
            raise bad("hidden", "must hold positive integers (units per hidden layer)")
        object.__setattr__(self, "hidden", tuple(int(h) for h in hidden))
        feats = self.features
        if isinstance(feats, (str, bytes)) or not isinstance(feats, Sequence):
            raise bad("features", "must be a sequence of feature names such as ('x1', 'x2')")
        for f in feats:
            if f not in _F:
                raise ValueError(f"PlaygroundConfig: unknown feature {f!r}{_suggest(f, FEATURES)}; choose from {list(FEATURES)}")
        if not feats:
            raise bad("features", "must name at least one input feature")
        if len(set(feats)) != len(feats):
            raise bad("features", "must not repeat a feature")
        object.__setattr__(self, "features", tuple(feats))

        # combinations
        if self.dataset == "regression_1d":
            extra = [f for f in feats if f not in _FEATURES_1D]
            if extra:
                raise ValueError(
                    f"PlaygroundConfig: dataset 'regression_1d' has one input x1, so features {extra} are not "
                    f"available; choose from {list(_FEATURES_1D)}"
                )
        if self.dataset in _BINARY_ONLY and self.n_classes != 2:
            raise ValueError(
                f"PlaygroundConfig: dataset {self.dataset!r} has 2 classes, got n_classes={self.n_classes} "
                "(n_classes applies to 'spirals' and 'blobs')"
            )
        if self.dataset in _REGRESSION and self.n_classes != 2:
            raise ValueError(
                f"PlaygroundConfig: dataset {self.dataset!r} is a regression, so n_classes does not apply; "
                f"leave it at 2, got {self.n_classes}"
            )
        if self.dataset in _REGRESSION and self.output not in ("auto", "linear"):
            raise ValueError(
                f"PlaygroundConfig: output {self.output!r} is for classification, but {self.dataset!r} is a "
                "regression data set; use output='linear' (squared error) or 'auto'"
            )
        if self.dataset not in _REGRESSION and self.output == "linear":
            raise ValueError(
                f"PlaygroundConfig: output 'linear' (squared error) is for the regression data sets, but "
                f"{self.dataset!r} is a classification data set; use 'sigmoid' (two classes), 'softmax' or 'auto'"
            )
        if self.output == "sigmoid" and self.n_classes != 2:
            raise ValueError(
                f"PlaygroundConfig: output 'sigmoid' has one unit and separates 2 classes, but n_classes="
                f"{self.n_classes}; use output='softmax'"
            )
        n_test = max(1, int(round(self.test_fraction * self.n_points)))
        if self.n_points - n_test < 1:
            raise ValueError(
                f"PlaygroundConfig: test_fraction={self.test_fraction} leaves no training points out of "
                f"n_points={self.n_points}"
            )

    # -- derived -------------------------------------------------------------------
    @property
    def task(self) -> str:
        """``"binary"``, ``"multiclass"`` or ``"regression"``."""
        if self.dataset in _REGRESSION:
            return "regression"
        return "binary" if self.n_classes == 2 else "multiclass"

    @property
    def output_unit(self) -> str:
        """The output unit, with ``"auto"`` resolved: ``"sigmoid"``, ``"softmax"`` or ``"linear"``."""
        if self.output != "auto":
            return self.output
        return {"binary": "sigmoid", "multiclass": "softmax", "regression": "linear"}[self.task]

    @property
    def input_dim(self) -> int:
        """Raw input dimension: 1 for ``"regression_1d"``, else 2."""
        return 1 if self.dataset == "regression_1d" else 2

    @property
    def n_outputs(self) -> int:
        """Output units of the network."""
        return self.n_classes if self.output_unit == "softmax" else 1

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """Widths from input to output, e.g. ``(2, 8, 8, 1)``."""
        return (len(self.features), *self.hidden, self.n_outputs)

    # -- conversion ----------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A plain dict of Python scalars and lists (JSON-ready); :meth:`from_dict` reverses it."""
        d = dataclasses.asdict(self)
        d["features"] = list(self.features)
        d["hidden"] = list(self.hidden)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PlaygroundConfig:
        """Build a config from a dict such as :meth:`to_dict` returns; missing keys take their defaults.

        Raises
        ------
        ValueError
            For an unknown key (with the closest valid one) or an invalid value.
        """
        if isinstance(d, PlaygroundConfig):
            return d
        if not isinstance(d, Mapping):
            raise TypeError(f"PlaygroundConfig.from_dict: expected a dict, got {type(d).__name__}")
        names = [f.name for f in dataclasses.fields(cls)]
        unknown = [k for k in d if k not in names]
        if unknown:
            k = unknown[0]
            raise ValueError(
                f"PlaygroundConfig: unknown key{'s' if len(unknown) > 1 else ''} {unknown}{_suggest(k, names)}; "
                f"valid keys are {names}"
            )
        return cls(**dict(d))

    def to_json(self, **kwargs: Any) -> str:
        """The config as a JSON string (keyword arguments go to :func:`json.dumps`)."""
        return json.dumps(self.to_dict(), **kwargs)

    @classmethod
    def from_json(cls, text: str) -> PlaygroundConfig:
        """Read a config from a JSON string such as :meth:`to_json` writes."""
        try:
            d = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"PlaygroundConfig.from_json: not valid JSON: {exc}") from None
        return cls.from_dict(d)

    def replace(self, **changes: Any) -> PlaygroundConfig:
        """A copy with some fields changed (validated like a new config)."""
        names = {f.name for f in dataclasses.fields(self)}
        for k in changes:
            if k not in names:
                raise ValueError(f"PlaygroundConfig: unknown key {k!r}{_suggest(k, sorted(names))}; valid keys are {sorted(names)}")
        return dataclasses.replace(self, **changes)


# -----------------------------------------------------------------------------
# Data, features, network
# -----------------------------------------------------------------------------


def features(X: np.ndarray, names: Sequence[str] = ("x1", "x2")) -> np.ndarray:
    r"""The network's input: the columns ``names`` (from :data:`FEATURES`) computed from raw inputs.

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
        if name not in _F:
            raise ValueError(f"features: unknown feature {name!r}{_suggest(name, FEATURES)}; choose from {list(FEATURES)}")
        if X.shape[1] == 1 and name not in _FEATURES_1D:
            raise ValueError(f"features: {name!r} needs x2, but the inputs have shape {X.shape}")
        cols.append(_F[name](X))
    return np.column_stack(cols) if cols else np.empty((len(X), 0))


def _blob_centers(k: int, radius: float = 1.5) -> np.ndarray:
    angle = 2 * np.pi * np.arange(k) / k + np.pi / 4
    return radius * np.c_[np.cos(angle), np.sin(angle)]


def make_data(config: PlaygroundConfig, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The data set of ``config``, split: ``X_train, X_test, y_train, y_test`` (raw inputs).

    Draws from ``rng`` the points (with :mod:`nnbook.data`'s generators) and
    then the split (:func:`nnbook.data.train_test_split`).
    """
    c, n, noise = config, config.n_points, config.noise
    if c.dataset == "xor":
        X, y = _data.make_xor(n, noise=noise, rng=rng)
    elif c.dataset == "circles":
        X, y = _data.make_circles(n, noise=noise, rng=rng)
    elif c.dataset == "moons":
        X, y = _data.make_moons(n, noise=noise, rng=rng)
    elif c.dataset == "spirals":
        X, y = _data.make_spirals(n, n_classes=c.n_classes, noise=noise, rng=rng)
    elif c.dataset == "blobs":
        X, y = _data.make_blobs(n, centers=_blob_centers(c.n_classes), std=noise, rng=rng)
    elif c.dataset == "regression_1d":
        X, y = _data.make_regression_1d(n, noise=noise, rng=rng)
    else:
        X, y = _data.make_regression_2d(n, noise=noise, rng=rng)
    return _data.train_test_split(X, y, test_fraction=c.test_fraction, rng=rng)


def _weight_init(name: str, scale: float) -> Any:
    if name == "constant":
        return lambda shape, rng=None: _init.constant(shape, rng, value=scale)
    if scale == 1.0:
        return name  # exactly what Linear(init=name) does
    f = _init.get(name)
    return lambda shape, rng=None: scale * f(shape, rng)


def build_model(config: PlaygroundConfig, rng: np.random.Generator) -> Sequential:
    """The network of ``config``: ``Linear, activation, ..., Linear`` with weights drawn from ``rng``.

    Layer widths are :attr:`PlaygroundConfig.layer_sizes`; the output layer is
    linear (its sigmoid or softmax lives in the loss).
    """
    sizes = config.layer_sizes
    winit = _weight_init(config.init, config.init_scale)
    layers: list[Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(Linear(a, b, init=winit, bias_init=config.bias_init, rng=rng))
        if i < len(sizes) - 2:
            layers.append(_ACTIVATION_MODULES[config.activation](rng))
    return Sequential(*layers)


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
        if resolution is not None and (not _is_int(resolution) or resolution < 2):
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
        self._linears = [m for m in self.model.layers if isinstance(m, Linear)]
        self._grid = self._make_grid()
        self.initial = self.evaluate()
        self.grad_norms: list[list[float]] = [self._grad_norms()]
        y_all = np.r_[self.y_train, self.y_test].astype(np.float64)
        self._y_range = (float(y_all.min()), float(y_all.max())) if c.task == "regression" else (0.0, 1.0)

    def update(self, **changes: Any) -> None:
        """Change settings; a change of the training settings alone (:data:`TRAINING_FIELDS`)
        keeps the network and its weights and only rebuilds the optimizer (momentum restarts
        from zero), anything else resets the run."""
        new = self.config.replace(**changes)
        changed = {f.name for f in dataclasses.fields(new) if getattr(new, f.name) != getattr(self.config, f.name)}
        self.config = new
        if not changed:
            return
        if changed <= set(TRAINING_FIELDS):
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
        """Evaluation mode (RReLU then draws nothing from the run's generator) and no float warnings."""
        self.model.eval()
        try:
            with np.errstate(all="ignore"):
                yield
        finally:
            self.model.train()

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
        if not _is_int(epochs) or epochs < 0:
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
                if not isinstance(layer, Linear):
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
        if any(not _is_int(e) or e < 0 for e in epochs) or any(b < a for a, b in zip(epochs, epochs[1:])):
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


# -----------------------------------------------------------------------------
# Views
# -----------------------------------------------------------------------------

_TRAIN_EDGE, _TEST_EDGE = "white", "black"
_POSITIVE, _NEGATIVE, _HINTON_BG = "white", "black", "0.55"
_MAX_UNITS_SHOWN = 8
_MAX_LAYERS_SHOWN = 6


def _class_rgb(k: int) -> np.ndarray:
    from matplotlib.colors import to_rgb

    from .plotting import CLASS_COLORS

    return np.array([to_rgb(CLASS_COLORS[i % len(CLASS_COLORS)]) for i in range(k)])


def _classification_rgb(output: np.ndarray, k: int) -> np.ndarray:
    """Tint of the predicted class, stronger where the network is surer: white at a tie."""
    P = np.stack([1 - output, output], axis=-1) if output.ndim == 2 else output
    P = np.nan_to_num(P, nan=1.0 / k)
    cls = P.argmax(axis=-1)
    conf = np.clip((P.max(axis=-1) - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 1.0)
    colors = _class_rgb(k)
    return 1.0 - (1.0 - colors[cls]) * (0.65 * conf)[..., None]


def _nice_top(v: float) -> float:
    """The next of 1, 2, 5 times a power of ten at or above ``v``."""
    if not np.isfinite(v) or v <= 0:
        return 1.0
    e = 10.0 ** math.floor(math.log10(v))
    for m in (1, 2, 5, 10):
        if m * e >= v * (1 + 1e-12):
            return m * e
    return 10 * e  # pragma: no cover


def _epoch_right(epoch: int) -> int:
    """Right end of the epoch axes: 10, then doubling, so the axes change rarely."""
    right = 10
    while right < epoch:
        right *= 2
    return right


def limits_for(snapshots: Sequence[Snapshot]) -> dict[str, Any]:
    """Axis limits that fit every snapshot, so that frames of a scrubber share their axes."""
    snaps = list(snapshots)
    last_epoch = max(s.epoch for s in snaps)
    losses = np.concatenate([np.r_[s.train_loss, s.test_loss] for s in snaps])
    losses = losses[np.isfinite(losses)]
    g = np.concatenate([s.grad_norms.ravel() for s in snaps])
    g = g[np.isfinite(g) & (g > 0)]
    n_layers = max(len(s.weights) for s in snaps)
    wmax = []
    for i in range(n_layers):
        vals = [np.nanmax(np.abs(s.weights[i])) for s in snaps if i < len(s.weights) and s.weights[i].size]
        vals = [v for v in vals if np.isfinite(v)]
        wmax.append(max(vals) if vals and max(vals) > 0 else 1.0)
    return {
        "epochs": max(1, last_epoch),
        "loss": _nice_top(float(losses.max()) * 1.05) if losses.size else 1.0,
        "grad": (10.0 ** math.floor(math.log10(g.min())), 10.0 ** math.ceil(math.log10(g.max()))) if g.size else (1e-3, 1.0),
        "weights": wmax,
    }


class _View:
    """A view keeps its artists; :meth:`update` changes their data and returns ``True``
    when something static (an axis limit) changed, so the background must be redrawn."""

    animated = False
    #: whether titles carry the changing numbers (epoch, losses); off for live frames,
    #: where drawing text glyph by glyph would cost more than the rest of the frame
    texts = True

    def artists(self) -> list[Any]:
        return list(self._artists)

    def _mark(self, *artists: Any) -> None:
        for a in artists:
            a.set_animated(self.animated)

    def _dynamic(self, *texts: Any) -> list[Any]:
        """Text artists that change from frame to frame, if this view shows numbers."""
        return list(texts) if self.texts else []

    def update(self, snap: Snapshot, limits: Mapping[str, Any] | None = None) -> bool:  # pragma: no cover
        raise NotImplementedError


class BoundaryView(_View):
    """The decision regions (classification) or the regression surface, with the points.

    Training points have a white edge, test points a black one. Classification
    colours each grid point by the predicted class, stronger where the network
    is surer (white at a tie); in the binary case a black line marks p = 0.5.
    Regression colours the plane (and the points) by the value, or draws the
    curve through the points in 1-D.
    """

    def __init__(self, ax: Any, snap: Snapshot, *, animated: bool = False, texts: bool = True) -> None:
        from matplotlib.collections import LineCollection

        self.ax, self.animated, self.texts = ax, animated, texts
        self.task, self.k = snap.task, snap.n_classes
        self.dim = len(snap.grid)
        # points as markers of a few lines (drawn from one cached marker, several times faster than a scatter)
        marker = dict(marker="o", linestyle="none", markersize=4.0)
        train = dict(markeredgecolor=_TRAIN_EDGE, markeredgewidth=0.6)
        test = dict(markeredgecolor=_TEST_EDGE, markeredgewidth=0.8)
        a: list[Any] = []
        if self.dim == 2:
            xs, ys = snap.grid
            extent = (xs[0], xs[-1], ys[0], ys[-1])
            if self.task == "regression":
                lo, hi = snap.y_range
                pad = 0.05 * (hi - lo or 1.0)
                vmin, vmax = lo - pad, hi + pad
                self.image = ax.imshow(np.zeros((len(ys), len(xs))), origin="lower", extent=extent, cmap="viridis",
                                       vmin=vmin, vmax=vmax, interpolation="bilinear", aspect="auto", alpha=0.85)
                points = [
                    ax.scatter(snap.X_train[:, 0], snap.X_train[:, 1], c=snap.y_train.ravel(), cmap="viridis", vmin=vmin,
                               vmax=vmax, s=16, edgecolors=_TRAIN_EDGE, linewidths=0.6),
                    ax.scatter(snap.X_test[:, 0], snap.X_test[:, 1], c=snap.y_test.ravel(), cmap="viridis", vmin=vmin,
                               vmax=vmax, s=16, edgecolors=_TEST_EDGE, linewidths=0.8),
                ]
            else:
                self.image = ax.imshow(np.full((len(ys), len(xs), 3), 255, dtype=np.uint8), origin="lower", extent=extent,
                                       interpolation="bilinear", aspect="auto")
                colors = _class_rgb(self.k)
                points = []
                for X, y, style in ((snap.X_train, snap.y_train, train), (snap.X_test, snap.y_test, test)):
                    for c in range(self.k):
                        m = y == c
                        points.append(ax.plot(X[m, 0], X[m, 1], markerfacecolor=colors[c], **marker, **style)[0])
            self.boundary = LineCollection([], colors="k", linewidths=1.0, zorder=0.5)
            ax.add_collection(self.boundary)
            ax.set_xlim(xs[0], xs[-1])
            ax.set_ylim(ys[0], ys[-1])
            ax.set_xlabel("x₁")
            ax.set_ylabel("x₂", labelpad=1)
            a = [self.image, self.boundary, *points]
        else:
            xs = snap.grid[0]
            self.line, = ax.plot(xs, np.zeros_like(xs), color="k", lw=1.6, label="network")
            points = [
                ax.plot(snap.X_train[:, 0], snap.y_train.ravel(), markerfacecolor="#1f77b4", label="train", **marker, **train)[0],
                ax.plot(snap.X_test[:, 0], snap.y_test.ravel(), markerfacecolor="#ff7f0e", label="test", **marker, **test)[0],
            ]
            lo, hi = snap.y_range
            pad = 0.2 * (hi - lo or 1.0)
            ax.set_xlim(xs[0], xs[-1])
            ax.set_ylim(lo - pad, hi + pad)
            ax.set_xlabel("x₁")
            ax.set_ylabel("y", labelpad=1)
            ax.legend(loc="upper left", fontsize=7, frameon=False)
            a = [*points, self.line]
        self.title = ax.set_title("" if texts else ("regression" if self.task == "regression" else "decision regions"), fontsize=9)
        a += self._dynamic(self.title)
        self._artists = a
        self._mark(*a)
        self.update(snap)

    def update(self, snap: Snapshot, limits: Mapping[str, Any] | None = None) -> bool:
        out = snap.output
        if self.dim == 2:
            if self.task == "regression":
                self.image.set_data(np.nan_to_num(out))
            else:
                self.image.set_data((_classification_rgb(out, self.k) * 255 + 0.5).astype(np.uint8))
            segments: list[np.ndarray] = []
            if self.task == "binary":
                import contourpy

                p = np.nan_to_num(out, nan=0.5)
                if p.min() < 0.5 < p.max():
                    segments = list(contourpy.contour_generator(*snap.grid, p).lines(0.5))
            self.boundary.set_segments(segments)
        else:
            self.line.set_ydata(np.nan_to_num(out))
        if not self.texts:
            return False
        title = f"epoch {snap.epoch}"
        if snap.test_accuracy is not None:
            title += f", test accuracy {snap.test_accuracy[-1]:.3f}"
        self.title.set_text(title + ("  (diverged)" if snap.diverged else ""))
        return False


class LossView(_View):
    """Training and test loss against the epoch (epoch 0 is the untrained network)."""

    def __init__(self, ax: Any, snap: Snapshot, *, animated: bool = False, texts: bool = True, limits: Mapping[str, Any] | None = None) -> None:
        self.ax, self.animated, self.texts = ax, animated, texts
        self.train_line, = ax.plot([], [], color="0.25", lw=1.4, label="train")
        self.test_line, = ax.plot([], [], color="#ff7f0e", lw=1.4, label="test")
        ax.set_xlabel("epoch", labelpad=1)
        self.title = ax.set_title("" if texts else "loss", fontsize=9)
        ax.legend(loc="upper right", fontsize=7, frameon=False)
        self._artists = [self.train_line, self.test_line, *self._dynamic(self.title)]
        self._mark(*self._artists)
        self._right, self._top = None, None
        self.update(snap, limits)

    def update(self, snap: Snapshot, limits: Mapping[str, Any] | None = None) -> bool:
        e = np.arange(len(snap.train_loss))
        self.train_line.set_data(e, snap.train_loss)
        self.test_line.set_data(e, snap.test_loss)
        if self.texts:
            self.title.set_text(f"loss: train {snap.train_loss[-1]:.4f}, test {snap.test_loss[-1]:.4f}")
        if limits is not None:
            right, top = limits["epochs"], limits["loss"]
        else:
            right = _epoch_right(snap.epoch)
            vals = np.r_[snap.train_loss, snap.test_loss]
            vals = vals[np.isfinite(vals)]
            m = float(vals.max()) if vals.size else 1.0
            top = self._top if (self._top is not None and m <= self._top) else _nice_top(1.05 * m)
        changed = (right, top) != (self._right, self._top)
        if changed:
            self._right, self._top = right, top
            self.ax.set_xlim(0, right)
            self.ax.set_ylim(0, top)
        return changed


class GradientsView(_View):
    r"""Norm of :math:`\partial L/\partial W` of each layer against the epoch (log scale)."""

    def __init__(self, ax: Any, snap: Snapshot, *, animated: bool = False, texts: bool = True, limits: Mapping[str, Any] | None = None) -> None:
        import matplotlib as mpl

        self.ax, self.animated, self.texts = ax, animated, texts
        n = snap.grad_norms.shape[1]
        cmap = mpl.colormaps["viridis"]
        self.lines = [ax.plot([], [], color=cmap(i / max(1, n - 1) * 0.85), lw=1.3, label=f"W{i + 1}")[0] for i in range(n)]
        ax.set_yscale("log")
        from matplotlib.ticker import FuncFormatter, NullFormatter

        # plain labels such as 1e-03: the default mathtext labels cost more to draw than the rest of the view
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}" if 1e-3 <= v <= 1e3 else f"{v:.0e}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel("epoch", labelpad=1)
        ax.set_title("gradient norm ‖∂L/∂W‖ per layer", fontsize=9)
        self.legend = ax.legend(loc="upper right", fontsize=7, frameon=False, ncol=min(n, 4), handlelength=1.2, columnspacing=0.8)
        self._artists = list(self.lines)
        self._mark(*self._artists)
        self._right: int | None = None
        self._range: tuple[float, float] | None = None
        self.update(snap, limits)

    def update(self, snap: Snapshot, limits: Mapping[str, Any] | None = None) -> bool:
        G = np.maximum(snap.grad_norms, 1e-12)
        e = np.arange(len(G))
        for i, line in enumerate(self.lines):
            line.set_data(e, G[:, i])
        if limits is not None:
            right, rng = limits["epochs"], tuple(limits["grad"])
        else:
            right = _epoch_right(snap.epoch)
            g = G[np.isfinite(G)]
            lo = 10.0 ** math.floor(math.log10(g.min())) if g.size else 1e-3
            hi = 10.0 ** math.ceil(math.log10(g.max())) if g.size else 1.0
            if hi <= lo:
                hi = lo * 10
            rng = (lo, hi)
            if self._range is not None and self._range[0] <= lo and hi <= self._range[1]:
                rng = self._range
        changed = (right, rng) != (self._right, self._range)
        if changed:
            self._right, self._range = right, rng
            self.ax.set_xlim(0, right)
            self.ax.set_ylim(rng[0], rng[1] * 2)
        return changed


class UnitsView(_View):
    """Small multiples: each input feature and each hidden unit's output over the input
    plane, one column a layer (inputs first, at most 8 units a layer shown), as in a
    network diagram.

    Colours are scaled per picture: orange negative, purple positive, white zero,
    so a dead ReLU unit is blank. In 2-D the pictures are tiles of one image
    (one image to redraw instead of one a unit); in 1-D each unit is a curve.
    """

    _GAP = 2  # grid points between tiles

    def __init__(self, fig: Any, spec: Any, snap: Snapshot, *, animated: bool = False, texts: bool = True) -> None:
        import matplotlib as mpl

        self.fig, self.animated, self.texts = fig, animated, texts
        layers = snap.units[: _MAX_LAYERS_SHOWN + 1]
        self.n_rows = n_rows = min(_MAX_UNITS_SHOWN, max(u.shape[0] for u in layers))
        self.n_cols = n_cols = len(layers)
        self.dim = len(snap.grid)
        titles = ["in"] + [f"h{i}" for i in range(1, n_cols)]
        widest = max(u.shape[0] for u in layers)
        note = f"first {n_rows} of {widest} units" if widest > n_rows else ""
        if len(snap.units) > len(layers):
            note += (", " if note else "") + f"first {len(layers) - 1} of {len(snap.units) - 1} layers"
        feats = [_FEATURE_LABELS[f] for f in snap.config.features]
        a: list[Any] = []
        if self.dim == 2:
            ax = fig.add_subplot(spec)
            self.ax = ax
            self._lut = mpl.colormaps["PuOr"](np.linspace(0, 1, 256), bytes=True)[:, :3]
            # a tile is shown some 25 pixels wide: every other point of a fine grid is plenty
            self._step = 2 if min(snap.units[0].shape[1:]) >= 40 else 1
            ny, nx = snap.units[0][0, :: self._step, :: self._step].shape
            g = self._GAP
            self._tile = (ny, nx)
            H, Wd = n_rows * (ny + g) - g, n_cols * (nx + g) - g
            self._mosaic = np.full((H, Wd, 3), 255, dtype=np.uint8)
            for j, U in enumerate(layers):  # frames around the tiles in use
                for i in range(min(U.shape[0], n_rows)):
                    r0, c0 = i * (ny + g), j * (nx + g)
                    self._mosaic[max(r0 - 1, 0):r0 + ny + 1, max(c0 - 1, 0):c0 + nx + 1] = 150
            self.image = ax.imshow(self._mosaic, origin="upper", interpolation="none", aspect="equal",
                                   extent=(-0.5, Wd - 0.5, H - 0.5, -0.5))
            ax.set_anchor("N")
            ax.set_axis_off()
            for j, t in enumerate(titles):
                ax.text(j * (nx + g) + nx / 2, -3, t, ha="center", va="bottom", fontsize=7)
            for i, f in enumerate(feats[:n_rows]):
                ax.text(-3, i * (ny + g) + ny / 2, f, ha="right", va="center", fontsize=7)
            if note:
                ax.text(Wd / 2, H + 3, note, ha="center", va="top", fontsize=6)
            a = [self.image]
        else:
            gs = spec.subgridspec(n_rows, n_cols, wspace=0.08, hspace=0.08)
            self.cells: list[list[Any]] = []
            xs = snap.grid[0]
            for j, U in enumerate(layers):
                col = []
                for i in range(min(U.shape[0], n_rows)):
                    ax = fig.add_subplot(gs[i, j])
                    ax.set_xticks([])
                    ax.set_yticks([])
                    for sp in ax.spines.values():
                        sp.set_visible(True)
                        sp.set_linewidth(0.4)
                    ax.axhline(0, color="0.8", lw=0.5)
                    art, = ax.plot(xs, np.zeros_like(xs), color="k", lw=1.0)
                    ax.set_xlim(xs[0], xs[-1])
                    ax.set_ylim(-1.1, 1.1)
                    if i == 0:
                        ax.set_title(titles[j], fontsize=7, pad=2)
                    if i == n_rows - 1 and j == 0 and note:
                        ax.set_xlabel(note, fontsize=6, loc="left")
                    if j == 0 and i < len(feats):
                        ax.set_ylabel(feats[i], fontsize=7, rotation=0, ha="right", va="center", labelpad=2)
                    col.append(art)
                    a.append(art)
                self.cells.append(col)
        self._artists = a
        self._mark(*a)
        self.update(snap)

    @staticmethod
    def _scaled(u: np.ndarray) -> np.ndarray:
        u = np.nan_to_num(u)
        m = float(np.abs(u).max())
        return u / (m if m > 1e-12 else 1.0)

    def update(self, snap: Snapshot, limits: Mapping[str, Any] | None = None) -> bool:
        if self.dim == 2:
            ny, nx = self._tile
            g = self._GAP
            k = self._step
            for j, U in enumerate(snap.units[: self.n_cols]):
                for i in range(min(U.shape[0], self.n_rows)):
                    idx = np.rint((self._scaled(U[i, ::k, ::k])[::-1] + 1) * 127.5).astype(np.intp)
                    r0, c0 = i * (ny + g), j * (nx + g)
                    self._mosaic[r0:r0 + ny, c0:c0 + nx] = self._lut[idx]
            self.image.set_data(self._mosaic)
        else:
            for col, U in zip(self.cells, snap.units):
                for i, art in enumerate(col):
                    art.set_ydata(self._scaled(U[i]))
        return False


class WeightsView(_View):
    """Hinton diagrams of the weights, one a layer: a square's area is proportional to
    :math:`|w|`, white for positive and black for negative weights. Row ``j`` of
    :math:`W_l` holds the weights *into* unit ``j`` of layer ``l`` (one column an
    input), so the rows line up with the units view."""

    def __init__(self, fig: Any, spec: Any, snap: Snapshot, *, animated: bool = False, texts: bool = True, limits: Mapping[str, Any] | None = None) -> None:
        self.fig, self.animated, self.texts = fig, animated, texts
        Ws = snap.weights[: _MAX_LAYERS_SHOWN + 1]
        heights = [max(W.shape[1], 1) + 1.5 for W in Ws]
        gs = spec.subgridspec(len(Ws), 1, height_ratios=heights, hspace=0.3)
        self.axes, self.marks, self.titles, self._cell = [], [], [], []
        fig_w, fig_h = fig.get_size_inches()
        for i, W in enumerate(Ws):
            ax = fig.add_subplot(gs[i])
            d_in, d_out = W.shape
            ax.set_facecolor(_HINTON_BG)
            ax.set_xlim(-0.5, d_in - 0.5)
            ax.set_ylim(d_out - 0.5, -0.5)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_aspect("equal", adjustable="box", anchor="W")
            ax.apply_aspect()
            pos = ax.get_position()
            cell = min(pos.width * fig_w * 72 / d_in, pos.height * fig_h * 72 / d_out) * 0.92
            ii, jj = np.meshgrid(np.arange(d_in), np.arange(d_out), indexing="ij")  # W[i, j]: input i -> unit j
            sc = ax.scatter(ii.ravel(), jj.ravel(), s=np.zeros(W.size), marker="s", linewidths=0)
            t = ax.set_title("" if texts else f"W{i + 1}: {d_in} to {d_out}", fontsize=7, pad=2)
            self.axes.append(ax)
            self.marks.append(sc)
            self.titles.append(t)
            self._cell.append(cell)
        self._artists = [*self.marks, *self._dynamic(*self.titles)]
        self._mark(*self._artists)
        self.update(snap, limits)

    def update(self, snap: Snapshot, limits: Mapping[str, Any] | None = None) -> bool:
        from matplotlib.colors import to_rgba

        pos, neg = np.array(to_rgba(_POSITIVE)), np.array(to_rgba(_NEGATIVE))
        for i, (sc, t, cell) in enumerate(zip(self.marks, self.titles, self._cell)):
            W = np.nan_to_num(snap.weights[i])
            m_now = float(np.abs(W).max())
            m = limits["weights"][i] if limits is not None else m_now
            m = m if m > 1e-12 else 1.0
            frac = np.clip(np.abs(W).ravel() / m, 0, 1)
            sc.set_sizes((cell**2) * frac)
            sc.set_facecolors(np.where((W.ravel() >= 0)[:, None], pos, neg))
            if self.texts:
                t.set_text(f"W{i + 1}: {W.shape[0]} to {W.shape[1]}, max |w| {m_now:.2f}")
        return False


@dataclass
class _Layout:
    fig: Any
    specs: dict[str, Any] = field(default_factory=dict)


def _unit_columns(snap: Snapshot) -> int:
    return min(len(snap.units), _MAX_LAYERS_SHOWN + 1)


def _new_figure(**kwargs: Any) -> Any:
    """A matplotlib Figure drawn by Agg, outside pyplot (nothing to close, never shown twice)."""
    import sys

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if "ipykernel" in sys.modules:  # in a notebook: importing pyplot turns on the inline display of figures
        import matplotlib.pyplot  # noqa: F401
    fig = Figure(**kwargs)
    FigureCanvasAgg(fig)
    return fig


def _layout(snap: Snapshot, views: Sequence[str], dpi: float, unit_columns: int | None = None) -> _Layout:

    n_unit_cols = max(_unit_columns(snap), unit_columns or 0)
    widths = {
        "boundary": 3.1,
        "units": 0.5 * n_unit_cols + 0.45,
        "weights": 1.7,
        "curves": 3.0,
    }
    cols = [v for v in ("boundary", "units", "weights") if v in views]
    if "loss" in views or "gradients" in views:
        cols.append("curves")
    height = 3.4 if ("units" in views or "weights" in views or ("loss" in views and "gradients" in views)) else 2.9
    width = sum(widths[c] for c in cols) + 0.5
    fig = _new_figure(figsize=(width, height), dpi=dpi)
    # margins in inches: room for the tick labels and the axis labels
    gs = fig.add_gridspec(1, len(cols), width_ratios=[widths[c] for c in cols], left=0.55 / width,
                          right=1 - 0.12 / width, bottom=0.45 / height, top=1 - 0.3 / height, wspace=0.32)
    lay = _Layout(fig)
    for i, c in enumerate(cols):
        if c == "curves":
            curves = [v for v in ("loss", "gradients") if v in views]
            sub = gs[i].subgridspec(len(curves), 1, hspace=0.75)
            for j, v in enumerate(curves):
                lay.specs[v] = sub[j]
        else:
            lay.specs[c] = gs[i]
    return lay


class Dashboard:
    """The views of a run in one figure, updated in place from snapshot to snapshot.

    Parameters
    ----------
    snap : Snapshot
        The first frame; it fixes the layout (the architecture and data set).
    views : sequence of str
        Which of :data:`VIEWS` to show, in any order.
    animated : bool
        For live use: the moving artists are drawn over a cached background
        (restore the background, draw only them) instead of redrawing the
        whole figure; the background is redrawn only when an axis limit
        changes. Static figures (``animated=False``) draw normally.
    limits : dict, optional
        Fixed axis limits (see :func:`limits_for`); by default they adapt.
    unit_columns : int, optional
        Make room for this many columns (layers) in the units view, so that
        figures of networks of different depths have the same size.
    texts : bool, optional
        Whether titles carry the epoch, losses and largest weights. Default:
        yes for static figures, no for animated ones (matplotlib draws text
        glyph by glyph, slower than all the rest of a frame; the live app
        shows the numbers next to the image instead).
    dpi : float
        Resolution of the figure.

    Examples
    --------
    >>> pg = Playground(dataset="xor", hidden=(4,))
    >>> dash = Dashboard(pg.snapshot(), animated=True)
    >>> pg.step_epoch()
    >>> dash.update(pg.snapshot())
    >>> dash.png()[:4]
    b'\\x89PNG'
    """

    def __init__(self, snap: Snapshot, views: Sequence[str] = VIEWS, *, animated: bool = False,
                 limits: Mapping[str, Any] | None = None, texts: bool | None = None, dpi: float = 80,
                 unit_columns: int | None = None) -> None:
        views = _check_views(views)
        self.views_shown = tuple(views)
        self.animated = animated
        texts = not animated if texts is None else bool(texts)
        self.limits = limits
        lay = _layout(snap, views, dpi, unit_columns)
        self.fig = fig = lay.fig
        self.canvas = fig.canvas
        self.views: list[_View] = []
        for v in views:
            spec = lay.specs[v]
            if v == "boundary":
                self.views.append(BoundaryView(fig.add_subplot(spec), snap, animated=animated, texts=texts))
            elif v == "loss":
                self.views.append(LossView(fig.add_subplot(spec), snap, animated=animated, texts=texts, limits=limits))
            elif v == "gradients":
                self.views.append(GradientsView(fig.add_subplot(spec), snap, animated=animated, texts=texts, limits=limits))
            elif v == "units":
                self.views.append(UnitsView(fig, spec, snap, animated=animated, texts=texts))
            elif v == "weights":
                self.views.append(WeightsView(fig, spec, snap, animated=animated, texts=texts, limits=limits))
        self.snapshot = snap
        self._background = None
        self._stale_background = True

    def update(self, snap: Snapshot) -> None:
        """Show ``snap`` (same architecture and data set as the first snapshot)."""
        changed = False
        for v in self.views:
            changed |= bool(v.update(snap, self.limits))
        self.snapshot = snap
        self._stale_background = self._stale_background or changed

    def render(self) -> np.ndarray:
        """Draw and return the RGBA pixels ``(height, width, 4)``."""
        if not self.animated:
            self.canvas.draw()
            return np.asarray(self.canvas.buffer_rgba())
        if self._stale_background or self._background is None:
            self.canvas.draw()  # everything but the moving artists
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
            self._stale_background = False
        else:
            self.canvas.restore_region(self._background)
        renderer = self.canvas.get_renderer()
        for v in self.views:
            for a in v.artists():
                a.draw(renderer)
        return np.asarray(self.canvas.buffer_rgba())

    def png(self, *, compress_level: int = 1) -> bytes:
        """The current frame as PNG bytes (lightly compressed by default, for speed)."""
        return _encode_png(self.render()[..., :3], compress_level)


def _encode_png(rgb: np.ndarray, level: int = 1) -> bytes:
    """A minimal PNG encoder: 8-bit RGB, no row filter, zlib at ``level``.

    Several times faster than a general encoder at level 1, which is what a
    live frame needs; the file is about as small for flat-coloured figures.
    """
    import struct
    import zlib

    h, w, _ = rgb.shape
    raw = np.empty((h, 3 * w + 1), dtype=np.uint8)
    raw[:, 0] = 0
    raw[:, 1:] = rgb.reshape(h, 3 * w)

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw.tobytes(), level)) + chunk(b"IEND", b"")


def _check_views(views: Sequence[str] | str) -> list[str]:
    if isinstance(views, str):
        views = [views]
    views = list(views)
    for v in views:
        if v not in VIEWS:
            raise ValueError(f"unknown view {v!r}{_suggest(v, VIEWS)}; choose from {list(VIEWS)}")
    if not views:
        raise ValueError(f"no view chosen; choose from {list(VIEWS)}")
    return views


def _as_snapshot(obj: Snapshot | Playground) -> Snapshot:
    if isinstance(obj, Playground):
        return obj.snapshot()
    if not isinstance(obj, Snapshot):
        raise TypeError(f"expected a Snapshot or a Playground, got {type(obj).__name__}")
    return obj


def _own_axes(ax: Any, figsize: tuple[float, float]) -> Any:
    if ax is not None:
        return ax
    return _new_figure(figsize=figsize, layout="constrained").add_subplot()


def plot_boundary(snap: Snapshot | Playground, ax: Any = None) -> Any:
    """Decision regions (or the regression surface) with training (white edge) and test (black edge) points."""
    ax = _own_axes(ax, (3.4, 3.2))
    BoundaryView(ax, _as_snapshot(snap))
    return ax


def plot_loss(snap: Snapshot | Playground, ax: Any = None, limits: Mapping[str, Any] | None = None) -> Any:
    """Training and test loss against the epoch."""
    ax = _own_axes(ax, (3.6, 2.6))
    LossView(ax, _as_snapshot(snap), limits=limits)
    return ax


def plot_gradients(snap: Snapshot | Playground, ax: Any = None, limits: Mapping[str, Any] | None = None) -> Any:
    """Norm of each layer's weight gradient against the epoch, on a log scale."""
    ax = _own_axes(ax, (3.6, 2.6))
    GradientsView(ax, _as_snapshot(snap), limits=limits)
    return ax


def plot_units(snap: Snapshot | Playground) -> Any:
    """Each input feature and hidden unit as a picture over the input plane; returns the Figure."""
    return Dashboard(_as_snapshot(snap), ["units"]).fig


def plot_weights(snap: Snapshot | Playground, limits: Mapping[str, Any] | None = None) -> Any:
    """Hinton diagrams of every layer's weights; returns the Figure."""
    return Dashboard(_as_snapshot(snap), ["weights"], limits=limits).fig


def plot_snapshot(snap: Snapshot | Playground, views: Sequence[str] = VIEWS, *, limits: Mapping[str, Any] | None = None, dpi: float = 80) -> Any:
    """All chosen :data:`VIEWS` of a snapshot in one Figure (a static :class:`Dashboard`)."""
    return Dashboard(_as_snapshot(snap), views, limits=limits, dpi=dpi).fig


# -----------------------------------------------------------------------------
# Precomputed runs for the static book
# -----------------------------------------------------------------------------


def _label(config: PlaygroundConfig, base: PlaygroundConfig) -> str:
    diff = [f.name for f in dataclasses.fields(config) if getattr(config, f.name) != getattr(base, f.name)]
    if not diff:
        return config.dataset
    return ", ".join(f"{k}={_fmt(getattr(config, k))}" for k in diff)


def _fmt(v: Any) -> str:
    if isinstance(v, tuple):
        return "(" + ", ".join(str(x) for x in v) + ("," if len(v) == 1 else "") + ")"
    return str(v)


class Precomputed:
    """Runs trained ahead of time, with a snapshot at each chosen epoch.

    ``params`` maps each slider or dropdown name to its values (``epoch``
    always; ``run`` for several labelled configs; a config field for a sweep),
    and :meth:`draw` builds the figure for one combination, so that
    ``nnbook.widgets.interactive(pre.draw, **pre.params)`` shows them. All
    frames share their axis limits (:func:`limits_for`).
    """

    def __init__(
        self,
        configs: PlaygroundConfig | Mapping[str, Any] | Sequence[PlaygroundConfig | Mapping[str, Any]],
        epochs: Sequence[int],
        *,
        views: Sequence[str] = ("boundary", "loss"),
        dpi: float = 80,
        **sweep: Sequence[Any],
    ) -> None:
        self.views = _check_views(views)
        self.dpi = dpi
        epochs = list(epochs)
        if not epochs:
            raise ValueError("scrubber: epochs is empty")
        if any(not _is_int(e) or e < 0 for e in epochs) or any(b <= a for a, b in zip(epochs, epochs[1:])):
            raise ValueError(f"scrubber: epochs must be increasing non-negative integers, got {epochs}")
        runs: dict[Any, PlaygroundConfig] = {}
        self.params: dict[str, list[Any]] = {}
        self._labels: dict[str, dict[str, Any]] = {}  # sweep values shown by a label: label -> value
        single = isinstance(configs, PlaygroundConfig) or (isinstance(configs, Mapping) and _looks_like_config(configs))
        if sweep:
            if not single:
                raise ValueError("scrubber: a sweep (e.g. l2=[0, 0.01]) needs one base config, not several")
            base = PlaygroundConfig.from_dict(configs)  # type: ignore[arg-type]
            names = list(sweep)
            values: dict[str, list[Any]] = {}
            for k in names:
                vals = list(sweep[k])
                if not vals:
                    raise ValueError(f"scrubber: the sweep over {k!r} has no values")
                values[k] = vals
                if all(_is_number(v) for v in vals) or all(isinstance(v, str) for v in vals):
                    self.params[k] = vals
                else:  # e.g. hidden=[(2,), (8,)]: a menu of labels, each standing for its value
                    labels = [_fmt(v) for v in vals]
                    if len(set(labels)) < len(labels):
                        raise ValueError(f"scrubber: the sweep over {k!r} repeats a value: {vals}")
                    self._labels[k] = dict(zip(labels, vals))
                    self.params[k] = labels
            import itertools

            for combo in itertools.product(*(self.params[k] for k in names)):
                runs[combo] = base.replace(**{k: self._value(k, v) for k, v in zip(names, combo)})
            self._keys = names
        elif single:
            runs[()] = PlaygroundConfig.from_dict(configs)  # type: ignore[arg-type]
            self._keys = []
        else:
            if isinstance(configs, Mapping):
                items = [(str(k), PlaygroundConfig.from_dict(v)) for k, v in configs.items()]
            else:
                cs = [PlaygroundConfig.from_dict(c) for c in configs]
                if not cs:
                    raise ValueError("scrubber: no configs given")
                items = [(_label(c, cs[0]) if i else _label(c, cs[-1] if len(cs) > 1 else c), c) for i, c in enumerate(cs)]
                if len({k for k, _ in items}) < len(items):
                    items = [(f"run {i + 1}", c) for i, (_, c) in enumerate(items)]
            if not items:
                raise ValueError("scrubber: no configs given")
            self.params["run"] = [k for k, _ in items]
            runs = {(k,): c for k, c in items}
            self._keys = ["run"]
        self.params["epoch"] = [int(e) for e in epochs]
        self.runs = runs
        self.frames: dict[tuple[Any, ...], Snapshot] = {}
        for key, c in runs.items():
            for snap in Playground(c).precompute(self.params["epoch"]):
                self.frames[(*key, snap.epoch)] = snap
        self.limits = limits_for(list(self.frames.values()))
        self._unit_columns = max(_unit_columns(s) for s in self.frames.values())
        self._dashboards: dict[tuple[Any, ...], Dashboard] = {}

    def _value(self, name: str, shown: Any) -> Any:
        """The config value behind a swept parameter's shown value (its label, for tuples)."""
        return self._labels.get(name, {}).get(shown, shown) if isinstance(shown, str) else shown

    def _shown(self, name: str, value: Any) -> Any:
        """The shown value (a label, for tuples such as ``hidden``) of a swept config value."""
        return _fmt(value) if name in self._labels and not isinstance(value, str) else value

    def snapshot(self, **values: Any) -> Snapshot:
        """The snapshot for one combination of the parameters.

        A sweep over values that are neither all numbers nor all strings (such
        as ``hidden=[(2,), (8,)]``) is shown as a menu of labels (``"(2,)"``);
        either the label or the value itself selects the run.
        """
        missing = [k for k in self.params if k not in values]
        extra = [k for k in values if k not in self.params]
        if missing or extra:
            raise ValueError(f"Precomputed: expected values for {list(self.params)}, got {list(values)}")
        key = (*(self._shown(k, values[k]) for k in self._keys), int(values["epoch"]))
        if key not in self.frames:
            raise ValueError(f"Precomputed: no frame for {values}; the values are {self.params}")
        return self.frames[key]

    def draw(self, **values: Any) -> Any:
        """The Figure of one combination (every frame shares its axis limits).

        The runs keep live :class:`Dashboard` s (one for all runs on the same
        data with the same architecture): the first frame draws the whole
        figure, later frames only the artists that change, over the cached
        background (every frame shares its axes). The result
        is returned as a figure that holds just that picture, at the
        dashboard's size and resolution, so that saving it costs no
        redrawing either.
        """
        snap = self.snapshot(**values)
        c = snap.config
        # runs on the same data with the same architecture share one dashboard (and its background)
        key = (c.dataset, c.n_points, c.noise, c.test_fraction, c.n_classes, c.seed, c.features, c.hidden, c.output_unit)
        dash = self._dashboards.get(key)
        if dash is None:
            dash = self._dashboards[key] = Dashboard(snap, self.views, animated=True, texts=True, limits=self.limits,
                                                     dpi=self.dpi, unit_columns=self._unit_columns)
        else:
            dash.update(snap)
        return _picture_figure(dash.render()[..., :3], dash.fig.get_size_inches(), self.dpi)

    def __len__(self) -> int:
        return len(self.frames)


def _picture_figure(rgb: np.ndarray, size_inches: Any, dpi: float) -> Any:
    """A figure of ``size_inches`` at ``dpi`` that shows the pixels ``rgb`` one to one."""
    fig = _new_figure(figsize=tuple(size_inches), dpi=dpi)
    fig.figimage(np.array(rgb), xo=0, yo=0, origin="upper", resize=False)
    return fig


def _looks_like_config(d: Mapping[str, Any]) -> bool:
    names = {f.name for f in dataclasses.fields(PlaygroundConfig)}
    return all(isinstance(k, str) and k in names for k in d) and not any(isinstance(v, (PlaygroundConfig, Mapping)) for v in d.values())


def scrubber(
    configs: PlaygroundConfig | Mapping[str, Any] | Sequence[PlaygroundConfig | Mapping[str, Any]],
    epochs: Sequence[int],
    *,
    views: Sequence[str] = ("boundary", "loss"),
    title: str | None = None,
    dpi: float = 80,
    **sweep: Sequence[Any],
) -> Any:
    """Precomputed playground runs a reader can scrub through, without a kernel.

    Parameters
    ----------
    configs : PlaygroundConfig, dict of label -> config, or list of configs
        One run, or several to switch between (a list is labelled by the
        fields that differ).
    epochs : sequence of int
        The epochs to show, increasing (e.g. ``[0, 10, 20, 50, 100]``).
    views : sequence of str
        The :data:`VIEWS` in each frame (few and small: every frame is an image).
    **sweep
        With one config, a sweep over config fields, e.g. ``l2=[0, 0.003, 0.03]``:
        one run for each combination, switched with a slider or dropdown.
        Values that are not numbers or strings (``hidden=[(2,), (8,)]``) get a
        dropdown of labels (``"(2,)"``, ``"(8,)"``).

    Returns
    -------
    nnbook.widgets.Interactive
        In the static HTML book a client-side player over the precomputed
        frames, in a kernel live widgets. Its ``precomputed`` attribute is the
        :class:`Precomputed` runs, for the numbers behind the pictures. Keep
        ``runs x epochs`` small (about 40 frames at most).

    Examples
    --------
    >>> base = PlaygroundConfig(dataset="spirals", hidden=(16, 16))  # doctest: +SKIP
    >>> scrubber(base, epochs=[0, 50, 100, 200], l2=[0.0, 0.01])     # doctest: +SKIP
    """
    pre = Precomputed(configs, epochs, views=views, dpi=dpi, **sweep)
    try:
        from . import widgets
    except ImportError as exc:  # pragma: no cover - widgets ships with the package
        raise ImportError("scrubber needs nnbook.widgets (interactive figures)") from exc
    fig = widgets.interactive(pre.draw, title=title, **pre.params)
    fig.precomputed = pre  # the runs behind the frames, e.g. fig.precomputed.snapshot(epoch=100)
    return fig


# -----------------------------------------------------------------------------
# The live app (ipywidgets)
# -----------------------------------------------------------------------------

_LRS = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
_BATCHES = (1, 2, 5, 10, 20, 50, 100, None)
_MOMENTA = (0.0, 0.5, 0.9, 0.95, 0.99)
_PENALTIES = (0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
_STATIC_NOTE = (
    "The live playground trains in a running Python kernel. In this static page it shows "
    "its first frame; open the notebook in Jupyter, Binder or Colab to train, pause, step and reset."
)


def _options(values: Sequence[Any], current: Any, fmt: Callable[[Any], str] = str) -> list[tuple[str, Any]]:
    vals = list(values)
    if current not in vals:
        vals.append(current)
        vals.sort(key=lambda v: float("inf") if v is None else float(v))
    return [(fmt(v), v) for v in vals]


def _parse_hidden(text: str) -> tuple[int, ...]:
    text = text.strip().strip("()[]")
    if not text:
        return ()
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    try:
        return tuple(int(p) for p in parts)
    except ValueError:
        raise ValueError(f"hidden layers: write the widths separated by commas, e.g. '8, 8' (or leave it empty), got {text!r}") from None


class App:
    """The live playground: controls, a dashboard image, and training driven by a timer.

    Play/pause is ipywidgets' ``Play`` widget: the browser ticks, and each tick
    trains ``epochs per frame`` epochs and redraws, so the kernel stays
    responsive between ticks (JupyterLab, Jupyter Notebook, Binder, and Colab
    with ``output.enable_custom_widget_manager()``). *step* trains one epoch,
    *reset* restarts the run from its seed. Changing the data or the network
    resets the run; changing the learning rate, batch size, momentum or
    penalties carries on training with the new values. The *config* tab shows
    the configuration as JSON and loads an edited one.

    Parameters
    ----------
    config : PlaygroundConfig or dict, optional
    views : sequence of str
        The :data:`VIEWS` to show.
    epochs_per_frame : int
        Epochs a tick of *play*.
    interval : int
        Milliseconds between ticks; the app lengthens it when a frame takes
        longer, so that ticks never queue up in a slow kernel.
    **changes
        Fields to change in ``config``.

    As the last expression of a cell it displays the live widgets; where no
    kernel runs (a static HTML page) it falls back to an image of its current
    state and a note.
    """

    def __init__(self, config: PlaygroundConfig | Mapping[str, Any] | None = None, *, views: Sequence[str] = VIEWS,
                 epochs_per_frame: int = 1, interval: int = 100, dpi: float = 80, **changes: Any) -> None:
        import ipywidgets as W

        self.playground = Playground(config, **changes)
        self.views = _check_views(views)
        self.dpi = dpi
        self._syncing = False
        c = self.playground.config
        lay = W.Layout(width="260px")
        style = {"description_width": "90px"}

        # transport
        self._interval = int(interval)
        self.play = W.Play(value=0, min=0, max=10**9, step=1, interval=int(interval), show_repeat=False,
                           description="play", tooltip="train continuously (pause to stop)")
        self.step_button = W.Button(description="step", icon="step-forward", tooltip="train one epoch", layout=W.Layout(width="80px"))
        self.reset_button = W.Button(description="reset", icon="undo", tooltip="restart the run from its seed", layout=W.Layout(width="80px"))
        self.speed = W.IntSlider(value=int(epochs_per_frame), min=1, max=50, description="epochs/frame", style=style)
        self.status = W.HTML()
        self.message = W.HTML()
        self.image = W.Image(format="png")

        # data
        self.controls: dict[str, Any] = {
            "dataset": W.Dropdown(options=list(DATASETS), value=c.dataset, description="data set", style=style, layout=lay),
            "n_points": W.IntSlider(value=c.n_points, min=20, max=max(1000, c.n_points), step=10, description="points", style=style, layout=lay),
            "noise": W.FloatSlider(value=c.noise, min=0.0, max=max(1.0, c.noise), step=0.01, description="noise", style=style, layout=lay),
            "test_fraction": W.FloatSlider(value=c.test_fraction, min=0.05, max=0.95, step=0.05, description="test share", style=style, layout=lay),
            "n_classes": W.IntSlider(value=c.n_classes, min=2, max=max(6, c.n_classes), description="classes", style=style, layout=lay),
            "hidden": W.Text(value=", ".join(str(h) for h in c.hidden), description="hidden layers", continuous_update=False,
                             placeholder="e.g. 8, 8", style=style, layout=lay),
            "activation": W.Dropdown(options=list(ACTIVATIONS), value=c.activation, description="activation", style=style, layout=lay),
            "init": W.Dropdown(options=list(INITS), value=c.init, description="init", style=style, layout=lay),
            "init_scale": W.BoundedFloatText(value=c.init_scale, min=0.0, max=1e3, step=0.1, description="init scale", style=style, layout=lay),
            "bias_init": W.FloatText(value=c.bias_init, step=0.1, description="bias init", style=style, layout=lay),
            "output": W.Dropdown(options=list(OUTPUTS), value=c.output, description="output", style=style, layout=lay),
            "lr": W.Dropdown(options=_options(_LRS, c.lr), value=c.lr, description="learning rate", style=style, layout=lay),
            "batch_size": W.Dropdown(options=_options(_BATCHES, c.batch_size, lambda v: "full batch" if v is None else str(v)),
                                     value=c.batch_size, description="batch size", style=style, layout=lay),
            "momentum": W.Dropdown(options=_options(_MOMENTA, c.momentum), value=c.momentum, description="momentum", style=style, layout=lay),
            "l2": W.Dropdown(options=_options(_PENALTIES, c.l2), value=c.l2, description="L2", style=style, layout=lay),
            "l1": W.Dropdown(options=_options(_PENALTIES, c.l1), value=c.l1, description="L1", style=style, layout=lay),
            "seed": W.BoundedIntText(value=c.seed, min=0, max=2**31 - 1, description="seed", style=style, layout=lay),
        }
        self.feature_boxes = {f: W.Checkbox(value=f in c.features, description=f, indent=False, layout=W.Layout(width="80px")) for f in FEATURES}
        self.config_text = W.Textarea(layout=W.Layout(width="420px", height="260px"))
        self.load_button = W.Button(description="load", icon="upload", tooltip="apply the JSON above")

        # wiring
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())
        self.load_button.on_click(lambda _: self.load(self.config_text.value))
        self.play.observe(self._on_tick, names="value")
        for w in [*self.controls.values(), *self.feature_boxes.values()]:
            w.observe(self._on_control, names="value")

        ctl = self.controls
        tabs = W.Tab(children=[
            W.VBox([ctl["dataset"], ctl["n_points"], ctl["noise"], ctl["test_fraction"], ctl["n_classes"],
                    W.HTML("features"), W.HBox(list(self.feature_boxes.values())[:4]), W.HBox(list(self.feature_boxes.values())[4:])]),
            W.VBox([ctl["hidden"], ctl["activation"], ctl["init"], ctl["init_scale"], ctl["bias_init"], ctl["output"]]),
            W.VBox([ctl["lr"], ctl["batch_size"], ctl["momentum"], ctl["l2"], ctl["l1"], ctl["seed"]]),
            W.VBox([self.config_text, self.load_button]),
        ])
        for i, t in enumerate(("data", "network", "training", "config")):
            tabs.set_title(i, t)
        self.tabs = tabs
        self.widget = W.VBox([
            W.HBox([self.play, self.step_button, self.reset_button, self.speed]),
            self.status,
            self.image,
            self.message,
            tabs,
        ])
        self._new_dashboard()
        self._sync_controls()
        self._refresh(compress_level=9)  # the first frame is stored with a saved notebook: keep it small

    # -- state ---------------------------------------------------------------------
    @property
    def config(self) -> PlaygroundConfig:
        """The current configuration."""
        return self.playground.config

    @property
    def epoch(self) -> int:
        return self.playground.epoch

    def step(self, epochs: int = 1) -> None:
        """Train ``epochs`` epochs and redraw."""
        self.playground.step_epoch(epochs)
        if self.playground.diverged:
            self.play.playing = False
        self._refresh()

    def reset(self) -> None:
        """Restart the run from its seed and redraw."""
        self.playground.reset()
        self._new_dashboard()
        self._refresh()

    def load(self, config: PlaygroundConfig | Mapping[str, Any] | str) -> None:
        """Apply a configuration (a config, a dict or a JSON string) and reset the run.

        An invalid one leaves everything as it was and shows the error.
        """
        try:
            if isinstance(config, str):
                config = PlaygroundConfig.from_json(config)
            config = PlaygroundConfig.from_dict(config)
        except (ValueError, TypeError) as exc:
            self._error(exc)
            return
        self.playground.config = config
        self._sync_controls()
        self.reset()

    # -- controls ------------------------------------------------------------------
    def _config_from_controls(self) -> PlaygroundConfig:
        ctl = self.controls
        d = {k: w.value for k, w in ctl.items() if k != "hidden"}
        d["hidden"] = _parse_hidden(ctl["hidden"].value)
        d["features"] = tuple(f for f in FEATURES if self.feature_boxes[f].value)
        # friendly coercions: the controls cannot reach an invalid combination by themselves
        if d["dataset"] == "regression_1d":
            d["features"] = tuple(f for f in d["features"] if f in _FEATURES_1D) or ("x1",)
        if d["dataset"] in _BINARY_ONLY or d["dataset"] in _REGRESSION:
            d["n_classes"] = 2
        regression = d["dataset"] in _REGRESSION
        if (regression and d["output"] not in ("auto", "linear")) or (not regression and d["output"] == "linear") or (
            d["output"] == "sigmoid" and d["n_classes"] != 2
        ):
            d["output"] = "auto"
        return PlaygroundConfig(**d)

    def _on_control(self, change: Any) -> None:
        if self._syncing:
            return
        try:
            new = self._config_from_controls()
        except (ValueError, TypeError) as exc:
            self._error(exc)
            return
        reset = not self._only_training(self.playground.config, new)
        self.playground.update(**{f.name: getattr(new, f.name) for f in dataclasses.fields(new)})
        if reset:
            self._new_dashboard()
        self._sync_controls()
        self._refresh()

    @staticmethod
    def _only_training(a: PlaygroundConfig, b: PlaygroundConfig) -> bool:
        return all(getattr(a, f.name) == getattr(b, f.name) for f in dataclasses.fields(a) if f.name not in TRAINING_FIELDS)

    def _sync_controls(self) -> None:
        """Show the current config in the controls (without triggering them)."""
        c = self.playground.config
        self._syncing = True
        try:
            ctl = self.controls
            for k in ("lr", "momentum", "l2", "l1"):
                ctl[k].options = _options([v for _, v in ctl[k].options], getattr(c, k))
            ctl["batch_size"].options = _options([v for _, v in ctl["batch_size"].options], c.batch_size,
                                                 lambda v: "full batch" if v is None else str(v))
            ctl["n_points"].max = max(ctl["n_points"].max, c.n_points)
            ctl["n_classes"].max = max(ctl["n_classes"].max, c.n_classes)
            ctl["noise"].max = max(ctl["noise"].max, c.noise)
            for k, w in ctl.items():
                v = getattr(c, k)
                w.value = ", ".join(str(h) for h in v) if k == "hidden" else v
            ctl["n_classes"].disabled = c.dataset not in ("spirals", "blobs")
            for f, box in self.feature_boxes.items():
                box.value = f in c.features
                box.disabled = c.input_dim == 1 and f not in _FEATURES_1D
            self.config_text.value = json.dumps(c.to_dict(), indent=1)
            self.message.value = ""
        finally:
            self._syncing = False

    def _error(self, exc: BaseException) -> None:
        import html

        self.message.value = f'<span style="color:#b00">{html.escape(str(exc))}</span>'

    # -- drawing -------------------------------------------------------------------
    def _new_dashboard(self) -> None:
        self.dashboard = Dashboard(self.playground.snapshot(), self.views, animated=True, dpi=self.dpi)

    def _refresh(self, compress_level: int = 1) -> None:
        snap = self.playground.snapshot()
        self.dashboard.update(snap)
        self.image.value = self.dashboard.png(compress_level=compress_level)
        self.status.value = f"<b>{snap.summary()}</b>"

    def _on_tick(self, change: Any) -> None:
        if self._syncing or not self.play.playing:
            return
        import time

        start = time.perf_counter()
        self.step(self.speed.value)
        # The browser ticks whether or not the kernel kept up; on a slow machine (a busy Binder)
        # ticks would queue up and training would run on after pause. Slow the timer down instead.
        ms = 1000 * (time.perf_counter() - start)
        if ms > 0.8 * self.play.interval:
            self.play.interval = int(min(2000, max(self._interval, 1.5 * ms)))

    # -- display -------------------------------------------------------------------
    def static_html(self) -> str:
        """An image of the current frame and a note, for pages without a kernel."""
        import base64
        import html

        fig = _picture_figure(self.dashboard.render()[..., :3], self.dashboard.fig.get_size_inches(), self.dpi)
        try:
            from .widgets import render_png

            png = render_png(fig, dpi=self.dpi)  # a small palette PNG, the same bytes on every run
        except ImportError:  # pragma: no cover - widgets ships with the package
            import io

            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=self.dpi, metadata={"Software": None})
            png = buf.getvalue()
        b64 = base64.b64encode(png).decode("ascii")
        summary = html.escape(self.playground.snapshot().summary())
        return (
            '<div class="nnbook-playground">'
            f'<p><b>{summary}</b></p>'
            f'<img alt="The playground at epoch {self.epoch}" src="data:image/png;base64,{b64}"/>'
            f"<p><em>{_STATIC_NOTE}</em></p></div>"
        )

    def __repr__(self) -> str:
        sizes = "-".join(str(s) for s in self.config.layer_sizes)
        return f"App(playground: {self.config.dataset}, {sizes} {self.config.activation}, epoch {self.epoch})"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle = dict(self.widget._repr_mimebundle_() or {})
        bundle["text/plain"] = repr(self)
        bundle["text/html"] = self.static_html()
        return bundle


def app(config: PlaygroundConfig | Mapping[str, Any] | None = None, **kwargs: Any) -> App:
    """The live playground (see :class:`App`): ``nb.playground.app(dataset="spirals", n_classes=3)``."""
    return App(config, **kwargs)
