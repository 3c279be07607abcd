"""Hidden graders for `transfer` (spec §10), against torchvision.transforms.v2, timm's reset_classifier,
param_groups_weight_decay and accuracy, scikit-learn's NearestCentroid, and the standard training
step run on a float64 copy of the model (see reference/transfer.py).

Images are bundled skimage.data photographs (chelsea, coffee, astronaut), cut to the sizes in the
test ids, or uniform uint8 noise from a fixed seed. Models are the small, randomly initialised
torchvision / timm classes of cvgrade/nets/transfer.py for 16 x 16 images, built and set up inside
the submission's process and built again here by the same seeded factory, so both copies hold the
same weights without shipping them. Tensors come from cvgrade.inputs with the seed in the test id
(seed, seed + 1, ... for a case's inputs).
"""

import functools

import numpy as np
import pytest
import skimage.data
import torch
from torch import nn

from cvgrade import tolerances
from cvgrade.compare import assert_close, assert_equal
from cvgrade.inputs import randint, randn
from cvgrade.nets import transfer as nets
from cvgrade.tolerances import Tolerance
from reference import transfer as ref

TOPIC = "transfer"
_TRANSFORMS = [
    "torchvision.transforms.v2.Transform._call_kernel",  # every v2 transform object (Resize, CenterCrop, ...)
    "torchvision.transforms.v2.functional._geometry._get_kernel",  # F.resize, F.center_crop, ...
    "torchvision.transforms.v2.functional._misc._get_kernel",  # F.normalize, F.to_dtype
    "torchvision.transforms.v2.functional.resize_image", "torchvision.transforms.v2.functional.center_crop_image",
    "torchvision.transforms.v2.functional.normalize_image", "torchvision.transforms.v2.functional.to_dtype_image",
    "torchvision.transforms.functional.resize", "torchvision.transforms.functional.center_crop",
    "torchvision.transforms.functional.normalize", "torchvision.transforms.functional.to_tensor",
    "torchvision.transforms.functional.convert_image_dtype", "torchvision.transforms._functional_tensor.resize",
]
# torch.topk stays allowed in topk_accuracy (a tensor primitive, not the metric), and torch's own
# F.interpolate in imagenet_preprocess; freeze and train_step have no library counterpart.
REFERENCE_CALLS = {
    "imagenet_preprocess": _TRANSFORMS,
    "replace_classifier": ["timm.models.vision_transformer.VisionTransformer.reset_classifier"],
    "parameter_groups": ["timm.optim._param_groups.param_groups_weight_decay",
                         "timm.optim.param_groups_weight_decay",
                         "timm.optim._optim_factory.param_groups_weight_decay"],
    "topk_accuracy": ["timm.utils.metrics.accuracy", "timm.utils.accuracy"],
    "nearest_centroid_predict": ["sklearn.neighbors.NearestCentroid.fit", "sklearn.neighbors.NearestCentroid.predict"],
}

F32, F64 = torch.float32, torch.float64


def _id(value) -> str:
    """Readable test ids: float32 for a dtype, layer4+fc for prefixes, all for None."""
    if isinstance(value, torch.dtype):
        return str(value).removeprefix("torch.")
    if isinstance(value, (list, tuple)):
        return "+".join(map(str, value)) or "none"
    return "all" if value is None else str(value)


IMAGENET = ((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))
CLIP = ((0.48145466, 0.4578275, 0.40821073), (0.26862954, 0.26130258, 0.27577711))
INCEPTION = ((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))

# torchvision resizes uint8 images in fixed point; a float resize rounded to uint8 differs from it by
# one level on some pixels (measured: at most 1, on 5-18 % of them), and the contract accepts both.
# After float32 scaling and normalising, the rest of the error is a few float32 ulps of values below 3
# (< 1e-6), i.e. < 1e-3 of a level.
ONE_LEVEL = Tolerance(rtol=0.0, atol=1.0 + 1e-3)
# A fraction count / N returned in float32 (a mean of a boolean mask) is within half an ulp of it.
FRACTION = Tolerance(rtol=tolerances.EPS["float32"], atol=0.0)


# -- topk_accuracy -------------------------------------------------------------------------------------

