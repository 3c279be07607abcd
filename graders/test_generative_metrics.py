"""Hidden graders for `generative_metrics` (spec §12), against pytorch-fid and torchmetrics in float64.

Inputs come in four kinds (in the test ids): NumPy float64 and float32 arrays, and
torch float64 and float32 tensors on the grading device. Features are drawn on
the CPU from `randn(seed)` and mixed by a random (D, D) matrix drawn from
`randn(seed + 1)`, so covariances are far from the identity; the fake set of a
case uses seed + 10 and seed + 11 and is scaled and shifted. Every reference
sees exactly the values the submission got, upcast to float64 (the contract
computes in float64 whatever comes in, so float32 inputs are held to float64
tolerances). Singular covariances for the eps·I fallback are BᵀB with B a few
rows of small integers from `np_rng(seed)`: there SciPy's Schur-based sqrtm meets
exact zeros on the diagonal of the triangular factor and returns NaN. Labels for
`mode_coverage` come from `np_rng(seed)`.

Tolerances follow the conditioning of each quantity (see each constant or
helper); results are Python floats, compared in float64.
"""

import re

import numpy as np
import pytest
import torch

from cvgrade.compare import assert_close
from cvgrade.inputs import np_rng, randn
from cvgrade.tolerances import EPS, Tolerance, conditioned, lookup
from reference import generative_metrics as ref

TOPIC = "generative_metrics"
_FRECHET = ["pytorch_fid.fid_score.calculate_frechet_distance", "torchmetrics.image.fid._compute_fid"]
_FID = ["torchmetrics.image.fid.FrechetInceptionDistance.update",
        "torchmetrics.image.fid.FrechetInceptionDistance.compute"]
_KID = ["torchmetrics.image.kid.KernelInceptionDistance.update",
        "torchmetrics.image.kid.KernelInceptionDistance.compute",
        "torchmetrics.image.kid.poly_mmd", "torchmetrics.image.kid.poly_kernel",
        "torchmetrics.image.kid.maximum_mean_discrepancy"]
# np.cov / torch.cov (the contract defines the covariance by np.cov) and scipy.linalg.sqrtm (the
# contract allows SciPy's square root) stay allowed; pytorch-fid and torchmetrics are the references.
REFERENCE_CALLS = {
    "frechet_distance": _FRECHET,
    "fid_from_features": _FRECHET + _FID,
    "kernel_inception_distance": _KID,
    "inception_score": ["torchmetrics.image.inception.InceptionScore.update",
                        "torchmetrics.image.inception.InceptionScore.compute"],
}

KINDS = ["numpy-float64", "numpy-float32", "torch-float64", "torch-float32"]
EPS64 = EPS["float64"]
# Ratios of counts and sums of at most K terms: what float64 holds any operation order to.
FLOAT64 = lookup("cpu", "float64")


# -- inputs ------------------------------------------------------------------------------------

def _as_kind(x: torch.Tensor, kind: str, device):
    """The float64 CPU tensor `x` as the submission receives it: a NumPy array or a tensor on `device`."""
    library, dtype = kind.split("-")
    if library == "numpy":
        return x.numpy().astype(dtype)
    return x.to(getattr(torch, dtype)).to(device)


def _float64(given) -> np.ndarray:
    """Exactly the values the submission got, as float64 NumPy."""
    if isinstance(given, torch.Tensor):
        return given.detach().cpu().double().numpy()
    return np.asarray(given, dtype=np.float64)


def _features(n, d, seed, kind, device, scale=1.0, shift=0.0):
    """(features as given to the submission, their float64 values): randn(n, d) @ randn(d, d)/√d · scale + shift."""
    x = randn(n, d, seed=seed, dtype=torch.float64) @ randn(d, d, seed=seed + 1, dtype=torch.float64) / d ** 0.5
    given = _as_kind(scale * x + shift, kind, device)
    return given, _float64(given)


