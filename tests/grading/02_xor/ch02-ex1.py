# a 2-2-1 ReLU network whose output is XNOR(x1, x2)
# common mistake: the weights of the XOR network, not turned into 1 - XOR
W1 = np.array([[1.0, 1.0], [1.0, 1.0]])
b1 = np.array([0.0, -1.0])
W2 = np.array([[1.0], [-2.0]])
b2 = np.array([0.0])
