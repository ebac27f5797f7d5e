"""Two editions of the HTML book from one source: the reader's and the course's.

The chapters are nbgrader's source: their solution cells hold the solutions
between ``### BEGIN SOLUTION`` and ``### END SOLUTION``, their test cells hold
hidden tests between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``.
This extension edits each notebook as Sphinx reads it (``source-read``), and
the copy Sphinx publishes in ``_sources/`` (the page's download button), never
the files in ``book/``:

``reader`` (``make book``, the default)
    The solutions stay, behind their toggle (the ``hide-input`` tag); every
    hidden-test block is removed from the test cells.
``course`` (``make book EDITION=course``)
    Hidden tests removed, and every solution region replaced by the stub of the
    student edition (``grading/nbgrader_config.py``'s ``raise
    NotImplementedError()``), the outputs of solution and test cells cleared,
    and those cells not executed (``skip-execution``). The launch buttons
    (Binder, Colab) and the repository button open the student edition,
    published where ``nnbook_student_edition`` in ``_config.yml`` says (a
    repository ``url`` and a ``branch``); the Colab set-up cell installs the
    package from there too.

The edition is chosen with ``NNBOOK_EDITION`` (the Makefile's ``EDITION``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import nbformat

EDITIONS = ("reader", "course")
BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
TEXT_STUB = "YOUR ANSWER HERE"


def without_region(source: str, begin: str, end: str, stub: str | None = None) -> str:
    """``source`` without the lines from ``begin`` to ``end`` (each such region), or with ``stub`` in their place."""
    if begin not in source:
        return source
    out: list[str] = []
    inside = False
    for line in source.splitlines():
        if line.strip() == begin:
            inside = True
            if stub is not None:
                indent = line[: len(line) - len(line.lstrip())]
                out += [indent + s if s else s for s in stub.splitlines()]
            continue
        if inside:
            inside = line.strip() != end
            continue
        out.append(line)
    return "\n".join(out)


TITLE = re.compile(r"""checks\(\s*f?["']([^"']+)["']""")


def visible_output(cell: Any) -> None:
    """Drop what a test cell's stored output printed after its visible checks (the hidden ones' report):
    everything after the summary line of its last visible ``checks(...)`` block, or all of it."""
    source = cell.source
    if BEGIN_HIDDEN not in source:
        return
    titles = TITLE.findall(source.split(BEGIN_HIDDEN)[0])
    for out in cell.get("outputs", []):
        if out.get("output_type") != "stream":
            continue
        lines = out.get("text", "").splitlines(keepends=True)
        ends = [i for i, line in enumerate(lines) if titles and line.startswith(titles[-1] + ":")]
        out["text"] = "".join(lines[: ends[-1] + 1]) if ends else ""
    cell["outputs"] = [o for o in cell.get("outputs", []) if o.get("output_type") != "stream" or o.get("text")]


def edition_notebook(nb: nbformat.NotebookNode, edition: str, urls: tuple[str, str] | None = None) -> nbformat.NotebookNode:
    """The notebook as ``edition`` publishes it (``urls``: the reader's and the student edition's install URL)."""
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade"):
            visible_output(cell)  # a build from the stored outputs shows no hidden check either
        cell.source = without_region(cell.source, BEGIN_HIDDEN, END_HIDDEN)
        if edition != "course":
            continue
        if urls and cell.cell_type == "code":
            cell.source = cell.source.replace(*urls)
        if meta.get("solution"):
            stub = CODE_STUB if cell.cell_type == "code" else TEXT_STUB
            cell.source = without_region(cell.source, BEGIN_SOLUTION, END_SOLUTION, stub)
        if cell.cell_type == "code" and (meta.get("solution") or meta.get("grade")):
            cell.outputs, cell.execution_count = [], None
            tags = cell.metadata.setdefault("tags", [])
            if "skip-execution" not in tags:
                tags.append("skip-execution")
    return nb


def _edition() -> str:
    edition = os.environ.get("NNBOOK_EDITION", "").strip() or "reader"
    if edition not in EDITIONS:
        raise ValueError(f"NNBOOK_EDITION={edition!r}: expected one of {', '.join(EDITIONS)}")
    return edition


def _student(config: Any) -> tuple[str, str]:
    setting = config.nnbook_student_edition or {}
    url, branch = str(setting.get("url", "")).rstrip("/"), str(setting.get("branch", ""))
    if not url or not branch:
        raise ValueError("the course edition needs nnbook_student_edition: {url: ..., branch: ...} in _config.yml")
    return url, branch


def _install_urls(app: Any) -> tuple[str, str] | None:
    reader = getattr(app, "_nnbook_reader_repository", "")
    if not reader:
        return None
    url, branch = _student(app.config)
    return f"git+{reader}\"", f"git+{url}@{branch}\""


def _configure(app: Any, config: Any) -> None:
    config.nnbook_edition = _edition()
    options = dict(config.html_theme_options or {})
    app._nnbook_reader_repository = str(options.get("repository_url", "")).rstrip("/")
    if config.nnbook_edition == "course":
        url, branch = _student(config)
        options.update(repository_url=url, repository_branch=branch, path_to_docs="")
        config.html_theme_options = options


def _is_notebook(app: Any, docname: str) -> bool:
    return Path(app.env.doc2path(docname)).suffix == ".ipynb"


def _read(app: Any, docname: str, source: list[str]) -> None:
    if _is_notebook(app, docname):
        nb = nbformat.reads(source[0], as_version=4)
        source[0] = nbformat.writes(edition_notebook(nb, app.config.nnbook_edition, _install_urls(app)))


def _published_sources(app: Any, exception: Exception | None) -> None:
    """The ``_sources/`` copies (the download button) are the edition's too, not the files in ``book/``."""
    if exception is not None or app.builder.format != "html":
        return
    for docname in app.env.found_docs:
        if not _is_notebook(app, docname):
            continue
        for copy in Path(app.outdir, "_sources").glob(f"{docname}.ipynb*"):
            nb = nbformat.read(app.env.doc2path(docname), as_version=4)
            nbformat.write(edition_notebook(nb, app.config.nnbook_edition, _install_urls(app)), copy)


def setup(app: Any) -> dict[str, Any]:
    app.add_config_value("nnbook_edition", "reader", "env")
    app.add_config_value("nnbook_student_edition", {}, "env")
    app.connect("config-inited", _configure)
    app.connect("source-read", _read)
    app.connect("build-finished", _published_sources)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