# Random normal logits have no ties (checked), so torch.topk's order is the contract's order. The
# first case leaves ks at its default (1, 5).
TOPK_CASES = [(60, F32, 64, 10, (1, 5)), (70, F64, 50, 7, (1, 3, 7)), (80, F32, 30, 100, (5, 1, 10))]
DEFAULT_KS = (1, 5)


@pytest.mark.points(1)
@pytest.mark.parametrize("seed,dtype,n,classes,ks", TOPK_CASES, ids=_id)
def test_topk_accuracy_matches_timm(submission, device, seed, dtype, n, classes, ks):
    logits = randn(n, classes, seed=seed, dtype=dtype, device=device)
    targets = randint(0, classes, (n,), seed=seed + 1, device=device)
    assert all(len(torch.unique(row)) == classes for row in logits), "test input has tied logits"
    got = submission.call("topk_accuracy", logits, targets, **({} if ks == DEFAULT_KS else {"ks": ks}))
    want = ref.topk_accuracy(logits.cpu(), targets.cpu(), ks)
    assert type(got) is dict and list(got) == list(want), f"expected a dict with keys {list(want)}, got {got!r:.200}"
    for k in ks:
        assert_close(got[k], want[k], tol=FRACTION, name=f"top-{k} accuracy")


@pytest.mark.points(1)
@pytest.mark.parametrize("seed,dtype", [(90, F32), (91, F64)], ids=_id)
def test_topk_accuracy_ties_count_against_the_target(submission, device, seed, dtype):
    # logits in {0, 1, 2}: most targets tie with other classes; the last row is constant
    logits = randint(0, 3, (40, 6), seed=seed, device=device).to(dtype)
    logits[-1] = 1.0
    targets = randint(0, 6, (40,), seed=seed + 1, device=device)
    ks = (1, 2, 3, 5, 6, 9)
    got = submission.call("topk_accuracy", logits, targets, ks=ks)
    want = ref.topk_accuracy_ranked(logits, targets, ks)
    assert type(got) is dict and list(got) == list(want), f"expected a dict with keys {list(want)}, got {got!r:.200}"
    for k in ks:
        assert_close(got[k], want[k], tol=FRACTION, name=f"top-{k} accuracy with ties (k >= 6 classes gives 1.0)")


@pytest.mark.points(1)
def test_topk_accuracy_rejects_bad_input(submission, device):
    logits, targets = randn(5, 4, seed=95, device=device), randint(0, 4, (5,), seed=96, device=device)
    past_the_end, negative = torch.arange(5, device=device), torch.arange(5, device=device) - 1  # [0, 4], [-1, 3]
    for name, args in (("logits", (logits[0], targets)), ("targets", (logits, targets[:4])),
                       ("targets", (logits, past_the_end)), ("targets", (logits, negative)),
                       ("ks", (logits, targets, (1, 0)))):
        with pytest.raises(ValueError, match=name):  # the message names the parameter
            submission.call("topk_accuracy", *args)


# -- nearest_centroid_predict ------------------------------------------------------------------------

# (seed, dtype, labels and their dtype, train rows, test rows, dim): class means N(0, 1.5²) per dimension,
# points N(mean, 1): overlapping classes, so a wrong centroid or distance changes some predictions.
# float32 distances carry a relative error of about 1e-6; every test row's two nearest centroids
# are checked to differ by more than 1e-4 relative, so the float64 label is the only right one.
CENTROID_CASES = [(100, F64, (0, 1, 2, 3), torch.int64, 60, 40, 5), (110, F32, (3, 7, 9), torch.int32, 45, 40, 8),
                  (120, F64, (2, 5), torch.int64, 12, 30, 3)]


def _clusters(seed, dtype, labels, label_dtype, n, m, dim, device):
    means = 1.5 * randn(len(labels), dim, seed=seed, dtype=F64)
    train_idx = torch.arange(n) % len(labels)  # every class present
    test_idx = randint(0, len(labels), (m,), seed=seed + 1)
    train = means[train_idx] + randn(n, dim, seed=seed + 2, dtype=F64)
    test = means[test_idx] + randn(m, dim, seed=seed + 3, dtype=F64)
    train_labels = torch.tensor(labels, dtype=label_dtype)[train_idx]
    return train.to(dtype).to(device), train_labels.to(device), test.to(dtype).to(device)


