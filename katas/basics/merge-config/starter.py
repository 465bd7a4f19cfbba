def merge_config(base, override):
    """Return a new dict: base recursively updated by override (dicts merged,
    anything else replaced). Inputs unchanged; no shared mutable state."""
    raise NotImplementedError("write merge_config")
