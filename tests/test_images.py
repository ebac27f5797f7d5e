"""Tests of nnbook.images: the PNG encoders, data URIs and figures drawn outside pyplot."""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from nnbook import images  # noqa: E402


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_encode_png_keeps_every_pixel():
    rgb = np.random.default_rng(0).integers(0, 256, size=(7, 11, 3), dtype=np.uint8)
    for level in (0, 1, 9):
        png = images.encode_png(rgb, level)
        np.testing.assert_array_equal(pixels(png), rgb)
        assert images.png_size(png) == (11, 7)


def test_encode_png_takes_a_view_of_rgba_pixels():
    rgba = np.random.default_rng(1).integers(0, 256, size=(5, 4, 4), dtype=np.uint8)
    np.testing.assert_array_equal(pixels(images.encode_png(rgba[..., :3])), rgba[..., :3])


def test_encode_png_rejects_other_arrays():
    with pytest.raises(ValueError, match=r"uint8 pixels of shape \(height, width, 3\), got float64 \(2, 2, 3\)"):
        images.encode_png(np.zeros((2, 2, 3)))
    with pytest.raises(ValueError, match="got uint8 \\(2, 2\\)"):
        images.encode_png(np.zeros((2, 2), dtype=np.uint8))


def test_data_uri_holds_the_file():
    png = images.encode_png(np.zeros((2, 3, 3), dtype=np.uint8))
    uri = images.data_uri(png)
    assert uri.startswith("data:image/png;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]) == png


def test_png_size_rejects_other_files():
    with pytest.raises(ValueError, match="must be a PNG file"):
        images.png_size(b"GIF89a" + bytes(30))


def test_render_png_is_a_small_reproducible_palette_image():
    def figure():
        fig, ax = plt.subplots(figsize=(2, 1.5))
        ax.plot([0, 1], [0, 1])
        return fig

    a, b = images.render_png(figure()), images.render_png(figure())
    assert a == b and plt.get_fignums() == []  # the same bytes, and the figures are closed
    assert images.png_size(a) == (2 * images.DPI, int(1.5 * images.DPI))
    assert Image.open(io.BytesIO(a)).mode == "P"
    assert images.png_size(images.render_png(figure(), dpi=40)) == (80, 60)
    with pytest.raises(ValueError, match="colors must lie in"):
        images.render_png(figure(), colors=1)
    with pytest.raises(ValueError, match="expected a matplotlib Figure"):
        images.render_png("figure")


def test_picture_figure_shows_the_pixels_one_to_one():
    rgb = np.random.default_rng(2).integers(0, 256, size=(40, 60, 3), dtype=np.uint8)
    fig = images.picture_figure(rgb, (60 / 80, 40 / 80), 80)
    fig.canvas.draw()
    np.testing.assert_array_equal(np.asarray(fig.canvas.buffer_rgba())[..., :3], rgb)
    assert plt.get_fignums() == []  # made outside pyplot
