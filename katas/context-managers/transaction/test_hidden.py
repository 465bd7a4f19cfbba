import contextlib
import random

import kata
from solution import Transaction


@contextlib.contextmanager
def lease(name, log):
    log.append(f"acquire {name}")
    try:
        yield name
    finally:
        log.append(f"release {name}")


def test_random_interleavings():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    for _ in range(200):
        steps = [rng.choice(["res", "undo"]) for _ in range(rng.randint(0, 8))]
        fail = rng.random() < 0.5
        log, expected_tail = [], []
        try:
            with Transaction() as tx:
                for i, kind in enumerate(steps):
                    if kind == "res":
                        tx.enter(lease(f"r{i}", log))
                    else:
                        tx.on_rollback(log.append, f"undo u{i}")
                if fail:
                    raise ValueError
        except ValueError:
            assert fail
        acquired = [f"acquire r{i}" for i, k in enumerate(steps) if k == "res"]
        for i, kind in reversed(list(enumerate(steps))):
            if kind == "res":
                expected_tail.append(f"release r{i}")
            elif fail:
                expected_tail.append(f"undo u{i}")
        assert log == acquired + expected_tail
        assert tx.state == ("rolled back" if fail else "committed")


def test_a_failing_undo_does_not_stop_the_others():
    log = []

    def bad_undo():
        raise RuntimeError("undo failed")

    with kata.raises(Exception):
        with Transaction() as tx:
            tx.enter(lease("a", log))
            tx.on_rollback(log.append, "undo 1")
            tx.on_rollback(bad_undo)
            tx.on_rollback(log.append, "undo 3")
            raise ValueError("boom")
    assert log == ["acquire a", "undo 3", "undo 1", "release a"]


def test_a_failing_release_on_success_still_releases_the_rest():
    log = []

    @contextlib.contextmanager
    def bad_release():
        yield
        raise OSError("release failed")

    with kata.raises(OSError):
        with Transaction() as tx:
            tx.enter(lease("a", log))
            tx.enter(bad_release())
            tx.on_rollback(log.append, "undo")
    assert log == ["acquire a", "release a"]


def test_state_before_and_inside():
    tx = Transaction()
    with tx as inner:
        assert inner is tx and tx.state == "active"
    assert tx.state == "committed"


def test_exception_is_not_suppressed_even_if_a_resource_would():
    log = []
    with kata.raises(ZeroDivisionError):
        with Transaction() as tx:
            tx.enter(lease("a", log))
            tx.enter(contextlib.suppress(ZeroDivisionError))
            1 / 0
    assert log == ["acquire a", "release a"]
    assert tx.state == "rolled back"
