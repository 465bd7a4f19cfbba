class RecordStore:
    """(user_id, score, label) records in compact columns."""

    def __init__(self):
        raise NotImplementedError("create the columns")

    def append(self, user_id, score, label):
        raise NotImplementedError("write append")

    def __len__(self):
        raise NotImplementedError("write __len__")

    def __getitem__(self, index):
        raise NotImplementedError("write __getitem__")

    def mean_score(self):
        raise NotImplementedError("write mean_score")

    def indexes_with_label(self, label):
        raise NotImplementedError("write indexes_with_label")

    def pack(self):
        raise NotImplementedError("write pack")

    @classmethod
    def unpack(cls, data):
        raise NotImplementedError("write unpack")
