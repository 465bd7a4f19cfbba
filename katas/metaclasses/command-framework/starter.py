import inspect


class CommandError(Exception):
    """A mistake on the command line (the user's fault)."""


class Command:
    """Subclass to define a command; the class is validated and registered."""

    registry = {}

    def __init_subclass__(cls, /, abstract=False, **kwargs):
        super().__init_subclass__(**kwargs)
        raise NotImplementedError("validate cls and register it")

    @classmethod
    def commands(cls):
        """Sorted (name, help) pairs of this family."""
        raise NotImplementedError

    @classmethod
    def dispatch(cls, argv):
        """Parse argv, run the command it names, return the result."""
        raise NotImplementedError
