from typing import NamedTuple


class Stats(NamedTuple):
    mean: float
    minimum: float
    maximum: float


def rolling_stats(stream, window):
    """Yield Stats(mean, minimum, maximum) of the last `window` values, for
    each value of `stream` from the window-th on. Lazy, O(1) amortised per
    value, O(window) memory. ValueError at call time when window < 1."""
    raise NotImplementedError("write rolling_stats")
