"""The book's accessibility fixes at build time (book/_ext/nnbook_a11y.py)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))

from nnbook_a11y import list_items, name_index_togglers, name_summaries  # noqa: E402

# the theme's sidebar markup for a page with sub-pages (pydata-sphinx-theme's toctree)
SIDEBAR = (
    '<ul class="nav bd-sidenav"><li class="toctree-l1 has-children">'
    '<a class="reference internal" href="api.html">API reference</a>'
    '<details><summary><span class="toctree-toggle" role="presentation"><i class="fa-solid fa-chevron-down"></i>'
    '</span></summary><ul><li class="toctree-l2"><a class="reference internal" href="api/data.html">nnbook.data</a></li>'
    "</ul></details></li>"
    '<li class="toctree-l1"><details><summary><p class="caption">Chapters</p>'
    '<span class="toctree-toggle" role="presentation"></span></summary></details></li></ul>'
)


def test_an_icon_only_summary_is_named_after_its_page() -> None:
    out = name_summaries(SIDEBAR)
    assert '<summary aria-label="sections of API reference">' in out
    assert out.count("aria-label") == 1, "a summary that has text keeps its own name"
    assert '<a class="reference internal" href="api/data.html">nnbook.data</a>' in out


def test_html_without_toggles_is_left_alone() -> None:
    html = '<ul><li><a href="x.html">x</a></li></ul>'
    assert name_summaries(html) is html


def test_the_theme_s_soup_is_named_in_place() -> None:
    """The theme's generate_toctree_html returns a BeautifulSoup tree for the sidebar, not a string."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(SIDEBAR, "html.parser")
    assert name_summaries(soup) is soup
    assert soup.select_one("summary")["aria-label"] == "sections of API reference"


def test_bibliography_entries_are_list_items() -> None:
    body = '<div role="list" class="citation-list"><div class="citation" id="id2" role="doc-biblioentry">x</div></div>'
    assert list_items(body) == '<div role="list" class="citation-list"><div class="citation" id="id2" role="listitem">x</div></div>'


def test_the_module_index_toggle_says_what_it_does() -> None:
    row = ('<td><img src="_static/minus.png" class="toggler"\n       id="toggle-1" style="display: none" alt="-" /></td>\n'
           '<td>\n<code class="xref">nnbook</code></td>')
    named = name_index_togglers(row + "</body>")
    assert 'tabindex="0" role="button" alt="show or hide the modules of nnbook"' in named
    assert named.count('el.click()') == 1 and named.index("el.click()") < named.index("</body>"), \
        "Enter and Space click the toggle: one script, in the body"
    assert name_index_togglers(named) == named, "applied twice, nothing changes"
    assert name_index_togglers("<p>no index</p>") == "<p>no index</p>"
