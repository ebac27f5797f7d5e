"""Grade a class in shards, on as many machines as a batch system gives, and merge the tables.

    python -m grading.grade SUBMISSIONS --shard 2/3     # make grade SHARD=2/3: the second of three shards
    python -m grading.shard merge [--out _build/grades]  # make grade-merge: the tables of one run

Shard ``i/N`` (``i`` from 1 to ``N``) grades the students whose place in the sorted list of
student folders of ``SUBMISSIONS`` is ``i - 1`` modulo ``N`` (every shard must see the same
folder), in a course directory of its own, and writes its tables to
``<out>/shards/<i>-of-<N>/``. ``merge`` checks that the ``N`` shards are all there, of the
same ``N`` and with no student twice, and writes ``<out>/grades.csv`` and
``<out>/exercises.csv``: byte for byte the tables one run over the whole class writes
(both list their rows by chapter and student id, :func:`sort_table`).
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grading.course import ROOT  # noqa: E402

TABLES = ("grades.csv", "exercises.csv")
# the columns that order each table's rows (chapter first, then student; an exercise's rows keep their order)
ORDER = {"grades.csv": ("assignment", "student_id"), "exercises.csv": ("chapter", "student_id")}


def parse(shard: str) -> tuple[int, int]:
    """``"2/3"`` -> ``(2, 3)``; anything else is an error naming the expected form."""
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", shard or "")
    if not m or not 1 <= int(m[1]) <= int(m[2]):
        raise ValueError(f"a shard is i/N with 1 <= i <= N (e.g. 2/3), not {shard!r}")
    return int(m[1]), int(m[2])


def select(students: list[str], i: int, n: int) -> list[str]:
    """The students of shard ``i`` of ``n``: every ``n``-th of the sorted list, from the ``i``-th."""
    return sorted(students)[i - 1::n]


def folder(out: Path, i: int, n: int) -> Path:
    """Where shard ``i`` of ``n`` writes its tables."""
    return Path(out) / "shards" / f"{i}-of-{n}"


def sort_table(text: str, name: str) -> str:
    """The CSV ``text`` with its rows ordered by ``ORDER[name]`` (stable; each row's bytes kept)."""
    lines = text.splitlines(keepends=True)
    if not lines:
        return text
    header = next(csv.reader([lines[0]]))
    keys = [header.index(k) for k in ORDER[name]]
    rows = [(next(csv.reader(io.StringIO(line))), line) for line in lines[1:] if line.strip()]
    rows.sort(key=lambda r: [r[0][k] for k in keys])
    return lines[0] + "".join(line for _, line in rows)


def _read(path: Path) -> str:
    with open(path, newline="") as f:  # line ends as written (csv writes \r\n)
        return f.read()


def _write(path: Path, text: str) -> None:
    with open(path, "w", newline="") as f:
        f.write(text)


def sort_tables(out: Path) -> None:
    """Order the rows of the tables in ``out`` as :func:`sort_table` does (what a run writes last)."""
    for name in TABLES:
        path = Path(out) / name
        if path.is_file():
            _write(path, sort_table(_read(path), name))


def merge(out: Path) -> list[Path]:
    """Build ``out``'s tables from the shards in ``out/shards/`` (see the module docstring)."""
    shards = sorted((Path(out) / "shards").glob("*-of-*"))
    if not shards:
        raise ValueError(f"no shards in {Path(out) / 'shards'} (make grade SHARD=i/N writes them)")
    found = {parse(p.name.replace("-of-", "/")) for p in shards}
    counts = {n for _, n in found}
    if len(counts) != 1:
        raise ValueError(f"shards of different counts in {Path(out) / 'shards'}: {sorted(found)}")
    (n,) = counts
    missing = sorted(set(range(1, n + 1)) - {i for i, _ in found})
    if missing:
        raise ValueError(f"shards {missing} of {n} are missing in {Path(out) / 'shards'}")
    written = []
    for name in TABLES:
        header, body, owner = None, [], {}
        for i in range(1, n + 1):
            text = _read(folder(out, i, n) / name)
            lines = text.splitlines(keepends=True)
            if header is not None and lines[0] != header:
                raise ValueError(f"shard {i}/{n}'s {name} has other columns: {lines[0]!r}")
            header = lines[0]
            column = next(csv.reader([header])).index("student_id")
            for student in {next(csv.reader([line]))[column] for line in lines[1:]}:
                if owner.setdefault(student, i) != i:
                    raise ValueError(f"student {student!r} is in shards {owner[student]} and {i} of {n}")
            body += lines[1:]
        path = Path(out) / name
        _write(path, sort_table(header + "".join(body), name))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="merge the grade tables of shards (make grade-merge)")
    parser.add_argument("command", choices=["merge"])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "grades", help="the grades folder of the shards")
    args = parser.parse_args(argv)
    try:
        paths = merge(args.out)
    except (ValueError, FileNotFoundError) as e:
        print(f"grade-merge: {e}", file=sys.stderr)
        return 1
    print("merged: " + ", ".join(str(p) for p in paths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
