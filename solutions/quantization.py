"""Vector quantisation (spec §11): nearest-code lookup, the straight-through estimator, the
VQ-VAE losses, a k-means codebook, residual VQ, and the codebook-free quantisers LFQ and FSQ.

Every function works on the device and dtype (float32 or float64) of its tensor inputs and
returns results in that dtype; indices are int64. Distances are squared Euclidean, and a
tie between codes goes to the lowest index. `...` stands for any number of leading
(batch) dimensions, also none. Bad input raises ValueError with a message that names the
parameter at fault (`z`, `codes`, `codebook`, `levels`, ...).

Do not call vector-quantize-pytorch, scikit-learn's k-means, SciPy's `vq`, `kmeans` or
`entropy`: the graders compare with them, and a function that calls them earns no points.
`torch.cdist` is allowed.
"""

import math

import torch

MAX_LFQ_BITS = 63  # an LFQ index of K <= 63 bits fits in int64


# -- input checks (shared by the functions below) ------------------------------

def _check_vectors(name: str, x: torch.Tensor) -> None:
    """x must be a floating tensor (..., D) with D >= 1."""
    if x.ndim < 1 or x.shape[-1] < 1 or not x.is_floating_point():
        raise ValueError(f"{name} must be a floating tensor of vectors (..., D) with D >= 1, "
                         f"got shape {tuple(x.shape)} and dtype {x.dtype}")


def _check_codebook(name: str, codebook: torch.Tensor, z: torch.Tensor) -> None:
    """codebook must be (K, D) with K >= 1, of z's D, dtype and device."""
    if codebook.ndim != 2 or codebook.shape[0] < 1 or codebook.shape[1] != z.shape[-1]:
        raise ValueError(f"{name} must be (K, D) = (K, {z.shape[-1]}) with K >= 1, got {tuple(codebook.shape)}")
    if codebook.dtype != z.dtype or codebook.device != z.device:
        raise ValueError(f"{name} must have the dtype and device of the vectors ({z.dtype} on {z.device}), "
                         f"got {codebook.dtype} on {codebook.device}")


def _check_same_shape(name: str, x: torch.Tensor, ref_name: str, ref: torch.Tensor) -> None:
    """x (called `name`) must have the shape of `ref` (called `ref_name`)."""
    if x.shape != ref.shape:
        raise ValueError(f"{name} must have the shape of {ref_name} {tuple(ref.shape)}, got {tuple(x.shape)}")


def _check_int(name: str, value, minimum: int) -> None:
    """value must be a Python int (not a bool) >= minimum."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")


# -- vector quantisation ---------------------------------------------------------

def nearest_code(z: torch.Tensor, codebook: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Nearest code of each vector: k* = argmin_k ‖z − c_k‖², ties to the lowest index k.

    z (..., D), codebook (K, D) of z's dtype and device. Returns (indices, codes):
    indices (...) int64 and codes = codebook[indices] (..., D). The lookup is differentiable
    in the codebook (each picked row receives the gradient of its codes); z gets no gradient.
    codebook not (K, D) with K >= 1 and z's D, dtype and device: ValueError.
    """
    ### BEGIN SOLUTION
    _check_vectors("z", z)
    _check_codebook("codebook", codebook, z)
    squared_distances = ((z.unsqueeze(-2) - codebook) ** 2).sum(dim=-1)  # (..., K), exact for small integers
    indices = squared_distances.argmin(dim=-1)
    return indices, codebook[indices]
    ### END SOLUTION


def straight_through(z: torch.Tensor, codes: torch.Tensor) -> torch.Tensor:
    """The straight-through estimator z + (codes − z).detach().

    Forward: codes (up to the rounding of that sum). Backward: the gradient of the result
    reaches z unchanged (identity) and nothing reaches codes. codes not of z's shape: ValueError.
    """
    ### BEGIN SOLUTION
    _check_same_shape("codes", codes, "z", z)
    return z + (codes - z).detach()
    ### END SOLUTION


