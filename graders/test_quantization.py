"""Hidden graders for `quantization` (spec §11), against vector-quantize-pytorch 1.32.0 (ResidualVQ, LFQ,
FSQ, straight_through, kmeans), scikit-learn's KMeans, SciPy's cdist and entropy, and F.mse_loss, in
float64 where the library allows (see reference/quantization.py for where it does not).

Seeds are fixed: a parametrized case's seed is in its test id, a single case's in the test's body; each
input tensor of a case uses its own seed (seed, seed + 1, ...). Inputs are drawn on the CPU (cvgrade.inputs)
and moved to the device; float32 cases get the float64 draws rounded to float32, and the references see
exactly those values.

How nearest codes stay exact: random vectors are drawn near codebook rows (or as Gaussian blobs), and
every case asserts that the nearest code beats the second-nearest by at least MARGIN_FACTOR times what
float32 rounding can move a squared distance, so the indices (and codes, which are copies of codebook
rows) must match exactly whatever formula a student uses (direct differences, the expanded
|z|² − 2 z·c + |c|², torch.cdist). Exact ties use small integers and halves, where every one of those
formulas is exact; they must go to the lowest index.

Where the library and the contract differ, the contract wins and the graders follow it:
- LFQ quantises in float32 by default, so a float64 z in (0, 1.4e-45) becomes −1 there and its gradient
  is rounded to float32; the contract says +1 for every z > 0 and an identity gradient, and the
  reference runs LFQ in float64 (force_quantization_f32=False), where the two agree.
- LFQ builds all 2^K codes, so it cannot serve K = 63 (the largest index an int64 holds, which the docstring
  allows); there the indices are compared with the contract's formula in Python integers.
- LFQ's default (training) mode and FSQ compute codes as x + (q − x).detach(), equal to ±1 or q/(L//2)
  only up to rounding; codes are compared with the tolerance of that sum, indices exactly.
- Index conventions agree with the library: LFQ's first dimension is the most significant bit
  (its mask 2^(K−1), ..., 1); FSQ's first level varies fastest (its basis cumprod([1, L_0, ...])).
- scikit-learn re-seeds an empty cluster (the contract keeps its centroid), so it is compared only on
  data whose clusters are never empty (asserted per case); empty clusters are checked against the
  library's own `kmeans`, which keeps them.
"""

import pytest
import torch

from cvgrade.compare import assert_close, assert_equal
from cvgrade.inputs import randint, randn, sample_image
from cvgrade.tolerances import EPS, Tolerance
from reference import quantization as ref

TOPIC = "quantization"
GRADED_ALIASES = {"kmeans": "kmeans_codebook", "lfq": "lfq_quantize", "fsq": "fsq_quantize",  # test-name prefixes ->
                  "codebook_loss": "vq_losses", "commitment_loss": "vq_losses"}  # the graded name (feedback groups)
_VQ = [
    "vector_quantize_pytorch.vector_quantize_pytorch.VectorQuantize.__init__",
    "vector_quantize_pytorch.vector_quantize_pytorch.VectorQuantize.forward",
    "vector_quantize_pytorch.vector_quantize_pytorch.Codebook.forward",
]
_RVQ = ["vector_quantize_pytorch.residual_vq.ResidualVQ.__init__", "vector_quantize_pytorch.residual_vq.ResidualVQ.forward"]
_SCIPY_VQ = ["scipy.cluster.vq.vq"]  # SciPy's nearest-code lookup
_KMEANS = [
    "sklearn.cluster.KMeans.fit", "sklearn.cluster.MiniBatchKMeans.fit", "sklearn.cluster.k_means",
    "scipy.cluster.vq.kmeans", "scipy.cluster.vq.kmeans2", "vector_quantize_pytorch.vector_quantize_pytorch.kmeans",
]
_LFQ = ["vector_quantize_pytorch.lookup_free_quantization.LFQ.__init__",
        "vector_quantize_pytorch.lookup_free_quantization.LFQ.forward"]
