import math
import struct
from array import array

RECORD = struct.Struct("<qdB")      # int64 user id, float64 score, uint8 label
INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1


class RecordStore:
    """(user_id, score, label) records in compact columns."""

    __slots__ = ("_users", "_scores", "_labels")

    def __init__(self):
        self._users = array("q")
        self._scores = array("d")
        self._labels = array("B")

    def append(self, user_id, score, label):
        # validate everything first: a rejected record must change nothing
        if type(user_id) is not int or type(label) is not int:
            raise TypeError("user_id and label must be int")
        if not isinstance(score, (int, float)) or isinstance(score, bool):
            raise TypeError("score must be a number")
        if not INT64_MIN <= user_id <= INT64_MAX:
            raise ValueError(f"user_id out of the int64 range: {user_id}")
        if not 0 <= label <= 255:
            raise ValueError(f"label must be in 0..255, got {label}")
        self._users.append(user_id)
        self._scores.append(float(score))
        self._labels.append(label)

    def __len__(self):
        return len(self._users)

    def __getitem__(self, index):
        n = len(self._users)
        if not isinstance(index, int):
            raise TypeError("record index must be an int")
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError("record index out of range")
        return self._users[index], self._scores[index], self._labels[index]

    def mean_score(self):
        if not self._scores:
            raise ValueError("mean of an empty store")
        return math.fsum(self._scores) / len(self._scores)

    def indexes_with_label(self, label):
        return [i for i, value in enumerate(self._labels) if value == label]

    def pack(self):
        buf = bytearray(RECORD.size * len(self))
        for i, record in enumerate(zip(self._users, self._scores, self._labels)):
            RECORD.pack_into(buf, i * RECORD.size, *record)
        return bytes(buf)

    @classmethod
    def unpack(cls, data):
        if len(data) % RECORD.size:
            raise ValueError(f"data length {len(data)} is not a multiple of {RECORD.size}")
        store = cls()
        for user_id, score, label in RECORD.iter_unpack(data):
            store._users.append(user_id)
            store._scores.append(score)
            store._labels.append(label)
        return store
