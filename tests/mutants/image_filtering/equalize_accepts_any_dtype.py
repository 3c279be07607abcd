"""equalize_histogram casts any input to uint8 instead of rejecting non-uint8 images with ValueError."""

_solution_equalize_histogram = equalize_histogram


def equalize_histogram(image):
    return _solution_equalize_histogram(np.asarray(image).astype(np.uint8))
