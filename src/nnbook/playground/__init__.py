r"""The playground: train a small network on 2-D data and watch it learn (chapter *The playground*).

Everything TensorFlow Playground offers, on top of nnbook's own training loop,
plus what it lacks: more data sets and activations, initialization schemes,
momentum, L1 *and* L2 together, dropout, a softmax output for several classes, views of
the weights and the per-layer gradient norms, a seed, and configurations that
are plain dictionaries.

The package has three layers; each works without the next.

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

The modules: :mod:`~nnbook.playground.catalog` (the data sets, features,
activations and initializers, one entry each), :mod:`~nnbook.playground.config`
(the table of fields and the rules between them), :mod:`~nnbook.playground.run`,
:mod:`~nnbook.playground.views`, :mod:`~nnbook.playground.dashboard`,
:mod:`~nnbook.playground.scrubber` and :mod:`~nnbook.playground.app`.

Reproducibility: a run draws all its randomness from one generator,
``np.random.default_rng(config.seed)``, in this order: the data set, the
train/test split, the initial weights, then each epoch's shuffle and, while
training, RReLU's slopes and dropout's masks. An epoch is one call of
:func:`nnbook.fit`, so the same config gives the very same numbers as
``nb.fit`` called on the same data, model and optimizer.
"""

from __future__ import annotations

from .app import App, app
from .catalog import ACTIVATION_LAYERS, ACTIVATIONS, DATA_SETS, DATASETS, FEATURE_MAPS, FEATURES, INITS, DataSet, Feature
from .config import FIELDS, OUTPUTS, RULES, TRAINING_FIELDS, PlaygroundConfig
from .dashboard import VIEWS, Dashboard, plot_boundary, plot_gradients, plot_loss, plot_snapshot, plot_units, plot_weights
from .run import Playground, Snapshot, build_model, features, make_data, make_loss, make_optimizer, set_dropout
from .scrubber import Precomputed, scrubber
from .views import limits_for


__all__ = [
    "PlaygroundConfig", "Playground", "Snapshot", "features", "make_data", "build_model", "set_dropout", "make_loss",
    "make_optimizer", "DATASETS", "ACTIVATIONS", "INITS", "OUTPUTS", "FEATURES", "VIEWS", "TRAINING_FIELDS",
    "DATA_SETS", "ACTIVATION_LAYERS", "FEATURE_MAPS", "DataSet", "Feature", "FIELDS", "RULES",
    "Dashboard", "plot_boundary", "plot_loss", "plot_units", "plot_weights", "plot_gradients",
    "plot_snapshot", "limits_for", "Precomputed", "scrubber", "App", "app",
]
