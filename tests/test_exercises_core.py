"""nnbook.exercises: the checks block, its hints, and robustness against answers that fake equality."""

from __future__ import annotations

import numpy as np
import pytest

from nnbook.exercises import Checks, checks, diagnose, normalize_answer


class AlwaysEqual:
    """A cheating answer: equal to everything."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __bool__(self):
        return True


class AlwaysEqualArray(np.ndarray):
    """An array subclass that claims equality and answers every ufunc with True."""

    def __eq__(self, other):
        return np.ones(np.shape(other), dtype=bool)

    def __array_ufunc__(self, *args, **kwargs):
        return np.True_


class AlwaysEqualFloat(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


class AlwaysEqualList(list):
    def __eq__(self, other):
        return True


# -- the block ------------------------------------------------------------------------------


def test_block_that_passes_prints_and_does_not_raise(capsys):
    with checks("Exercise 1") as c:
        assert c.array("double", lambda: 2 * np.array([1.0, 2.0]), [2.0, 4.0]) is True
        assert c.scalar("half", 0.5, 0.5) is True
    out = capsys.readouterr().out
    assert out.splitlines() == ["PASS  double", "PASS  half", "Exercise 1: all 2 checks passed."]
    assert c.passed == ["double", "half"] and c.failed == []


def test_block_with_a_failure_raises_after_running_every_check(capsys):
    with pytest.raises(AssertionError, match="Exercise 2: 1 of 3 checks failed: wrong"):
        with checks("Exercise 2") as c:
            c.array("right", [1.0], [1.0])
            c.array("wrong", [2.0], [1.0])
            c.array("right again", [3.0], [3.0])
    out = capsys.readouterr().out
    assert "FAIL  wrong\n      hint: " in out
    assert "PASS  right again" in out


def test_student_code_that_raises_fails_its_check_only(capsys):
    def broken():
        return 1 / 0

    with pytest.raises(AssertionError, match="1 of 2 checks failed: division"):
        with checks("Exercise 3") as c:
            assert c.array("division", broken, [1.0]) is False
            assert c.array("fine", lambda: [1.0], [1.0]) is True
    out = capsys.readouterr().out
    assert "your code raised ZeroDivisionError: division by zero" in out
    assert "return 1 / 0" in out


def test_tolerances():
    c = Checks("t")
    assert c.array("close", [1.0 + 1e-8], [1.0])
    assert not c.array("not close", [1.0 + 1e-4], [1.0])
    assert c.array("loose", [1.0 + 1e-4], [1.0], rtol=1e-3)


def test_shapes_must_match_exactly_even_when_values_broadcast():
    c = Checks("t")
    assert not c.array("column instead of row", np.ones((3, 1)), np.ones(3))
    assert not c.array("scalar instead of vector", 1.0, np.ones(3))
    assert c.failed == ["column instead of row", "scalar instead of vector"]


def test_non_finite_answers_fail():
    c = Checks("t")
    assert not c.array("nan", [np.nan], [np.nan])
    assert not c.array("inf", [np.inf], [np.inf])


def test_custom_hints(capsys):
    c = Checks("t")
    c.array("string hint", [1.0], [2.0], hint="look at the bias")
    c.array("callable hint", [1.0], [2.0], hint=lambda a, e: f"got {a[0]:g}, want {e[0]:g}")
    c.array("callable without opinion", [1.0, 5.0], [2.0, 3.0], hint=lambda a, e: None)
    out = capsys.readouterr().out
    assert "hint: look at the bias" in out
    assert "hint: got 1, want 2" in out
    assert "hint: 2 of 2 entries differ" in out


def test_scalar_accepts_one_number_in_any_shape():
    c = Checks("t")
    assert c.scalar("float", 2.0, 2.0)
    assert c.scalar("0-d", np.float64(2.0), 2.0)
    assert c.scalar("1 element", np.array([[2.0]]), 2.0)
    assert not c.scalar("two numbers", np.array([2.0, 2.0]), 2.0)
    assert not c.scalar("wrong", 3.0, 2.0)


def test_true_needs_exactly_true():
    c = Checks("t")
    assert c.true("bool", True, "h")
    assert c.true("numpy bool", np.bool_(True), "h")
    assert not c.true("false", False, "h")
    assert not c.true("truthy int", 1, "h")
    assert not c.true("truthy array", np.array([True]), "h")
    assert not c.true("thunk raising", lambda: [][0], "h")


def test_finite():
    c = Checks("t")
    assert c.finite("finite", lambda: np.array([1.0, -1e300]))
    assert not c.finite("overflow", lambda: np.array([np.inf]))
    assert not c.finite("text", "12")


def test_answer_is_compared_with_the_instructors_key(capsys):
    c = Checks("t")
    assert c.answer("letter", " B ", "ch01-ex4")  # the key of chapter 1's question holds "b"
    assert not c.answer("wrong letter", "a", "ch01-ex4", hint="think about the output range")
    assert not c.answer("unanswered", None, "ch01-ex4")
    assert not c.answer("ellipsis", ..., "ch01-ex4")
    out = capsys.readouterr().out
    assert "hint: think about the output range" in out
    assert "hint: no answer given yet." in out


def test_recorded_says_the_same_for_every_choice(capsys):
    outputs = []
    for choice in "abcd":
        c = Checks("t")
        assert c.recorded("your choice", lambda: choice, hint="not yet. Ask two questions.")
        outputs.append(capsys.readouterr().out)
    assert len(set(outputs)) == 1, outputs  # nothing in the feedback depends on the answer being right
    assert "graded after you submit" in outputs[0] and "before you submit: Ask two questions." in outputs[0]
    c = Checks("t")
    assert not c.recorded("unanswered", None)
    assert sorted(normalize_answer(["G", " a"])) == ["a", "g"]


def test_answer_without_the_key_is_not_checked(monkeypatch, capsys):
    monkeypatch.delenv("NNBOOK_KEY", raising=False)
    with checks("t") as c:  # no AssertionError: the check is left to grading
        c.answer("letter", "b", "ch01-ex4")
    out = capsys.readouterr().out
    assert "NOT CHECKED" in out and "instructor's key" in out
    assert "checked when the notebook is graded" in out and "all 0 checks passed" not in out


def test_a_missing_key_while_grading_is_an_error(monkeypatch):
    from nnbook.exercises import KeyUnavailable

    monkeypatch.delenv("NNBOOK_KEY", raising=False)
    monkeypatch.setenv("NNBOOK_GRADING", "1")
    with pytest.raises(KeyUnavailable):
        with checks("t") as c:
            c.answer("letter", "b", "ch01-ex4")


def test_raises(capsys):
    c = Checks("t")
    assert c.raises("raises", lambda: int("x"), ValueError, "h")
    assert not c.raises("does not raise", lambda: 1, ValueError, "should raise ValueError")
    assert not c.raises("wrong exception", lambda: [][1], ValueError, "should raise ValueError")
    out = capsys.readouterr().out
    assert "raised IndexError: list index out of range; should raise ValueError" in out


# -- cheating answers ---------------------------------------------------------------------------


@pytest.mark.parametrize("cheat", [AlwaysEqual(), AlwaysEqualList([9.0, 9.0]), "1.0, 2.0", True, None, {"a": 1}])
def test_answers_that_fake_equality_fail_array(cheat):
    c = Checks("t")
    assert not c.array("cheat", cheat, [1.0, 2.0])
    assert not c.array("cheat thunk", lambda: cheat, [1.0, 2.0])


def test_array_subclass_claiming_equality_is_judged_by_its_numbers():
    wrong = np.zeros(3).view(AlwaysEqualArray)
    right = np.array([1.0, 2.0, 3.0]).view(AlwaysEqualArray)
    c = Checks("t")
    assert not c.array("subclass with wrong numbers", wrong, [1.0, 2.0, 3.0])
    assert c.array("subclass with right numbers", right, [1.0, 2.0, 3.0])


@pytest.mark.parametrize("cheat", [AlwaysEqual(), AlwaysEqualFloat(1.0), np.zeros(1).view(AlwaysEqualArray)])
def test_answers_that_fake_equality_fail_scalar_true_finite_and_answer(cheat):
    c = Checks("t")
    assert not c.scalar("scalar", cheat, 2.0)
    assert not c.true("true", cheat, "h")
    assert not c.answer("answer", cheat, "ch01-ex4")
    if isinstance(cheat, AlwaysEqual):
        assert not c.finite("finite", cheat)


# -- diagnose ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "actual, expected, phrase",
    [
        (np.ones((3, 2)), np.ones((2, 3)), "is the transpose of the expected (2, 3): a transposed weight or a missing .T?"),
        (np.ones((3, 1)), np.ones(3), "same numbers of entries, so check the reshape"),
        (np.ones(3), np.ones((3, 4)), "summed over the wrong axis, or forgot to sum?"),
        (np.ones((2, 3)), np.ones((4, 5)), "shape (2, 3), expected (4, 5)"),
        (np.array([np.inf, 1.0]), np.array([1.0, 1.0]), "inf or nan: an overflow"),
        (np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 3.0], [2.0, 4.0]]), "the transpose of the expected one"),
        (np.array([1.0, -2.0]), np.array([-1.0, 2.0]), "the sign is flipped"),
        (np.zeros(3), np.array([1.0, 0.0, 2.0]), "all zeros: a gradient that was never accumulated"),
        (np.array([2.0, 4.0]), np.array([1.0, 2.0]), "off by a constant factor of 2 (a sum where a mean was meant"),
        (np.array([0.25, 0.5]), np.array([1.0, 2.0]), "off by a constant factor of 0.25 (a mean where a sum was meant"),
        (np.array([1.5, 3.0]), np.array([1.0, 2.0]), "off by a constant factor of 1.5."),
        (np.array([1.0, 2.0, 7.0]), np.array([1.0, 5.0, 3.0]), "2 of 3 entries differ; the first at index (1,): got 2, expected 5."),
    ],
)
def test_diagnose_names_the_likely_mistake(actual, expected, phrase):
    assert phrase in diagnose(actual, expected)


def test_diagnose_is_the_default_hint(capsys):
    Checks("t").array("gradient", np.zeros(2), [1.0, 2.0])
    assert "hint: the answer is all zeros" in capsys.readouterr().out


def test_an_answer_that_is_not_numbers_fails_and_says_so(capsys):
    import pytest as _pytest
    from nnbook.exercises import checks as _checks

    for method, args, what in (("array", ([1.0],), "numbers"), ("scalar", (1.0,), "a number"), ("finite", (), "numbers")):
        with _pytest.raises(AssertionError):
            with _checks("t") as c:
                getattr(c, method)("answer", lambda: "1.0", *args)
        assert f"could not read the answer as {what}" in capsys.readouterr().out


# -- the helpers the chapters' checkers share ----------------------------------------------

def test_as_numbers_refuses_what_is_not_numbers_and_says_what_it_got():
    from nnbook.exercises import as_numbers

    assert as_numbers([1, 2]).dtype == np.float64
    np.testing.assert_array_equal(as_numbers(np.array([True, False])), [1.0, 0.0])
    for bad, phrase in ((None, "got None: did you forget the return statement?"), (True, "got a bool"),
                        ("1.0", "expected numbers, got str"), ([object()], "expected numbers, got list")):
        with pytest.raises(TypeError, match=phrase.replace("?", r"\?")):
            as_numbers(bad)
    with pytest.raises(TypeError, match="^the weights: got None"):
        as_numbers(None, "the weights")


def test_close_needs_the_same_shape_finite_entries_and_the_tolerance():
    from nnbook.exercises import close

    a = np.array([1.0, 2.0])
    assert close(a, a + 1e-10, rtol=0, atol=1e-9)
    assert not close(a, a + 1e-8, rtol=0, atol=1e-9)
    assert not close(a[:, None], a, rtol=1, atol=1)  # broadcasts, but the shapes differ
    assert not close(np.array([np.inf]), np.array([np.inf]), rtol=1, atol=1)


def test_error_hint_names_the_error_and_the_line_that_raised_it():
    from nnbook.exercises import error_hint

    def student():
        x = np.ones(2)
        return x @ np.ones(3)

    with pytest.raises(ValueError) as info:
        student()
    hint = error_hint(info.value)
    assert hint.startswith("your code raised ValueError: ")
    assert "return x @ np.ones(3)" in hint


def test_error_hint_of_floating_point_trouble_names_the_students_line():
    from nnbook.exercises import FloatingPointTrouble, error_hint, strict

    def student(z):
        return np.exp(z)

    with pytest.raises(FloatingPointTrouble) as info:
        strict(lambda: student(np.array([1000.0])))
    hint = error_hint(info.value)
    assert hint.startswith("your code raised FloatingPointError: overflow encountered in exp")
    assert "return np.exp(z)" in hint


def test_strict_turns_overflow_and_nan_into_floating_point_trouble_but_allows_underflow():
    from nnbook.exercises import FloatingPointTrouble, strict

    settings = np.geterr()
    with pytest.raises(FloatingPointTrouble):
        strict(lambda: np.exp(np.array([1000.0])))
    with pytest.raises(FloatingPointTrouble):
        strict(lambda: np.array([0.0]) / np.array([0.0]))
    assert strict(lambda: np.exp(np.array([-1000.0])))[0] == 0.0
    assert np.geterr() == settings  # NumPy's settings are back as they were


def test_call_records_a_failed_check_with_the_error_or_a_specific_hint(capsys):
    c = Checks("t")
    assert c.call("runs", lambda: 3) == (True, 3)
    assert c.call("raises", lambda: 1 / 0) == (False, None)
    assert c.call("hinted", lambda: {}["w"], hint=lambda exc: "name the key" if isinstance(exc, KeyError) else None) == (False, None)
    assert c.call("not hinted", lambda: [][1], hint=lambda exc: "name the key" if isinstance(exc, KeyError) else None) == (False, None)
    out = capsys.readouterr().out
    assert "PASS" not in out and c.failed == ["raises", "hinted", "not hinted"]
    assert "your code raised ZeroDivisionError" in out
    assert "hint: name the key" in out
    assert "your code raised IndexError" in out


def test_call_on_model_puts_back_parameters_the_student_changed(capsys):
    import nnbook as nb

    rng = np.random.default_rng(0)
    model = nb.Sequential(nb.Linear(2, 3, rng=rng), nb.ReLU(), nb.Linear(3, 1, rng=rng))
    X = rng.normal(size=(4, 2))
    before = [p.value.copy() for p in model.parameters()]
    c = Checks("t")

    ok, out = c.call_on_model("forward only", lambda m, x: m.forward(x), model, X)
    assert ok and out.shape == (4, 1) and c.failed == []

    def trains(m, x):
        m[0].weight.value += 1.0
        return 0.0

    assert c.call_on_model("changes weights", trains, model, X) == (False, None)
    assert all(np.array_equal(p.value, b) for p, b in zip(model.parameters(), before))

    def indexes_the_model_wrongly(m, x):
        return [layer for layer in 3]

    assert c.call_on_model("not iterable", indexes_the_model_wrongly, model, X) == (False, None)
    out = capsys.readouterr().out
    assert "changed the model's parameters" in out
    assert "Loop over the layers with `for layer in model:`" in out
    assert c.failed == ["changes weights", "not iterable"]


# -- recording a verdict -----------------------------------------------------------------------

def test_succeed_fail_and_record_print_the_verdict_and_return_it(capsys):
    c = Checks("t")
    assert c.succeed("right") is True
    assert c.fail("wrong", "look at the sign") is False
    assert c.record("no problem", None) is True
    assert c.record("a problem", "the bias is missing") is False
    out = capsys.readouterr().out
    assert out.splitlines() == ["PASS  right", "FAIL  wrong", "      hint: look at the sign", "PASS  no problem",
                                "FAIL  a problem", "      hint: the bias is missing"]
    assert c.passed == ["right", "no problem"] and c.failed == ["wrong", "a problem"]


def test_a_recorded_failure_fails_the_block(capsys):
    with pytest.raises(AssertionError, match="1 of 2 checks failed: wrong"):
        with checks("t") as c:
            c.succeed("right")
            c.record("wrong", "hint")


# -- catalogued mistakes -----------------------------------------------------------------------

MEAN_MISTAKES = [(np.array([-2.0]), "the sign is flipped."), (np.array([4.0]), "that is the sum, not the mean.")]


def test_array_passes_whatever_the_catalogue(capsys):
    assert Checks("t").array("mean", [2.0], [2.0], mistakes=MEAN_MISTAKES)
    assert capsys.readouterr().out == "PASS  mean\n"


def test_array_names_the_first_catalogued_mistake_the_answer_matches(capsys):
    c = Checks("t")
    assert not c.array("sum", [4.0], [2.0], mistakes=MEAN_MISTAKES)
    assert not c.array("negated", [-2.0], [2.0], mistakes=MEAN_MISTAKES + [(np.array([-2.0]), "never reached")])
    assert not c.array("unlisted", [3.0], [2.0], mistakes=MEAN_MISTAKES)
    out = capsys.readouterr().out
    assert "FAIL  sum\n      hint: that is the sum, not the mean." in out
    assert "FAIL  negated\n      hint: the sign is flipped." in out and "never reached" not in out
    assert "FAIL  unlisted\n      hint: off by a constant factor of 1.5." in out   # diagnose, as without a catalogue


def test_array_consults_its_own_hint_before_the_catalogue_and_the_catalogue_only_on_failure(capsys):
    calls = []

    def catalogue():
        calls.append(1)
        return MEAN_MISTAKES

    c = Checks("t")
    c.array("right", [2.0], [2.0], mistakes=catalogue)
    assert calls == []
    c.array("shape first", [4.0, 4.0], [2.0], mistakes=catalogue, hint=lambda a, e: "one number" if a.size > 1 else None)
    c.array("no opinion", [4.0], [2.0], mistakes=catalogue, hint=lambda a, e: "one number" if a.size > 1 else None)
    out = capsys.readouterr().out
    assert "FAIL  shape first\n      hint: one number" in out
    assert "FAIL  no opinion\n      hint: that is the sum, not the mean." in out
    assert calls == [1]


def test_array_matches_mistakes_to_their_own_tolerance(capsys):
    c = Checks("t")
    c.array("loose", [4.001], [2.0], mistakes=MEAN_MISTAKES, mistake_tol=(1e-2, 0.0))
    c.array("strict", [4.001], [2.0], mistakes=MEAN_MISTAKES)
    loose, strict = capsys.readouterr().out.split("FAIL  strict")
    assert "FAIL  loose\n      hint: that is the sum, not the mean." in loose
    assert "that is the sum" not in strict and "off by a constant factor of 2.0005" in strict


def test_scalar_takes_a_catalogue_too(capsys):
    c = Checks("t")
    assert c.scalar("right", 2.0, 2.0, mistakes=[(4.0, "a sum")])
    assert not c.scalar("sum", np.array([[4.0]]), 2.0, mistakes=[(4.0, "a sum")])
    assert "FAIL  sum\n      hint: a sum" in capsys.readouterr().out


def test_first_mistake_skips_what_cannot_match():
    from nnbook.exercises import first_mistake

    actual, expected = np.array([1.0, 2.0]), np.array([0.5, 1.0])
    catalogue = [
        ("not numbers", "a string"),
        (np.array([1.0, 2.0, 3.0]), "another shape"),
        (np.array([0.5, 1.0]), "the expected answer itself"),
        (np.array([np.nan, 2.0]), "a nan"),
        (np.array([1.0, 2.0]), "doubled"),
    ]
    assert first_mistake(actual, expected, catalogue) == "doubled"
    assert first_mistake(actual, expected, catalogue[:4]) is None
    assert first_mistake(actual, expected, None) is None
    # a mistake that makes no difference on this input is never named, even for an answer next to it
    assert first_mistake(expected * (1 + 1e-7), expected, [(expected.copy(), "no effect here")]) is None
    assert first_mistake(actual, expected, lambda: [(np.log(np.zeros(2)), "silenced -inf"), (2 * expected, "doubled")]) == "doubled"


# -- steps: the student's exception becomes a failed check ----------------------------------------

def test_step_that_runs_through_records_only_its_checks(capsys):
    c = Checks("t")
    with c.step("double") as run:
        out = run(lambda x: 2 * x, np.array([1.0]))
        c.array("double", out, [2.0])
    assert run.ok and c.passed == ["double"] and c.failed == []
    assert capsys.readouterr().out == "PASS  double\n"


def test_step_turns_an_exception_into_a_failed_check_with_the_line_that_raised(capsys):
    def student(x):
        return x @ np.ones(3)

    c = Checks("t")
    with c.step("product") as run:
        c.array("product", run(student, np.ones(2)), [1.0])
        c.succeed("never reached")
    assert not run.ok and c.failed == ["product"] and c.passed == []
    out = capsys.readouterr().out
    assert "FAIL  product\n      hint: your code raised ValueError: " in out and "return x @ np.ones(3)" in out


def test_step_hint_names_a_known_error_and_defers_on_others(capsys):
    def hint(exc):
        return "the key is missing" if isinstance(exc, KeyError) else None

    c = Checks("t")
    with c.step("known", hint=hint) as run:
        run(lambda: {}["w"])
    with c.step("other", hint=hint) as run:
        run(lambda: [][1])
    out = capsys.readouterr().out
    assert "FAIL  known\n      hint: the key is missing" in out
    assert "FAIL  other\n      hint: your code raised IndexError" in out


def test_step_names_an_overflow_with_its_trouble_hint(capsys):
    c = Checks("t")
    with c.step("text", trouble="subtract the maximum first") as run:
        run(np.exp, np.array([1000.0]))
    with c.step("function", trouble=lambda exc: f"trouble: {exc}") as run:
        run(np.exp, np.array([1000.0]))
    with c.step("not strict", strict=False, trouble="never shown") as run:
        with np.errstate(over="ignore"):
            big = run(np.exp, np.array([1000.0]))
        c.finite("not strict", big)
    out = capsys.readouterr().out
    assert "FAIL  text\n      hint: subtract the maximum first" in out
    assert "FAIL  function\n      hint: trouble: overflow encountered in exp" in out
    assert "FAIL  not strict\n      hint: inf or nan in the answer" in out and "never shown" not in out
    assert np.geterr()["over"] != "raise"   # NumPy's settings are back as they were


def test_step_with_several_names_fails_each_of_them(capsys):
    c = Checks("t")
    with c.step("dX", "dW", "db") as run:
        run(lambda: 1 / 0)
    assert not run.ok and c.failed == ["dX", "dW", "db"]
    assert capsys.readouterr().out.count("your code raised ZeroDivisionError: division by zero (line ") == 3


def test_step_ok_counts_the_failures_of_the_checks_inside(capsys):
    c = Checks("t")
    c.fail("before", "an earlier failure does not count")
    with c.step("inside") as run:
        c.array("inside", [1.0], [2.0])
    assert not run.ok
    with c.step("after") as later:
        c.array("after", [2.0], [2.0])
    assert later.ok


# -- gradient checks ---------------------------------------------------------------------------------

def test_gradient_check_passes_a_right_gradient_of_the_students_own_function(capsys):
    x, w = np.array([1.0, -2.0]), np.array([[0.5], [3.0]])
    c = Checks("t")
    assert c.gradient_check("sum(x^2) + sum(x @ w)", lambda: np.sum(x**2) + np.sum(x @ w),
                            {"x": (x, 2 * x + w.ravel()), "w": (w, np.repeat(x[:, None], 1, axis=1))})
    assert capsys.readouterr().out == "PASS  sum(x^2) + sum(x @ w)\n"
    np.testing.assert_array_equal(x, [1.0, -2.0])   # the points are put back


def test_gradient_check_lists_the_gradients_that_disagree_with_their_errors(capsys):
    x, w = np.array([1.0, -2.0]), np.array([0.5, 3.0])
    c = Checks("t")
    assert not c.gradient_check("half of it", lambda: np.sum(x**2 * w), {"x": (x, 2 * x * w), "w": (w, 0.5 * x**2)},
                                f_name="sum(x^2 w)")
    out = capsys.readouterr().out
    assert "FAIL  half of it" in out and "of sum(x^2 w) disagree for: w (relative error 3.3e-01)." in out
    assert "x (relative" not in out


def test_gradient_check_hint_sees_the_students_and_the_numeric_gradient(capsys):
    x = np.array([1.0, 2.0])
    seen = {}

    def hint(bad):
        seen.update(bad)
        return "differentiate again"

    c = Checks("t")
    assert not c.gradient_check("wrong", lambda: np.sum(x**3), {"x": (x, 2 * x)}, hint=hint)
    assert "FAIL  wrong\n      hint: differentiate again" in capsys.readouterr().out
    np.testing.assert_array_equal(seen["x"][0], [2.0, 4.0])
    np.testing.assert_allclose(seen["x"][1], 3 * x**2, rtol=1e-8)


def test_gradient_check_of_a_wrong_shape_or_a_failing_function_fails(capsys):
    x = np.array([1.0, 2.0])

    def overflows():
        return float(np.sum(np.exp(1000 * x)))

    c = Checks("t")
    assert not c.gradient_check("shape", lambda: np.sum(x**2), {"x": (x, np.ones(3))})
    assert not c.gradient_check("overflow", overflows, {"x": (x, x)}, trouble="exp overflows")
    assert not c.gradient_check("no gradient", lambda: np.sum(x), {"x": (x, None)})
    out = capsys.readouterr().out
    assert "FAIL  shape" in out and "x (relative error 1.0e+00)" in out
    assert "FAIL  overflow\n      hint: exp overflows" in out
    assert "FAIL  no gradient\n      hint: your code raised TypeError: got None" in out
    assert c.failed == ["shape", "overflow", "no gradient"]


class _Scale:
    """A module z -> w * z with a student's backward (``factor`` scales the input gradient)."""

    def __init__(self, factor=1.0):
        import nnbook as nb

        self.w = nb.Parameter(np.array([2.0, -1.0]))
        self.factor = factor

    def forward(self, z):
        self.z = z
        return self.w.value * z

    def backward(self, g):
        self.w.grad += (g * self.z).sum(axis=0)
        return self.factor * g * self.w.value