_FSQ = ["vector_quantize_pytorch.finite_scalar_quantization.FSQ.__init__",
        "vector_quantize_pytorch.finite_scalar_quantization.FSQ.forward",
        "vector_quantize_pytorch.finite_scalar_quantization.round_ste"]
REFERENCE_CALLS = {
    "nearest_code": _VQ + _SCIPY_VQ,
    "straight_through": ["vector_quantize_pytorch.vector_quantize_pytorch.straight_through"],
    "vq_losses": _VQ,
    "kmeans_codebook": _KMEANS + _VQ + _SCIPY_VQ,
    "residual_quantize": _RVQ + _VQ + _SCIPY_VQ,
    "lfq_quantize": _LFQ,
    "fsq_quantize": _FSQ,
    "codebook_usage": ["scipy.stats.entropy"],
}

F32, F64 = torch.float32, torch.float64
DTYPES = [pytest.param(F32, id="float32"), pytest.param(F64, id="float64")]

# A float32 squared distance, by direct differences, the expanded |z|² − 2 z·c + |c|² or torch.cdist, errs
# by at most about 2·D·eps·(|z|² + |c|²); every case asserts that the nearest code wins by at least
# MARGIN_FACTOR times that, so rounding cannot change which code is nearest (see _check_margin).
MARGIN_FACTOR = 10
# FSQ: a float32 bounded value errs by a few ulps of L/2 (< 1e-6), so values at least 1e-4 away from a
# rounding boundary k + 1/2 round as in float64.
MIN_ROUNDING_MARGIN = 1e-4
# The fraction used is a ratio of two counts, rounded once: at worst in float32, eps32/2 relative.
FRACTION = Tolerance(rtol=EPS["float32"], atol=0.0)
# A perplexity computed in float32 (p_k = n_k/N, p log p, a sum over <= 32 codes, exp) carries an absolute
# error of a few·eps32·H in H ≈ 2, which exp turns into about 1e-6 relative; 1e-5 admits it.
PERPLEXITY = Tolerance(rtol=1e-5, atol=0.0)


def _straight_through_tol(dtype, *tensors) -> Tolerance:
    """z + (codes − z).detach() rounds twice: |error| <= eps·|codes| + eps·|z|, with a factor 2 to spare."""
    eps = EPS[str(dtype).removeprefix("torch.")]
    scale = max(float(t.abs().max()) for t in tensors)
    return Tolerance(rtol=2 * eps, atol=2 * eps * scale)


def _leaf(t: torch.Tensor) -> torch.Tensor:
    """A float64 CPU copy of `t` that records gradients (never `t` itself)."""
    return t.detach().cpu().double().clone().requires_grad_()


def _assert_no_gradient(grad, name):
    assert grad is None or not bool(grad.any()), \
        f"{name}: expected no gradient (a stop-gradient, .detach(), belongs here), got a non-zero gradient"


def _near_codebook(seed, K, lead, D, dtype, device, spread=0.4):
    """(z, codebook): a standard normal codebook (K, D) and vectors z (*lead, D) drawn near random rows."""
    codebook = randn(K, D, seed=seed, dtype=F64)
    rows = randint(0, K, lead, seed=seed + 1)
    z = codebook[rows] + spread * randn(*lead, D, seed=seed + 2, dtype=F64)
    return z.to(dtype).to(device), codebook.to(dtype).to(device)


def _check_margin(margin, vectors, *codebooks):
    """Grader inputs: the nearest/second-nearest gap must clear MARGIN_FACTOR · 2·D·eps32·(max|z|² + max|c|²)."""
    def largest_square(t):
        return float((t.double() ** 2).sum(-1).max())

    rounding = 2 * vectors.shape[-1] * EPS["float32"] * (largest_square(vectors) + max(map(largest_square, codebooks)))
    assert margin >= MARGIN_FACTOR * rounding, \
        f"grader inputs: nearest-code gap {margin:.2e} within {MARGIN_FACTOR}x float32 rounding {rounding:.2e}"


# -- nearest_code -------------------------------------------------------------------------------

