"""The HTML and JavaScript of :mod:`nnbook.widgets`' static player.

A player is one ``<div>``: a control a parameter (``<input type="range">``
for numbers, ``<select>`` for strings), an ``<img>`` for the frame, the frames
as data URIs in a ``<script type="application/json">``, and a few lines of
JavaScript in the root's ``oninput`` attribute that swap the image. No kernel,
no network, no external script, and no ``<script>`` that has to run.

The controls are the browser's own, so the keyboard moves them (Tab to one,
then the arrow keys); nothing moves by itself, so nothing animates for a
reader who asks for reduced motion. The frame's ``alt`` text is the figure's
description followed by the values shown (``...; epoch = 10``). A player may
carry a link a frame (for a playground run, the live page opened with it),
shown under the picture and swapped with the frame.
"""

from __future__ import annotations

import hashlib
import html as _html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .images import data_uri, png_size

__all__ = ["Control", "player_html", "describe", "PLAYER_JS", "LINK_TEXT"]

#: The player's whole behaviour, run by the root element's ``oninput``: the
#: frame index is the mixed-radix number whose digits are the controls' indices
#: (last control fastest, the order of ``itertools.product``). It uses only
#: ``this`` (the player's root) and an expando on it, so several players on one
#: page never share a name, and it needs no ``<script>`` to run, so it works the
#: same in a Jupyter Book page, in JupyterLab's trusted outputs and in Colab's frames.
PLAYER_JS = (
    "var r=this,c=r.querySelectorAll('[data-nnbook-n]'),i=0,a=[],k,e,l;"
    "for(k=0;k<c.length;k++){e=c[k];i=i*e.dataset.nnbookN+(+e.value);"
    "l=JSON.parse(e.dataset.nnbookLabels)[e.value];a.push(e.name+' = '+l);"
    "if(e.type=='range'){e.nextElementSibling.value=l;}}"
    "r.nnbookFrames=r.nnbookFrames||JSON.parse(r.querySelector('script.nnbook-frames').textContent);"
    "e=r.querySelector('img.nnbook-frame');e.src=r.nnbookFrames[i];e.alt=r.dataset.nnbookAlt+a.join(', ');"
    "e=r.querySelector('a.nnbook-live-link');if(e&&e.dataset.nnbookLinks){e.href=JSON.parse(e.dataset.nnbookLinks)[i];}"
)

#: the text of a player's link to the live playground
LINK_TEXT = "Open this run live"

# as an attribute value: the script holds no double quote, so only & and < need escaping
_JS_ATTR = _html.escape(PLAYER_JS, quote=False)


@dataclass(frozen=True)
class Control:
    """One parameter of a player: its name, values, the labels shown, and the kind of control."""

    name: str
    values: tuple[Any, ...]
    labels: tuple[str, ...]
    kind: str  # "range" (numbers) or "select" (strings, booleans)


def _control_html(c: Control) -> str:
    esc = _html.escape
    n = len(c.values)
    data = f'name="{esc(c.name)}" data-nnbook-n="{n}" data-nnbook-labels="{esc(json.dumps(list(c.labels)))}"'
    if c.kind == "range":
        widget = (
            f'<input type="range" {data} min="0" max="{n - 1}" step="1" value="0" '
            f'aria-label="{esc(c.name)}" style="vertical-align:middle;width:14em">'
            f'<output style="display:inline-block;min-width:4em;margin-left:0.4em">{esc(c.labels[0])}</output>'
        )
    else:
        options = "".join(
            f'<option value="{k}"{" selected" if k == 0 else ""}>{esc(lab)}</option>' for k, lab in enumerate(c.labels)
        )
        widget = f'<select {data} aria-label="{esc(c.name)}">{options}</select>'
    return f'<label style="white-space:nowrap"><span style="margin-right:0.4em">{esc(c.name)}</span>{widget}</label>'


def _link_html(links: Sequence[str], note: str) -> str:
    esc = _html.escape
    varies = len(set(links)) > 1
    data = f' data-nnbook-links="{esc(json.dumps(list(links)))}"' if varies else ""
    tail = f" {esc(note)}" if note else ""
    return (f'<p class="nnbook-player-live" style="margin:0.2em 0 0">'
            f'<a class="nnbook-live-link" href="{esc(links[0])}"{data}>{LINK_TEXT}</a>{tail}</p>')


def player_html(frames: Sequence[bytes], controls: Sequence[Control], title: str | None, *,
                alt: str | None = None, links: Sequence[str] | None = None, link_note: str = "") -> str:
    """The self-contained HTML player over ``frames`` (PNG files, in ``itertools.product`` order of the controls).

    ``alt`` says what the figure shows (default: the title); each frame's
    ``alt`` text is it followed by the values shown. ``links``, one a frame,
    puts a link under the picture (:data:`LINK_TEXT`, then ``link_note``)
    that follows the frame. The root ``<div>`` has the class
    ``nnbook-player`` and the id ``nnbook-<16 hex digits>``, a hash of the
    content, so the same input gives the same page.
    """
    esc = _html.escape
    width, height = png_size(frames[0])
    uris = [data_uri(png) for png in frames]
    if links is not None and len(links) != len(frames):
        raise ValueError(f"player_html: {len(frames)} frames but {len(links)} links; give one link a frame")
    what = alt or title
    alt_prefix = f"{what}; " if what else ""
    first_alt = alt_prefix + ", ".join(f"{c.name} = {c.labels[0]}" for c in controls)
    parts = []
    if title:
        parts.append(f'<div class="nnbook-player-title" style="font-weight:bold;margin-bottom:0.3em">{esc(title)}</div>')
    parts.append(
        '<div class="nnbook-player-controls" style="display:flex;flex-wrap:wrap;gap:0.3em 1.5em;align-items:center">'
        + "".join(_control_html(c) for c in controls)
        + "</div>"
    )
    parts.append(
        f'<img class="nnbook-frame" src="{uris[0]}" width="{width}" height="{height}" alt="{esc(first_alt)}" '
        'style="display:block;max-width:100%;height:auto;margin-top:0.4em">'
    )
    if links is not None:
        parts.append(_link_html(links, link_note))
    # base64 and JSON punctuation only: nothing here can close the <script>
    parts.append(f'<script type="application/json" class="nnbook-frames">{json.dumps(uris, separators=(",", ":"))}</script>')
    body = "".join(parts)
    attrs = (
        f'data-nnbook-alt="{esc(alt_prefix)}" oninput="{_JS_ATTR}" onchange="this.oninput(event)" '
        'style="margin:0.5em 0;font-size:0.9em"'
    )
    # a deterministic id: the same frames, controls and title give the same id
    digest = hashlib.sha256((attrs + body).encode("utf-8")).hexdigest()[:16]
    return f'<div class="nnbook-player" id="nnbook-{digest}" {attrs}>{body}</div>'


def describe(controls: Sequence[Control], title: str | None, n_frames: int, kind: str) -> str:
    """A one-line ``text/plain`` description of a player, e.g. ``<player: epoch (0, 10, 20); 3 frames>``."""

    def one(c: Control) -> str:
        if c.kind == "range" and len(c.labels) > 3:
            return f"{c.name} ({len(c.labels)} values, {c.labels[0]} to {c.labels[-1]})"
        return f"{c.name} ({', '.join(c.labels)})"

    head = f"{kind} '{title}'" if title else kind
    return f"<{head}: {' x '.join(one(c) for c in controls)}; {n_frames} frames>"
