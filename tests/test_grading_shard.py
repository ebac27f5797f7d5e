"""Grading in shards (grading/shard.py): ``make grade SHARD=i/N`` then ``make grade-merge``.

The slow test grades a class of seven on a two-chapter book (the fixture chapter twice)
once, and again in three shards run at once (as GNU parallel would on one machine), and
compares the merged tables with the single run's byte for byte.
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grading import course as gc  # noqa: E402
from grading import shard  # noqa: E402

FIXTURE = ROOT / "tests" / "grading" / "fixture" / "fixture.ipynb"
CHAPTERS = ["00_fixture", "01_fixture"]


# -- the pieces -----------------------------------------------------------------------------------

def test_a_shard_is_i_of_n():
    assert shard.parse("2/3") == (2, 3) and shard.parse(" 1 / 1 ") == (1, 1)
    for bad in ["0/3", "4/3", "3", "a/b", "", "1/0"]:
        with pytest.raises(ValueError, match="a shard is i/N"):
            shard.parse(bad)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 12])
def test_the_shards_split_the_class_into_parts_of_nearly_equal_size(n):
    students = [f"s{k:02d}" for k in range(11)][::-1]
    parts = [shard.select(students, i, n) for i in range(1, n + 1)]
    assert sorted(s for p in parts for s in p) == sorted(students)
    assert max(map(len, parts)) - min(map(len, parts)) <= 1


def write_shard(out: Path, i: int, n: int, grades: str, exercises: str) -> None:
    folder = shard.folder(out, i, n)
    folder.mkdir(parents=True)
    (folder / "grades.csv").write_text(grades)
    (folder / "exercises.csv").write_text(exercises)


GRADES_HEADER = "assignment,duedate,timestamp,student_id,last_name,first_name,email,raw_score,late_submission_penalty,score,max_score\n"
EXERCISES_HEADER = "student_id,chapter,exercise,kind,score,max_score,submitted\n"


def test_merge_orders_rows_by_chapter_and_student(tmp_path):
    write_shard(tmp_path, 1, 2, GRADES_HEADER + "b,,,ann,,,,1,0,1,5\na,,,cid,,,,2,0,2,5\n",
                EXERCISES_HEADER + "ann,a,x2,code,1,2,yes\nann,a,x1,code,0,2,yes\n")
    write_shard(tmp_path, 2, 2, GRADES_HEADER + "a,,,bob,,,,3,0,3,5\n", EXERCISES_HEADER + "bob,a,x2,code,2,2,yes\n")
    shard.merge(tmp_path)
    assert (tmp_path / "grades.csv").read_text() == GRADES_HEADER + "a,,,bob,,,,3,0,3,5\na,,,cid,,,,2,0,2,5\nb,,,ann,,,,1,0,1,5\n"
    # within a student's chapter the exercises keep their order
    assert (tmp_path / "exercises.csv").read_text() == (EXERCISES_HEADER + "ann,a,x2,code,1,2,yes\nann,a,x1,code,0,2,yes\n"
                                                        "bob,a,x2,code,2,2,yes\n")


def test_merge_refuses_a_missing_shard_or_a_student_twice(tmp_path):
    write_shard(tmp_path, 1, 3, GRADES_HEADER, EXERCISES_HEADER)
    write_shard(tmp_path, 3, 3, GRADES_HEADER, EXERCISES_HEADER)
    with pytest.raises(ValueError, match=r"shards \[2\] of 3 are missing"):
        shard.merge(tmp_path)
    write_shard(tmp_path, 2, 3, GRADES_HEADER + "a,,,ann,,,,1,0,1,5\n", EXERCISES_HEADER)
    (shard.folder(tmp_path, 3, 3) / "grades.csv").write_text(GRADES_HEADER + "b,,,ann,,,,1,0,1,5\n")
    with pytest.raises(ValueError, match="student 'ann' is in shards 2 and 3 of 3"):
        shard.merge(tmp_path)


def test_merge_refuses_shards_of_different_counts(tmp_path):
    write_shard(tmp_path, 1, 2, GRADES_HEADER, EXERCISES_HEADER)
    write_shard(tmp_path, 1, 3, GRADES_HEADER, EXERCISES_HEADER)
    with pytest.raises(ValueError, match="shards of different counts"):
        shard.merge(tmp_path)


# -- a class graded once, and in three shards ----------------------------------------------------

def make_class(tmp: Path) -> tuple[Path, Path]:
    """A two-chapter book and seven students: right, wrong in each exercise, a stub, one chapter only."""
    book, subs = tmp / "book", tmp / "submissions"
    book.mkdir(parents=True)
    for name in CHAPTERS:
        (book / f"{name}.ipynb").write_text(FIXTURE.read_text())
    fixture = nbformat.read(FIXTURE, as_version=4)
    ex = {gid: (ROOT / "tests" / "grading" / "fixture" / f"{gid}.py").read_text()
          for gid in ["fixture-ex1", "fixture-ex2", "fixture-ex3"]}
    wrong = {gid: gc.with_cell_source(fixture, gid, src) for gid, src in ex.items()}
    stub = gc.with_cell_source(fixture, "fixture-ex1", "raise NotImplementedError()")
    students = {
        "alice": [fixture, fixture], "bob": [wrong["fixture-ex1"], fixture], "carol": [wrong["fixture-ex2"], stub],
        "dan": [fixture, None], "erin": [None, wrong["fixture-ex3"]], "frank": [stub, stub],
        "gwen": [wrong["fixture-ex3"], wrong["fixture-ex1"]],
    }
    for student, notebooks in students.items():
        (subs / student).mkdir(parents=True)
        for name, nb in zip(CHAPTERS, notebooks):
            if nb is not None:
                nbformat.write(nb, subs / student / f"{name}.ipynb")
    return book, subs


def grade(book: Path, subs: Path, out: Path, course: Path, *extra: str) -> subprocess.CompletedProcess:
    """``make grade``'s command."""
    return subprocess.run([sys.executable, "-m", "grading.grade", str(subs), "--out", str(out), "--course", str(course),
                           "--book", str(book), *extra], cwd=ROOT, capture_output=True, text=True, timeout=1800)


@pytest.mark.slow
def test_three_shards_merged_are_one_run_byte_for_byte(tmp_path):
    book, subs = make_class(tmp_path)
    with ThreadPoolExecutor(max_workers=4) as pool:
        whole = pool.submit(grade, book, subs, tmp_path / "one", tmp_path / "course")
        parts = [pool.submit(grade, book, subs, tmp_path / "sharded", tmp_path / "course", "--shard", f"{i}/3")
                 for i in (1, 2, 3)]
        for proc in [whole.result(), *(p.result() for p in parts)]:
            assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    merge = subprocess.run([sys.executable, "-m", "grading.shard", "merge", "--out", str(tmp_path / "sharded")],
                           cwd=ROOT, capture_output=True, text=True)
    assert merge.returncode == 0, merge.stderr
    for name in shard.TABLES:
        one = (tmp_path / "one" / name).read_bytes()
        assert one.count(b"\n") > 7, one  # every student and chapter has rows
        assert (tmp_path / "sharded" / name).read_bytes() == one, name
    # each shard graded only its students, in a course of its own
    for i in (1, 2, 3):
        assert sorted(p.name for p in (tmp_path / f"course-{i}-of-3" / "submitted").iterdir()) == \
            shard.select(sorted(p.name for p in subs.iterdir()), i, 3)
