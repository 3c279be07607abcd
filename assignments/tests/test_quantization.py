"""Public tests for quantization.py: small examples you can check by hand.

Run them with `python -m pytest tests/test_quantization.py` from the folder of quantization.py.
The hidden graders check many more cases against vector-quantize-pytorch and scikit-learn.
"""

import math

import pytest
import torch

import quantization


def test_nearest_code_by_hand():
    codebook = torch.tensor([[0.0, 0.0], [4.0, 0.0], [0.0, 4.0]])
    z = torch.tensor([[1.0, 0.5], [3.0, 1.0], [0.5, 5.0]])
    indices, codes = quantization.nearest_code(z, codebook)
    assert indices.dtype == torch.int64, f"indices should be int64, got {indices.dtype}"
    assert indices.tolist() == [0, 1, 2], f"expected the nearest codes [0, 1, 2], got {indices.tolist()}"
    assert torch.equal(codes, codebook[[0, 1, 2]]), "codes should be the codebook rows of the indices"


def test_nearest_code_tie_goes_to_the_lowest_index():
    # (1, 0) is at squared distance 1 from both (0, 0) and (2, 0); the duplicates of (2, 0) tie exactly
    codebook = torch.tensor([[2.0, 0.0], [0.0, 0.0], [2.0, 0.0]])
    indices, _ = quantization.nearest_code(torch.tensor([[1.0, 0.0], [2.0, 0.0]]), codebook)
    assert indices.tolist() == [0, 0], f"ties must go to the lowest index: expected [0, 0], got {indices.tolist()}"


def test_nearest_code_keeps_leading_dims():
    z = torch.zeros(2, 3, 5, 4, dtype=torch.float64)
    indices, codes = quantization.nearest_code(z, torch.randn(7, 4, dtype=torch.float64))
    assert indices.shape == (2, 3, 5), f"indices should have z's leading shape (2, 3, 5), got {tuple(indices.shape)}"
    assert codes.shape == z.shape and codes.dtype == torch.float64, "codes should have z's shape and dtype"


def test_straight_through_forward_and_gradient():
    z = torch.tensor([0.3, -1.2, 2.0], requires_grad=True)
    codes = torch.tensor([1.0, -1.0, 2.5], requires_grad=True)
    out = quantization.straight_through(z, codes)
    # z + (codes - z) equals codes only up to rounding: compare with a tolerance, not ==
    assert torch.allclose(out, codes, rtol=0, atol=1e-6), f"the forward value should be codes, got {out}"
    out.backward(torch.tensor([1.0, 2.0, 3.0]))
    assert torch.equal(z.grad, torch.tensor([1.0, 2.0, 3.0])), f"z should receive grad_output unchanged, got {z.grad}"
    assert codes.grad is None, "codes should receive no gradient: (codes - z) is detached"


def test_vq_losses_by_hand():
    z = torch.tensor([[1.0, 2.0]], requires_grad=True)
    codes = torch.tensor([[0.0, 0.0]], requires_grad=True)
    codebook_loss, commitment_loss = quantization.vq_losses(z, codes, beta=0.5)
    # mean((z - codes)²) = (1 + 4) / 2 = 2.5; the commitment loss is beta times that
    assert math.isclose(codebook_loss.item(), 2.5), f"codebook loss should be 2.5, got {codebook_loss.item()}"
    assert math.isclose(commitment_loss.item(), 1.25), f"commitment loss should be 0.5 · 2.5, got {commitment_loss.item()}"
    codebook_loss.backward()
    assert z.grad is None, "the codebook loss must not train z: use z.detach() in it"
    assert codes.grad is not None, "the codebook loss must train the codes"


def test_kmeans_codebook_one_iteration_by_hand():
    x = torch.tensor([[0.0], [1.0], [9.0], [11.0]])
    init = torch.tensor([[0.0], [10.0], [100.0]])
    centroids = quantization.kmeans_codebook(x, init, iters=1)
    # {0, 1} -> 0.5, {9, 11} -> 10, and the centroid at 100 gets no point: it stays where it is
    assert torch.allclose(centroids, torch.tensor([[0.5], [10.0], [100.0]])), \
        f"expected [[0.5], [10], [100]] (an empty cluster keeps its centroid), got {centroids.tolist()}"


def test_residual_quantize_by_hand():
    codebooks = [torch.tensor([[0.0, 0.0], [4.0, 4.0]]), torch.tensor([[1.0, 0.0], [0.0, -1.0]])]
    codes, indices = quantization.residual_quantize(torch.tensor([[4.5, 3.5]]), codebooks)
    # stage 1 picks (4, 4), the residual (0.5, -0.5) is equidistant: stage 2 picks index 0, (1, 0)
    assert indices.tolist() == [[1, 0]], f"expected indices [[1, 0]] (one column per stage), got {indices.tolist()}"
    assert torch.equal(codes, torch.tensor([[5.0, 4.0]])), f"codes should be the sum (4, 4) + (1, 0), got {codes.tolist()}"


def test_lfq_by_hand():
    codes, indices = quantization.lfq_quantize(torch.tensor([[0.7, -0.2, 0.0], [0.0, 0.0, 3.0]]))
    assert torch.allclose(codes, torch.tensor([[1.0, -1.0, -1.0], [-1.0, -1.0, 1.0]])), \
        f"codes are +1 where z > 0 and -1 where z <= 0 (also at z = 0), got {codes.tolist()}"
    # bits (1, 0, 0) -> 4 and (0, 0, 1) -> 1: the first dimension is the most significant bit
    assert indices.tolist() == [4, 1], f"expected indices [4, 1], got {indices.tolist()}"


def test_fsq_levels_and_indices():
    levels = [3, 4]
    z = torch.tensor([[0.0, 0.0], [20.0, 20.0], [-20.0, -20.0]])
    codes, indices = quantization.fsq_quantize(z, levels)
    # L = 3: q in {-1, 0, 1}, codes q / 1; L = 4 (even, offset 0.5): q in {-2, -1, 0, 1}, codes q / 2
    assert torch.allclose(codes, torch.tensor([[0.0, 0.0], [1.0, 0.5], [-1.0, -1.0]]), atol=1e-6), \
        f"expected codes [[0, 0], [1, 0.5], [-1, -1]], got {codes.tolist()}"
    # index = (q0 + 1) + 3 · (q1 + 2): the first level varies fastest
    assert indices.tolist() == [1 + 3 * 2, 2 + 3 * 3, 0], f"expected indices [7, 11, 0], got {indices.tolist()}"


def test_fsq_rejects_a_level_below_three():
    # FSQ needs L >= 3 levels per dimension; the error message should name `levels`
    with pytest.raises(ValueError, match="levels"):
        quantization.fsq_quantize(torch.zeros(4, 2), [2, 5])


def test_codebook_usage_by_hand():
    used, perplexity = quantization.codebook_usage(torch.tensor([0, 0, 1, 1]), 4)
    # two of four codes used, each half the time: H = log 2, perplexity exp(H) = 2
    assert math.isclose(used, 0.5), f"fraction used should be 2/4 = 0.5, got {used}"
    assert math.isclose(perplexity, 2.0, rel_tol=1e-9), \
        f"perplexity should be 2 (exp of the natural-log entropy; unused codes add 0), got {perplexity}"
