def sigmoid(z):
    """The logistic sigmoid 1 / (1 + exp(-z)), computed without overflow."""
    z = np.asarray(z, dtype=float)
    # common mistake: the textbook formula, whose exp(-z) overflows for z below about -709
    return 1 / (1 + np.exp(-z))
