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


@pytest.mark.parametrize("had", ["0010", "0012"])
def test_a_database_on_either_line_after_0009_upgrades_to_the_merge(empty_db_url: str, had: str) -> None:
    """0010 (paradata, reviews) and 0011-0012 (sealed contact data, the login throttle) both follow 0009;
    0013 joins them. A database that has one line gets the other, then the merge."""
    db = Database(empty_db_url)
    migrate.upgrade(db, had)
    tables = set(db.table_names())
    assert ("screen_visit" in tables) == (had == "0010") and ("login_throttle" in tables) == (had == "0012")
    db.upgrade()
    assert migrate.current_revision(db) == migrate.head_revision(db) == "0013"
    assert {"screen_visit", "interview_review", "login_throttle"} <= set(db.table_names())
    migrate.downgrade(db, "base")  # and all the way down, through both lines
    assert set(db.table_names()) <= {"alembic_version"}
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
    assert main(["--db", empty_db_url, "init"]) == 0
    with db.unit_of_work() as s:
        assert s.scalars(sa.select(Provider.name)).all() == ["Werkpad"]
        assert s.scalar(sa.select(sa.func.count()).select_from(MeasurementPeriod)) == 1
    assert not db.is_test_database()
    db.dispose()


def test_init_test_marks_only_a_new_empty_database_without_a_login(
        empty_db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15: `cati init --test` without a login only on a new, empty database; a database in use
    needs an admin, and the marking is audited either way."""
    import io

    from cati.accounts.rules.roles import Role
    from cati.container import build_services

    fresh = Database(empty_db_url)
    assert main(["--db", empty_db_url, "init", "--test"]) == 0
    assert "testdatabase klaar" in capsys.readouterr().out and fresh.is_test_database()
    with fresh.unit_of_work() as s:  # the same database, now in use
        s.execute(sa.delete(sa.table("database_info", sa.column("key"))).where(sa.column("key") == "test_database"))
        p = Provider(name="Werkpad", phone_option=True, tariff_cents=4250)
        s.add_all([p, MeasurementPeriod(provider=p, start_date=date(2021, 1, 1), end_date=date(2021, 12, 31))])
    assert main(["--db", empty_db_url, "init", "--test"]) == 2
    assert "niet leeg (er zijn al aanbieders)" in capsys.readouterr().err and not fresh.is_test_database()
    services = build_services(empty_db_url)
    services.users.add_user(None, "beheer", "beheer-wachtwoord", {Role.ADMIN})
    admin = services.users.login("beheer", "beheer-wachtwoord")
    services.users.add_user(admin, "sanne", "sanne-wachtwoord", {Role.SUPERVISOR})
    monkeypatch.setattr("sys.stdin", io.StringIO("sanne-wachtwoord\n"))
    assert main(["--db", empty_db_url, "--user", "sanne", "init", "--test"]) == 3  # a supervisor may not
    assert not fresh.is_test_database()
    monkeypatch.setattr("sys.stdin", io.StringIO("beheer-wachtwoord\n"))
    assert main(["--db", empty_db_url, "--user", "beheer", "init", "--test"]) == 0
    assert fresh.is_test_database()
    events = services.audit.events(admin, action="test_database")
    assert sorted(e.username for e in events) == ["", "beheer"]  # the first without a login
    services.db.dispose()
    fresh.dispose()


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


def test_revision_0011_seals_the_contact_data_already_there_and_downgrade_gives_it_back(empty_db_url: str) -> None:
    """Names, e-mail addresses, numbers and call notes written before revision 0011 are sealed by it
    (a key per period, in the key file); the do-not-call list becomes keyed hashes that still match.
    Downgrade gives every value back in plain text."""
    from cati.platform import do_not_call, keys
    from cati.platform.models import CallAttempt, Client, PhoneNumber

    db = Database(empty_db_url)
    migrate.upgrade(db, "0009")
    with db.engine.begin() as conn:
        x = conn.execute
        x(sa.text("INSERT INTO provider (name, phone_option, tariff_cents, created_at) "
                  "VALUES ('Oud BV', true, 4000, CURRENT_TIMESTAMP)"))
        x(sa.text("INSERT INTO measurement_period (provider_id, start_date, end_date) "
                  "SELECT id, '2025-01-01', '2025-12-31' FROM provider"))
        x(sa.text("INSERT INTO client (period_id, client_number, respondent_key, name, email, service, end_date, "
                  "variant, phone_option, created_at) SELECT id, 'K1', 'rk1', 'Hendrika Plantinga', "
                  "'hendrika@voorbeeld.nl', 1, '2025-03-01', 'regular', true, CURRENT_TIMESTAMP FROM measurement_period"))
        x(sa.text("INSERT INTO phone_number (client_id, position, e164, kind, flagged, status, attempts) "
                  "SELECT id, 0, '+31687654321', 'mobile', false, 'active', 0 FROM client"))
        x(sa.text("INSERT INTO call_case (client_id, period_id, queue, status, attempts, contacted, "
                  "current_phone_position, next_call_at, last_attempt_at, day_parts_tried, state, created_at, updated_at) "
                  "SELECT id, period_id, 'purchased', 'active', 1, false, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, '', "
                  "'{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM client"))
        x(sa.text("INSERT INTO app_user (username, display_name, password_hash, disabled, failed_logins, created_at) "
                  "VALUES ('anna', '', 'x', false, 0, CURRENT_TIMESTAMP)"))
        x(sa.text("INSERT INTO call_attempt (case_id, user_id, started_at, ended_at, outcome, note) "
                  "SELECT c.id, u.id, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'CALLBACK', 'Hendrika: na vijven' "
                  "FROM call_case c, app_user u"))
        x(sa.text("INSERT INTO do_not_call (e164, source, added_at) VALUES ('+31687654322', 'outcome', "
                  "CURRENT_TIMESTAMP)"))
    migrate.upgrade(db, "0011")

    def raw() -> tuple[str, str, str, str, str | None, list[str]]:
        with db.engine.connect() as conn:
            name, email = conn.execute(sa.text("SELECT name, email FROM client")).one()
            number, number_hash = conn.execute(sa.text("SELECT e164, e164_hash FROM phone_number")).one()
            note = conn.execute(sa.text("SELECT note FROM call_attempt")).scalar()
            dnc = list(conn.execute(sa.text("SELECT e164 FROM do_not_call")).scalars())
        return name, email, number, note, number_hash, dnc

    name, email, number, note, number_hash, dnc = raw()
    assert all(keys.is_sealed(v) for v in (name, email, number, note))
    assert "Hendrika" not in name + email + note and "687654321" not in number
    assert number_hash == db.keys.number_hash("+31687654321") and dnc == [db.keys.number_hash("+31687654322")]
    with db.unit_of_work() as s:  # read back through the models: the text
        assert s.execute(sa.select(Client.name, Client.email)).one() == ("Hendrika Plantinga", "hendrika@voorbeeld.nl")
        assert s.scalar(sa.select(PhoneNumber.e164)) == "+31687654321"
        assert s.scalar(sa.select(CallAttempt.note)) == "Hendrika: na vijven"
        assert do_not_call.listed(s, ["+31687654321", "+31687654322"]) == {"+31687654322"}

    migrate.downgrade(db, "0009")
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT name, email FROM client")).one() == (
            "Hendrika Plantinga", "hendrika@voorbeeld.nl")
        assert conn.execute(sa.text("SELECT e164 FROM phone_number")).scalar() == "+31687654321"
        assert conn.execute(sa.text("SELECT note FROM call_attempt")).scalar() == "Hendrika: na vijven"
    migrate.upgrade(db, "0011")  # and up again: sealed again, the list still matches
    assert all(keys.is_sealed(v) for v in raw()[:4])
    with db.unit_of_work() as s:
        assert do_not_call.listed(s, ["+31687654322"]) == {"+31687654322"}
    db.dispose()
