"""The one error a delivered file raises when it is refused whole."""

from __future__ import annotations


class ClientFileError(Exception):
    """A client file or do-not-call list cannot be read as a whole, so nothing of it is stored.

    ``str(exc)`` is a Dutch message for the supervisor: what is wrong (with the line, and the column
    where there is one) and what to do about it."""
