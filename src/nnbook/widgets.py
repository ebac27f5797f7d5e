"""Interactive figures that work with a kernel and without one.

A reader of the HTML book has no Python kernel, so a figure whose sliders call
back into Python would be dead there. :func:`interactive` therefore draws
every combination of the slider values once, when the cell runs, and the cell
shows a single output that carries two versions of the figure:

``text/html``
    a self-contained player: the precomputed frames as embedded PNG images,
    one ``<input type="range">`` per numeric parameter and one ``<select>``
    per string parameter, and a few lines of inline JavaScript that swap the
    image. No kernel, no network, no external script.
``application/vnd.jupyter.widget-view+json``
    an ipywidgets version over the same values, which calls ``draw`` again
    whenever a control moves. JupyterLab, Notebook 7, VS Code and Colab (with
    its custom widget manager) show this one when a kernel is running.

The HTML book ranks ``text/html`` first (``nb_mime_priority_overrides`` in
``_config.yml``), so its readers get the player. A notebook opened without
running it shows the player too where its outputs are not trusted (JupyterLab
then hides the widget view and strips the player's script, leaving the first
frame); once the cell runs, the live widgets take over.

This module holds the controls and the players; the player's HTML and
JavaScript are :mod:`nnbook.player_html`, the PNG files :mod:`nnbook.images`.

>>> import numpy as np, matplotlib.pyplot as plt
>>> def draw(w):
...     fig, ax = plt.subplots(figsize=(3, 2))
...     z = np.linspace(-4, 4, 101)
...     ax.plot(z, np.tanh(w * z))
...     return fig
>>> fig = interactive(draw, title="tanh(w z)", w=[0.5, 1.0, 2.0])
>>> len(fig.frames)
3
>>> fig.html.count("<input type=\\"range\\"")
1
"""

from __future__ import annotations

import html as _html
import itertools
import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .images import COLORS, DPI, png_size, render_png
from .player_html import Control, describe, player_html

__all__ = [
    "interactive", "player", "Interactive", "Player", "MAX_COMBINATIONS", "settings", "Settings",
]
# render_png, DPI and COLORS (nnbook.images) stay importable from here as well

#: the most combinations :func:`interactive` accepts: each one is an image
#: stored in the notebook and drawn when the cell runs
MAX_COMBINATIONS = 200

_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@dataclass
class Settings:
    """How :func:`interactive` draws, for a whole session (change :data:`settings`)."""

    #: draw only the first combination and let it stand for every other one: for a
    #: run where nobody looks at the figures. The autograder turns it on in the
    #: kernels it starts (``grading/nbgrader_config.py``), so that a chapter's
    #: interactive figures cost one frame each while grading.
    first_frame_only: bool = False


#: this session's :class:`Settings`
settings = Settings()


# ---------------------------------------------------------------------------
# parameters


def _format_number(v: float | int, precise: bool) -> str:
    if isinstance(v, int):
        return str(v)
    if precise:
        return repr(v)
    return format(v, ".6g")


def _make_control(name: str, values: Any, where: str) -> Control:
    """Check one ``name=values`` parameter and turn it into a control."""
    if isinstance(values, (str, bytes)):
        raise ValueError(f"{where}: {name}={values!r} is a single string; pass a list of values, e.g. {name}=[{values!r}]")
    if isinstance(values, np.ndarray):
        if values.ndim != 1:
            raise ValueError(f"{where}: {name} must be a 1-D sequence of values, got an array of shape {values.shape}")
        values = values.tolist()  # NumPy scalars become Python ints, floats, bools and strs
    elif not isinstance(values, Sequence):
        raise ValueError(
            f"{where}: {name} must be a sequence of values (a list, tuple, range or 1-D array), "
            f"e.g. {name}=np.linspace(-2, 2, 9); got {type(values).__name__} {values!r}"
        )
    values = [v.item() if isinstance(v, np.generic) else v for v in values]
    if len(values) == 0:
        raise ValueError(f"{where}: {name} is empty; give it at least one value")
    dup = next((v for k, v in enumerate(values) if v in values[:k]), None)
    if dup is not None:
        raise ValueError(f"{where}: {name} contains the value {dup!r} more than once")
    if all(isinstance(v, str) for v in values):
        kind, labels = "select", [str(v) for v in values]
    elif all(isinstance(v, bool) for v in values):
        kind, labels = "select", [str(v) for v in values]
    elif all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values):
        values = [v if isinstance(v, int) else float(v) for v in values]
        bad = [v for v in values if not math.isfinite(v)]
        if bad:
            raise ValueError(f"{where}: {name} contains {bad[0]!r}; slider values must be finite numbers")
        kind = "range"
        labels = [_format_number(v, precise=False) for v in values]
        if len(set(labels)) < len(labels):  # values too close for 6 digits
            labels = [_format_number(v, precise=True) for v in values]
    else:
        kinds = sorted({type(v).__name__ for v in values})
        raise ValueError(
            f"{where}: {name} must hold only numbers (a slider) or only strings (a menu), got {', '.join(kinds)}"
        )
    return Control(name, tuple(values), tuple(labels), kind)


