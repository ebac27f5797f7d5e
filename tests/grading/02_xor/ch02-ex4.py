# common mistake: parity "looks simple", but its true and false points have the same mean
answer = {"a", "b", "c", "e", "g"}