def _pair(n_real, n_fake, d, seed, kind, device):
    """A real set and a fake set that differs in spread and location."""
    real, real64 = _features(n_real, d, seed, kind, device)
    fake, fake64 = _features(n_fake, d, seed + 10, kind, device, scale=1.3, shift=0.2)
    return real, real64, fake, fake64


def _singular_covariances(seed):
    """(mu1, sigma1, mu2, sigma2): small-integer means and covariances BᵀB of rank < D (B: 1 to D-1 integer rows)."""
    rng = np_rng(seed)
    d = int(rng.integers(3, 7))
    b1 = rng.integers(-2, 3, (int(rng.integers(1, d)), d)).astype(np.float64)
    b2 = rng.integers(-2, 3, (int(rng.integers(1, d)), d)).astype(np.float64)
    mu1, mu2 = (rng.integers(-2, 3, d).astype(np.float64) for _ in range(2))
    return mu1, b1.T @ b1, mu2, b2.T @ b2


def _raises(submission, name, names, *args, **kwargs):
    """The call must raise ValueError whose own message names every parameter in `names` ("a and b": both).

    The harness's error text also holds the call's label and the student's source lines, which can
    name a parameter without the message doing so: only the message is searched.
    """
    with pytest.raises(ValueError) as error:
        submission.call(name, *args, **kwargs)
    text = re.sub(r"^.*? raised \w+: ", "", str(error.value), count=1, flags=re.S)
    message = text.split(f"\n  {TOPIC}.py, line ")[0]
    missing = [word for word in names.split(" and ") if word.lower() not in message.lower()]
    assert not missing, f"{name} raised ValueError({message!r}): the message should name {names}"


# -- tolerances --------------------------------------------------------------------------------

def _sum_tolerance(x: np.ndarray) -> Tolerance:
    # a mean or covariance entry sums N products of features: any order (two-pass, one-pass, BLAS) errs
    # by at most N·eps·max|x|²; 4x for the centring and the division.
    return Tolerance(rtol=0.0, atol=4 * len(x) * EPS64 * max(np.abs(x).max() ** 2, 1.0))


def _frechet_tolerance(sigma1, sigma2, sigma_error=0.0, eps=None) -> Tolerance:
    """What a correct float64 Fréchet distance can be held to, from the conditioning of Tr (Σ1Σ2)^½.

    Every eigenvalue λ of Σ1Σ2 is known to δ = 16·D·eps·‖Σ1‖‖Σ2‖ (the rounding of the product and of
    the root algorithm), plus (‖Σ1‖ + ‖Σ2‖)·sigma_error when the covariances themselves carry an
    error; that moves its root by δ / (2√λ), and by at most √δ where λ is near 0, whatever the method
    (sqrtm or eigenvalues). When pytorch-fid takes the eps·I fallback, a method whose root stays finite
    need not: eps·I moves each eigenvalue by eps·(‖Σ1‖ + ‖Σ2‖) + eps², a zero one's root by the square
    root of that, so both answers are right within 2·D·√(…) of each other.
    """
    n1, n2 = np.linalg.norm(sigma1, 2), np.linalg.norm(sigma2, 2)
    d = len(sigma1)
    delta = 16 * d * EPS64 * n1 * n2 + (n1 + n2) * sigma_error
    roots = np.sqrt(np.abs(np.linalg.eigvals(sigma1 @ sigma2)))
    root_error = np.minimum(np.sqrt(delta), delta / np.maximum(2 * roots, 1e-300)).sum()
    atol = 2 * root_error + 2 * d * sigma_error  # the cross term counts twice; the traces carry sigma_error
    if eps is not None:
        atol += 2 * d * np.sqrt(eps * (n1 + n2) + eps ** 2)
    return Tolerance(rtol=FLOAT64.rtol, atol=atol)


def _kid_tolerance(real64, fake64) -> Tolerance:
    # KID cancels three means of m² kernel values of size S = mean|k_xx| + mean|k_yy| + 2 mean|k_xy|: each
    # mean errs by up to m·eps·S in any summation order and each k by ~3·D·eps·k from its dot product.
    m, d = real64.shape
    return Tolerance(rtol=0.0, atol=4 * (m + 3 * d) * EPS64 * ref.kernel_scale(real64, fake64))


