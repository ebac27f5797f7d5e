"""What one hidden layer can approximate, and what depth adds (chapter *Universality and depth*).

Two halves, matching the chapter:

* **Universality, built by hand.** A steep sigmoid unit
  :math:`\\sigma(s(x - a))` is almost a step at :math:`a`; the difference of
  two steps is a bump on :math:`(a, b)`; a sum of bumps is a staircase that
  follows any continuous function. :func:`bump_network` and
  :func:`bump_approximation` build these one-hidden-layer networks,
  ``Sequential(Linear(1, 2N), Sigmoid(), Linear(2N, 1))`` with the weights set
  by hand.
* **Depth, counted.** A ReLU network computes a continuous piecewise-linear
  function. :func:`line_breakpoints` finds, exactly, where the activation
  pattern (which units are on) changes along a segment;
  :func:`count_regions_on_grid` counts the distinct activation patterns of a
  2-D input on a grid. :func:`sawtooth_network` (the tent map composed
  :math:`L` times: :math:`2^L` pieces from 2 units a layer) and
  :func:`montufar_network` (:math:`n^{L-1}(n + 1)` pieces from :math:`L`
  layers of :math:`n` units) show the exponential growth with depth that
  :func:`montufar_bound` states.

>>> import numpy as np, nnbook as nb
>>> count_pieces_on_line(sawtooth_network(5), 0.0, 1.0)
32
>>> montufar_bound(1, [8, 8, 8])          # 8**2 * (1 + 8)
576
>>> count_pieces_on_line(montufar_network(8, 3), 0.0, 1.0)
576
>>> net = bump_network([0.2], [0.6], [1.5], steepness=200.0)
>>> np.round(net.forward(np.array([[0.0], [0.4], [1.0]])).ravel(), 4) + 0.0
array([0. , 1.5, 0. ])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import comb
from typing import Any

import numpy as np

from .activations import ReLU, Sigmoid
from .layers import Linear
from .logic import linear
from .module import Module, Sequential

__all__ = [
    "bump_network", "bump_approximation", "random_relu_network", "relu_layers", "activation_pattern",
    "region_ids", "count_regions_on_grid", "line_breakpoints", "count_regions_on_line",
    "count_pieces_on_line", "tent", "sawtooth_network", "montufar_network", "montufar_bound",
]


# -- universality: steps, bumps, staircases ------------------------------------------

def _vector(v: Any, name: str, where: str) -> np.ndarray:
    arr = np.array(v, dtype=np.float64).reshape(-1)
    if arr.size == 0 or not np.all(np.isfinite(arr)):
        raise ValueError(f"{where}: {name} must be a non-empty sequence of finite numbers, got {v!r}")
    return arr


def bump_network(left: Any, right: Any, heights: Any, *, steepness: float) -> Sequential:
    r"""A sum of sigmoid bumps, as ``Sequential(Linear(1, 2N), Sigmoid(), Linear(2N, 1))``.

    Bump :math:`k` rises at :math:`a_k` (``left[k]``) and falls at
    :math:`b_k` (``right[k]``) to height :math:`h_k`:

    .. math::
        f(x) = \sum_{k=1}^{N} h_k \big(\sigma(s(x - a_k)) - \sigma(s(x - b_k))\big).

    Hidden unit :math:`k` is the rising step (weight :math:`s`, bias
    :math:`-s a_k`), unit :math:`N + k` the falling one (bias
    :math:`-s b_k`); the output weights are :math:`h_k` and :math:`-h_k`, the
    output bias 0. As :math:`s \to \infty` the bump tends to :math:`h_k` on
    :math:`(a_k, b_k)` and 0 outside.

    Parameters
    ----------
    left, right : array_like, shape ``(N,)``
        Where each bump rises and falls (``left[k] < right[k]``).
    heights : array_like, shape ``(N,)``
        The height of each bump (negative for a dip).
    steepness : float
        The slope :math:`s > 0` of the sigmoids; a step rises from
        :math:`\sigma(-2) \approx 0.12` to :math:`\sigma(2) \approx 0.88`
        over a width of :math:`4/s`.

    Returns
    -------
    Sequential
        Maps ``(n, 1)`` inputs to ``(n, 1)`` outputs; float64 layers that can be trained further.
    """
    where = "bump_network"
    a, b, h = (_vector(v, name, where) for v, name in ((left, "left"), (right, "right"), (heights, "heights")))
    if not (a.shape == b.shape == h.shape):
        raise ValueError(f"{where}: left, right and heights must have the same length, got {a.size}, {b.size} and {h.size}")
    if np.any(a >= b):
        raise ValueError(f"{where}: every bump needs left < right; bump {int(np.argmax(a >= b))} has left >= right")
    if not (np.isfinite(steepness) and steepness > 0):
        raise ValueError(f"{where}: steepness must be a finite number > 0, got {steepness!r}")
    s = float(steepness)
    n = a.size
    hidden = linear(np.full((1, 2 * n), s), -s * np.r_[a, b])
    output = linear(np.r_[h, -h].reshape(-1, 1), [0.0])
    return Sequential(hidden, Sigmoid(), output)


def bump_approximation(
    f: Callable[[np.ndarray], np.ndarray],
    n_bumps: int,
    *,
    steepness: float,
    lo: float = 0.0,
    hi: float = 1.0,
) -> Sequential:
    r"""The staircase approximation of ``f`` on ``[lo, hi]`` by ``n_bumps`` sigmoid bumps.

    The interval is cut into ``n_bumps`` equal cells; bump :math:`k` covers
    cell :math:`k` and has the height of ``f`` at the cell's midpoint. The
    outer edge of the first and of the last bump is moved half an interval
    beyond ``lo`` and ``hi``, so that the approximation does not drop to half
    height at the ends of the interval. With :math:`s` large, the error on
    ``[lo, hi]`` is at most about :math:`\omega(f, \tfrac{h}{2})`, the largest
    change of ``f`` over half a cell of width :math:`h`; for a Lipschitz
    ``f`` that is :math:`O(1/N)`.

    Parameters
    ----------
    f : callable
        Maps an array of inputs to an array of the same shape.
    n_bumps : int
        :math:`N \ge 1`; the network has :math:`2N` hidden units.
    steepness : float
        The slope :math:`s` of every sigmoid (see :func:`bump_network`).
    lo, hi : float
        The interval.

    Returns
    -------
    Sequential
        ``Sequential(Linear(1, 2N), Sigmoid(), Linear(2N, 1))``.
    """
    where = "bump_approximation"
    if not isinstance(n_bumps, (int, np.integer)) or isinstance(n_bumps, bool) or n_bumps < 1:
        raise ValueError(f"{where}: n_bumps must be a positive integer, got {n_bumps!r}")
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"{where}: need finite lo < hi, got lo={lo!r}, hi={hi!r}")
    edges = np.linspace(lo, hi, int(n_bumps) + 1)
    left, right = edges[:-1].copy(), edges[1:].copy()
    left[0] -= (hi - lo) / 2
    right[-1] += (hi - lo) / 2
    mid = (edges[:-1] + edges[1:]) / 2
    heights = np.asarray(f(mid), dtype=np.float64).reshape(-1)
    if heights.shape != mid.shape:
        raise ValueError(f"{where}: f must map an array of shape {mid.shape} to the same shape, got {heights.shape}")
    return bump_network(left, right, heights, steepness=steepness)


# -- ReLU networks: activation patterns and linear regions ---------------------------

def random_relu_network(
    n_inputs: int,
    widths: Sequence[int],
    *,
    rng: np.random.Generator,
    bias_std: float = 0.5,
) -> Sequential:
    r"""A ReLU network with hidden layers of the given ``widths`` and one linear output.

    Weights are He-normal (:math:`\mathcal N(0, 2/d_{in})`) and biases
    :math:`\mathcal N(0, \mathtt{bias\_std}^2)`. (With the zero biases of
    :class:`~nnbook.Linear`'s default every first-layer boundary would pass
    through the origin, a special case with few regions.)

    Returns
    -------
    Sequential
        ``Linear(n_inputs, widths[0]), ReLU(), ..., Linear(widths[-1], 1)``.
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"random_relu_network: rng must be a numpy.random.Generator, got {type(rng).__name__}")
    widths = [int(w) for w in widths]
    if not widths or min(widths) < 1:
        raise ValueError(f"random_relu_network: widths must be a non-empty list of positive integers, got {widths!r}")

    def bias(shape: tuple[int, ...], r: np.random.Generator | None) -> np.ndarray:
        return rng.normal(0.0, bias_std, size=shape)

    layers: list[Module] = []
    d = int(n_inputs)
    for w in widths:
        layers += [Linear(d, w, init="he_normal", bias_init=bias, rng=rng), ReLU()]
        d = w
    layers.append(Linear(d, 1, init="he_normal", bias_init=bias, rng=rng))
    return Sequential(*layers)


