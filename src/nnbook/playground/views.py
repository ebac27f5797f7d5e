"""The views of a playground snapshot: each keeps its matplotlib artists and changes only their data.

``BoundaryView`` (decision regions or the regression surface, with the
points), ``LossView``, ``GradientsView`` (per-layer gradient norms),
``UnitsView`` (each input and hidden unit over the input plane) and
``WeightsView`` (Hinton diagrams). :class:`~nnbook.playground.Dashboard`
puts them in one figure.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .catalog import FEATURE_MAPS
from .run import Snapshot

__all__ = ["View", "BoundaryView", "LossView", "GradientsView", "UnitsView", "WeightsView", "limits_for", "unit_columns"]

_TRAIN_EDGE, _TEST_EDGE = "white", "black"
_POSITIVE, _NEGATIVE, _HINTON_BG = "white", "black", "0.55"
_MAX_UNITS_SHOWN = 8
_MAX_LAYERS_SHOWN = 6


def unit_columns(snap: Snapshot) -> int:
    """Columns (inputs, then layers) of the units view of ``snap``."""
    return min(len(snap.units), _MAX_LAYERS_SHOWN + 1)


def _class_rgb(k: int) -> np.ndarray:
    from matplotlib.colors import to_rgb

    from ..plotting import CLASS_COLORS

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


class View:
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


class BoundaryView(View):
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


class LossView(View):
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


class GradientsView(View):
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


class UnitsView(View):
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
        feats = [FEATURE_MAPS[f].label for f in snap.config.features]
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

    def tile(self, layer: int, unit: int) -> np.ndarray:
        """The RGB picture ``(rows, columns, 3)`` of one unit in 2-D: ``layer`` 0 is the inputs,
        ``layer`` l the outputs of hidden layer l, drawn on every other grid point of a fine grid."""
        if self.dim != 2:
            raise ValueError("UnitsView.tile: a 1-D network's units are curves, not pictures")
        ny, nx = self._tile
        r0, c0 = unit * (ny + self._GAP), layer * (nx + self._GAP)
        return self._mosaic[r0:r0 + ny, c0:c0 + nx].copy()

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


class WeightsView(View):
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
