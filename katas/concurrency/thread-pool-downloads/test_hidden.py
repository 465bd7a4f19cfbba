import random
import threading
import time

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


def test_random_batches():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    for _ in range(8):
        workers = rng.randint(1, 6)
        urls = [f"u{i}" for i in range(rng.randint(0, 25))]
        missing = {u for u in urls if rng.random() < 0.3}
        store = FakeStore(1, missing=missing)
        result = download_all(urls, store.fetch, max_workers=workers)
        assert len(result) == len(urls)
        for url, r in zip(urls, result):
            if url in missing:
                assert isinstance(r, FileNotFoundError) and r.args == (url,)
            else:
                assert r == f"data:{url}".encode()
        assert store.max_active <= workers
        assert sorted(store.calls) == sorted(urls)


def test_default_is_four_workers():
    store = FakeStore(4)
    download_all([f"u{i}" for i in range(8)], store.fetch)
    assert store.max_active == 4


def test_duplicate_urls_are_fetched_each_time():
    store = FakeStore(1)
    assert download_all(["x", "x"], store.fetch, max_workers=2) == [b"data:x", b"data:x"]
    assert store.calls == ["x", "x"]


def test_accepts_any_iterable():
    store = FakeStore(1)
    assert download_all(iter(["a", "b"]), store.fetch, max_workers=2) == [b"data:a", b"data:b"]
