def call_with_defaults(func, defaults, /, *args, **kwargs):
    """Call func(*args, **kwargs), filling parameters left unbound (that can
    be passed by keyword) from `defaults`; extra default keys go to a
    **kwargs parameter if func has one, and are ignored otherwise."""
    raise NotImplementedError("write call_with_defaults")
