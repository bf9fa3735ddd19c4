"""What goes wrong when a form file is read: one problem per line, and the error that carries them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FormError:
    """One problem in a form file."""

    file: str
    line: int
    problem: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.problem}"


class FormLoadError(Exception):
    """Raised when a form does not load; ``errors`` holds every problem found."""

    def __init__(self, errors: list[FormError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = tuple(errors)
