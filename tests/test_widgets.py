"""Interactive figures: the static HTML player, the live ipywidgets version, and their checks."""

from __future__ import annotations

import base64
import io
import json
import re

import matplotlib

matplotlib.use("agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from nnbook import player_html, widgets  # noqa: E402

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
FIGSIZE = (2.0, 1.5)


def draw(w, activation="tanh"):
    """A small figure whose pixels depend on both parameters."""
    z = np.linspace(-3, 3, 61)
    h = np.tanh(w * z) if activation == "tanh" else np.maximum(w * z, 0.0)
    fig, ax = plt.subplots(figsize=FIGSIZE)
    ax.plot(z, h)
    ax.set_ylim(-3, 3)
    ax.set_title(f"{activation} w={w:g}")
    return fig


@pytest.fixture(scope="module")
def fig():
    return widgets.interactive(draw, title="A neuron", w=np.linspace(-1, 1, 5), activation=["relu", "tanh"])


def frames_in(html: str) -> list[str]:
    m = re.search(r'<script type="application/json" class="nnbook-frames">(.*?)</script>', html)
    assert m is not None, "no frames array in the player"
    return json.loads(m.group(1))


def decode(uri: str) -> bytes:
    prefix = "data:image/png;base64,"
    assert uri.startswith(prefix)
    return base64.b64decode(uri[len(prefix):])


# ---------------------------------------------------------------- the bundle


def display_bundle(obj) -> dict:
    """What Jupyter shows for ``obj``: IPython's display formatter, as a notebook calls it."""
    from IPython.core.formatters import DisplayFormatter

    data, _ = DisplayFormatter().format(obj)
    return data


def test_bundle_has_html_widget_view_and_plain_text(fig):
    bundle = display_bundle(fig)
    assert {"text/plain", "text/html", WIDGET_VIEW} <= set(bundle)
    assert bundle["text/html"] == fig.html
    assert bundle[WIDGET_VIEW]["model_id"] == fig.widget.model_id
    assert bundle[WIDGET_VIEW]["version_major"] == 2
    assert bundle["text/plain"] == "<interactive figure 'A neuron': w (5 values, -1 to 1) x activation (relu, tanh); 10 frames>"


def test_player_root_has_class_and_hashed_id(fig):
    m = re.match(r'<div class="nnbook-player" id="(nnbook-[0-9a-f]{16})"', fig.html)
    assert m is not None
    assert fig.html.count(m.group(1)) == 1


# ---------------------------------------------------------------- the HTML player


def test_one_frame_per_combination_in_product_order(fig):
    frames = frames_in(fig.html)
    assert len(frames) == 5 * 2 == len(fig.frames)
    assert [decode(u) for u in frames] == fig.frames
    # the last parameter varies fastest: frame 3 is (w=-0.5, activation="tanh")
    assert fig.frames[3] == widgets.render_png(draw(-0.5, "tanh"))
    assert fig.frame(w=-0.5, activation="tanh") == fig.frames[3]
    assert len(set(fig.frames)) == 10  # every combination looks different


def test_frames_are_palette_pngs_of_the_figure_size(fig):
    for png in fig.frames:
        with Image.open(io.BytesIO(png)) as im:
            assert im.format == "PNG"
            assert im.mode == "P"
            assert im.size == (round(FIGSIZE[0] * widgets.DPI), round(FIGSIZE[1] * widgets.DPI))
            assert not im.info.get("Software")  # no metadata that could change between runs


def test_first_frame_is_shown_before_any_script_runs(fig):
    m = re.search(r'<img class="nnbook-frame" src="([^"]+)" width="(\d+)" height="(\d+)"', fig.html)
    assert m is not None
    assert decode(m.group(1)) == fig.frames[0]
    assert (int(m.group(2)), int(m.group(3))) == Image.open(io.BytesIO(fig.frames[0])).size


def test_slider_per_number_parameter_with_its_range_and_labels(fig):
    sliders = re.findall(r'<input type="range" name="([^"]+)" data-nnbook-n="(\d+)" data-nnbook-labels="([^"]+)" min="0" max="(\d+)" step="1" value="0"', fig.html)
    assert len(sliders) == 1
    name, n, labels, top = sliders[0]
    assert (name, n, top) == ("w", "5", "4")
    assert json.loads(labels.replace("&quot;", '"')) == ["-1", "-0.5", "0", "0.5", "1"]
    assert "<output" in fig.html and ">-1</output>" in fig.html  # the current value is shown


def test_menu_per_string_parameter_with_its_options(fig):
    selects = re.findall(r'<select name="([^"]+)" data-nnbook-n="(\d+)"', fig.html)
    assert selects == [("activation", "2")]
    assert re.findall(r'<option value="(\d)"[^>]*>([^<]*)</option>', fig.html) == [("0", "relu"), ("1", "tanh")]


def test_player_is_self_contained(fig):
    html = fig.html
    for needle in ("http:", "https:", "<script src", "require(", "<link", "@import", "//cdn"):
        assert needle not in html
    assert "<script" in html and html.count("<script") == 1  # only the inert JSON frames
    assert '"' not in player_html.PLAYER_JS  # it sits inside a double-quoted attribute


def test_title_and_labels_are_escaped():
    p = widgets.interactive(draw, title="<script>alert(1)</script>", activation=["tanh", "<b>relu</b>"], w=[1.0])
    assert "<script>alert" not in p.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in p.html
    assert "&lt;b&gt;relu&lt;/b&gt;" in p.html


def test_html_is_deterministic(fig):
    again = widgets.interactive(draw, title="A neuron", w=np.linspace(-1, 1, 5), activation=["relu", "tanh"])
    assert again.html == fig.html
    other = widgets.interactive(draw, title="A neuron", w=np.linspace(-1, 1, 5), activation=["tanh", "relu"])
    assert other.html != fig.html
    assert re.search(r'id="(nnbook-\w+)"', other.html).group(1) != re.search(r'id="(nnbook-\w+)"', fig.html).group(1)


def test_number_labels_are_short_but_distinct():
    p = widgets.interactive(lambda w: draw(w), w=np.linspace(0, 1, 11))
    assert p.labels["w"][3] == "0.3"  # not 0.30000000000000004
    close = widgets.interactive(lambda w: draw(w), w=[1.0, 1.0000001])
    assert close.labels["w"] == ("1.0", "1.0000001")


def test_draw_gets_python_values_and_its_figures_are_closed():
    seen = []

    def spy(epoch, act):
        seen.append((type(epoch), type(act)))
        draw(1.0)  # a stray figure draw never returns
        return draw(float(epoch), act)

    plt.close("all")
    widgets.interactive(spy, epoch=np.arange(3), act=np.array(["tanh", "relu"]))
    assert set(seen) == {(int, str)}
    assert plt.get_fignums() == []


# ---------------------------------------------------------------- the live widget


def test_moving_a_control_redraws_through_draw():
    calls = []

    def counting(w, activation):
        calls.append((w, activation))
        return draw(w, activation)

    p = widgets.interactive(counting, w=[-1.0, 0.5, 2.0], activation=["relu", "tanh"])
    box = p.widget
    assert p.image in box.children and p.controls["w"] in box.children
    assert p.image.value == p.frames[0]
    calls.clear()
    p.controls["w"].value = 2  # the slider's value is the index into w
    assert calls == [(2.0, "relu")]
    assert p.image.value == p.frame(w=2.0, activation="relu") != p.frames[0]
    p.controls["activation"].value = 1
    assert calls[-1] == (2.0, "tanh")
    assert p.image.value == p.frame(w=2.0, activation="tanh")
    assert plt.get_fignums() == []


def test_live_controls_offer_the_same_values(fig):
    import ipywidgets

    w, act = fig.controls["w"], fig.controls["activation"]
    assert isinstance(w, ipywidgets.SelectionSlider) and isinstance(act, ipywidgets.Dropdown)
    assert [label for label, _ in w.options] == ["-1", "-0.5", "0", "0.5", "1"]
    assert list(act.options) == [("relu", 0), ("tanh", 1)]
    assert (w.value, act.value, w.label) == (0, 0, "-1")


# ---------------------------------------------------------------- player()


def test_player_over_figures_and_bytes():
    figs = [draw(w) for w in (0.5, 1.0, 2.0)]
    p = widgets.player(figs, labels=[0, 10, 20], name="epoch", title="training")
    assert plt.get_fignums() == []
    assert p.params == {"epoch": (0, 10, 20)}
    assert len(frames_in(p.html)) == 3
    assert 'name="epoch"' in p.html and 'max="2"' in p.html
    assert {"text/plain", "text/html"} <= set(display_bundle(p))
    again = widgets.player(p.frames, labels=["start", "middle", "end"], name="stage")
    assert again.frames == p.frames and "<select" in again.html
    assert widgets.player(p.frames).params == {"frame": (0, 1, 2)}


def test_player_rejects_bad_frames():
    png = widgets.render_png(draw(1.0))
    with pytest.raises(ValueError, match="2 frames but 3 labels"):
        widgets.player([png, png], labels=[1, 2, 3])
    with pytest.raises(ValueError, match="frame 1 is a str"):
        widgets.player([png, "oops"])
    with pytest.raises(ValueError, match="PNG signature"):
        widgets.player([b"GIF89a" + bytes(40)])
    big = widgets.render_png(plt.figure(figsize=(3, 3)))
    with pytest.raises(ValueError, match="differ in pixel size"):
        widgets.player([png, big])
    with pytest.raises(ValueError, match="frames is empty"):
        widgets.player([])


# ---------------------------------------------------------------- bad input


def test_no_parameters():
    with pytest.raises(ValueError, match="at least one parameter"):
        widgets.interactive(draw)


def test_too_many_combinations_names_the_count():
    with pytest.raises(ValueError, match=r"w \(101\) x activation \(2\) = 202 combinations, more than the 200"):
        widgets.interactive(draw, w=np.linspace(-1, 1, 101), activation=["relu", "tanh"])


@pytest.mark.parametrize(
    "returned, match",
    [(None, r"returned NoneType, not a matplotlib Figure \(end draw with `return fig`\)"), ("axes", "returned Axes")],
)
def test_draw_must_return_a_figure(returned, match):
    def bad(w):
        fig, ax = plt.subplots()
        return ax if returned == "axes" else None

    plt.close("all")
    with pytest.raises(ValueError, match=match):
        widgets.interactive(bad, w=[1.0, 2.0])
    assert plt.get_fignums() == []


def test_an_error_in_draw_says_which_values():
    def broken(w):
        raise ZeroDivisionError("boom")

    with pytest.raises(ZeroDivisionError) as info:
        widgets.interactive(broken, w=[3.0])
    assert "draw(w=3.0)" in "".join(info.value.__notes__)


@pytest.mark.parametrize(
    "values, match",
    [
        (3.0, "must be a sequence of values"),
        ("relu", "is a single string"),
        ({1.0, 2.0}, "must be a sequence of values"),
        ((w for w in (1.0, 2.0)), "must be a sequence of values"),
        ([], "is empty"),
        (np.zeros((2, 2)), r"1-D sequence .* shape \(2, 2\)"),
        ([1.0, "relu"], "only numbers .* or only strings"),
        ([1.0, float("nan")], "finite"),
        ([1.0, 2.0, 1.0], "the value 1.0 more than once"),
        (["relu", "tanh", "relu"], "the value .relu. more than once"),
        ([None], "only numbers"),
    ],
)
def test_bad_parameter_values(values, match):
    with pytest.raises(ValueError, match=match):
        widgets.interactive(draw, w=values)


def test_frames_must_share_one_size():
    def growing(w):
        fig, _ = plt.subplots(figsize=(1 + w, 1))
        return fig

    with pytest.raises(ValueError, match="differ in pixel size"):
        widgets.interactive(growing, w=[1, 2])


def test_bad_draw_and_title():
    with pytest.raises(ValueError, match="draw must be a function"):
        widgets.interactive("draw", w=[1.0])
    with pytest.raises(ValueError, match="title must be a string"):
        widgets.interactive(draw, 3, w=[1.0])


# ---------------------------------------------------------------- in a browser


def test_player_swaps_frames_in_a_browser(fig, browser):
    """Two players on one page, driven like a reader would: each moves its own image only."""
    second = widgets.player(fig.frames[:3], labels=["a", "b", "c"], name="stage")
    page_html = f"<!doctype html><html><body>{fig.html}<p>text between</p>{second.html}</body></html>"
    requests = []
    page = browser.new_page()
    try:
        page.on("request", lambda r: requests.append(r.url))
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.set_content(page_html)
        first, other = page.locator(".nnbook-player").nth(0), page.locator(".nnbook-player").nth(1)

        def shown(player):
            return decode(player.locator("img.nnbook-frame").get_attribute("src"))

        assert shown(first) == fig.frames[0]
        first.locator("input[type=range]").fill("3")  # w = 0.5
        assert shown(first) == fig.frame(w=0.5, activation="relu")
        assert first.locator("output").inner_text() == "0.5"
        first.locator("select").select_option("tanh")
        assert shown(first) == fig.frame(w=0.5, activation="tanh")
        assert first.locator("img").get_attribute("alt") == "A neuron; w = 0.5, activation = tanh"
        assert shown(other) == fig.frames[0]  # the other player did not move
        other.locator("select").select_option("c")
        assert shown(other) == fig.frames[2]
        assert shown(first) == fig.frame(w=0.5, activation="tanh")
        assert errors == []
    finally:
        page.close()
    assert [u for u in requests if not u.startswith(("data:", "about:"))] == []


# ---------------------------------------------------------------- first frame only


def test_first_frame_only_draws_one_combination_for_all(monkeypatch):
    calls = []

    def counting(a, b):
        calls.append((a, b))
        return draw(a)

    fig = widgets.interactive(counting, first_frame_only=True, a=[0.5, 1.0, 2.0], b=["x", "y"])
    assert calls == [(0.5, "x")] and len(fig.frames) == 6 and set(fig.frames) == {fig.frames[0]}
    monkeypatch.setattr(widgets.settings, "first_frame_only", True)  # the session's setting is the default
    widgets.interactive(counting, a=[0.5, 1.0, 2.0], b=["x", "y"])
    assert len(calls) == 2
    widgets.interactive(counting, first_frame_only=False, a=[0.5, 1.0, 2.0], b=["x", "y"])  # the parameter wins
    assert len(calls) == 2 + 6
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")  # nbgrader's variable alone changes nothing
    monkeypatch.setattr(widgets.settings, "first_frame_only", False)
    widgets.interactive(counting, a=[0.5, 1.0, 2.0], b=["x", "y"])
    assert len(calls) == 2 + 6 + 6