NEAREST_CASES = [(0, 16, (40,), 8), (10, 7, (2, 3, 5), 3), (20, 32, (), 6)]  # (seed, K, leading shape, D)


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("seed,K,lead,D", NEAREST_CASES)
def test_nearest_code_matches_reference(submission, device, dtype, seed, K, lead, D):
    z, codebook = _near_codebook(seed, K, lead, D, dtype, device)
    _check_margin(ref.nearest_margin(z.cpu(), codebook.cpu()), z, codebook)
    indices, codes = submission.call("nearest_code", z, codebook)
    want_indices, want_codes = ref.nearest_code(z.cpu(), codebook.cpu())
    assert_equal(indices, want_indices.to(device), name="indices")
    assert_equal(codes, want_codes.to(dtype).to(device), name="codes (rows of the codebook)")


# Integer codes with duplicates (rows 0 = 2, 1 = 4) and points equidistant from several codes, in halves so
# that every distance formula is exact; NumPy's argmin on SciPy's distances picks the lowest index.
TIE_CODEBOOK = [[0, 0], [2, 0], [0, 0], [1, 1], [2, 0], [5, 5], [-1, 0]]
TIE_POINTS = [[0, 0], [2, 0], [1, 0], [1, 1], [2, 1], [3, 3], [4, 4], [-0.5, 0], [0.5, 0.5]]


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
def test_nearest_code_ties_go_to_the_lowest_index(submission, device, dtype):
    codebook = torch.tensor(TIE_CODEBOOK, dtype=dtype, device=device)
    z = torch.tensor(TIE_POINTS, dtype=dtype, device=device).reshape(3, 3, 2)
    indices, codes = submission.call("nearest_code", z, codebook)
    want_indices, want_codes = ref.nearest_code(z.cpu(), codebook.cpu())
    assert_equal(indices, want_indices.to(device), name="indices (ties go to the lowest index)")
    assert_equal(codes, want_codes.to(dtype).to(device), name="codes")


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
def test_nearest_code_gradient_reaches_the_codebook(submission, device, dtype):
    z, codebook = _near_codebook(30, 6, (12,), 4, dtype, device)
    upstream = randn(12, 4, seed=33, dtype=dtype, device=device)  # a generic dL/dcodes
    got = submission.grad("nearest_code", z.clone().requires_grad_(), codebook.clone().requires_grad_(),
                          output=1, grad_output=upstream)
    leaf = _leaf(codebook)
    indices, _ = ref.nearest_code(z.cpu(), codebook.cpu())
    (want,) = torch.autograd.grad(leaf[indices], leaf, upstream.cpu().double())
    _assert_no_gradient(got.input_grads[0], "d codes / d z")
    assert got.input_grads[1] is not None, "d codes / d codebook: no gradient reached the codebook (codebook[indices])"
    # each row's gradient sums the upstream rows that picked it (a few adds): the dtype's profile
    assert_close(got.input_grads[1], want.to(device), dtype=dtype, name="d codes / d codebook")


@pytest.mark.points(1)
def test_nearest_code_rejects_bad_codebook(submission, device):
    z = randn(5, 4, seed=40, device=device)
    for bad in (randn(8, seed=41, device=device), randn(8, 3, seed=42, device=device),
                randn(8, 4, seed=43, dtype=F64, device=device)):
        with pytest.raises(ValueError, match="codebook"):
            submission.call("nearest_code", z, bad)


# -- straight_through ----------------------------------------------------------------------------

@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
def test_straight_through_forward_is_codes(submission, device, dtype):
    z, codes = (3 * randn(2, 3, 4, 5, seed=50 + i, dtype=dtype, device=device) for i in range(2))
    out = submission.call("straight_through", z, codes)
    want = ref.straight_through(z.cpu().double(), codes.cpu().double())  # = codes: exact in float64
    assert_close(out, want.to(device), dtype=dtype, name="straight_through(z, codes), which should equal codes",
                 tol=_straight_through_tol(dtype, z, codes))


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
def test_straight_through_gradient_is_the_identity(submission, device, dtype):
    z, codes, upstream = (randn(6, 7, seed=60 + i, dtype=dtype, device=device) for i in range(3))
    got = submission.grad("straight_through", z.clone().requires_grad_(), codes.clone().requires_grad_(),
                          grad_output=upstream)
    assert got.input_grads[0] is not None, "d out / d z: no gradient reached z"
    assert_equal(got.input_grads[0], upstream, name="d out / d z (must be grad_output itself)")
    _assert_no_gradient(got.input_grads[1], "d out / d codes")


