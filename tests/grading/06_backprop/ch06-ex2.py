def tanh_net_backward(X, Y, W1, b1, W2, b2):
    """Gradients of MSELoss for Linear -> Tanh -> Linear: (dW1, db1, dW2, db2)."""
    # common mistake: the tanh slope written (1 - h)^2, as on some lecture slides, instead of 1 - h^2
    H = np.tanh(X @ W1 + b1)
    Y_hat = H @ W2 + b2
    delta2 = 2 * (Y_hat - Y) / Y_hat.size
    delta1 = (delta2 @ W2.T) * (1 - H) ** 2
    return X.T @ delta1, delta1.sum(axis=0), H.T @ delta2, delta2.sum(axis=0)
