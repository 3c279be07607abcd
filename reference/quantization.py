"""Trusted references for the `quantization` graders, computed in the grading process on CPU copies.

Built on vector-quantize-pytorch 1.32.0 (`ResidualVQ`, `LFQ`, `FSQ`, its `straight_through` and
its `kmeans`), scikit-learn (`KMeans`), SciPy (`cdist`, `entropy`) and torch.nn.functional.
Where the library allows it they run in float64; where it does not, the docstring says what it
does instead and the graders draw inputs on which that cannot matter:

- ResidualVQ (its `Codebook.forward`) casts inputs and codebooks to float32 and measures
  distances as √(|x|² − 2x·c + |c|²): codebooks must be float32-representable (they are stored
  in a float32 buffer), and `nearest_margin` must be far above float32 rounding.
- LFQ quantises in float32 by default (`force_quantization_f32`): a float64 z in (0, 1.4e−45)
  rounds to 0 there and maps to −1, and its straight-through gradient is rounded to float32.
  `lfq` passes `force_quantization_f32=False` and converts the module to float64.
- FSQ computes its per-level constants in torch's default dtype: `fsq` sets it to float64.
"""

import contextlib

import numpy as np
import torch
import torch.nn.functional as F
from scipy.spatial.distance import cdist
from scipy.stats import entropy
from sklearn.cluster import KMeans
from vector_quantize_pytorch import FSQ, LFQ, ResidualVQ
from vector_quantize_pytorch import vector_quantize_pytorch as vqp

F64 = torch.float64

# ResidualVQ as the contract's RVQ: plain Euclidean nearest codes from fixed codebooks, nothing learnt or
# dropped. eval() below also switches off the EMA updates, dead-code expiry and quantize dropout of training.
RVQ_SETTINGS = dict(
    kmeans_init=False, ema_update=False, learnable_codebook=False, use_cosine_sim=False, affine_param=False,
    threshold_ema_dead_code=0, quantize_dropout=False, rotation_trick=False, straight_through=False,
    stochastic_sample_codes=False, commitment_weight=0.0, shared_codebook=False, implicit_neural_codebook=False,
)


def _rows(z: torch.Tensor) -> torch.Tensor:
    """z (..., d) as the (batch, sequence, d) = (1, N, d) layout the library's modules take."""
    return z.reshape(1, -1, z.shape[-1])


# -- nearest codes ------------------------------------------------------------------

def squared_distances(z: torch.Tensor, codebook: torch.Tensor) -> torch.Tensor:
    """‖z − c_k‖² (..., K) in float64, SciPy's `cdist(..., "sqeuclidean")` (direct differences)."""
    d2 = cdist(z.detach().reshape(-1, z.shape[-1]).double().numpy(), codebook.detach().double().numpy(),
               "sqeuclidean")
    return torch.from_numpy(d2).reshape(*z.shape[:-1], codebook.shape[0])


def nearest_code(z, codebook):
    """(indices int64, codes): argmin of the squared distances (NumPy's argmin: the first, lowest index)."""
    indices = torch.from_numpy(np.asarray(squared_distances(z, codebook).numpy().argmin(axis=-1))).long()
    return indices, codebook.double()[indices]


def nearest_margin(z, codebook) -> float:
    """The smallest gap between the nearest and the second-nearest squared distance over all vectors."""
    d2 = squared_distances(z, codebook).reshape(-1, codebook.shape[0]).sort(dim=-1).values
    return float((d2[:, 1] - d2[:, 0]).min()) if codebook.shape[0] > 1 else float("inf")


def straight_through(z, codes):
    """vector-quantize-pytorch's `straight_through(src, tgt)`: src + (tgt − src).detach()."""
    return vqp.straight_through(z, codes)


def vq_losses(z, codes, beta):
    """(F.mse_loss(sg[z], codes), beta · F.mse_loss(z, sg[codes])), as VQ-VAE and VectorQuantize write them."""
    return F.mse_loss(z.detach(), codes), beta * F.mse_loss(z, codes.detach())


# -- k-means --------------------------------------------------------------------------

def kmeans_sklearn(x, init, iters):
    """scikit-learn's Lloyd k-means from `init`, exactly as the contract names it, in float64."""
    km = KMeans(n_clusters=init.shape[0], init=init.double().numpy(), n_init=1, max_iter=iters, tol=0,
                algorithm="lloyd")
    return torch.from_numpy(km.fit(x.double().numpy()).cluster_centers_)


def kmeans_keep_empty(x, init, iters):
    """vector-quantize-pytorch's `kmeans` (an empty cluster keeps its mean) started from `init`, in float64."""
    means, _ = vqp.kmeans(x.double()[None], init.shape[0], iters, sample_fn=lambda samples, num: init.double()[None])
    return means[0]