@pytest.mark.points(1)
def test_straight_through_rejects_shape_mismatch(submission, device):
    with pytest.raises(ValueError, match="codes"):
        submission.call("straight_through", randn(4, 3, seed=70, device=device), randn(4, 2, seed=71, device=device))


# -- vq_losses -----------------------------------------------------------------------------------

def _loss_inputs(seed, dtype, device):
    """z (4, 5, 6) and the nearest codes of a 10-code codebook, as a VQ-VAE computes them."""
    z, codebook = _near_codebook(seed, 10, (4, 5), 6, dtype, device, spread=0.6)
    return z, ref.nearest_code(z.cpu(), codebook.cpu())[1].to(dtype).to(device)


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("beta", ["default", 0.0, 2.0])  # "default": called without beta, which must be 0.25
def test_vq_losses_match_mse(submission, device, dtype, beta):
    z, codes = _loss_inputs(80, dtype, device)
    got = submission.call("vq_losses", z, codes, **({} if beta == "default" else {"beta": beta}))
    want = ref.vq_losses(z.cpu().double(), codes.cpu().double(), 0.25 if beta == "default" else beta)
    # means over 120 squared errors: the profile's entry for reductions
    assert_close(got, tuple(w.to(device) for w in want), dtype=dtype, name="(codebook_loss, commitment_loss)",
                 tol="reduction")


def _loss_gradients(submission, device, dtype, output):
    z, codes = _loss_inputs(90, dtype, device)
    got = submission.grad("vq_losses", z.clone().requires_grad_(), codes.clone().requires_grad_(), beta=0.5,
                          output=output)
    leaves = _leaf(z), _leaf(codes)
    want = torch.autograd.grad(ref.vq_losses(*leaves, 0.5)[output], leaves, allow_unused=True)
    return got.input_grads, want


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
def test_codebook_loss_trains_only_the_codes(submission, device, dtype):
    got, (_, want_codes) = _loss_gradients(submission, device, dtype, 0)
    _assert_no_gradient(got[0], "d codebook_loss / d z")
    assert got[1] is not None, "d codebook_loss / d codes: no gradient reached the codes"
    # 2 (codes − z) / n elementwise, two roundings: the dtype's profile
    assert_close(got[1], want_codes.to(device), dtype=dtype, name="d codebook_loss / d codes")


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
def test_commitment_loss_trains_only_z(submission, device, dtype):
    got, (want_z, _) = _loss_gradients(submission, device, dtype, 1)
    assert got[0] is not None, "d commitment_loss / d z: no gradient reached z"
    # 2 beta (z − codes) / n elementwise: the dtype's profile
    assert_close(got[0], want_z.to(device), dtype=dtype, name="d commitment_loss / d z")
    _assert_no_gradient(got[1], "d commitment_loss / d codes")


@pytest.mark.points(1)
def test_vq_losses_reject_bad_input(submission, device):
    z, codes = _loss_inputs(100, F32, device)
    with pytest.raises(ValueError, match="codes"):
        submission.call("vq_losses", z, codes[:, :4])
    with pytest.raises(ValueError, match="beta"):
        submission.call("vq_losses", z, codes, beta=-0.1)


# -- kmeans_codebook -----------------------------------------------------------------------------

def _clusters(seed, n, k, d, dtype, device):
    """(x, init): n points around k Gaussian blobs (centres 2·N(0, I), spread 0.9); init = the first k points."""
    centres = 2 * randn(k, d, seed=seed, dtype=F64)
    x = centres[torch.arange(n) % k] + 0.9 * randn(n, d, seed=seed + 1, dtype=F64)
    x = x.to(dtype)
    return x.to(device), x[:k].clone().to(device)