@pytest.mark.points(1)
@pytest.mark.parametrize("seed,dtype,labels,label_dtype,n,m,dim", CENTROID_CASES, ids=_id)
def test_nearest_centroid_predict_matches_sklearn(submission, device, seed, dtype, labels, label_dtype, n, m, dim):
    train, train_labels, test = _clusters(seed, dtype, labels, label_dtype, n, m, dim, device)
    want, gaps = ref.nearest_centroid(train, train_labels, test)
    assert gaps.min() > 1e-4, "test input has a near tie"
    got = submission.call("nearest_centroid_predict", train, train_labels, test)
    assert_equal(got, want.to(device, label_dtype), name=f"predicted labels ({label_dtype}, as train_labels)")


@pytest.mark.points(1)
def test_nearest_centroid_predict_ties_go_to_the_smallest_label(submission, device):
    # integer points, exact in any order of operations: centroids of labels 8, 2, 5 at (0, 0), (2, 0), (2, 2)
    train = torch.tensor([[0, 0], [0, 0], [2, 0], [1, 1], [3, -1], [2, 2]], dtype=F64, device=device)
    labels = torch.tensor([8, 8, 2, 2, 2, 5], device=device)
    test = torch.tensor([[1, 0], [2, 1], [1, 1], [0, 0], [3, 3], [-1, 5]], dtype=F64, device=device)
    want, _ = ref.nearest_centroid(train, labels, test)  # ties 8|2, 2|5, 8|2|5: label 2 each time
    got = submission.call("nearest_centroid_predict", train, labels, test)
    assert_equal(got, want.to(device), name="predicted labels (ties to the smallest label)")


@pytest.mark.points(1)
def test_nearest_centroid_predict_rejects_bad_shapes(submission, device):
    train, labels, test = _clusters(130, F32, (0, 1), torch.int64, 10, 4, 3, device)
    for name, args in (("train_features", (train[0], labels, test)), ("train_labels", (train, labels[:9], test)),
                       ("test_features", (train, labels, test[:, :2]))):
        with pytest.raises(ValueError, match=name):  # the message names the parameter
            submission.call("nearest_centroid_predict", *args)


# -- imagenet_preprocess -------------------------------------------------------------------------

@functools.cache
def _bundled(name: str) -> np.ndarray:
    return getattr(skimage.data, name)()


def _photo(name: str, rows: int, cols: int) -> np.ndarray:
    """The top-left rows × cols of a bundled skimage RGB photograph."""
    return np.ascontiguousarray(_bundled(name)[:rows, :cols])


def _noise(rows: int, cols: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (rows, cols, 3), dtype=np.uint8)


def _as_input(image: np.ndarray, kind: str, device):
    return image if kind == "array" else torch.from_numpy(image).to(device)


def _assert_preprocessed(out, image, size, crop, mean, std, device, what):
    want = ref.preprocess(image, size, crop, mean, std).as_subclass(torch.Tensor).to(device)
    # one uint8 level of the channel with the smallest std, and 1e-5 for float32's rounding of values below 3
    one_level = 1 / (255 * min(std)) + 1e-5
    assert_close(out, want, dtype=F32, tol=Tolerance(0.0, one_level), name=what, image="CHW")
    assert_close(ref.uint8_levels(out, mean, std), ref.uint8_levels(want, mean, std), tol=ONE_LEVEL,
                 name=f"{what} in uint8 levels (out · std + mean) · 255", image="CHW")


# (image, rows, cols, size, crop, input kind): the crop offsets (H' - crop)/2 and (W' - crop)/2 of the
# resized image include halves that Python's round sends down (2.5 -> 2) and up (1.5 -> 2, 9.5 -> 10,
# 17.5 -> 18), so floor, round-half-up and off-centre crops all fail somewhere.
DEFAULT_SIZES = (256, 224)
PHOTO_CASES = [
    ("chelsea", 300, 451, 256, 224, "array"),    # the defaults (not passed): 256 x 384, offsets 16 and 80
    ("coffee", 157, 233, 29, 24, "tensor"),      # landscape 29 x 43, offsets round(2.5) = 2, round(9.5) = 10
    ("astronaut", 301, 203, 67, 64, "tensor"),   # portrait 99 x 67, offsets round(17.5) = 18, round(1.5) = 2
    ("chelsea", 20, 31, 48, 40, "array"),        # upscaling 20 x 31 -> 48 x 74
    ("astronaut", 128, 128, 64, 64, "tensor"),   # square, crop = size
]