def relu_layers(model: Module) -> list[tuple[np.ndarray, np.ndarray]]:
    """The weights ``[(W_1, b_1), ..., (W_L, b_L), (W_out, b_out)]`` of a ReLU network.

    ``model`` must be a :class:`~nnbook.Sequential` of the form
    ``Linear, ReLU, Linear, ReLU, ..., Linear``: hidden layers, each a
    ``Linear`` followed by ``ReLU``, and a final ``Linear`` output layer. A
    ``Linear`` without bias counts as a zero bias.

    Raises
    ------
    ValueError
        Naming the first layer that does not fit this pattern, or two layers
        whose sizes do not chain.
    """
    if not isinstance(model, Sequential):
        raise ValueError(f"relu_layers: expected a Sequential of Linear and ReLU layers, got {type(model).__name__}")
    layers = list(model)
    if len(layers) % 2 == 0:
        raise ValueError(
            f"relu_layers: {model!r} has {len(layers)} layers; expected Linear, ReLU, ..., Linear "
            "(an odd number, ending with the linear output layer)"
        )
    out: list[tuple[np.ndarray, np.ndarray]] = []
    d_prev: int | None = None
    for i, layer in enumerate(layers):
        if i % 2 == 0:
            if type(layer) is not Linear:
                raise ValueError(f"relu_layers: layer {i} is {layer!r}, expected a Linear layer")
            W = layer.weight.value.astype(np.float64)
            b = layer.bias.value.astype(np.float64) if layer.bias is not None else np.zeros(W.shape[1])
            if d_prev is not None and W.shape[0] != d_prev:
                raise ValueError(
                    f"relu_layers: layer {i} {layer!r} takes {W.shape[0]} inputs but the layer before has {d_prev} outputs"
                )
            d_prev = W.shape[1]
            out.append((W, b))
        elif type(layer) is not ReLU:
            raise ValueError(f"relu_layers: layer {i} is {layer!r}, expected ReLU() (only ReLU networks are piecewise linear here)")
    return out


