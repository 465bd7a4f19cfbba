import kata
from solution import Command, CommandError


class Serve(Command, abstract=True):
    pass


class Train(Serve):
    name = "train"
    help = "Train a model on a dataset."

    def run(self, dataset, *, epochs: int = 1, lr: float = 0.1, dry_run: bool = False):
        return (dataset, epochs, lr, dry_run)


class Predict(Serve):
    name = "predict"
    help = "Predict on inputs."

    def run(self, model, path):
        return f"{model}:{path}"


def test_defining_a_class_registers_it():
    assert Serve.registry == {"train": Train, "predict": Predict}
    assert Serve.commands() == [("predict", "Predict on inputs."),
                                ("train", "Train a model on a dataset.")]


def test_dispatch_parses_arguments_and_options():
    """Options are the keyword-only parameters of run; values are converted with their annotation."""
    assert Serve.dispatch(["train", "data.csv", "--epochs", "3", "--dry-run"]) == \
        ("data.csv", 3, 0.1, True)
    assert Serve.dispatch(["train", "d", "--lr", "0.5"]) == ("d", 1, 0.5, False)
    assert Serve.dispatch(["predict", "bert", "x.txt"]) == "bert:x.txt"


def test_user_errors_are_command_errors():
    for argv in (["deploy"], ["train"], ["train", "d", "--epochs", "three"],
                 ["train", "d", "--seed", "1"], ["predict", "only-one"]):
        with kata.raises(CommandError):
            Serve.dispatch(argv)


def test_unknown_command_lists_known_ones():
    with kata.raises(CommandError, match="predict, train"):
        Serve.dispatch(["deploy"])


def test_bad_names_and_missing_help_fail_at_definition():
    with kata.raises(TypeError):
        class BadName(Serve):
            name = "Bad Name"
            help = "x"
            def run(self): pass
    with kata.raises(TypeError):
        class NoHelp(Serve):
            name = "no-help"
            def run(self): pass


def test_run_signature_is_checked_at_definition():
    """Every option needs a default and an int/float/str/bool annotation; no *args or **kwargs."""
    with kata.raises(TypeError):
        class NoDefault(Serve):
            name, help = "no-default", "x"
            def run(self, *, epochs: int): pass
    with kata.raises(TypeError):
        class NoAnnotation(Serve):
            name, help = "no-annotation", "x"
            def run(self, *, epochs=1): pass
    with kata.raises(TypeError):
        class Star(Serve):
            name, help = "star", "x"
            def run(self, *paths): pass


def test_duplicate_names_in_a_family():
    with kata.raises(TypeError, match="train"):
        class Train2(Serve):
            name, help = "train", "again"
            def run(self): pass
    assert Serve.registry["train"] is Train
