"""Shared helpers for the chapter exercise-checker tests (tests/test_exercises_chNN.py):
run a group of checks and assert on the printed report."""

from __future__ import annotations

from nnbook.exercises import checks


def run_checks(capsys, add):
    """Run ``add(c)`` inside a checks block; return (passed, printed report)."""
    try:
        with checks("test") as c:
            add(c)
    except AssertionError:
        passed = False
    else:
        passed = True
    return passed, capsys.readouterr().out


def assert_fails_with(capsys, add, *fragments):
    """The checks fail and the report contains every fragment (the hint)."""
    passed, out = run_checks(capsys, add)
    assert not passed, out
    for f in fragments:
        assert f in out, f"expected {f!r} in the report:\n{out}"
    return out


def assert_passes(capsys, add):
    """Every check passes."""
    passed, out = run_checks(capsys, add)
    assert passed, out
    assert "FAIL" not in out
    return out
