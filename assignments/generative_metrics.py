"""Metrics for generative models (spec §12): FID, KID, Inception Score and mode coverage.

A generative model is judged through features of its samples (the activations of
a fixed network such as Inception-v3) and through a classifier's predictions on
them. FID compares Gaussians fitted to the real and the generated features, KID
compares the feature sets themselves with a polynomial kernel, the Inception
Score rewards confident and varied class predictions, and mode coverage counts
which classes the generator produces at all.

Features are (N, D) NumPy arrays or torch tensors, of any float dtype and on any
device: every function first turns them into float64 NumPy arrays (`_as_float64`)
and computes in float64, so a float32 tensor on a GPU and its float64 NumPy copy
give the same result. Scalar results are Python floats.

pytorch-fid and torchmetrics are the references the graders compare against, so no
function here may call them. `np.cov`, `torch.cov` and `scipy.linalg.sqrtm` may be
used. Bad input raises ValueError naming the parameter.
"""

import numpy as np
import torch
from scipy import linalg, special

IMAGINARY_LIMIT = 1e-3  # the largest imaginary part of a matrix square root that counts as rounding


def _as_float64(x) -> np.ndarray:
    """A NumPy array or a torch tensor (any dtype, any device) as a float64 NumPy array."""
    if isinstance(x, torch.Tensor):
        return x.detach().to("cpu", torch.float64).numpy()
    return np.asarray(x, dtype=np.float64)


def _features(name: str, x, min_samples: int) -> np.ndarray:
    """`x` as a float64 (N, D) array with N >= min_samples and D >= 1, else ValueError naming `name`."""
    x = _as_float64(x)
    if x.ndim != 2 or x.shape[1] < 1:
        raise ValueError(f"{name} must be a 2-D (N, D) array with D >= 1, got shape {x.shape}")
    if x.shape[0] < min_samples:
        raise ValueError(f"{name} needs at least {min_samples} samples (rows), got {x.shape[0]}")
    return x


def feature_statistics(features) -> tuple[np.ndarray, np.ndarray]:
    """Mean and unbiased covariance of (N, D) features, as float64 NumPy arrays:

        mu    = 1/N       Σ_n x_n                          shape (D,)
        sigma = 1/(N − 1) Σ_n (x_n − mu)(x_n − mu)ᵀ        shape (D, D), also when D = 1

    the statistics of `np.cov(features, rowvar=False)`. `features` is a NumPy array or a
    torch tensor (any float dtype, any device); both results are float64 NumPy arrays
    whatever the input. Not 2-D, or fewer than 2 samples: ValueError naming features.
    """
    raise NotImplementedError("generative_metrics.feature_statistics: not implemented yet")


def frechet_distance(mu1, sigma1, mu2, sigma2, eps: float = 1e-6) -> float:
    """Fréchet distance between the Gaussians N(mu1, sigma1) and N(mu2, sigma2), in float64:

        d² = ‖mu1 − mu2‖² + Tr(sigma1 + sigma2 − 2 (sigma1 sigma2)^½)

    `mu1`, `mu2` are (D,) and `sigma1`, `sigma2` (D, D), NumPy arrays or torch tensors.
    The square root may come from `scipy.linalg.sqrtm` or from an eigendecomposition
    (Tr (Σ1Σ2)^½ is the sum of the square roots of the eigenvalues of Σ1Σ2). When it is
    not finite (SciPy's can be NaN for a singular product), add eps·I to both covariances
    and take it again. Rounding can leave an imaginary part: one of at most 1e-3 (on the
    diagonal of the root, or in the roots of the eigenvalues) is dropped; a larger one
    means the inputs are not covariances: ValueError naming sigma1 and sigma2.
    mu1 and mu2 not (D,) vectors of one length, a sigma that is not (D, D), or eps < 0:
    ValueError naming the parameter. Returns a Python float.
    """
    raise NotImplementedError("generative_metrics.frechet_distance: not implemented yet")


def fid_from_features(real, fake) -> float:
    """FID between two feature sets: the Fréchet distance of their `feature_statistics`.

    `real` (N1, D) and `fake` (N2, D) may hold different numbers of samples, each at
    least 2. Either not 2-D or with fewer than 2 samples: ValueError naming it;
    different feature dimensions D: ValueError naming real and fake.
    """
    raise NotImplementedError("generative_metrics.fid_from_features: not implemented yet")


def kernel_inception_distance(real, fake) -> float:
    """KID: the unbiased estimate of MMD² between two sets of m samples, in float64:

        k(x, y) = (xᵀy / D + 1)³
        KID = 1/(m(m−1)) Σ_{i≠j} k(x_i, x_j) + 1/(m(m−1)) Σ_{i≠j} k(y_i, y_j) − 2/m² Σ_{i,j} k(x_i, y_j)

    over all samples at once (no subsets), x_i the rows of `real` and y_j those of
    `fake`, both (m, D). Leaving out the pairs i = j makes the estimate unbiased, so it
    can be slightly negative when both sets come from one distribution. Either not 2-D
    or with fewer than 2 samples: ValueError naming it; different D or different sample
    counts: ValueError naming real and fake. Returns a Python float.
    """
    raise NotImplementedError("generative_metrics.kernel_inception_distance: not implemented yet")


def inception_score(logits) -> float:
    """Inception Score of (N, C) classifier logits, one split, in float64:

        IS = exp( mean_x KL(p(y|x) ‖ p(y)) ),  p(y|x) = softmax(logits[x]),  p(y) = mean_x p(y|x)

    between 1 (every prediction the same) and C (confident predictions spread evenly
    over the classes). Stable for logits of any size: work with log p(y|x) =
    log_softmax(logits) and log p(y) = logsumexp_x log p(y|x) − log N, so a probability
    that rounds to 0 contributes 0 · (finite) = 0 to the KL. Not 2-D, or no sample:
    ValueError naming logits. Returns a Python float.
    """
    raise NotImplementedError("generative_metrics.inception_score: not implemented yet")


def mode_coverage(labels, num_classes: int) -> tuple[float, float]:
    """How well generated samples cover the classes, from their predicted class labels:

        h_k      = (number of labels equal to k) / N                 for k = 0 … K−1, K = num_classes
        coverage = (number of classes k with h_k > 0) / K            a fraction of classes, not of samples
        kl       = KL(h ‖ uniform) = Σ_k h_k · log(h_k · K)          in nats, with 0 · log 0 = 0

    Returns (coverage, kl) as Python floats: (1.0, 0.0) when every class occurs equally
    often, (1/K, log K) when one class takes every sample. `labels` is a non-empty 1-D
    NumPy array or torch tensor of integers in [0, K) (an integer dtype), else ValueError
    naming labels; `num_classes` an int >= 1, else ValueError naming num_classes.
    """
    raise NotImplementedError("generative_metrics.mode_coverage: not implemented yet")