def _inception_tolerance(logits64) -> Tolerance:
    # log_softmax of logits of size M carries an absolute error of M·eps: the KL, and so log IS, too.
    return conditioned("cpu", "float64", float(np.abs(logits64).max()), ulps=16)


# -- feature_statistics ------------------------------------------------------------------------

@pytest.mark.points(0.5)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("n,d,seed", [(64, 16, 0), (9, 5, 20)])
def test_feature_statistics_match_numpy(submission, device, kind, n, d, seed):
    given, x64 = _features(n, d, seed, kind, device, scale=2.0, shift=1.5)
    got = submission.call("feature_statistics", given)
    assert_close(got, ref.feature_statistics(x64), tol=_sum_tolerance(x64), name="(mu, sigma)")


@pytest.mark.points(1)
@pytest.mark.parametrize("kind", ["numpy-float64", "torch-float32"])
def test_feature_statistics_of_one_feature_is_a_1x1_matrix(submission, device, kind):
    given, x64 = _features(12, 1, 30, kind, device)
    got = submission.call("feature_statistics", given)
    assert_close(got, ref.feature_statistics(x64), tol=_sum_tolerance(x64), name="(mu (1,), sigma (1, 1))")


@pytest.mark.points(0.5)
def test_feature_statistics_of_two_samples(submission, device):
    # N = 2 is the fewest samples with an unbiased covariance: sigma = (x1 - x2)(x1 - x2)ᵀ / 2
    given, x64 = _features(2, 4, 40, "numpy-float64", device)
    assert_close(submission.call("feature_statistics", given), ref.feature_statistics(x64),
                 tol=_sum_tolerance(x64), name="(mu, sigma)")


@pytest.mark.points(0.5)
@pytest.mark.parametrize("shape", [(8,), (4, 3, 2), (1, 5)], ids=["1-D", "3-D", "one-sample"])
def test_feature_statistics_rejects_bad_input(submission, device, shape):
    _raises(submission, "feature_statistics", "features", np.ones(shape))


# -- frechet_distance --------------------------------------------------------------------------

def _statistics(n_real, n_fake, d, seed):
    """float64 (mu1, sigma1, mu2, sigma2) of a drawn real and fake set."""
    _, real64, _, fake64 = _pair(n_real, n_fake, d, seed, "numpy-float64", "cpu")
    return (*ref.feature_statistics(real64), *ref.feature_statistics(fake64))


@pytest.mark.points(1.5)
@pytest.mark.parametrize("n,d,seed,kind", [(64, 16, 50, "numpy-float64"), (40, 4, 60, "numpy-float64"),
                                           (200, 32, 70, "numpy-float64"), (64, 16, 80, "torch-float64")])
def test_frechet_distance_matches_pytorch_fid(submission, device, n, d, seed, kind):
    stats = _statistics(n, n + 7, d, seed)
    given = [_as_kind(torch.from_numpy(s), kind, device) for s in stats]
    got = submission.call("frechet_distance", *given)
    assert_close(got, ref.frechet_distance(*stats), tol=_frechet_tolerance(stats[1], stats[3]), name="frechet_distance")


@pytest.mark.points(1)
def test_frechet_distance_of_a_gaussian_to_itself_is_zero(submission, device):
    # d² = 2 Tr Σ − 2 Tr (Σ²)^½ cancels exactly in exact arithmetic; what is left is rounding
    mu, sigma, _, _ = _statistics(50, 50, 12, 90)
    got = submission.call("frechet_distance", mu, sigma, mu, sigma)
    assert_close(got, ref.frechet_distance(mu, sigma, mu, sigma), tol=_frechet_tolerance(sigma, sigma),
                 name="frechet_distance(mu, sigma, mu, sigma)")