def test_backward_check_passes_a_module_whose_backward_matches_its_forward(capsys):
    z, g = np.array([[1.0, 2.0], [-0.5, 3.0]]), np.array([[0.3, -1.0], [2.0, 0.5]])
    assert Checks("t").backward_check("scale", _Scale, z, g, params=("w",))
    assert capsys.readouterr().out == "PASS  scale\n"


def test_backward_check_names_the_gradient_that_disagrees(capsys):
    z, g = np.array([[1.0, 2.0], [-0.5, 3.0]]), np.array([[0.3, -1.0], [2.0, 0.5]])
    c = Checks("t")
    assert not c.backward_check("halved", lambda: _Scale(0.5), z, g, params=("w",))
    assert not c.backward_check("raises", lambda: _Scale(None), z, g)
    out = capsys.readouterr().out
    assert "FAIL  halved" in out and "sum(grad_out * forward(X)) disagree for: input (relative error 3.3e-01)." in out
    assert "w (relative" not in out
    assert "FAIL  raises\n      hint: your code raised TypeError" in out


# -- the chapters' checkers ----------------------------------------------------------------------------

def _chapter_modules():
    from pathlib import Path

    import nnbook.exercises as E

    return sorted(Path(E.__file__).parent.glob("ch[0-9][0-9].py"))


@pytest.mark.parametrize("path", _chapter_modules(), ids=lambda p: p.stem)
def test_chapter_checkers_use_only_the_public_api_and_stay_small(path):
    import ast

    source = path.read_text()
    tree = ast.parse(source)
    assert len(source.splitlines()) < 300, f"{path.name} has {len(source.splitlines())} lines"
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            assert node.end_lineno - node.lineno < 80, f"{path.name}: {node.name} has {node.end_lineno - node.lineno + 1} lines"
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            raise AssertionError(f"{path.name}:{node.lineno}: {ast.unparse(node)} is private")
        if isinstance(node, ast.ImportFrom) and node.level > 0:   # from . import ..., from .key.chNN import ...
            assert all(not a.name.startswith("_") for a in node.names), f"{path.name}:{node.lineno} imports a private name"


def test_the_examples_in_the_docstrings_run():
    import doctest

    import nnbook.exercises as E

    result = doctest.testmod(E)
    assert result.failed == 0 and result.attempted >= 10
