"""classifier_free_guidance lets mismatched predictions broadcast (or fail inside torch) instead of raising ValueError."""


def classifier_free_guidance(eps_uncond, eps_cond, scale):
    return eps_uncond + scale * (eps_cond - eps_uncond)
