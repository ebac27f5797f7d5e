"""The chapter 3 exercise checkers: the model solutions pass, and each typical
wrong solution fails with the hint that names its mistake."""

from __future__ import annotations

import numpy as np
import pytest

import nnbook as nb
from nnbook.exercises import normalize_answer, ch03, checks
from nnbook_key import ch03 as key  # the instructor's answer key (tests/conftest.py puts it on the path)
from nnbook_key.answers import ANSWERS

F = nb.functional

from exercise_helpers import assert_fails_with, assert_passes, run_checks  # noqa: F401


# five examples, three classes (n != K, so a transposed answer has another shape);
# every row has a nonzero maximum and the rows differ, so the usual mistakes give other values
Z = np.array([[-1.0, 2.7, 0.5], [0.3, -0.2, 1.1], [2.0, 1.0, -3.0], [-0.5, -1.5, -0.7], [1.2, 0.4, 0.9]])
Y = np.array([1, 2, 0, 0, 1])
Z_BIG = 1000 * Z
Z_MIXED = np.array([[1e4, 0.0, -1e4], [0.1, 0.2, 0.3], [-5.0, 3.0, 1.0]])   # rows of very different size
Y_MIXED = np.array([2, 0, 1])


def onehot(y, k):
    return np.eye(k)[y]


# -- Exercise 1: the cross-entropy from logits ----------------------------------------

def ce_log_softmax(Z, y):
    m = Z.max(axis=1, keepdims=True)
    logp = Z - m - np.log(np.sum(np.exp(Z - m), axis=1, keepdims=True))
    return -np.mean(logp[np.arange(len(y)), y])


def ce_logaddexp(Z, y):
    return float(np.mean(np.logaddexp.reduce(Z, axis=1) - Z[np.arange(len(y)), y]))


def ce_nnbook(Z, y):
    return nb.CrossEntropyLoss()(Z, y)


def ce_naive(Z, y):
    p = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    return -np.mean(np.log(p[np.arange(len(y)), y]))


def ce_naive_silenced(Z, y):
    with np.errstate(all="ignore"):
        return ce_naive(Z, y)


def ce_log_of_stable_softmax(Z, y):
    p = F.softmax(Z, axis=1)
    return -np.mean(np.log(p[np.arange(len(y)), y]))


def ce_global_max(Z, y):
    m = Z.max()
    logp = Z - m - np.log(np.sum(np.exp(Z - m), axis=1, keepdims=True))
    return -np.mean(logp[np.arange(len(y)), y])


def ce_max_not_added_back(Z, y):
    m = Z.max(axis=1, keepdims=True)
    lse = np.log(np.sum(np.exp(Z - m), axis=1))
    return np.mean(lse - Z[np.arange(len(y)), y])


def _from_stable(transform):
    def ce(Z, y):
        logp = F.log_softmax(Z, axis=1)
        return transform(Z, y, logp, np.arange(len(y)))
    return ce


WRONG_LOSSES = {
    "naive overflows": (ce_naive, Z_BIG, Y, "overflow in exp", "Subtract the row's maximum"),
    "log of a probability that is 0": (ce_log_of_stable_softmax, Z_BIG, Y, "log of 0", "z_k - logsumexp(z)"),
    "one max for the batch": (ce_global_max, Z_MIXED, Y_MIXED, "works on each example alone", "axis=1, keepdims=True"),
    "silenced overflow": (ce_naive_silenced, Z_BIG, Y, "inf or nan"),
    "max not added back": (ce_max_not_added_back, Z, Y, "never added it back"),
    "sum": (_from_stable(lambda Z, y, logp, r: -logp[r, y].sum()), Z, Y, "factor n = 5", "summed"),
    "mean over all entries": (_from_stable(lambda Z, y, logp, r: -np.mean(onehot(y, 3) * logp)), Z, Y, "1/K = 1/3"),
    "sign": (_from_stable(lambda Z, y, logp, r: logp[r, y].mean()), Z, Y, "sign is flipped"),
    "wrong axis": (_from_stable(lambda Z, y, logp, r: -np.mean(F.log_softmax(Z, axis=0)[r, y])), Z, Y, "wrong axis"),
    "whole columns": (_from_stable(lambda Z, y, logp, r: -logp[:, y].mean()), Z, Y, "picks whole columns"),
    "log2": (_from_stable(lambda Z, y, logp, r: -logp[r, y].mean() / np.log(2)), Z, Y, "log base 2"),
    "no z_y": (_from_stable(lambda Z, y, logp, r: F.logsumexp(Z, axis=1).mean()), Z, Y, "logit of the true class is missing"),
    "no normalizer": (_from_stable(lambda Z, y, logp, r: -Z[r, y].mean()), Z, Y, "normalizer is missing"),
    "first example": (_from_stable(lambda Z, y, logp, r: -logp[0, y[0]]), Z, Y, "first example only"),
    "per-example": (_from_stable(lambda Z, y, logp, r: -logp[r, y]), Z, Y, "per-example losses"),
    "a column": (_from_stable(lambda Z, y, logp, r: -logp[r, y][:, None]), Z, Y, "per-example losses"),
    "other": (_from_stable(lambda Z, y, logp, r: -logp[r, y].mean() + 0.1), Z, Y, "got 0.771, expected 0.671", "average the negatives"),
}


