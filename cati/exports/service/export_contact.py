"""Contact data in an export (``with_contact``, supervisors only: EXPORT_CONTACT): the name, phone
number(s) and e-mail columns, the file-name marker, reading the phone numbers, and unsealing the
fields stored sealed (:mod:`cati.platform.keys`), which the raw export cursor reads as stored."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cati.exports.io.table import ColumnSpec
from cati.platform.database import Database
from cati.platform.keys import unseal
from cati.platform.models import Client, PhoneNumber

CONTACT_MARKER = "_MET_CONTACTGEGEVENS"
CONTACT_COLUMNS = ("client_name", "phone", "email")
SEALED_FIELDS = frozenset({"client_name", "email", "name_to_mask"})  # stored sealed (cati.platform.keys)

CONTACT_SPECS: tuple[ColumnSpec, ...] = (
    ColumnSpec("client_name", "Naam cliënt", "text"),
    ColumnSpec("phone", "Telefoonnummer(s)", "text"),
    ColumnSpec("email", "E-mailadres", "text"),
)


def require_key(db: Database) -> None:
    """Contact data asked for: the key file must be there (:class:`KeyFileError` when it is not)."""
    db.keys  # noqa: B018


def unseal_fields(by_column: dict[str, tuple[Any, ...]]) -> None:
    """Unseal, in place, the sealed fields among an export query's columns (the raw cursor does not
    read through the column type)."""
    for sealed in SEALED_FIELDS & by_column.keys():
        by_column[sealed] = tuple(map(unseal, by_column[sealed]))


def phones(s: Session, period_ids: list[int], client_ids: list[int], out: list[Any]) -> None:
    """``out[i]``: the phone numbers of ``client_ids[i]`` (E.164, in their order, space-separated), or
    None."""
    numbers: dict[int, list[str]] = {}
    for client_id, e164 in s.execute(
        select(PhoneNumber.client_id, PhoneNumber.e164)
        .join(Client, Client.id == PhoneNumber.client_id)
        .where(Client.period_id.in_(period_ids), PhoneNumber.e164.is_not(None))
        .order_by(PhoneNumber.client_id, PhoneNumber.position)
    ):
        if e164:
            numbers.setdefault(client_id, []).append(e164)
    for i, client_id in enumerate(client_ids):
        out[i] = " ".join(numbers.get(client_id, ())) or None

