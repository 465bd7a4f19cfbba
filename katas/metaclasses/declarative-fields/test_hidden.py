import random

import kata
from solution import Field, Schema


def test_random_schemas():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    kinds = {int: (5, "x"), str: ("s", 5), float: (0.5, "x"), tuple: ((1,), [1])}
    for i in range(60):
        names = rng.sample("abcdefgh", rng.randint(1, 6))
        spec = {n: rng.choice(list(kinds)) for n in names}
        ns = {n: Field(k, default=kinds[k][0]) if rng.random() < 0.5 else Field(k)
              for n, k in spec.items()}
        cls = type(f"S{i}", (Schema,), ns)
        assert list(cls._fields) == names
        values = {n: kinds[spec[n]][0] for n in names}
        obj = cls(**values)
        assert obj.to_dict() == values
        assert repr(obj) == f"S{i}(" + ", ".join(f"{n}={values[n]!r}" for n in names) + ")"
        bad = rng.choice(names)
        with kata.raises(TypeError):
            setattr(obj, bad, kinds[spec[bad]][1])
        with kata.raises(TypeError):
            cls(**{**values, bad: kinds[spec[bad]][1]})


def test_bad_default_failing_validator():
    with kata.raises(ValueError):
        class Broken(Schema):
            n = Field(int, default=0, validator=lambda v: v > 0)


def test_instances_do_not_share_values():
    class P(Schema):
        x = Field(int, default=1)

    a, b = P(), P()
    a.x = 5
    assert b.x == 1 and a.x == 5


def test_equality_needs_the_same_class():
    class A(Schema):
        x = Field(int)

    class B(Schema):
        x = Field(int)

    assert A(x=1) != B(x=1)
    assert A(x=1) == A(x=1) and A(x=1) != A(x=2)
    assert (A(x=1) == {"x": 1}) is False


def test_positional_arguments_are_rejected():
    class A(Schema):
        x = Field(int)

    with kata.raises(TypeError):
        A(1)


def test_sibling_subclasses_do_not_leak_fields():
    class Base(Schema):
        a = Field(int)

    class Left(Base):
        b = Field(int)

    class Right(Base):
        c = Field(int)

    assert list(Left._fields) == ["a", "b"]
    assert list(Right._fields) == ["a", "c"]
    assert list(Base._fields) == ["a"]
    assert list(Schema._fields) == []
