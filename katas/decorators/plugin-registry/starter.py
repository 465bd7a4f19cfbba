class PluginRegistry:
    """Plugins (subclasses of `base`) by name: registered by decorator,
    declared lazily as "module:attr", or found by importing a package."""

    def __init__(self, base):
        raise NotImplementedError("write PluginRegistry")

    def register(self, name_or_class=None):
        """Decorator: @register, @register() or @register("name")."""
        raise NotImplementedError

    def declare(self, name, spec):
        """Record a lazy plugin "module.path:Attr", imported on first get()."""
        raise NotImplementedError

    def get(self, name):
        """The plugin class; LookupError (listing names) when unknown."""
        raise NotImplementedError

    def names(self):
        """Sorted names of registered and declared plugins."""
        raise NotImplementedError

    def __contains__(self, name):
        raise NotImplementedError

    def discover(self, package):
        """Import every module of `package`; return {module_name: exception}."""
        raise NotImplementedError