@pytest.mark.points(2)
@pytest.mark.parametrize("name,rows,cols,size,crop,kind", PHOTO_CASES)
def test_imagenet_preprocess_matches_torchvision(submission, device, name, rows, cols, size, crop, kind):
    image = _photo(name, rows, cols)
    settings = {} if (size, crop) == DEFAULT_SIZES else {"size": size, "crop": crop}
    out = submission.call("imagenet_preprocess", _as_input(image, kind, device), **settings)
    where = device if kind == "tensor" else torch.device("cpu")
    _assert_preprocessed(out, image, size, crop, *IMAGENET, where, f"{name}[:{rows}, :{cols}] preprocessed")


@pytest.mark.points(1)
@pytest.mark.parametrize("stats", [pytest.param(CLIP, id="clip"), pytest.param(INCEPTION, id="inception")])
def test_imagenet_preprocess_with_other_mean_and_std(submission, device, stats):
    image = _photo("coffee", 180, 121)
    out = submission.call("imagenet_preprocess", torch.from_numpy(image).to(device), 40, 33, *stats)
    _assert_preprocessed(out, image, 40, 33, *stats, device, "coffee[:180, :121] preprocessed")


@pytest.mark.points(1)
@pytest.mark.parametrize("rows,cols,size,crop,seed", [(29, 43, 29, 24, 0), (47, 30, 30, 25, 1)])
def test_imagenet_preprocess_centre_crop_offsets(submission, device, rows, cols, size, crop, seed):
    # the shorter side is already `size` and int(size · long / short) = long: no resizing, so the
    # result is the crop of noise itself, at offsets (2, 10) for 29 x 43 and (11, 2) for 47 x 30
    image = _noise(rows, cols, seed)
    out = submission.call("imagenet_preprocess", torch.from_numpy(image).to(device), size, crop)
    _assert_preprocessed(out, image, size, crop, *IMAGENET, device, f"{rows} x {cols} noise centre-cropped")


@pytest.mark.points(1)
def test_imagenet_preprocess_rejects_bad_images(submission, device):
    image = _noise(20, 30, 2)
    bad = [image.astype(np.float32), image[..., 0],  # float; grayscale (H, W)
           np.concatenate([image, image[..., :1]], axis=2), np.ascontiguousarray(image.transpose(2, 0, 1))]  # RGBA; (3, H, W)
    for value in bad:
        with pytest.raises(ValueError, match="image"):  # the message names the parameter
            submission.call("imagenet_preprocess", value, 16, 12)


@pytest.mark.points(1)
def test_imagenet_preprocess_rejects_bad_settings(submission, device):
    image = _noise(20, 30, 3)
    # the allowed side of crop >= 1: one pixel of the 2 x 3 resized image (torch's uint8 antialiased resize
    # fails on a 1 x 1 output, so the reference cannot check size = 1)
    out = submission.call("imagenet_preprocess", image, 2, 1)
    _assert_preprocessed(out, image, 2, 1, *IMAGENET, torch.device("cpu"), "20 x 30 noise at size 2, crop 1")
    for name, kwargs in (("crop", {"size": 16, "crop": 17}), ("crop", {"crop": 0}), ("size", {"size": 0, "crop": 1}),
                         ("std", {"std": (0.2, 0.0, 0.2)}), ("mean", {"mean": (0.5, 0.5)})):
        with pytest.raises(ValueError, match=name):  # the message names the parameter
            submission.call("imagenet_preprocess", image, **{"size": 16, "crop": 12, **kwargs})


# -- models: the same seeded build in both processes ---------------------------------------------

