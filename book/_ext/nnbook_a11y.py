"""Accessible names the theme's sidebar leaves out.

The sidebar of sphinx-book-theme (pydata-sphinx-theme's toctree) gives every
page with sub-pages a ``<details>`` whose ``<summary>`` holds only a chevron
icon marked ``role="presentation"``: a control without a name, which screen
readers announce as nothing and axe-core reports as a serious violation
(``summary-name``) on every page. This extension wraps the theme's
``generate_toctree_html`` so that each such summary is named after the page
whose sections it shows or hides: ``aria-label="sections of API reference"``.

Docutils marks each entry of the bibliography ``role="doc-biblioentry"``
inside a ``role="list"``; DPUB-ARIA 1.1 deprecated that role, and a list whose
children are not list items is axe's critical ``aria-required-children``. The
entries become ``role="listitem"``.

The module index (``py-modindex.html``, Sphinx's ``domainindex.html``
template) draws the toggle of each package's modules as an image whose alt text
is ``-``; it says what it does instead: ``show or hide the modules of
nnbook``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

def name_summaries(html: Any) -> Any:
    """Give each text-less toctree ``<summary>`` an ``aria-label`` from its page's link.

    ``html`` is a string (a new string is returned) or a BeautifulSoup tree,
    as the theme's ``generate_toctree_html`` returns it (changed in place and
    returned).
    """
    if isinstance(html, str):
        if "toctree-toggle" not in html:
            return html
        from bs4 import BeautifulSoup

        return str(name_summaries(BeautifulSoup(html, "html.parser")))
    soup = html
    for summary in soup.select("details > summary"):
        if summary.get_text(strip=True) or summary.get("aria-label"):
            continue
        item = summary.find_parent("li")
        link = item.find("a", recursive=False) if item is not None else None
        title = link.get_text(" ", strip=True) if link is not None else ""
        summary["aria-label"] = f"sections of {title}" if title else "sections"
    return soup


def _wrap(generate: Callable[..., Any]) -> Callable[..., Any]:
    def generate_toctree_html(kind: str, *args: Any, **kwargs: Any) -> Any:
        out = generate(kind, *args, **kwargs)
        return name_summaries(out) if isinstance(out, str) or hasattr(out, "select") else out

    return generate_toctree_html


def list_items(body: str) -> str:
    """The bibliography's entries as list items of their ``role="list"``."""
    return body.replace('role="doc-biblioentry"', 'role="listitem"')


_TOGGLER = re.compile(r'(<img src="[^"]*minus\.png" class="toggler"[^>]*?) alt="-"( ?/?>)(.*?<code class="xref">([^<]+)</code>)',
                      re.S)


# Sphinx's doctools.js toggles a group of the module index on a click of its image only: Enter and Space do it too
_TOGGLER_KEYS = (
    '<script>document.querySelectorAll("img.toggler").forEach((el) => el.addEventListener("keydown", (e) => {'
    ' if (e.key === "Enter" || e.key === " ") { e.preventDefault(); el.click(); } }));</script>'
)


def name_index_togglers(html: str) -> str:
    """Each module index toggle named for what it does (for the package of its row) and operable from the keyboard.

    Its alt text, ``-``, becomes ``show or hide the modules of <package>``; the
    image becomes a focusable button (``tabindex="0" role="button"``), and a
    script before ``</body>`` lets Enter and Space click it.
    """
    out, n = _TOGGLER.subn(lambda m: f'{m.group(1)} tabindex="0" role="button" '
                                     f'alt="show or hide the modules of {m.group(4)}"{m.group(2)}{m.group(3)}', html)
    if n and _TOGGLER_KEYS not in out:
        out = out.replace("</body>", _TOGGLER_KEYS + "\n</body>", 1)
    return out


def name_index(app: Sphinx, exception: Exception | None) -> None:
    index = Path(app.outdir) / "py-modindex.html"
    if exception is None and index.is_file():
        text = index.read_text(encoding="utf-8")
        index.write_text(name_index_togglers(text), encoding="utf-8")


def add_names(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    if "generate_toctree_html" in context:
        context["generate_toctree_html"] = _wrap(context["generate_toctree_html"])
    if isinstance(context.get("body"), str):
        context["body"] = list_items(context["body"])


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", add_names, priority=900)  # after the theme's (500) defines the function
    app.connect("build-finished", name_index)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
