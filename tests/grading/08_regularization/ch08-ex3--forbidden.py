def map_weight_decay(sigma, sigma0, n):
    """nnbook's weight_decay for the MAP estimate with MSELoss on n examples."""
    # against the rule: the package's conversions
    return nb.regularization.weight_decay_for(nb.regularization.map_lambda(sigma, sigma0), n)
