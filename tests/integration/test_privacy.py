"""Retention: after purge, no purged client's name, number or e-mail is anywhere in the database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from cati.accounts.rules.roles import PermissionDenied, Role
from cati.platform.models import (
    Answer,
    Appointment,
    Base,
    CallAttempt,
    CallCase,
    Client,
    DoNotCall,
    Interview,
    MeasurementPeriod,
    PhoneNumber,
    Provider,
)
from cati.sample.service.privacy import PrivacyError
from cati.sample.store import dnc

P2021 = (date(2021, 1, 1), date(2021, 12, 31))
P2022 = (date(2022, 1, 1), date(2022, 12, 31))
PEOPLE_2021 = [
    ("K1", "Aleida Zwartkruis", "aleida@voorbeeld.nl", ["+31612345671", "+31201234567"]),
    ("K2", "Bartholomeus Quist", "b.quist@voorbeeld.nl", ["+31612345672"]),
]
PEOPLE_2022 = [("K9", "Cornelia Wijnberg", "cw@voorbeeld.nl", ["+31612345679"])]


def _people(services, admin):  # type: ignore[no-untyped-def]
    now = datetime(2022, 2, 1, 10, tzinfo=UTC)
    with services.db.unit_of_work() as s:
        prov = Provider(name="Werkpad", phone_option=True, tariff_cents=4250)
        s.add(prov)
        for (start, end), people in ((P2021, PEOPLE_2021), (P2022, PEOPLE_2022)):
            mp = MeasurementPeriod(provider=prov, start_date=start, end_date=end)
            s.add(mp)
            s.flush()
            for n, (number, name, email, phones) in enumerate(people):
                c = Client(period_id=mp.id, client_number=number, respondent_key=f"rk{start.year}{n}", name=name,
                           email=email, service=9, end_date=start + timedelta(days=40))
                c.phones = [PhoneNumber(position=i, e164=p, kind="mobile") for i, p in enumerate(phones)]
                s.add(c)
                s.flush()
                case = CallCase(client_id=c.id, period_id=mp.id, queue="purchased", status="final",
                                final_outcome="COMPLETE", attempts=1)
                s.add(case)
                s.flush()
                s.add(CallAttempt(case_id=case.id, phone_id=c.phones[0].id, user_id=admin.user_id, started_at=now,
                                  ended_at=now, outcome="APPOINTMENT", note=f"{name.split()[0]} vroeg terug te bellen"))
                s.add(Appointment(case_id=case.id, made_by=admin.user_id, kind="exact", due_at=now, status="done",
                                  note=f"bel {phones[0]} na vijven"))
                iv = Interview(case_id=case.id, form_id="client_regular", form_version="1", status="complete",
                               started_at=now, completed_at=now)
                s.add(iv)
                s.flush()
                s.add(Answer(interview_id=iv.id, variable="rapportcijfer", value='{"number": "8"}', answered_at=now))
        s.add(DoNotCall(e164="+31612345672", source="outcome"))


def _everything(services) -> str:  # type: ignore[no-untyped-def]
    chunks = []
    with services.db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(sa.select(table)):
                chunks.append(" ".join(str(v) for v in row))
    return "\n".join(chunks)


def _sensitive(people):  # type: ignore[no-untyped-def]
    out = []
    for _, name, email, phones in people:
        out += [name, *name.split(), email, *phones, *("0" + p[3:] for p in phones)]
    return out


@pytest.fixture
def admin(services):  # type: ignore[no-untyped-def]
    services.users.add_user(None, "beheer", "beheer-wachtwoord", {Role.ADMIN, Role.SUPERVISOR})
    return services.users.login("beheer", "beheer-wachtwoord")


def test_purge_leaves_no_trace_of_the_purged_clients(services, admin) -> None:  # type: ignore[no-untyped-def]
    _people(services, admin)
    before = _everything(services)
    for _, name, email, phones in PEOPLE_2021:
        for token in (name, email, *phones):
            assert token in before  # the search finds them before: the test can fail
    with pytest.raises(PrivacyError, match="sluit eerst"):
        services.privacy.purge(admin, "Werkpad", *P2021)
    services.privacy.close_period(admin, "Werkpad", *P2021)
    result = services.privacy.purge(admin, "Werkpad", *P2021)
    assert (result.clients, result.phone_numbers, result.notes_cleared, result.do_not_call_hashed) == (2, 3, 4, 1)

    after = _everything(services)
    leaks = [t for t in _sensitive(PEOPLE_2021) if t in after]
    assert leaks == []
    for _, name, email, phones in PEOPLE_2022:  # the other period is untouched
        for token in (name, email, *phones):
            assert token in after
    with services.db.unit_of_work() as s:
        # answers stay, keyed by the respondent key
        assert s.scalar(sa.select(sa.func.count()).select_from(Answer)) == 3
        assert set(s.scalars(sa.select(Client.respondent_key))) == {"rk20210", "rk20211", "rk20220"}
        # the opt-out still works though the number is no longer readable
        assert dnc.contains(s, ["+31612345672", "+31612345679"]) == {"+31612345672"}
    events = services.audit.events(admin, action="purge")
    assert len(events) == 1 and events[0].detail["clients"] == 2


def test_purge_refuses_while_cases_are_open(services, admin) -> None:  # type: ignore[no-untyped-def]
    _people(services, admin)
    with services.db.unit_of_work() as s:
        case = s.scalars(sa.select(CallCase).order_by(CallCase.id)).first()
        case.status, case.attempts = "active", max(case.attempts, 1)
        case.last_attempt_at = case.next_call_at = services.ctx.now()
    with pytest.raises(PrivacyError, match="1 open cases"):
        services.privacy.close_period(admin, "Werkpad", *P2021)
    with pytest.raises(PrivacyError, match="open cases"):
        services.privacy.purge(admin, "Werkpad", *P2021)
    with services.db.unit_of_work() as s:
        assert s.scalar(sa.select(Client.name).where(Client.client_number == "K1")) == "Aleida Zwartkruis"


def test_only_admins_purge(services, admin) -> None:  # type: ignore[no-untyped-def]
    _people(services, admin)
    services.users.add_user(admin, "sanne", "sanne-wachtwoord", {Role.SUPERVISOR})
    services.users.add_user(admin, "femke", "femke-wachtwoord", {Role.FINANCE})
    sanne = services.users.login("sanne", "sanne-wachtwoord")
    femke = services.users.login("femke", "femke-wachtwoord")
    services.privacy.close_period(sanne, "Werkpad", *P2021)  # supervisors end fieldwork
    for actor in (sanne, femke, None):
        with pytest.raises(PermissionDenied):
            services.privacy.purge(actor, "Werkpad", *P2021)
    with pytest.raises(PermissionDenied):
        services.privacy.close_period(femke, "Werkpad", *P2022)


def test_purge_cli(services, admin, db_url, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    import io

    from cati.cli import main

    _people(services, admin)
    monkeypatch.setattr("sys.stdin", io.StringIO("beheer-wachtwoord\n"))
    assert main(["--db", db_url, "--user", "beheer", "purge", "Werkpad", "--period", "2021-01-01..2021-12-31"]) == 2
    assert "sluit eerst" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("beheer-wachtwoord\n"))
    assert main(["--db", db_url, "--user", "beheer", "period", "close", "Werkpad", "--period",
                 "2021-01-01..2021-12-31"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("beheer-wachtwoord\n"))
    assert main(["--db", db_url, "--user", "beheer", "purge", "Werkpad", "--period", "2021-01-01..2021-12-31"]) == 0
    assert "2 cliënten" in capsys.readouterr().out
