def parity_network():
    """A network of Linear layers and Step units computing x1 XOR x2 XOR x3."""
    # common mistake: thresholds exactly on the integers; right on exact 0/1 inputs only because
    # step(0) = 1, wrong as soon as an input is a little off
    at_least = nb.logic.linear(np.ones((3, 3)), [-1.0, -2.0, -3.0])
    odd = nb.logic.linear([[1.0], [-1.0], [1.0]], [-1.0])
    return nb.Sequential(at_least, nb.Step(), odd, nb.Step())
