"""Seeded inputs for graders, identical on every device.

Tensors are drawn on the CPU in float64 from a `torch.Generator` seeded with the
test's seed, then cast and moved, so CPU and CUDA grading see the same numbers.
"""

from __future__ import annotations

import functools

import numpy as np


def _draw(sampler, shape, seed: int, dtype, device):
    import torch

    generator = torch.Generator().manual_seed(seed)
    values = sampler(*shape, generator=generator, dtype=torch.float64)
    return values.to(dtype or torch.float32).to(device)


def randn(*shape: int, seed: int, dtype=None, device="cpu"):
    """Standard normal tensor of `shape` (float32 unless `dtype`), on `device`."""
    import torch

    return _draw(torch.randn, shape, seed, dtype, device)


def rand(*shape: int, seed: int, dtype=None, device="cpu"):
    """Uniform [0, 1) tensor of `shape` (float32 unless `dtype`), on `device`."""
    import torch

    return _draw(torch.rand, shape, seed, dtype, device)


def randint(low: int, high: int, shape: tuple[int, ...], *, seed: int, device="cpu"):
    """int64 tensor of integers in [low, high), on `device`."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    return torch.randint(low, high, shape, generator=generator).to(device)


def np_rng(seed: int) -> np.random.Generator:
    """NumPy generator for array inputs."""
    return np.random.default_rng(seed)


@functools.lru_cache(maxsize=None)
def _skimage_gray(name: str) -> np.ndarray:
    from skimage import color, data, util

    image = getattr(data, name)()
    if image.ndim == 3:
        image = util.img_as_ubyte(color.rgb2gray(image[..., :3]))
    return image


@functools.lru_cache(maxsize=None)
def _resized(name: str, size: tuple[int, int] | None) -> np.ndarray:
    image = _skimage_gray(name)
    if size is not None:
        from skimage import transform, util

        image = util.img_as_ubyte(transform.resize(image, size, anti_aliasing=True))
    return image


def sample_image(name: str, size: tuple[int, int] | None = None) -> np.ndarray:
    """Grayscale uint8 `skimage.data` image (`camera`, `coins`, `astronaut`, ...), resized to (h, w); a fresh copy."""
    return _resized(name, None if size is None else tuple(size)).copy()
