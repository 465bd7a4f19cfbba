import random
import struct

import kata
from solution import RecordStore


def test_random_records_match_a_list_model():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    store, model = RecordStore(), []
    for _ in range(3000):
        user = rng.choice([rng.randint(-(1 << 63), (1 << 63) - 1), rng.randint(-5, 5)])
        score = rng.choice([rng.random() * 100 - 50, rng.randint(-3, 3)])
        label = rng.choice([rng.randint(0, 255), rng.choice([-1, 256, 1000])])
        if 0 <= label <= 255:
            store.append(user, score, label)
            model.append((user, float(score), label))
        else:
            with kata.raises(ValueError):
                store.append(user, score, label)
    assert len(store) == len(model)
    for _ in range(200):
        i = rng.randrange(-len(model), len(model))
        assert store[i] == model[i]
    label = rng.randint(0, 255)
    assert store.indexes_with_label(label) == [i for i, r in enumerate(model) if r[2] == label]
    assert store.mean_score() == kata.approx(sum(r[1] for r in model) / len(model))
    packed = store.pack()
    assert packed == b"".join(struct.pack("<qdB", *r) for r in model)
    back = RecordStore.unpack(packed)
    assert [back[i] for i in range(len(back))] == model


def test_int64_limits():
    store = RecordStore()
    store.append((1 << 63) - 1, 0.0, 0)
    store.append(-(1 << 63), 0.0, 0)
    assert store[0][0] == (1 << 63) - 1 and store[1][0] == -(1 << 63)
    with kata.raises(ValueError):
        store.append(-(1 << 63) - 1, 0.0, 0)
    assert len(store) == 2


def test_index_errors():
    store = RecordStore()
    with kata.raises(IndexError):
        store[0]
    with kata.raises(IndexError):
        store[-1]
    store.append(1, 1.0, 1)
    with kata.raises(IndexError):
        store[-2]


def test_empty_pack():
    assert RecordStore().pack() == b""
    assert len(RecordStore.unpack(b"")) == 0


def test_unpack_memory_stays_lean():
    store = RecordStore()
    for i in range(50_000):
        store.append(i, 1.5, 7)
    data = store.pack()
    back, peak = kata.peak_memory(RecordStore.unpack, data)
    assert len(back) == 50_000 and back[-1] == (49_999, 1.5, 7)
    assert peak <= 40 * 50_000
