# common mistake: "weight decay, L1 and early stopping all pull weights to zero", so (e) too;
# but SGD(l1=...) takes subgradient steps, and its weights hover around 0 without reaching it
answer = {"a", "b", "d", "e"}
