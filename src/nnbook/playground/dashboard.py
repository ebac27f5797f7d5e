"""A dashboard: the views of a run in one figure, updated in place from frame to frame, and the plot functions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..images import encode_png, new_figure
from .catalog import suggest
from .run import Playground, Snapshot
from .views import BoundaryView, GradientsView, LossView, UnitsView, WeightsView, View, unit_columns

__all__ = ["VIEWS", "Dashboard", "plot_boundary", "plot_loss", "plot_units", "plot_weights", "plot_gradients",
           "plot_snapshot", "check_views"]

#: the views a dashboard can show
VIEWS = ("boundary", "units", "weights", "loss", "gradients")


@dataclass
class _Layout:
    fig: Any
    specs: dict[str, Any] = field(default_factory=dict)


def _layout(snap: Snapshot, views: Sequence[str], dpi: float, columns: int | None = None) -> _Layout:
    n_unit_cols = max(unit_columns(snap), columns or 0)
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
    fig = new_figure(figsize=(width, height), dpi=dpi)
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
        Which of :data:`~nnbook.playground.dashboard.VIEWS` to show, in any order.
    animated : bool
        For live use: the moving artists are drawn over a cached background
        (restore the background, draw only them) instead of redrawing the
        whole figure; the background is redrawn only when an axis limit
        changes. Static figures (``animated=False``) draw normally.
    limits : dict, optional
        Fixed axis limits (see :func:`~nnbook.playground.views.limits_for`); by default they adapt.
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
        views = check_views(views)
        self.views_shown = tuple(views)
        self.animated = animated
        texts = not animated if texts is None else bool(texts)
        self.limits = limits
        lay = _layout(snap, views, dpi, unit_columns)
        self.fig = fig = lay.fig
        self.canvas = fig.canvas
        self.views: list[View] = []
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
        return encode_png(self.render()[..., :3], compress_level)


def check_views(views: Sequence[str] | str) -> list[str]:
    if isinstance(views, str):
        views = [views]
    views = list(views)
    for v in views:
        if v not in VIEWS:
            raise ValueError(f"unknown view {v!r}{suggest(v, VIEWS)}; choose from {list(VIEWS)}")
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
    return new_figure(figsize=figsize, layout="constrained").add_subplot()


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
    """All chosen :data:`~nnbook.playground.dashboard.VIEWS` of a snapshot in one Figure (a static :class:`Dashboard`)."""
    return Dashboard(_as_snapshot(snap), views, limits=limits, dpi=dpi).fig
