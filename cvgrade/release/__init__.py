"""The student release and the proof that graders grade: stubs from solutions, and the self-check."""
