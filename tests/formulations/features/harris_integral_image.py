"""Harris with a separable Sobel ([1, 2, 1] ⊗ [-1, 0, 1]) and window sums read off an integral image (cumulative sums)."""


def harris_response(image, block_size=3, k=0.04):
    image = _check_image("image", image)
    _check_int("block_size", block_size, 1)
    _check_number("k", k, np.isfinite, "a finite number")
    p = np.pad(image, 1, mode="reflect")
    down = p[:-2] + 2 * p[1:-1] + p[2:]                # [1, 2, 1] down the rows
    across = p[:, :-2] + 2 * p[:, 1:-1] + p[:, 2:]     # [1, 2, 1] along the columns
    ix = (down[:, 2:] - down[:, :-2]) / (4 * block_size)
    iy = (across[2:] - across[:-2]) / (4 * block_size)
    before = block_size // 2
    pad = ((before, block_size - 1 - before),) * 2

    def window_sum(values):
        integral = np.zeros((values.shape[0] + block_size, values.shape[1] + block_size))
        integral[1:, 1:] = np.pad(values, pad, mode="reflect").cumsum(axis=0).cumsum(axis=1)
        b = block_size
        return integral[b:, b:] - integral[:-b, b:] - integral[b:, :-b] + integral[:-b, :-b]

    sxx, sxy, syy = window_sum(ix * ix), window_sum(ix * iy), window_sum(iy * iy)
    det, trace = sxx * syy - sxy * sxy, sxx + syy
    return det - k * trace * trace
