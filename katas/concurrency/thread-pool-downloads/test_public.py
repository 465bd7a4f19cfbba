import threading
import time

import kata
from solution import download_all


class FakeStore:
    """A fake object store. Each fetch waits at a barrier until `together`
    fetches are in flight (so sequential code fails fast instead of passing),
    and counts how many run at once."""

    def __init__(self, together, missing=()):
        self.barrier = threading.Barrier(together, timeout=1) if together > 1 else None
        self.missing = set(missing)
        self.lock = threading.Lock()
        self.active = 0
        self.max_active = 0
        self.threads = set()
        self.calls = []

    def fetch(self, url):
        with self.lock:
            self.active += 1
            self.max_active = max(self.max_active, self.active)
            self.threads.add(threading.get_ident())
            self.calls.append(url)
        try:
            if self.barrier is not None:
                try:
                    self.barrier.wait()
                except threading.BrokenBarrierError:
                    pass   # fewer calls than `together` remained: fine
            time.sleep(0.001)
            if url in self.missing:
                raise FileNotFoundError(url)
            return f"data:{url}".encode()
        finally:
            with self.lock:
                self.active -= 1


def test_results_in_input_order():
    store = FakeStore(3)
    urls = ["s3://a", "s3://b", "s3://c"]
    assert download_all(urls, store.fetch, max_workers=3) == [b"data:s3://a", b"data:s3://b", b"data:s3://c"]


def test_downloads_overlap():
    """All four fetches must be in flight together: run them on a thread pool, not one by one."""
    store = FakeStore(4)
    download_all([f"u{i}" for i in range(4)], store.fetch, max_workers=4)
    assert store.max_active == 4


def test_at_most_max_workers_threads():
    store = FakeStore(2)
    download_all([f"u{i}" for i in range(10)], store.fetch, max_workers=2)
    assert store.max_active <= 2
    assert len(store.threads) <= 2


def test_a_failed_fetch_becomes_an_exception_in_place():
    """One missing shard must not lose the others: put the exception object in its slot."""
    store = FakeStore(1, missing={"s3://missing"})
    result = download_all(["s3://a", "s3://missing", "s3://c"], store.fetch, max_workers=1)
    assert result[0] == b"data:s3://a" and result[2] == b"data:s3://c"
    assert isinstance(result[1], FileNotFoundError)


def test_no_urls():
    assert download_all([], FakeStore(1).fetch) == []
