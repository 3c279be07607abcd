"""max_pool2d takes the window maximum with amax (the right values and, by argmax, the right indices), but amax's
gradient is shared equally among tied maxima instead of reaching the first one alone."""


def max_pool2d(x, kernel_size, stride=None, padding=0, return_indices=False):
    _images(x)
    kernel, stride, padding = _pool_args(kernel_size, stride, padding)
    oh = conv_output_size(x.shape[2], kernel[0], stride[0], padding[0])
    ow = conv_output_size(x.shape[3], kernel[1], stride[1], padding[1])
    padded = F.pad(x, (padding[1], padding[1], padding[0], padding[0]), value=float("-inf"))
    windows = im2col(padded, kernel, stride).reshape(x.shape[0], x.shape[1], kernel[0] * kernel[1], oh, ow)
    values = windows.amax(dim=2)
    if not return_indices:
        return values
    offset = windows.argmax(dim=2)
    rows = torch.arange(oh, device=x.device).reshape(-1, 1) * stride[0] - padding[0] + offset // kernel[1]
    cols = torch.arange(ow, device=x.device) * stride[1] - padding[1] + offset % kernel[1]
    return values, rows * x.shape[3] + cols
