def shallow_sawtooth():
    """One hidden layer of 8 ReLU units computing the tent map composed 3 times on [0, 1]."""
    # common mistake: the slope alternates between +8 and -8, so it must change by 16 at each kink, not by 8
    k = np.arange(8)
    hidden = nb.logic.linear(np.ones((1, 8)), -k / 8)
    slope_changes = np.where(k == 0, 8.0, np.where(k % 2 == 1, -8.0, 8.0))
    return nb.Sequential(hidden, nb.ReLU(), nb.logic.linear(slope_changes[:, None], [0.0]))