@pytest.mark.points(1)
@pytest.mark.parametrize("n,d,seed", [(6, 12, 100), (4, 8, 110)])
def test_frechet_distance_of_rank_deficient_covariances(submission, device, n, d, seed):
    # fewer samples than features: Σ1Σ2 has zero eigenvalues, which rounding makes slightly negative or
    # complex, so the square root comes out complex with a tiny imaginary part that must be dropped
    stats = _statistics(n, n, d, seed)
    got = submission.call("frechet_distance", *stats)
    assert_close(got, ref.frechet_distance(*stats), tol=_frechet_tolerance(stats[1], stats[3]), name="frechet_distance")


@pytest.mark.points(1.5)
@pytest.mark.parametrize("seed", [119, 360, 416])
def test_frechet_distance_falls_back_to_eps_for_singular_products(submission, device, seed):
    mu1, sigma1, mu2, sigma2 = _singular_covariances(seed)
    assert not ref.sqrtm_is_finite(sigma1, sigma2), "grader input no longer reaches the eps fallback"
    got = submission.call("frechet_distance", mu1, sigma1, mu2, sigma2)
    assert_close(got, ref.frechet_distance(mu1, sigma1, mu2, sigma2), tol=_frechet_tolerance(sigma1, sigma2, eps=1e-6),
                 name=f"frechet_distance of rank {np.linalg.matrix_rank(sigma1)} and {np.linalg.matrix_rank(sigma2)} "
                      f"covariances (D = {len(sigma1)})")


@pytest.mark.points(0.5)
def test_frechet_distance_of_collapsed_sets_is_the_mean_distance(submission, device):
    # both covariances zero (every sample identical): the root is 0, d² = ‖mu1 − mu2‖²
    mu1, mu2 = np.array([1.0, -2.0, 0.5]), np.array([0.0, 1.0, 2.5])
    got = submission.call("frechet_distance", mu1, np.zeros((3, 3)), mu2, np.zeros((3, 3)))
    assert_close(got, ref.frechet_distance(mu1, np.zeros((3, 3)), mu2, np.zeros((3, 3))), tol=FLOAT64,
                 name="frechet_distance")


def _imaginary_case(imaginary):
    """Σ1 = I and Σ2 = diag(2, 1, −imaginary²): the root is diag(√2, 1, i·imaginary), exactly."""
    return np.zeros(3), np.eye(3), np.full(3, 0.5), np.diag([2.0, 1.0, -imaginary ** 2])


@pytest.mark.points(1)
def test_frechet_distance_drops_an_imaginary_part_below_the_limit(submission, device):
    stats = _imaginary_case(0.9e-3)
    assert_close(submission.call("frechet_distance", *stats), ref.frechet_distance(*stats), tol=FLOAT64,
                 name="frechet_distance with an imaginary part of 0.9e-3 in the root")


@pytest.mark.points(1)
def test_frechet_distance_rejects_an_imaginary_part_above_the_limit(submission, device):
    stats = _imaginary_case(1.1e-3)
    with pytest.raises(ValueError):  # pytorch-fid refuses it too
        ref.frechet_distance(*stats)
    _raises(submission, "frechet_distance", "sigma1 and sigma2", *stats)


BAD_FRECHET = {  # case: (mu1 shape, sigma1 shape, mu2 shape, sigma2 shape, eps, parameters the message names)
    "mu-lengths": ((4,), (4, 4), (5,), (4, 4), 1e-6, "mu"),
    "mu-2-D": ((4, 1), (4, 4), (4, 1), (4, 4), 1e-6, "mu"),
    "sigma1-not-square": ((4,), (4, 3), (4,), (4, 4), 1e-6, "sigma1"),
    "sigma2-wrong-size": ((4,), (4, 4), (4,), (5, 5), 1e-6, "sigma2"),
    "negative-eps": ((4,), (4, 4), (4,), (4, 4), -1e-6, "eps"),
}


@pytest.mark.points(0.5)
@pytest.mark.parametrize("case", list(BAD_FRECHET))
def test_frechet_distance_rejects_bad_input(submission, device, case):
    mu1, sigma1, mu2, sigma2, eps, names = BAD_FRECHET[case]
    _raises(submission, "frechet_distance", names, np.zeros(mu1), np.eye(*sigma1), np.zeros(mu2), np.eye(*sigma2),
            eps=eps)


