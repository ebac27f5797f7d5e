# common mistake: a softmax for the photo labels too, though a photo can show several at once
answer = "ccab"
