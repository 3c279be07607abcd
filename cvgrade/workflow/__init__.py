"""The course workflow: nbgrader course actions, autograding, gradebook, feedback pages, Gradescope and the demo."""
