"""The live playground (ipywidgets): controls generated from the config's table, a dashboard image, a timer."""

from __future__ import annotations

import html
import json
import time
from collections.abc import Mapping, Sequence
from typing import Any

from ..images import data_uri, picture_figure, render_png
from ..player_html import LINK_TEXT
from .config import FIELDS, TRAINING_FIELDS, Field, PlaygroundConfig, changed_fields, repair
from .dashboard import VIEWS, Dashboard, check_views
from .run import Playground
from .scrubber import LIVE_NOTE, describe_views

__all__ = ["App", "app"]

_STATIC_NOTE = (
    "The live playground trains in a running Python kernel. In this static page it shows "
    "its first frame; open the notebook in Jupyter, Binder or Colab to train, pause, step and reset."
)
#: the tabs of the controls, in the order the table first names them
_TABS = tuple(dict.fromkeys(f.tab for f in FIELDS))
_STYLE = {"description_width": "90px"}


def _menu_options(f: Field, current: Any) -> list[tuple[str, Any]]:
    """A menu's ``(label, value)`` options: the field's choices, or the control's values with ``current`` among them."""
    ctl = f.control
    vals = list(f.choices() if ctl.values is None else ctl.values)  # type: ignore[misc]
    if current not in vals:
        vals.append(current)
        vals.sort(key=lambda v: float("inf") if v is None else float(v))
    return [(ctl.fmt(v), v) for v in vals]


def _widths_text(widths: Sequence[int]) -> str:
    return ", ".join(str(h) for h in widths)


def _parse_hidden(text: str) -> tuple[int, ...]:
    text = text.strip().strip("()[]")
    if not text:
        return ()
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    try:
        return tuple(int(p) for p in parts)
    except ValueError:
        raise ValueError(f"hidden layers: write the widths separated by commas, e.g. '8, 8' (or leave it empty), got {text!r}") from None


def _control(f: Field, value: Any) -> Any:
    """The ipywidgets control of field ``f`` (a dict of checkboxes for ``"checkboxes"``), showing ``value``."""
    import ipywidgets as W

    ctl, lay = f.control, W.Layout(width="260px")
    common = dict(description=ctl.label, style=_STYLE, layout=lay)
    top = max(ctl.high, value) if ctl.grows else ctl.high  # type: ignore[type-var]
    if ctl.kind == "menu":
        return W.Dropdown(options=_menu_options(f, value), value=value, **common)
    if ctl.kind in ("int_slider", "float_slider"):
        slider = W.IntSlider if ctl.kind == "int_slider" else W.FloatSlider
        return slider(value=value, min=ctl.low, max=top, step=ctl.step, **common)
    if ctl.kind == "int_box":
        return W.BoundedIntText(value=value, min=ctl.low, max=ctl.high, **common)
    if ctl.kind == "float_box":
        if ctl.low is None and ctl.high is None:
            return W.FloatText(value=value, step=ctl.step, **common)
        return W.BoundedFloatText(value=value, min=ctl.low, max=ctl.high, step=ctl.step, **common)
    if ctl.kind == "widths":
        return W.Text(value=_widths_text(value), continuous_update=False, placeholder="e.g. 8, 8", **common)
    if ctl.kind == "checkboxes":
        return {o: W.Checkbox(value=o in value, description=o, indent=False, layout=W.Layout(width="80px"))
                for o in f.choices()}  # type: ignore[misc]
    raise ValueError(f"App: field {f.name!r} has an unknown kind of control {ctl.kind!r}")  # pragma: no cover


