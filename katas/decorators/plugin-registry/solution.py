import importlib
import pkgutil


class PluginRegistry:
    """Plugins (subclasses of `base`) by name: registered by decorator,
    declared lazily as "module:attr", or found by importing a package."""

    def __init__(self, base):
        self.base = base
        self._loaded = {}     # name -> class
        self._declared = {}   # name -> "module:attr", not imported yet

    def _check_free(self, name):
        if name in self._loaded or name in self._declared:
            raise ValueError(f"plugin {name!r} is already registered")

    def _check_class(self, name, obj):
        if not (isinstance(obj, type) and issubclass(obj, self.base)):
            raise TypeError(f"plugin {name!r} must be a subclass of {self.base.__name__}, not {obj!r}")

    def _add(self, name, cls):
        self._check_class(name, cls)
        if self._loaded.get(name) is cls:      # re-registration of the same class is harmless
            return cls
        self._check_free(name)
        self._loaded[name] = cls
        return cls

    def register(self, name_or_class=None):
        """Decorator: @register, @register() or @register("name")."""
        if isinstance(name_or_class, type):
            return self._add(name_or_class.__name__.lower(), name_or_class)
        if name_or_class is not None and not isinstance(name_or_class, str):
            raise TypeError(f"register() takes a name or a class, not {name_or_class!r}")

        def decorator(cls):
            return self._add(name_or_class or getattr(cls, "__name__", "").lower(), cls)
        return decorator

    def declare(self, name, spec):
        """Record a lazy plugin "module.path:Attr", imported on first get()."""
        module, sep, attr = spec.partition(":")
        if not (sep and module and attr):
            raise ValueError(f"plugin spec must look like 'module:attr', not {spec!r}")
        self._check_free(name)
        self._declared[name] = spec

    def get(self, name):
        """The plugin class; LookupError (listing names) when unknown."""
        if name in self._loaded:
            return self._loaded[name]
        if name not in self._declared:
            raise LookupError(f"no plugin {name!r}; available: {', '.join(self.names()) or 'none'}")
        module_name, _, attr = self._declared[name].partition(":")
        obj = getattr(importlib.import_module(module_name), attr)
        self._check_class(name, obj)
        del self._declared[name]
        self._loaded[name] = obj
        return obj

    def names(self):
        """Sorted names of registered and declared plugins."""
        return sorted([*self._loaded, *self._declared])

    def __contains__(self, name):
        return name in self._loaded or name in self._declared

    def discover(self, package):
        """Import every module of `package`; return {module_name: exception}."""
        pkg = importlib.import_module(package)
        errors = {}
        infos = pkgutil.iter_modules(getattr(pkg, "__path__", []), pkg.__name__ + ".")
        for info in sorted(infos, key=lambda i: i.name):
            try:
                importlib.import_module(info.name)
            except Exception as exc:   # one broken plugin must not hide the others
                errors[info.name] = exc
        return errors
