def logistic_gradient(X, y, w, b):
    """Gradient (grad_w, grad_b) of the mean cross-entropy of sigmoid(X @ w + b) against y."""
    # common mistake: the gradient of the summed loss, not of the mean (n times too large)
    error = nb.functional.sigmoid(X @ w + b) - y
    return X.T @ error, error.sum(axis=0)
