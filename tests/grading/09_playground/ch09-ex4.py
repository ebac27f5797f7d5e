# common mistake: mini-batch noise is the same for every unit of a layer, so it cannot tell them apart
answer = "b"
