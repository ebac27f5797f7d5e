"""Autograde a folder of submitted chapters and write the grade tables (``make grade``).

    python -m grading.grade SUBMISSIONS [--out _build/grades] [--course _build/grading]
                            [--timeout 60] [--feedback] [--shard i/N] [--allow PATH ...] [--no-sandbox]

Layout of ``SUBMISSIONS``: one folder a student, named by the student id, with
the chapter notebooks under their book names::

    SUBMISSIONS/
        alice/01_neuron_to_logistic_regression.ipynb
        alice/02_xor.ipynb
        bob/01_neuron_to_logistic_regression.ipynb

(nbgrader's own layout, ``SUBMISSIONS/<student>/<chapter>/<chapter>.ipynb``,
is accepted too.) Notebooks with other names are reported and skipped.

This builds a fresh nbgrader course in ``--course`` from ``book/`` (one
assignment a chapter), copies the submissions into ``submitted/``, runs
``nbgrader autograde`` (test cells restored from the book, every cell limited
to ``--timeout`` seconds), whose execution step is the judge
(``grading/judge_step.py``, ``grading/judge.py``: each submission runs once in a
kernel of its own, and its test cells run outside that kernel), and writes, in
``--out``:

``grades.csv``
    ``nbgrader export``: one row per student and chapter (every chapter with
    exercises; a chapter not submitted scores 0): ``assignment`` (the
    chapter), ``student_id``, ``raw_score``, ``score``, ``max_score``, ...
``exercises.csv``
    one row per student, chapter and exercise: ``student_id``, ``chapter``,
    ``exercise`` (the solution cell's grade id), ``kind`` (code or
    conceptual), ``score``, ``max_score``, ``submitted`` (yes or no; a
    chapter not submitted scores 0).

The graded notebooks, with every check's PASS/FAIL line and hint, are in
``--course``/autograded/<student>/<chapter>/; with ``--feedback`` nbgrader also
writes HTML feedback to ``--course``/feedback/.

Every kernel runs in a sandbox (``grading/sandbox.py``: a scratch folder of its own,
nothing else of the file system but Python, the venv and nnbook, no network, limits on
CPU, memory, processes and file size); the log's first line says how much of it the
system allows. ``--allow PATH ...`` names what the kernels may read besides (default:
nothing; the answer key stays with the judge). ``--no-sandbox`` runs the kernels as
jupyter_client starts them.

``--shard i/N`` grades the ``i``-th of ``N`` parts of the class (``grading/shard.py``) in
``--course``-<i>-of-<N>, into ``--out``/shards/<i>-of-<N>/; ``python -m grading.shard
merge`` then writes the tables of the whole class.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grading import sandbox, shard  # noqa: E402
from grading.course import BOOK, ROOT, Chapter, Course, chapter_paths, nbgrader, read_chapter  # noqa: E402

#: the instructor's answer key, which the hidden tests compare with (in the judge's process, not the kernels)
KEY = ROOT / "grading" / "key"


def use_sandbox(allow: list[str]) -> str:
    """Run every grading kernel in the sandbox (``nbgrader_config.py`` reads these); what it does, for the log."""
    os.environ["NNBOOK_SANDBOX"] = str(sandbox.HERE)
    os.environ["NNBOOK_SANDBOX_ALLOW"] = os.pathsep.join(str(Path(p).resolve()) for p in allow)
    granted = ", ".join(str(p) for p in allow) or "nothing"
    return f"{sandbox.probe().describe()}; also readable: {granted}"


def use_key() -> None:
    """Make the key importable by the judge's checks, and a check that cannot reach it an error."""
    key = Path(os.environ.setdefault("NNBOOK_KEY", str(KEY)))
    if not (key / "nnbook_key" / "answers.py").is_file():
        raise SystemExit(f"the answer key is not in {key} (NNBOOK_KEY): the hidden tests need it")
    os.environ["NNBOOK_GRADING"] = "1"


def find_submissions(folder: Path, chapters: set[str]) -> tuple[dict[tuple[str, str], Path], list[Path]]:
    """``{(student, chapter): notebook}`` in ``folder``, and the notebooks that match no chapter."""
    found: dict[tuple[str, str], Path] = {}
    unknown: list[Path] = []
    for student_dir in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for nb in sorted(student_dir.rglob("*.ipynb")):
            if ".ipynb_checkpoints" in nb.parts:
                continue
            rel = nb.relative_to(student_dir).parts
            flat = len(rel) == 1
            nested = len(rel) == 2 and rel[0] == nb.stem
            if nb.stem in chapters and (flat or nested):
                if (student_dir.name, nb.stem) in found:
                    unknown.append(nb)  # both layouts at once: keep the flat one
                    continue
                found[(student_dir.name, nb.stem)] = nb
            else:
                unknown.append(nb)
    return found, unknown


