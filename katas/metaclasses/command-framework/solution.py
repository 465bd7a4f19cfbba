import inspect
import re

_OPTION_TYPES = (int, float, str, bool)
_NAME = re.compile(r"[a-z][a-z0-9-]*")


class CommandError(Exception):
    """A mistake on the command line (the user's fault)."""


def _parameters(cls):
    """Split run's signature into argument names and {option: (type, default)}."""
    run = getattr(cls, "run", None)
    if not callable(run):
        raise TypeError(f"{cls.__name__}: define run(self, ...)")
    params = list(inspect.signature(run).parameters.values())[1:]   # drop self
    arguments, options = [], {}
    for p in params:
        if p.kind is p.POSITIONAL_OR_KEYWORD or p.kind is p.POSITIONAL_ONLY:
            if p.default is not p.empty:
                raise TypeError(f"{cls.__name__}: argument {p.name} may not have a default")
            arguments.append(p.name)
        elif p.kind is p.KEYWORD_ONLY:
            if p.annotation not in _OPTION_TYPES:
                raise TypeError(f"{cls.__name__}: option {p.name} needs an annotation "
                                f"among int, float, str, bool")
            if p.default is p.empty:
                raise TypeError(f"{cls.__name__}: option {p.name} needs a default")
            options[p.name] = p.annotation
        else:
            raise TypeError(f"{cls.__name__}: run may not take *args or **kwargs")
    return arguments, options


class Command:
    """Subclass to define a command; the class is validated and registered."""

    registry = {}

    def __init_subclass__(cls, /, abstract=False, **kwargs):
        super().__init_subclass__(**kwargs)
        if abstract:
            cls.registry = {}
            return
        name, help_text = getattr(cls, "name", None), getattr(cls, "help", None)
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise TypeError(f"{cls.__name__}: name must be lowercase-with-dashes, got {name!r}")
        if not isinstance(help_text, str) or not help_text.strip():
            raise TypeError(f"{cls.__name__}: help must be a non-empty string")
        cls._arguments, cls._options = _parameters(cls)
        if name in cls.registry:
            raise TypeError(f"{cls.__name__}: command {name!r} is already defined "
                            f"by {cls.registry[name].__name__}")
        cls.registry[name] = cls

    @classmethod
    def commands(cls):
        """Sorted (name, help) pairs of this family."""
        return sorted((name, command.help) for name, command in cls.registry.items())

    @classmethod
    def dispatch(cls, argv):
        """Parse argv, run the command it names, return the result."""
        if not argv:
            raise CommandError("no command given")
        name, words = argv[0], list(argv[1:])
        command = cls.registry.get(name)
        if command is None:
            known = ", ".join(sorted(cls.registry))
            raise CommandError(f"unknown command {name!r} (known: {known})")
        positional, options = [], {}
        while words:
            word = words.pop(0)
            if not word.startswith("--"):
                positional.append(word)
                continue
            option = word[2:].replace("-", "_")
            kind = command._options.get(option)
            if kind is None:
                raise CommandError(f"{name}: unknown option {word}")
            if kind is bool:
                options[option] = True
                continue
            if not words:
                raise CommandError(f"{name}: option {word} needs a value")
            raw = words.pop(0)
            try:
                options[option] = kind(raw)
            except ValueError:
                raise CommandError(f"{name}: {word} expects {kind.__name__}, got {raw!r}") from None
        if len(positional) != len(command._arguments):
            raise CommandError(f"{name}: expected arguments {command._arguments}, "
                               f"got {positional}")
        return command().run(*positional, **options)