# (seed, N, K, D, iters): Lloyd has not converged after `iters` in the first two cases, so one iteration
# more or less moves the centroids.
KMEANS_CASES = [(3, 120, 4, 2, 1), (3, 120, 4, 2, 4), (110, 150, 6, 3, 9)]


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("seed,N,K,D,iters", KMEANS_CASES)
def test_kmeans_matches_sklearn(submission, device, dtype, seed, N, K, D, iters):
    x, init = _clusters(seed, N, K, D, dtype, device)
    smallest, margin = ref.lloyd_checks(x.cpu(), init.cpu(), iters)
    assert smallest > 0, "grader inputs: a cluster became empty (pick another seed)"
    _check_margin(margin, x, x)  # centroids are means of points: no longer than the longest point
    centroids = submission.call("kmeans_codebook", x, init, iters)
    want = ref.kmeans_sklearn(x.cpu(), init.cpu(), iters)
    # centroids are means of up to 150 points, with the same assignments: the entry for reductions
    assert_close(centroids, want.to(device), dtype=dtype, name=f"centroids after {iters} iterations", tol="reduction")


def _with_empty_clusters(case, dtype, device):
    """(x, init, iters) where the last init row gets no point in the first iteration.

    "far": it lies far from every point, so its cluster stays empty in every iteration. "duplicate": it
    repeats row 0, whose ties go to row 0; the points lie on a grid of halves, where every distance
    formula is exact (the tie is exact for everyone), and one iteration is run.
    """
    x, init = _clusters(120, 100, 4, 2, F64, "cpu")
    if case == "far":
        return x.to(dtype).to(device), torch.cat([init, torch.full((1, 2), 30.0, dtype=F64)]).to(dtype).to(device), 3
    x = (2 * x).round() / 2
    return x.to(dtype).to(device), torch.cat([x[:4], x[:1]]).to(dtype).to(device), 1


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", ["far", "duplicate"])
def test_kmeans_empty_cluster_keeps_its_centroid(submission, device, dtype, case):
    # compared with vector-quantize-pytorch's kmeans started from init, which keeps an empty cluster's mean
    x, init, iters = _with_empty_clusters(case, dtype, device)
    if case == "far":  # no exact ties here: assignments must be robust to rounding
        _check_margin(ref.lloyd_checks(x.cpu(), init.cpu(), iters)[1], x, init)
    centroids = submission.call("kmeans_codebook", x, init, iters)
    want = ref.kmeans_keep_empty(x.cpu(), init.cpu(), iters)
    assert_close(centroids, want.to(device), dtype=dtype, name=f"centroids after {iters} iterations "
                 f"(row {init.shape[0] - 1} had no points)", tol="reduction")


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
def test_kmeans_zero_iterations_return_init(submission, device, dtype):
    x, init = _clusters(130, 40, 5, 3, dtype, device)
    assert_equal(submission.call("kmeans_codebook", x, init, 0), init, name="kmeans_codebook(x, init, iters=0)")


@pytest.mark.points(1)
def test_kmeans_rejects_bad_input(submission, device):
    x, init = _clusters(140, 30, 3, 2, F32, device)
    for name, args in (("x", (x[:, 0], init, 2)), ("init", (x, init[:, :1], 2)), ("iters", (x, init, -1)),
                       ("iters", (x, init, 2.5))):
        with pytest.raises(ValueError, match=name):
            submission.call("kmeans_codebook", *args)


# -- residual_quantize ---------------------------------------------------------------------------

def _codebooks(seed, sizes, D, dtype, device):
    """Stage i: a normal codebook scaled by 2^-i (residuals shrink), drawn float32-representable (ResidualVQ)."""
    return [(0.5 ** i * randn(k, D, seed=seed + i, dtype=F32)).to(dtype).to(device) for i, k in enumerate(sizes)]