# -- fid_from_features -------------------------------------------------------------------------

def _fid_tolerance(real64, fake64) -> Tolerance:
    """The Fréchet tolerance, widened by the rounding of the two covariances (torchmetrics' one-pass sums)."""
    sigma1, sigma2 = ref.feature_statistics(real64)[1], ref.feature_statistics(fake64)[1]
    sigma_error = max(_sum_tolerance(real64).atol, _sum_tolerance(fake64).atol)
    return _frechet_tolerance(sigma1, sigma2, sigma_error)


@pytest.mark.points(1)
@pytest.mark.parametrize("kind", KINDS)
def test_fid_from_features_matches_torchmetrics(submission, device, kind):
    real, real64, fake, fake64 = _pair(80, 60, 16, 120, kind, device)  # sample counts may differ
    got = submission.call("fid_from_features", real, fake)
    assert_close(got, ref.fid_from_features(real64, fake64), tol=_fid_tolerance(real64, fake64),
                 name="fid_from_features")


@pytest.mark.points(1)
@pytest.mark.parametrize("n_real,n_fake,d,seed", [(30, 30, 3, 130), (300, 100, 48, 140)])
def test_fid_from_features_other_sizes(submission, device, n_real, n_fake, d, seed):
    real, real64, fake, fake64 = _pair(n_real, n_fake, d, seed, "torch-float64", device)
    got = submission.call("fid_from_features", real, fake)
    assert_close(got, ref.fid_from_features(real64, fake64), tol=_fid_tolerance(real64, fake64),
                 name="fid_from_features")


@pytest.mark.points(1)
def test_fid_from_features_of_a_set_with_itself_is_zero(submission, device):
    real, real64 = _features(50, 10, 150, "numpy-float64", device)
    got = submission.call("fid_from_features", real, real)
    assert_close(got, ref.fid_from_features(real64, real64), tol=_fid_tolerance(real64, real64),
                 name="fid_from_features(x, x)")


BAD_SETS = {  # case: (real shape, fake shape, parameters the message names)
    "different-D": ((10, 4), (10, 5), "real and fake"),
    "one-real-sample": ((1, 4), (10, 4), "real"),
    "one-fake-sample": ((10, 4), (1, 4), "fake"),
    "real-1-D": ((10,), (10, 4), "real"),
}


@pytest.mark.points(0.5)
@pytest.mark.parametrize("case", list(BAD_SETS))
def test_fid_from_features_rejects_bad_input(submission, device, case):
    real_shape, fake_shape, names = BAD_SETS[case]
    _raises(submission, "fid_from_features", names, np.ones(real_shape), np.ones(fake_shape))


# -- kernel_inception_distance -----------------------------------------------------------------

@pytest.mark.points(1)
@pytest.mark.parametrize("kind", KINDS)
def test_kernel_inception_distance_matches_torchmetrics(submission, device, kind):
    real, real64, fake, fake64 = _pair(40, 40, 16, 160, kind, device)
    got = submission.call("kernel_inception_distance", real, fake)
    assert_close(got, ref.kernel_inception_distance(real64, fake64), tol=_kid_tolerance(real64, fake64),
                 name="kernel_inception_distance")


@pytest.mark.points(1)
@pytest.mark.parametrize("m,d,seed", [(100, 64, 170), (25, 3, 180)])
def test_kernel_inception_distance_other_sizes(submission, device, m, d, seed):
    real, real64, fake, fake64 = _pair(m, m, d, seed, "torch-float64", device)
    got = submission.call("kernel_inception_distance", real, fake)
    assert_close(got, ref.kernel_inception_distance(real64, fake64), tol=_kid_tolerance(real64, fake64),
                 name="kernel_inception_distance")


