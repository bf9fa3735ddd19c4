"""The interviewer's desk (issue 6): queue, call screen, outcome, appointment picker, question screens."""

from cati.gui.desk.desk import Desk

__all__ = ["Desk"]
