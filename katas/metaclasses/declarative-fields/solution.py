_MISSING = object()


class Field:
    """A typed, validated attribute of a Schema."""

    def __init__(self, kind, *, default=_MISSING, validator=None):
        self.kind = kind
        self.default = default
        self.validator = validator
        self.name = None

    def __set_name__(self, owner, name):
        self.name = name

    @property
    def required(self):
        return self.default is _MISSING

    def validate(self, value):
        """Return value if it is valid; raise TypeError or ValueError otherwise."""
        if not isinstance(value, self.kind):
            raise TypeError(f"{self.name} must be {self.kind.__name__}, "
                            f"got {type(value).__name__}")
        if self.validator is not None and not self.validator(value):
            raise ValueError(f"{self.name} failed validation: {value!r}")
        return value

    def __get__(self, instance, owner):
        if instance is None:
            return self
        try:
            return instance.__dict__[self.name]
        except KeyError:
            raise AttributeError(self.name) from None

    def __set__(self, instance, value):
        instance.__dict__[self.name] = self.validate(value)

    def __repr__(self):
        return f"Field({self.kind.__name__}, name={self.name!r})"


class Schema:
    """Subclasses declare Field attributes; they get __init__, repr, eq, to_dict."""

    _fields = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        fields = dict(cls._fields)                 # the parent's, in order
        for name, value in vars(cls).items():
            if isinstance(value, Field):
                if not value.required:
                    value.validate(value.default)
                fields[name] = value               # a redefinition keeps its slot
        cls._fields = fields

    def __init__(self, **values):
        unknown = sorted(set(values) - set(self._fields))
        if unknown:
            raise TypeError(f"unknown field {', '.join(unknown)}")
        for name, field in self._fields.items():
            if name in values:
                setattr(self, name, values[name])
            elif not field.required:
                setattr(self, name, field.default)
            else:
                raise TypeError(f"missing required field {name}")

    def to_dict(self):
        return {name: getattr(self, name) for name in self._fields}

    def __repr__(self):
        body = ", ".join(f"{k}={v!r}" for k, v in self.to_dict().items())
        return f"{type(self).__name__}({body})"

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return self.to_dict() == other.to_dict()
