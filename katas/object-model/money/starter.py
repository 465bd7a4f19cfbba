from decimal import Decimal


class Money(tuple):
    """An immutable (amount, currency) pair; amount is a Decimal rounded to cents."""

    __slots__ = ()

    def __new__(cls, amount, currency):
        raise NotImplementedError("validate, normalise and build the tuple here")

    @property
    def amount(self) -> Decimal:
        raise NotImplementedError

    @property
    def currency(self) -> str:
        raise NotImplementedError

    def __repr__(self):
        raise NotImplementedError

    def __str__(self):
        raise NotImplementedError

    def __add__(self, other):
        raise NotImplementedError

    def __sub__(self, other):
        raise NotImplementedError

    def __mul__(self, factor):
        raise NotImplementedError

    def __rmul__(self, factor):
        raise NotImplementedError
