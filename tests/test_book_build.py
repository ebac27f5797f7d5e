"""The strict build catches what it must: small books built with the real
_config.yml and the Makefile's flags, one with a failing cell, one with a
broken reference and citation, and a clean one whose output is checked for
offline use and for the interactive-figure mime type.

Each build starts Sphinx and a kernel (about 10-20 s); they are the proof that
`make book` (and so `make test`) fails on a failing cell or a broken
reference, rather than an assertion about configuration values.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a book build or a browser: make test, not make check

ROOT = Path(__file__).resolve().parents[1]
JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"


def _book_flags() -> list[str]:
    """The flags `make book` passes to jupyter-book (read from the Makefile, so the test follows it)."""
    match = re.search(r"^BOOK_FLAGS\s*:?=\s*(.+)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    assert match, "Makefile: BOOK_FLAGS is not defined"
    return match.group(1).split()


def _notebook(*cells: tuple[str, str] | tuple[str, str, dict]) -> str:
    nb = {
        "cells": [
            {"cell_type": c[0], "metadata": c[2] if len(c) > 2 else {}, "source": c[1],
             **({"outputs": [], "execution_count": None} if c[0] == "code" else {})}
            for c in cells
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    for k, cell in enumerate(nb["cells"]):
        cell["id"] = f"cell-{k}"
    return json.dumps(nb, indent=1)


def _build(tmp_path: Path, pages: dict[str, str], env: dict[str, str] | None = None,
           config: Callable[[str], str] | None = None) -> subprocess.CompletedProcess[str]:
    """Build a book of `pages` (path -> text, first page is the root) with the book's configuration
    (edited by `config`, if given), with `env` added to the environment."""
    if not JUPYTER_BOOK.is_file():
        pytest.skip(f"jupyter-book is not installed next to {sys.executable}")
    src = tmp_path / "mini"
    (src / "book").mkdir(parents=True)
    text = (ROOT / "_config.yml").read_text(encoding="utf-8")
    (src / "_config.yml").write_text(config(text) if config else text, encoding="utf-8")
    shutil.copy(ROOT / "book" / "references.bib", src / "book" / "references.bib")
    shutil.copytree(ROOT / "book" / "_ext", src / "book" / "_ext", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "book" / "favicon.png", src / "book" / "favicon.png")  # _config.yml's html.favicon
    shutil.copytree(ROOT / "book" / "_extra", src / "book" / "_extra")  # and html_extra_path
    shutil.copytree(ROOT / "book" / "_static", src / "book" / "_static")  # html_static_path names it
    pages = {**pages, "book/bibliography.md": "# Bibliography\n\n```{bibliography}\n```\n"}
    names = list(pages)
    for name, text in pages.items():
        (src / name).write_text(text, encoding="utf-8")
    toc = ["format: jb-book", f"root: {Path(names[0]).with_suffix('').as_posix()}"]
    if names[1:]:
        toc += ["chapters:"] + [f"  - file: {Path(n).with_suffix('').as_posix()}" for n in names[1:]]
    (src / "_toc.yml").write_text("\n".join(toc) + "\n", encoding="utf-8")
    return subprocess.run(
        [str(JUPYTER_BOOK), "build", str(src), *_book_flags()],
        cwd=src, capture_output=True, text=True, timeout=900, env={**os.environ, **(env or {})},
    )


INTRO = "(intro)=\n# A small book\n\nSee {ref}`chapter` and {cite}`goodfellow2016`.\n"


def test_failing_cell_fails_the_build(tmp_path: Path) -> None:
    chapter = _notebook(
        ("markdown", "(chapter)=\n# A chapter\n"),
        ("code", "x = 1 + 1"),
        ("code", "raise RuntimeError('deliberate failure in a cell')"),
    )
    result = _build(tmp_path, {"book/intro.md": INTRO, "book/chapter.ipynb": chapter})
    log = result.stdout + result.stderr
    assert result.returncode != 0, "a notebook with a failing cell built without error:\n" + log[-3000:]
    assert "deliberate failure in a cell" in log, "the build log does not show the failing cell:\n" + log[-3000:]


def test_broken_reference_and_citation_fail_the_build(tmp_path: Path) -> None:
    intro = INTRO + "\nA label that does not exist: {ref}`no-such-label`; a work that is not in the bibliography: {cite}`nobody2099`.\n"
    chapter = _notebook(("markdown", "(chapter)=\n# A chapter\n"), ("code", "print('fine')"))
    result = _build(tmp_path, {"book/intro.md": intro, "book/chapter.ipynb": chapter})
    log = result.stdout + result.stderr
    assert result.returncode != 0, "a book with a broken reference built without error:\n" + log[-3000:]
    assert "no-such-label" in log, "the build log does not name the broken reference:\n" + log[-3000:]
    assert "nobody2099" in log, "the build log does not name the unknown citation:\n" + log[-3000:]


def test_clean_book_builds_offline_with_the_html_player(tmp_path: Path) -> None:
    """The player's text/html wins over the widget view, and no page loads a script from another host."""
    # the output's texts are assembled in the cell, so the page's copy of the
    # source code cannot satisfy the assertions below
    display_both = (
        "from IPython.display import display\n"
        "shown = 'PLAYER AS'\n"
        "display({\n"
        "    'text/html': f'<div class=\"nnbook-player\" id=\"nnbook-0000000000000000\">{shown} HTML</div>',\n"
        "    'application/vnd.jupyter.widget-view+json': {'model_id': 32 * '0', 'version_major': 2, 'version_minor': 0},\n"
        "    'text/plain': f'{shown} TEXT',\n"
        "}, raw=True)"
    )
    chapter = _notebook(
        ("markdown", "(chapter)=\n# A chapter\n\nMath: $\\sigma(z) = 1/(1 + e^{-z})$.\n"),
        ("code", display_both),
        # a real widget, so the executed notebook stores widget state: the case in
        # which myst-nb would add require.js and the widget manager from CDNs
        ("code", "import ipywidgets\nipywidgets.IntSlider(value=3)"),
    )
    result = _build(tmp_path, {"book/intro.md": INTRO, "book/chapter.ipynb": chapter})
    log = result.stdout + result.stderr
    assert result.returncode == 0, "the clean book did not build:\n" + log[-5000:]

    out = tmp_path / "mini" / "_build"
    page = (out / "html" / "book" / "chapter.html").read_text(encoding="utf-8")
    executed = json.loads((out / "jupyter_execute" / "book" / "chapter.ipynb").read_text(encoding="utf-8"))
    assert "application/vnd.jupyter.widget-state+json" in executed["metadata"].get("widgets", {}), (
        "the executed notebook stores no widget state, so the CDN check below proves nothing"
    )
    assert "PLAYER AS HTML" in page, "the text/html of a player+widget output is not shown"
    assert "PLAYER AS TEXT" not in page
    remote = re.findall(r"<(?:script|link)\b[^>]*\b(?:src|href)=\"((?:https?:)?//[^\"]+)\"", page)
    assert remote == [], f"the page loads files from other hosts: {remote}"
    mathjax = re.search(r'<script[^>]*src="([^"]*tex-chtml\.js)[^"]*"', page)
    assert mathjax and not mathjax.group(1).startswith(("http:", "https:", "//")), "MathJax is not served by the book"
    assert (out / "html" / "_static" / "mathjax" / "tex-chtml.js").is_file(), "MathJax was not copied into the book"


