"""Instant feedback for the book's exercises.

A grade cell opens a :func:`checks` block and states what must hold; every
check prints a line (``PASS`` or ``FAIL`` with a hint aimed at the likely
mistake), and the block raises :class:`AssertionError` at the end if any check
failed, so nbgrader gives the cell zero points.

>>> import numpy as np
>>> from nnbook.exercises import checks
>>> with checks("doubling") as c:
...     _ = c.array("2 * [1, 2]", lambda: 2 * np.array([1.0, 2.0]), [2.0, 4.0])
PASS  2 * [1, 2]
doubling: all 1 checks passed.

Comparisons convert the student's answer to a float array and check its
shape first, so an object whose ``__eq__`` always returns ``True`` cannot pass.
Per-chapter checkers live in the submodules (``nnbook.exercises.ch01`` ...).
"""

from __future__ import annotations

import hashlib
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

__all__ = [
    "Checks", "checks", "diagnose", "answer_hash",
    "as_numbers", "close", "error_hint", "strict", "FloatingPointTrouble",
]


def _value(x: Any) -> Any:
    """Call ``x`` if it is a thunk (so that an exception in student code becomes a failed check)."""
    return x() if callable(x) and not isinstance(x, np.ndarray) else x


# -- running the student's code (shared by the chapters' checkers) ------------------------

def as_numbers(x: Any, what: str | None = None) -> np.ndarray:
    """``x`` as a float64 array, or a :class:`TypeError` that says what was returned instead.

    ``None`` (a missing ``return``), a bare ``bool`` and arrays of objects or
    strings are refused; ``what`` (e.g. ``"the weights"``) starts the message.

    >>> as_numbers([1, 2]).dtype
    dtype('float64')
    >>> as_numbers(None, "the gradient")
    Traceback (most recent call last):
        ...
    TypeError: the gradient: got None: did you forget the return statement?
    """
    prefix = f"{what}: " if what else ""
    if x is None:
        raise TypeError(f"{prefix}got None: did you forget the return statement?")
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{prefix}got a bool, expected numbers")
    arr = np.asarray(x)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{prefix}expected numbers, got {type(x).__name__} (dtype {arr.dtype})")
    return arr.astype(np.float64)


