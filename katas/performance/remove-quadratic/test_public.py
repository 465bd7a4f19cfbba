import kata
from solution import token_counts, window_sums


def test_counts_in_first_appearance_order():
    assert token_counts(["the", "cat", "the", "hat"]) == [("the", 2), ("cat", 1), ("hat", 1)]
    assert token_counts([]) == []


def test_window_sums():
    assert window_sums([1, 2, 3, 4, 5], 3) == [6, 9, 12]
    assert window_sums([1, 2, 3], 1) == [1, 2, 3]
    assert window_sums([1, 2, 3], 3) == [6]


def test_window_larger_than_input_and_bad_k():
    assert window_sums([1, 2], 3) == []
    with kata.raises(ValueError):
        window_sums([1, 2], 0)


def test_token_counts_is_linear():
    """200,000 distinct tokens: scanning a list for each token is about 10^10 steps. Count with a dict."""
    tokens = [f"t{i}" for i in range(200_000)] + ["t0", "t1"]
    result = token_counts(tokens)
    assert len(result) == 200_000
    assert result[:3] == [("t0", 2), ("t1", 2), ("t2", 1)]


def test_window_sums_is_linear():
    """Summing each window from scratch costs k steps per window; keep a running total instead."""
    values = list(range(100_000))
    sums = window_sums(values, 50_000)
    assert len(sums) == 50_001
    assert sums[0] == sum(range(50_000)) and sums[-1] == sum(range(50_000, 100_000))
