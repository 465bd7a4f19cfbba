def make_record(name, **fields):
    """Return a new class `name` with one slot per field, validating types.

    fields maps each field name to its type, in order. Instances accept the
    values positionally or by keyword, have no __dict__, reject unknown
    attributes, and check the type of every value at construction and on
    assignment.
    """
    raise NotImplementedError("build the class with type(name, (object,), namespace)")
