"""Images of figures: PNG files, data URIs and figures drawn outside pyplot.

Shared by :mod:`nnbook.widgets` (the frames of a player) and
:mod:`nnbook.playground` (the live app's frames and the scrubber's pictures).

Two PNG encoders, for two needs:

:func:`render_png`
    a small, reproducible file for a page: the figure drawn by Agg, reduced
    to a palette, saved without metadata (the same figure gives the same
    bytes on every run).
:func:`encode_png`
    a fast one for a live frame: 8-bit RGB pixels, no row filter, zlib at a
    low level.
"""

from __future__ import annotations

import base64
import io
import struct
import sys
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["render_png", "encode_png", "data_uri", "png_size", "new_figure", "picture_figure", "DPI", "COLORS"]

#: resolution (dots per inch) of every frame; with the figure size set in
#: ``draw`` it fixes the pixel size, so a rerun gives the same bytes
DPI = 80
#: size of the palette each frame is reduced to (a palette PNG is 3-4 times
#: smaller than a full-colour one and looks the same for line plots)
COLORS = 256

_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def render_png(fig: Any, *, dpi: int | None = None, colors: int | None = None, close: bool = True) -> bytes:
    """Render a matplotlib figure to a small, reproducible PNG.

    The figure is drawn with Agg at ``dpi`` (its own size in inches, no tight
    bounding box, so every frame of a player has the same pixel size), reduced
    to a palette of ``colors`` colours with Pillow (fast octree, no dithering)
    and saved without metadata, so the same figure gives the same bytes on
    every run.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to render.
    dpi : int, optional
        Dots per inch; the image is ``figsize * dpi`` pixels. Default
        :data:`DPI`.
    colors : int, optional
        Palette size, 2 to 256. Default :data:`COLORS`.
    close : bool, optional
        Close the figure afterwards (default), so the notebook does not show
        it a second time.

    Returns
    -------
    bytes
        The PNG file.
    """
    from matplotlib.figure import Figure
    from PIL import Image

    if not isinstance(fig, Figure):
        raise ValueError(f"render_png: expected a matplotlib Figure, got {type(fig).__name__}")
    dpi = DPI if dpi is None else dpi
    colors = COLORS if colors is None else colors
    if not 2 <= colors <= 256:
        raise ValueError(f"render_png: colors must lie in [2, 256], got {colors}")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, backend="agg", metadata={"Software": None})
    if close:
        import matplotlib.pyplot as plt

        plt.close(fig)
    buf.seek(0)
    with Image.open(buf) as im:
        rgb = im.convert("RGB")
    pal = rgb.quantize(colors=colors, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    out = io.BytesIO()
    pal.save(out, format="PNG", optimize=True)
    return out.getvalue()


def encode_png(rgb: np.ndarray, level: int = 1) -> bytes:
    """A minimal PNG encoder: 8-bit RGB pixels ``(height, width, 3)``, no row filter, zlib at ``level``.

    Several times faster than a general encoder at level 1, which is what a
    live frame needs; the file is about as small for flat-coloured figures.
    """
    rgb = np.asarray(rgb)
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"encode_png: expected uint8 pixels of shape (height, width, 3), got {rgb.dtype} {rgb.shape}")
    h, w, _ = rgb.shape
    raw = np.empty((h, 3 * w + 1), dtype=np.uint8)
    raw[:, 0] = 0
    raw[:, 1:] = rgb.reshape(h, 3 * w)

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return _SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw.tobytes(), level)) + chunk(b"IEND", b"")


def data_uri(png: bytes) -> str:
    """A ``data:image/png;base64,...`` URI of a PNG file, for an ``<img src=...>``."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk.

    Raises
    ------
    ValueError
        If ``png`` is not a PNG file.
    """
    if png[:8] != _SIGNATURE or png[12:16] != b"IHDR":
        raise ValueError("player: a frame given as bytes must be a PNG file (it does not start with the PNG signature)")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def new_figure(**kwargs: Any) -> Any:
    """A matplotlib Figure drawn by Agg, outside pyplot (nothing to close, never shown twice).

    Keyword arguments go to :class:`matplotlib.figure.Figure`.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if "ipykernel" in sys.modules:  # in a notebook: importing pyplot turns on the inline display of figures
        import matplotlib.pyplot  # noqa: F401
    fig = Figure(**kwargs)
    FigureCanvasAgg(fig)
    return fig


def picture_figure(rgb: np.ndarray, size_inches: Sequence[float], dpi: float) -> Any:
    """A figure of ``size_inches`` at ``dpi`` that shows the pixels ``rgb`` one to one."""
    fig = new_figure(figsize=tuple(size_inches), dpi=dpi)
    fig.figimage(np.array(rgb), xo=0, yo=0, origin="upper", resize=False)
    return fig
