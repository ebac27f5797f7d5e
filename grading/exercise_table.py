"""Exercises and points per chapter, as a Markdown table (for the README).

    python -m grading.exercise_table [--book book]

An exercise is a solution cell; "code" counts graded code exercises,
"conceptual" the ones checked with ``c.answer`` (see ``grading/course.py``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grading.course import BOOK, chapter_paths, read_chapter  # noqa: E402


def table(book: Path = BOOK) -> str:
    rows = ["| Chapter | Exercises | Code | Conceptual | Points |", "|---|---:|---:|---:|---:|"]
    totals = [0, 0, 0, 0.0]
    for path in chapter_paths(book):
        ch = read_chapter(path)
        kinds = [e.kind for e in ch.exercises]
        counts = [len(kinds), kinds.count("code"), kinds.count("conceptual"), ch.points]
        totals = [t + c for t, c in zip(totals, counts)]
        rows.append(f"| `{ch.name}` | {counts[0]} | {counts[1]} | {counts[2]} | {counts[3]:g} |")
    rows.append(f"| **Total** | {totals[0]} | {totals[1]} | {totals[2]} | {totals[3]:g} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--book", type=Path, default=BOOK)
    args = parser.parse_args(argv)
    print(table(args.book))
    return 0


if __name__ == "__main__":
    sys.exit(main())
