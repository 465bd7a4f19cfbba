import tracemalloc

import kata
from solution import compare_peaks, peak_bytes


def test_returns_the_result_and_a_peak():
    result, peak = peak_bytes(lambda n: bytearray(n), 1_000_000)
    assert len(result) == 1_000_000
    assert 1_000_000 <= peak < 1_500_000


def test_freed_memory_still_counts_in_the_peak():
    def build_and_drop():
        data = bytearray(2_000_000)
        del data
        return "done"

    result, peak = peak_bytes(build_and_drop)
    assert result == "done" and peak >= 2_000_000


def test_passes_keyword_arguments():
    result, _ = peak_bytes(lambda a, b=0: a + b, 1, b=2)
    assert result == 3


def test_tracing_is_off_again_afterwards():
    assert not tracemalloc.is_tracing()
    peak_bytes(list, range(10))
    assert not tracemalloc.is_tracing()


def test_memory_allocated_before_the_call_does_not_count():
    """Subtract what was allocated before the call (and reset the peak), even when tracing was already on."""
    tracemalloc.start()
    try:
        ballast = bytearray(5_000_000)
        _, peak = peak_bytes(lambda: bytearray(100_000))
        assert 100_000 <= peak < 1_000_000
        assert tracemalloc.is_tracing()
        del ballast
    finally:
        tracemalloc.stop()


def test_compare_peaks_orders_leanest_first():
    def sum_list(n):
        return sum([i * i for i in range(n)])

    def sum_gen(n):
        return sum(i * i for i in range(n))

    ranking = compare_peaks({"list": sum_list, "gen": sum_gen}, 50_000)
    assert [name for name, _ in ranking] == ["gen", "list"]
    assert ranking[1][1] > 10 * ranking[0][1]
