import random
from decimal import ROUND_HALF_UP, Decimal

import kata
from solution import Money


def _cents(d):
    return d.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_random_arithmetic_is_exact():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    for _ in range(300):
        a = Decimal(rng.randint(-10**6, 10**6)) / 1000
        b = Decimal(rng.randint(-10**6, 10**6)) / 1000
        k = rng.randint(-20, 20)
        cur = rng.choice(["usd", "EUR", "Jpy"])
        ma, mb = Money(str(a), cur), Money(b, cur)
        assert ma.amount == _cents(a) and mb.amount == _cents(b)
        assert (ma + mb).amount == _cents(a) + _cents(b)
        assert (ma - mb).amount == _cents(a) - _cents(b)
        assert (ma * k).amount == (k * ma).amount == _cents(a) * k
        assert (ma + mb).currency == cur.upper()


def test_half_up_rounding():
    assert Money("0.005", "USD").amount == Decimal("0.01")
    assert Money("0.015", "USD").amount == Decimal("0.02")
    assert Money("-0.005", "USD").amount == Decimal("-0.01")
    assert Money(Decimal("2.675"), "USD").amount == Decimal("2.68")


def test_decimal_factor_rounds_to_cents():
    assert Money("10.00", "USD") * Decimal("0.333") == Money("3.33", "USD")


def test_bad_inputs():
    for bad in (True, 1.5, None, [1]):
        with kata.raises(TypeError):
            Money(bad, "USD")
    with kata.raises(ValueError):
        Money("ten", "USD")
    for code in ("US", "U5D", "", "EURO"):
        with kata.raises(ValueError):
            Money(1, code)
    with kata.raises(TypeError):
        Money(1, "USD") * 1.5
    with kata.raises(TypeError):
        Money(1, "USD") * Money(1, "USD")
    with kata.raises(ValueError):
        Money(1, "USD") - Money(1, "JPY")


def test_no_instance_dict_and_sum_works():
    m = Money(1, "USD")
    assert not hasattr(m, "__dict__")
    assert len(m) == 2
    total = sum([Money("0.10", "USD")] * 10, Money(0, "USD"))
    assert total == Money(1, "USD") and type(total) is Money


def test_usable_as_dict_key():
    prices = {Money(1, "usd"): "a"}
    assert prices[Money("1.00", "USD")] == "a"
