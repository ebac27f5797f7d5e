"""Plotting helpers shared by the chapters, and the tables and drawings of a :class:`~nnbook.Value` graph
(matplotlib is imported lazily)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .losses import Loss
from .module import Module

if TYPE_CHECKING:
    from .value import Value

__all__ = [
    "setup", "grid", "decision_surface", "plot_decision_boundary", "plot_history", "plot_activations", "CLASS_COLORS",
    "graph_trace", "graph_table", "draw_graph",
]

#: colours of classes 0, 1, 2, ... in every figure of the book
CLASS_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")


def setup() -> None:
    """The book's notebook settings: PNG figures of a fixed size and resolution,
    and NumPy printing with 4 significant decimals, so outputs are the same on
    every run (nbval compares them)."""
    import sys

    import matplotlib as mpl

    try:  # inline backend: PNG only, so every figure is stored the same way
        from IPython import get_ipython

        ip = get_ipython()
        if ip is not None and "ipykernel" in sys.modules:  # a notebook, not a terminal
            # Turned on now, not at the first pyplot figure: a chapter whose first figure comes
            # from nnbook (made outside pyplot) would otherwise show "<Figure size ...>" as text.
            ip.run_line_magic("matplotlib", "inline")
            ip.run_line_magic("config", "InlineBackend.figure_formats = ['png']")
    except ImportError:  # pragma: no cover
        pass

    np.set_printoptions(precision=4, suppress=True)
    mpl.rcParams.update({
        "figure.figsize": (6.0, 3.6),
        "figure.dpi": 80,
        "savefig.dpi": 80,
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.hashsalt": "nnbook",
    })


def grid(X: np.ndarray, resolution: int = 150, margin: float = 0.25) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A ``resolution x resolution`` grid covering the 2-D points ``X``: ``(xx, yy, points)``."""
    X = np.asarray(X)
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = margin * np.maximum(hi - lo, 1e-9)
    xs = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution)
    ys = np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution)
    xx, yy = np.meshgrid(xs, ys)
    return xx, yy, np.c_[xx.ravel(), yy.ravel()]


def decision_surface(model: Module | Callable[[np.ndarray], np.ndarray], points: np.ndarray, loss: Loss | None = None) -> np.ndarray:
    """The model's output on ``points``, as class-1 probability (binary) or class labels (multiclass)."""
    forward = model.forward if isinstance(model, Module) else model
    out = np.asarray(forward(points))
    from .functional import sigmoid

    if out.ndim == 2 and out.shape[1] > 1:
        return np.argmax(out, axis=1).astype(float)
    out = out.reshape(-1)
    if loss is not None and type(loss).__name__ == "BCEWithLogitsLoss":
        return sigmoid(out)
    return out


def plot_decision_boundary(
    model: Module | Callable[[np.ndarray], np.ndarray],
    X: np.ndarray,
    y: np.ndarray,
    *,
    loss: Loss | None = None,
    ax: Any = None,
    resolution: int = 150,
    title: str | None = None,
) -> Any:
    """Shade the plane by the model's prediction and scatter the labelled points.

    For one output, the shading is the output itself (a probability, or a
    logit turned into one when ``loss`` is :class:`~nnbook.BCEWithLogitsLoss`)
    and the boundary is its 0.5 contour; for several outputs, the argmax class.
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4))
    xx, yy, pts = grid(X, resolution)
    zz = decision_surface(model, pts, loss).reshape(xx.shape)
    y = np.asarray(y).reshape(-1)
    k = int(max(y.max() + 1, 2))
    if k == 2:
        ax.contourf(xx, yy, zz, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.35, vmin=0, vmax=1)
        ax.contour(xx, yy, zz, levels=[0.5], colors="k", linewidths=1.2)
    else:
        cmap = ListedColormap(CLASS_COLORS[:k])
        ax.contourf(xx, yy, zz, levels=np.arange(k + 1) - 0.5, cmap=cmap, alpha=0.3)
    for c in range(k):
        m = y == c
        ax.scatter(X[m, 0], X[m, 1], s=14, c=CLASS_COLORS[c % len(CLASS_COLORS)], edgecolors="k", linewidths=0.3, label=f"class {c}")
    ax.set_xlim(xx.min(), xx.max())
    ax.set_ylim(yy.min(), yy.max())
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    return ax


def plot_history(history: dict[str, list[float]], *, ax: Any = None, keys: Sequence[str] | None = None, logy: bool = False) -> Any:
    """Curves of a :func:`~nnbook.fit` history against the epoch."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3))
    keys = keys or [k for k in ("loss", "val_loss") if k in history]
    for k in keys:
        ax.plot(np.arange(1, len(history[k]) + 1), history[k], label=k)
    ax.set_xlabel("epoch")
    if logy:
        ax.set_yscale("log")
    ax.legend()
    return ax