MODELS = {  # arch -> (factory in cvgrade.nets.transfer, path of its final nn.Linear)
    "resnet": ("tiny_resnet", "fc"),
    "vgg": ("tiny_vgg", "classifier.6"),
    "mobilenet": ("tiny_mobilenet", "classifier.3"),
    "vit": ("tiny_vit", "head"),
}


def _build(submission, arch, device, dtype=F32, **setup):
    """The case's model, built and set up inside the submission's process (cvgrade.nets.transfer.prepared)."""
    return submission.build("cvgrade.nets.transfer.prepared", MODELS[arch][0], dtype=dtype, device=device, **setup)


def _local(arch, dtype=F32, **setup) -> nn.Module:
    """The same model built here on the CPU: the factory is seeded, so the same setup gives the same weights."""
    return nets.prepared(MODELS[arch][0], dtype=dtype, **setup)


@functools.cache
def _pristine(arch) -> nn.Module:
    """The model of `arch` as every build starts; read here only (names, shapes, modules)."""
    return _local(arch)


def _param_names(arch) -> list[str]:
    return [name for name, _ in _pristine(arch).named_parameters()]


def _probe(submission, model):
    return submission.build("cvgrade.nets.transfer.Probe", model)


def _modules(model: nn.Module) -> list[dict]:
    """What Handle.modules() lists, for a local model."""
    return [{"name": name, "type": type(m).__name__, "extra": m.extra_repr()} for name, m in model.named_modules()]


def _assert_same_modules(got: list[dict], want: list[dict], what: str) -> None:
    for g, w in zip(got, want):
        assert g == w, f"{what}: module {w['name'] or '<model>'} should be {w['type']}({w['extra']}), " \
                       f"got {g['name'] or '<model>'}: {g['type']}({g['extra']})"
    assert len(got) == len(want), f"{what}: {len(got)} modules, expected {len(want)}"


# -- replace_classifier ------------------------------------------------------------------------------

def _expected_replacement(arch, local: nn.Module, num_classes) -> nn.Module:
    """`local` with its head replaced by the library's way: timm's reset_classifier for the ViT, the
    tutorials' nn.Linear swap for torchvision."""
    if arch == "vit":
        return ref.reset_classifier(local, num_classes)
    return ref.replace_linear(local, MODELS[arch][1], num_classes)


def _assert_fresh_linear(weight, bias, in_features, what):
    # nn.Linear's default initialisation: weight and bias ~ U(-1/√in, 1/√in), std bound/√3. The bound holds up to
    # the rounding of the draws (1e-6 covers float32's); the std of >= 100 draws is within 15 % of bound/√3
    bound = in_features ** -0.5
    for name, values in (("weight", weight), ("bias", bias)):
        assert values.abs().max() <= bound * (1 + 1e-6), \
            f"{what}.{name} has values beyond ±1/√in_features = ±{bound:.4f}: not nn.Linear's default initialisation"
    assert weight.double().std() > 0.5 * bound / 3 ** 0.5, \
        f"{what}.weight has std {weight.double().std():.3g}, expected about {bound / 3 ** 0.5:.3g} (a fresh nn.Linear)"


@pytest.mark.points(1)
@pytest.mark.parametrize("arch,dtype", [("resnet", F32), ("resnet", F64), ("vgg", F32), ("mobilenet", F32),
                                        ("vit", F32)], ids=_id)
def test_replace_classifier(submission, device, arch, dtype):
    head = MODELS[arch][1]
    model, local = _build(submission, arch, device, dtype), _local(arch, dtype)
    before = local.state_dict()  # the old head's tensors stay in it when the head is replaced below
    returned = submission.call("replace_classifier", model, 7)
    assert returned == model, "replace_classifier must return the model it was given (changed in place)"
    want = _expected_replacement(arch, local, 7)
    _assert_same_modules(model.modules(), _modules(want), f"{arch} after replace_classifier(model, 7)")
    after = model.state_dict()
    assert set(after) == set(before), f"state dict keys changed: {sorted(set(after) ^ set(before))}"
    for key, value in before.items():
        if not key.startswith(head + "."):
            assert_equal(after[key], value.to(device), name=f"{key} (must stay as it was)")
    in_features = before[f"{head}.weight"].shape[1]
    for key, shape in ((f"{head}.weight", (7, in_features)), (f"{head}.bias", (7,))):
        assert tuple(after[key].shape) == shape, f"{key}: expected shape {shape}, got {tuple(after[key].shape)}"
        assert after[key].dtype == dtype and after[key].device == device, \
            f"{key} must be {dtype} on {device} like the model, got {after[key].dtype} on {after[key].device}"
    _assert_fresh_linear(after[f"{head}.weight"], after[f"{head}.bias"], in_features, head)


