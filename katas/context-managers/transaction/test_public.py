import contextlib

import kata
from solution import Transaction


@contextlib.contextmanager
def lease(name, log):
    log.append(f"acquire {name}")
    try:
        yield name
    finally:
        log.append(f"release {name}")


def test_success_releases_resources_and_skips_undos():
    log = []
    with Transaction() as tx:
        assert tx.enter(lease("gpu0", log)) == "gpu0"
        tx.on_rollback(log.append, "delete run row")
        tx.enter(lease("lock", log))
        assert tx.state == "active"
    assert log == ["acquire gpu0", "acquire lock", "release lock", "release gpu0"]
    assert tx.state == "committed"


def test_failure_unwinds_everything_in_reverse():
    """Undos and releases are unwound together, last registered first: push an exit callback."""
    log = []
    with kata.raises(RuntimeError):
        with Transaction() as tx:
            tx.enter(lease("gpu0", log))
            tx.on_rollback(log.append, "delete run row")
            tx.enter(lease("lock", log))
            raise RuntimeError("quota exceeded")
    assert log == ["acquire gpu0", "acquire lock", "release lock",
                   "delete run row", "release gpu0"]
    assert tx.state == "rolled back"


def test_on_rollback_passes_arguments():
    seen = []
    with kata.raises(KeyError):
        with Transaction() as tx:
            tx.on_rollback(lambda a, b=0: seen.append((a, b)), 1, b=2)
            raise KeyError("x")
    assert seen == [(1, 2)]


def test_failure_while_acquiring_rolls_back_earlier_steps():
    log = []

    @contextlib.contextmanager
    def broken():
        raise OSError("disk full")
        yield

    with kata.raises(OSError):
        with Transaction() as tx:
            tx.enter(lease("a", log))
            tx.on_rollback(log.append, "undo a")
            tx.enter(broken())
            log.append("not reached")
    assert log == ["acquire a", "undo a", "release a"]
