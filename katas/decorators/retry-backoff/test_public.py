import kata
from solution import retry


def flaky(failures, result="ok", exc=TimeoutError):
    """A function that raises `exc` for its first `failures` calls."""
    calls = []

    def func(*args, **kwargs):
        calls.append((args, kwargs))
        if len(calls) <= failures:
            raise exc(f"failure {len(calls)}")
        return result

    return func, calls


def test_success_first_time_does_not_sleep():
    sleeps = []
    func, calls = flaky(0)
    assert retry(3, sleep=sleeps.append)(func)() == "ok"
    assert len(calls) == 1 and sleeps == []


def test_retries_then_succeeds_with_exponential_delays():
    sleeps = []
    func, calls = flaky(2)
    assert retry(4, sleep=sleeps.append)(func)() == "ok"
    assert len(calls) == 3
    assert sleeps == [0.1, 0.2]


def test_gives_up_after_times_attempts_and_reraises():
    """After `times` failed attempts, the last exception propagates; there is no sleep after the last attempt."""
    sleeps = []
    func, calls = flaky(10)
    with kata.raises(TimeoutError, match="failure 3"):
        retry(3, sleep=sleeps.append)(func)()
    assert len(calls) == 3
    assert sleeps == [0.1, 0.2]


def test_other_exceptions_are_not_retried():
    """Only the listed exception classes are retried; anything else propagates at once."""
    sleeps = []
    func, calls = flaky(5, exc=KeyError)
    with kata.raises(KeyError):
        retry(3, exceptions=(TimeoutError,), sleep=sleeps.append)(func)()
    assert len(calls) == 1 and sleeps == []


def test_max_delay_caps_the_backoff():
    sleeps = []
    func, _ = flaky(5)
    retry(6, base_delay=1, factor=3, max_delay=5, sleep=sleeps.append)(func)()
    assert sleeps == [1, 3, 5, 5, 5]


def test_arguments_are_passed_through_and_metadata_kept():
    func, calls = flaky(1)
    func.__name__ = "fetch"
    wrapped = retry(2, sleep=lambda s: None)(func)
    assert wrapped(1, key="v") == "ok"
    assert calls == [((1,), {"key": "v"}), ((1,), {"key": "v"})]
    assert kata.preserves_metadata(wrapped, func)


def test_bad_arguments_fail_when_retry_is_called():
    with kata.raises(ValueError):
        retry(0)
