"""Plotting helpers: the numbers behind the pictures, and that each helper draws on the axes it returns."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pytest
from strategies import assert_close

import nnbook as nb
from nnbook import Value, plotting


def test_setup_sets_fixed_figure_settings():
    saved = np.get_printoptions()
    try:
        with mpl.rc_context():
            plotting.setup()
            assert mpl.rcParams["figure.dpi"] == 80
            assert mpl.rcParams["svg.hashsalt"] == "nnbook"
            assert np.get_printoptions()["precision"] == 4
    finally:
        np.set_printoptions(**saved)


def test_grid_covers_the_points_with_a_margin():
    X = np.array([[0.0, -1.0], [2.0, 3.0]])
    xx, yy, pts = plotting.grid(X, resolution=11, margin=0.5)
    assert xx.shape == yy.shape == (11, 11)
    assert pts.shape == (121, 2)
    assert_close(np.array([xx.min(), xx.max(), yy.min(), yy.max()]), np.array([-1.0, 3.0, -3.0, 5.0]))


def test_decision_surface_outputs():
    pts = np.array([[0.0, 1.0], [2.0, -1.0]])
    multiclass = plotting.decision_surface(lambda p: np.c_[p[:, 0], p[:, 1], np.zeros(len(p))], pts)
    assert_close(multiclass, np.array([1.0, 0.0]))
    logits = plotting.decision_surface(lambda p: p[:, :1], pts, nb.BCEWithLogitsLoss())
    assert_close(logits, nb.functional.sigmoid(np.array([0.0, 2.0])))
    probabilities = plotting.decision_surface(lambda p: p[:, :1] / 4, pts, nb.BCELoss())
    assert_close(probabilities, np.array([0.0, 0.5]))
    model = nb.Sequential(nb.Linear(2, 1, init="zeros"))
    assert_close(plotting.decision_surface(model, pts), np.zeros(2))


@pytest.mark.parametrize("k", [2, 3])
def test_plot_decision_boundary_returns_its_axes(k, rng):
    X, y = nb.data.make_blobs(30, centers=k, rng=rng)
    model = nb.Sequential(nb.Linear(2, k if k > 2 else 1, rng=rng))
    loss = nb.CrossEntropyLoss() if k > 2 else nb.BCEWithLogitsLoss()
    ax = plotting.plot_decision_boundary(model, X, y, loss=loss, resolution=20, title="blobs")
    assert ax.get_title() == "blobs"
    assert len(ax.collections) >= k  # the shading and one scatter per class
    assert ax.get_legend_handles_labels()[1] == [f"class {c}" for c in range(k)]


def test_plot_history_draws_one_curve_a_key():
    ax = plotting.plot_history({"loss": [3.0, 2.0, 1.0], "val_loss": [3.5, 2.5, 2.0], "accuracy": [0.1, 0.5, 0.9]}, logy=True)
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"loss", "val_loss"}
    assert_close(lines["loss"].get_xdata(), np.array([1, 2, 3]))
    assert_close(lines["val_loss"].get_ydata(), np.array([3.5, 2.5, 2.0]))
    assert ax.get_yscale() == "log"


def test_plot_activations_draws_the_derivative_from_backprop():
    z = np.linspace(-3, 3, 61)
    axes = plotting.plot_activations([nb.Tanh(), nb.ReLU()], z=z)
    h_tanh, h_relu = (line for line in axes[0].get_lines() if line.get_label() in ("Tanh()", "ReLU()"))
    d_tanh, d_relu = (line for line in axes[1].get_lines() if line.get_label() in ("Tanh()", "ReLU()"))
    assert_close(h_tanh.get_ydata(), np.tanh(z))
    assert_close(d_tanh.get_ydata(), 1 - np.tanh(z) ** 2, rtol=1e-12, atol=1e-15)
    assert_close(d_relu.get_ydata(), (z > 0).astype(float))
    assert h_relu.get_label() == "ReLU()"


def test_setup_in_a_notebook_shows_figures_made_outside_pyplot_as_png():
    """A chapter whose first figure comes from nnbook (built without pyplot, e.g. by
    plot_snapshot) showed '<Figure size ...>' as text when the inline backend was not on yet."""
    import nbformat
    from nbclient import NotebookClient

    source = (
        "import matplotlib as mpl\n"
        "from matplotlib.figure import Figure\n"
        "import nnbook as nb\n"
        "nb.plotting.setup()\n"
        "fig = Figure()\n"
        "fig.add_subplot().plot([0, 1])\n"
        "print(mpl.rcParams['figure.dpi'])\n"
        "fig"
    )
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    outputs = notebook.cells[0].outputs
    assert outputs[0]["text"].strip() == "80.0"  # the inline backend kept the book's settings
    assert "image/png" in outputs[-1]["data"] and "image/svg+xml" not in outputs[-1]["data"]


# -- a Value's graph: graph_trace, graph_table and draw_graph, behind Value.trace, .table and .draw --


def quiz(x, z):
    """y = exp(xz) + xz/log(x) + sin(log(x))/(xz), on Values."""
    return (x * z).exp() + x * z / x.log() + x.log().sin() / (x * z)


def test_trace_rows():
    x, z = Value(2.0, "x"), Value(3.0, "z")
    a = (x * z).named("a")
    y = (a + x).named("y")
    y.backward()
    rows = y.trace()
    assert [r["name"] for r in rows][-1] == "y"
    by_name = {r["name"]: r for r in rows}
    assert set(by_name) == {"x", "z", "a", "y"}
    assert by_name["x"] == {"name": "x", "op": "input", "inputs": "", "value": 2.0, "grad": 4.0}
    assert by_name["a"] == {"name": "a", "op": "*", "inputs": "x, z", "value": 6.0, "grad": 1.0}
    assert by_name["y"]["inputs"] == "a, x" and by_name["y"]["value"] == 8.0
    assert by_name["z"]["grad"] == 2.0


def test_trace_names_unnamed_nodes_and_constants():
    x = Value(2.0, "x")
    y = (x * 3).exp()
    rows = y.trace()
    names = [r["name"] for r in rows]
    assert "3" in names  # a lifted constant is named by its value
    assert "v1" in names and "v2" in names
    ops = {r["name"]: r["op"] for r in rows}
    assert ops[names[-1]] == "exp"


def test_table_lists_every_node():
    x, z = Value(2.0, "x"), Value(3.0, "z")
    y = (x * z + x).named("y")
    y.backward()
    table = y.table(digits=4)
    lines = table.splitlines()
    assert lines[0].split() == ["name", "op", "inputs", "value", "grad"]
    assert set(lines[1]) <= {"-", " "}
    assert len(lines) == 2 + len(y.trace())
    last = lines[-1].split()
    assert last[0] == "y" and last[1] == "+" and last[-2] == "8" and last[-1] == "1"
    assert any(line.split()[0] == "x" and line.split()[-1] == "4" for line in lines[2:])


def test_draw_returns_axes_with_a_box_per_node():
    import matplotlib
    import matplotlib.pyplot as plt

    x, z = Value(2.0, "x"), Value(3.0, "z")
    y = quiz(x, z).named("y")
    y.backward()
    ax = y.draw()
    assert isinstance(ax, matplotlib.axes.Axes)
    texts = [t.get_text() for t in ax.texts if t.get_text()]  # arrows are empty annotations
    order = y.topological_order()
    assert len(texts) == len(order)
    arrows = [t for t in ax.texts if not t.get_text()]
    assert len(arrows) == sum(len(v.parents) for v in order)
    assert any(t.startswith("y = +") for t in texts)
    assert any(t.startswith("x\n") and "grad 1208" in t for t in texts)
    _, given_ax = plt.subplots()
    assert y.draw(ax=given_ax) is given_ax


def test_draw_highlights_nodes():
    import matplotlib.pyplot as plt

    x, z = Value(2.0, "x"), Value(3.0, "z")
    y = quiz(x, z).named("y")
    y.backward()
    _, ax = plt.subplots()
    y.draw(ax=ax, highlight=x)
    colours = [t.get_bbox_patch().get_facecolor() for t in ax.texts if t.get_text()]
    bright = matplotlib_colour("#ffd54f")
    assert sum(c == bright for c in colours) == 1
    _, ax = plt.subplots()
    y.draw(ax=ax, highlight=[x, z, y])
    colours = [t.get_bbox_patch().get_facecolor() for t in ax.texts if t.get_text()]
    assert sum(c == bright for c in colours) == 3
    plt.close("all")


def matplotlib_colour(hex_colour):
    import matplotlib.colors

    return matplotlib.colors.to_rgba(hex_colour)


def test_draw_sets_the_size_of_the_boxes_text():
    import matplotlib.pyplot as plt

    x, z = Value(2.0, "x"), Value(3.0, "z")
    y = quiz(x, z).named("y")
    y.backward()
    for size in (8, 11):
        _, ax = plt.subplots()
        y.draw(ax=ax, fontsize=size)
        assert {t.get_fontsize() for t in ax.texts if t.get_text()} == {size}
    plt.close("all")


def test_value_methods_are_the_plotting_functions():
    import matplotlib.pyplot as plt

    x, z = Value(2.0, "x"), Value(3.0, "z")
    y = quiz(x, z).named("y")
    y.backward()
    assert y.trace() == plotting.graph_trace(y)
    assert y.table(digits=3) == plotting.graph_table(y, 3)
    _, (a, b) = plt.subplots(1, 2)
    y.draw(ax=a, highlight=x, fontsize=9)
    plotting.draw_graph(y, ax=b, highlight=x, fontsize=9)
    assert [(t.get_text(), t.get_position()) for t in a.texts] == [(t.get_text(), t.get_position()) for t in b.texts]
    plt.close("all")
