"""classifier_free_guidance just scales the conditional prediction: scale · eps_cond."""


def classifier_free_guidance(eps_uncond, eps_cond, scale):
    _check_same_shape("eps_cond", eps_cond, "eps_uncond", eps_uncond)
    return scale * eps_cond
