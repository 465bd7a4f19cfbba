from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_CENT = Decimal("0.01")


def _to_cents(value):
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


class Money(tuple):
    """An immutable (amount, currency) pair; amount is a Decimal rounded to cents."""

    __slots__ = ()

    def __new__(cls, amount, currency):
        if isinstance(amount, (bool, float)) or not isinstance(amount, (int, str, Decimal)):
            raise TypeError(f"amount must be int, str or Decimal, not {type(amount).__name__}")
        try:
            value = Decimal(amount)
        except InvalidOperation:
            raise ValueError(f"not a number: {amount!r}") from None
        if not value.is_finite():
            raise ValueError(f"not a finite amount: {amount!r}")
        if not (isinstance(currency, str) and len(currency) == 3
                and currency.isascii() and currency.isalpha()):
            raise ValueError(f"currency must be a 3-letter code, got {currency!r}")
        return super().__new__(cls, (_to_cents(value), currency.upper()))

    @property
    def amount(self) -> Decimal:
        return self[0]

    @property
    def currency(self) -> str:
        return self[1]

    def __repr__(self):
        return f"Money({str(self.amount)!r}, {self.currency!r})"

    def __str__(self):
        return f"{self.amount} {self.currency}"

    def _check(self, other):
        if not isinstance(other, Money):
            return False
        if other.currency != self.currency:
            raise ValueError(f"currency mismatch: {self.currency} and {other.currency}")
        return True

    def __add__(self, other):
        if not self._check(other):
            return NotImplemented
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other):
        if not self._check(other):
            return NotImplemented
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor):
        if isinstance(factor, bool) or not isinstance(factor, (int, Decimal)):
            return NotImplemented
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__