def close(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> bool:
    """Same shape, every entry of ``a`` finite, and ``np.allclose(a, b, rtol, atol)``."""
    return a.shape == b.shape and bool(np.all(np.isfinite(a))) and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def error_hint(exc: BaseException) -> str:
    """``"your code raised ValueError: ... (line 3: ...)"``: the error and the line that raised it."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = ""
    if frames:
        frame = frames[-1]
        where = f" (line {frame.lineno}: {frame.line})" if frame.line else f" (line {frame.lineno})"
    return f"your code raised {type(exc).__name__}: {exc}{where}"


class FloatingPointTrouble(Exception):
    """The student's code overflowed, divided by zero or made a nan (raised by :func:`strict`)."""


def strict(thunk: Callable[[], Any]) -> Any:
    """``thunk()`` with NumPy's overflow, division and invalid-operation warnings turned into
    :class:`FloatingPointTrouble` (underflow is allowed), so a checker can name the instability."""
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        try:
            return thunk()
        except (FloatingPointError, OverflowError, ZeroDivisionError) as exc:
            raise FloatingPointTrouble(str(exc)) from exc


def diagnose(actual: np.ndarray, expected: np.ndarray) -> str:
    """A hint that names the likely mistake behind ``actual != expected``."""
    if actual.shape != expected.shape:
        if actual.T.shape == expected.shape and actual.ndim == 2:
            return f"shape {actual.shape} is the transpose of the expected {expected.shape}: a transposed weight or a missing .T?"
        if actual.size == expected.size:
            return f"shape {actual.shape}, expected {expected.shape}: same numbers of entries, so check the reshape (e.g. (n,) versus (n, 1))"
        if actual.ndim == expected.ndim + 1 or expected.ndim == actual.ndim + 1:
            return f"shape {actual.shape}, expected {expected.shape}: summed over the wrong axis, or forgot to sum?"
        return f"shape {actual.shape}, expected {expected.shape}"
    if not np.all(np.isfinite(actual)):
        return "the answer contains inf or nan: an overflow (e.g. exp of a large number)? Use a numerically stable form."
    if actual.ndim == 2 and actual.shape[0] == actual.shape[1] and actual.size > 1 and np.allclose(actual.T, expected, rtol=1e-6, atol=1e-9):
        return "the answer is the transpose of the expected one: a transposed weight?"
    if np.allclose(actual, -expected, rtol=1e-6, atol=1e-12) and np.any(expected != 0):
        return "the sign is flipped."
    if not np.any(actual) and np.any(expected):
        return "the answer is all zeros: a gradient that was never accumulated (+=), or not returned?"
    nz = np.abs(expected) > 1e-12
    if np.any(nz):
        ratio = actual[nz] / expected[nz]
        r = float(np.median(ratio))
        if np.allclose(ratio, r, rtol=1e-6) and np.allclose(actual, r * expected, rtol=1e-6, atol=1e-12) and r != 0:
            hint = f"off by a constant factor of {r:.6g}"
            if abs(r - round(r)) < 1e-9 and round(r) > 1:
                hint += " (a sum where a mean was meant, or a missing 1/2?)"
            elif abs(1 / r - round(1 / r)) < 1e-9 and round(1 / r) > 1:
                hint += " (a mean where a sum was meant, or dividing by the batch size twice?)"
            return hint + "."
    wrong = ~np.isclose(actual, expected, rtol=1e-6, atol=1e-9)
    first = tuple(int(i) for i in np.argwhere(wrong)[0]) if wrong.any() else ()
    return f"{int(wrong.sum())} of {actual.size} entries differ; the first at index {first}: got {actual[first]:.6g}, expected {expected[first]:.6g}."


def answer_hash(answer: Any) -> str:
    """A short fingerprint of a normalized answer (used to check an answer without revealing it)."""
    if isinstance(answer, str):
        norm = answer.strip().lower()
    elif isinstance(answer, (set, frozenset, list, tuple)):
        norm = ",".join(sorted(str(a).strip().lower() for a in answer))
    else:
        norm = repr(answer)
    return hashlib.sha256(norm.encode()).hexdigest()[:16]


class Checks:
    """A list of named checks with a printed report; see :func:`checks`."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.failed: list[str] = []
        self.passed: list[str] = []

    # -- recording -------------------------------------------------------------
    def _pass(self, name: str) -> bool:
        self.passed.append(name)
        print(f"PASS  {name}")
        return True

    def _fail(self, name: str, hint: str) -> bool:
        self.failed.append(name)
        print(f"FAIL  {name}\n      hint: {hint}")
        return False

    def _get(self, name: str, thunk: Any) -> tuple[bool, Any]:
        try:
            return True, _value(thunk)
        except Exception as exc:  # student code raised: the check fails, the others still run
            self._fail(name, error_hint(exc))
            return False, None

    def call(self, name: str, thunk: Callable[[], Any], hint: Callable[[BaseException], str | None] | None = None) -> tuple[bool, Any]:
        """Run the student's code once: ``(True, result)``, or ``(False, None)`` after a failed check
        whose hint is ``hint(exc)`` (when it gives one) or :func:`error_hint`."""
        try:
            return True, thunk()
        except Exception as exc:  # noqa: BLE001 - any error in student code is a failed check
            specific = hint(exc) if hint is not None else None
            self._fail(name, specific or error_hint(exc))
            return False, None

    def call_on_model(self, name: str, fn: Callable[..., Any], model: Any, X: np.ndarray) -> tuple[bool, Any]:
        """Run ``fn(model, X)`` for a function that must only run forward passes: a failed check if it
        raises or if it changed the model's parameters (which are then put back)."""
        before = [p.value.copy() for p in model.parameters()]

        def hint(exc: BaseException) -> str | None:
            if isinstance(exc, TypeError) and "iterable" in str(exc):
                return error_hint(exc) + ". Loop over the layers with `for layer in model:` (a Sequential is iterable)."
            return None

        ok, out = self.call(name, lambda: fn(model, X.copy()), hint)
        if ok and any(not np.array_equal(p.value, b) for p, b in zip(model.parameters(), before)):
            for p, b in zip(model.parameters(), before):
                p.value[...] = b
            self._fail(name, "your function changed the model's parameters; only run forward passes.")
            return False, None
        return ok, out

    def _numbers(self, name: str, thunk: Any, what: str = "numbers") -> np.ndarray | None:
        """The answer as a float array, or ``None`` after recording why the check failed."""
        ok, value = self._get(name, thunk)
        if not ok:
            return None
        try:
            return as_numbers(value)
        except (TypeError, ValueError) as exc:
            self._fail(name, f"could not read the answer as {what}: {exc}")
            return None

    # -- checks -----------------------------------------------------------------
    def array(
        self,
        name: str,
        actual: Any,
        expected: Any,
        *,
        rtol: float = 1e-6,
        atol: float = 1e-9,
        hint: str | Callable[[np.ndarray, np.ndarray], str | None] | None = None,
    ) -> bool:
        """``actual`` (a value or a thunk) equals ``expected`` as float arrays of the same shape."""
        a = self._numbers(name, actual)
        if a is None:
            return False
        e = as_numbers(expected)
        if a.shape == e.shape and np.all(np.isfinite(a)) and np.allclose(a, e, rtol=rtol, atol=atol):
            return self._pass(name)
        specific = hint(a, e) if callable(hint) else hint
        return self._fail(name, specific or diagnose(a, e))

    def scalar(self, name: str, actual: Any, expected: float, *, rtol: float = 1e-6, atol: float = 1e-9, hint: Any = None) -> bool:
        """A single number (a 0-d or one-element array is accepted)."""
        a = self._numbers(name, actual, "a number")
        if a is None:
            return False
        if a.size != 1:
            return self._fail(name, f"expected one number, got an array of shape {a.shape}")
        return self.array(name, lambda: a.reshape(()), np.float64(expected), rtol=rtol, atol=atol, hint=hint)

    def true(self, name: str, condition: Any, hint: str) -> bool:
        """A condition (a value or a thunk) that must be exactly ``True``."""
        ok, value = self._get(name, condition)
        if not ok:
            return False
        if isinstance(value, (bool, np.bool_)) and bool(value):
            return self._pass(name)
        return self._fail(name, hint)

    def finite(self, name: str, actual: Any, hint: str = "inf or nan in the answer: an overflow? Use a numerically stable form.") -> bool:
        """Every entry is finite."""
        a = self._numbers(name, actual)
        if a is None:
            return False
        return self._pass(name) if np.all(np.isfinite(a)) else self._fail(name, hint)

    def answer(self, name: str, actual: Any, fingerprint: str, hint: str = "not the right answer yet.") -> bool:
        """A conceptual answer (a string, number, or set of choices) checked against :func:`answer_hash`."""
        ok, value = self._get(name, actual)
        if not ok:
            return False
        if value is None or value is Ellipsis:
            return self._fail(name, "no answer given yet.")
        return self._pass(name) if answer_hash(value) == fingerprint else self._fail(name, hint)

    def raises(self, name: str, thunk: Callable[[], Any], exception: type[BaseException], hint: str) -> bool:
        """Calling ``thunk`` raises ``exception``."""
        try:
            thunk()
        except exception:
            return self._pass(name)
        except Exception as exc:
            return self._fail(name, f"raised {type(exc).__name__}: {exc}; {hint}")
        return self._fail(name, hint)

    # -- summary -----------------------------------------------------------------
    def summary(self) -> str:
        n = len(self.passed) + len(self.failed)
        if self.failed:
            return f"{self.title}: {len(self.failed)} of {n} checks failed: {', '.join(self.failed)}"
        return f"{self.title}: all {n} checks passed."


@contextmanager
def checks(title: str) -> Iterator[Checks]:
    """Run a group of checks, print a report, and raise ``AssertionError`` if any failed."""
    c = Checks(title)
    yield c
    print(c.summary())
    if c.failed:
        raise AssertionError(c.summary())
