"""Settings: defaults from resources/settings.yaml, changes stored dated in the database."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import func, select

from cati.accounts.rules.roles import Actor, Permission, require
from cati.accounts.service.audit import record
from cati.core.paths import resources_dir
from cati.core.yaml_files import safe_load
from cati.platform.context import ServiceContext
from cati.platform.models import Client, DatabaseInfo, Interview, Provider, Setting, User


@cache
def defaults() -> dict[str, Any]:
    with (resources_dir() / "settings.yaml").open(encoding="utf-8") as fh:
        data = safe_load(fh)
    assert isinstance(data, dict)
    return data


class SettingError(ValueError):
    pass


#: the dialers a desk can have (``cati/telephony/io``): by hand, a URI for the desktop, cati's softphone
DIALER_KINDS = ("manual", "uri", "softphone")


@dataclass(frozen=True)
class SettingValue:
    key: str
    value: Any
    valid_from: date | None  # None: the shipped default


def check_value(key: str, value: Any) -> None:
    """A new value must be of the default's kind (a number stays a number, text stays text)."""
    default = defaults()[key]
    if value is None:
        if default is not None and not key.startswith(("queue.", "rates.")):
            raise SettingError(f"{key}: een waarde is verplicht")
        return
    if isinstance(default, bool) or isinstance(value, bool):
        ok = isinstance(default, bool) and isinstance(value, bool)
    elif isinstance(default, int) or (default is None and isinstance(value, int)):
        ok = isinstance(value, int)
    else:
        ok = isinstance(value, str)
    if not ok:
        raise SettingError(f"{key}: {value!r} is niet van de juiste soort (standaard: {default!r})")
    if key == "dialer.kind" and value not in DIALER_KINDS:
        raise SettingError(f"{key}: {value!r} is geen dialer ({', '.join(DIALER_KINDS)})")
    if key == "dialer.no_answer_seconds" and not 5 <= value <= 300:
        raise SettingError(f"{key}: {value!r} seconden: tussen 5 en 300")
    if isinstance(default, str) and key.startswith(("billing.", "report.", "qc.")):
        from decimal import Decimal, InvalidOperation

        try:
            Decimal(value)
        except InvalidOperation:
            raise SettingError(f"{key}: {value!r} is geen getal (gebruik een punt: 0.50)") from None


class SettingsService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def get(self, key: str, on: date | None = None) -> Any:
        """The value in force on ``on`` (default today): the latest dated change, else the default."""
        return self.history(key, on)[-1].value

    def history(self, key: str, on: date | None = None) -> list[SettingValue]:
        """The default followed by every stored change up to ``on``, oldest first."""
        if key not in defaults():
            raise SettingError(f"onbekende instelling: {key}")
        on = on or self.ctx.now().date()
        with self.ctx.db.unit_of_work() as s:
            rows = s.scalars(
                select(Setting).where(Setting.key == key, Setting.valid_from <= on).order_by(Setting.valid_from)
            ).all()
            stored = [SettingValue(key, json.loads(r.value), r.valid_from) for r in rows]
        return [SettingValue(key, defaults()[key], None), *stored]

    def all_history(self, key: str) -> list[SettingValue]:
        return self.history(key, date.max)

    def set(self, actor: Actor | None, key: str, value: Any, valid_from: date | None = None) -> None:
        require(actor, Permission.CHANGE_SETTINGS)
        if key not in defaults():
            raise SettingError(f"onbekende instelling: {key}")
        check_value(key, value)
        valid_from = valid_from or self.ctx.now().date()
        text = json.dumps(value)
        with self.ctx.db.unit_of_work() as s:
            row = s.scalar(select(Setting).where(Setting.key == key, Setting.valid_from == valid_from))
            old = row.value if row else None
            if row is None:
                s.add(Setting(key=key, valid_from=valid_from, value=text, changed_by=actor.user_id if actor else None))
            else:
                row.value = text
            record(s, actor, "setting_change", at=self.ctx.now(), object_type="setting", object_id=key,
                   valid_from=valid_from.isoformat(), old=old, new=text)

    def mark_test_database(self, actor: Actor | None) -> None:
        """Mark this database a test database (where ``cati simulate`` may run and make accounts).

        Without a login only while the database is new and empty (no users, providers, clients or
        interviews): whoever made it may say what it is for. A database in use needs an admin, and
        the marking is audited either way."""
        with self.ctx.db.unit_of_work() as s:
            if actor is None:
                used = [what for what, model in (("gebruikers", User), ("aanbieders", Provider), ("cliënten", Client),
                                                 ("interviews", Interview))
                        if s.scalar(select(func.count()).select_from(model))]
                if used:
                    raise SettingError(
                        f"Deze database is niet leeg (er zijn al {', '.join(used)}): alleen een beheerder kan haar tot "
                        "testdatabase maken (cati --user NAAM init --test).")
            else:
                require(actor, Permission.CHANGE_SETTINGS)
            row = s.get(DatabaseInfo, "test_database")
            if row is None:
                s.add(DatabaseInfo(key="test_database", value="yes"))
            else:
                row.value = "yes"
            record(s, actor, "test_database", at=self.ctx.now(), object_type="database", object_id="test_database")
