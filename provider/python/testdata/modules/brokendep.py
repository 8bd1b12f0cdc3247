import ctfix_missing_dependency  # noqa: F401


def f():
    return 1
