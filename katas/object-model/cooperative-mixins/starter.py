class Pipeline:
    """The base of every step; the MRO of a concrete pipeline is its step order."""

    consumes = "text"
    produces = "text"

    def __init__(self, **kwargs):
        raise NotImplementedError("pass the leftover keywords on with super()")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # check that each step's `produces` matches the next step's `consumes`

    @classmethod
    def steps(cls):
        """Names of the classes in the MRO that define `process` themselves."""
        raise NotImplementedError

    def process(self, value):
        """The end of the chain: return the value unchanged."""
        raise NotImplementedError


class Strip(Pipeline):
    consumes = produces = "text"

    def process(self, text):
        raise NotImplementedError


class Lowercase(Pipeline):
    consumes = produces = "text"

    def process(self, text):
        raise NotImplementedError


class Tokenize(Pipeline):
    consumes, produces = "text", "tokens"

    def __init__(self, *, sep=None, **kwargs):
        raise NotImplementedError

    def process(self, text):
        raise NotImplementedError


class Truncate(Pipeline):
    consumes = produces = "tokens"

    def __init__(self, *, max_tokens, **kwargs):
        raise NotImplementedError

    def process(self, tokens):
        raise NotImplementedError
