"""Trusted references for the `generative_metrics` graders: pytorch-fid, torchmetrics, NumPy and SciPy.

Graders call these in the grading process, never through the submission, on
float64 copies of exactly the values the submission received. The torchmetrics
metrics get an identity feature extractor (the inputs already are features or
logits), with `num_features` set so that FID does not probe it with a dummy
299×299 image; they keep float64 inputs in float64 (FID accumulates in float64
anyway and returns the features' dtype). No Inception weights are involved.
"""

import contextlib
import io
import warnings

import numpy as np
import torch
from pytorch_fid.fid_score import calculate_frechet_distance
from scipy import linalg, special, stats
from torchmetrics.image.fid import FrechetInceptionDistance
from torchmetrics.image.inception import InceptionScore
from torchmetrics.image.kid import KernelInceptionDistance


class IdentityFeatures(torch.nn.Module):
    """A feature extractor that returns its input: the metric sees the given features as they are."""

    def __init__(self, num_features: int):
        super().__init__()
        self.num_features = num_features

    def forward(self, x):
        return x


def _tensor(x) -> torch.Tensor:
    return torch.as_tensor(np.asarray(x, dtype=np.float64))


@contextlib.contextmanager
def _quiet():
    """Silence torchmetrics' memory warnings and pytorch-fid's 'adding eps' message; torch on one thread.

    The inputs are tiny: on a busy machine torch's thread pool costs ~30 ms per small matmul, one
    thread 0.1 ms. The caller's thread count is restored afterwards.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            yield
    finally:
        torch.set_num_threads(threads)


def feature_statistics(features):
    """(np.mean over samples, np.cov(rowvar=False) kept 2-D for D = 1)."""
    x = np.asarray(features, dtype=np.float64)
    return x.mean(axis=0), np.atleast_2d(np.cov(x, rowvar=False))


def frechet_distance(mu1, sigma1, mu2, sigma2, eps=1e-6):
    """pytorch_fid.fid_score.calculate_frechet_distance (scipy sqrtm, eps·I fallback, imaginary check)."""
    with _quiet():
        return float(calculate_frechet_distance(np.asarray(mu1, np.float64), np.asarray(sigma1, np.float64),
                                                np.asarray(mu2, np.float64), np.asarray(sigma2, np.float64), eps=eps))


def sqrtm_is_finite(sigma1, sigma2) -> bool:
    """Whether scipy's square root of sigma1 @ sigma2 is finite (else pytorch-fid takes the eps fallback)."""
    with _quiet():
        return bool(np.isfinite(linalg.sqrtm(np.asarray(sigma1) @ np.asarray(sigma2))).all())


def fid_from_features(real, fake):
    """torchmetrics FrechetInceptionDistance(feature=identity) updated with both sets, in float64."""
    d = np.shape(real)[1]
    with _quiet():
        metric = FrechetInceptionDistance(feature=IdentityFeatures(d))
        metric.update(_tensor(real), real=True)
        metric.update(_tensor(fake), real=False)
        return float(metric.compute())


def kernel_inception_distance(real, fake):
    """torchmetrics KernelInceptionDistance(feature=identity, subsets=1, subset_size=N): its kid_mean, in float64.

    With one subset of all N samples the random permutation only reorders the sums.
    """
    n, d = np.shape(real)
    with _quiet():
        metric = KernelInceptionDistance(feature=IdentityFeatures(d), subsets=1, subset_size=n)
        metric.update(_tensor(real), real=True)
        metric.update(_tensor(fake), real=False)
        kid_mean, _ = metric.compute()
        return float(kid_mean)


def kernel_scale(real, fake):
    """mean|k(x, x')| + mean|k(y, y')| + 2·mean|k(x, y)|: the size of the terms KID cancels, for its tolerance."""
    x, y = np.asarray(real, np.float64), np.asarray(fake, np.float64)
    d = x.shape[1]
    return float(sum(w * np.abs((a @ b.T / d + 1) ** 3).mean() for w, a, b in ((1, x, x), (1, y, y), (2, x, y))))


def inception_score(logits):
    """torchmetrics InceptionScore(feature=identity, splits=1) on the logits: its inception_mean, in float64.

    torchmetrics takes the log of the marginal p(y): it is NaN when a class has
    probability 0 for every sample (huge logits with unused classes); use
    `inception_score_rel_entr` there.
    """
    with _quiet():
        metric = InceptionScore(feature=IdentityFeatures(np.shape(logits)[1]), splits=1)
        metric.update(_tensor(logits))
        mean, _ = metric.compute()
        return float(mean)


def inception_score_rel_entr(logits):
    """exp(mean_x Σ_y rel_entr(p(y|x), p(y))) with SciPy's softmax and rel_entr, which sets 0·log(0/q) = 0."""
    p = special.softmax(np.asarray(logits, np.float64), axis=1)
    return float(np.exp(special.rel_entr(p, p.mean(axis=0)).sum(axis=1).mean()))


def mode_coverage(labels, num_classes):
    """(share of the np.bincount(minlength=K) bins that are non-zero, scipy.stats.entropy(counts, uniform) in nats)."""
    counts = np.bincount(np.asarray(labels), minlength=num_classes)
    return (float(np.count_nonzero(counts) / num_classes),
            float(stats.entropy(counts, np.full(num_classes, 1.0 / num_classes))))
