import inspect

_BY_KEYWORD = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


def call_with_defaults(func, defaults, /, *args, **kwargs):
    """Call func(*args, **kwargs), filling parameters left unbound (that can
    be passed by keyword) from `defaults`; extra default keys go to a
    **kwargs parameter if func has one, and are ignored otherwise."""
    signature = inspect.signature(func)
    bound = signature.bind_partial(*args, **kwargs)   # TypeError for an impossible call
    params = signature.parameters
    extra = {}
    for name, param in params.items():
        if param.kind in _BY_KEYWORD and name not in bound.arguments and name in defaults:
            extra[name] = defaults[name]
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        for key, value in defaults.items():
            if key not in params and key not in kwargs:
                extra[key] = value
    return func(*args, **kwargs, **extra)
