"""The configuration of a playground run: one table of fields, and the rules between them.

:data:`FIELDS` lists every setting once, as TensorFlow Playground's ``state.ts``
does: its name, default, what values it takes (choices or a range), what it
means, whether it changes only the training (the app then keeps the weights)
or the figure's layout, and the control the app shows for it.
:class:`PlaygroundConfig` is generated from the table and validated from it;
the app (:mod:`~nnbook.playground.app`) builds its controls from it. :data:`RULES` are the rules
between fields (a regression has no classes, a sigmoid output separates two),
each with the message that explains a broken one and the repair the app makes
instead of refusing a control's new value. A new setting is one row of
:data:`FIELDS`.
"""

from __future__ import annotations

import dataclasses
import decimal
import json
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np

from .catalog import ACTIVATIONS, DATA_SETS, DATASETS, FEATURES, INITS, is_int, is_number, suggest, usable_features

__all__ = ["Field", "Control", "Rule", "FIELDS", "RULES", "PlaygroundConfig", "OUTPUTS", "TRAINING_FIELDS", "repair",
           "changed_fields", "LIVE_PAGE", "LIVE_DEFAULTS", "LIVE_CHOICES"]

#: output unit and loss: ``auto`` picks sigmoid (two classes), softmax (more) or linear (regression)
OUTPUTS = ("auto", "sigmoid", "softmax", "linear")


@dataclass(frozen=True)
class Control:
    """The app's control for a field.

    ``kind`` is one of ``"menu"`` (a dropdown over the field's choices, or over
    ``values`` to which the current value is added), ``"int_slider"``,
    ``"float_slider"`` (from ``low`` to ``high``, which grows to the current
    value if ``grows``), ``"int_box"``, ``"float_box"`` (a number box, bounded
    where ``low``/``high`` are given), ``"widths"`` (text such as ``8, 8``) and
    ``"checkboxes"`` (one a choice). ``enabled(config)`` says whether the
    control applies to a config, ``option_enabled(config, option)`` the same
    for each checkbox.
    """

    kind: str
    label: str
    low: float | None = None
    high: float | None = None
    step: float | None = None
    values: tuple[Any, ...] | None = None
    grows: bool = False
    fmt: Callable[[Any], str] = str
    enabled: Callable[[Any], bool] | None = None
    option_enabled: Callable[[Any, str], bool] | None = None


@dataclass(frozen=True)
class Field:
    """One setting of a run (a row of :data:`FIELDS`).

    ``kind`` says how its value is checked: ``"choice"`` (one of
    ``choices()``; ``rejected`` maps a tempting wrong name to why it is
    refused), ``"int"`` (at least ``low``; ``None`` too if ``optional``),
    ``"float"`` (finite, within ``low``/``high``, open at an end with
    ``low_open``/``high_open``), ``"widths"`` (positive integers) or
    ``"names"`` (distinct names from ``choices()``, at least one).
    ``training`` fields change the training only, so a run keeps its weights;
    ``layout`` fields change the figure's layout (the data or the layer widths).
    ``tab`` is the app's tab that shows the control.
    """

    name: str
    default: Any
    kind: str
    doc: str
    control: Control
    type: str = "Any"
    choices: Callable[[], Sequence[str]] | None = None
    rejected: Mapping[str, str] = dataclasses.field(default_factory=dict)
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    optional: bool = False
    training: bool = False
    layout: bool = False
    tab: str = "training"


