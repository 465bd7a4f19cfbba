from contextlib import contextmanager

_MISSING = object()


@contextmanager
def temporary_settings(settings, **overrides):
    """Apply overrides to the dict `settings` for one block, then restore it."""
    saved = {key: settings.get(key, _MISSING) for key in overrides}
    settings.update(overrides)
    try:
        yield settings
    finally:
        for key, old in saved.items():
            if old is _MISSING:
                settings.pop(key, None)
            else:
                settings[key] = old
