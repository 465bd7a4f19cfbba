from dataclasses import dataclass


@dataclass(frozen=True)
class TrainingConfig:
    """A validated, immutable training configuration."""

    model: str

    def __post_init__(self):
        raise NotImplementedError("add the other fields and validate them here")

    @classmethod
    def from_dict(cls, data):
        """Build a config from a dict; unknown keys are a ValueError."""
        raise NotImplementedError("write from_dict")
