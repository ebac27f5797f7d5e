# common mistake: |s| treated like a ReLU (factor 2), and the uniform bound sqrt(6 / n_in) taken for a variance
# of 6 / n_in; |s| keeps all of E[s^2], and U(-a, a) has variance a^2 / 3 = 2 / n_in
answer = {"a", "c", "e", "g"}
