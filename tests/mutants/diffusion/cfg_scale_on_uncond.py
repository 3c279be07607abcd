"""classifier_free_guidance puts the scale on the unconditional side: eps_cond + scale · (eps_uncond - eps_cond)."""


def classifier_free_guidance(eps_uncond, eps_cond, scale):
    _check_same_shape("eps_cond", eps_cond, "eps_uncond", eps_uncond)
    return eps_cond + scale * (eps_uncond - eps_cond)
