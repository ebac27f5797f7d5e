class MyLinear(nb.Module):
    """Z = X @ W + b, batch first."""

    def __init__(self, in_features, out_features, rng=None):
        rng = rng if rng is not None else np.random.default_rng(0)
        self.weight = nb.Parameter(rng.normal(scale=1 / np.sqrt(in_features), size=(in_features, out_features)))
        self.bias = nb.Parameter(np.zeros(out_features))
        self.x = None

    def forward(self, x):
        self.x = x
        return x @ self.weight.value + self.bias.value

    # common mistake: the gradients are assigned (=), not added (+=): right after one backward pass,
    # wrong as soon as gradients should accumulate
    def backward(self, grad_out):
        self.weight.grad = self.x.T @ grad_out
        self.bias.grad = grad_out.sum(axis=0)
        return grad_out @ self.weight.value.T
