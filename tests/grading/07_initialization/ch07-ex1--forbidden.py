def xavier_uniform_init(d_in, d_out, rng):
    """Glorot and Bengio's uniform initialization: a (d_in, d_out) array from U(-a, a), a = sqrt(6 / (d_in + d_out))."""
    # against the rule: the package's initializer
    return nb.init.xavier_uniform((d_in, d_out), rng)
