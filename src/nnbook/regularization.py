r"""L2 regularization as a Gaussian prior, and its relatives (chapter *L2 regularization as MAP*).

Linear regression with Gaussian noise of variance :math:`\sigma^2`,
:math:`y_i = \mathbf{x}_i^\top\mathbf{w} + b + \varepsilon_i`, and a zero-mean
Gaussian prior of variance :math:`\sigma_0^2` on every weight (none on the
bias) has the negative log posterior

.. math::
    -\log p(\mathbf{w}, b \mid X, \mathbf{y}) =
    \frac{1}{2\sigma^2}\lVert \mathbf{y} - X\mathbf{w} - b\mathbf{1}\rVert^2
    + \frac{1}{2\sigma_0^2}\lVert\mathbf{w}\rVert^2 + \text{const},

so its maximizer, the MAP estimate, minimizes the ridge objective
:math:`\lVert \mathbf{y} - X\mathbf{w} - b\mathbf{1}\rVert^2 + \lambda\lVert\mathbf{w}\rVert^2`
with :math:`\lambda = \sigma^2/\sigma_0^2` (:func:`map_lambda`, :func:`ridge`).

The module also holds the log posterior and its gradient
(:func:`log_posterior`, :func:`log_posterior_grad`), a small BFGS minimizer to
maximize it numerically (:func:`bfgs`), the condition number of the
regularized normal equations (:func:`ridge_condition`), the lasso's
soft-thresholding operator and a proximal-gradient lasso solver
(:func:`soft_threshold`, :func:`lasso`), and nnbook's ``weight_decay`` that
gives a chosen :math:`\lambda` (:func:`weight_decay_for`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = [
    "map_lambda", "weight_decay_for", "ridge", "ridge_condition", "log_posterior", "log_posterior_grad",
    "bfgs", "soft_threshold", "lasso",
]


# -- input checks ------------------------------------------------------------------------------

def _xy(X: Any, y: Any, where: str) -> tuple[np.ndarray, np.ndarray]:
    """``X`` as float64 ``(n, d)`` and ``y`` as float64 ``(n,)``."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"{where}: X must have shape (n, d) with n, d > 0, got {X.shape}")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.shape != (X.shape[0],):
        raise ValueError(f"{where}: X has shape {X.shape}, so y must have shape ({X.shape[0]},) or "
                         f"({X.shape[0]}, 1), got {y.shape}")
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
        raise ValueError(f"{where}: X and y must be finite")
    return X, y


def _nonnegative(value: Any, name: str, where: str) -> float:
    v = float(value)
    if not np.isfinite(v) or v < 0:
        raise ValueError(f"{where}: {name} must be a finite number >= 0, got {value!r}")
    return v


def _positive(value: Any, name: str, where: str) -> float:
    v = float(value)
    if not np.isfinite(v) or v <= 0:
        raise ValueError(f"{where}: {name} must be a finite number > 0, got {value!r}")
    return v


def _wb(w: Any, b: Any, d: int, where: str) -> tuple[np.ndarray, float]:
    w = np.asarray(w, dtype=np.float64)
    if w.ndim == 2 and w.shape[1] == 1:
        w = w[:, 0]
    if w.shape != (d,):
        raise ValueError(f"{where}: X has {d} columns, so w must have shape ({d},), got {w.shape}")
    b = np.asarray(b, dtype=np.float64)
    if b.size != 1:
        raise ValueError(f"{where}: b must be one number, got shape {b.shape}")
    return w, float(b.reshape(()))


# -- lambda ------------------------------------------------------------------------------------

def map_lambda(sigma: float, sigma0: float) -> float:
    r"""The ridge :math:`\lambda` of the MAP estimate: :math:`\lambda = \sigma^2/\sigma_0^2`.

    ``sigma`` is the standard deviation of the noise on the targets and
    ``sigma0`` that of the zero-mean Gaussian prior on each weight. The
    objective is :math:`\lVert\mathbf{y} - X\mathbf{w} - b\rVert^2 + \lambda\lVert\mathbf{w}\rVert^2`
    (a *sum* of squared errors, no factor 1/2): the negative log posterior
    times :math:`2\sigma^2`.
    """
    s = _positive(sigma, "sigma", "map_lambda")
    s0 = _positive(sigma0, "sigma0", "map_lambda")
    return s * s / (s0 * s0)