def _check_combinations(controls: Sequence[Control], where: str) -> int:
    n = math.prod(len(c.values) for c in controls)
    if n > MAX_COMBINATIONS:
        sizes = " x ".join(f"{c.name} ({len(c.values)})" for c in controls)
        raise ValueError(
            f"{where}: {sizes} = {n} combinations, more than the {MAX_COMBINATIONS} allowed; "
            "every combination is drawn when the cell runs and stored in the notebook, "
            "so use fewer values (a chapter should stay near 40 frames)"
        )
    return n


class Player:
    """A precomputed figure player: frames, one control per parameter, no kernel needed.

    Built by :func:`player` (one control over a list of frames) and by
    :func:`interactive` (through :class:`Interactive`). As the last expression
    of a cell it displays :attr:`html` (``text/html``) with a short
    ``text/plain`` description.

    Attributes
    ----------
    frames : list of bytes
        One PNG per combination, in ``itertools.product`` order of the
        controls (the last parameter varies fastest).
    html : str
        The self-contained player. Its root ``<div>`` has the class
        ``nnbook-player`` and the id ``nnbook-<16 hex digits>``, a hash of
        the content (the same input gives the same id).
    title : str or None
        Shown above the controls.
    alt : str or None
        What the figure shows, the start of each frame's ``alt`` text (the
        title when ``None``); the values shown follow it.
    links : list of str or None
        One address a frame, linked under the picture (a playground run's live page).
    """

    _kind = "player"

    def __init__(self, frames: Sequence[bytes], controls: Sequence[Control], title: str | None = None, *,
                 alt: str | None = None, links: Sequence[str] | None = None, link_note: str = "") -> None:
        self.frames = list(frames)
        self._controls = tuple(controls)
        self.title = title
        self.alt = alt
        self.links = None if links is None else list(links)
        self.html = player_html(self.frames, self._controls, title, alt=alt, links=self.links, link_note=link_note)

    @property
    def params(self) -> dict[str, tuple[Any, ...]]:
        """Each parameter's name and values, in the order of the controls."""
        return {c.name: c.values for c in self._controls}

    @property
    def labels(self) -> dict[str, tuple[str, ...]]:
        """Each parameter's name and the labels its control shows for its values."""
        return {c.name: c.labels for c in self._controls}

    def frame(self, **values: Any) -> bytes:
        """The precomputed PNG for one combination, e.g. ``p.frame(w=1.0, activation="tanh")``."""
        index = 0
        if set(values) != {c.name for c in self._controls}:
            raise ValueError(f"frame: give exactly the parameters {[c.name for c in self._controls]}, got {sorted(values)}")
        for c in self._controls:
            try:
                k = c.values.index(values[c.name])
            except ValueError:
                raise ValueError(f"frame: {c.name}={values[c.name]!r} is not one of {list(c.values)}") from None
            index = index * len(c.values) + k
        return self.frames[index]

    def __repr__(self) -> str:
        return describe(self._controls, self.title, len(self.frames), self._kind)

    def _repr_html_(self) -> str:
        return self.html

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {"text/plain": repr(self), "text/html": self.html}


