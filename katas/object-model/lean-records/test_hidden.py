import random

import kata
from solution import make_record


class Plain:
    def __init__(self, start, end, label):
        self.start, self.end, self.label = start, end, label


def test_memory_is_clearly_lower_than_dict_instances():
    Span = make_record("Span", start=int, end=int, label=str)
    n = 20_000
    _, lean = kata.peak_memory(lambda: [Span(i, i + 1, "x") for i in range(n)])
    _, plain = kata.peak_memory(lambda: [Plain(i, i + 1, "x") for i in range(n)])
    assert lean < 0.85 * plain


def test_random_field_sets():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    samples = {int: [0, -3, 7], float: [1.5, -0.25], str: ["a", ""], tuple: [(1,), ()]}
    for i in range(100):
        names = rng.sample(["a", "b", "c", "d", "e", "f"], rng.randint(1, 5))
        kinds = {n: rng.choice(list(samples)) for n in names}
        Rec = make_record(f"R{i}", **kinds)
        values = [rng.choice(samples[kinds[n]]) for n in names]
        split = rng.randint(0, len(names))
        rec = Rec(*values[:split], **dict(zip(names[split:], values[split:])))
        assert list(rec) == values
        assert Rec._fields == tuple(names)
        assert repr(rec) == f"R{i}(" + ", ".join(f"{n}={v!r}" for n, v in zip(names, values)) + ")"
        wrong = {int: "s", float: "s", str: 1, tuple: [1]}
        field = rng.choice(names)
        with kata.raises(TypeError):
            setattr(rec, field, wrong[kinds[field]])
        assert list(rec) == values


def test_invalid_field_names():
    for bad in ({"_x": int}, {"class": int}, {"1a": int}, {}):
        with kata.raises(ValueError):
            make_record("Bad", **bad)


def test_records_of_different_classes_are_not_equal():
    A = make_record("A", x=int)
    B = make_record("B", x=int)
    assert A(1) != B(1)
    assert (A(1) == (1,)) is False


def test_each_class_is_independent():
    A = make_record("A", x=int)
    B = make_record("B", y=str)
    assert A._fields == ("x",) and B._fields == ("y",)
    with kata.raises(TypeError):
        A(y="s")
    a = A(1)
    with kata.raises(AttributeError):
        a.y = "s"


def test_int_field_rejects_float_and_float_converts_int():
    R = make_record("R", n=int, f=float)
    with kata.raises(TypeError):
        R(1.0, 1.0)
    r = R(1, 2)
    assert type(r.f) is float and type(r.n) is int
