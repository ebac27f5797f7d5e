def sparsemax(Z):
    """Sparsemax of each row of the logits Z (n, K): max(z - tau, 0), summing to 1."""
    Z = np.asarray(Z, dtype=float)
    ordered = -np.sort(-Z, axis=1)
    cumulative = np.cumsum(ordered, axis=1)
    k = np.arange(1, Z.shape[1] + 1)
    k_z = np.sum(1 + k * ordered > cumulative, axis=1, keepdims=True)
    # common mistake: the threshold without its 1/k(z), so a row with several classes in the
    # support no longer sums to 1
    tau = np.take_along_axis(cumulative, k_z - 1, axis=1) - 1
    return np.maximum(Z - tau, 0)
