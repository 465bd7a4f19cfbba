import copy


def merge_config(base, override):
    """Return a new dict: base recursively updated by override (dicts merged,
    anything else replaced). Inputs unchanged; no shared mutable state."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        current = merged.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            merged[key] = merge_config(current, value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged
