class Model:
    """Subclasses register themselves in Model.registry when defined."""

    registry = {}

    def __init_subclass__(cls, /, name=None, abstract=False, **kwargs):
        super().__init_subclass__(**kwargs)
        raise NotImplementedError("register cls under its name")

    @classmethod
    def create(cls, name, *args, **kwargs):
        """Build an instance of the model registered under `name`."""
        raise NotImplementedError