RVQ_CASES = [  # (seed, codebook sizes, leading shape, D)
    (150, (8,), (20,), 4), (160, (16, 16, 16), (4, 6), 5), (170, (8, 8, 8, 8), (30,), 3), (180, (16, 8, 4), (10,), 4),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("seed,sizes,lead,D", RVQ_CASES)
def test_residual_quantize_matches_residual_vq(submission, device, dtype, seed, sizes, lead, D):
    books = _codebooks(seed, sizes, D, dtype, device)
    z = randn(*lead, D, seed=seed + 50, dtype=dtype, device=device)
    _check_margin(ref.residual_margin(z.cpu(), [b.cpu() for b in books]), z, *books)
    codes, indices = submission.call("residual_quantize", z, books)
    want_codes, want_indices = ref.residual_vq(z.cpu(), [b.cpu() for b in books])
    assert_equal(indices, want_indices.to(device), name=f"indices (..., S = {len(sizes)})")
    # sums of at most 4 codebook rows: a few roundings, the dtype's profile
    assert_close(codes, want_codes.to(device), dtype=dtype, name="codes = q_1 + ... + q_S")


@pytest.mark.points(1)
def test_residual_quantize_takes_a_stacked_tensor(submission, device):
    books = _codebooks(190, (8, 8, 8), 4, F64, device)
    z = randn(12, 4, seed=240, dtype=F64, device=device)
    _check_margin(ref.residual_margin(z.cpu(), [b.cpu() for b in books]), z, *books)
    codes, indices = submission.call("residual_quantize", z, torch.stack(books))
    want_codes, want_indices = ref.residual_vq(z.cpu(), [b.cpu() for b in books])
    assert_equal(indices, want_indices.to(device), name="indices with an (S, K, D) codebook tensor")
    assert_close(codes, want_codes.to(device), name="codes with an (S, K, D) codebook tensor")


def _image_patches(image: torch.Tensor, size: int = 4) -> torch.Tensor:
    h, w = image.shape
    return image.reshape(h // size, size, w // size, size).permute(0, 2, 1, 3).reshape(-1, size * size)


def _from_patches(patches: torch.Tensor, h: int, w: int, size: int = 4) -> torch.Tensor:
    return patches.reshape(h // size, w // size, size, size).permute(0, 2, 1, 3).reshape(h, w)


@pytest.mark.points(1)
def test_residual_quantize_reconstructs_an_image(submission, device):
    # 4x4 patches of a 32x32 camera image, centred on 0: stage 1 holds 8 of its own patches, stages 2-3 small
    # corrections; the codes, put back together, are compared as an image
    image = torch.from_numpy(sample_image("camera", (32, 32))).to(F32) / 255
    patches = _image_patches(image) - 0.5
    stage1 = patches[torch.randperm(64, generator=torch.Generator().manual_seed(2))[:8]]
    books = [stage1] + [0.3 * 0.5 ** s * randn(8, 16, seed=40 + s) for s in (1, 2)]
    _check_margin(ref.residual_margin(patches, books), patches, *books)
    codes, _ = submission.call("residual_quantize", patches.to(device), [b.to(device) for b in books])
    want_codes, _ = ref.residual_vq(patches, books)
    assert type(codes) is torch.Tensor and codes.shape == patches.shape, \
        f"codes: expected a tensor of shape {tuple(patches.shape)}, got {getattr(codes, 'shape', type(codes))}"
    # sums of 3 codebook rows in float32, then + 0.5: a few roundings, the float32 profile
    assert_close(_from_patches(codes + 0.5, 32, 32), _from_patches(want_codes + 0.5, 32, 32).to(device), dtype=F32,
                 name="reconstructed 32x32 image", image="HW")


@pytest.mark.points(1)
def test_residual_quantize_rejects_bad_codebooks(submission, device):
    z = randn(5, 4, seed=200, device=device)
    with pytest.raises(ValueError, match="codebooks"):
        submission.call("residual_quantize", z, [])
    with pytest.raises(ValueError, match="codebooks"):
        submission.call("residual_quantize", z, [randn(8, 4, seed=201, device=device), randn(8, 3, seed=202, device=device)])


# -- lfq_quantize --------------------------------------------------------------------------------

@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("seed,shape", [(210, (7, 5)), (220, (2, 3, 4, 8))])
def test_lfq_matches_library(submission, device, dtype, seed, shape):
    z = randn(*shape, seed=seed, dtype=dtype, device=device)
    codes, indices = submission.call("lfq_quantize", z)
    want_codes, want_indices = ref.lfq(z.cpu().double())
    assert_equal(indices, want_indices.to(device), name="indices (first dimension most significant)")
    assert_close(codes, want_codes.to(device), dtype=dtype, name="codes", tol=_straight_through_tol(dtype, z, want_codes))


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
def test_lfq_zero_maps_to_minus_one(submission, device, dtype):
    # both sides of z = 0: 0 and -0 give bit 0 (code -1); the smallest positive normal number gives bit 1
    tiny = torch.finfo(dtype).tiny
    z = torch.tensor([[0.0, 0.0, 0.0, 0.0], [tiny, 0.0, -0.0, -tiny], [-tiny, tiny, 0.0, tiny],
                      [0.0, -0.0, 0.0, tiny], [1.0, -1.0, tiny, -tiny]], dtype=dtype, device=device)
    codes, indices = submission.call("lfq_quantize", z)
    want_codes, want_indices = ref.lfq(z.cpu().double())
    assert_equal(indices, want_indices.to(device), name="indices at z = 0 and z = ±tiny")
    assert_close(codes, want_codes.to(device), dtype=dtype, name="codes at z = 0 and z = ±tiny",
                 tol=_straight_through_tol(dtype, z, want_codes))


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
def test_lfq_gradient_is_straight_through(submission, device, dtype):
    z, upstream = (randn(6, 4, seed=230 + i, dtype=dtype, device=device) for i in range(2))
    got = submission.grad("lfq_quantize", z.clone().requires_grad_(), output=0, grad_output=upstream)
    leaf = _leaf(z)
    (want,) = torch.autograd.grad(ref.lfq(leaf, training=True)[0], leaf, upstream.cpu().double())
    assert got.input_grads[0] is not None, "d codes / d z: no gradient reached z (straight-through)"
    assert_equal(got.input_grads[0], want.to(dtype).to(device), name="d codes / d z (LFQ's straight-through)")


@pytest.mark.points(1)
def test_lfq_indices_hold_63_bits(submission, device):
    # K = 63, the most an int64 index holds (LFQ cannot build 2^63 codes: the reference is the formula in
    # Python integers); rows all positive (index 2^63 − 1), only the first bit, and random signs
    z = randn(3, 63, seed=245, device=device)
    z[0] = z[0].abs() + 0.1
    z[1] = -z[1].abs()
    z[1, 0] = 1.0
    _, indices = submission.call("lfq_quantize", z)
    assert_equal(indices, ref.lfq_indices_exact(z.cpu()).to(device), name="indices of 63-bit codes (exact int64)")


@pytest.mark.points(1)
def test_lfq_rejects_bad_input(submission, device):
    for z in (torch.tensor(0.5, device=device), randn(3, 0, seed=240, device=device), randn(2, 64, seed=241, device=device)):
        with pytest.raises(ValueError, match="z"):
            submission.call("lfq_quantize", z)


# -- fsq_quantize --------------------------------------------------------------------------------

FSQ_CASES = [(250, (3, 4, 5, 8), (40,)), (260, (5, 5, 5), (2, 5, 6)), (270, (8, 6, 5), (60,))]


def _fsq_z(seed, levels, lead, dtype, device):
    """(*lead, d) values 1.5·N(0, 1), the first three vectors replaced by 0, +20 and -20 (tanh saturates)."""
    d = len(levels)
    z = 1.5 * randn(*lead, d, seed=seed, dtype=F64)
    flat = z.reshape(-1, d)
    flat[:3] = torch.tensor([0.0, 20.0, -20.0], dtype=F64)[:, None]
    return flat.reshape(z.shape).to(dtype).to(device)


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("seed,levels,lead", FSQ_CASES)
def test_fsq_matches_library(submission, device, dtype, seed, levels, lead):
    z = _fsq_z(seed, levels, lead, dtype, device)
    margin = ref.fsq_rounding_margin(z.cpu(), levels)
    assert margin >= MIN_ROUNDING_MARGIN, f"grader inputs: a value {margin:.2e} from a rounding boundary"
    codes, indices = submission.call("fsq_quantize", z, list(levels))
    want_codes, want_indices = ref.fsq(z.cpu().double(), levels)
    assert_equal(indices, want_indices.to(device), name="indices (first level varies fastest)")
    # q / (L // 2) with q a straight-through sum, a few ulps of L: the dtype's profile
    assert_close(codes, want_codes.to(device), dtype=dtype, name="codes")


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
def test_fsq_gradient_is_straight_through_round(submission, device, dtype):
    levels = (3, 4, 5, 8)
    z = _fsq_z(280, levels, (10,), dtype, device)
    upstream = randn(10, 4, seed=281, dtype=dtype, device=device)
    got = submission.grad("fsq_quantize", z.clone().requires_grad_(), list(levels), output=0, grad_output=upstream)
    leaf = _leaf(z)
    (want,) = torch.autograd.grad(ref.fsq(leaf, levels)[0], leaf, upstream.cpu().double())
    assert got.input_grads[0] is not None, "d codes / d z: no gradient reached z (round needs a straight-through)"
    # half · (1 − tanh²) / (L // 2) · upstream, a handful of operations: the dtype's profile
    assert_close(got.input_grads[0], want.to(device), dtype=dtype, name="d codes / d z")


@pytest.mark.points(1)
def test_fsq_rejects_bad_input(submission, device):
    z = randn(4, 3, seed=290, device=device)
    for levels in ([5, 2, 5], [1, 5, 5], [5, 5, 5.0]):
        with pytest.raises(ValueError, match="levels"):
            submission.call("fsq_quantize", z, levels)
    with pytest.raises(ValueError, match="z"):
        submission.call("fsq_quantize", z, [5, 5])


# -- codebook_usage ------------------------------------------------------------------------------

def _usage_cases():
    return {
        "uniform": (torch.arange(16).repeat(3), 16),                    # every code 3 times: (1, 16)
        "skewed": (randint(0, 10, (5, 8), seed=300) ** 2 % 23, 32),      # 40 draws on few codes of 32, some unused
        "one_code": (torch.full((7,), 3), 8),                             # (1/8, 1)
        "codebook_of_one": (torch.zeros(2, 3, dtype=torch.long), 1),      # K = 1, the smallest allowed: (1, 1)
        "int32_2d": (randint(0, 12, (4, 6), seed=310).to(torch.int32), 12),
    }


@pytest.mark.points(1)
@pytest.mark.parametrize("case", ["uniform", "skewed", "one_code", "codebook_of_one", "int32_2d"])
def test_codebook_usage_matches_entropy(submission, device, case):
    indices, K = _usage_cases()[case]
    used, perplexity = submission.call("codebook_usage", indices.to(device), K)
    want_used, want_perplexity = ref.codebook_usage(indices.long(), K)
    assert_close(used, want_used, name="fraction of codes used", tol=FRACTION)
    assert_close(perplexity, want_perplexity, name="perplexity exp(H), natural log", tol=PERPLEXITY)


@pytest.mark.points(1)
def test_codebook_usage_rejects_bad_input(submission, device):
    good = torch.tensor([0, 1, 2], device=device)
    out_of_range = "indices|codebook_size"  # a value outside [0, K): either name says what is wrong
    for name, indices, K in ((out_of_range, torch.tensor([0, 4], device=device), 4),
                             (out_of_range, torch.tensor([-1, 2], device=device), 4), ("indices", good.float(), 4),
                             ("indices", good[:0], 4), ("codebook_size", good, 0)):
        with pytest.raises(ValueError, match=name):
            submission.call("codebook_usage", indices, K)