def player(
    frames: Sequence[Any],
    labels: Sequence[Any] | None = None,
    *,
    name: str = "frame",
    title: str | None = None,
    alt: str | None = None,
) -> Player:
    """A player over frames you already have, e.g. snapshots taken during training.

    Parameters
    ----------
    frames : sequence of matplotlib Figure or PNG bytes
        The frames, in order. Figures are rendered with :func:`~nnbook.images.render_png` and
        closed; bytes are used as they are.
    labels : sequence of numbers or of strings, optional
        The value each frame stands for (``len(labels) == len(frames)``),
        e.g. the epochs. Numbers give a slider, strings a menu. Default
        ``0, 1, ..., len(frames) - 1``.
    name : str, optional
        The control's label, e.g. ``"epoch"``.
    title : str, optional
        Shown above the control.
    alt : str, optional
        What the figure shows, for a reader who cannot see it (each frame's
        ``alt`` text is it followed by the value shown). Default: the title.

    Returns
    -------
    Player
        Displays as the HTML player (it needs no kernel, so it is the same
        in the book and in Jupyter).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> figs = []
    >>> for epoch in (0, 10, 20):
    ...     fig, ax = plt.subplots(figsize=(2, 2))
    ...     _ = ax.set_title(f"epoch {epoch}")
    ...     figs.append(fig)
    >>> p = player(figs, labels=[0, 10, 20], name="epoch")
    >>> len(p.frames), p.params
    (3, {'epoch': (0, 10, 20)})
    """
    where = "player"
    if isinstance(frames, (str, bytes)) or not isinstance(frames, Sequence):
        raise ValueError(f"{where}: frames must be a list of matplotlib Figures or PNG bytes, got {type(frames).__name__}")
    if len(frames) == 0:
        raise ValueError(f"{where}: frames is empty; give at least one figure")
    if labels is None:
        labels = range(len(frames))
    control = _make_control(name, labels, where)
    if len(control.values) != len(frames):
        raise ValueError(f"{where}: {len(frames)} frames but {len(control.values)} labels; give one label a frame")
    _check_combinations([control], where)
    pngs = []
    for k, f in enumerate(frames):
        if isinstance(f, (bytes, bytearray)):
            png_size(bytes(f))
            pngs.append(bytes(f))
        else:
            try:
                pngs.append(render_png(f))
            except ValueError:
                raise ValueError(f"{where}: frame {k} is a {type(f).__name__}, not a matplotlib Figure or PNG bytes") from None
    sizes = {png_size(p) for p in pngs}
    if len(sizes) > 1:
        raise ValueError(f"{where}: the frames differ in pixel size {sorted(sizes)}; draw every frame with the same figsize")
    return Player(pngs, [control], title, alt=_check_alt(alt, where))


# ---------------------------------------------------------------------------
# interactive figures


def _call_draw(draw: Callable[..., Any], values: dict[str, Any]) -> bytes:
    """Call ``draw(**values)``, render its figure, and close every figure it opened."""
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    before = set(plt.get_fignums())
    args = ", ".join(f"{k}={v!r}" for k, v in values.items())
    try:
        try:
            fig = draw(**values)
        except Exception as err:
            err.add_note(f"while drawing draw({args}) for nnbook.widgets.interactive")
            raise
        if not isinstance(fig, Figure):
            hint = " (end draw with `return fig`)" if fig is None else ""
            raise ValueError(f"interactive: draw({args}) returned {type(fig).__name__}, not a matplotlib Figure{hint}")
        return render_png(fig)
    finally:
        for num in set(plt.get_fignums()) - before:
            plt.close(num)


def _check_alt(alt: Any, where: str) -> str | None:
    if alt is not None and (not isinstance(alt, str) or not alt.strip()):
        raise ValueError(f"{where}: alt must be a sentence saying what the figure shows, got {alt!r}")
    return alt