def exercise_rows(course: Course, chapters: dict[str, Chapter], students: list[str]) -> list[dict]:
    """One row per (student, chapter, exercise); a chapter not submitted scores 0, as in grades.csv."""
    scores = course.scores()
    rows = []
    for student in students:
        for name, chapter in chapters.items():
            grades = scores.get((student, name))
            for ex in chapter.exercises:
                if not ex.graded:
                    continue
                if grades is None:
                    score: float | None = 0.0
                else:
                    got = [grades.get(g, (None, 0.0))[0] for g in ex.graded_ids]
                    score = None if any(s is None for s in got) else sum(got)
                rows.append({"student_id": student, "chapter": name, "exercise": ex.grade_id, "kind": ex.kind,
                             "score": "" if score is None else f"{score:g}", "max_score": f"{ex.points:g}",
                             "submitted": "yes" if grades is not None else "no"})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("submissions", type=Path, help="folder of <student_id>/<chapter>.ipynb")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "grades", help="where the CSV tables go")
    parser.add_argument("--course", type=Path, default=ROOT / "_build" / "grading", help="the nbgrader course directory (rebuilt)")
    parser.add_argument("--book", type=Path, default=BOOK, help="the folder of chapter notebooks (the nbgrader source)")
    parser.add_argument("--timeout", type=int, default=None, help="seconds a cell may run (default: nbgrader_config.py, 60)")
    parser.add_argument("--feedback", action="store_true", help="also write HTML feedback for every submission")
    parser.add_argument("--shard", default=None, help="grade only part i of N of the students (i/N, 1 <= i <= N)")
    parser.add_argument("--allow", nargs="*", default=None, metavar="PATH",
                        help="what the sandboxed kernels may read besides (default: nothing)")
    parser.add_argument("--no-sandbox", action="store_true", help="run the kernels without the sandbox")
    args = parser.parse_args(argv)

    if not args.submissions.is_dir():
        parser.error(f"{args.submissions} is not a folder")
    part = None
    if args.shard:
        try:
            part = shard.parse(args.shard)
        except ValueError as e:
            parser.error(str(e))
        args.out = shard.folder(args.out, *part)
        args.course = args.course.with_name(f"{args.course.name}-{part[0]}-of-{part[1]}")
    use_key()
    if args.no_sandbox:
        os.environ.pop("NNBOOK_SANDBOX", None)
        print("sandbox: off (--no-sandbox): the kernels can read and write what this user can", flush=True)
    else:
        print(use_sandbox(args.allow or []), flush=True)
    chapters = {p.stem: read_chapter(p) for p in chapter_paths(args.book)}
    graded = {name: ch for name, ch in chapters.items() if ch.points > 0}
    if not graded:
        print(f"no chapter in {args.book} has graded exercises", file=sys.stderr)
        return 1
    found, unknown = find_submissions(args.submissions, set(graded))
    for nb in unknown:
        print(f"skipped (not <student>/<chapter>.ipynb for a chapter with exercises): {nb}", file=sys.stderr)
    if not found:
        print(f"no submissions found in {args.submissions}", file=sys.stderr)
        return 1
    if part:
        mine = set(shard.select(sorted({s for s, _ in found}), *part))
        found = {k: v for k, v in found.items() if k[0] in mine}
        print(f"shard {part[0]}/{part[1]}: {len(mine)} students", flush=True)

    course = Course.create(args.course, [ch.path for ch in graded.values()])
    for (student, name), nb in found.items():
        course.submit(student, name, nb)
    students = sorted({s for s, _ in found})
    print(f"autograding {len(found)} notebooks of {len(students)} students ({len(graded)} chapters) ...", flush=True)
    failed = False
    if found:
        proc = course.autograde(timeout=args.timeout, check=False)
        failed = proc.returncode != 0
    if failed:
        errors = [line for line in (proc.stdout + proc.stderr).splitlines() if "ERROR" in line]
        print("nbgrader reported errors (those notebooks may be missing from the tables):", file=sys.stderr)
        print("\n".join(errors[-30:]), file=sys.stderr)

    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    course.export(out / "grades.csv")
    rows = exercise_rows(course, graded, students)
    with open(out / "exercises.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["student_id", "chapter", "exercise", "kind", "score", "max_score",
                                               "submitted"])
        writer.writeheader()
        writer.writerows(rows)
    shard.sort_tables(out)  # by chapter and student, so that merged shards are the same bytes
    if args.feedback:
        nbgrader(["generate_feedback", "*", "--force"], cwd=course.root)
        print(f"feedback: {course.root / 'feedback'}")
    print(f"grades: {out / 'grades.csv'} (student x chapter), {out / 'exercises.csv'} (student x exercise)")
    print(f"graded notebooks: {course.root / 'autograded'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
