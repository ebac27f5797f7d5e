"""The book's sources agree with each other: _config.yml, _toc.yml, the
notebooks' set-up cells, the bibliography and the API reference pages."""

from __future__ import annotations

import fnmatch
import json
import os
import pkgutil
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import nnbook

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
NOTEBOOKS = sorted(BOOK.glob("*.ipynb"))
CHAPTER = re.compile(r"\d\d_[a-z0-9_]+\.ipynb")


def _toc_files(node: Any = TOC, key_names: tuple[str, ...] = ("root", "file")) -> list[str]:
    """Every `file:` entry of the table of contents, in reading order (or every `glob:`)."""
    files: list[str] = []
    if isinstance(node, dict):
        for key in key_names:
            if key in node:
                files.append(node[key])
        for key in ("parts", "chapters", "sections"):
            for child in node.get(key, []):
                files += _toc_files(child, key_names)
    return files


def _in_toc(docname: str) -> bool:
    return docname in _toc_files() or any(fnmatch.fnmatchcase(docname, g) for g in _toc_files(key_names=("glob",)))


def _first_cell(path: Path) -> dict[str, Any]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["cells"], f"{path.name} has no cells"
    return nb["cells"][0]


# ---------------------------------------------------------------------------
# the repository URL: one setting, used by the launch buttons and every notebook

def test_repository_url_is_a_github_repository() -> None:
    url = CONFIG["repository"]["url"]
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url), (
        f"_config.yml: repository.url must be https://github.com/<owner>/<repo> "
        f"(Binder and Colab links are built from it), got {url!r}"
    )


def test_launch_buttons_are_configured_for_binder_and_colab() -> None:
    buttons = CONFIG["launch_buttons"]
    assert buttons.get("binderhub_url") == "https://mybinder.org"
    assert buttons.get("colab_url") == "https://colab.research.google.com"