@pytest.mark.points(1)
def test_kernel_inception_distance_is_unbiased_so_it_can_be_negative(submission, device):
    # a fake set that copies the real one up to small noise (a memorising generator): the pairs i = j,
    # left out of the within-set sums, hold the largest kernel values, so the estimate is below 0
    real, real64 = _features(30, 8, 190, "numpy-float64", device)
    fake = real64 + 0.1 * randn(30, 8, seed=191, dtype=torch.float64).numpy()
    expected = ref.kernel_inception_distance(real64, fake)
    assert expected < 0, "grader input no longer gives a negative unbiased estimate"
    assert_close(submission.call("kernel_inception_distance", real, fake), expected, tol=_kid_tolerance(real64, fake),
                 name="kernel_inception_distance of a near copy")


@pytest.mark.points(0.5)
def test_kernel_inception_distance_of_two_samples(submission, device):
    # m = 2, the fewest the unbiased estimator allows: one pair i ≠ j per set
    real, real64, fake, fake64 = _pair(2, 2, 5, 200, "numpy-float64", device)
    got = submission.call("kernel_inception_distance", real, fake)
    assert_close(got, ref.kernel_inception_distance(real64, fake64), tol=_kid_tolerance(real64, fake64),
                 name="kernel_inception_distance")


BAD_KID = {
    **BAD_SETS,
    "unequal-counts": ((10, 4), (12, 4), "real and fake"),
}


@pytest.mark.points(0.5)
@pytest.mark.parametrize("case", list(BAD_KID))
def test_kernel_inception_distance_rejects_bad_input(submission, device, case):
    real_shape, fake_shape, names = BAD_KID[case]
    _raises(submission, "kernel_inception_distance", names, np.ones(real_shape), np.ones(fake_shape))


# -- inception_score ---------------------------------------------------------------------------

def _logits(n, c, seed, kind, device, scale=3.0):
    given = _as_kind(scale * randn(n, c, seed=seed, dtype=torch.float64), kind, device)
    return given, _float64(given)


def _confident_logits(labels, c, margin, seed, kind, device):
    """margin on each sample's class, small noise elsewhere: near one-hot predictions."""
    z = 0.5 * randn(len(labels), c, seed=seed, dtype=torch.float64)
    z[torch.arange(len(labels)), torch.as_tensor(labels)] += margin
    given = _as_kind(z, kind, device)
    return given, _float64(given)


@pytest.mark.points(1)
@pytest.mark.parametrize("kind", KINDS)
def test_inception_score_matches_torchmetrics(submission, device, kind):
    given, z64 = _logits(40, 10, 210, kind, device)
    assert_close(submission.call("inception_score", given), ref.inception_score(z64), tol=_inception_tolerance(z64),
                 name="inception_score")


@pytest.mark.points(1)
def test_inception_score_of_near_uniform_predictions_is_near_one(submission, device):
    given, z64 = _logits(50, 10, 220, "numpy-float64", device, scale=1e-3)
    assert_close(submission.call("inception_score", given), ref.inception_score(z64), tol=_inception_tolerance(z64),
                 name="inception_score of logits of size 1e-3")


@pytest.mark.points(1)
@pytest.mark.parametrize("kind", ["numpy-float64", "torch-float32"])
def test_inception_score_of_confident_varied_predictions(submission, device, kind):
    # every class predicted with margin 50 by 4 samples: IS is close to C = 10
    given, z64 = _confident_logits(np.arange(40) % 10, 10, 50.0, 230, kind, device)
    assert_close(submission.call("inception_score", given), ref.inception_score(z64), tol=_inception_tolerance(z64),
                 name="inception_score")


@pytest.mark.points(1)
@pytest.mark.parametrize("kind", ["numpy-float64", "torch-float32"])
def test_inception_score_stable_for_huge_logits_and_unused_classes(submission, device, kind):
    # margins of 1e4 round every probability to exactly 0 or 1 and classes 4-9 are never predicted: p(y) has
    # zeros, so log p(y) is −inf (torchmetrics returns NaN); the limit 0·log 0 = 0 gives IS = 4 classes' worth
    given, z64 = _confident_logits([0, 1, 2, 3, 0, 1, 2, 3, 3, 3], 10, 1e4, 240, kind, device)
    assert_close(submission.call("inception_score", given), ref.inception_score_rel_entr(z64),
                 tol=_inception_tolerance(z64), name="inception_score of logits with margins 1e4")


