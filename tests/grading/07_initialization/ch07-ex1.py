def xavier_uniform_init(d_in, d_out, rng):
    """Glorot and Bengio's uniform initialization: a (d_in, d_out) array from U(-a, a), a = sqrt(6 / (d_in + d_out))."""
    # common mistake: the standard deviation sqrt(2 / (d_in + d_out)) used as the bound of the uniform,
    # whose variance a^2 / 3 is then a third of Xavier's
    a = np.sqrt(2 / (d_in + d_out))
    return rng.uniform(-a, a, size=(d_in, d_out))
