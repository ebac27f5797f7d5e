# common mistake: "forward mode for many inputs": the modes swapped, forward mode is the one
# whose number of sweeps grows with the number of inputs
answer = "frrf"