@pytest.mark.points(0.5)
def test_inception_score_of_one_sample_is_one(submission, device):
    given, z64 = _logits(1, 6, 250, "numpy-float64", device)
    assert_close(submission.call("inception_score", given), ref.inception_score_rel_entr(z64),
                 tol=_inception_tolerance(z64), name="inception_score of a single sample")


@pytest.mark.points(0.5)
@pytest.mark.parametrize("shape", [(10,), (0, 5), (2, 3, 4)], ids=["1-D", "no-sample", "3-D"])
def test_inception_score_rejects_bad_input(submission, device, shape):
    _raises(submission, "inception_score", "logits", np.zeros(shape))


# -- mode_coverage -----------------------------------------------------------------------------

def _labels(n, num_drawn, seed, kind, device):
    """n labels drawn from the first `num_drawn` classes, with uneven frequencies."""
    rng = np_rng(seed)
    labels = rng.choice(num_drawn, size=n, p=rng.dirichlet(np.ones(num_drawn)))
    library, dtype = kind.split("-")
    if library == "numpy":
        return labels.astype(dtype), labels
    return torch.as_tensor(labels).to(getattr(torch, dtype)).to(device), labels


@pytest.mark.points(1)
@pytest.mark.parametrize("kind,n,num_classes,seed", [("numpy-int64", 50, 10, 260), ("numpy-int32", 200, 7, 270),
                                                     ("torch-int64", 30, 12, 280), ("torch-int32", 64, 5, 290)])
def test_mode_coverage_matches_reference(submission, device, kind, n, num_classes, seed):
    given, labels = _labels(n, num_classes, seed, kind, device)
    assert_close(submission.call("mode_coverage", given, num_classes), ref.mode_coverage(labels, num_classes),
                 tol=FLOAT64, name="(coverage, kl)")


@pytest.mark.points(1)
def test_mode_coverage_counts_classes_beyond_the_largest_label(submission, device):
    # 10 classes but only 0-5 produced: classes 6-9 are missing and count in both numbers
    given, labels = _labels(40, 6, 300, "numpy-int64", device)
    assert_close(submission.call("mode_coverage", given, 10), ref.mode_coverage(labels, 10), tol=FLOAT64,
                 name="(coverage, kl) of labels 0-5 out of 10 classes")


@pytest.mark.points(0.5)
@pytest.mark.parametrize("case", ["balanced", "collapsed"])
def test_mode_coverage_extremes(submission, device, case):
    # balanced: every class 3 times, (1, 0); collapsed: every sample class 2, (1/K, log K)
    labels = np.repeat(np.arange(8), 3) if case == "balanced" else np.full(24, 2)
    assert_close(submission.call("mode_coverage", labels, 8), ref.mode_coverage(labels, 8), tol=FLOAT64,
                 name=f"(coverage, kl) of {case} labels")


BAD_COVERAGE = {  # case: (labels, num_classes, parameter the message names)
    "zero-classes": (np.array([0, 0]), 0, "num_classes"),
    "negative-classes": (np.array([0, 0]), -3, "num_classes"),
    "float-classes": (np.array([0, 1]), 2.5, "num_classes"),
    "label-too-large": (np.array([0, 4, 1]), 4, "labels"),
    "negative-label": (np.array([0, -1, 1]), 4, "labels"),
    "2-D-labels": (np.zeros((3, 2), dtype=np.int64), 4, "labels"),
    "no-labels": (np.zeros(0, dtype=np.int64), 4, "labels"),
    "float-labels": (np.array([0.0, 1.0, 2.0]), 4, "labels"),
}


@pytest.mark.points(0.25)
@pytest.mark.parametrize("case", list(BAD_COVERAGE))
def test_mode_coverage_rejects_bad_input(submission, device, case):
    labels, num_classes, names = BAD_COVERAGE[case]
    _raises(submission, "mode_coverage", names, labels, num_classes)