class Interactive(Player):
    """An interactive figure: the HTML player plus a live ipywidgets version.

    Made by :func:`interactive`. Its display is one output whose bundle holds

    - ``text/html``: the precomputed player (:attr:`html`), for the HTML book
      and any page without a kernel;
    - ``application/vnd.jupyter.widget-view+json``: :attr:`widget`, sliders
      and menus over the same values that call ``draw`` again, for a running
      kernel (JupyterLab ranks it above ``text/html``);
    - ``text/plain``: a one-line description.

    Attributes
    ----------
    draw : callable
        The function that draws one combination.
    frames, html, title
        As in :class:`Player`.
    """

    _kind = "interactive figure"

    def __init__(self, draw: Callable[..., Any], frames: Sequence[bytes], controls: Sequence[Control], title: str | None,
                 **player: Any) -> None:
        super().__init__(frames, controls, title, **player)
        self.draw = draw
        self._widget: Any = None
        self._live_controls: dict[str, Any] = {}
        self._image: Any = None

    @property
    def controls(self) -> dict[str, Any]:
        """The live controls by parameter name (``SelectionSlider`` or ``Dropdown``); see :attr:`widget`."""
        self.widget  # noqa: B018 (made on first use)
        return dict(self._live_controls)

    @property
    def image(self) -> Any:
        """The live ``ipywidgets.Image`` holding the current frame; see :attr:`widget`."""
        self.widget  # noqa: B018
        return self._image

    @property
    def widget(self) -> Any:
        """The live version, an ``ipywidgets.VBox``: a title, one control a parameter, an ``Image``.

        Made on first use. A slider (``SelectionSlider``) stands for each
        numeric parameter and a ``Dropdown`` for each string one; their
        ``value`` is the index of the chosen value, and :attr:`controls` maps
        each parameter's name to its control. Moving one calls ``draw`` with
        the chosen values and puts the rendered PNG into :attr:`image`.
        """
        if self._widget is None:
            import ipywidgets as w

            controls: dict[str, Any] = {}
            for c in self._controls:
                options = [(lab, k) for k, lab in enumerate(c.labels)]
                if c.kind == "range":
                    ctrl = w.SelectionSlider(options=options, description=c.name, continuous_update=True)
                else:
                    ctrl = w.Dropdown(options=options, description=c.name)
                controls[c.name] = ctrl
            width, height = png_size(self.frames[0])  # shown at its own size, as in the player
            image = w.Image(value=self.frames[0], format="png", width=str(width), height=str(height))
            self._live_controls, self._image = controls, image

            def redraw(change: Any = None) -> None:
                values = {c.name: c.values[controls[c.name].value] for c in self._controls}
                image.value = _call_draw(self.draw, values)

            for ctrl in controls.values():
                ctrl.observe(redraw, names="value")
            children = ([w.HTML(f"<b>{_html.escape(self.title)}</b>")] if self.title else []) + list(controls.values()) + [image]
            self._widget = w.VBox(children)
        return self._widget

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle = {"text/plain": repr(self), "text/html": self.html}
        try:
            view = self.widget._repr_mimebundle_()
        except ImportError:  # no ipywidgets: the player alone still works
            return bundle
        if view and _WIDGET_VIEW in view:
            bundle[_WIDGET_VIEW] = view[_WIDGET_VIEW]
        return bundle


