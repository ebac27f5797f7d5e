def activation_profile(model, X):
    """For each hidden layer of model: [std of its activations, fraction with |h| > 0.99], shape (n_layers, 2)."""
    # common mistake: the statistics of the Linear layers' outputs (the pre-activations s), not of h = g(s)
    rows, out = [], X
    for layer in model:
        out = layer.forward(out)
        if isinstance(layer, nb.Linear):
            rows.append([np.std(out), np.mean(np.abs(out) > 0.99)])
    return np.array(rows)
