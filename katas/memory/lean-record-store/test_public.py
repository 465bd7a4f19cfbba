import kata
from solution import RecordStore


def test_append_and_index():
    store = RecordStore()
    store.append(42, 0.5, 3)
    store.append(7, 1, 0)
    assert len(store) == 2
    assert store[0] == (42, 0.5, 3)
    assert store[-1] == (7, 1.0, 0)
    assert isinstance(store[1][1], float)
    with kata.raises(IndexError):
        store[2]


def test_queries():
    store = RecordStore()
    for i in range(6):
        store.append(i, i / 2, i % 3)
    assert store.mean_score() == kata.approx(1.25)
    assert store.indexes_with_label(2) == [2, 5]
    with kata.raises(ValueError):
        RecordStore().mean_score()


def test_a_rejected_record_changes_nothing():
    """Validate every field before touching any column, or the columns get out of step."""
    store = RecordStore()
    store.append(1, 0.5, 1)
    with kata.raises(ValueError):
        store.append(2, 0.75, 300)
    with kata.raises(ValueError):
        store.append(1 << 63, 0.75, 1)
    with kata.raises(TypeError):
        store.append("3", 0.75, 1)
    assert len(store) == 1
    store.append(4, 1.0, 4)
    assert store[1] == (4, 1.0, 4)


def test_pack_and_unpack_round_trip():
    store = RecordStore()
    store.append(-5, 2.5, 255)
    store.append(9, -0.125, 0)
    data = store.pack()
    assert isinstance(data, bytes) and len(data) == 34
    copy = RecordStore.unpack(data)
    assert [copy[i] for i in range(len(copy))] == [(-5, 2.5, 255), (9, -0.125, 0)]
    with kata.raises(ValueError):
        RecordStore.unpack(data[:-1])


def test_memory_budget_of_40_bytes_per_record():
    """100,000 records in at most 40 bytes each: store columns (array), not an object per record."""
    n = 100_000

    def fill():
        store = RecordStore()
        for i in range(n):
            store.append(i, 0.5, i & 255)
        return store

    store, peak = kata.peak_memory(fill)
    assert len(store) == n
    assert peak <= 40 * n