def lloyd_checks(x, init, iters) -> tuple[int, float]:
    """(smallest cluster size, smallest assignment margin) over the `iters` assignments of a float64 Lloyd run.

    A guard on the graders' inputs, not a reference: a positive size means the data has no empty
    cluster (the case where scikit-learn and the contract agree).
    """
    points, means, sizes, margins = x.double().numpy(), init.double().numpy(), [], []
    for _ in range(iters):
        d2 = cdist(points, means, "sqeuclidean")
        labels = d2.argmin(axis=1)
        margins.append(float(np.diff(np.sort(d2, axis=1)[:, :2], axis=1).min()) if means.shape[0] > 1 else np.inf)
        counts = np.bincount(labels, minlength=means.shape[0])
        sizes.append(int(counts.min()))
        sums = np.zeros_like(means)
        np.add.at(sums, labels, points)
        means = np.where(counts[:, None] > 0, sums / np.maximum(counts, 1)[:, None], means)
    return min(sizes), min(margins)


# -- residual VQ -----------------------------------------------------------------------

def _float32_exact(codebook: torch.Tensor) -> bool:
    return torch.equal(codebook.float().double(), codebook.double())


def residual_vq(z, codebooks):
    """(codes, indices int64) of vector_quantize_pytorch.ResidualVQ, in eval mode, holding `codebooks`."""
    if not all(_float32_exact(c) for c in codebooks):
        raise ValueError("ResidualVQ stores its codebooks in float32: draw float32-representable codebooks")
    sizes = tuple(int(c.shape[0]) for c in codebooks)
    rvq = ResidualVQ(dim=z.shape[-1], num_quantizers=len(sizes), codebook_size=sizes, **RVQ_SETTINGS).eval()
    for layer, codebook in zip(rvq.layers, codebooks):
        layer.codebook = codebook.double()
    with torch.no_grad():
        codes, indices, _ = rvq(_rows(z.double()))
    return codes.reshape(z.shape), indices.long().reshape(*z.shape[:-1], len(sizes))


def residual_margin(z, codebooks) -> float:
    """The smallest nearest/second-nearest gap over every stage of a float64 residual quantisation."""
    residual, margins = z.double(), []
    for codebook in codebooks:
        margins.append(nearest_margin(residual, codebook))
        residual = residual - nearest_code(residual, codebook)[1]
    return min(margins)


# -- LFQ and FSQ -------------------------------------------------------------------------

def lfq(z, training=False):
    """(codes, indices int64) of LFQ(dim=K, codebook_size=2**K) run in float64 (see the module docstring).

    In eval mode the codes are exactly ±1; in training mode (the module's default) they are
    straight-through, z + (codes − z).detach(), and the gradient to z is the identity.
    """
    bits = z.shape[-1]
    module = LFQ(dim=bits, codebook_size=2**bits, force_quantization_f32=False).double().train(training)
    out = module(_rows(z))
    return out.quantized.reshape(z.shape), out.indices.long().reshape(z.shape[:-1])


def lfq_indices_exact(z) -> torch.Tensor:
    """LFQ indices Σ_i [z_i > 0] · 2^(K−1−i), int64, summed in Python integers (K too large for LFQ's codebook)."""
    bits = (z > 0).reshape(-1, z.shape[-1]).tolist()
    indices = [sum(1 << (len(row) - 1 - i) for i, bit in enumerate(row) if bit) for row in bits]
    return torch.tensor(indices, dtype=torch.int64).reshape(z.shape[:-1])


@contextlib.contextmanager
def _default_dtype(dtype):
    previous = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        yield
    finally:
        torch.set_default_dtype(previous)


def fsq(z, levels):
    """(codes, indices int64) of vector_quantize_pytorch.FSQ(levels).eval() on float64 `z`, constants in float64."""
    with _default_dtype(F64):
        codes, indices = FSQ(list(levels)).eval()(_rows(z))
    return codes.reshape(z.shape), indices.long().reshape(z.shape[:-1])


def fsq_rounding_margin(z, levels) -> float:
    """How far the bounded values of float64 `z` stay from a rounding boundary k + 1/2 (the FSQ formula)."""
    L = torch.tensor(levels, dtype=F64)
    half = (L - 1) * (1 + 1e-3) / 2
    offset = (L % 2 == 0).double() / 2
    bounded = torch.tanh(z.double() + torch.atanh(offset / half)) * half - offset
    return float((0.5 - (bounded - bounded.round()).abs()).min())


# -- codebook statistics ---------------------------------------------------------------------

def codebook_usage(indices, codebook_size):
    """(fraction of codes used, exp of SciPy's natural-log entropy of the code histogram), Python floats."""
    counts = np.bincount(indices.flatten().numpy(), minlength=codebook_size)
    return float(np.count_nonzero(counts) / codebook_size), float(np.exp(entropy(counts)))
