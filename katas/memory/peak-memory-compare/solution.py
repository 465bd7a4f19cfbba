import tracemalloc


def peak_bytes(fn, *args, **kwargs):
    """Return (fn(*args, **kwargs), peak bytes allocated during the call on
    top of what was allocated before it). Leaves tracemalloc as it was."""
    started_here = not tracemalloc.is_tracing()
    if started_here:
        tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        result = fn(*args, **kwargs)
        _, peak = tracemalloc.get_traced_memory()
        return result, max(peak - before, 0)
    finally:
        if started_here:
            tracemalloc.stop()


def compare_peaks(candidates, *args):
    """[(name, peak)] for each name -> function in `candidates`, leanest first."""
    measured = [(name, peak_bytes(fn, *args)[1]) for name, fn in candidates.items()]
    return sorted(measured, key=lambda pair: pair[1])
