"""Precomputed playground runs for the static book: a reader scrubs through epochs and runs without a kernel."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from ..images import picture_figure
from .catalog import is_int, is_number
from .config import FIELDS, LIVE_PAGE, PlaygroundConfig, changed_fields
from .dashboard import Dashboard, check_views
from .run import Playground, Snapshot
from .views import limits_for, unit_columns

__all__ = ["Precomputed", "scrubber", "describe_views", "LIVE_NOTE"]

#: what the link under a scrubber says after "Open this run live"
LIVE_NOTE = "in the browser (the live playground draws its own data and weights from the seed)"


def _network(c: PlaygroundConfig) -> str:
    sizes = "-".join(str(n) for n in c.layer_sizes)
    return f"a {sizes} {c.activation} network" if c.hidden else f"a {sizes} network without hidden layers"


def _view_text(view: str, c: PlaygroundConfig) -> str:
    plane = "the input line" if c.input_dim == 1 else "the input plane"
    if view == "boundary":
        if c.task == "regression":
            return (f"its prediction over {plane} (the curve through the points)" if c.input_dim == 1
                    else f"its prediction over {plane} as a colour map, with the training and test points")
        return f"its decision regions over {plane}, with the training and test points coloured by class"
    return {
        "units": f"the output of each input feature and hidden unit over {plane}, orange negative and purple positive",
        "weights": "its weights as squares whose area is their size, white positive and black negative",
        "loss": "the training and test loss against the epoch",
        "gradients": "the norm of the loss gradient of each layer's weights against the epoch, on a log scale",
    }[view]


def describe_views(configs: Sequence[PlaygroundConfig], views: Sequence[str]) -> str:
    """A sentence saying what a playground figure of ``views`` shows for runs of ``configs`` (its ``alt`` text).

    >>> describe_views([PlaygroundConfig(dataset="xor", hidden=(2,))], ["loss"])
    'Training a 2-2-1 tanh network on the xor data: the training and test loss against the epoch'
    """
    first = configs[0]
    nets = sorted({_network(c) for c in configs})
    data = sorted({c.dataset.replace("_", " ") for c in configs})
    net = nets[0] if len(nets) == 1 else "networks (" + "; ".join(n.removeprefix("a ") for n in nets) + ")"
    return f"Training {net} on the {' or '.join(data)} data: " + "; ".join(_view_text(v, first) for v in views)


def _label(config: PlaygroundConfig, base: PlaygroundConfig) -> str:
    diff = changed_fields(base, config)
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
        self.views = check_views(views)
        self.dpi = dpi
        epochs = list(epochs)
        if not epochs:
            raise ValueError("scrubber: epochs is empty")
        if any(not is_int(e) or e < 0 for e in epochs) or any(b <= a for a, b in zip(epochs, epochs[1:])):
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
                if all(is_number(v) for v in vals) or all(isinstance(v, str) for v in vals):
                    self.params[k] = vals
                else:  # e.g. hidden=[(2,), (8,)]: a menu of labels, each standing for its value
                    labels = [_fmt(v) for v in vals]
                    if len(set(labels)) < len(labels):
                        raise ValueError(f"scrubber: the sweep over {k!r} repeats a value: {vals}")
                    self._labels[k] = dict(zip(labels, vals))
                    self.params[k] = labels
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
        self._unit_columns = max(unit_columns(s) for s in self.frames.values())
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
        key = c.layout_key()
        dash = self._dashboards.get(key)
        if dash is None:
            dash = self._dashboards[key] = Dashboard(snap, self.views, animated=True, texts=True, limits=self.limits,
                                                     dpi=self.dpi, unit_columns=self._unit_columns)
        else:
            dash.update(snap)
        return picture_figure(dash.render()[..., :3], dash.fig.get_size_inches(), self.dpi)

    @property
    def dashboards(self) -> tuple[Dashboard, ...]:
        """The live dashboards :meth:`draw` has made so far, one for each data set and architecture."""
        return tuple(self._dashboards.values())

    def __len__(self) -> int:
        return len(self.frames)

    def live_links(self, base: str = LIVE_PAGE) -> list[str]:
        """The live page's address for each combination of ``params``, in the player's order: each run's
        :meth:`~nnbook.playground.PlaygroundConfig.live_url` (the same for every epoch of a run)."""
        combos = itertools.product(*(self.params[k] for k in self._keys), self.params["epoch"])
        return [self.runs[tuple(combo[:-1])].live_url(base) for combo in combos]


def _looks_like_config(d: Mapping[str, Any]) -> bool:
    names = {f.name for f in FIELDS}
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
        The :data:`~nnbook.playground.dashboard.VIEWS` in each frame (few and small: every frame is an image).
    **sweep
        With one config, a sweep over config fields, e.g. ``l2=[0, 0.003, 0.03]``:
        one run for each combination, switched with a slider or dropdown.
        Values that are not numbers or strings (``hidden=[(2,), (8,)]``) get a
        dropdown of labels (``"(2,)"``, ``"(8,)"``).

    Returns
    -------
    nnbook.widgets.Interactive
        In the static HTML book a client-side player over the precomputed
        frames, in a kernel live widgets. Each frame's ``alt`` text says what
        it shows (:func:`describe_views`), and a link under the picture
        opens the run shown in the book's live playground
        (:meth:`~nnbook.playground.PlaygroundConfig.live_url`). Its ``precomputed`` attribute is the
        :class:`Precomputed` runs, for the numbers behind the pictures. Keep
        ``runs x epochs`` small (about 40 frames at most).

    Examples
    --------
    >>> base = PlaygroundConfig(dataset="spirals", hidden=(16, 16))  # doctest: +SKIP
    >>> scrubber(base, epochs=[0, 50, 100, 200], l2=[0.0, 0.01])     # doctest: +SKIP
    """
    pre = Precomputed(configs, epochs, views=views, dpi=dpi, **sweep)
    from .. import widgets

    fig = widgets.interactive(pre.draw, title=title, alt=describe_views(list(pre.runs.values()), pre.views),
                              links=pre.live_links(), link_note=LIVE_NOTE, **pre.params)
    fig.precomputed = pre  # the runs behind the frames, e.g. fig.precomputed.snapshot(epoch=100)
    return fig
