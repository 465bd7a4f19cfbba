import random
import tracemalloc

import kata
from solution import compare_peaks, peak_bytes


def test_random_sizes():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    for _ in range(10):
        n = rng.randint(200_000, 3_000_000)
        result, peak = peak_bytes(bytearray, n)
        assert len(result) == n
        assert n <= peak < n + 200_000


def test_exception_propagates_and_tracing_is_restored():
    def boom():
        raise ValueError("oom")

    with kata.raises(ValueError, match="oom"):
        peak_bytes(boom)
    assert not tracemalloc.is_tracing()
    tracemalloc.start()
    try:
        with kata.raises(ValueError):
            peak_bytes(boom)
        assert tracemalloc.is_tracing()
    finally:
        tracemalloc.stop()


def test_a_previous_peak_does_not_leak_into_the_next_measurement():
    tracemalloc.start()
    try:
        big = bytearray(4_000_000)
        del big                      # the tracer's peak is now >= 4 MB
        _, peak = peak_bytes(lambda: bytearray(10_000))
        assert peak < 1_000_000
    finally:
        tracemalloc.stop()


def test_ranking_of_three():
    ranking = compare_peaks({
        "big": lambda: bytearray(3_000_000),
        "small": lambda: bytearray(100_000),
        "mid": lambda: bytearray(1_000_000),
    })
    assert [name for name, _ in ranking] == ["small", "mid", "big"]
    assert all(isinstance(p, int) for _, p in ranking)


def test_compare_peaks_passes_args():
    ranking = compare_peaks({"x": lambda n: bytearray(n)}, 500_000)
    assert ranking[0][0] == "x" and ranking[0][1] >= 500_000