@pytest.mark.parametrize("solution", [ce_log_softmax, ce_logaddexp, ce_nnbook])
@pytest.mark.parametrize("logits, labels", [(Z, Y), (Z_BIG, Y), (Z_MIXED, Y_MIXED), (1e4 * Z, Y)])
def test_cross_entropy_correct_solutions_pass(capsys, solution, logits, labels):
    assert_passes(capsys, lambda c: ch03.check_cross_entropy(c, solution, logits, labels))


def test_cross_entropy_reference_is_nnbooks_loss(rng):
    z = 5 * rng.normal(size=(7, 4))
    y = rng.integers(0, 4, size=7)
    assert key.cross_entropy(z, y) == pytest.approx(nb.CrossEntropyLoss()(z, y), rel=1e-14)


def test_cross_entropy_worked_example_value():
    # -log softmax([-1, 2.7, 0.5])_1 = logsumexp - 2.7
    e = np.exp([-1.0, 2.7, 0.5])
    assert key.cross_entropy([[-1.0, 2.7, 0.5]], [1]) == pytest.approx(-np.log(e[1] / e.sum()), rel=1e-14)


@pytest.mark.parametrize("mistake", list(WRONG_LOSSES))
def test_cross_entropy_typical_mistakes_fail_with_their_hint(capsys, mistake):
    solution, logits, labels, *fragments = WRONG_LOSSES[mistake]
    assert_fails_with(capsys, lambda c: ch03.check_cross_entropy(c, solution, logits, labels), *fragments)


def test_cross_entropy_the_naive_form_passes_moderate_logits(capsys):
    # the exercise is about large logits: the naive form is right where nothing overflows
    assert_passes(capsys, lambda c: ch03.check_cross_entropy(c, ce_naive, Z, Y))


def test_cross_entropy_unimplemented_reports_the_error(capsys):
    def ce(Z, y):
        raise NotImplementedError()

    assert_fails_with(capsys, lambda c: ch03.check_cross_entropy(c, ce, Z, Y), "raised NotImplementedError")


def test_cross_entropy_bad_index_gets_a_label_hint(capsys):
    def ce(Z, y):
        return -F.log_softmax(Z, axis=1)[np.arange(len(y)), y + 1].mean()

    assert_fails_with(capsys, lambda c: ch03.check_cross_entropy(c, ce, Z, Y), "IndexError", "class indices")


def test_cross_entropy_non_numbers_are_reported(capsys):
    assert_fails_with(capsys, lambda c: ch03.check_cross_entropy(c, lambda Z, y: "1.0x", Z, Y), "could not read")


def test_cross_entropy_arguments_are_copies(capsys):
    z = Z.copy()

    def ce(Z, y):
        out = ce_log_softmax(Z, y)
        Z[...] = 0
        return out

    assert_passes(capsys, lambda c: ch03.check_cross_entropy(c, ce, z, Y))
    np.testing.assert_array_equal(z, Z)


def test_checks_leave_numpy_error_state_unchanged():
    before = np.geterr()
    with pytest.raises(AssertionError):
        with checks("t") as c:
            ch03.check_cross_entropy(c, ce_naive, Z_BIG, Y)
    assert np.geterr() == before


# -- Exercise 2: the gradient at the logits --------------------------------------------

def grad_correct(Z, y):
    n, k = Z.shape
    return (F.softmax(Z, axis=1) - np.eye(k)[y]) / n


def grad_in_place(Z, y):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    g = e / e.sum(axis=1, keepdims=True)
    g[np.arange(len(y)), y] -= 1
    return g / len(y)


def grad_naive(Z, y):
    e = np.exp(Z)
    return (e / e.sum(axis=1, keepdims=True) - np.eye(Z.shape[1])[y]) / len(y)


