def at_least(k, n):
    """Weights and bias of a threshold unit that fires when at least k of n binary inputs are 1."""
    # common mistake: treating step(0) as 0, so the unit already fires at k - 1 ones
    return np.ones(n), -(k - 1.0)
