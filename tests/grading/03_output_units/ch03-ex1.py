def cross_entropy(Z, y):
    """Mean softmax cross-entropy of logits Z (n, K) and integer labels y (n,)."""
    Z = np.asarray(Z, dtype=float)
    # common mistake: a stable softmax, then the log of a probability, which underflows to
    # log(0) = -inf when the logits are large
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1, keepdims=True)
    return -np.mean(np.log(probs[np.arange(len(y)), y]))