_LRS = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
_BATCHES = (1, 2, 5, 10, 20, 50, 100, None)
_MOMENTA = (0.0, 0.5, 0.9, 0.95, 0.99)
_PENALTIES = (0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
_DROPOUTS = (0.0, 0.1, 0.2, 0.3, 0.5)


def _any_classes(c: Any) -> bool:
    return DATA_SETS[c.dataset].any_classes


def _feature_usable(c: Any, name: str) -> bool:
    return name in usable_features(DATA_SETS[c.dataset].input_dim)


def _batch_label(v: Any) -> str:
    return "full batch" if v is None else str(v)


def _dropout_label(v: Any) -> str:
    return "off" if v == 0 else str(v)


#: every setting of a run, in order: the data, the network, the training, the seed
FIELDS: tuple[Field, ...] = (
    # -- the data ------------------------------------------------------------------------------
    Field("dataset", "circles", "choice",
          "The data set, one of :data:`~nnbook.playground.catalog.DATASETS`: ``\"xor\"``, ``\"circles\"``, "
          "``\"blobs\"`` (Gaussian clusters), ``\"spirals\"``, ``\"moons\"``, ``\"regression_1d\"``, "
          "``\"regression_2d\"``.",
          Control("menu", "data set"), "str", choices=lambda: DATASETS, layout=True, tab="data"),
    Field("n_points", 200, "int", "Points in all, before the train/test split (at least 4).",
          Control("int_slider", "points", 20, 1000, 10, grows=True), "int", low=4, layout=True, tab="data"),
    Field("noise", 0.1, "float",
          "Standard deviation of the generator's Gaussian noise: on the inputs (xor, circles, moons), on the "
          "angle (spirals), of each cluster (blobs) or on the target (regression).",
          Control("float_slider", "noise", 0.0, 1.0, 0.01, grows=True), "float", low=0.0, layout=True, tab="data"),
    Field("test_fraction", 0.5, "float", "Share of the points held out as the test set, in (0, 1).",
          Control("float_slider", "test share", 0.05, 0.95, 0.05), "float",
          low=0.0, high=1.0, low_open=True, high_open=True, layout=True, tab="data"),
    Field("n_classes", 2, "int",
          "Classes of the data sets that have any number of them (``\"spirals\"``, ``\"blobs\"``; 2 or more); "
          "every other data set needs 2.",
          Control("int_slider", "classes", 2, 6, 1, grows=True, enabled=_any_classes), "int",
          low=2, layout=True, tab="data"),
    Field("features", ("x1", "x2"), "names",
          "Inputs fed to the network, a subset of :data:`~nnbook.playground.catalog.FEATURES` (``\"x1\"``, "
          "``\"x2\"``, ``\"x1^2\"``, ``\"x2^2\"``, ``\"x1*x2\"``, ``\"sin(x1)\"``, ``\"sin(x2)\"``; "
          "``\"regression_1d\"`` has ``x1`` only).",
          Control("checkboxes", "features", option_enabled=_feature_usable), "tuple[str, ...]",
          choices=lambda: FEATURES, layout=True, tab="data"),
    # -- the network ---------------------------------------------------------------------------
    Field("hidden", (4, 2), "widths", "Units of each hidden layer; ``()`` is a network without hidden layers.",
          Control("widths", "hidden layers"), "tuple[int, ...]", layout=True, tab="network"),
    Field("activation", "tanh", "choice",
          "Hidden-unit activation, one of :data:`~nnbook.playground.catalog.ACTIVATIONS`.",
          Control("menu", "activation"), "str", choices=lambda: ACTIVATIONS, tab="network",
          rejected={"step": "has no useful gradient (its derivative is 0 almost everywhere), "
                            "so gradient descent cannot train it"}),
    Field("init", "xavier_uniform", "choice",
          "Weight initializer, one of :data:`~nnbook.playground.catalog.INITS` (:mod:`nnbook.init`).",
          Control("menu", "init"), "str", choices=lambda: INITS, tab="network"),
    Field("init_scale", 1.0, "float", "Multiplies the initial weights (for ``\"constant\"`` it is the constant).",
          Control("float_box", "init scale", 0.0, 1e3, 0.1), "float", low=0.0, tab="network"),
    Field("bias_init", 0.0, "float", "Initial value of every bias.",
          Control("float_box", "bias init", step=0.1), "float", tab="network"),
    Field("output", "auto", "choice",
          "``\"sigmoid\"`` (one logit, :class:`~nnbook.BCEWithLogitsLoss`), ``\"softmax\"`` (one logit a class, "
          ":class:`~nnbook.CrossEntropyLoss`), ``\"linear\"`` (:class:`~nnbook.MSELoss`, regression), or ``\"auto\"``.",
          Control("menu", "output"), "str", choices=lambda: OUTPUTS, layout=True, tab="network"),
    # -- the training --------------------------------------------------------------------------
    Field("lr", 0.03, "float", "Learning rate of :class:`~nnbook.SGD`.",
          Control("menu", "learning rate", values=_LRS), "float", low=0.0, low_open=True, training=True),
    Field("batch_size", 10, "int", "Examples a step; ``None`` means full-batch gradient descent.",
          Control("menu", "batch size", values=_BATCHES, fmt=_batch_label), "int | None",
          low=1, optional=True, training=True),
    Field("momentum", 0.0, "float", "Momentum of :class:`~nnbook.SGD`, in [0, 1).",
          Control("menu", "momentum", values=_MOMENTA), "float", low=0.0, high=1.0, high_open=True, training=True),
    Field("l2", 0.0, "float", "Weight decay (``weight_decay`` of :class:`~nnbook.SGD`); it acts on weights, not biases.",
          Control("menu", "L2", values=_PENALTIES), "float", low=0.0, training=True),
    Field("l1", 0.0, "float", "L1 strength of :class:`~nnbook.SGD`; it acts on weights, not biases.",
          Control("menu", "L1", values=_PENALTIES), "float", low=0.0, training=True),
    Field("dropout", 0.0, "float",
          "Drop probability of :class:`~nnbook.Dropout` on every hidden layer's output, in [0, 1); 0 is off. "
          "Masks are drawn from the run's generator while training; the test loss and the views use "
          "evaluation mode, where dropout is the identity.",
          Control("menu", "dropout", values=_DROPOUTS, fmt=_dropout_label), "float", low=0.0, high=1.0, high_open=True, training=True),
    Field("seed", 0, "int", "Seeds the one generator of the run (data, split, weights, shuffles).",
          Control("int_box", "seed", 0, 2**31 - 1), "int", low=0, layout=True),
)
_BY_NAME = {f.name: f for f in FIELDS}

#: config fields that change the training only (the app applies them without a reset)
TRAINING_FIELDS = tuple(f.name for f in FIELDS if f.training)


# -----------------------------------------------------------------------------
# Checking one field
# -----------------------------------------------------------------------------


def _bad(f: Field, value: Any, why: str) -> ValueError:
    return ValueError(f"PlaygroundConfig: {f.name} {why}, got {value!r}")


def _check_choice(f: Field, v: Any) -> Any:
    options = list(f.choices())  # type: ignore[misc]
    if v in f.rejected:
        raise ValueError(f"PlaygroundConfig: {f.name} {v!r} {f.rejected[v]}; choose one of {options}")
    if not isinstance(v, str) or v not in options:
        raise ValueError(f"PlaygroundConfig: unknown {f.name} {v!r}{suggest(v, options)}; choose one of {options}")
    return v


def _check_int(f: Field, v: Any) -> Any:
    if v is None and f.optional:
        return None
    if not is_int(v) or v < f.low:
        raise _bad(f, v, f"must be an integer >= {int(f.low)}")  # type: ignore[arg-type]
    return int(v)


def _check_float(f: Field, v: Any) -> Any:
    if not is_number(v):
        raise _bad(f, v, "must be a finite number")
    x = float(v)
    if f.low is not None and (x < f.low or (f.low_open and x == f.low)):
        raise _bad(f, v, f"must be {'>' if f.low_open else '>='} {f.low}")
    if f.high is not None and (x > f.high or (f.high_open and x == f.high)):
        raise _bad(f, v, f"must be {'<' if f.high_open else '<='} {f.high}")
    return x


def _check_widths(f: Field, v: Any) -> Any:
    if is_int(v) or isinstance(v, (str, bytes)) or not isinstance(v, Sequence | np.ndarray):
        raise _bad(f, v, "must be a sequence of layer widths such as (8, 8) (use () for no hidden layer)")
    if not all(is_int(h) and h >= 1 for h in v):
        raise _bad(f, v, "must hold positive integers (units per hidden layer)")
    return tuple(int(h) for h in v)


def _check_names(f: Field, v: Any) -> Any:
    if isinstance(v, (str, bytes)) or not isinstance(v, Sequence):
        raise _bad(f, v, "must be a sequence of feature names such as ('x1', 'x2')")
    options = list(f.choices())  # type: ignore[misc]
    for name in v:
        if name not in options:
            raise ValueError(f"PlaygroundConfig: unknown feature {name!r}{suggest(name, options)}; choose from {options}")
    if not v:
        raise _bad(f, v, "must name at least one input feature")
    if len(set(v)) != len(v):
        raise _bad(f, v, "must not repeat a feature")
    return tuple(v)


_CHECKS: dict[str, Callable[[Field, Any], Any]] = {
    "choice": _check_choice, "int": _check_int, "float": _check_float, "widths": _check_widths, "names": _check_names,
}


# -----------------------------------------------------------------------------
# Rules between fields
# -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A rule between fields.

    ``broken(c)`` is the message that explains why a config ``c`` (anything
    with the fields as attributes) breaks the rule, or ``None``;
    ``repair(c)`` the changes that mend it, which the app makes instead of
    refusing a control's new value (``None``: only the user can mend it).
    """

    broken: Callable[[Any], str | None]
    repair: Callable[[Any], dict[str, Any]] | None = None


def _features_for_inputs(c: Any) -> str | None:
    usable = usable_features(DATA_SETS[c.dataset].input_dim)
    extra = [f for f in c.features if f not in usable]
    if not extra:
        return None
    return (f"dataset {c.dataset!r} has one input x1, so features {extra} are not available; "
            f"choose from {list(usable)}")


def _classes_apply(c: Any) -> str | None:
    ds = DATA_SETS[c.dataset]
    if ds.any_classes or c.n_classes == 2:
        return None
    if ds.regression:
        return f"dataset {c.dataset!r} is a regression, so n_classes does not apply; leave it at 2, got {c.n_classes}"
    some = " and ".join(repr(name) for name, d in DATA_SETS.items() if d.any_classes)
    return f"dataset {c.dataset!r} has 2 classes, got n_classes={c.n_classes} (n_classes applies to {some})"


def _output_fits_task(c: Any) -> str | None:
    if DATA_SETS[c.dataset].regression:
        if c.output not in ("auto", "linear"):
            return (f"output {c.output!r} is for classification, but {c.dataset!r} is a regression data set; "
                    "use output='linear' (squared error) or 'auto'")
    elif c.output == "linear":
        return (f"output 'linear' (squared error) is for the regression data sets, but {c.dataset!r} is a "
                "classification data set; use 'sigmoid' (two classes), 'softmax' or 'auto'")
    if c.output == "sigmoid" and c.n_classes != 2:
        return f"output 'sigmoid' has one unit and separates 2 classes, but n_classes={c.n_classes}; use output='softmax'"
    return None


def _training_points_left(c: Any) -> str | None:
    n_test = max(1, int(round(c.test_fraction * c.n_points)))
    if c.n_points - n_test >= 1:
        return None
    return f"test_fraction={c.test_fraction} leaves no training points out of n_points={c.n_points}"


#: the rules between fields, checked in this order
RULES: tuple[Rule, ...] = (
    Rule(_features_for_inputs, lambda c: {"features": tuple(
        f for f in c.features if _feature_usable(c, f)) or usable_features(DATA_SETS[c.dataset].input_dim)[:1]}),
    Rule(_classes_apply, lambda c: {"n_classes": 2}),
    Rule(_output_fits_task, lambda c: {"output": "auto"}),
    Rule(_training_points_left),
)


def changed_fields(a: Any, b: Any) -> list[str]:
    """The names of the fields whose values differ between configs ``a`` and ``b``, in table order."""
    return [f.name for f in FIELDS if getattr(a, f.name) != getattr(b, f.name)]


def repair(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` (one for every field) with every :data:`RULES` repair made that it needs, in order."""
    d = dict(values)
    for rule in RULES:
        if rule.repair is not None and rule.broken(SimpleNamespace(**d)):
            d.update(rule.repair(SimpleNamespace(**d)))
    return d


# -----------------------------------------------------------------------------
# The live page's address (book/_static/playground/config.js)
# -----------------------------------------------------------------------------

#: the live playground's page, relative to the book's chapters
LIVE_PAGE = "playground_live.html"

#: the live page's default run (``DEFAULTS`` in config.js): nnbook's, with two hidden layers of 8 units
LIVE_DEFAULTS: dict[str, Any] = {**{f.name: f.default for f in FIELDS}, "hidden": (8, 8)}

#: what the live page offers for the fields that are names (``DATASETS``, ... in config.js)
LIVE_CHOICES: dict[str, tuple[str, ...]] = {
    "dataset": ("xor", "circles", "blobs", "spirals", "moons", "regression_1d", "regression_2d"),
    "activation": ("identity", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "rrelu", "elu", "softplus",
                   "hardtanh", "abs"),
    "init": ("xavier_uniform", "xavier_normal", "he_uniform", "he_normal", "lecun_normal", "normal", "uniform",
             "constant", "zeros"),
    "output": OUTPUTS,
    "features": ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"),
}


# -----------------------------------------------------------------------------
# The config
# -----------------------------------------------------------------------------


class PlaygroundConfig:
    # the fields and the docstring come from FIELDS, below the class

    def __post_init__(self) -> None:
        for f in FIELDS:
            object.__setattr__(self, f.name, _CHECKS[f.kind](f, getattr(self, f.name)))
        for rule in RULES:
            message = rule.broken(self)
            if message:
                raise ValueError(f"PlaygroundConfig: {message}")

    # -- derived -------------------------------------------------------------------
    @property
    def task(self) -> str:
        """``"binary"``, ``"multiclass"`` or ``"regression"``."""
        if DATA_SETS[self.dataset].regression:
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
        """Raw input dimension of the data set: 1 for ``"regression_1d"``, else 2."""
        return DATA_SETS[self.dataset].input_dim

    @property
    def n_outputs(self) -> int:
        """Output units of the network."""
        return self.n_classes if self.output_unit == "softmax" else 1

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """Widths from input to output, e.g. ``(2, 8, 8, 1)``."""
        return (len(self.features), *self.hidden, self.n_outputs)

    def layout_key(self) -> tuple[Any, ...]:
        """The values of the :data:`FIELDS` that change a figure's layout (the data, the layer widths)."""
        return tuple(getattr(self, f.name) for f in FIELDS if f.layout)

    # -- conversion ----------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A plain dict of Python scalars and lists (JSON-ready); :meth:`from_dict` reverses it."""
        return {f.name: list(v) if isinstance(v := getattr(self, f.name), tuple) else v for f in FIELDS}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PlaygroundConfig:
        """Build a config from a dict such as :meth:`to_dict` returns; missing keys take their defaults.

        Raises
        ------
        ValueError
            For an unknown key (with the closest valid one) or an invalid value.
        """
        if isinstance(d, cls):
            return d
        if not isinstance(d, Mapping):
            raise TypeError(f"PlaygroundConfig.from_dict: expected a dict, got {type(d).__name__}")
        names = [f.name for f in FIELDS]
        unknown = [k for k in d if k not in names]
        if unknown:
            k = unknown[0]
            raise ValueError(
                f"PlaygroundConfig: unknown key{'s' if len(unknown) > 1 else ''} {unknown}{suggest(k, names)}; "
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

    def live_hash(self) -> str:
        """The address hash (without ``#``) under which the book's live playground opens this run.

        It is the hash the page itself writes (``toHash`` in
        ``book/_static/playground/config.js``): ``key=value`` pairs joined by
        ``&``, in table order, for the fields that differ from the page's
        default (:data:`LIVE_DEFAULTS`, whose network is 2-8-8-1), lists
        comma-separated, ``batch_size=full`` for ``None``, numbers as
        JavaScript prints them. Every field has its place in the hash; the
        page starts the run at epoch 0 and draws the data and weights from
        the seed with its own generator, not NumPy's.

        Raises
        ------
        ValueError
            For a data set, activation, initializer or feature that the page
            does not have (one added to the catalogue in Python only), naming
            the field and the page's choices.
        """
        for name, options in LIVE_CHOICES.items():
            values = getattr(self, name)
            for v in values if isinstance(values, tuple) else (values,):
                if v not in options:
                    raise ValueError(f"PlaygroundConfig.live_hash: the live page has no {name} {v!r}; "
                                     f"it knows {list(options)}")
        parts = []
        for f in FIELDS:
            v = getattr(self, f.name)
            if v == LIVE_DEFAULTS[f.name]:
                continue
            text = ",".join(_js_text(x) for x in v) if isinstance(v, tuple) else _js_text(v)
            parts.append(f"{_uri_component(f.name)}={_uri_component(text).replace('%2C', ',')}")
        return "&".join(parts)

    def live_url(self, base: str = LIVE_PAGE) -> str:
        """The address of the live playground at ``base`` opened with this run, e.g. ``playground_live.html#hidden=4,2``.

        ``base`` is the page's address, relative (the default, for a chapter
        next to it in the built book) or absolute; see :meth:`live_hash`.
        """
        if not isinstance(base, str) or "#" in base:
            raise ValueError(f"PlaygroundConfig.live_url: base must be the page's address without a '#', got {base!r}")
        h = self.live_hash()
        return f"{base}#{h}" if h else base

    def replace(self, **changes: Any) -> PlaygroundConfig:
        """A copy with some fields changed (validated like a new config)."""
        names = sorted(_BY_NAME)
        for k in changes:
            if k not in _BY_NAME:
                raise ValueError(f"PlaygroundConfig: unknown key {k!r}{suggest(k, names)}; valid keys are {names}")
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]


def _uri_component(text: str) -> str:
    """JavaScript's ``encodeURIComponent``."""
    return urllib.parse.quote(text, safe="!*'()")


def _js_text(v: Any) -> str:
    """``String(v)`` in JavaScript for a field's value (``None`` is the page's ``full`` batch)."""
    if v is None:
        return "full"
    if isinstance(v, str):
        return v
    if is_int(v):
        return str(int(v))
    x = float(v)
    if x == 0:
        return "0"
    # JavaScript's Number::toString: the shortest digits (Python's repr), placed by the exponent's size
    sign, digits, exp = decimal.Decimal(repr(abs(x))).as_tuple()
    d = "".join(map(str, digits)).rstrip("0")
    exp += len(digits) - len(d)  # value = 0.d * 10**n
    k, n = len(d), exp + len(d)
    neg = "-" if x < 0 else ""
    if k <= n <= 21:
        return neg + d + "0" * (n - k)
    if 0 < n <= 21:
        return neg + d[:n] + "." + d[n:]
    if -6 < n <= 0:
        return neg + "0." + "0" * (-n) + d
    e = n - 1
    return neg + d[0] + ("." + d[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))


def _docstring() -> str:
    params = "\n".join(f"    {f.name} : {f.type}\n        {f.doc}" for f in FIELDS)
    return f"""Everything that defines a playground run, validated on construction.

    Its fields are the rows of :data:`FIELDS`, checked by their kind and then
    by :data:`RULES`; a bad value raises a ``ValueError`` that names the
    field and, for a misspelt name, the closest valid one.

    Parameters
    ----------
{params}

    Examples
    --------
    >>> c = PlaygroundConfig(dataset="xor", hidden=(4,), activation="relu")
    >>> PlaygroundConfig.from_dict(c.to_dict()) == c
    True
    """


# the fields, in table order, then the dataclass machinery (__init__, __eq__, __repr__, frozen)
for _f in FIELDS:
    setattr(PlaygroundConfig, _f.name, _f.default)
PlaygroundConfig.__annotations__ = {f.name: f.type for f in FIELDS}
PlaygroundConfig.__doc__ = _docstring()
PlaygroundConfig = dataclass(frozen=True)(PlaygroundConfig)
