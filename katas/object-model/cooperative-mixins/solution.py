class Pipeline:
    """The base of every step; the MRO of a concrete pipeline is its step order."""

    consumes = "text"
    produces = "text"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)          # object.__init__ rejects leftovers

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        steps = [k for k in cls.__mro__ if k is not Pipeline and "process" in vars(k)]
        for current, following in zip(steps, steps[1:]):
            if current.produces != following.consumes:
                raise TypeError(
                    f"{cls.__name__}: {current.__name__} produces {current.produces}, "
                    f"but the next step {following.__name__} consumes {following.consumes}")

    @classmethod
    def steps(cls):
        """Names of the classes in the MRO that define `process` themselves."""
        return [k.__name__ for k in cls.__mro__ if k is not Pipeline and "process" in vars(k)]

    def process(self, value):
        """The end of the chain: return the value unchanged."""
        return value


class Strip(Pipeline):
    consumes = produces = "text"

    def process(self, text):
        return super().process(text.strip())


class Lowercase(Pipeline):
    consumes = produces = "text"

    def process(self, text):
        return super().process(text.lower())


class Tokenize(Pipeline):
    consumes, produces = "text", "tokens"

    def __init__(self, *, sep=None, **kwargs):
        self.sep = sep
        super().__init__(**kwargs)

    def process(self, text):
        return super().process(text.split(self.sep))


class Truncate(Pipeline):
    consumes = produces = "tokens"

    def __init__(self, *, max_tokens, **kwargs):
        if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 1:
            raise ValueError(f"max_tokens must be a positive int, got {max_tokens!r}")
        self.max_tokens = max_tokens
        super().__init__(**kwargs)

    def process(self, tokens):
        return super().process(tokens[: self.max_tokens])
