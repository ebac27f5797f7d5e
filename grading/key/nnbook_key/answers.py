"""The answers of the conceptual (multiple-choice) questions, by the grade id of their solution cell.

Graded after submission: the student's edition only records a choice (``Checks.recorded``); the hidden
test compares it with this table (``Checks.answer``). Never part of a release.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ANSWERS", "answer"]

ANSWERS: dict[str, Any] = {
    "ch01-ex4": "b",
    "ch02-ex4": frozenset("abeg"),
    "ch03-ex3": "cdab",
    "ch04-ex3": frozenset("abcdi"),
    "ch05-ex4": frozenset("ag"),
    "ch06-ex4": "rffr",
    "ch07-ex3": frozenset("acdg"),
    "ch08-ex4": frozenset("abd"),
    "ch09-ex4": "d",
}


def answer(grade_id: str) -> Any:
    """The normalized answer of the question ``grade_id``."""
    return ANSWERS[grade_id]