def interactive(draw: Callable[..., Any], title: str | None = None, *, first_frame_only: bool | None = None,
                alt: str | None = None, links: Sequence[str] | None = None, link_note: str = "",
                **params: Sequence[Any]) -> Interactive:
    """An interactive figure that works in the HTML book and live in Jupyter.

    ``draw`` is called once for every combination of the parameter values
    (``itertools.product`` order, the last parameter fastest) and each figure
    is stored as a small PNG; the HTML book shows them with sliders and menus
    in plain JavaScript, while a running kernel shows ipywidgets that call
    ``draw`` again. Every control starts at the first of its values.

    Parameters
    ----------
    draw : callable
        ``draw(**values) -> matplotlib.figure.Figure``: builds the figure for
        one combination and returns it. Figures it opens are closed after
        rendering. Give it a fixed ``figsize`` (and ``layout="constrained"``
        so labels stay inside) so every frame has the same size; it is
        rendered at :data:`~nnbook.images.DPI` dots per inch.
    title : str, optional
        Shown above the controls.
    **params : sequence of numbers or of strings
        One control each, in the order given: numbers give a slider over
        exactly these values (``w=np.linspace(-3, 3, 7)``, ``epoch=[0, 10,
        20]``), strings give a menu (``activation=["relu", "tanh"]``).
        ``draw`` receives Python ``int``, ``float`` or ``str`` values.
        ``draw``, ``title``, ``first_frame_only``, ``alt``, ``links`` and
        ``link_note`` cannot be parameter names.
    first_frame_only : bool, optional
        Draw the first combination only and store it for every other one
        (where nobody looks at the figures, as while autograding). Default:
        :data:`settings`' ``first_frame_only``.
    alt : str, optional
        What the figure shows, for a reader who cannot see it: the start of
        each frame's ``alt`` text, which goes on with the values shown
        (``"...; w = 0.5, activation = tanh"``). Default: the title.
    links : sequence of str, optional
        One address a combination (in the frames' order), linked under the
        picture as :data:`~nnbook.player_html.LINK_TEXT` and followed by
        ``link_note``; the link follows the controls. The playground's
        :func:`~nnbook.playground.scrubber` links each run to the live page.

    Returns
    -------
    Interactive
        Displays, as the last expression of a cell, one output holding the
        ``text/html`` player, the live ``widget`` and a ``text/plain`` line.

    Raises
    ------
    ValueError
        If there is no parameter, a parameter is not a non-empty sequence of
        distinct finite numbers or of distinct strings, there are more than
        :data:`MAX_COMBINATIONS` combinations, or ``draw`` does not return a
        matplotlib Figure.

    Notes
    -----
    Cost grows with the product of the parameter sizes: a frame of a
    5 x 3.5 inch line plot at 80 dpi takes about 5-8 KB of the notebook
    (base64 included) and 50-100 ms to draw and render, so keep a chapter's
    grids to a few dozen frames.

    Examples
    --------
    >>> import numpy as np, matplotlib.pyplot as plt
    >>> def draw(w, activation):
    ...     z = np.linspace(-3, 3, 61)
    ...     h = np.maximum(w * z, 0) if activation == "relu" else np.tanh(w * z)
    ...     fig, ax = plt.subplots(figsize=(3, 2))
    ...     ax.plot(z, h)
    ...     return fig
    >>> fig = interactive(draw, w=[0.5, 1.0, 2.0], activation=["relu", "tanh"])
    >>> fig
    <interactive figure: w (0.5, 1, 2) x activation (relu, tanh); 6 frames>
    """
    where = "interactive"
    if not callable(draw):
        raise ValueError(f"{where}: draw must be a function returning a matplotlib Figure, got {type(draw).__name__}")
    if title is not None and not isinstance(title, str):
        raise ValueError(f"{where}: title must be a string or None, got {type(title).__name__}")
    if not params:
        raise ValueError(
            f"{where}: give at least one parameter as name=values, "
            "e.g. interactive(draw, w=np.linspace(-3, 3, 7), activation=['relu', 'tanh'])"
        )
    controls = [_make_control(name, values, where) for name, values in params.items()]
    n = _check_combinations(controls, where)
    alt = _check_alt(alt, where)
    if links is not None:
        links = list(links)
        if len(links) != n or not all(isinstance(u, str) and u for u in links):
            raise ValueError(f"{where}: links must be {n} addresses, one a combination of the controls, got {links!r:.200}")
    frames: list[bytes] = []
    first_only = settings.first_frame_only if first_frame_only is None else bool(first_frame_only)
    for combo in itertools.product(*(c.values for c in controls)):
        if first_only and frames:
            frames.append(frames[0])
            continue
        frames.append(_call_draw(draw, dict(zip((c.name for c in controls), combo))))
    sizes = sorted({png_size(p) for p in frames})
    if len(sizes) > 1:
        raise ValueError(
            f"{where}: the frames differ in pixel size {sizes}; give draw a fixed figsize "
            "(and no bbox_inches='tight' or figure-size changes between values)"
        )
    return Interactive(draw, frames, controls, title, alt=alt, links=links, link_note=link_note)
