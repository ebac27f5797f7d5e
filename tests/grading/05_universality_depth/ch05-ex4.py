# common mistake: forgetting that the theorem needs a compact domain
answer = {"a", "d", "g"}