# -- the two editions (book/_ext/nnbook_editions.py) ------------------------------------------

def _nbgrader(grade_id: str, solution: bool, points: int = 0) -> dict:
    meta = {"grade_id": grade_id, "solution": solution, "grade": not solution, "locked": not solution,
            "schema_version": 3, **({"points": points} if points else {})}
    return {"nbgrader": meta, **({"tags": ["hide-input"]} if solution else {})}


EXERCISE = _notebook(
    ("markdown", "(chapter)=\n# A chapter\n\nWrite `double(x)`.\n"),
    ("code", "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x  # SOLUTION-LINE\n    ### END SOLUTION",
     _nbgrader("mini-ex1", True)),
    ("code", "assert double(2) == 4\nprint('VISIBLE-' + 'CHECK')\n### BEGIN HIDDEN TESTS\n"
             "assert double(-3) == -6  # HIDDEN-LINE\n### END HIDDEN TESTS", _nbgrader("mini-ex1-tests", False, 1)),
)
STUDENT_URL, STUDENT_BRANCH = "https://github.com/some-school/nn-course", "fall-term"


def _student_edition_at(text: str) -> str:
    """_config.yml with the student edition published elsewhere: the one setting the course edition follows."""
    start = text.index("    nnbook_student_edition:")
    end = text.index("\n", text.index("branch:", start))
    return text[:start] + f"    nnbook_student_edition:\n      url: {STUDENT_URL}\n      branch: {STUDENT_BRANCH}" + text[end:]


@pytest.mark.parametrize("edition", ["reader", "course"])
def test_the_editions_show_no_hidden_test_and_the_course_no_solution(tmp_path: Path, edition: str) -> None:
    result = _build(tmp_path, {"book/intro.md": INTRO, "book/chapter.ipynb": EXERCISE},
                    env={"NNBOOK_EDITION": edition}, config=_student_edition_at)
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"the {edition} edition did not build:\n" + log[-5000:]
    html = tmp_path / "mini" / "_build" / "html"
    page = (html / "book" / "chapter.html").read_text(encoding="utf-8")
    published = [p.read_text(encoding="utf-8") for p in (html / "_sources" / "book").glob("chapter.ipynb*")]
    assert published, "no copy of the notebook in _sources/ (the download button): the check below proves nothing"
    for text in [page, *published]:
        assert "HIDDEN-LINE" not in text and "BEGIN HIDDEN TESTS" not in text, f"{edition}: a hidden test is shown"
    source = (tmp_path / "mini" / "book" / "chapter.ipynb").read_text(encoding="utf-8")
    assert "HIDDEN-LINE" in source and "SOLUTION-LINE" in source, "the source notebook was changed"
    links = re.findall(r'href="(https://(?:mybinder\.org|colab\.research\.google\.com)[^"]+)"', page)
    assert len(links) == 2, f"expected a Binder and a Colab link, found {links}"
    if edition == "reader":
        assert "SOLUTION-LINE" in page and "VISIBLE-CHECK" in page, "the reader's edition lost the solution or its check"
        assert all("nnbook/nnbook" in u and STUDENT_BRANCH not in u for u in links), links
    else:
        for text in [page, *published]:
            assert "SOLUTION-LINE" not in text, "the course edition shows a solution"
        assert "NotImplementedError" in page and "VISIBLE-CHECK" not in page  # the stub, and no run of it
        org_repo = STUDENT_URL.removeprefix("https://github.com/")
        for url in links:
            assert org_repo in url and STUDENT_BRANCH in url and "book/chapter.ipynb" in url, url
        assert "nnbook/nnbook" not in " ".join(links)
