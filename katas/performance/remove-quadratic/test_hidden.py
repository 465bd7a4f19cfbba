import random

import kata
from solution import token_counts, window_sums


def slow_counts(tokens):
    seen, result = [], []
    for t in tokens:
        if t not in seen:
            seen.append(t)
            result.append((t, tokens.count(t)))
    return result


def test_random_against_the_slow_version():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    for _ in range(200):
        tokens = [rng.choice("abcdefg") * rng.randint(1, 2) for _ in range(rng.randint(0, 40))]
        assert token_counts(tokens) == slow_counts(tokens)
        values = [rng.randint(-50, 50) for _ in range(rng.randint(0, 30))]
        k = rng.randint(1, 35)
        expected = [sum(values[i:i + k]) for i in range(len(values) - k + 1)]
        assert window_sums(values, k) == expected


def test_many_repeats_of_few_tokens():
    tokens = ["a", "b", "c"] * 100_000
    assert token_counts(tokens) == [("a", 100_000), ("b", 100_000), ("c", 100_000)]


def test_window_sums_accepts_any_iterable_and_negative_k():
    assert window_sums(iter([1, 2, 3, 4]), 2) == [3, 5, 7]
    assert window_sums((x for x in [5]), 1) == [5]
    with kata.raises(ValueError):
        window_sums([1], -1)


def test_result_types():
    result = token_counts(["x"])
    assert type(result) is list and result == [("x", 1)] and type(result[0]) is tuple
    assert type(window_sums([1, 2], 2)) is list


def test_large_windows_fast():
    values = [1] * 200_000
    sums = window_sums(values, 100_000)
    assert len(sums) == 100_001 and set(sums) == {100_000}
