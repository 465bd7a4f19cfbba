class Vector:
    """An immutable vector of floats with the sequence protocol and operators."""

    def __init__(self, *components):
        raise NotImplementedError("store the components as a tuple of floats")

    def __len__(self):
        raise NotImplementedError

    def __getitem__(self, index):
        """An int gives a float; a slice gives a Vector."""
        raise NotImplementedError

    def __iter__(self):
        raise NotImplementedError

    def __repr__(self):
        raise NotImplementedError

    def __eq__(self, other):
        raise NotImplementedError

    def __hash__(self):
        raise NotImplementedError

    def __add__(self, other):
        raise NotImplementedError

    def __sub__(self, other):
        raise NotImplementedError

    def __mul__(self, scalar):
        raise NotImplementedError

    def __rmul__(self, scalar):
        raise NotImplementedError

    def __neg__(self):
        raise NotImplementedError

    def __matmul__(self, other):
        """The dot product."""
        raise NotImplementedError

    def __abs__(self):
        """The Euclidean norm."""
        raise NotImplementedError

    def __bool__(self):
        raise NotImplementedError
