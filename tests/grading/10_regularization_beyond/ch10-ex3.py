def train_regularized(X, y, rng):
    """A 1-64-64-1 network trained on (X, y) with a regularizer; returns the model."""
    # common mistake: a regularizer too weak to matter (dropout with p = 0.01), so the network still fits the noise
    model = nb.Sequential(nb.Linear(1, 64, rng=rng), nb.Tanh(), nb.Linear(64, 64, rng=rng), nb.Tanh(),
                          nb.Dropout(0.01, rng=rng), nb.Linear(64, 1, rng=rng))
    opt = nb.SGD(model.parameters(), lr=0.1, momentum=0.9)
    nb.fit(model, nb.MSELoss(), opt, X, y, epochs=2500)
    return model
