class MyLinear(nb.Linear):
    """Z = X @ W + b, batch first."""
    # against the rule: the package's Linear, subclassed
