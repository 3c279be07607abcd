"""harris_response subtracts k·trace instead of k·trace² (R = det − k·(Sxx + Syy))."""


def harris_response(image, block_size=3, k=0.04):
    image = _check_image("image", image)
    _check_int("block_size", block_size, 1)
    _check_number("k", k, np.isfinite, "a finite number")
    p = np.pad(image, 1, mode="reflect")
    gx = (p[:-2, 2:] + 2 * p[1:-1, 2:] + p[2:, 2:]) - (p[:-2, :-2] + 2 * p[1:-1, :-2] + p[2:, :-2])
    gy = (p[2:, :-2] + 2 * p[2:, 1:-1] + p[2:, 2:]) - (p[:-2, :-2] + 2 * p[:-2, 1:-1] + p[:-2, 2:])
    ix, iy = gx / (4 * block_size), gy / (4 * block_size)
    before, after = block_size // 2, block_size - 1 - block_size // 2

    def window_sum(values):
        padded = np.pad(values, ((before, after), (before, after)), mode="reflect")
        return sliding_window_view(padded, (block_size, block_size)).sum(axis=(-2, -1))

    sxx, sxy, syy = window_sum(ix * ix), window_sum(ix * iy), window_sum(iy * iy)
    return sxx * syy - sxy ** 2 - k * (sxx + syy)
