"""match_descriptors never applies the mutual check, whatever cross_check says."""

_solution_match_descriptors = match_descriptors


def match_descriptors(d1, d2, metric="euclidean", max_ratio=1.0, cross_check=True):
    return _solution_match_descriptors(d1, d2, metric, max_ratio, False)