@pytest.mark.points(2)
@pytest.mark.parametrize("arch", ["resnet", "vit"])
def test_replace_classifier_on_a_frozen_backbone(submission, device, arch):
    head = MODELS[arch][1]
    model = _build(submission, arch, device, trainable=[])
    submission.call("replace_classifier", model, 3)
    trainable = _probe(submission, model).method("requires_grad")
    assert set(trainable) == set(_param_names(arch)), f"parameter names changed: {sorted(trainable)}"
    for name, flag in trainable.items():
        expected = name.startswith(head + ".")
        assert flag == expected, f"{name}: requires_grad should be {expected} (the new head trains, " \
                                 f"the frozen backbone stays frozen), got {flag}"


@pytest.mark.points(1)
def test_replace_classifier_rejects_other_models(submission, device):
    resnet = _build(submission, "resnet", device)
    with pytest.raises(ValueError, match="num_classes"):
        submission.call("replace_classifier", resnet, 0)
    resnet.method("__setattr__", "fc", submission.build("torch.nn.Identity"))
    others = [resnet,  # its fc is now an nn.Identity
              submission.build("torch.nn.Sequential", submission.build("torch.nn.Linear", 4, 3)),  # no known layer
              _build(submission, "vit", device, num_classes=0)]  # a ViT whose head is an nn.Identity
    for model in others:
        with pytest.raises(ValueError, match="model"):  # the message names the parameter
            submission.call("replace_classifier", model, 5)


# -- freeze ------------------------------------------------------------------------------------------

