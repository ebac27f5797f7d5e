r"""What one forward and one backward pass do to the signal, layer by layer
(chapter *Initialization and vanishing gradients*).

A deep network at initialization can already be broken: its activations may
saturate or shrink to zero as they go up, and the gradients may explode or
vanish as they come back down. This module builds the deep, uniform networks
of that chapter and measures them.

* :func:`deep_network` builds ``Linear, activation, Linear, activation, ...``
  with ``depth`` hidden layers of ``width`` units and weights drawn from an
  initializer of :mod:`nnbook.init`, scaled by a factor.
* :func:`layer_statistics` runs one forward and one backward pass of any
  :class:`~nnbook.Sequential` made of ``Linear`` layers and elementwise
  activations, and keeps, for every ``Linear`` layer :math:`l`, its input
  :math:`x^l`, its pre-activation :math:`s^l = x^l W^l + b^l`, the activation
  :math:`h^l = g(s^l)` and the gradients :math:`\partial L/\partial h^l`,
  :math:`\partial L/\partial s^l` and :math:`\partial L/\partial W^l`
  (a :class:`LayerStatistics`).
* :func:`plot_layer_histograms` draws one histogram a layer.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> model = deep_network(3, 50, activation="tanh", init="normal", scale=1.0, rng=rng)
>>> X = rng.standard_normal((200, 50))
>>> stats = layer_statistics(model, X, rng.standard_normal((200, 50)))
>>> len(stats), stats.activations[0].shape
(3, (200, 50))
>>> bool(np.all(stats.saturated_fraction() > 0.5))   # N(0, 1) weights, 50 inputs: most units saturate
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import init as _init
from .activations import ELU, Elementwise, Identity, LeakyReLU, PReLU, ReLU, Sigmoid, Tanh
from .layers import Linear
from .losses import Loss
from .module import Module, Sequential

__all__ = [
    "ACTIVATIONS", "deep_network", "LayerStatistics", "layer_statistics", "plot_layer_histograms",
]

_ACTIVATIONS: dict[str, Callable[[], Module]] = {
    "tanh": Tanh,
    "relu": ReLU,
    "sigmoid": Sigmoid,
    "identity": Identity,
    "leaky_relu": lambda: LeakyReLU(0.01),
    "elu": ELU,
}
#: the activation names :func:`deep_network` knows
ACTIVATIONS = tuple(_ACTIVATIONS)


def _positive_int(value: Any, name: str, where: str) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{where}: {name} must be a positive integer, got {value!r}")
    return int(value)


def deep_network(
    depth: int,
    width: int,
    *,
    d_in: int | None = None,
    activation: str | Callable[[], Module] = "tanh",
    init: str | Callable[..., np.ndarray] = "normal",
    scale: float = 1.0,
    bias: bool = True,
    rng: np.random.Generator,
) -> Sequential:
    r"""A deep network of ``depth`` identical hidden layers: ``Linear, g, Linear, g, ...``.

    Layer :math:`l` computes :math:`h^l = g(s^l)`, :math:`s^l = h^{l-1} W^l + b^l`
    with :math:`h^0 = X`; there is no output layer (the experiments of chapter
    *Initialization and vanishing gradients* send a gradient into the last
    activation directly).

    Parameters
    ----------
    depth, width : int
        Number of hidden layers and units in each.
    d_in : int, optional
        Input dimension (default ``width``): the first weight is ``(d_in, width)``,
        the others ``(width, width)``.
    activation : str or callable
        A name from :data:`ACTIVATIONS` (``"tanh"``, ``"relu"``, ``"sigmoid"``,
        ``"identity"``, ``"leaky_relu"``, ``"elu"``) or a factory returning a
        new module, such as ``nb.Softplus``.
    init : str or callable
        An initializer of :mod:`nnbook.init` by name (``"normal"``,
        ``"xavier_normal"``, ``"he_normal"``, ...) or ``f(shape, rng)``.
    scale : float
        Multiplies every initial weight. With ``init="normal"`` (standard normal
        draws) it is the standard deviation :math:`\sigma_0`:
        :math:`w \sim \mathcal N(0, \sigma_0^2)`.
    bias : bool
        Whether the layers have biases (initialized to 0).
    rng : numpy.random.Generator
        The weights are drawn from it, layer by layer.

    Returns
    -------
    Sequential
        ``2 * depth`` modules.

    Raises
    ------
    ValueError
        For a depth, width or ``d_in`` that is not a positive integer, a
        negative or non-finite scale, or an unknown activation or initializer.
    """
    where = "deep_network"
    depth = _positive_int(depth, "depth", where)
    width = _positive_int(width, "width", where)
    d_in = width if d_in is None else _positive_int(d_in, "d_in", where)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"{where}: rng must be a numpy.random.Generator (np.random.default_rng(seed)), got {type(rng).__name__}")
    if not np.isscalar(scale) or not np.isfinite(scale) or scale < 0:
        raise ValueError(f"{where}: scale must be a finite number >= 0, got {scale!r}")
    if isinstance(activation, str):
        if activation not in _ACTIVATIONS:
            raise ValueError(f"{where}: unknown activation {activation!r}; use one of {list(ACTIVATIONS)} or a module factory")
        make_activation = _ACTIVATIONS[activation]
    elif callable(activation):
        make_activation = activation
    else:
        raise ValueError(f"{where}: activation must be a name or a factory of modules, got {type(activation).__name__}")
    try:
        draw = _init.get(init)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    factor = float(scale)

    def weight(shape: tuple[int, ...], gen: np.random.Generator | None = None) -> np.ndarray:
        return factor * draw(shape, gen)

    layers: list[Module] = []
    for l in range(depth):
        layers.append(Linear(d_in if l == 0 else width, width, init=weight, bias=bias, rng=rng))
        unit = make_activation()
        if not isinstance(unit, Module):
            raise ValueError(f"{where}: the activation factory returned {type(unit).__name__}, not a Module")
        layers.append(unit)
    return Sequential(*layers)


@dataclass(frozen=True, eq=False)
class LayerStatistics:
    r"""One forward and one backward pass, recorded for every ``Linear`` layer :math:`l = 1..L`.

    Each attribute is a list with one array a layer; arrays of the batch are
    ``(n, d)``.

    Attributes
    ----------
    inputs : list of ndarray
        :math:`x^l`, the layer's input (``inputs[0]`` is the data ``X``).
    pre_activations : list of ndarray
        :math:`s^l = x^l W^l + b^l`, the output of the ``Linear`` layer.
    activations : list of ndarray
        :math:`h^l`, the output of the modules between this ``Linear`` layer
        and the next (the same array as ``pre_activations[l]`` when there are none).
    grad_activations : list of ndarray
        :math:`\partial L/\partial h^l`.
    grad_pre_activations : list of ndarray
        :math:`\delta^l = \partial L/\partial s^l`.
    grad_weights : list of ndarray
        :math:`\partial L/\partial W^l = (x^l)^\top \delta^l`, ``(d_in, d_out)``.
    """

    inputs: list[np.ndarray]
    pre_activations: list[np.ndarray]
    activations: list[np.ndarray]
    grad_activations: list[np.ndarray]
    grad_pre_activations: list[np.ndarray]
    grad_weights: list[np.ndarray]

    def __len__(self) -> int:
        return len(self.pre_activations)

    def activation_std(self) -> np.ndarray:
        """Standard deviation of all entries of each :math:`h^l`, shape ``(L,)``."""
        return np.array([float(np.std(h)) for h in self.activations])

    def pre_activation_std(self) -> np.ndarray:
        """Standard deviation of all entries of each :math:`s^l`, shape ``(L,)``."""
        return np.array([float(np.std(s)) for s in self.pre_activations])

    def saturated_fraction(self, threshold: float = 0.99) -> np.ndarray:
        r"""Fraction of the entries of each :math:`h^l` with :math:`|h| > \mathrm{threshold}`, shape ``(L,)``.

        For tanh units, :math:`|h| > 0.99` means :math:`1 - h^2 < 0.02`: the unit
        passes back less than 2% of its gradient.
        """
        return np.array([float(np.mean(np.abs(h) > threshold)) for h in self.activations])

    def zero_fraction(self) -> np.ndarray:
        """Fraction of the entries of each :math:`h^l` that are exactly 0 (inactive ReLUs), shape ``(L,)``."""
        return np.array([float(np.mean(h == 0)) for h in self.activations])

    def grad_norms(self, of: str = "weights") -> np.ndarray:
        r"""Frobenius norm of each layer's gradient, shape ``(L,)``.

        ``of`` is ``"weights"`` (:math:`\partial L/\partial W^l`),
        ``"activations"`` (:math:`\partial L/\partial h^l`) or
        ``"pre_activations"`` (:math:`\delta^l`).
        """
        lists = {"weights": self.grad_weights, "activations": self.grad_activations,
                 "pre_activations": self.grad_pre_activations}
        if of not in lists:
            raise ValueError(f"LayerStatistics.grad_norms: of must be one of {list(lists)}, got {of!r}")
        return np.array([float(np.linalg.norm(g)) for g in lists[of]])


def _groups(model: Sequential, where: str) -> list[list[int]]:
    """Indices of the modules of each layer: a ``Linear`` and the elementwise modules after it."""
    if not isinstance(model, Sequential):
        raise ValueError(f"{where}: model must be an nb.Sequential, got {type(model).__name__}")
    groups: list[list[int]] = []
    for i, m in enumerate(model.layers):
        if isinstance(m, Linear):
            groups.append([i])
        elif not groups:
            raise ValueError(f"{where}: the model must start with a Linear layer, but module 0 is {m!r}")
        elif isinstance(m, (Elementwise, PReLU)):
            groups[-1].append(i)
        else:
            raise ValueError(
                f"{where}: module {i} ({m!r}) is neither Linear nor an elementwise activation; "
                "the statistics are defined for Linear layers each followed by activations"
            )
    if not groups:
        raise ValueError(f"{where}: the model has no Linear layer")
    return groups


def layer_statistics(
    model: Sequential,
    X: np.ndarray,
    grad_output: np.ndarray | None = None,
    *,
    loss: Loss | None = None,
    target: np.ndarray | None = None,
) -> LayerStatistics:
    r"""Run one forward and one backward pass of ``model`` on ``X`` and record every layer.

    The gradient that enters the last module is either given,
    ``grad_output`` :math:`= \partial L/\partial\,\mathrm{output}` (for example
    a random matrix :math:`G`: the gradient of the linear read-out
    :math:`L = \sum_{ij} G_{ij}\,\mathrm{output}_{ij}`), or that of
    ``loss(output, target)``. Then, layer by layer,

    .. math::
        \delta^l = \frac{\partial L}{\partial h^l} \odot g'(s^l), \qquad
        \frac{\partial L}{\partial W^l} = (x^l)^\top \delta^l, \qquad
        \frac{\partial L}{\partial h^{l-1}} = \delta^l (W^l)^\top .

    The passes are the model's own (each module's ``forward`` and
    ``backward``, in order), so the numbers are those training would see.
    The ``.grad`` of the model's parameters is left as it was.

    Parameters
    ----------
    model : Sequential
        ``Linear`` layers, each followed by zero or more elementwise activations.
    X : ndarray, shape ``(n, d_in)``
    grad_output : ndarray, shape of the model's output, optional
    loss, target : optional
        A loss of :mod:`nnbook.losses` and its target, instead of ``grad_output``.

    Returns
    -------
    LayerStatistics

    Raises
    ------
    ValueError
        If the model is not such a ``Sequential``, ``X`` is not ``(n, d_in)``,
        ``grad_output`` does not have the output's shape, or not exactly one
        of ``grad_output`` and ``loss`` (with ``target``) is given.
    """
    where = "layer_statistics"
    groups = _groups(model, where)
    X = np.asarray(X)
    first: Linear = model.layers[0]  # type: ignore[assignment]
    if X.ndim != 2 or X.shape[1] != first.in_features:
        raise ValueError(f"{where}: X must have shape (n, {first.in_features}) for the first layer {first!r}, got {X.shape}")
    if (grad_output is None) == (loss is None):
        raise ValueError(f"{where}: give either grad_output (dL/d output) or loss= and target=, not {'both' if loss is not None else 'neither'}")
    if loss is not None and target is None:
        raise ValueError(f"{where}: loss= needs target=")

    outputs: list[np.ndarray] = []
    out = X
    for m in model.layers:
        out = m.forward(out)
        outputs.append(out)
    if loss is not None:
        loss(out, target)  # type: ignore[arg-type]
        grad = np.asarray(loss.backward())
    else:
        grad = np.asarray(grad_output, dtype=out.dtype)
        if grad.shape != out.shape:
            raise ValueError(f"{where}: grad_output must have the shape of the model's output {out.shape}, got {grad.shape}")

    params = model.parameters()
    saved = [p.grad.copy() for p in params]
    for p in params:
        p.grad.fill(0)
    grads_out: list[np.ndarray] = [np.empty(0)] * len(model.layers)  # dL/d(output of module i)
    try:
        for i in range(len(model.layers) - 1, -1, -1):
            grads_out[i] = grad
            grad = model.layers[i].backward(grad)
        grad_weights = [model.layers[g[0]].weight.grad.copy() for g in groups]  # type: ignore[union-attr]
    finally:
        for p, s in zip(params, saved):
            p.grad[...] = s

    inputs = [X if g[0] == 0 else outputs[g[0] - 1] for g in groups]
    return LayerStatistics(
        inputs=inputs,
        pre_activations=[outputs[g[0]] for g in groups],
        activations=[outputs[g[-1]] for g in groups],
        grad_activations=[grads_out[g[-1]] for g in groups],
        grad_pre_activations=[grads_out[g[0]] for g in groups],
        grad_weights=grad_weights,
    )


def plot_layer_histograms(
    stats: LayerStatistics | Sequence[np.ndarray],
    *,
    which: str = "activations",
    layers: Sequence[int] | None = None,
    axes: Any = None,
    bins: int = 41,
    range: tuple[float, float] | None = None,
    color: str = "C0",
) -> Any:
    """One histogram a layer of the activations (or pre-activations), side by side.

    Parameters
    ----------
    stats : LayerStatistics or sequence of ndarray
        The statistics of :func:`layer_statistics`, or the arrays to show
        directly (one a layer, e.g. ``stats.activations`` kept from a run).
    which : str
        ``"activations"`` (:math:`h^l`) or ``"pre_activations"`` (:math:`s^l`)
        of a :class:`LayerStatistics`.
    layers : sequence of int, optional
        The layers to show, counted from 1 (default: all).
    axes : sequence of matplotlib Axes, optional
        One a layer; a new row of axes by default.
    bins, range :
        As in :func:`numpy.histogram` (the range defaults to (-1, 1) for
        activations in [-1, 1], else to the largest absolute value).

    Returns
    -------
    list of Axes
    """
    import matplotlib.pyplot as plt

    if which not in ("activations", "pre_activations"):
        raise ValueError(f"plot_layer_histograms: which must be 'activations' or 'pre_activations', got {which!r}")
    arrays = getattr(stats, which) if isinstance(stats, LayerStatistics) else [np.asarray(a) for a in stats]
    if not arrays:
        raise ValueError("plot_layer_histograms: no layers to show")
    chosen = list(layers) if layers is not None else list(np.arange(1, len(arrays) + 1))
    bad = [l for l in chosen if not 1 <= l <= len(arrays)]
    if bad:
        raise ValueError(f"plot_layer_histograms: layers are counted from 1 to {len(arrays)}, got {bad}")
    if axes is None:
        _, axes = plt.subplots(1, len(chosen), figsize=(1.1 * len(chosen) + 0.5, 1.8), sharey=True, squeeze=False)
        axes = axes[0]
    axes = list(np.ravel(axes))
    if len(axes) != len(chosen):
        raise ValueError(f"plot_layer_histograms: {len(chosen)} layers but {len(axes)} axes")
    if range is None:
        top = max(float(np.max(np.abs(arrays[l - 1]))) for l in chosen)
        range = (-1.0, 1.0) if top <= 1.0 else (-top, top)
    edges = np.linspace(range[0], range[1], bins + 1)
    for ax, l in zip(axes, chosen):
        counts, _ = np.histogram(arrays[l - 1], bins=edges)
        ax.stairs(counts / max(arrays[l - 1].size, 1), edges, fill=True, color=color)
        ax.set_title(f"layer {l}", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.set_yticks([])
    return axes
