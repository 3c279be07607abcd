"""conv_output_size rounds up (ceil) instead of down, counting a window that hangs over the edge."""

import math


def conv_output_size(size, kernel_size, stride=1, padding=0, dilation=1):
    out = math.ceil((size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1
    if out < 1:
        raise ValueError(f"output size {out} is not positive")
    return out
