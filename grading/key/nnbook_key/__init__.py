"""The answer key of the exercises: for each chapter, the reference solutions and the catalogue of the usual
wrong answers (computed from the reference), which the chapter's checkers in :mod:`nnbook.exercises` compare
the student's answers with.

The key is kept apart from the checking logic: a checker asks it for the expected answer and the mistakes on
the inputs it chose, and judges only the numbers that come back.
"""