def plot_activations(modules: Sequence[Module], *, z: np.ndarray | None = None, axes: Any = None) -> Any:
    """Plot each elementwise activation and its derivative (by backprop through the module) over ``z``."""
    import matplotlib.pyplot as plt

    z = np.linspace(-4, 4, 401) if z is None else np.asarray(z, dtype=float)
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9, 3.2))
    for m in modules:
        h = m.forward(z[None, :])
        dh = m.backward(np.ones_like(h))
        name = repr(m)
        axes[0].plot(z, h[0], label=name)
        axes[1].plot(z, dh[0], label=name)
    axes[0].set_title("$g(z)$")
    axes[1].set_title("$g'(z)$")
    for a in axes:
        a.axhline(0, color="0.7", lw=0.6)
        a.axvline(0, color="0.7", lw=0.6)
        a.set_xlabel("$z$")
    axes[0].legend(fontsize=8)
    return axes


# -- a Value's computation graph (chapter *Backpropagation*) ------------------------------

def _names(order: list[Value]) -> dict[int, str]:
    """Each node's label, or ``v1``, ``v2``, ... in order for the unnamed ones."""
    names, k = {}, 0
    for v in order:
        if v.label:
            names[id(v)] = v.label
        else:
            k += 1
            names[id(v)] = f"v{k}"
    return names


def graph_trace(root: Value) -> list[dict[str, Any]]:
    """One row per node of ``root``'s graph in forward order: ``name``, ``op``, ``inputs``, ``value``, ``grad``.

    Unnamed nodes are called ``v1``, ``v2``, ... in order (:meth:`Value.trace <nnbook.Value.trace>`).
    """
    order = root.topological_order()
    names = _names(order)
    return [
        {
            "name": names[id(v)],
            "op": v.op or "input",
            "inputs": ", ".join(names[id(p)] for p in v.parents),
            "value": v.data,
            "grad": v.grad,
        }
        for v in order
    ]


def graph_table(root: Value, digits: int = 6) -> str:
    """:func:`graph_trace` as an aligned text table (:meth:`Value.table <nnbook.Value.table>`)."""
    rows = graph_trace(root)
    head = ("name", "op", "inputs", "value", "grad")
    cells = [head] + [
        (r["name"], r["op"], r["inputs"], f"{r['value']:.{digits}g}", f"{r['grad']:.{digits}g}") for r in rows
    ]
    widths = [max(len(c[i]) for c in cells) for i in range(5)]
    lines = ["  ".join(c[i].ljust(widths[i]) if i < 3 else c[i].rjust(widths[i]) for i in range(5)) for c in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _graph_positions(order: list[Value]) -> dict[int, tuple[int, float]]:
    """``(column, row)`` of each node: the column is the depth (inputs at 0), each column centred on 0."""
    depth: dict[int, int] = {}
    for v in order:
        depth[id(v)] = 1 + max((depth[id(p)] for p in v.parents), default=-1)
    columns: dict[int, list[Value]] = {}
    for v in order:
        columns.setdefault(depth[id(v)], []).append(v)
    pos = {}
    for d, nodes in columns.items():
        for i, v in enumerate(nodes):
            pos[id(v)] = (d, -(i - (len(nodes) - 1) / 2))
    return pos


def draw_graph(root: Value, ax: Any = None, digits: int = 4, highlight: Any = (), fontsize: float = 8) -> Any:
    """Draw ``root``'s graph with matplotlib: inputs on the left, ``root`` on the right,
    each node showing its name, operation, value and gradient. Returns the axes
    (:meth:`Value.draw <nnbook.Value.draw>`).

    ``highlight``, a node or a collection of nodes, draws those boxes in a
    bright colour (to show, for example, the node :meth:`~nnbook.Value.backward_steps`
    has just processed). ``fontsize`` (points) sets the size of the boxes'
    text, and with it of the boxes."""
    from .value import Value

    marked = {id(highlight)} if isinstance(highlight, Value) else {id(v) for v in highlight}
    import matplotlib.pyplot as plt

    order = root.topological_order()
    names = _names(order)
    pos = _graph_positions(order)
    if ax is None:
        n_cols = 1 + max(p[0] for p in pos.values())
        n_rows = max(sum(1 for p in pos.values() if p[0] == d) for d in range(n_cols))
        _, ax = plt.subplots(figsize=(2.3 * n_cols + 1, 1.1 * n_rows + 1))
    boxes = {}
    for v in order:
        x, y = pos[id(v)]
        op = f" = {v.op}" if v.op else ""
        text = f"{names[id(v)]}{op}\nvalue {v.data:.{digits}g}\ngrad {v.grad:.{digits}g}"
        boxes[id(v)] = ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, family="monospace",
                               bbox=dict(boxstyle="round", ec="0.4",
                                         fc="#ffd54f" if id(v) in marked else "#eef3fb" if v.parents else "#fdf1dc"))
    for v in order:  # drawn after the boxes, and clipped at their edges whatever the size of the text
        for p in v.parents:
            ax.annotate("", xy=pos[id(v)], xytext=pos[id(p)],
                        arrowprops=dict(arrowstyle="-|>", color="0.45", lw=1, shrinkA=2, shrinkB=2,
                                        patchA=boxes[id(p)].get_bbox_patch(), patchB=boxes[id(v)].get_bbox_patch()))
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
    ax.set_ylim(min(ys) - 0.7, max(ys) + 0.7)
    ax.axis("off")
    return ax
