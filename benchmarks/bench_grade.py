"""Seconds per graded chapter with ``make grade``, against executing the chapter alone.

A class of ``--students`` students each submits every chapter with exercises as it is
in ``book/`` (the reference solutions: every exercise runs to its end, the slowest
submission there is). Two things are timed, in turns, ``--rounds`` times:

``grade``  ``python -m grading.grade`` (what ``make grade`` runs) on the whole class:
           the course built (student edition generated), every notebook autograded
           in the sandbox (``--no-sandbox``: without), the tables written;
``alone``  every chapter executed once by nbclient in a fresh kernel (what
           ``jupyter nbconvert --execute`` does), in ``book/``, with the answer key.

and the report gives, per round and as the median over rounds, the seconds per
graded chapter (``grade`` time over students x chapters), the seconds per chapter
alone, and their ratio (target: at most 1.5). One BLAS thread everywhere, as grading
uses. The grades are checked too: every submission must score full marks.

Run from the repository root::

    .venv/bin/python benchmarks/bench_grade.py                     # 2 students, 2 rounds
    .venv/bin/python benchmarks/bench_grade.py --students 4 --rounds 3 --chapters 01_neuron_to_logistic_regression,02_xor
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("NNBOOK_KEY", str(ROOT / "grading" / "key"))
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402

from grading.course import chapter_paths, read_chapter  # noqa: E402


def chapters(only: str | None) -> list[Path]:
    paths = [p for p in chapter_paths() if read_chapter(p).points > 0]
    if only:
        wanted = set(only.split(","))
        unknown = wanted - {p.stem for p in paths}
        if unknown:
            raise SystemExit(f"--chapters: no chapter with exercises named {sorted(unknown)}")
        paths = [p for p in paths if p.stem in wanted]
    return paths


def time_grade(paths: list[Path], students: int, work: Path, sandbox: bool) -> tuple[float, float, float]:
    """Seconds ``grading.grade`` takes on the class, and the points scored out of the maximum."""
    subs = work / "submissions"
    if not subs.exists():
        for k in range(students):
            (subs / f"student{k:03d}").mkdir(parents=True)
            for p in paths:
                (subs / f"student{k:03d}" / p.name).write_bytes(p.read_bytes())
    book = work / "book"
    if not book.exists():
        book.mkdir()
        for p in paths:
            (book / p.name).write_bytes(p.read_bytes())
    cmd = [sys.executable, "-m", "grading.grade", str(subs), "--out", str(work / "grades"),
           "--course", str(work / "course"), "--book", str(book), *([] if sandbox else ["--no-sandbox"])]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"grading failed:\n{proc.stdout}\n{proc.stderr[-3000:]}")
    rows = list(csv.DictReader(open(work / "grades" / "grades.csv")))
    return dt, sum(float(r["score"]) for r in rows), sum(float(r["max_score"]) for r in rows)


def time_alone(path: Path) -> float:
    """Seconds nbclient takes to execute the chapter in a fresh kernel, in ``book/``."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--chapters", default=None, help="comma-separated chapter names (default: every one with exercises)")
    parser.add_argument("--no-sandbox", action="store_true", help="grade without the sandbox")
    args = parser.parse_args(argv)
    if args.students < 1 or args.rounds < 1:
        parser.error(f"--students and --rounds must be at least 1, not {args.students} and {args.rounds}")

    paths = chapters(args.chapters)
    n = args.students * len(paths)
    from grading import sandbox

    print(f"{args.students} students x {len(paths)} chapters = {n} graded chapters a round, {args.rounds} rounds; "
          f"BLAS threads {os.environ['OPENBLAS_NUM_THREADS']}; "
          + ("sandbox off" if args.no_sandbox else sandbox.probe().describe()), flush=True)
    graded, alone, ratios = [], [], []
    with tempfile.TemporaryDirectory(prefix="bench-grade-") as tmp:
        for r in range(args.rounds):
            order = ["alone", "grade"] if r % 2 == 0 else ["grade", "alone"]  # interleaved: noise hits both
            for what in order:
                if what == "grade":
                    dt, score, max_score = time_grade(paths, args.students, Path(tmp), not args.no_sandbox)
                    if score != max_score:
                        raise SystemExit(f"the reference solutions scored {score:g} of {max_score:g}")
                    graded.append(dt / n)
                else:
                    each = {p.stem: time_alone(p) for p in paths}
                    alone.append(sum(each.values()) / len(paths))
                    print("  alone: " + ", ".join(f"{k[:2]} {v:.1f} s" for k, v in each.items()), flush=True)
            ratios.append(graded[-1] / alone[-1])
            print(f"round {r + 1}: graded {graded[-1]:.2f} s a chapter, alone {alone[-1]:.2f} s a chapter, "
                  f"ratio {ratios[-1]:.2f}", flush=True)
    ratio = statistics.median(graded) / statistics.median(alone)
    print(f"median: graded {statistics.median(graded):.2f} s a chapter, alone {statistics.median(alone):.2f} s a chapter; "
          f"ratio of medians {ratio:.2f}, median ratio {statistics.median(ratios):.2f} (target <= 1.5): "
          + ("ok" if ratio <= 1.5 else "OVER TARGET"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
