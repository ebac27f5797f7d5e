def decay_step(params, lr, weight_decay):
    """One in-place SGD step with weight decay on the weights (p.decay) and a plain step on the rest."""
    # common mistake: every parameter is decayed, the biases too
    for p in params:
        p.value *= 1 - lr * weight_decay
        p.value -= lr * p.grad
