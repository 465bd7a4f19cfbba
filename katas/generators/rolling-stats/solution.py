from collections import deque
from typing import NamedTuple


class Stats(NamedTuple):
    mean: float
    minimum: float
    maximum: float


def rolling_stats(stream, window):
    """Yield Stats(mean, minimum, maximum) of the last `window` values, for
    each value of `stream` from the window-th on. Lazy, O(1) amortised per
    value, O(window) memory. ValueError at call time when window < 1."""
    if window < 1:
        raise ValueError(f"window must be at least 1, not {window}")
    return _rolling(iter(stream), window)


def _rolling(stream, window):
    values = deque()
    total = 0
    # (index, value) candidates: values increase in `lows`, decrease in `highs`,
    # so the left end of each is the current minimum or maximum.
    lows, highs = deque(), deque()
    for index, value in enumerate(stream):
        values.append(value)
        total += value
        if len(values) > window:
            total -= values.popleft()
        while lows and lows[-1][1] >= value:
            lows.pop()
        lows.append((index, value))
        while highs and highs[-1][1] <= value:
            highs.pop()
        highs.append((index, value))
        oldest = index - window + 1
        if lows[0][0] < oldest:
            lows.popleft()
        if highs[0][0] < oldest:
            highs.popleft()
        if index + 1 >= window:
            yield Stats(total / window, lows[0][1], highs[0][1])
