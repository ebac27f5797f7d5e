def input_dropout_penalty(X, w, p):
    """The expected extra squared error of a linear model with dropout p on its inputs."""
    # common mistake: the variance of the mask m ~ Bernoulli(1 - p), p (1 - p), without the 1/(1 - p)^2 of the scaling
    return p * (1 - p) * np.sum(w**2 * np.sum(X**2, axis=0))