def vq_losses(z: torch.Tensor, codes: torch.Tensor, beta: float = 0.25) -> tuple[torch.Tensor, torch.Tensor]:
    """The VQ-VAE losses (van den Oord et al., 2017), sg = stop-gradient (detach):

    codebook_loss = mean((sg[z] − codes)²), which trains only the codes, and
    commitment_loss = beta · mean((z − sg[codes])²), which trains only the encoder output z;
    means over all elements, both 0-dim tensors. Returns (codebook_loss, commitment_loss).
    codes not of z's shape, or beta < 0: ValueError (beta = 0 is allowed).
    """
    ### BEGIN SOLUTION
    _check_same_shape("codes", codes, "z", z)
    if isinstance(beta, bool) or not isinstance(beta, (int, float)) or not beta >= 0:
        raise ValueError(f"beta must be a number >= 0, got {beta!r}")
    codebook_loss = ((z.detach() - codes) ** 2).mean()
    commitment_loss = beta * ((z - codes.detach()) ** 2).mean()
    return codebook_loss, commitment_loss
    ### END SOLUTION


def kmeans_codebook(x: torch.Tensor, init: torch.Tensor, iters: int) -> torch.Tensor:
    """Lloyd's k-means from the centroids `init` (K, D), for exactly `iters` iterations on x (N, D).

    One iteration: assign every point to its nearest centroid (as nearest_code: squared
    Euclidean, ties to the lowest index), then move each centroid to the mean of its points;
    a centroid that received no point stays where it is (it is neither dropped nor re-seeded).
    iters = 0 returns a copy of init. Returns the (K, D) centroids in x's dtype.
    x not (N, D) with N >= 1, init not (K, D) with K >= 1 and x's D, dtype and device,
    or iters not an int >= 0: ValueError.
    """
    ### BEGIN SOLUTION
    if x.ndim != 2 or x.shape[0] < 1:
        raise ValueError(f"x must be (N, D) with N >= 1, got shape {tuple(x.shape)}")
    _check_vectors("x", x)
    _check_codebook("init", init, x)
    _check_int("iters", iters, 0)
    with torch.no_grad():
        centroids = init.clone()
        for _ in range(iters):
            labels, _ = nearest_code(x, centroids)
            sums = torch.zeros_like(centroids).index_add_(0, labels, x)
            counts = torch.bincount(labels, minlength=centroids.shape[0]).to(x.dtype).unsqueeze(-1)
            centroids = torch.where(counts > 0, sums / counts.clamp(min=1), centroids)  # empty: stays
    return centroids
    ### END SOLUTION


def _as_codebook_list(codebooks) -> list[torch.Tensor]:
    """The stages of `codebooks`: a list or tuple of (K_i, D) tensors, or the rows of an (S, K, D) tensor."""
    if isinstance(codebooks, torch.Tensor) and codebooks.ndim == 3:
        return list(codebooks.unbind(0))
    if isinstance(codebooks, (list, tuple)) and all(isinstance(c, torch.Tensor) for c in codebooks):
        return list(codebooks)
    raise ValueError("codebooks must be a list or tuple of (K_i, D) tensors or an (S, K, D) tensor, "
                     f"got {type(codebooks).__name__}")


def residual_quantize(z: torch.Tensor, codebooks) -> tuple[torch.Tensor, torch.Tensor]:
    """Residual VQ: r_0 = z; for stage i = 1..S: q_i = nearest_code(r_{i−1}, C_i), r_i = r_{i−1} − q_i.

    z (..., D); codebooks: a list or tuple of S >= 1 codebooks C_i (K_i, D) (sizes may differ),
    or an (S, K, D) tensor. Returns (codes, indices): codes = q_1 + ... + q_S (..., D) and
    indices (..., S) int64, column i the index picked at stage i + 1.
    No codebook, or a codebook not (K_i, D) with z's D, dtype and device: ValueError.
    """
    ### BEGIN SOLUTION
    _check_vectors("z", z)
    stages = _as_codebook_list(codebooks)
    if not stages:
        raise ValueError("codebooks must hold at least one codebook, got none")
    for i, codebook in enumerate(stages):
        _check_codebook(f"codebooks[{i}]", codebook, z)
    residual, codes, indices = z, torch.zeros_like(z), []
    for codebook in stages:
        index, q = nearest_code(residual, codebook)
        residual = residual - q
        codes = codes + q
        indices.append(index)
    return codes, torch.stack(indices, dim=-1)
    ### END SOLUTION


# -- codebook-free quantisers ------------------------------------------------------

