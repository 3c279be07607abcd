"""closing erodes first and dilates second, which is an opening."""


def closing(mask, size):
    return dilate(erode(mask, size), size)
