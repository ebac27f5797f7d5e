# common mistake: expecting gradient descent to reach a finite minimum with zero loss
answer = "a"
