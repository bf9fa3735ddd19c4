"""Schema migrations on both backends: up from empty, down, up again; init keeps rows; the fixtures' migrated
databases are what the migrations make."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from cati.cli import main
from cati.platform import migrate
from cati.platform.database import Database
from cati.platform.models import AuditEvent, Base, MeasurementPeriod, Provider


def test_upgrade_downgrade_upgrade(empty_db_url: str) -> None:
    db = Database(empty_db_url)
    assert migrate.current_revision(db) is None
    db.upgrade()
    assert migrate.current_revision(db) == migrate.head_revision(db)
    tables = set(db.table_names())
    assert set(Base.metadata.tables) <= tables
    migrate.downgrade(db, "base")
    assert set(db.table_names()) <= {"alembic_version"}
    db.upgrade()
    assert set(Base.metadata.tables) <= set(db.table_names())
    db.dispose()


def test_models_match_migrations(empty_db_url: str) -> None:
    """Autogenerate finds nothing to do: every model change came with its migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    db = Database(empty_db_url)
    db.upgrade()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    db.dispose()
    # Type comparisons of timezone-aware datetimes differ by dialect; structure must match.
    structural = [d for d in diff if not (isinstance(d, list) and d and d[0][0] == "modify_type")]
    assert structural == []


def test_init_on_existing_database_keeps_rows(empty_db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = Database(empty_db_url)
    db.upgrade()
    with db.unit_of_work() as s:
        p = Provider(name="Werkpad", phone_option=True, tariff_cents=4250)
        s.add_all([p, MeasurementPeriod(provider=p, start_date=date(2021, 1, 1), end_date=date(2021, 12, 31))])
    assert main(["--db", empty_db_url, "init", "--test"]) == 0
    assert "testdatabase klaar" in capsys.readouterr().out
    assert main(["--db", empty_db_url, "init"]) == 0
    with db.unit_of_work() as s:
        assert s.scalars(sa.select(Provider.name)).all() == ["Werkpad"]
        assert s.scalar(sa.select(sa.func.count()).select_from(MeasurementPeriod)) == 1
    assert db.is_test_database()
    db.dispose()


def test_audit_trail_is_append_only_in_the_database(empty_db_url: str) -> None:
    from cati.platform.types import utcnow

    db = Database(empty_db_url)
    db.upgrade()
    with db.unit_of_work() as s:
        s.add(AuditEvent(at=utcnow(), action="login", username="x"))
    for stmt in (sa.update(AuditEvent).values(action="tampered"), sa.delete(AuditEvent)):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.unit_of_work() as s:
            s.execute(stmt)
    with db.unit_of_work() as s:
        assert s.scalars(sa.select(AuditEvent.action)).all() == ["login"]
    db.dispose()


def test_sqlite_is_wal_with_foreign_keys(empty_sqlite_url: str) -> None:
    db = Database(empty_sqlite_url)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    db.dispose()


def test_init_upgrades_an_old_schema_keeping_its_rows(
    empty_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A database made by the first release (revision 0001) is brought to head by `cati init`."""
    db = Database(empty_db_url)
    migrate.upgrade(db, "0001")
    with db.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO provider (name, phone_option, tariff_cents, created_at) "
                             "VALUES ('Oud BV', true, 4000, CURRENT_TIMESTAMP)"))
        conn.execute(sa.text("INSERT INTO measurement_period (provider_id, start_date, end_date) "
                             "SELECT id, '2020-04-01', '2021-03-31' FROM provider"))
    assert migrate.current_revision(db) == "0001"
    assert main(["--db", empty_db_url, "init"]) == 0
    assert migrate.current_revision(db) == migrate.head_revision(db) != "0001"
    with db.unit_of_work() as s:
        assert s.scalars(sa.select(Provider.name)).all() == ["Oud BV"]
        assert s.scalar(sa.select(MeasurementPeriod.start_date)) == date(2020, 4, 1)
    db.dispose()


def test_the_fixture_databases_are_what_the_migrations_make(db_url: str) -> None:
    """``db_url`` is a copy of a migrated database (SQLite) or the migrations' SQL replayed (PostgreSQL):
    at the newest revision, with every table and no difference from the models."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    db = Database(db_url)
    assert migrate.current_revision(db) == migrate.head_revision(db)
    assert set(Base.metadata.tables) <= set(db.table_names())
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    structural = [d for d in diff if not (isinstance(d, list) and d and d[0][0] == "modify_type")]
    assert structural == []
    from cati.platform.types import utcnow

    with db.unit_of_work() as s:
        s.add(AuditEvent(at=utcnow(), action="login", username="x"))
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.unit_of_work() as s:  # the trigger too
        s.execute(sa.delete(AuditEvent))
    db.dispose()
