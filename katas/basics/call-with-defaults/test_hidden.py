import functools
import random

import kata
from solution import call_with_defaults


def test_random_calls_match_explicit_calls():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)

    def f(a, b=2, c=3, *, d=4, e=5):
        return (a, b, c, d, e)

    names = ["a", "b", "c", "d", "e"]
    for _ in range(300):
        defaults = {n: rng.randrange(100) for n in names + ["zz"] if rng.random() < 0.5}
        n_pos = rng.randrange(1, 4)
        args = [rng.randrange(100, 200) for _ in range(n_pos)]
        kw = {n: rng.randrange(200, 300) for n in names[n_pos:] if rng.random() < 0.3}
        expected = dict(zip(names, args))
        expected.update(kw)
        for n in names[n_pos:]:
            if n not in expected and n in defaults:
                expected[n] = defaults[n]
        base = {"b": 2, "c": 3, "d": 4, "e": 5}
        want = tuple(expected.get(n, base.get(n)) for n in names)
        assert call_with_defaults(f, defaults, *args, **kw) == want


def test_var_positional_gets_nothing_from_defaults():
    def g(*items, sep=","):
        return sep.join(items)

    assert call_with_defaults(g, {"items": ("x",), "sep": "-"}, "a", "b") == "a-b"


def test_var_keyword_skips_positional_only_names_and_explicit_keys():
    def h(x, /, **kw):
        return x, kw

    assert call_with_defaults(h, {"x": 1, "y": 2}, 0) == (0, {"y": 2})
    assert call_with_defaults(h, {"y": 2}, 0, y=5) == (0, {"y": 5})


def test_impossible_calls_raise_type_error():
    def f(a, b=1):
        return a, b

    with kata.raises(TypeError):
        call_with_defaults(f, {}, 1, 2, 3)
    with kata.raises(TypeError):
        call_with_defaults(f, {}, 1, c=3)
    with kata.raises(TypeError):
        call_with_defaults(f, {}, 1, a=1)


def test_func_and_defaults_can_be_forwarded_as_keywords():
    def wrap(*, func, defaults):
        return func, defaults

    assert call_with_defaults(wrap, {}, func="f", defaults="d") == ("f", "d")


def test_bound_methods_classes_and_partials():
    class Model:
        def __init__(self, width, depth=1):
            self.width, self.depth = width, depth

        def predict(self, x, temperature=1.0):
            return x / temperature

    m = call_with_defaults(Model, {"width": 8, "depth": 3, "self": "nope"})
    assert (m.width, m.depth) == (8, 3)
    assert call_with_defaults(m.predict, {"temperature": 2.0}, 10) == 5.0

    def power(base, exp, mod=None):
        return pow(base, exp, mod)

    fours = functools.partial(power, 4)
    assert call_with_defaults(fours, {"base": 9, "exp": 3, "mod": 5}) == 4


def test_return_value_passes_through():
    sentinel = object()
    assert call_with_defaults(lambda: sentinel, {"anything": 1}) is sentinel
