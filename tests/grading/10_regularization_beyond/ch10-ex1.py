def dropout_forward(x, p, rng):
    """Inverted dropout in training mode: returns (out, mask)."""
    # common mistake: p taken for the keep probability, so the kept units are scaled by 1/p
    mask = rng.random(x.shape) >= p
    return x * mask / p, mask


def dropout_backward(grad_out, mask, p):
    """The gradient with respect to x of inverted dropout with this mask."""
    return grad_out * mask / p