def test_binder_finds_the_environment() -> None:
    """Binder installs requirements.txt (with the package itself) on the Python of runtime.txt."""
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert "-e ." in [line.strip() for line in requirements], "requirements.txt must install the package (-e .)"
    assert re.fullmatch(r"python-3\.\d+", (ROOT / "runtime.txt").read_text(encoding="utf-8").strip())


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_cell_is_the_colab_setup(path: Path) -> None:
    """CONTRIBUTING.md: the first cell installs nnbook from the repository in Colab, and is hidden."""
    cell = _first_cell(path)
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    assert cell["cell_type"] == "code", f"{path.name}: the first cell must be the Colab set-up code cell"
    assert "remove-cell" in cell.get("metadata", {}).get("tags", []), (
        f"{path.name}: the Colab set-up cell needs the tag remove-cell (the HTML book hides it)"
    )
    assert re.search(r'^if "google\.colab" in sys\.modules:', source, re.M), (
        f"{path.name}: the first cell must only act in Colab (if \"google.colab\" in sys.modules:)"
    )
    assert "output.enable_custom_widget_manager()" in source, (
        f"{path.name}: the Colab set-up must enable the custom widget manager (for the live figures)"
    )
    installs = re.findall(r'%pip install -q "nnbook @ git\+(\S+?)"', source)
    assert installs, f"{path.name}: the first cell must %pip install \"nnbook @ git+<repository url>\""
    assert installs == [CONFIG["repository"]["url"]], (
        f"{path.name}: installs nnbook from {installs}, but _config.yml's repository.url is "
        f"{CONFIG['repository']['url']!r}"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_title_comes_before_any_visible_code(path: Path) -> None:
    """CONTRIBUTING.md: the title cell follows the (hidden) Colab cell, so the HTML page opens with its title."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = nb["cells"][1]
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    assert cell["cell_type"] == "markdown" and re.match(r"\(\w[\w-]*\)=\n# \S", source), (
        f"{path.name}: the second cell must be the title, '(label)=' then '# Title', "
        f"not a {cell['cell_type']} cell starting {source[:40]!r}"
    )


# ---------------------------------------------------------------------------
# the table of contents

def test_every_toc_entry_exists() -> None:
    missing = [f for f in _toc_files() if not any((ROOT / f).with_suffix(s).is_file() for s in (".md", ".ipynb", ".rst"))]
    assert missing == [], f"_toc.yml lists files that do not exist: {missing}"


def test_every_notebook_is_in_the_toc() -> None:
    """Files missing from _toc.yml are silently left out of the book (only_build_toc_files)."""
    absent = [p.name for p in NOTEBOOKS if not _in_toc(f"book/{p.stem}")]
    assert absent == [], f"notebooks in book/ missing from _toc.yml: {absent}"


def test_chapters_are_listed_in_order() -> None:
    chapters = [f for f in _toc_files() if CHAPTER.fullmatch(Path(f).name + ".ipynb")]
    assert chapters == sorted(chapters), f"_toc.yml lists the chapters out of order: {chapters}"


def test_chapters_are_numbered() -> None:
    parts = [p for p in TOC["parts"] if any(CHAPTER.fullmatch(Path(c["file"]).name + ".ipynb") for c in p["chapters"])]
    assert parts, "no part of _toc.yml holds the chapters"
    assert all(p.get("numbered") for p in parts), "the chapters' part must be numbered: true"


def test_root_intro_notation_api_and_bibliography_are_in_place() -> None:
    files = _toc_files()
    assert files[0] == "book/intro"
    for page in ("book/notation", "book/api", "book/bibliography", "book/execution_times"):
        assert page in files, f"{page} is not in _toc.yml"
    assert files.index("book/notation") < min(
        (files.index(f) for f in files if CHAPTER.fullmatch(Path(f).name + ".ipynb")), default=len(files)
    ), "the notation page must come before the chapters"
    assert files[-1] == "book/bibliography", "the bibliography closes the book"


def test_execution_times_page_shows_the_table() -> None:
    text = (BOOK / "execution_times.md").read_text(encoding="utf-8")
    assert re.search(r"^```\{nb-exec-table\}", text, re.M)


# ---------------------------------------------------------------------------
# the bibliography

REQUIRED_REFERENCES = {
    # key: (first author's surname, year, number of authors, words of the title)
    "mcculloch1943": ("McCulloch", 1943, 2, "logical calculus"),
    "minsky1969": ("Minsky", 1969, 2, "perceptrons"),
    "cybenko1989": ("Cybenko", 1989, 1, "superpositions of a sigmoidal function"),
    "hornik1989": ("Hornik", 1989, 3, "universal approximators"),
    "glorot2010": ("Glorot", 2010, 2, "difficulty of training deep feedforward"),
    "glorot2011": ("Glorot", 2011, 3, "deep sparse rectifier"),
    "maas2013": ("Maas", 2013, 3, "rectifier nonlinearities"),
    "he2015": ("He", 2015, 4, "delving deep into rectifiers"),
    "xu2015": ("Xu", 2015, 4, "empirical evaluation of rectified activations"),
    "montufar2014": ("Montúfar", 2014, 4, "number of linear regions"),
    "clevert2016": ("Clevert", 2016, 3, "exponential linear units"),
    "goodfellow2016": ("Goodfellow", 2016, 3, "deep learning"),
}


@pytest.fixture(scope="module")
def bibliography() -> Any:
    from pybtex.database import parse_file

    return parse_file(str(BOOK / "references.bib"))


@pytest.mark.parametrize("key", sorted(REQUIRED_REFERENCES))
def test_reference_is_in_the_bibliography(bibliography: Any, key: str) -> None:
    from pybtex.richtext import Text

    surname, year, n_authors, title_words = REQUIRED_REFERENCES[key]
    assert key in bibliography.entries, f"book/references.bib has no entry {key}"
    entry = bibliography.entries[key]
    authors = entry.persons["author"]
    first = Text.from_latex(" ".join(authors[0].last_names)).render_as("text")
    assert first == surname, f"{key}: first author {first!r}, expected {surname!r}"
    assert len(authors) == n_authors, f"{key}: {len(authors)} authors, expected {n_authors}"
    assert int(entry.fields["year"]) == year
    title = re.sub(r"[{}]", "", entry.fields["title"]).lower()
    assert title_words in title, f"{key}: title {entry.fields['title']!r} does not contain {title_words!r}"


def test_bibliography_keys_are_sorted_and_cited_keys_exist(bibliography: Any) -> None:
    keys = list(bibliography.entries.keys())
    assert keys == sorted(keys), "keep book/references.bib sorted by key"
    cited: set[str] = set()
    sources = [*BOOK.rglob("*.md"), *NOTEBOOKS]
    for path in sources:
        for group in re.findall(r"\{cite(?::[a-z]+)?\}`([^`]+)`", path.read_text(encoding="utf-8")):
            cited.update(k.strip() for k in group.split(","))
    unknown = sorted(cited - set(keys))
    assert unknown == [], f"cited but not in book/references.bib: {unknown}"


# ---------------------------------------------------------------------------
# the API reference

def _package_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(nnbook.__path__) if not m.name.startswith("_"))


@pytest.mark.parametrize("module", _package_modules())
def test_every_module_has_an_api_page(module: str) -> None:
    page = BOOK / "api" / f"{module}.rst"
    assert page.is_file(), f"nnbook.{module} has no API page: add book/api/{module}.rst and list it in _toc.yml"
    assert f".. automodule:: nnbook.{module}\n" in page.read_text(encoding="utf-8")
    assert _in_toc(f"book/api/{module}"), f"book/api/{module} is not in _toc.yml"


@pytest.mark.skipif("MAKELEVEL" not in os.environ, reason="the Makefile pins the numeric environment; run through `make test`")
def test_make_pins_the_kernels_blas_threads_and_matplotlib_config_so_outputs_match_on_every_machine() -> None:
    """nbval compares digits that hang on the last bit (training at a high learning rate,
    finite differences at the rounding limit); AVX-512 and AVX2 kernels round differently."""
    import platform

    import threadpoolctl
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    blas = [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
    assert blas and all(i["num_threads"] == 1 for i in blas), blas
    if platform.machine() == "x86_64":
        # NumPy dispatches to no kernel above AVX2 (X86_V3). The CPU's own AVX512F flag may stay on:
        # what is turned off is the dispatch targets (X86_V4, AVX512_ICL, AVX512_SPR).
        above_avx2 = {t: __cpu_features__.get(t) for t in __cpu_dispatch__ if t not in ("X86_V2", "X86_V3")}
        assert not any(above_avx2.values()), above_avx2
        assert all(i["architecture"] == "Haswell" for i in blas if i["internal_api"] == "openblas"), blas
    import matplotlib

    assert Path(matplotlib.get_configdir()).resolve() == (ROOT / ".venv" / "matplotlib").resolve()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_picture_of_a_chapter_has_its_own_alt_text(path: Path) -> None:
    """CONTRIBUTING.md: a cell's matplotlib output takes its alt from ``mystnb.image.alt``, an interactive figure
    from ``alt=`` (the built pages are held to it in tests/test_html_a11y.py)."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    missing, alts = [], []
    for k, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        if any("image/png" in out.get("data", {}) for out in cell.get("outputs", [])):
            alt = cell["metadata"].get("mystnb", {}).get("image", {}).get("alt", "")
            if len(alt.split()) < 6:
                missing.append(f"cell {k}: a figure without alt text (mystnb.image.alt)")
            alts.append(alt)
        if "nb.widgets.interactive(" in source and "alt=" not in source:
            missing.append(f"cell {k}: nb.widgets.interactive without alt=")
    assert missing == [], f"{path.name}:\n" + "\n".join(missing)
    assert len(set(alts)) == len(alts), f"{path.name}: two figures share one alt text"
