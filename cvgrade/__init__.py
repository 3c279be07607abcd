"""cvgrade: release, grade and self-check the course's autograded assignments."""

__version__ = "0.1.0"
