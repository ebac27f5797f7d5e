"""Store the key's answers on the visible tests' inputs, for a student's copy (``make expected``).

    python -m grading.expected [--book book] [--out src/nnbook/exercises/expected] [--jobs 2]

A student's copy of the book has no answer key (``grading/key/nnbook_key`` is the
instructor's). Its visible checks read the key's answers from
``src/nnbook/exercises/expected/chNN.json`` instead. This script writes those
tables: it runs every chapter with exercises, *with its hidden tests taken out*,
with the key and ``NNBOOK_KEY_RECORD`` set, so that each answer the key gives to
a visible check (and the catalogue of mistakes behind its hints) is recorded,
and nothing of the hidden tests or the conceptual questions is. Re-run it after
changing the key or a visible test; ``tests/test_student_copy.py`` runs the
visible tests without the key and fails when a table is stale.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grading.course import BEGIN_HIDDEN, END_HIDDEN, ROOT, chapter_paths, read_chapter  # noqa: E402

HIDDEN = re.compile(rf"{re.escape(BEGIN_HIDDEN)}.*?{re.escape(END_HIDDEN)}\n?", re.S)


def without_hidden_tests(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook with every hidden-test block removed (as nbgrader's release does)."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = HIDDEN.sub("", cell.source)
    return nb


def run_visible(path: Path, timeout: int = 600) -> nbformat.NotebookNode:
    """Run ``path`` without its hidden tests and return it executed. The kernel inherits this process's
    environment: ``NNBOOK_KEY`` (or its absence, for a student's copy) and ``NNBOOK_KEY_RECORD``."""
    nb = without_hidden_tests(nbformat.read(path, as_version=4))
    NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}},
                   extra_arguments=["--IPKernelApp.exec_lines=import nnbook.widgets; "
                                    "nnbook.widgets.settings.first_frame_only = True"]).execute()
    return nb


def chapters_with_exercises(book: Path) -> list[Path]:
    """The chapters with graded exercises, as ``make grade`` finds them."""
    return [p for p in chapter_paths(book) if read_chapter(p).points > 0]


def run_all(chapters: list[Path], jobs: int = 2) -> list[nbformat.NotebookNode]:
    """:func:`run_visible` on every chapter, ``jobs`` kernels at a time."""
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(run_visible, chapters))


def write_tables(records: list[Path], out: Path) -> dict[str, int]:
    """Merge the recorded answers into one table a chapter; returns the number of entries of each."""
    tables: dict[str, dict[str, object]] = defaultdict(dict)
    for rec in records:
        if not rec.is_file():
            continue
        for line in rec.read_text().splitlines():
            entry = json.loads(line)
            tables[entry["chapter"]][entry["key"]] = entry["answer"]
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("ch*.json"):
        old.unlink()
    for chapter, table in sorted(tables.items()):
        (out / f"{chapter}.json").write_text(json.dumps(dict(sorted(table.items())), sort_keys=True) + "\n")
    return {chapter: len(table) for chapter, table in sorted(tables.items())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--book", type=Path, default=ROOT / "book")
    parser.add_argument("--out", type=Path, default=ROOT / "src" / "nnbook" / "exercises" / "expected")
    parser.add_argument("--key", type=Path, default=ROOT / "grading" / "key")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    chapters = chapters_with_exercises(args.book)
    with tempfile.TemporaryDirectory() as tmp:
        record = Path(tmp) / "answers.jsonl"  # one line an answer, each naming its chapter
        os.environ.update({"NNBOOK_KEY": str(args.key.resolve()), "NNBOOK_KEY_RECORD": str(record)})
        for nb, path in zip(run_all(chapters, args.jobs), chapters):
            errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
            if errors:
                print(f"{path.name}: {errors[0]['ename']}: {errors[0]['evalue']}", file=sys.stderr)
                return 1
        counts = write_tables([record], args.out)
    for chapter, n in counts.items():
        print(f"{chapter}: {n} answers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
