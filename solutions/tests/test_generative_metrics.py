"""Public tests for generative_metrics.py: small examples you can check by hand.

Run with `pytest tests/test_generative_metrics.py`.
"""

import math

import numpy as np
import pytest
import torch

import generative_metrics as gm

# Four 2-D points on the corners of a square around (1, 1): each coordinate is 0 or 2.
SQUARE = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]])


def test_feature_statistics_of_a_square_divides_by_n_minus_1():
    mu, sigma = gm.feature_statistics(SQUARE)
    assert np.allclose(mu, [1.0, 1.0]), f"the mean of the four corners is (1, 1), got {mu}"
    # each coordinate is 1 ± 1: Σ (±1)² = 4, divided by N − 1 = 3 (not N = 4); the coordinates are uncorrelated
    assert np.allclose(sigma, np.diag([4 / 3, 4 / 3])), f"expected the unbiased covariance diag(4/3, 4/3), got {sigma}"


def test_feature_statistics_returns_float64_numpy_for_a_float32_tensor():
    mu, sigma = gm.feature_statistics(torch.tensor(SQUARE, dtype=torch.float32))
    assert type(mu) is np.ndarray and type(sigma) is np.ndarray, "return NumPy arrays, also for a tensor input"
    assert mu.dtype == np.float64 and sigma.dtype == np.float64, f"got dtypes {mu.dtype} and {sigma.dtype}"
    assert np.allclose(sigma, np.diag([4 / 3, 4 / 3]))


def test_feature_statistics_of_one_feature_is_1x1():
    _, sigma = gm.feature_statistics(np.array([[1.0], [3.0]]))
    assert sigma.shape == (1, 1), f"sigma must be (D, D) = (1, 1) when D = 1, got shape {sigma.shape}"
    assert np.isclose(sigma[0, 0], 2.0), "values 1 and 3: variance ((−1)² + 1²) / (2 − 1) = 2"


def test_feature_statistics_needs_two_samples():
    with pytest.raises(ValueError, match="features"):
        gm.feature_statistics(np.ones((1, 3)))


def test_frechet_distance_of_one_dimensional_gaussians():
    # in 1-D, d² = (mu1 − mu2)² + σ1² + σ2² − 2 σ1 σ2 = (mu1 − mu2)² + (σ1 − σ2)²
    d2 = gm.frechet_distance(np.array([1.0]), np.array([[4.0]]), np.array([3.0]), np.array([[9.0]]))
    assert type(d2) is float, f"return a Python float, got {type(d2).__name__}"
    assert math.isclose(d2, (1 - 3) ** 2 + (2 - 3) ** 2), f"expected (1 − 3)² + (2 − 3)² = 5, got {d2}"


def test_frechet_distance_of_scaled_identities():
    # Σ1 = a² I, Σ2 = b² I in D dimensions: (Σ1Σ2)^½ = ab I, so d² = ‖Δmu‖² + D (a − b)²
    d = 5
    d2 = gm.frechet_distance(np.zeros(d), 4.0 * np.eye(d), np.ones(d), 0.25 * np.eye(d))
    assert math.isclose(d2, d + d * (2 - 0.5) ** 2), f"expected 5 + 5 · 1.5² = 16.25, got {d2}"


def test_frechet_distance_of_a_gaussian_to_itself_is_zero():
    mu, sigma = gm.feature_statistics(np.random.default_rng(0).standard_normal((50, 6)))
    d2 = gm.frechet_distance(mu, sigma, mu, sigma)
    assert abs(d2) < 1e-8, f"the distance from a Gaussian to itself is 0, got {d2}"


def test_frechet_distance_of_singular_covariances_is_finite():
    # two rank-1 covariances: SciPy's sqrtm of their product is NaN; adding eps·I to both fixes that
    b1, b2 = np.array([[1.0, 1.0, 1.0]]), np.array([[2.0, 2.0, -1.0]])
    d2 = gm.frechet_distance(np.zeros(3), b1.T @ b1, np.zeros(3), b2.T @ b2)
    # Tr Σ1 = 3, Tr Σ2 = 9, and Σ1Σ2 = (b1·b2) b1ᵀb2 has one non-zero eigenvalue (b1·b2)² = 9, whose root is 3
    assert math.isfinite(d2), f"singular covariances must not give {d2}: add eps·I when the square root is not finite"
    assert abs(d2 - (3 + 9 - 2 * 3)) < 1e-2, f"expected about 3 + 9 − 2·3 = 6, got {d2}"


