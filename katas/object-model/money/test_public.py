from decimal import Decimal

import kata
from solution import Money


def test_it_is_a_normalised_tuple():
    m = Money("12.345", "eur")
    assert isinstance(m, tuple)
    assert tuple(m) == (Decimal("12.35"), "EUR")
    assert (m.amount, m.currency) == (Decimal("12.35"), "EUR")


def test_repr_and_str():
    assert repr(Money(5, "USD")) == "Money('5.00', 'USD')"
    assert str(Money("0.5", "gbp")) == "0.50 GBP"


def test_equality_and_hash_follow_the_normalised_value():
    assert Money(1, "USD") == Money("1.00", "usd")
    assert hash(Money(1, "USD")) == hash(Money("1.000", "USD"))


def test_addition_gives_money_not_a_longer_tuple():
    """tuple.__add__ concatenates: override __add__ and __sub__ so they return Money."""
    assert Money(5, "USD") + Money("0.10", "USD") == Money("5.10", "USD")
    assert type(Money(5, "USD") - Money(7, "USD")) is Money
    assert Money(5, "USD") - Money(7, "USD") == Money(-2, "USD")


def test_multiplication_on_both_sides():
    """tuple.__mul__ repeats the tuple: override __mul__ and __rmul__."""
    assert Money("0.10", "USD") * 3 == Money("0.30", "USD")
    assert 3 * Money("0.10", "USD") == Money("0.30", "USD")


def test_invalid_values_are_rejected():
    """Floats are inexact (0.1 is not one tenth): refuse them with TypeError."""
    with kata.raises(TypeError):
        Money(0.1, "USD")
    with kata.raises(ValueError):
        Money(1, "EURO")
    with kata.raises(ValueError):
        Money(1, "USD") + Money(1, "EUR")


def test_it_is_immutable():
    """Use __slots__ = () and read-only properties: no attribute can be set or added."""
    m = Money(1, "USD")
    with kata.raises(AttributeError):
        m.amount = Decimal(5)
    with kata.raises(AttributeError):
        m.note = "refund"
