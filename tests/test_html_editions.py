"""The built HTML book (``_build/html``) shows no hidden test.

Every line of a chapter's ``### BEGIN HIDDEN TESTS`` blocks that appears
nowhere else in the chapter must be absent from the text of every page (tags
removed, entities decoded, so that highlighted code counts as text) and from
the notebooks published in ``_sources/`` (the download button). In the course
edition (``make book EDITION=course``) the same holds for the solutions.
Needs a built book; without one the test skips (fails with
``NNBOOK_REQUIRE_HTML_CHECKS=1``).
"""

from __future__ import annotations

import html
import html.parser
import json
import os
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # reads a book build: make test, not make check

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grading import course as gc  # noqa: E402

HTML = ROOT / "_build" / "html"
REQUIRED = os.environ.get("NNBOOK_REQUIRE_HTML_CHECKS") == "1"
CHAPTERS = [gc.read_chapter(p) for p in gc.chapter_paths()]


class _Text(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def page_text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(" ".join(parser.parts).split())


def published_text(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join("".join(c.get("source", "")) for c in nb.get("cells", []))


def secret_lines(chapter: gc.Chapter, solutions: bool = False) -> list[str]:
    """Lines only the hidden tests (and, with ``solutions``, the solutions) of ``chapter`` contain:
    not in the public part of any chapter."""
    blocks = [t.hidden for e in chapter.exercises for t in e.tests if t.hidden]
    if solutions:
        blocks += [e.solution for e in chapter.exercises if e.solution]
    secret = {line.strip() for b in blocks for line in b.splitlines()}
    public = " ".join(" ".join(line.split()) for ch in CHAPTERS for line in public_lines(ch, solutions))
    # short lines (`)`, `else:`) prove nothing either way, nor do lines the prose quotes (hints)
    return sorted(s for s in secret if len(s) >= 16 and not s.startswith("#") and " ".join(s.split()) not in public)


def public_lines(chapter: gc.Chapter, solutions: bool) -> set[str]:
    """The lines of ``chapter`` that the edition shows (every cell but the secret regions)."""
    public: set[str] = set()
    tests = {t.index: t for e in chapter.exercises for t in e.tests}
    exercises = {e.index: e for e in chapter.exercises}
    for i, cell in enumerate(chapter.nb.cells):
        if i in tests:
            text = tests[i].visible
        elif i in exercises and exercises[i].solution is not None:
            text = gc.replace_solution(cell.source, "") if solutions else ""
        else:
            text = cell.source
        public |= {line.strip() for line in text.splitlines()}
    return public


def _built() -> list[Path]:
    if not (HTML / "index.html").is_file():
        if REQUIRED:
            pytest.fail("no _build/html (NNBOOK_REQUIRE_HTML_CHECKS=1: the HTML checks must run)")
        pytest.skip("no built book in _build/html (make book)")
    return sorted(p for p in HTML.rglob("*.html") if "_static" not in p.parts)


def test_the_chapters_have_hidden_tests_to_look_for():
    assert sum(len(secret_lines(ch)) for ch in CHAPTERS) > 30
    assert sum(len(secret_lines(ch, solutions=True)) for ch in CHAPTERS) > 60


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[ch.name for ch in CHAPTERS])
def test_no_page_shows_a_hidden_test(chapter):
    pages = _built()
    sources = sorted((HTML / "_sources").rglob(f"{chapter.name}.ipynb*"))
    course = any("NotImplementedError" in page_text(p) for p in pages if p.stem == chapter.name)
    lines = secret_lines(chapter, solutions=course)
    texts = {p.relative_to(HTML).as_posix(): page_text(p) for p in pages}
    texts |= {p.relative_to(HTML).as_posix(): " ".join(published_text(p).split()) for p in sources}
    shown = {(name, line) for name, text in texts.items() for line in lines if " ".join(line.split()) in text}
    assert not shown, f"{len(shown)} hidden-test lines of {chapter.name} in the book: {sorted(shown)[:5]}"
