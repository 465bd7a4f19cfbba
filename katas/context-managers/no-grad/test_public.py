import kata
from solution import enable_grad, is_grad_enabled, no_grad, set_grad_enabled


def test_default_is_enabled():
    assert is_grad_enabled() is True


def test_no_grad_switches_off_for_the_block():
    with no_grad():
        assert is_grad_enabled() is False
    assert is_grad_enabled() is True


def test_nesting_restores_the_previous_mode():
    """Save the current mode on entry and restore exactly that, not a hard-coded True."""
    with no_grad():
        with enable_grad():
            assert is_grad_enabled() is True
        assert is_grad_enabled() is False
    assert is_grad_enabled() is True


def test_restored_after_an_exception():
    with kata.raises(ValueError):
        with no_grad():
            raise ValueError("bad batch")
    assert is_grad_enabled() is True


def test_as_a_decorator():
    @no_grad()
    def predict(x):
        return (x, is_grad_enabled())

    assert predict(1) == (1, False)
    assert predict(2) == (2, False)
    assert is_grad_enabled() is True


def test_set_grad_enabled():
    with set_grad_enabled(False):
        assert not is_grad_enabled()
        with set_grad_enabled(True):
            assert is_grad_enabled()
    assert is_grad_enabled()
