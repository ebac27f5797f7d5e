# common mistake: "a PReLU is max(z, a z)", but for a = 2 that maximum takes the slope 2 for z > 0;
# the PReLU with a = 2 is min(z, 2z), a concave function, and (i) is a shifted ReLU, so it is convex
answer = {"a", "b", "c", "d", "j"}
