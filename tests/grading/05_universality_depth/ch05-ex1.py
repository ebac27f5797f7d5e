def make_bump(left, right, height):
    """Sequential(Linear(1, 2), Sigmoid(), Linear(2, 1)): about height on (left, right), about 0 outside."""
    # common mistake: biases -a instead of -s a, so the steps sit at a / s, not at a
    s = 1000.0
    hidden = nb.logic.linear([[s, s]], [-left, -right])
    output = nb.logic.linear([[height], [-height]], [0.0])
    return nb.Sequential(hidden, nb.Sigmoid(), output)
