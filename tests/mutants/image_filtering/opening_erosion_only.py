"""opening stops after the erosion and never dilates back, so every shape shrinks."""


def opening(mask, size):
    return erode(mask, size)