# (arch, trainable_prefixes, parameters trainable before (None: all), model mode): the prefixes are plain
# str.startswith prefixes, so "bn1" is only the stem's BatchNorm and "norm" only the ViT's final norm.
FREEZE_CASES = [
    pytest.param("resnet", ["layer4", "fc"], ["conv1.weight", "layer4.0.bn2.bias", "layer1.0.bn1.weight"], "train",
                 id="resnet-layer4+fc-from-partly-frozen"),
    pytest.param("resnet", ["bn1"], None, "eval", id="resnet-bn1-from-trainable"),
    pytest.param("resnet", [], None, "train", id="resnet-no-prefix"),
    pytest.param("vit", ("norm", "head"), [], "train", id="vit-norm+head-from-frozen"),
    pytest.param("vit", "head", None, "eval", id="vit-one-str-prefix"),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("arch,prefixes,start,mode", FREEZE_CASES)
def test_freeze(submission, device, arch, prefixes, start, mode):
    model = _build(submission, arch, device, trainable=start, train=mode == "train")
    counts = submission.call("freeze", model, prefixes)
    match = (prefixes,) if isinstance(prefixes, str) else tuple(prefixes)
    params = dict(_pristine(arch).named_parameters())
    expected = {name: name.startswith(match) for name in params}
    probe = _probe(submission, model)
    got = probe.method("requires_grad")
    assert set(got) == set(params), f"parameter names changed: {sorted(set(got) ^ set(params))}"
    for name in params:
        assert got[name] == expected[name], f"freeze(model, {prefixes!r}): {name}.requires_grad should be " \
                                            f"{expected[name]}, got {got[name]}"
    trainable = sum(p.numel() for name, p in params.items() if expected[name])
    frozen = sum(p.numel() for name, p in params.items() if not expected[name])
    assert_equal(counts, (trainable, frozen), name="(trainable, frozen) element counts")
    assert all(flag == (mode == "train") for flag in probe.method("training").values()), \
        f"freeze must only change requires_grad: every module of the model was in {mode} mode and must stay so"


@pytest.mark.points(1)
def test_freeze_rejects_bad_prefixes(submission, device):
    model = _build(submission, "resnet", device)
    for value in ([3], None, ["fc", 1.5]):
        with pytest.raises(ValueError, match="trainable_prefixes"):
            submission.call("freeze", model, value)


# -- parameter_groups -----------------------------------------------------------------------------

# (arch, trainable parameters' prefixes, head_prefixes, base_lr, backbone_lr_scale, weight_decay): the last
# case sits on both boundaries that are allowed, backbone_lr_scale = 0 and weight_decay = 0.
GROUP_CASES = [
    pytest.param("resnet", ("conv1", "bn1", "layer2", "layer3", "layer4", "fc"), ["fc"], 1e-3, 0.1, 0.05,
                 id="resnet-layer1-frozen", marks=pytest.mark.points(2)),
    pytest.param("vit", ("blocks.1", "norm", "head"), ["head", "norm"], 5e-4, 0.5, 0.01, id="vit-last-block",
                 marks=pytest.mark.points(2)),
    pytest.param("resnet", ("fc",), "fc", 0.01, 0.1, 0.05, id="resnet-head-only", marks=pytest.mark.points(1)),
    pytest.param("vit", ("",), [], 1e-3, 0.0, 0.0, id="vit-no-head-scale-0-no-decay", marks=pytest.mark.points(1)),
]


def _names_of_params(params, lookup, where):
    names = []
    for i, p in enumerate(params):
        assert type(p) is nn.Parameter, f"{where}: params[{i}] is a {type(p).__name__}, expected the model's own " \
                                        "nn.Parameter (not a copy or a detached tensor)"
        key = (tuple(p.shape), p.detach().cpu().numpy().tobytes())
        assert key in lookup, f"{where}: params[{i}] (shape {tuple(p.shape)}) is not one of the model's parameters"
        names.append(lookup[key])
    return names


@pytest.mark.parametrize("arch,trainable,head,base_lr,scale,wd", GROUP_CASES)
def test_parameter_groups(submission, device, arch, trainable, head, base_lr, scale, wd):
    # every parameter gets its own N(0, 1) values, so a returned tensor tells which parameter it is
    setup = {"trainable": [n for n in _param_names(arch) if n.startswith(trainable)], "values_seed": 20}
    model, local = _build(submission, arch, device, **setup), _local(arch, **setup)
    groups = submission.call("parameter_groups", model, head, base_lr, backbone_lr_scale=scale, weight_decay=wd)
    lookup = {(tuple(p.shape), p.detach().numpy().tobytes()): n for n, p in local.named_parameters()}
    want = ref.parameter_groups(local, (head,) if isinstance(head, str) else tuple(head), base_lr, scale, wd)
    assert type(groups) is list, f"parameter_groups must return a list of dicts, got {type(groups).__name__}"
    summary = [f"{len(g['names'])} params, lr {g['lr']:g}, weight_decay {g['weight_decay']:g}" for g in want]
    assert len(groups) == len(want), f"expected {len(want)} non-empty groups ({'; '.join(summary)}), got {len(groups)}"
    for i, (group, expected) in enumerate(zip(groups, want)):
        where = f"group {i} ({summary[i]})"
        assert type(group) is dict and {"params", "lr", "weight_decay"} <= set(group), \
            f"{where}: expected a dict with params, lr and weight_decay, got {group!r:.200}"
        got_names = _names_of_params(group["params"], lookup, where)
        assert got_names == expected["names"], f"{where}: expected parameters {expected['names']}, got {got_names}"
        # lr and weight_decay are at most one product of Python floats: float64's profile
        assert_close(group["lr"], expected["lr"], name=f"{where} lr")
        assert_close(group["weight_decay"], expected["weight_decay"], name=f"{where} weight_decay")


@pytest.mark.points(1)
def test_parameter_groups_rejects_bad_settings(submission, device):
    model = _build(submission, "resnet", device)
    for name, kwargs in (("base_lr", {"base_lr": 0.0}), ("backbone_lr_scale", {"backbone_lr_scale": -0.1}),
                         ("weight_decay", {"weight_decay": -1e-4})):
        with pytest.raises(ValueError, match=name):  # the message names the parameter
            submission.call("parameter_groups", model, ["fc"], **{"base_lr": 1e-3, **kwargs})


# -- train_step --------------------------------------------------------------------------------------

# (arch, dtype, optimizer kind and settings, trainable prefixes (None: all), steps, mode before): every
# parameter, frozen ones too, starts with a stale gradient; AdamW's first steps are ±lr wherever |grad|
# is far above eps, and a float32 gradient near 0 can flip that sign, so AdamW runs in float64.
STEP_CASES = [
    pytest.param("resnet", F32, "sgd", {"lr": 0.1, "momentum": 0.9, "weight_decay": 1e-3}, None, 2, "eval",
                 id="resnet-float32-sgd-momentum-2-steps-from-eval", marks=pytest.mark.points(2)),
    pytest.param("resnet", F64, "adamw", {"lr": 1e-2, "weight_decay": 0.1}, ("layer4", "fc"), 1, "train",
                 id="resnet-float64-adamw-frozen-backbone", marks=pytest.mark.points(2)),
    pytest.param("vit", F64, "adamw", {"lr": 1e-3, "weight_decay": 0.05}, ("blocks.1", "norm", "head"), 1, "eval",
                 id="vit-float64-adamw-last-block", marks=pytest.mark.points(2)),
]


def _step_inputs(seed, dtype, device):
    images = randn(8, 3, nets.IMAGE_SIZE, nets.IMAGE_SIZE, seed=seed, dtype=dtype, device=device)
    labels = randint(0, 10, (8,), seed=seed + 1, device=device)
    return images, labels


@pytest.mark.parametrize("arch,dtype,kind,settings,trainable,steps,mode", STEP_CASES)
def test_train_step_matches_the_reference_step(submission, device, arch, dtype, kind, settings, trainable, steps, mode):
    names = _param_names(arch)
    trainable_names = names if trainable is None else [n for n in names if n.startswith(trainable)]
    setup = {"trainable": trainable_names, "grads_seed": 30, "train": mode == "train"}
    model, local = _build(submission, arch, device, dtype, **setup), _local(arch, dtype, **setup)
    before = {key: value.clone() for key, value in local.state_dict().items()}
    optimizer = submission.build("cvgrade.nets.transfer.optimizer", model, kind, **settings)
    loss_fn = submission.shared("torch.nn.CrossEntropyLoss")
    local = local.to(F64)  # the reference step runs in float64, from the same values and stale gradients
    local_optimizer = nets.optimizer(local, kind, **settings)
    # the loss is a mean over the batch, and each updated parameter is p - lr·Δ with Δ a gradient summed
    # over the batch and every pixel (10^2-10^3 terms, through BatchNorm): both are reductions
    tol = tolerances.lookup(device.type, str(dtype).removeprefix("torch."), "reduction")
    for step in range(steps):
        images, labels = _step_inputs(40 + 2 * step, dtype, device)
        loss = submission.call("train_step", model, (images, labels), optimizer, loss_fn)
        want = ref.train_step(local, (images.double().cpu(), labels.cpu()), local_optimizer, nn.CrossEntropyLoss())
        assert type(loss) is float, f"train_step must return the loss as a Python float, got {type(loss).__name__}"
        assert_close(loss, want, tol=tol, name=f"loss of step {step + 1}")

    assert all(_probe(submission, model).method("training").values()), \
        "train_step must leave the model (every module) in train mode"
    frozen = set(names) - set(trainable_names)
    after, expected = model.state_dict(), local.state_dict()
    for key, value in after.items():
        if key in frozen:
            assert_equal(value, before[key].to(device), name=f"{key} (frozen: must not change, whatever its stale gradient)")
        else:
            assert_close(value, expected[key].to(device), dtype=value.dtype, tol=tol, name=f"{key} after {steps} step(s)")


@pytest.mark.points(1)
def test_train_step_rejects_a_batch_that_is_not_a_pair(submission, device):
    model = _build(submission, "vit", device)
    optimizer = submission.build("cvgrade.nets.transfer.optimizer", model, "sgd", lr=0.1)
    images, labels = _step_inputs(50, F32, device)
    with pytest.raises(ValueError, match="batch"):
        submission.call("train_step", model, (images, labels, labels), optimizer,
                        submission.shared("torch.nn.CrossEntropyLoss"))
