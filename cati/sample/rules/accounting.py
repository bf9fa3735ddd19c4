"""Where every data line of a delivered client file went (to be phoned, not phoned, rejected, a
duplicate), and the check that the lines add up before anything is stored. ``AccountingError`` is
also what a do-not-call list whose lines do not add up raises."""

from __future__ import annotations

from dataclasses import dataclass


class AccountingError(RuntimeError):
    """The lines of a file do not add up to what became of them: a fault in cati, never stored."""


@dataclass(frozen=True, slots=True)
class Accounting:
    """Where every data line (a non-empty line below the header) of a delivered file went. Each is
    exactly one of: accepted to be phoned (a call case, or no case because every number is on the
    do-not-call list: ``do_not_call`` of them), accepted and not phoned (mail/post), rejected, or a
    duplicate."""

    lines: int
    phoned: int
    mail_post: int
    rejected: int
    duplicates: int
    do_not_call: int = 0  # of ``phoned``

    @property
    def accounted(self) -> int:
        return self.phoned + self.mail_post + self.rejected + self.duplicates

    @property
    def balanced(self) -> bool:
        return self.accounted == self.lines and 0 <= self.do_not_call <= self.phoned

    def text(self) -> str:
        """The sum in words, as the import summary shows it."""
        dnc = f" (waarvan {self.do_not_call} alleen met niet-bellen-nummers)" if self.do_not_call else ""
        lines = f"{self.lines} regel{'' if self.lines == 1 else 's'} met gegevens"
        return (f"{lines} = {self.phoned} te bellen{dnc} + {self.mail_post} niet gebeld "
                f"(mail/post) + {self.rejected} afgewezen + {self.duplicates} dubbel")

    def check(self) -> None:
        """Raise :class:`AccountingError` unless every line is accounted for exactly once."""
        if not self.balanced:
            raise AccountingError(f"De telling van het bestand klopt niet ({self.text()}, samen {self.accounted}); "
                                  "er is niets opgeslagen. Dit is een fout in cati: meld het, met het bestand.")
