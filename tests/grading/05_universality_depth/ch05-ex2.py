def kinks(W1, b1, W2):
    """The points where F(x) = relu(x W1 + b1) W2 + b2 changes slope, in increasing order."""
    # common mistake: every switching point counts as a kink, even where the output does not bend
    w, b = np.ravel(W1), np.ravel(b1)
    live = w != 0
    return np.sort(-b[live] / w[live])