def activation_pattern(model: Module, X: np.ndarray) -> np.ndarray:
    """Which hidden ReLU units are on (pre-activation :math:`> 0`) at each input.

    Parameters
    ----------
    model : Sequential
        A ReLU network (see :func:`relu_layers`).
    X : ndarray, shape ``(n, d_in)``

    Returns
    -------
    ndarray of bool, shape ``(n, total number of hidden units)``
        Layer by layer, unit by unit.
    """
    layers = relu_layers(model)
    X = np.asarray(X, dtype=np.float64)
    d_in = layers[0][0].shape[0]
    if X.ndim != 2 or X.shape[1] != d_in:
        raise ValueError(f"activation_pattern: expected inputs of shape (n, {d_in}), got {X.shape}")
    h, masks = X, []
    for W, b in layers[:-1]:
        z = h @ W + b
        on = z > 0
        masks.append(on)
        h = np.where(on, z, 0.0)
    if not masks:
        return np.zeros((len(X), 0), dtype=bool)
    return np.concatenate(masks, axis=1)


def region_ids(model: Module, X: np.ndarray) -> tuple[np.ndarray, int]:
    """Number the activation regions that the inputs ``X`` fall in.

    Two inputs get the same id exactly when every hidden unit is on at both
    or off at both. (The inputs that share a full activation pattern form a
    convex polytope, on which the network is affine.)

    Returns
    -------
    ids : ndarray of int, shape ``(n,)``
        Ids ``0, 1, ...`` in the order of the sorted patterns.
    count : int
        The number of distinct patterns among the inputs.
    """
    P = activation_pattern(model, X)
    n = len(P)
    if n == 0:
        return np.zeros(0, dtype=np.int64), 0
    # pack each pattern into 64-bit words and sort the rows: much faster than np.unique(axis=0)
    packed = np.packbits(P, axis=1)
    words = -(-max(packed.shape[1], 1) // 8)
    padded = np.zeros((n, 8 * words), dtype=np.uint8)
    padded[:, :packed.shape[1]] = packed
    keys = padded.view(">u8")                                   # (n, words), big-endian: bit order kept
    order = np.lexsort(keys.T[::-1])
    ordered = keys[order]
    new = np.r_[True, np.any(ordered[1:] != ordered[:-1], axis=1)]
    ids = np.empty(n, dtype=np.int64)
    ids[order] = np.cumsum(new) - 1
    return ids, int(new.sum())


def count_regions_on_grid(
    model: Module,
    xlim: tuple[float, float] = (-1.0, 1.0),
    ylim: tuple[float, float] = (-1.0, 1.0),
    resolution: int = 400,
) -> int:
    """The number of distinct activation patterns of a 2-input ReLU network on a grid.

    Counts the regions that contain at least one of the
    ``resolution x resolution`` grid points: a lower bound on the number of
    activation regions that meet the rectangle, which misses regions thinner
    than the grid spacing.
    """
    xs = np.linspace(*xlim, int(resolution))
    ys = np.linspace(*ylim, int(resolution))
    xx, yy = np.meshgrid(xs, ys)
    return region_ids(model, np.c_[xx.ravel(), yy.ravel()])[1]


def _right_state(
    layers: list[tuple[np.ndarray, np.ndarray]], x: np.ndarray, dx: np.ndarray, tol: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """All pre-activations, their derivatives along the line, which units are on just past
    ``x`` (flat arrays over the hidden units), and the output's derivative there."""
    h, dh = x, dx
    zs, dzs, ons = [], [], []
    for W, b in layers[:-1]:
        z = h @ W + b
        dz = dh @ W
        on = (z > tol) | ((np.abs(z) <= tol) & (dz > 0))  # on just to the right of this point
        zs.append(z)
        dzs.append(dz)
        ons.append(on)
        h = z * on
        dh = dz * on
    W, _ = layers[-1]
    return np.concatenate(zs), np.concatenate(dzs), np.concatenate(ons), dh @ W


def line_breakpoints(
    model: Module,
    lo: float = 0.0,
    hi: float = 1.0,
    *,
    origin: Any = None,
    direction: Any = None,
    pieces: bool = False,
    tol: float = 1e-9,
    max_breakpoints: int = 1_000_000,
) -> np.ndarray:
    r"""Where a ReLU network changes its activation pattern along a segment, found exactly.

    The network is evaluated on the line :math:`x(t) = x_0 + t\,d` for
    :math:`t \in [\mathtt{lo}, \mathtt{hi}]` (for one input, by default
    :math:`x(t) = t`). Between two consecutive breakpoints every hidden unit
    keeps its state, so every pre-activation is an affine function
    :math:`z_j + t\,\dot z_j` of :math:`t`, computed together with its
    derivative in one forward pass; the next breakpoint is the nearest
    :math:`t` where one of them reaches 0. Walking from breakpoint to
    breakpoint visits every activation region the segment crosses, with no
    grid and no sampling.

    Parameters
    ----------
    model : Sequential
        A ReLU network (see :func:`relu_layers`).
    lo, hi : float
        The range of :math:`t`.
    origin, direction : array_like, shape ``(d_in,)``, optional
        :math:`x_0` (default 0) and :math:`d` (default the first unit vector).
    pieces : bool
        ``False`` (default): every change of the activation pattern.
        ``True``: only those where the slope of the output changes, the
        boundaries between the linear pieces of the function itself (a
        pattern change does not always bend the output, e.g. when the unit
        that switches feeds only units that are off).
    tol : float
        A pre-activation with :math:`|z| \le` ``tol`` counts as 0 (its
        derivative then decides the state); breakpoints closer than about
        ``tol`` divided by the slope are merged. With ``pieces=True`` a slope
        change smaller than ``tol`` times the larger of the two slopes does
        not count.
    max_breakpoints : int
        Give up (``RuntimeError``) beyond this many.

    Returns
    -------
    ndarray, shape ``(k,)``
        The breakpoints in increasing order, strictly inside ``(lo, hi)``; the
        segment crosses ``k + 1`` regions (or pieces).
    """
    layers = relu_layers(model)
    d_in = layers[0][0].shape[0]
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"line_breakpoints: need finite lo < hi, got lo={lo!r}, hi={hi!r}")
    x0 = np.zeros(d_in) if origin is None else np.array(origin, dtype=np.float64).reshape(-1)
    if direction is None:
        d = np.zeros(d_in)
        d[0] = 1.0
    else:
        d = np.array(direction, dtype=np.float64).reshape(-1)
    if x0.shape != (d_in,) or d.shape != (d_in,):
        raise ValueError(
            f"line_breakpoints: the network has {d_in} inputs, so origin and direction need shape ({d_in},); "
            f"got {x0.shape} and {d.shape}"
        )
    t = float(lo)
    z, dz, on, slope = _right_state(layers, x0 + t * d, d, tol)
    found: list[float] = []
    while True:
        # on and heading down to 0, or off and heading up to 0: the first to arrive ends the region
        moving = np.flatnonzero(np.where(on, dz < 0, dz > 0))
        if moving.size == 0:
            break
        t_next = t + float(np.min(-z[moving] / dz[moving]))
        if not t_next < hi:
            break
        t = t_next
        z, dz, on, new_slope = _right_state(layers, x0 + t * d, d, tol)
        if not pieces or np.any(np.abs(new_slope - slope) > tol * np.maximum(np.abs(new_slope), np.abs(slope))):
            found.append(t)
            if len(found) > max_breakpoints:
                raise RuntimeError(f"line_breakpoints: more than {max_breakpoints} breakpoints in [{lo}, {hi}]")
        slope = new_slope
    return np.array(found, dtype=np.float64)


def count_regions_on_line(model: Module, lo: float = 0.0, hi: float = 1.0, **kwargs: Any) -> int:
    """The number of activation regions the segment crosses: ``len(line_breakpoints(...)) + 1``."""
    return len(line_breakpoints(model, lo, hi, **kwargs)) + 1


def count_pieces_on_line(model: Module, lo: float = 0.0, hi: float = 1.0, **kwargs: Any) -> int:
    """The number of linear pieces of the network's output along the segment (see :func:`line_breakpoints`)."""
    return len(line_breakpoints(model, lo, hi, pieces=True, **kwargs)) + 1


# -- depth: the sawtooth and Montufar's construction ---------------------------------

def tent(x: np.ndarray) -> np.ndarray:
    r"""The tent map :math:`T(x) = 2\max(0, x) - 4\max(0, x - \tfrac12)`.

    On :math:`[0, 1]` it rises from 0 to 1 on :math:`[0, \tfrac12]` and falls
    back on :math:`[\tfrac12, 1]`: :math:`T(x) = 1 - |2x - 1|`.
    """
    x = np.asarray(x, dtype=np.float64)
    return 2 * np.maximum(x, 0.0) - 4 * np.maximum(x - 0.5, 0.0)


def sawtooth_network(depth: int) -> Sequential:
    r"""The tent map composed ``depth`` times, :math:`T^{(L)} = T \circ \dots \circ T`, as a ReLU network.

    Each hidden layer has two units, :math:`\max(0, u)` and
    :math:`\max(0, u - \tfrac12)`, where :math:`u` is the previous tent
    :math:`2h_1 - 4h_2` (the input :math:`x` for the first layer), and the
    output layer forms the last tent. On :math:`[0, 1]` the result is a
    sawtooth with :math:`2^{L-1}` teeth, :math:`2^L` linear pieces, from
    :math:`2L` hidden units. A network with one hidden layer needs
    :math:`2^L - 1` units for as many pieces: each unit adds at most one
    breakpoint.

    Returns
    -------
    Sequential
        ``Linear(1, 2), ReLU(), [Linear(2, 2), ReLU()] * (depth - 1), Linear(2, 1)``.
    """
    if not isinstance(depth, (int, np.integer)) or isinstance(depth, bool) or depth < 1:
        raise ValueError(f"sawtooth_network: depth must be a positive integer, got {depth!r}")
    bias = [0.0, -0.5]
    layers: list[Module] = [linear([[1.0, 1.0]], bias), ReLU()]
    for _ in range(int(depth) - 1):
        layers += [linear([[2.0, 2.0], [-4.0, -4.0]], bias), ReLU()]
    layers.append(linear([[2.0], [-4.0]], [0.0]))
    return Sequential(*layers)


def montufar_network(width: int, depth: int) -> Sequential:
    r"""A ReLU network with one input and ``depth`` hidden layers of ``width`` units
    whose output has :math:`n^{L-1}(n + 1)` linear pieces on :math:`[0, 1]`
    (:math:`n` = ``width``, :math:`L` = ``depth``), the value of
    :func:`montufar_bound` for one input.

    The construction follows Montufar et al. (2014). Each of the first
    :math:`L - 1` layers has units :math:`\max(0, u - k/n)`,
    :math:`k = 0, \dots, n - 1`, whose combination
    :math:`g(u) = n h_0 + \sum_{k \ge 1} (-1)^k\, 2n\, h_k` is a zigzag with
    :math:`n` pieces, each mapping its cell of :math:`[0, 1]` onto all of
    :math:`[0, 1]`; composed, these fold :math:`[0, 1]` onto itself
    :math:`n^{L-1}` times. The last layer has breakpoints at
    :math:`(k + \tfrac12)/n` (the first unit facing left, so no piece is
    flat) and gives :math:`n + 1` pieces on each fold.
    """
    for name, v in (("width", width), ("depth", depth)):
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < 1:
            raise ValueError(f"montufar_network: {name} must be a positive integer, got {v!r}")
    n = int(width)
    k = np.arange(n)
    fold_bias = -k / n
    zigzag = np.where(k == 0, n, np.where(k % 2 == 1, -2.0 * n, 2.0 * n)).astype(np.float64)
    last_w = np.ones(n)
    last_w[0] = -1.0                                  # max(0, a_0 - u): on to the left of a_0
    last_b = -(k + 0.5) / n * last_w
    if depth == 1:
        layers: list[Module] = [linear(last_w[None, :], last_b), ReLU()]
    else:
        layers = [linear(np.ones((1, n)), fold_bias), ReLU()]
        for _ in range(int(depth) - 2):
            layers += [linear(zigzag[:, None] * np.ones((1, n)), fold_bias), ReLU()]
        layers += [linear(zigzag[:, None] * last_w[None, :], last_b), ReLU()]
    layers.append(linear(np.ones((n, 1)), [0.0]))
    return Sequential(*layers)


def montufar_bound(n_inputs: int, widths: Sequence[int]) -> int:
    r"""Montufar et al.'s (2014) lower bound on the maximal number of linear regions.

    For a ReLU network with :math:`n_0` inputs and :math:`L` hidden layers of
    widths :math:`n_1, \dots, n_L \ge n_0`, some choice of weights gives at
    least

    .. math::
        \Big(\prod_{l=1}^{L-1} \Big\lfloor \frac{n_l}{n_0} \Big\rfloor^{n_0}\Big)
        \sum_{j=0}^{n_0} \binom{n_L}{j}

    linear regions. For :math:`L = 1` the product is empty and the sum is the
    number of regions of :math:`n_1` hyperplanes in general position in
    :math:`\mathbb R^{n_0}`, the most one hidden layer can make.

    Raises
    ------
    ValueError
        If a width is smaller than :math:`n_0` (the bound does not apply).
    """
    n0 = int(n_inputs)
    widths = [int(w) for w in widths]
    if n0 < 1 or not widths:
        raise ValueError(f"montufar_bound: need n_inputs >= 1 and at least one hidden layer, got {n_inputs!r}, {widths!r}")
    if min(widths) < n0:
        raise ValueError(f"montufar_bound: every width must be >= n_inputs = {n0}, got {widths}")
    product = 1
    for n in widths[:-1]:
        product *= (n // n0) ** n0
    return product * sum(comb(widths[-1], j) for j in range(n0 + 1))
