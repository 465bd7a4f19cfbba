import kata
from solution import Model


class ResNet(Model):
    def __init__(self, depth=50):
        self.depth = depth


class Bert(Model, name="bert-base"):
    pass


class Backbone(Model, abstract=True):
    pass


def test_subclasses_register_themselves():
    assert Model.registry["resnet"] is ResNet
    assert Model.registry["bert-base"] is Bert


def test_abstract_bases_are_not_registered():
    assert Backbone not in Model.registry.values()


def test_create_passes_arguments():
    model = Model.create("resnet", depth=18)
    assert isinstance(model, ResNet) and model.depth == 18
    assert isinstance(Model.create("bert-base"), Bert)


def test_unknown_names_list_the_known_ones():
    with kata.raises(KeyError, match="bert-base, resnet"):
        Model.create("gpt")


def test_duplicate_names_are_rejected_at_definition():
    with kata.raises(ValueError, match="resnet"):
        class Other(Model, name="resnet"):
            pass


def test_grandchildren_register_too():
    """__init_subclass__ runs for every descendant, not just direct subclasses."""
    class ViT(Backbone):
        pass

    assert Model.registry["vit"] is ViT
