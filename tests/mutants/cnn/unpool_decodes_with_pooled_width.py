"""max_unpool2d splits each index into row and column with the pooled width instead of the output width."""


def max_unpool2d(x, indices, output_size):
    height, width = output_size[-2], output_size[-1]
    if indices.shape != x.shape:
        raise ValueError("indices must have x's shape")
    if indices.min() < 0 or indices.max() >= height * width:
        raise ValueError("indices out of range")
    rows, cols = indices // x.shape[3], indices % x.shape[3]
    flat = (rows * width + cols).clamp(0, height * width - 1)
    out = x.new_zeros(x.shape[0], x.shape[1], height * width).scatter(2, flat.flatten(2), x.flatten(2))
    return out.reshape(x.shape[0], x.shape[1], height, width)
