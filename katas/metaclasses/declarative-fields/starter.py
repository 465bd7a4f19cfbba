_MISSING = object()


class Field:
    """A typed, validated attribute of a Schema."""

    def __init__(self, kind, *, default=_MISSING, validator=None):
        self.kind = kind
        self.default = default
        self.validator = validator
        self.name = None

    def __set_name__(self, owner, name):
        raise NotImplementedError

    def validate(self, value):
        """Return value if it is valid; raise TypeError or ValueError otherwise."""
        raise NotImplementedError

    def __get__(self, instance, owner):
        raise NotImplementedError

    def __set__(self, instance, value):
        raise NotImplementedError


class Schema:
    """Subclasses declare Field attributes; they get __init__, repr, eq, to_dict."""

    _fields = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        raise NotImplementedError("collect the fields of cls into cls._fields")

    def __init__(self, **values):
        raise NotImplementedError

    def to_dict(self):
        raise NotImplementedError

    def __repr__(self):
        raise NotImplementedError

    def __eq__(self, other):
        raise NotImplementedError
