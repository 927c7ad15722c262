"""Errors and warnings a user reads: each says what is wrong and what to do."""


class UserError(Exception):
    """Bad input the user can fix; the CLI prints it as one line and exits with 2."""


class CnedWarning(UserWarning):
    """A warning about input that was still usable (the result is right, but read this)."""
