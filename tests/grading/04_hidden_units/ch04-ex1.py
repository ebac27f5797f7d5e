class MyELU(nb.Module):
    """The ELU unit: z for z > 0, alpha * (exp(z) - 1) otherwise."""

    def __init__(self, alpha=1.0):
        self.alpha = alpha
        self.z = None

    # common mistake: np.where evaluates np.exp(z) for every entry, so exp(1000) overflows in the
    # branch that is thrown away; right on moderate inputs, an overflow (or a nan) on large ones
    def forward(self, z):
        self.z = z
        return np.where(z > 0, z, self.alpha * (np.exp(z) - 1))

    def backward(self, grad_out):
        return grad_out * np.where(self.z > 0, 1.0, self.alpha * np.exp(self.z))
