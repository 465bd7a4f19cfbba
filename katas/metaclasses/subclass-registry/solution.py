class Model:
    """Subclasses register themselves in Model.registry when defined."""

    registry = {}

    def __init_subclass__(cls, /, name=None, abstract=False, **kwargs):
        super().__init_subclass__(**kwargs)
        if abstract:
            return
        key = name if name is not None else cls.__name__.lower()
        if key in Model.registry:
            raise ValueError(f"model name {key!r} is already registered "
                             f"by {Model.registry[key].__name__}")
        Model.registry[key] = cls

    @classmethod
    def create(cls, name, *args, **kwargs):
        """Build an instance of the model registered under `name`."""
        try:
            model_class = Model.registry[name]
        except KeyError:
            known = ", ".join(sorted(Model.registry))
            raise KeyError(f"unknown model {name!r}; known: {known}") from None
        return model_class(*args, **kwargs)
