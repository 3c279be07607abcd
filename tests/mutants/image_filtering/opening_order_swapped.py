"""opening dilates first and erodes second, which is a closing."""


def opening(mask, size):
    return erode(dilate(mask, size), size)
