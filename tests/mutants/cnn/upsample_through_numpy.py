"""upsample_nearest repeats the pixels in NumPy (np.repeat) and wraps the result in a new tensor: the values are
right, but no gradient reaches x."""

import numpy as np


def upsample_nearest(x, scale_factor):
    _images(x)
    s = _int(scale_factor, "scale_factor", 1)
    repeated = np.repeat(np.repeat(x.detach().cpu().numpy(), s, axis=2), s, axis=3)
    return torch.from_numpy(repeated).to(x.device)
