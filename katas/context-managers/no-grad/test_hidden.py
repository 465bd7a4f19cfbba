import random

import kata
from solution import enable_grad, is_grad_enabled, no_grad, set_grad_enabled


def test_random_nesting():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)

    def nest(depth, expected):
        assert is_grad_enabled() is expected
        if depth == 0:
            return
        choice = rng.randrange(3)
        wanted = rng.random() < 0.5
        manager, mode = [(no_grad(), False), (enable_grad(), True),
                         (set_grad_enabled(wanted), wanted)][choice]
        with manager:
            nest(depth - 1, mode)
        assert is_grad_enabled() is expected

    for _ in range(200):
        nest(rng.randint(0, 8), True)


def test_enable_grad_as_decorator_inside_no_grad():
    @enable_grad()
    def probe():
        return is_grad_enabled()

    with no_grad():
        assert probe() is True
        assert is_grad_enabled() is False


def test_decorated_function_that_raises_restores():
    @no_grad()
    def boom():
        raise KeyError("x")

    with kata.raises(KeyError):
        boom()
    assert is_grad_enabled() is True


def test_set_grad_enabled_false_twice():
    with set_grad_enabled(False):
        with set_grad_enabled(False):
            pass
        assert is_grad_enabled() is False
    assert is_grad_enabled() is True