class App:
    """The live playground: controls, a dashboard image, and training driven by a timer.

    Play/pause is ipywidgets' ``Play`` widget: the browser ticks, and each tick
    trains ``epochs per frame`` epochs and redraws, so the kernel stays
    responsive between ticks (JupyterLab, Jupyter Notebook, Binder, and Colab
    with ``output.enable_custom_widget_manager()``). *step* trains one epoch,
    *reset* restarts the run from its seed. Changing the data or the network
    resets the run; changing the learning rate, batch size, momentum,
    penalties or dropout carries on training with the new values. The *config* tab shows
    the configuration as JSON and loads an edited one.

    Parameters
    ----------
    config : PlaygroundConfig or dict, optional
    views : sequence of str
        The :data:`~nnbook.playground.dashboard.VIEWS` to show.
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
        self.views = check_views(views)
        self.dpi = dpi
        self._syncing = False
        c = self.playground.config

        # transport
        self._interval = int(interval)
        self.play = W.Play(value=0, min=0, max=10**9, step=1, interval=int(interval), show_repeat=False,
                           description="play", tooltip="train continuously (pause to stop)")
        self.step_button = W.Button(description="step", icon="step-forward", tooltip="train one epoch", layout=W.Layout(width="80px"))
        self.reset_button = W.Button(description="reset", icon="undo", tooltip="restart the run from its seed", layout=W.Layout(width="80px"))
        self.speed = W.IntSlider(value=int(epochs_per_frame), min=1, max=50, description="epochs/frame", style=_STYLE)
        self.status = W.HTML()
        self.message = W.HTML()
        self.image = W.Image(format="png")

        # a control a field of the table: ``controls`` holds the single ones, ``checkboxes`` the groups
        self.controls: dict[str, Any] = {}
        self.checkboxes: dict[str, dict[str, Any]] = {}
        for f in FIELDS:
            w = _control(f, getattr(c, f.name))
            (self.checkboxes if isinstance(w, dict) else self.controls)[f.name] = w
        self.config_text = W.Textarea(layout=W.Layout(width="420px", height="260px"))
        self.load_button = W.Button(description="load", icon="upload", tooltip="apply the JSON above")

        # wiring
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())
        self.load_button.on_click(lambda _: self.load(self.config_text.value))
        self.play.observe(self._on_tick, names="value")
        for w in [*self.controls.values(), *(b for group in self.checkboxes.values() for b in group.values())]:
            w.observe(self._on_control, names="value")

        self.tabs = W.Tab(children=[*(W.VBox(self._tab(t)) for t in _TABS), W.VBox([self.config_text, self.load_button])])
        for i, t in enumerate((*_TABS, "config")):
            self.tabs.set_title(i, t)
        self.widget = W.VBox([
            W.HBox([self.play, self.step_button, self.reset_button, self.speed]),
            self.status,
            self.image,
            self.message,
            self.tabs,
        ])
        self._new_dashboard()
        self._sync_controls()
        self._refresh(compress_level=9)  # the first frame is stored with a saved notebook: keep it small

    def _tab(self, tab: str) -> list[Any]:
        """The controls of one tab, in table order (checkboxes under their label, four a row)."""
        import ipywidgets as W

        out: list[Any] = []
        for f in FIELDS:
            if f.tab != tab:
                continue
            if f.name in self.checkboxes:
                boxes = list(self.checkboxes[f.name].values())
                out += [W.HTML(f.control.label), *(W.HBox(boxes[i:i + 4]) for i in range(0, len(boxes), 4))]
            else:
                out.append(self.controls[f.name])
        return out

    @property
    def feature_boxes(self) -> dict[str, Any]:
        """The checkbox of each input feature."""
        return self.checkboxes["features"]

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
        d: dict[str, Any] = {}
        for f in FIELDS:
            if f.name in self.checkboxes:
                d[f.name] = tuple(o for o, box in self.checkboxes[f.name].items() if box.value)
            elif f.control.kind == "widths":
                d[f.name] = _parse_hidden(self.controls[f.name].value)
            else:
                d[f.name] = self.controls[f.name].value
        # friendly repairs: the controls cannot reach an invalid combination by themselves
        return PlaygroundConfig(**repair(d))

    def _on_control(self, change: Any) -> None:
        if self._syncing:
            return
        try:
            new = self._config_from_controls()
        except (ValueError, TypeError) as exc:
            self._error(exc)
            return
        reset = not set(changed_fields(self.playground.config, new)) <= set(TRAINING_FIELDS)
        self.playground.update(**{f.name: getattr(new, f.name) for f in FIELDS})
        if reset:
            self._new_dashboard()
        self._sync_controls()
        self._refresh()

    def _sync_controls(self) -> None:
        """Show the current config in the controls (without triggering them)."""
        c = self.playground.config
        self._syncing = True
        try:
            for f in FIELDS:
                v, ctl = getattr(c, f.name), f.control
                if f.name in self.checkboxes:
                    for o, box in self.checkboxes[f.name].items():
                        box.value = o in v
                        box.disabled = ctl.option_enabled is not None and not ctl.option_enabled(c, o)
                    continue
                w = self.controls[f.name]
                if ctl.kind == "menu":
                    w.options = _menu_options(f, v)
                if ctl.grows:
                    w.max = max(w.max, v)
                w.value = _widths_text(v) if ctl.kind == "widths" else v
                if ctl.enabled is not None:
                    w.disabled = not ctl.enabled(c)
            self.config_text.value = json.dumps(c.to_dict(), indent=1)
            self.message.value = ""
        finally:
            self._syncing = False

    def _error(self, exc: BaseException) -> None:
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
        fig = picture_figure(self.dashboard.render()[..., :3], self.dashboard.fig.get_size_inches(), self.dpi)
        png = render_png(fig, dpi=self.dpi)  # a small palette PNG, the same bytes on every run
        summary = html.escape(self.playground.snapshot().summary())
        alt = html.escape(f"{describe_views([self.config], self.dashboard.views_shown)}; epoch {self.epoch}")
        live = (f'<p><a class="nnbook-live-link" href="{html.escape(self.config.live_url())}">{LINK_TEXT}</a> '
                f"{html.escape(LIVE_NOTE)}</p>")
        return (
            '<div class="nnbook-playground">'
            f'<p><b>{summary}</b></p>'
            f'<img alt="{alt}" src="{data_uri(png)}"/>'
            f"<p><em>{_STATIC_NOTE}</em></p>{live}</div>"
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
