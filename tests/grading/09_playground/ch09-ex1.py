def feature_map(X):
    """The seven playground features of X (n, 2): x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2), as (n, 7)."""
    X = np.asarray(X, dtype=float)
    x1, x2 = X[:, 0], X[:, 1]
    # common mistake: np.array stacks the seven features as rows, so the result has shape (7, n)
    return np.array([x1, x2, x1**2, x2**2, x1 * x2, np.sin(x1), np.sin(x2)])
