import keyword


def _check(field, kind, value):
    if kind in (int, float) and isinstance(value, bool):
        raise TypeError(f"{field} must be {kind.__name__}, got bool")
    if kind is float and isinstance(value, int):
        return float(value)
    if not isinstance(value, kind):
        raise TypeError(f"{field} must be {kind.__name__}, got {type(value).__name__}")
    return value


def make_record(name, **fields):
    """Return a new class `name` with one slot per field, validating types.

    fields maps each field name to its type, in order. Instances accept the
    values positionally or by keyword, have no __dict__, reject unknown
    attributes, and check the type of every value at construction and on
    assignment.
    """
    if not fields:
        raise ValueError("a record needs at least one field")
    for field, kind in fields.items():
        if not field.isidentifier() or keyword.iskeyword(field) or field.startswith("_"):
            raise ValueError(f"invalid field name {field!r}")
        if not isinstance(kind, type):
            raise TypeError(f"the type of {field} must be a class, got {kind!r}")
    names = tuple(fields)
    types = dict(fields)

    def __init__(self, *args, **kwargs):
        if len(args) > len(names):
            raise TypeError(f"{name} takes {len(names)} values, got {len(args)}")
        values = dict(zip(names, args))
        for key, value in kwargs.items():
            if key not in types:
                raise TypeError(f"{name} has no field {key!r}")
            if key in values:
                raise TypeError(f"{name}: {key} given twice")
            values[key] = value
        missing = [n for n in names if n not in values]
        if missing:
            raise TypeError(f"{name} is missing {', '.join(missing)}")
        for field in names:
            setattr(self, field, values[field])

    def __setattr__(self, field, value):
        if field not in types:
            raise AttributeError(f"{name} has no field {field!r}")
        object.__setattr__(self, field, _check(field, types[field], value))

    def __iter__(self):
        return (getattr(self, n) for n in names)

    def __repr__(self):
        body = ", ".join(f"{n}={getattr(self, n)!r}" for n in names)
        return f"{name}({body})"

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return tuple(self) == tuple(other)

    namespace = {
        "__slots__": names,
        "_fields": names,
        "__init__": __init__,
        "__setattr__": __setattr__,
        "__iter__": __iter__,
        "__repr__": __repr__,
        "__eq__": __eq__,
        "__hash__": None,
    }
    return type(name, (object,), namespace)
