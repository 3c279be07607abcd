"""Comparators: type, shape, dtype, device, NaN/inf and value checks, with messages that locate the error."""

import numpy as np
import pytest
import torch

from cvgrade import tolerances
from cvgrade.compare import Mismatch, assert_close, assert_equal
from cvgrade.sandbox.wire import Foreign
from cvgrade.tolerances import Tolerance


class EqualToEverything(np.ndarray):
    def __eq__(self, other):
        return True


class TensorThatAgrees(torch.Tensor):
    def __eq__(self, other):
        return True


def test_float64_result_within_tolerance_passes():
    expected = np.linspace(0, 1, 7)
    assert_close(expected * (1 + 1e-12), expected)


def test_worst_error_is_located_and_sized():
    expected = np.zeros((3, 4))
    actual = expected.copy()
    actual[0, 1], actual[2, 3] = 1e-3, 0.5
    with pytest.raises(Mismatch, match=r"gx: 2 of 12 elements differ.*worst at index \(2, 3\): got 0.5, expected 0.*abs err 0.5"):
        assert_close(actual, expected, name="gx")


@pytest.mark.parametrize("actual, pattern", [
    (np.zeros(3).view(EqualToEverything), "expected a numpy.ndarray, got test_compare.EqualToEverything"),
    (Foreign("evil.Thing"), "expected a numpy.ndarray, got evil.Thing"),
    ([0.0, 0.0, 0.0], "expected a numpy.ndarray, got builtins.list"),
    (np.zeros(4), r"expected shape \(3,\), got \(4,\)"),
    (np.zeros(3, dtype=np.float32), "expected dtype float64, got float32"),
    (np.array([0.0, np.nan, 0.0]), "NaN where the expected value is not"),
    (np.array([0.0, np.inf, 0.0]), "inf where the expected value is not"),
])
def test_wrong_arrays_are_rejected(actual, pattern):
    with pytest.raises(Mismatch, match=pattern):
        assert_close(actual, np.zeros(3))


def test_tensor_subclass_is_rejected():
    with pytest.raises(Mismatch, match="expected a torch.Tensor"):
        assert_close(torch.zeros(3).as_subclass(TensorThatAgrees), torch.zeros(3))


def test_float32_result_is_checked_against_float64_reference():
    reference = torch.tensor([1.0, 2.0], dtype=torch.float64) / 3
    assert_close(reference.float(), reference, dtype=torch.float32)
    with pytest.raises(Mismatch, match="expected dtype torch.float32, got torch.float64"):
        assert_close(reference, reference, dtype=torch.float32)
    with pytest.raises(Mismatch, match="differ beyond rtol=1e-05"):
        assert_close(reference.float() + 1e-3, reference, dtype=torch.float32)


def test_device_is_checked():
    meta = torch.empty(2, device="meta")
    with pytest.raises(Mismatch, match="expected a tensor on cpu, got one on meta"):
        assert_close(meta, torch.zeros(2))


def test_named_and_explicit_tolerances():
    expected = torch.tensor([1000.0], dtype=torch.float64)
    off = expected.float() * (1 + 5e-5)
    with pytest.raises(Mismatch):
        assert_close(off, expected, dtype=torch.float32)
    assert_close(off, expected, dtype=torch.float32, tol="reduction")
    assert_close(off, expected, dtype=torch.float32, tol=Tolerance(1e-3, 0))
    with pytest.raises(KeyError):
        assert_close(off, expected, dtype=torch.float32, tol="no-such-entry")


def test_cuda_profile_is_looser_for_float32_only():
    assert tolerances.lookup("cuda", "float32").rtol > tolerances.lookup("cpu", "float32").rtol
    assert tolerances.lookup("cuda", "float64") == tolerances.lookup("cpu", "float64")
    assert tolerances.lookup("cpu", "int64") == tolerances.EXACT


