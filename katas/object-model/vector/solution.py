import math
import numbers


class Vector:
    """An immutable vector of floats with the sequence protocol and operators."""

    __slots__ = ("_components",)

    def __init__(self, *components):
        self._components = tuple(float(c) for c in components)

    def __len__(self):
        return len(self._components)

    def __getitem__(self, index):
        """An int gives a float; a slice gives a Vector."""
        if isinstance(index, slice):
            return Vector(*self._components[index])
        return self._components[index]

    def __iter__(self):
        return iter(self._components)

    def __repr__(self):
        return f"Vector({', '.join(map(repr, self._components))})"

    def __eq__(self, other):
        if not isinstance(other, Vector):
            return NotImplemented
        return self._components == other._components

    def __hash__(self):
        return hash(self._components)

    def _same_length(self, other):
        if len(self) != len(other):
            raise ValueError(f"length mismatch: {len(self)} != {len(other)}")

    def __add__(self, other):
        if not isinstance(other, Vector):
            return NotImplemented
        self._same_length(other)
        return Vector(*(a + b for a, b in zip(self, other)))

    def __sub__(self, other):
        if not isinstance(other, Vector):
            return NotImplemented
        self._same_length(other)
        return Vector(*(a - b for a, b in zip(self, other)))

    def __mul__(self, scalar):
        if not isinstance(scalar, numbers.Real) or isinstance(scalar, bool):
            return NotImplemented
        return Vector(*(a * scalar for a in self))

    __rmul__ = __mul__

    def __neg__(self):
        return self * -1

    def __matmul__(self, other):
        """The dot product."""
        if not isinstance(other, Vector):
            return NotImplemented
        self._same_length(other)
        return sum(a * b for a, b in zip(self, other))

    def __abs__(self):
        """The Euclidean norm."""
        return math.sqrt(sum(a * a for a in self))

    def __bool__(self):
        return any(self._components)
