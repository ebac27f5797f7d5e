def cross_entropy_grad(Z, y):
    """Gradient of the mean softmax cross-entropy with respect to the logits Z (n, K)."""
    Z = np.asarray(Z, dtype=float)
    n, K = Z.shape
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1, keepdims=True)
    # common mistake: the gradient of the summed loss, without the 1/n of the mean
    return probs - np.eye(K)[y]
