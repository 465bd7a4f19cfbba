import random

import kata
from solution import temporary_settings


def test_random_overrides():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    for _ in range(200):
        keys = "abcdefg"
        config = {k: rng.randint(0, 9) for k in rng.sample(keys, rng.randint(0, 7))}
        original = dict(config)
        overrides = {k: rng.choice([None, 0, "x"]) for k in rng.sample(keys, rng.randint(0, 4))}
        fail = rng.random() < 0.5
        try:
            with temporary_settings(config, **overrides):
                assert all(config[k] == v for k, v in overrides.items())
                if fail:
                    raise ValueError
        except ValueError:
            assert fail
        assert config == original


def test_other_changes_in_the_block_are_kept():
    config = {"a": 1, "b": 2}
    with temporary_settings(config, a=10):
        config["b"] = 20
        config["c"] = 30
    assert config == {"a": 1, "b": 20, "c": 30}


def test_none_values_are_restored_as_none():
    config = {"a": None}
    with temporary_settings(config, a=5):
        pass
    assert config == {"a": None}


def test_exception_is_not_suppressed_by_decorator():
    config = {"x": 1}

    @temporary_settings(config, x=2)
    def boom():
        raise KeyError("k")

    with kata.raises(KeyError):
        boom()
    assert config == {"x": 1}


def test_no_overrides_is_fine():
    config = {"x": 1}
    with temporary_settings(config) as c:
        assert c == {"x": 1}
    assert config == {"x": 1}
