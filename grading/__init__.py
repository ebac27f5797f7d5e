"""Course tools for the book's exercises: the student edition and autograding with nbgrader.

``python -m grading.student``        the student edition (``make student``)
``python -m grading.grade FOLDER``   grade a folder of submissions (``make grade``)
``python -m grading.exercise_table`` exercises and points per chapter
"""
