"""fsq_quantize checks levels >= 2 instead of >= 3, so a level of 2 (whose codes are not symmetric) slips through."""


def _check_levels(levels):
    if (not isinstance(levels, (list, tuple)) or not levels
            or any(isinstance(level, bool) or not isinstance(level, int) or level < 2 for level in levels)):
        raise ValueError(f"levels must be a non-empty list or tuple of ints >= 2, got {levels!r}")
