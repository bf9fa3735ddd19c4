"""The audit trail is a hash chain: `cati audit verify` finds an updated, a deleted, a replaced and an
emptied trail. The tampering is done as the database owner would: with the append-only triggers
lifted (SQLite: dropped; PostgreSQL: disabled), straight in SQL, on both backends."""

from __future__ import annotations

import io
import json

import pytest
import sqlalchemy as sa
from case_data import PASSWORDS, users

from cati.accounts.rules.audit_chain import row_hash
from cati.cli import main
from cati.platform.models import AuditEvent


@pytest.fixture
def trail(services):  # type: ignore[no-untyped-def]
    """Some events: five logins and the users made."""
    u = users(services)
    for name in ("anna", "bram"):
        services.users.login(name, PASSWORDS[name])
    return services, u["admin"]


def _ids(services) -> list[int]:  # type: ignore[no-untyped-def]
    with services.db.engine.connect() as conn:
        return list(conn.execute(sa.text("SELECT id FROM audit_event ORDER BY id")).scalars())


def _as_owner(services, *statements: str) -> None:  # type: ignore[no-untyped-def]
    """Run SQL as the database owner, around the triggers that keep the trail append-only."""
    with services.db.engine.begin() as conn:
        if services.db.is_sqlite:
            for verb in ("update", "delete"):
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS audit_event_no_{verb}")
        else:
            conn.exec_driver_sql("ALTER TABLE audit_event DISABLE TRIGGER USER")
        for sql in statements:
            conn.exec_driver_sql(sql)


def test_an_intact_trail_and_appends_keep_it_intact(trail) -> None:  # type: ignore[no-untyped-def]
    services, admin = trail
    first = services.audit.verify(admin)
    assert first.ok and first.rows >= 10
    again = services.audit.verify(admin)  # the check itself is audited, and chained
    assert again.ok and again.rows == first.rows + 1


def test_the_database_refuses_updates_deletes_and_truncate(trail) -> None:  # type: ignore[no-untyped-def]
    services, _ = trail
    statements = ["UPDATE audit_event SET action = 'x'", "DELETE FROM audit_event"]
    if not services.db.is_sqlite:
        statements.append("TRUNCATE audit_event")
    for sql in statements:
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), services.db.engine.begin() as conn:
            conn.exec_driver_sql(sql)


def test_an_updated_row_is_found(trail) -> None:  # type: ignore[no-untyped-def]
    services, admin = trail
    victim = _ids(services)[3]
    _as_owner(services, f"UPDATE audit_event SET username = 'niemand' WHERE id = {victim}")
    result = services.audit.verify(admin)
    assert not result.ok and result.broken.row_id == victim and "inhoud" in result.broken.reason


def test_a_deleted_row_is_found(trail) -> None:  # type: ignore[no-untyped-def]
    services, admin = trail
    ids = _ids(services)
    _as_owner(services, f"DELETE FROM audit_event WHERE id = {ids[4]}")
    result = services.audit.verify(admin)
    assert not result.ok and result.broken.row_id == ids[5] and "ontbreekt" in result.broken.reason


def test_a_replaced_row_is_found(trail) -> None:  # type: ignore[no-untyped-def]
    """INSERT OR REPLACE (SQLite) / delete and insert again with the same id: another content with a hash
    made the same way for it (the owner can read the code): the next row's link no longer fits."""
    services, admin = trail
    ids = _ids(services)
    with services.db.engine.connect() as conn:
        row = dict(conn.execute(sa.select(AuditEvent).where(AuditEvent.id == ids[2])).mappings().one())
    row["action"] = "login_failed"
    row["row_hash"] = row_hash(row["prev_hash"], row["at"], row["user_id"], row["username"], row["action"],
                               row["object_type"], row["object_id"], row["detail"])
    _as_owner(services, f"DELETE FROM audit_event WHERE id = {ids[2]}")
    with services.db.engine.begin() as conn:
        conn.execute(sa.insert(AuditEvent).values(**row))
    result = services.audit.verify(admin)
    assert not result.ok and result.broken.row_id == ids[3] and "ontbreekt of is vervangen" in result.broken.reason


def test_an_emptied_trail_is_found_also_when_it_starts_again(trail) -> None:  # type: ignore[no-untyped-def]
    services, admin = trail
    _as_owner(services, "TRUNCATE audit_event" if not services.db.is_sqlite else "DELETE FROM audit_event")
    with services.db.engine.begin() as conn:  # the owner puts the triggers back
        if services.db.is_sqlite:
            conn.exec_driver_sql("CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
                                 "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END")
        else:
            conn.exec_driver_sql("ALTER TABLE audit_event ENABLE TRIGGER USER")
    result = services.audit.verify(admin)  # the check's own row starts a new chain
    assert not result.ok and "leeggemaakt" in result.broken.reason


def test_cati_audit_verify_exits_1_on_a_broken_trail(trail, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    services, _ = trail
    url = services.db.url
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORDS["admin"] + "\n"))
    assert main(["--db", url, "--user", "admin", "audit", "verify"]) == 0
    assert "in orde" in capsys.readouterr().out
    victim = _ids(services)[1]
    _as_owner(services, f"UPDATE audit_event SET username = 'iemand anders' WHERE id = {victim}")
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORDS["admin"] + "\n"))
    assert main(["--db", url, "--user", "admin", "audit", "verify", "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["intact"] is False and out["broken_at"] == victim
