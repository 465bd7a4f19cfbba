def peak_bytes(fn, *args, **kwargs):
    """Return (fn(*args, **kwargs), peak bytes allocated during the call on
    top of what was allocated before it). Leaves tracemalloc as it was."""
    raise NotImplementedError("write peak_bytes")


def compare_peaks(candidates, *args):
    """[(name, peak)] for each name -> function in `candidates`, leanest first."""
    raise NotImplementedError("write compare_peaks")