def weight_decay_for(lam: float, n: int) -> float:
    r"""nnbook's ``SGD(weight_decay=...)`` that minimizes the ridge objective with ``lam`` on ``n`` examples.

    :class:`~nnbook.MSELoss` (reduction ``"mean"``, one output) is
    :math:`\frac1n\lVert\mathbf{r}\rVert^2` and ``weight_decay`` :math:`\lambda_{wd}`
    adds :math:`\lambda_{wd}\mathbf{w}` to the gradient, the gradient of
    :math:`\frac{\lambda_{wd}}{2}\lVert\mathbf{w}\rVert^2`. Multiplying
    :math:`\frac1n\lVert\mathbf{r}\rVert^2 + \frac{\lambda_{wd}}{2}\lVert\mathbf{w}\rVert^2`
    by :math:`n` gives the ridge objective with :math:`\lambda = n\lambda_{wd}/2`, so

    .. math:: \lambda_{wd} = \frac{2\lambda}{n}.
    """
    lam = _nonnegative(lam, "lam", "weight_decay_for")
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise ValueError(f"weight_decay_for: n must be a positive integer, got {n!r}")
    return 2.0 * lam / int(n)


# -- ridge -------------------------------------------------------------------------------------

def _centred(X: np.ndarray, y: np.ndarray, fit_bias: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """``X`` and ``y`` less their means, and the means, so the bias is left out of the penalty;
    without a bias, ``X`` and ``y`` unchanged and zero means (so ``b = y_mean - x_mean @ w = 0``)."""
    if not fit_bias:
        return X, y, np.zeros(X.shape[1]), 0.0
    x_mean, y_mean = X.mean(axis=0), float(y.mean())
    return X - x_mean, y - y_mean, x_mean, y_mean


def ridge(X: Any, y: Any, lam: float, *, fit_bias: bool = True) -> tuple[np.ndarray, float]:
    r"""Ridge regression: the minimizer of :math:`\lVert\mathbf{y} - X\mathbf{w} - b\mathbf{1}\rVert^2 + \lambda\lVert\mathbf{w}\rVert^2`.

    The bias is not penalized. With ``fit_bias`` the data are centred,
    :math:`X_c = X - \mathbf{1}\bar{\mathbf{x}}^\top`, :math:`\mathbf{y}_c = \mathbf{y} - \bar y\mathbf{1}`, and

    .. math::
        \mathbf{w} = (X_c^\top X_c + \lambda I)^{-1} X_c^\top\mathbf{y}_c, \qquad
        b = \bar y - \bar{\mathbf{x}}^\top\mathbf{w},

    solved with :func:`numpy.linalg.solve` (never an explicit inverse).
    Without ``fit_bias``, :math:`b = 0` and :math:`X, \mathbf{y}` are used as they are.

    Parameters
    ----------
    X : array, shape ``(n, d)``
    y : array, shape ``(n,)`` or ``(n, 1)``
    lam : float
        :math:`\lambda \ge 0`. With :math:`\lambda = 0` this is least squares,
        and a singular :math:`X_c^\top X_c` (e.g. :math:`d \ge n`) raises
        :class:`numpy.linalg.LinAlgError` or returns huge weights.

    Returns
    -------
    w : ndarray, shape ``(d,)``
    b : float
    """
    X, y = _xy(X, y, "ridge")
    lam = _nonnegative(lam, "lam", "ridge")
    Xc, yc, x_mean, y_mean = _centred(X, y, fit_bias)
    A = Xc.T @ Xc
    A[np.diag_indices_from(A)] += lam
    w = np.linalg.solve(A, Xc.T @ yc)
    return w, float(y_mean - x_mean @ w)


def ridge_condition(X: Any, lam: float | np.ndarray, *, fit_bias: bool = True) -> Any:
    r"""The 2-norm condition number of :math:`X_c^\top X_c + \lambda I`, from the singular values of :math:`X_c`.

    With singular values :math:`s_1 \ge \dots \ge s_d` of the (centred, with
    ``fit_bias``) design matrix, padded with zeros when :math:`n < d`,

    .. math:: \kappa(\lambda) = \frac{s_1^2 + \lambda}{s_d^2 + \lambda},

    which falls from :math:`\kappa(X_c^\top X_c) = (s_1/s_d)^2` (infinite when
    :math:`s_d = 0`) towards 1 as :math:`\lambda` grows. Computed without forming
    :math:`X^\top X`, so it stays accurate where ``np.linalg.cond(X.T @ X)`` does not.
    ``lam`` may be an array; the result has its shape.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or 0 in X.shape:
        raise ValueError(f"ridge_condition: X must have shape (n, d) with n, d > 0, got {X.shape}")
    lam_arr = np.asarray(lam, dtype=np.float64)
    if np.any(~np.isfinite(lam_arr)) or np.any(lam_arr < 0):
        raise ValueError(f"ridge_condition: lam must be finite and >= 0, got {lam!r}")
    Xc = X - X.mean(axis=0) if fit_bias else X
    s = np.linalg.svd(Xc, compute_uv=False)
    s_max2 = s[0] ** 2
    s_min2 = s[-1] ** 2 if len(s) == X.shape[1] else 0.0
    if fit_bias and X.shape[0] <= X.shape[1]:
        s_min2 = 0.0  # centring removes one dimension: rank at most n - 1 < d
    with np.errstate(divide="ignore"):
        kappa = (s_max2 + lam_arr) / (s_min2 + lam_arr)
    return float(kappa) if kappa.ndim == 0 else kappa


# -- the log posterior -------------------------------------------------------------------------

def log_posterior(w: Any, b: Any, X: Any, y: Any, sigma: float, sigma0: float) -> float:
    r"""The log of likelihood times prior, :math:`\log p(\mathbf{y}\mid X, \mathbf{w}, b) + \log p(\mathbf{w})`.

    .. math::
        -\frac{n}{2}\log(2\pi\sigma^2) - \frac{1}{2\sigma^2}\lVert\mathbf{y} - X\mathbf{w} - b\mathbf{1}\rVert^2
        -\frac{d}{2}\log(2\pi\sigma_0^2) - \frac{1}{2\sigma_0^2}\lVert\mathbf{w}\rVert^2

    for ``w`` of shape ``(d,)``, ``X`` ``(n, d)`` and ``y`` ``(n,)``. It
    differs from the log posterior :math:`\log p(\mathbf{w}, b\mid X, \mathbf{y})`
    by :math:`-\log p(\mathbf{y}\mid X)`, which does not depend on
    :math:`\mathbf{w}, b`, so both have the same maximizer. The bias has a flat
    (improper) prior and adds no term.
    """
    X, y = _xy(X, y, "log_posterior")
    n, d = X.shape
    w, b = _wb(w, b, d, "log_posterior")
    s2 = _positive(sigma, "sigma", "log_posterior") ** 2
    s02 = _positive(sigma0, "sigma0", "log_posterior") ** 2
    r = y - X @ w - b
    return float(-0.5 * n * np.log(2 * np.pi * s2) - 0.5 * (r @ r) / s2
                 - 0.5 * d * np.log(2 * np.pi * s02) - 0.5 * (w @ w) / s02)


def log_posterior_grad(w: Any, b: Any, X: Any, y: Any, sigma: float, sigma0: float) -> tuple[np.ndarray, float]:
    r"""The gradient of :func:`log_posterior` with respect to ``w`` and ``b``.

    .. math::
        \nabla_{\mathbf{w}} = \frac{1}{\sigma^2} X^\top\mathbf{r} - \frac{1}{\sigma_0^2}\mathbf{w}, \qquad
        \frac{\partial}{\partial b} = \frac{1}{\sigma^2}\mathbf{1}^\top\mathbf{r}, \qquad
        \mathbf{r} = \mathbf{y} - X\mathbf{w} - b\mathbf{1}.

    Setting both to zero and multiplying by :math:`\sigma^2` gives the ridge
    equations with :math:`\lambda = \sigma^2/\sigma_0^2`.
    """
    X, y = _xy(X, y, "log_posterior_grad")
    w, b = _wb(w, b, X.shape[1], "log_posterior_grad")
    s2 = _positive(sigma, "sigma", "log_posterior_grad") ** 2
    s02 = _positive(sigma0, "sigma0", "log_posterior_grad") ** 2
    r = y - X @ w - b
    return X.T @ r / s2 - w / s02, float(r.sum() / s2)


# -- a generic minimizer -----------------------------------------------------------------------

def bfgs(
    fun: Callable[[np.ndarray], tuple[float, np.ndarray]],
    x0: Any,
    *,
    gtol: float = 1e-10,
    max_iter: int = 1000,
) -> tuple[np.ndarray, int]:
    r"""Minimize a smooth function with BFGS and a backtracking (Armijo) line search.

    ``fun(x)`` returns the value and the gradient at ``x`` (a float64 vector).
    The inverse-Hessian estimate :math:`H` starts as the identity scaled after
    the first step and is updated with

    .. math::
        H \leftarrow (I - \rho\,\mathbf{s}\mathbf{y}^\top) H (I - \rho\,\mathbf{y}\mathbf{s}^\top) + \rho\,\mathbf{s}\mathbf{s}^\top,
        \qquad \rho = 1/\mathbf{y}^\top\mathbf{s},

    skipped when the curvature :math:`\mathbf{y}^\top\mathbf{s}` is not positive.
    Stops when :math:`\lVert\nabla f\rVert_\infty \le` ``gtol`` (times
    :math:`\max(1, |f|)`) or after ``max_iter`` iterations.

    Returns
    -------
    x : ndarray
        The minimizer found.
    iterations : int
        The iterations used; raises ``RuntimeError`` if it did not converge.
    """
    x = np.array(x0, dtype=np.float64).ravel()
    f, g = fun(x)
    g = np.asarray(g, dtype=np.float64).ravel()
    if g.shape != x.shape:
        raise ValueError(f"bfgs: fun returned a gradient of shape {g.shape} for x of shape {x.shape}")
    H = np.eye(x.size)
    for it in range(int(max_iter)):
        if np.max(np.abs(g)) <= gtol * max(1.0, abs(f)):
            return x, it
        p = -H @ g
        slope = float(g @ p)
        if slope >= 0:  # not a descent direction: restart from steepest descent
            H = np.eye(x.size)
            p, slope = -g, -float(g @ g)
        t = 1.0
        while True:
            x_new = x + t * p
            f_new, g_new = fun(x_new)
            if f_new <= f + 1e-4 * t * slope:
                break
            t *= 0.5
            if t < 1e-20:
                raise RuntimeError("bfgs: the line search failed (is the gradient right?)")
        g_new = np.asarray(g_new, dtype=np.float64).ravel()
        s, yv = x_new - x, g_new - g
        sy = float(s @ yv)
        if sy > 1e-300:
            if it == 0:
                H = np.eye(x.size) * sy / float(yv @ yv)
            rho = 1.0 / sy
            Hy = H @ yv
            H = H - rho * (np.outer(s, Hy) + np.outer(Hy, s)) + (rho * rho * float(yv @ Hy) + rho) * np.outer(s, s)
        x, f, g = x_new, float(f_new), g_new
    if np.max(np.abs(g)) <= gtol * max(1.0, abs(f)):
        return x, int(max_iter)
    raise RuntimeError(f"bfgs: no convergence in {max_iter} iterations (largest gradient entry {np.max(np.abs(g)):.3g})")


# -- L1 ----------------------------------------------------------------------------------------

def soft_threshold(w: Any, t: float) -> np.ndarray:
    r"""The proximal operator of :math:`t\lVert\mathbf{w}\rVert_1`: :math:`\operatorname{sign}(w)\max(|w| - t, 0)`.

    Every entry with :math:`|w| \le t` becomes exactly 0, the others move
    :math:`t` towards 0. One proximal-gradient step of the lasso is a gradient
    step on the squared error followed by this operator with :math:`t = \eta\lambda`.
    """
    t = _nonnegative(t, "t", "soft_threshold")
    w = np.asarray(w, dtype=np.float64)
    return np.sign(w) * np.maximum(np.abs(w) - t, 0.0)


def lasso(
    X: Any, y: Any, lam: float, *, fit_bias: bool = True, tol: float = 1e-12, max_iter: int = 100_000
) -> tuple[np.ndarray, float]:
    r"""The lasso: minimize :math:`\lVert\mathbf{y} - X\mathbf{w} - b\mathbf{1}\rVert^2 + \lambda\lVert\mathbf{w}\rVert_1` by proximal gradient (ISTA).

    On centred data (``fit_bias``), each step is a gradient step on the squared
    error with step :math:`\eta = 1/(2 s_1^2)` (:math:`s_1` the largest singular
    value of :math:`X_c`), then :func:`soft_threshold` with :math:`\eta\lambda`:

    .. math:: \mathbf{w} \leftarrow S_{\eta\lambda}\big(\mathbf{w} + 2\eta X_c^\top(\mathbf{y}_c - X_c\mathbf{w})\big),

    until no weight moves by more than ``tol`` (relative to the largest).
    Unlike the subgradient step of ``SGD(l1=...)``, this gives weights that are
    exactly 0. The bias is not penalized: :math:`b = \bar y - \bar{\mathbf{x}}^\top\mathbf{w}`.
    """
    X, y = _xy(X, y, "lasso")
    lam = _nonnegative(lam, "lam", "lasso")
    Xc, yc, x_mean, y_mean = _centred(X, y, fit_bias)
    s1 = float(np.linalg.norm(Xc, 2))
    if s1 == 0:
        w = np.zeros(X.shape[1])
    else:
        eta = 1.0 / (2 * s1 * s1)
        w = np.zeros(X.shape[1])
        Xty = Xc.T @ yc
        G = Xc.T @ Xc
        for _ in range(int(max_iter)):
            w_new = soft_threshold(w + 2 * eta * (Xty - G @ w), eta * lam)
            moved = np.max(np.abs(w_new - w))
            w = w_new
            if moved <= tol * max(1.0, float(np.max(np.abs(w)))):
                break
        else:
            raise RuntimeError(f"lasso: no convergence in {max_iter} iterations")
    return w, float(y_mean - x_mean @ w)