def lfq_quantize(z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Lookup-free quantisation of z (..., K), each dimension on its own: bit_i = z_i > 0.

    codes = +1 where z > 0 and −1 where z <= 0 (z = 0 gives −1), with a straight-through
    gradient (d codes / d z is the identity, as straight_through gives; the forward value may
    differ from ±1 by that sum's rounding). indices (...) int64: Σ_i bit_i · 2^(K−1−i), the first
    dimension the most significant bit. Returns (codes, indices). z not (..., K) with 1 <= K <= 63:
    ValueError.
    """
    ### BEGIN SOLUTION
    _check_vectors("z", z)
    bits = z.shape[-1]
    if bits > MAX_LFQ_BITS:
        raise ValueError(f"z must have at most {MAX_LFQ_BITS} dimensions (an int64 index), got {bits}")
    positive = z > 0
    signs = torch.where(positive, 1.0, -1.0).to(z.dtype)
    weights = 2 ** torch.arange(bits - 1, -1, -1, device=z.device)
    return straight_through(z, signs), (positive.long() * weights).sum(dim=-1)
    ### END SOLUTION


def _check_levels(levels) -> None:
    """levels must be a non-empty list or tuple of ints >= 3."""
    if (not isinstance(levels, (list, tuple)) or not levels
            or any(isinstance(level, bool) or not isinstance(level, int) or level < 3 for level in levels)):
        raise ValueError(f"levels must be a non-empty list or tuple of ints >= 3, got {levels!r}")


def fsq_quantize(z: torch.Tensor, levels) -> tuple[torch.Tensor, torch.Tensor]:
    """Finite scalar quantisation (Mentzer et al., 2023) of z (..., d) with d = len(levels).

    Per dimension with L levels: half = (L − 1)(1 + 1e−3)/2, offset = 0.5 for even L else 0,
    bounded = tanh(z + atanh(offset / half)) · half − offset, q = round(bounded) (torch.round)
    with a straight-through gradient (d q / d bounded = 1), codes = q / (L // 2).
    indices (...) int64: Σ_i (q_i + L_i // 2) · Π_{j<i} L_j (the first dimension varies fastest).
    Returns (codes, indices). levels not a non-empty list or tuple of ints >= 3, or
    z.shape[-1] != len(levels): ValueError.
    """
    ### BEGIN SOLUTION
    _check_levels(levels)
    _check_vectors("z", z)
    if z.shape[-1] != len(levels):
        raise ValueError(f"z must have len(levels) = {len(levels)} values in its last dim, got shape {tuple(z.shape)}")
    level_counts = torch.tensor(levels, dtype=z.dtype, device=z.device)
    half = (level_counts - 1) * (1 + 1e-3) / 2
    offset = torch.where(level_counts % 2 == 0, 0.5, 0.0).to(z.dtype)
    bounded = torch.tanh(z + torch.atanh(offset / half)) * half - offset
    rounded = bounded.round()
    half_width = torch.tensor([level // 2 for level in levels], device=z.device)
    basis = torch.tensor([math.prod(levels[:i]) for i in range(len(levels))], device=z.device)
    indices = ((rounded.long() + half_width) * basis).sum(dim=-1)
    return straight_through(bounded, rounded) / half_width.to(z.dtype), indices
    ### END SOLUTION


# -- codebook statistics -----------------------------------------------------------

def codebook_usage(indices: torch.Tensor, codebook_size: int) -> tuple[float, float]:
    """(fraction of codes used, perplexity) of the code indices of a batch, as Python floats.

    With n_k the number of times code k occurs and p_k = n_k / N: fraction = #{k : n_k > 0} / K,
    perplexity = exp(H) with H = −Σ_k p_k log p_k (natural log); a code never used adds 0
    (0 · log 0 = 0). The perplexity runs from 1 (one code) to K (all codes equally often).
    indices: a non-empty integer tensor of any shape with values in [0, K); codebook_size K an
    int >= 1; else ValueError.
    """
    ### BEGIN SOLUTION
    _check_int("codebook_size", codebook_size, 1)
    if indices.is_floating_point() or indices.is_complex() or indices.dtype == torch.bool or indices.numel() == 0:
        raise ValueError(f"indices must be a non-empty integer tensor, got dtype {indices.dtype} "
                         f"and shape {tuple(indices.shape)}")
    if int(indices.min()) < 0 or int(indices.max()) >= codebook_size:
        raise ValueError(f"indices must lie in [0, codebook_size) = [0, {codebook_size}), "
                         f"got values in [{int(indices.min())}, {int(indices.max())}]")
    counts = torch.bincount(indices.flatten().long(), minlength=codebook_size).double()
    p = counts[counts > 0] / counts.sum()
    entropy = -(p * p.log()).sum()
    return p.numel() / codebook_size, float(entropy.exp())
    ### END SOLUTION
