"""max_unpool2d scatters into one flat buffer with the plane-local indices, so every value lands in plane (0, 0)."""


def max_unpool2d(x, indices, output_size):
    height, width = output_size[-2], output_size[-1]
    if indices.shape != x.shape:
        raise ValueError("indices must have x's shape")
    if indices.min() < 0 or indices.max() >= height * width:
        raise ValueError("indices out of range")
    out = x.new_zeros(x.shape[0] * x.shape[1] * height * width)
    out = out.scatter(0, indices.flatten(), x.flatten())
    return out.reshape(x.shape[0], x.shape[1], height, width)