def test_tuples_are_compared_item_by_item():
    with pytest.raises(Mismatch, match=r"out\[1\]: expected shape"):
        assert_close((np.zeros(2), np.zeros(3)), (np.zeros(2), np.zeros(2)), name="out")
    with pytest.raises(Mismatch, match="expected a tuple of 2 items"):
        assert_close(np.zeros(2), (np.zeros(2), np.zeros(2)))


def test_assert_equal_is_exact():
    assert_equal(torch.tensor([1, 2]), torch.tensor([1, 2]))
    with pytest.raises(Mismatch, match=r"1 of 2 elements differ; first at index \(1,\): got 3, expected 2"):
        assert_equal(torch.tensor([1, 3]), torch.tensor([1, 2]))
    with pytest.raises(Mismatch):
        assert_equal(np.array([1.0 + 1e-15]), np.array([1.0]))


def test_python_scalars():
    assert_close(0.1 + 0.2, 0.3)
    with pytest.raises(Mismatch, match="expected a Python float, got numpy.ndarray"):
        assert_close(np.array(0.3), 0.3)
    with pytest.raises(Mismatch, match="expected 3, got True"):
        assert_close(True, 3)


def test_a_failed_image_comparison_carries_the_worst_plane():
    expected = np.zeros((2, 3, 100, 70))
    actual = expected.copy()
    actual[1, 2, 40, 31] = 5.0
    with pytest.raises(Mismatch) as caught:
        assert_close(actual, expected, name="maps", image="BCHW")
    picture = caught.value.picture
    assert picture["plane"] == "B=1, C=2" and picture["step"] == 3  # 100 px downsampled to at most 48
    row, col = picture["worst"]
    assert (row, col) == (40 // 3, 31 // 3) and picture["actual"][row][col] == 5.0  # blocks keep their worst pixel
    assert len(picture["actual"]) == 34 and len(picture["expected"][0]) == 24


def test_pictures_only_for_image_results_and_known_layouts():
    with pytest.raises(Mismatch) as caught:
        assert_close(np.ones((4, 4)), np.zeros((4, 4)))
    assert caught.value.picture is None
    with pytest.raises(ValueError, match="image layout"):
        assert_close(np.ones((4, 4)), np.ones((4, 4)), image="WH")


def test_picture_renders_as_png():
    from cvgrade.harness import pictures

    expected = np.arange(64.0).reshape(8, 8)
    actual = expected.copy()
    actual[2, 5] = np.nan
    with pytest.raises(Mismatch) as caught:
        assert_close(actual, expected, image="HW")
    assert pictures.render_png(caught.value.picture).startswith(b"\x89PNG\r\n\x1a\n")
    assert pictures.data_uri(caught.value.picture).startswith("data:image/png;base64,")


def test_worst_error_ratio_is_recorded_and_taken_once():
    from cvgrade.compare import take_worst_ratio

    take_worst_ratio()
    assert_close(np.array([1.0 + 5e-10]), np.array([1.0]), tol=Tolerance(1e-9, 0.0))
    assert take_worst_ratio() == pytest.approx(0.5, rel=1e-3)
    assert take_worst_ratio() is None


def test_a_python_float_is_held_to_the_precision_it_was_computed_in():
    assert_close(1.0 + 3e-6, 1.0, dtype=torch.float32)
    assert_close(1.0 + 3e-6, 1.0, dtype=np.float32)
    with pytest.raises(Mismatch, match="rtol=1e-09"):
        assert_close(1.0 + 3e-6, 1.0)


def test_dicts_are_compared_key_by_key():
    assert_equal({"a": True, "b": 2}, {"b": 2, "a": True})
    with pytest.raises(Mismatch, match=r"flags\['b'\]: expected 2, got 3"):
        assert_equal({"a": True, "b": 3}, {"a": True, "b": 2}, name="flags")
    with pytest.raises(Mismatch, match=r"flags: expected the keys \['a', 'b'\], got \['a'\]"):
        assert_equal({"a": True}, {"a": True, "b": 2}, name="flags")
    with pytest.raises(Mismatch, match="expected a dict"):
        assert_close([1.0], {"a": 1.0})
