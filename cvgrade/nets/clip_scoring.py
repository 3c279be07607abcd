"""A tiny, randomly initialised open_clip CLIP that the clip_scoring graders build inside the submission's process.

Every registered open_clip config is far too large for CPU grading, so this
builds `open_clip.CLIP` directly: a 2-layer ViT (width 64, 8×8 patches of 32×32
images) and a 2-layer text transformer (width 64) over open_clip's own BPE
vocabulary, so `open_clip.get_tokenizer("ViT-B-32")` (offline) tokenizes for it.
"""

import open_clip
import torch
from open_clip.model import CLIPTextCfg, CLIPVisionCfg

IMAGE_SIZE = 32
EMBED_DIM = 32


def tiny_clip(seed: int = 0) -> open_clip.CLIP:
    """The tiny CLIP in eval mode (float32, CPU), its weights drawn from `seed` without touching the global RNG."""
    vision = CLIPVisionCfg(layers=2, width=64, head_width=32, mlp_ratio=2.0, patch_size=8, image_size=IMAGE_SIZE)
    text = CLIPTextCfg(context_length=77, vocab_size=49408, width=64, heads=2, layers=2, mlp_ratio=2.0)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return open_clip.CLIP(EMBED_DIM, vision, text).eval()
