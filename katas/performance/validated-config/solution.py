import dataclasses
from dataclasses import dataclass

DEVICES = ("cpu", "cuda", "mps")


def _require_int(name, value):
    if type(value) is bool or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")


@dataclass(frozen=True)
class TrainingConfig:
    """A validated, immutable training configuration."""

    model: str
    learning_rate: float = 3e-4
    batch_size: int = 32
    epochs: int = 1
    device: str = "cpu"
    tags: tuple[str, ...] = ()

    def __post_init__(self):
        if not isinstance(self.model, str):
            raise TypeError(f"model must be a str, got {type(self.model).__name__}")
        if not self.model:
            raise ValueError("model must not be empty")

        lr = self.learning_rate
        if type(lr) is bool or not isinstance(lr, (int, float)):
            raise TypeError(f"learning_rate must be a float, got {type(lr).__name__}")
        if not 0 < lr <= 1:
            raise ValueError(f"learning_rate must be in (0, 1], got {lr}")

        _require_int("batch_size", self.batch_size)
        if self.batch_size < 1 or self.batch_size & (self.batch_size - 1):
            raise ValueError(f"batch_size must be a power of two, got {self.batch_size}")

        _require_int("epochs", self.epochs)
        if self.epochs < 1:
            raise ValueError(f"epochs must be at least 1, got {self.epochs}")

        if not isinstance(self.device, str):
            raise TypeError(f"device must be a str, got {type(self.device).__name__}")
        if self.device not in DEVICES:
            raise ValueError(f"device must be one of {', '.join(DEVICES)}, got {self.device!r}")

        if not isinstance(self.tags, (tuple, list)):
            raise TypeError(f"tags must be a tuple of str, got {type(self.tags).__name__}")
        if not all(isinstance(tag, str) for tag in self.tags):
            raise TypeError("tags must contain only str")
        object.__setattr__(self, "tags", tuple(self.tags))   # frozen: bypass on purpose

    @classmethod
    def from_dict(cls, data):
        """Build a config from a dict; unknown keys are a ValueError."""
        unknown = set(data) - {f.name for f in dataclasses.fields(cls)}
        if unknown:
            raise ValueError(f"unknown keys: {', '.join(sorted(unknown))}")
        return cls(**data)
