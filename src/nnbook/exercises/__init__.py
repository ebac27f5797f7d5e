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
A chapter's checker (``nnbook.exercises.ch01`` ...) is built on this public
API only: :meth:`Checks.succeed`, :meth:`Checks.fail` and :meth:`Checks.record`
record a verdict; :meth:`Checks.array` compares numbers and, given
``mistakes=[(wrong_answer, hint), ...]``, names the first catalogued mistake the
answer matches; :meth:`Checks.step` turns an exception in the student's code
into a failed check; :meth:`Checks.gradient_check` compares the student's
gradient with central differences of the student's own function.

No reference solution is part of this package. Each chapter's reference
solutions and catalogue of usual mistakes are the instructor's answer key,
``nnbook_key`` (in the book's repository, ``grading/key``; never released):
where it is importable (``NNBOOK_KEY``) the checkers ask it, elsewhere they
read its answers on the inputs of the visible tests
(:func:`nnbook.exercises.oracle`). The hidden tests, with other inputs, and
the answers to the conceptual questions (:meth:`Checks.answer`) need the key:
a student's copy records a choice (:meth:`Checks.recorded`) and it is graded
after submission.

>>> c = Checks("a catalogued mistake")
>>> c.array("mean of [1, 3]", lambda: np.sum([1.0, 3.0]), 2.0,
...         mistakes=[(-2.0, "the sign is flipped."), (4.0, "that is the sum; divide by the number of entries.")])
FAIL  mean of [1, 3]
      hint: that is the sum; divide by the number of entries.
False
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Union

import numpy as np

from ..gradcheck import numerical_gradient, relative_error
from ._oracle import KeyUnavailable, key_available, oracle, recording

__all__ = [
    "Checks", "Step", "checks", "diagnose", "first_mistake", "normalize_answer", "KeyUnavailable", "key_available", "oracle",
    "as_numbers", "close", "error_hint", "strict", "FloatingPointTrouble",
]

#: a catalogue of the usual wrong answers: ``(wrong_answer, hint)`` pairs, or a function returning them
Mistakes = Union[Sequence[tuple[Any, str]], Callable[[], Sequence[tuple[Any, str]]], None]


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
    """``"your code raised ValueError: ... (line 3: ...)"``: the error and the line that raised it
    (for :class:`FloatingPointTrouble`, the floating-point error behind it and the student's line)."""
    if isinstance(exc, FloatingPointTrouble) and exc.__cause__ is not None:
        return error_hint(exc.__cause__)
    frames = traceback.extract_tb(exc.__traceback__)
    where = ""
    remote = getattr(exc, "nnbook_where", None)  # raised by the student's code in the grading kernel
    if isinstance(remote, tuple) and len(remote) == 2 and remote[0] is not None:
        where = f" (line {remote[0]}: {remote[1]})" if remote[1] else f" (line {remote[0]})"
    elif frames:
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


def first_mistake(actual: np.ndarray, expected: np.ndarray, mistakes: Mistakes, *,
                  rtol: float = 1e-6, atol: float = 1e-9) -> str | None:
    """The hint of the first catalogued mistake that ``actual`` matches, or ``None``.

    ``mistakes`` holds ``(wrong_answer, hint)`` pairs (or is a function that
    returns them, called only now, with NumPy's floating-point warnings
    silenced). A wrong answer matches when it has the shape of ``actual`` and
    agrees with it to ``rtol`` and ``atol``; one that cannot be read as
    numbers, or that equals ``expected`` (on this input the mistake makes no
    difference), is skipped.

    >>> first_mistake(np.array(4.0), np.array(2.0), [(-2.0, "the sign"), (4.0, "a sum, not a mean")])
    'a sum, not a mean'
    """
    with np.errstate(all="ignore"):
        try:
            catalogue = mistakes() if callable(mistakes) else (mistakes or ())
        except KeyUnavailable:  # the catalogue of these inputs is only in the instructor's key
            catalogue = ()
        for wrong, text in catalogue:
            try:
                w = np.asarray(wrong, dtype=np.float64)
            except (TypeError, ValueError):
                continue
            if close(actual, w, rtol, atol) and not close(w, expected, rtol, atol):
                return text
    return None


def normalize_answer(value: Any) -> Any:
    """A choice as it is compared: a string stripped and in lower case; a collection as a frozenset of such."""
    if isinstance(value, str):
        return value.strip().lower()
    if isinstance(value, (set, frozenset, list, tuple)):
        return frozenset(str(v).strip().lower() for v in value)
    return value


class Step:
    """A step of a checker, opened by :meth:`Checks.step`.

    Calling it runs the student's code: ``step(fn, *args)`` is ``fn(*args)``,
    with NumPy's overflow, division and invalid-operation warnings turned into
    :class:`FloatingPointTrouble` (see :func:`strict`) unless the step was
    opened with ``strict=False``. ``ok`` says whether every check recorded
    since the step began passed, its own failure included.
    """

    def __init__(self, checks: Checks, name: str, strict: bool) -> None:
        self.name = name
        self._checks = checks
        self._strict = strict
        self._failed_before = len(checks.failed)

    def __call__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self._strict:
            return strict(lambda: fn(*args, **kwargs))
        return fn(*args, **kwargs)

    @property
    def ok(self) -> bool:
        return len(self._checks.failed) == self._failed_before


class Checks:
    """A list of named checks with a printed report; see :func:`checks`."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.failed: list[str] = []
        self.passed: list[str] = []
        self.unchecked = False  # a check needed the instructor's key (see checks())

    # -- recording a verdict -------------------------------------------------------
    def succeed(self, name: str) -> bool:
        """Record that the check ``name`` passed (prints ``PASS  name``); returns ``True``."""
        self.passed.append(name)
        print(f"PASS  {name}")
        return True

    def fail(self, name: str, hint: str) -> bool:
        """Record that the check ``name`` failed, with the hint for the student; returns ``False``."""
        self.failed.append(name)
        print(f"FAIL  {name}\n      hint: {hint}")
        return False

    def record(self, name: str, problem: str | None) -> bool:
        """A pass when ``problem`` is ``None``, else a failure whose hint is ``problem``."""
        return self.succeed(name) if problem is None else self.fail(name, problem)

    # -- running the student's code ------------------------------------------------
    @contextmanager
    def step(
        self,
        name: str,
        *more: str,
        hint: Callable[[BaseException], str | None] | None = None,
        trouble: str | Callable[[BaseException], str] | None = None,
        strict: bool = True,
    ) -> Iterator[Step]:
        """A block of a checker that runs the student's code: an exception raised in it
        ends the block and becomes a failed check ``name`` (and one for each of the names ``more``).

        The hint is ``trouble`` (a text, or a function of the exception) when the
        code overflowed or made a nan (:class:`FloatingPointTrouble`), else
        ``hint(exc)`` when that gives one, else :func:`error_hint`. The block
        records nothing when it runs through: the checks in it do.

        >>> c = Checks("a step")
        >>> with c.step("softmax of [1000, 0]", trouble="overflow in exp: subtract the maximum first.") as run:
        ...     e = run(np.exp, np.array([1000.0, 0.0]))
        ...     c.array("softmax of [1000, 0]", e / e.sum(), [1.0, 0.0])
        FAIL  softmax of [1000, 0]
              hint: overflow in exp: subtract the maximum first.
        >>> run.ok
        False
        """
        step = Step(self, name, strict)
        try:
            yield step
        except Exception as exc:  # noqa: BLE001 - any error in student code is a failed check
            if isinstance(exc, KeyUnavailable):
                raise
            if isinstance(exc, FloatingPointTrouble) and trouble is not None:
                text = trouble(exc) if callable(trouble) else trouble
            else:
                text = (hint(exc) if hint is not None else None) or error_hint(exc)
            for each in (name, *more):
                self.fail(each, text)

    def call(self, name: str, thunk: Callable[[], Any], hint: Callable[[BaseException], str | None] | None = None) -> tuple[bool, Any]:
        """Run the student's code once: ``(True, result)``, or ``(False, None)`` after a failed check
        whose hint is ``hint(exc)`` (when it gives one) or :func:`error_hint`."""
        result = None
        with self.step(name, hint=hint, strict=False) as step:
            result = thunk()
        return (True, result) if step.ok else (False, None)

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
            self.fail(name, "your function changed the model's parameters; only run forward passes.")
            return False, None
        return ok, out

    def _numbers(self, name: str, thunk: Any, what: str = "numbers") -> np.ndarray | None:
        """The answer as a float array, or ``None`` after recording why the check failed."""
        ok, value = self.call(name, lambda: _value(thunk))
        if not ok:
            return None
        try:
            return as_numbers(value)
        except (TypeError, ValueError) as exc:
            self.fail(name, f"could not read the answer as {what}: {exc}")
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
        mistakes: Mistakes = None,
        mistake_tol: tuple[float, float] = (1e-6, 1e-9),
    ) -> bool:
        """``actual`` (a value or a thunk) equals ``expected`` as float arrays of the same shape.

        When it does not, the hint is ``hint`` (a text, or ``hint(actual,
        expected)`` when that gives one), else the hint of the first entry of
        ``mistakes`` that the answer matches (:func:`first_mistake`, to the
        tolerances ``mistake_tol``), else :func:`diagnose`.
        """
        a = self._numbers(name, actual)
        if a is None:
            return False
        e = as_numbers(expected)
        if recording():  # the key is writing its table: store the hints of these inputs too
            _record_hints(hint, mistakes, a, e)
        if a.shape == e.shape and np.all(np.isfinite(a)) and np.allclose(a, e, rtol=rtol, atol=atol):
            return self.succeed(name)
        try:
            specific = hint(a, e) if callable(hint) else hint
        except KeyUnavailable:
            specific = None
        if specific is None and mistakes is not None:
            specific = first_mistake(a, e, mistakes, rtol=mistake_tol[0], atol=mistake_tol[1])
        return self.fail(name, specific or diagnose(a, e))

    def scalar(self, name: str, actual: Any, expected: float, *, rtol: float = 1e-6, atol: float = 1e-9,
               hint: Any = None, mistakes: Mistakes = None, mistake_tol: tuple[float, float] = (1e-6, 1e-9)) -> bool:
        """A single number (a 0-d or one-element array is accepted)."""
        a = self._numbers(name, actual, "a number")
        if a is None:
            return False
        if a.size != 1:
            return self.fail(name, f"expected one number, got an array of shape {a.shape}")
        return self.array(name, lambda: a.reshape(()), np.float64(expected), rtol=rtol, atol=atol, hint=hint,
                          mistakes=mistakes, mistake_tol=mistake_tol)

    def true(self, name: str, condition: Any, hint: str) -> bool:
        """A condition (a value or a thunk) that must be exactly ``True``."""
        ok, value = self.call(name, lambda: _value(condition))
        if not ok:
            return False
        return self.record(name, None if isinstance(value, (bool, np.bool_)) and bool(value) else hint)

    def finite(self, name: str, actual: Any, hint: str = "inf or nan in the answer: an overflow? Use a numerically stable form.") -> bool:
        """Every entry is finite."""
        a = self._numbers(name, actual)
        if a is None:
            return False
        return self.record(name, None if np.all(np.isfinite(a)) else hint)

    def recorded(self, name: str, actual: Any, hint: str | None = None) -> bool:
        """Record the answer to a conceptual question, without judging it: a choice is graded after
        submission (any feedback on it here would let a loop over the choices find the key).

        Prints ``RECORDED`` with the normalized answer and, when given, ``hint``: a question to ask
        oneself that holds for every choice. Fails only when no answer is given.
        """
        ok, value = self.call(name, lambda: _value(actual))
        if not ok:
            return False
        if value is None or value is Ellipsis:
            return self.fail(name, "no answer given yet.")
        self.passed.append(name)
        advice = hint.removeprefix("not yet. ") if hint else None
        # the choice itself is not printed: a stored output (the book's pages) would show the key's answer
        print(f"RECORDED  {name} (graded after you submit)" + (f"\n      before you submit: {advice}" if advice else ""))
        return True

    def answer(self, name: str, actual: Any, grade_id: str, hint: str = "not the right answer.") -> bool:
        """A conceptual answer compared with the instructor's key (grading only: without the key it
        is :class:`KeyUnavailable`, reported as not checked)."""
        ok, value = self.call(name, lambda: _value(actual))
        if not ok:
            return False
        if value is None or value is Ellipsis:
            return self.fail(name, "no answer given yet.")
        got, key = normalize_answer(value), oracle("answers").answer(grade_id)
        # the key on the left, and only a plain str or frozenset: an object claiming equality proves nothing
        return self.record(name, None if type(got) in (str, frozenset) and key == got else hint)

    def raises(self, name: str, thunk: Callable[[], Any], exception: type[BaseException], hint: str) -> bool:
        """Calling ``thunk`` raises ``exception``."""
        try:
            thunk()
        except exception:
            return self.succeed(name)
        except Exception as exc:
            return self.fail(name, f"raised {type(exc).__name__}: {exc}; {hint}")
        return self.fail(name, hint)

    def gradient_check(
        self,
        name: str,
        f: Callable[[], Any],
        wrt: dict[str, tuple[np.ndarray, Any]],
        *,
        h: float = 1e-6,
        tol: float = 1e-6,
        f_name: str = "f",
        hint: Callable[[dict[str, tuple[np.ndarray, np.ndarray]]], str | None] | None = None,
        trouble: str | Callable[[BaseException], str] | None = None,
    ) -> bool:
        r"""The student's gradients against central differences of the student's own scalar function.

        ``f()`` returns a number computed from the arrays of ``wrt``, a mapping
        ``label -> (x, grad)``: ``x`` a float64 array that ``f`` reads (it is
        perturbed in place, one entry at a time, and restored), ``grad`` the
        student's gradient of ``f`` with respect to ``x``. Each gradient passes
        when it has the shape of ``x`` and its relative error
        (:func:`nnbook.gradcheck.relative_error`) from
        :math:`(f(x + h e_i) - f(x - h e_i)) / 2h` is below
        ``tol``. ``f`` runs as in a :meth:`step` (``trouble`` names an
        overflow); on a disagreement the hint is ``hint(bad)``, with ``bad``
        mapping the labels that disagree to ``(grad, numeric)``, or one that
        lists them with their errors (``f_name`` says what ``f`` computes).

        >>> x = np.array([1.0, 2.0])
        >>> with checks("gradient") as c:
        ...     _ = c.gradient_check("d/dx of sum(x^2)", lambda: np.sum(x**2), {"x": (x, 2 * x)})
        PASS  d/dx of sum(x^2)
        gradient: all 1 checks passed.
        """
        with self.step(name, trouble=trouble) as run:
            bad: dict[str, tuple[np.ndarray, np.ndarray]] = {}
            errors = {}
            for label, (x, grad) in wrt.items():
                analytic = as_numbers(grad)
                numeric = numerical_gradient(lambda _: float(run(f)), x, h)
                errors[label] = relative_error(analytic, numeric) if analytic.shape == numeric.shape else 1.0
                if not errors[label] < tol:
                    bad[label] = (analytic, numeric)
            if not bad:
                return self.succeed(name)
            listed = ", ".join(f"{k} (relative error {errors[k]:.1e})" for k in bad)
            return self.fail(name, (hint(bad) if hint is not None else None) or (
                f"backprop and central differences (f(p + h) - f(p - h)) / (2 h) of {f_name} disagree "
                f"for: {listed}. A correct backward agrees to about 1e-9."))
        return False

    def backward_check(
        self,
        name: str,
        make: Callable[[], Any],
        x: np.ndarray,
        grad_out: np.ndarray,
        *,
        params: Sequence[str] = (),
        tol: float = 1e-6,
        hint: Callable[[dict[str, tuple[np.ndarray, np.ndarray]]], str | None] | None = None,
        trouble: str | Callable[[BaseException], str] | None = None,
    ) -> bool:
        """A module's ``backward`` against central differences of its own ``forward``.

        ``make()`` builds a fresh module. After ``forward(x)``, ``backward(grad_out)``
        must return the gradient of ``sum(grad_out * forward(x))`` with respect to
        ``x`` (label ``"input"``) and add those with respect to the parameters
        named in ``params`` (attributes holding a :class:`~nnbook.Parameter`)
        into their ``.grad``; :meth:`gradient_check` compares them with central
        differences of a second module's ``forward``.
        """
        with self.step(name, trouble=trouble) as run:
            module = make()
            run(module.forward, x.copy())
            dx = run(module.backward, grad_out.copy())
            grads = {p: np.array(getattr(module, p).grad, dtype=np.float64) for p in params}
            probe = make()
        if not run.ok:
            return False
        xp = x.copy()
        wrt = {"input": (xp, dx), **{p: (getattr(probe, p).value, grads[p]) for p in params}}
        return self.gradient_check(name, lambda: np.sum(grad_out * as_numbers(probe.forward(xp.copy()))), wrt,
                                   tol=tol, f_name="sum(grad_out * forward(X))", hint=hint, trouble=trouble)

    # -- summary -----------------------------------------------------------------
    def summary(self) -> str:
        n = len(self.passed) + len(self.failed)
        if self.unchecked and not self.failed:
            return f"{self.title}: {n} checks passed; the rest are checked when the notebook is graded."
        if self.failed:
            return f"{self.title}: {len(self.failed)} of {n} checks failed: {', '.join(self.failed)}"
        return f"{self.title}: all {n} checks passed."


def _record_hints(hint: Any, mistakes: Mistakes, a: np.ndarray, e: np.ndarray) -> None:
    """Ask the key for the hints of a check, so that its table holds them for a wrong answer later."""
    with np.errstate(all="ignore"):
        for thunk in (lambda: hint(a, e) if callable(hint) else None,
                      lambda: mistakes() if callable(mistakes) else None):
            try:
                thunk()
            except Exception:  # noqa: BLE001 - a hint that fails on a right answer has nothing to record
                pass


@contextmanager
def checks(title: str) -> Iterator[Checks]:
    """Run a group of checks, print a report, and raise ``AssertionError`` if any failed.

    A check whose expected answer is only in the instructor's key
    (:class:`KeyUnavailable`: a student's copy, inputs other than the
    exercise's own) ends the group with a ``NOT CHECKED`` line instead.
    """
    c = Checks(title)
    try:
        yield c
    except KeyUnavailable as exc:
        if os.environ.get("NNBOOK_GRADING"):  # while grading, a missing key is the grader's error, never a pass
            raise
        print(f"NOT CHECKED  {exc}")
        c.unchecked = True
    print(c.summary())
    if c.failed:
        raise AssertionError(c.summary())