def grad_naive_silenced(Z, y):
    with np.errstate(all="ignore"):
        return grad_naive(Z, y)


def _wrong_grad(transform):
    def g(Z, y):
        n, k = Z.shape
        return transform(Z, y, F.softmax(Z, axis=1), np.eye(k)[y], n, k)
    return g


WRONG_GRADIENTS = {
    "no one-hot": (_wrong_grad(lambda Z, y, S, Y1, n, k: S / n), "one-hot row of the label is missing"),
    "no one-hot, no 1/n": (_wrong_grad(lambda Z, y, S, Y1, n, k: S), "and so is the 1/n"),
    "sum": (_wrong_grad(lambda Z, y, S, Y1, n, k: S - Y1), "factor n = 5", "SUM"),
    "twice": (_wrong_grad(lambda Z, y, S, Y1, n, k: (S - Y1) / n**2), "divided by the number of examples twice"),
    "by K": (_wrong_grad(lambda Z, y, S, Y1, n, k: (S - Y1) / k), "divided by K = 3"),
    "by n K": (_wrong_grad(lambda Z, y, S, Y1, n, k: (S - Y1) / (n * k)), "divided by n * K = 15"),
    "sign": (_wrong_grad(lambda Z, y, S, Y1, n, k: (Y1 - S) / n), "sign is flipped"),
    "minus one everywhere": (_wrong_grad(lambda Z, y, S, Y1, n, k: (S - 1) / n), "subtracted 1 from every entry"),
    "minus y": (_wrong_grad(lambda Z, y, S, Y1, n, k: (S - y[:, None]) / n), "label number y itself"),
    "sigmoid": (_wrong_grad(lambda Z, y, S, Y1, n, k: (F.sigmoid(Z) - Y1) / n), "sigmoid of each logit"),
    "axis 0": (_wrong_grad(lambda Z, y, S, Y1, n, k: (F.softmax(Z, axis=0) - Y1) / n), "wrong axis"),
    "jacobian diagonal": (_wrong_grad(lambda Z, y, S, Y1, n, k: (S - Y1) * S * (1 - S) / n), "diagonal of the softmax Jacobian"),
    "gradient at the probabilities": (_wrong_grad(lambda Z, y, S, Y1, n, k: -Y1 / (n * np.where(Y1 > 0, S, 1.0))),
                                      "with respect to the probabilities"),
    "transposed": (_wrong_grad(lambda Z, y, S, Y1, n, k: ((S - Y1) / n).T), "transpose of the expected"),
    "(n, n)": (_wrong_grad(lambda Z, y, S, Y1, n, k: (S[:, 0] - Y1[:, :1]) / n), "an (n, n) array"),
    "other shape": (_wrong_grad(lambda Z, y, S, Y1, n, k: ((S - Y1) / n).ravel()), "must have the shape of Z"),
    "other": (_wrong_grad(lambda Z, y, S, Y1, n, k: (S - Y1) / n + 0.01 * np.eye(n, k)), "entries differ"),
}


@pytest.mark.parametrize("solution", [grad_correct, grad_in_place])
@pytest.mark.parametrize("logits, labels", [(Z, Y), (Z_BIG, Y), (Z_MIXED, Y_MIXED)])
def test_gradient_correct_solutions_pass(capsys, solution, logits, labels):
    assert_passes(capsys, lambda c: ch03.check_cross_entropy_grad(c, solution, logits, labels))


def test_reference_gradient_matches_finite_differences_and_nnbook():
    numeric = nb.numerical_gradient(lambda z: key.cross_entropy(z, Y), Z.copy())
    assert nb.relative_error(key.cross_entropy_grad(Z, Y), numeric) < 1e-8
    loss = nb.CrossEntropyLoss()
    loss(Z, Y)
    np.testing.assert_allclose(key.cross_entropy_grad(Z, Y), loss.backward(), rtol=1e-14, atol=1e-16)


