"""max_unpool2d does not check its indices: a bad index fails inside scatter, not with a ValueError."""


def max_unpool2d(x, indices, output_size):
    height, width = output_size[-2], output_size[-1]
    out = x.new_zeros(x.shape[0], x.shape[1], height * width).scatter(2, indices.flatten(2), x.flatten(2))
    return out.reshape(x.shape[0], x.shape[1], height, width)
