"""The answer key of chapter 5, *Universality and depth*: the reference solutions, and the usual wrong answers computed
from them.

:mod:`nnbook.exercises.ch05` compares the student's answers with these.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["bump_target", "reference_kinks", "kink_mistakes"]


def bump_target(x: np.ndarray, left: float, right: float, height: float) -> np.ndarray:
    """The ideal bump: ``height`` on ``(left, right)``, 0 outside (``height / 2`` at the edges)."""
    x = np.asarray(x, dtype=np.float64)
    inside = (x > left) & (x < right)
    edge = (x == left) | (x == right)
    return np.where(inside, height, np.where(edge, height / 2, 0.0))


def reference_kinks(W1: Any, b1: Any, W2: Any, tol: float = 1e-9) -> np.ndarray:
    r"""Where the output of :math:`f(x) = \max(0, xW_1 + b_1)\,W_2 + b_2` bends, for one input :math:`x`.

    Unit :math:`k` switches at :math:`x_k = -b_k / w_k` (a unit with
    :math:`w_k = 0` is constant and never switches), and the slope of the
    output changes there by :math:`a_k |w_k|` (:math:`a_k` its output weight),
    whichever way the unit faces. Units that switch at the same point add
    their changes; a kink is where the total change is not 0.

    Returns
    -------
    ndarray, shape ``(k,)``
        The kinks in increasing order.
    """
    w = np.asarray(W1, dtype=np.float64).reshape(-1)
    b = np.asarray(b1, dtype=np.float64).reshape(-1)
    a = np.asarray(W2, dtype=np.float64).reshape(-1)
    live = w != 0
    where = -b[live] / w[live]
    change = a[live] * np.abs(w[live])
    order = np.argsort(where, kind="stable")
    where, change = where[order], change[order]
    kinks = []
    i = 0
    while i < len(where):
        j = i
        total = 0.0
        while j < len(where) and abs(where[j] - where[i]) <= tol * max(1.0, abs(where[i])):
            total += change[j]
            j += 1
        scale = float(np.max(np.abs(change[i:j])))
        if abs(total) > tol * max(1.0, scale):
            kinks.append(where[i])
        i = j
    return np.array(kinks, dtype=np.float64)


def kink_mistakes(W1: np.ndarray, b1: np.ndarray, W2: np.ndarray) -> list[tuple[np.ndarray, str]]:
    """(wrong answer, hint) of the usual wrong ways to find the kinks; each hint names only
    the reasons that apply to this network."""
    w, b, a = W1.reshape(-1), b1.reshape(-1), W2.reshape(-1)
    live = w != 0
    every = -b[live] / w[live]
    bending = live & (a != 0)
    points = -b[bending] / w[bending]
    zero_out = "a unit whose output weight is 0 does not bend the output"
    merge = "units that switch at the same x make one kink together (merge equal positions, e.g. with np.unique)"
    cancel = (
        "where the slope changes a_k |w_k| of the units switching at one point add up to 0 there is no kink "
        "at all (max(0, z) - max(0, -z) = z is a straight line)"
    )
    has_zero_out = bool(np.any(live & (a == 0)))
    has_dup = np.unique(points).size < points.size
    has_cancel = reference_kinks(W1, b1, W2).size < np.unique(points).size

    def reasons(*items: tuple[bool, str]) -> str:
        text = "; ".join(t for flag, t in items if flag)
        return text[0].upper() + text[1:] + "." if text else ""

    mistakes = [
        (np.sort(b[live] / w[live]),
         "the sign is off: the unit max(0, w x + b) switches where w x + b = 0, that is at x = -b / w."),
        (np.sort(every), "that is every unit's switching point, but not every one is a kink. "
         + reasons((has_zero_out, zero_out), (has_dup, merge), (has_cancel, cancel))),
        (np.unique(every), "close: the duplicates are merged, but not every switching point is a kink. "
         + reasons((has_zero_out, zero_out), (has_cancel, cancel))),
        (np.sort(points), "close: " + reasons((has_dup, merge), (has_cancel, cancel))),
        (np.unique(points), "almost: " + reasons((has_cancel, cancel))),
    ]
    if not np.all(live):
        mistakes.append((-b / np.where(live, w, np.nan),
                         "a unit with input weight w = 0 is constant and never switches: leave it out instead of dividing by 0."))
    return mistakes