def test_frechet_distance_rejects_mismatched_means():
    with pytest.raises(ValueError, match="mu"):
        gm.frechet_distance(np.zeros(3), np.eye(3), np.zeros(4), np.eye(3))


def test_fid_from_features_of_a_shifted_copy():
    # shifting every feature by c keeps the covariance: FID = ‖c‖² = D c²
    real = np.random.default_rng(1).standard_normal((40, 4))
    fid = gm.fid_from_features(real, torch.tensor(real + 0.5))
    assert math.isclose(fid, 4 * 0.25, rel_tol=1e-6, abs_tol=1e-6), f"expected 4 · 0.5² = 1, got {fid}"


def test_fid_from_features_rejects_different_feature_dimensions():
    with pytest.raises(ValueError, match="real"):
        gm.fid_from_features(np.ones((5, 3)), np.ones((5, 4)))


def test_kernel_inception_distance_by_hand():
    # D = 1, k(x, y) = (x y + 1)³. real (0, 1): the one pair i ≠ j gives k = 1; fake (3, 4): k = 13³ = 2197;
    # the four cross pairs give 1 + 1 + 4³ + 5³ = 191, weighted 2/m² = 1/2
    kid = gm.kernel_inception_distance(np.array([[0.0], [1.0]]), np.array([[3.0], [4.0]]))
    assert math.isclose(kid, 1 + 2197 - 191 / 2), f"expected 1 + 2197 − 95.5 = 2102.5, got {kid}"


def test_kernel_inception_distance_can_be_negative():
    # the unbiased estimate leaves out the pairs i = j: for two nearly equal sets it falls just below 0
    real = np.random.default_rng(2).standard_normal((20, 3))
    kid = gm.kernel_inception_distance(real, real + 1e-3)
    assert kid < 0, f"the unbiased estimate for a near copy should be slightly negative, got {kid}"


def test_kernel_inception_distance_needs_equal_sample_counts():
    with pytest.raises(ValueError, match="fake"):
        gm.kernel_inception_distance(np.ones((5, 3)), np.ones((6, 3)))


def test_inception_score_of_identical_predictions_is_one():
    score = gm.inception_score(np.tile([2.0, -1.0, 0.5], (8, 1)))
    assert math.isclose(score, 1.0), f"every p(y|x) equals p(y): every KL is 0 and IS = exp(0) = 1, got {score}"


def test_inception_score_of_confident_distinct_predictions_is_the_class_count():
    logits = 1e4 * np.eye(5)  # sample k is certain of class k
    score = gm.inception_score(logits)
    assert math.isclose(score, 5.0, rel_tol=1e-9), f"p(y) is uniform and each KL is log 5: IS = 5, got {score}"


def test_inception_score_is_finite_when_classes_are_never_predicted():
    # classes 2 and 3 never appear: p(y) is 0 there; work with log_softmax and logsumexp so that 0 · log 0 = 0
    logits = torch.tensor([[1e4, 0.0, 0.0, 0.0], [0.0, 1e4, 0.0, 0.0]])
    score = gm.inception_score(logits)
    assert math.isclose(score, 2.0, rel_tol=1e-9), f"two confident, different predictions give IS = 2, got {score}"


def test_mode_coverage_of_two_classes_out_of_four():
    coverage, kl = gm.mode_coverage(np.array([0, 0, 1, 1]), 4)
    assert math.isclose(coverage, 0.5), f"classes 0 and 1 occur, 2 of 4: coverage 0.5, got {coverage}"
    # h = (1/2, 1/2, 0, 0): KL = 2 · 1/2 · log(1/2 · 4) = log 2 nats (0 · log 0 counts as 0)
    assert math.isclose(kl, math.log(2)), f"expected KL = log 2 = 0.693 nats, got {kl}"


def test_mode_coverage_of_balanced_labels():
    coverage, kl = gm.mode_coverage(torch.arange(6).repeat(2), 6)
    assert coverage == 1.0 and abs(kl) < 1e-12, f"every class twice: expected (1.0, 0.0), got ({coverage}, {kl})"


@pytest.mark.parametrize("num_classes", [0, -2])
def test_mode_coverage_rejects_bad_num_classes(num_classes):
    with pytest.raises(ValueError, match="num_classes"):
        gm.mode_coverage(np.array([0, 1]), num_classes)
