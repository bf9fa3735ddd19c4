"""The import property test (issue 14) on both databases: random bytes, random CSV structure and random cell
values go through the whole import (read, check, store). No exception escapes but cati's own refusal, the
accounting adds up, and the database holds exactly the clients the summary says, with nothing in them
PostgreSQL would refuse (a NUL) or a terminal would run (an escape code)."""

from __future__ import annotations

import itertools
import re
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cati.accounts.rules.roles import Role
from cati.sample.io.client_file import ClientFileError
from tests.property_files import CsvCase, csv_files

_names = itertools.count()
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
DB_SETTINGS = settings(max_examples=25, deadline=None,
                       suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _setup(services):  # type: ignore[no-untyped-def]
    if not services.users.has_users():
        services.users.add_user(None, "admin", "admin-wachtwoord", {Role.ADMIN})
        admin = services.users.login("admin", "admin-wachtwoord")
        services.users.add_user(admin, "sanne", "welkom-sanne", {Role.SUPERVISOR})
    sanne = services.users.login("sanne", "welkom-sanne")
    provider = f"Aanbieder {next(_names)}"  # a fresh period per example: earlier examples are no duplicates
    services.providers.add_provider(sanne, provider, date(2021, 1, 1), date(2021, 12, 31), phone_option=True)
    return sanne, provider


def _check(services, tmp_path: Path, data: bytes, suffix: str) -> object:  # type: ignore[no-untyped-def]
    sanne, provider = _setup(services)
    path = tmp_path / f"levering_{next(_names)}{suffix}"
    path.write_bytes(data)
    with services.db.engine.connect() as conn:
        before = conn.execute(sa.text("SELECT count(*) FROM client")).scalar_one()
    try:
        summary = services.imports.import_file(sanne, provider, path)
    except ClientFileError as exc:
        assert str(exc) and "\n" not in str(exc)
        with services.db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM client")).scalar_one() == before
        return exc
    assert summary.accounting.balanced and summary.rows_read == summary.lines
    with services.db.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT client_number, name, email FROM client WHERE import_id = :b"),
                            {"b": summary.batch_id}).all()
    assert len(rows) == summary.accepted
    for number, name, email in rows:
        assert not CONTROL.search(number + name + (email or ""))
    return summary


@given(st.binary(max_size=1024), st.sampled_from([".csv", ".xlsx"]))
@DB_SETTINGS
def test_random_bytes_through_the_import(services, tmp_path, data, suffix) -> None:  # type: ignore[no-untyped-def]
    _check(services, tmp_path, data, suffix)


@given(csv_files(max_rows=8))
@DB_SETTINGS
def test_random_csv_files_through_the_import(services, tmp_path, case: CsvCase) -> None:  # type: ignore[no-untyped-def]
    result = _check(services, tmp_path, case.data, case.suffix)
    if isinstance(result, ClientFileError):
        assert case.data_lines == 0 or case.swallowing_cell(2), (str(result), case.rows)
    else:
        assert result.lines == case.data_lines  # type: ignore[attr-defined]