def test_reference_gradient_matches_pytorch(torch):
    z = torch.tensor(Z, dtype=torch.float64, requires_grad=True)
    torch.nn.functional.cross_entropy(z, torch.tensor(Y)).backward()
    np.testing.assert_allclose(key.cross_entropy_grad(Z, Y), z.grad.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("mistake", list(WRONG_GRADIENTS))
def test_gradient_typical_mistakes_fail_with_their_hint(capsys, mistake):
    solution, *fragments = WRONG_GRADIENTS[mistake]
    assert_fails_with(capsys, lambda c: ch03.check_cross_entropy_grad(c, solution, Z, Y), *fragments)


def test_gradient_naive_overflows_at_large_logits(capsys):
    assert_passes(capsys, lambda c: ch03.check_cross_entropy_grad(c, grad_naive, Z, Y))
    assert_fails_with(capsys, lambda c: ch03.check_cross_entropy_grad(c, grad_naive, Z_BIG, Y), "overflow in exp")
    assert_fails_with(capsys, lambda c: ch03.check_cross_entropy_grad(c, grad_naive_silenced, Z_BIG, Y), "inf or nan")


def test_gradient_unimplemented_reports_the_error(capsys):
    def g(Z, y):
        raise NotImplementedError()

    assert_fails_with(capsys, lambda c: ch03.check_cross_entropy_grad(c, g, Z, Y), "raised NotImplementedError")


# -- Exercise 3: choosing the output unit ---------------------------------------------

OUTPUT_UNITS = "cdab"   # the chapter's answer: digits, tags, robot arm, readmission


def test_output_units_fingerprint():
    assert normalize_answer(OUTPUT_UNITS) == ANSWERS["ch03-ex3"]
    for spelled in ["CDAB", " c, d, a, b ", "c d a b"]:
        assert normalize_answer(ch03.letters(spelled)) == ANSWERS["ch03-ex3"]
    for wrong in ["cdaa", "ccab", "dcab", "cbab", "abcd"]:
        assert normalize_answer(ch03.letters(wrong)) != ANSWERS["ch03-ex3"]


def test_output_units_format():
    assert ch03.is_four_choices("a b, c d")
    for bad in ["abc", "abcde", "abce", 1234, None, ["c", "d", "a", "b"]]:
        assert not ch03.is_four_choices(bad)


def test_output_units_hints_do_not_give_the_answer_away(capsys):
    out = assert_fails_with(
        capsys,
        lambda c: c.answer("q", lambda: ch03.letters("abcd"), "ch03-ex3", hint=ch03.OUTPUT_UNITS_HINT),
        "three questions",
    )
    assert OUTPUT_UNITS not in out and OUTPUT_UNITS not in ch03.FORMAT_HINT


def test_output_units_letters_leaves_other_types_alone():
    assert ch03.letters(None) is None
    assert ch03.letters(["c"]) == ["c"]


@pytest.mark.parametrize("mistake", list(WRONG_GRADIENTS))
def test_gradient_mistakes_at_large_logits_fail_without_warnings(capsys, mistake):
    # the catalogue divides by probabilities that round to 0 here: no warning may escape
    solution = WRONG_GRADIENTS[mistake][0]
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        assert_fails_with(capsys, lambda c: ch03.check_cross_entropy_grad(c, solution, Z_BIG, Y), "hint: ")


@pytest.mark.parametrize("mistake", [m for m in WRONG_LOSSES if WRONG_LOSSES[m][1] is Z])
def test_loss_mistakes_at_large_logits_fail_without_warnings(capsys, mistake):
    solution = WRONG_LOSSES[mistake][0]
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        assert_fails_with(capsys, lambda c: ch03.check_cross_entropy(c, solution, Z_BIG, Y), "hint: ")


# -- Exercise 4: sparsemax --------------------------------------------------------------

# rows with supports of sizes 1, 2 and 3, a tie, and equal logits; n != K
Z_SPARSE = np.array([[-1.0, 2.7, 0.5, 0.1], [-0.25, 0.675, 0.125, -0.5], [0.3, -0.2, 1.1, 0.9],
                     [0.2, 0.2, -0.1, 0.0], [0.5, 0.5, 0.5, 0.5]])


def _threshold(Z, divide=True, minus_one=True, first_k=False, ascending=False):
    ordered = np.sort(Z, axis=1) if ascending else -np.sort(-Z, axis=1)
    cumulative = np.cumsum(ordered, axis=1)
    k = np.arange(1, Z.shape[1] + 1)
    holds = 1 + k * ordered > cumulative
    k_z = (np.argmax(holds, axis=1) + 1)[:, None] if first_k else holds.sum(axis=1, keepdims=True)
    top = np.take_along_axis(cumulative, k_z - 1, axis=1) - (1 if minus_one else 0)
    return top / k_z if divide else top


def sparsemax_sorted(Z):
    return np.maximum(Z - _threshold(Z), 0)


def sparsemax_bisection(Z):
    lo, hi = Z.min(axis=1, keepdims=True) - 1, Z.max(axis=1, keepdims=True)
    for _ in range(200):                                 # sum max(z - tau, 0) = 1, decreasing in tau
        mid = (lo + hi) / 2
        too_low = np.maximum(Z - mid, 0).sum(axis=1, keepdims=True) > 1
        lo, hi = np.where(too_low, mid, lo), np.where(too_low, hi, mid)
    P = np.maximum(Z - (lo + hi) / 2, 0)
    return P / P.sum(axis=1, keepdims=True)


def sparsemax_nnbook(Z):
    return nb.Sparsemax()(Z)


WRONG_SPARSEMAX = {
    "no 1/k": (lambda Z: np.maximum(Z - _threshold(Z, divide=False), 0), "missing its 1/k(z)"),
    "no -1": (lambda Z: np.maximum(Z - _threshold(Z, minus_one=False), 0), "the -1 is missing"),
    "sorted output": (lambda Z: -np.sort(-sparsemax_sorted(Z), axis=1), "sorted in decreasing order"),
    "first k": (lambda Z: np.maximum(Z - _threshold(Z, first_k=True), 0), "LARGEST k"),
    "ascending sort": (lambda Z: np.maximum(Z - _threshold(Z, ascending=True), 0), "increasing order"),
    "no clipping": (lambda Z: Z - _threshold(Z), "negative entries"),
    "wrong axis": (lambda Z: F.sparsemax(Z, axis=0), "wrong axis"),
    "softmax": (lambda Z: F.softmax(Z, axis=1), "that is the softmax"),
}


@pytest.mark.parametrize("solution", [sparsemax_sorted, sparsemax_bisection, sparsemax_nnbook])
@pytest.mark.parametrize("scale", [1.0, 1000.0, 1e4])
def test_sparsemax_correct_solutions_pass_both_checkers(capsys, solution, scale):
    assert_passes(capsys, lambda c: ch03.check_sparsemax(c, solution, scale * Z_SPARSE))
    assert_passes(capsys, lambda c: ch03.check_sparsemax_properties(c, solution, scale * Z_SPARSE))


def test_sparsemax_reference_is_the_projection_onto_the_simplex(rng):
    # sum max(z - tau, 0) = 1 with one tau per row, and no point of the simplex is closer to z
    z = rng.normal(size=(6, 5))
    p = key.sparsemax(z)
    np.testing.assert_allclose(p.sum(axis=1), 1, rtol=0, atol=1e-12)
    others = rng.dirichlet(np.ones(5), size=(200, 6))
    assert np.all(np.sum((others - z) ** 2, axis=-1) >= np.sum((p - z) ** 2, axis=-1) - 1e-12)


@pytest.mark.parametrize("mistake", list(WRONG_SPARSEMAX))
def test_sparsemax_typical_mistakes_fail_with_their_hint(capsys, mistake):
    solution, fragment = WRONG_SPARSEMAX[mistake]
    assert_fails_with(capsys, lambda c: ch03.check_sparsemax(c, solution, Z_SPARSE), fragment)


@pytest.mark.parametrize("mistake, fragment", [
    ("no 1/k", "Did you divide by k(z)"), ("no -1", "sums to 1"), ("sorted output", "still in sorted order"),
    ("no clipping", "never negative"), ("first k", "sums to"), ("softmax", "one number tau"),
])
def test_sparsemax_properties_fail_without_the_reference(capsys, mistake, fragment):
    solution = WRONG_SPARSEMAX[mistake][0]
    assert_fails_with(capsys, lambda c: ch03.check_sparsemax_properties(c, solution, Z_SPARSE), fragment)


def test_sparsemax_wrong_shape_and_errors_are_reported(capsys):
    assert_fails_with(capsys, lambda c: ch03.check_sparsemax(c, lambda Z: sparsemax_sorted(Z).T, Z_SPARSE),
                      "the shape of z, (5, 4)")
    assert_fails_with(capsys, lambda c: ch03.check_sparsemax_properties(c, lambda Z: np.full(Z.shape, np.nan), Z_SPARSE),
                      "inf or nan in the output")

    def unfinished(Z):
        raise NotImplementedError()

    assert_fails_with(capsys, lambda c: ch03.check_sparsemax(c, unfinished, Z_SPARSE), "raised NotImplementedError")


def test_sparsemax_arguments_are_copies(capsys):
    z = Z_SPARSE.copy()

    def in_place(Z):
        out = sparsemax_sorted(Z)
        Z[...] = 0
        return out

    assert_passes(capsys, lambda c: ch03.check_sparsemax(c, in_place, z))
    np.testing.assert_array_equal(z, Z_SPARSE)
