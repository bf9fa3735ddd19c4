"""Hand-built interview sets for the progress, export and report tests, inserted with the models.

The call and interview services are built in parallel; these tests must not depend on them, so the
rows are written directly. :func:`build_scenario` makes the worked example the tests check by hand:

Werkpad Re-integratie, period 2026, queue purchased (13 cases, 14 clients):

==== ======= ================================== ======================= =============================
key  service case                               interview               answers (grade, aanbevolen)
==== ======= ================================== ======================= =============================
c1   5       final COMPLETE (anna, today)       complete 20 min         8, 1 (recommended)
c2   5       final COMPLETE (anna, today)       complete 25 min, low    6.5, 3 (neither)
c3   5       final COMPLETE (anna, today)       complete 20 min         4, 2 (advised against)
c4   5       final REFUSAL_HARD (bram) -> R
c5   5       final DISCONNECTED -> NE, unreachable
c6   5       new, never called
c7   7       final COMPLETE (bram, today)       complete 20 min         9, 1
c8   7       final COMPLETE (anna, yesterday)   complete 15 min         weet niet, weet niet (neither)
c9   7       final MAX_ATTEMPTS, no contact -> UO
c10  7       final MAX_ATTEMPTS, contacted -> O
c11  7       active, 2 attempts, held by anna, appointment due today
c12  7       (no case: invited by mail)
c13  7       final BREAKOFF (bram) -> R         breakoff (not exported)
c14  7       active; its complete was voided    complete, voided
==== ======= ================================== ======================= =============================

Taalhuis Inburgering, period 2026, queue inburgering (service 11): i1 complete grade 9 recommended,
i2 complete grade 1 advised against, i6 complete grade 9 refused the recommendation question,
i3 QUOTA_FULL (NE but stays in the net sample), i4 WRONG_PERSON (unreachable), i5 no case.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from cati.accounts.rules.roles import Actor, Role
from cati.container import Services
from cati.interviews.rules import Answer as A
from cati.interviews.rules.codec import answer_to_json
from cati.platform.contact import contact_sealer
from cati.platform.models import (
    Answer,
    Appointment,
    AuditEvent,
    CallAttempt,
    CallCase,
    Client,
    Interview,
    MeasurementPeriod,
    PhoneNumber,
    Provider,
)

TODAY = date(2026, 3, 2)
PERIOD = (date(2026, 1, 1), date(2026, 12, 31))
_keys = itertools.count(1)


def utc(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=UTC)


@dataclass
class People:
    admin: Actor
    supervisor: Actor
    finance: Actor
    anna: Actor
    bram: Actor


def make_users(services: Services) -> People:
    """admin, sanne (supervisor), femke (finance), anna and bram (interviewers); password welkom-NAME.

    Only admin logs in (a bootstrap needs it); the others are built as actors without a login, so
    no login event lands in the audit trail unless a test writes one."""
    services.users.add_user(None, "admin", "welkom-admin", {Role.ADMIN})
    admin = services.users.login("admin", "welkom-admin")
    rows = {}
    for name, role in (("sanne", Role.SUPERVISOR), ("femke", Role.FINANCE), ("anna", Role.INTERVIEWER),
                       ("bram", Role.INTERVIEWER)):
        row = services.users.add_user(admin, name, f"welkom-{name}", {role}, name.capitalize())
        rows[name] = Actor(row.id, name, frozenset({role}))
    return People(admin, rows["sanne"], rows["femke"], rows["anna"], rows["bram"])


def add_provider(s: Session, name: str, period: tuple[date, date] = PERIOD) -> tuple[int, int]:
    provider = Provider(name=name, phone_option=True, tariff_cents=4250)
    mp = MeasurementPeriod(provider=provider, start_date=period[0], end_date=period[1])
    s.add_all([provider, mp])
    s.flush()
    return provider.id, mp.id


def add_client(
    s: Session,
    period_id: int,
    *,
    service: int,
    name: str,
    phone: str | None = None,
    email: str | None = None,
    variant: str = "regular",
    profile: int | None = None,
) -> int:
    n = next(_keys)
    sealer = contact_sealer(s, period_id)
    client = Client(
        period_id=period_id, client_number=f"K{n:05d}", respondent_key=f"r{n:07d}x", name=sealer.text(name),
        email=sealer.text(email),
        service=service, end_date=date(2025, 11, 1) + timedelta(days=n), variant=variant, learning_profile=profile,
        phone_option=True,
    )
    if phone:
        client.phones.append(PhoneNumber(position=0, **sealer.number(phone), kind="mobile"))
    s.add(client)
    s.flush()
    return client.id


LAST_ATTEMPT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # the cases' last attempt, when they had one


def add_case(
    s: Session,
    client_id: int,
    period_id: int,
    queue: str = "purchased",
    *,
    status: str = "final",
    final: str | None = None,
    last: str | None = None,
    attempts: int = 1,
    contacted: bool = False,
    held_by: int | None = None,
    lease: datetime | None = None,
) -> int:
    case = CallCase(
        client_id=client_id, period_id=period_id, queue=queue, status=status, final_outcome=final,
        last_outcome=last or final, attempts=attempts, contacted=contacted, held_by=held_by, lease_expires_at=lease,
        last_attempt_at=LAST_ATTEMPT if attempts else None, next_call_at=None if status == "final" else LAST_ATTEMPT,
    )
    s.add(case)
    s.flush()
    return case.id


def add_attempt(s: Session, case_id: int, user_id: int, start: datetime, minutes: int, outcome: str) -> None:
    s.add(CallAttempt(case_id=case_id, user_id=user_id, started_at=start,
                      ended_at=start + timedelta(minutes=minutes), outcome=outcome))


def add_login(s: Session, actor: Actor, at: datetime) -> None:
    s.add(AuditEvent(at=at, user_id=actor.user_id, username=actor.username, action="login",
                     object_type="user", object_id=str(actor.user_id), detail="{}"))


def add_interview(
    s: Session,
    case_id: int,
    form_id: str,
    answers: dict[str, A],
    *,
    started: datetime,
    minutes: int,
    started_by: int,
    status: str = "complete",
    voided: bool = False,
    off_route: dict[str, A] | None = None,
) -> int:
    iv = Interview(
        case_id=case_id, form_id=form_id, form_version="1", status=status, started_at=started, started_by=started_by,
        completed_at=started + timedelta(minutes=minutes) if status == "complete" else None,
        voided_at=started + timedelta(days=1) if voided else None, voided_by=started_by if voided else None,
        void_reason="test" if voided else None,
    )
    s.add(iv)
    s.flush()
    for var, ans in answers.items():
        s.add(Answer(interview_id=iv.id, variable=var, value=answer_to_json(ans), on_route=True,
                     answered_at=started, user_id=started_by))
    for var, ans in (off_route or {}).items():
        s.add(Answer(interview_id=iv.id, variable=var, value=answer_to_json(ans), on_route=False,
                     answered_at=started, user_id=started_by))
    return iv.id


def client_answers(grade: A, recommended: A, **extra: A) -> dict[str, A]:
    """A short complete client interview (the export leaves unanswered columns empty)."""
    answers = {"intro": A.ack(), "identiteit": A.single(1), "toestemming": A.single(1),
               "rapportcijfer": grade, "aanbevolen": recommended, "aanleiding": A.single(1)}
    answers.update(extra)
    return answers


def inburgering_answers(grade: A, recommended: A) -> dict[str, A]:
    return {"identiteit": A.single(1), "toestemming": A.single(1), "cijfer_cursus": A.num(8),
            "examen": A.single(3), "aanbevolen": recommended, "rapportcijfer": grade}


@dataclass
class Scenario:
    people: People
    werkpad: int = 0
    werkpad_period: int = 0
    taalhuis: int = 0
    taalhuis_period: int = 0
    case: dict[str, int] = field(default_factory=dict)
    interview: dict[str, int] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)


def build_scenario(services: Services) -> Scenario:
    people = make_users(services)
    anna, bram = people.anna.user_id, people.bram.user_id
    yesterday = TODAY - timedelta(days=1)
    sc = Scenario(people)
    with services.db.unit_of_work() as s:
        sc.werkpad, wp = add_provider(s, "Werkpad Re-integratie")
        sc.taalhuis, tp = add_provider(s, "Taalhuis Inburgering")
        sc.werkpad_period, sc.taalhuis_period = wp, tp

        def client(key: str, period: int, service: int, **kw: object) -> int:
            name = f"Persoon {key.upper()} Achternaam"
            phone = f"+3161234{next(_keys):04d}"
            email = f"{key}.mail@voorbeeld.nl"
            sc.names.append(name)
            sc.phones.append(phone)
            sc.emails.append(email)
            return add_client(s, period, service=service, name=name, phone=phone, email=email, **kw)  # type: ignore[arg-type]

        cl = {k: client(k, wp, 5, variant="low_threshold" if k == "c2" else "regular")
              for k in ("c1", "c2", "c3", "c4", "c5", "c6")}
        cl.update({k: client(k, wp, 7) for k in ("c7", "c8", "c9", "c10", "c11", "c12", "c13", "c14")})
        c = sc.case
        for k in ("c1", "c2", "c3", "c7", "c8"):
            c[k] = add_case(s, cl[k], wp, final="COMPLETE", contacted=True)
        c["c4"] = add_case(s, cl["c4"], wp, final="REFUSAL_HARD", contacted=True)
        c["c5"] = add_case(s, cl["c5"], wp, final="DISCONNECTED", attempts=2)
        c["c6"] = add_case(s, cl["c6"], wp, status="new", attempts=0)
        c["c9"] = add_case(s, cl["c9"], wp, final="MAX_ATTEMPTS", last="NO_ANSWER", attempts=8)
        c["c10"] = add_case(s, cl["c10"], wp, final="MAX_ATTEMPTS", last="NOT_PRESENT", attempts=8, contacted=True)
        c["c11"] = add_case(s, cl["c11"], wp, status="active", last="NO_ANSWER", attempts=2, held_by=anna,
                            lease=utc(TODAY, 23))
        c["c13"] = add_case(s, cl["c13"], wp, final="BREAKOFF", contacted=True)
        c["c14"] = add_case(s, cl["c14"], wp, status="active", last="COMPLETE", attempts=1, contacted=True)
        # appointments: one open today (counts), one open tomorrow, one done today (do not)
        s.add_all([
            Appointment(case_id=c["c11"], kind="exact", due_at=utc(TODAY, 13), status="open"),
            Appointment(case_id=c["c11"], kind="exact", due_at=utc(TODAY + timedelta(days=1), 9), status="open"),
            Appointment(case_id=c["c9"], kind="exact", due_at=utc(TODAY, 9), status="done"),
        ])
        # logins and attempts (times UTC; Amsterdam is UTC+1 in March)
        add_login(s, people.anna, utc(TODAY, 8))
        add_login(s, people.anna, utc(TODAY, 12))
        add_login(s, people.anna, utc(yesterday, 8, 55))
        add_attempt(s, c["c1"], anna, utc(TODAY, 8, 10), 20, "COMPLETE")
        add_attempt(s, c["c11"], anna, utc(TODAY, 8, 40), 2, "NO_ANSWER")
        add_attempt(s, c["c2"], anna, utc(TODAY, 9), 25, "COMPLETE")
        add_attempt(s, c["c11"], anna, utc(TODAY, 12, 5), 1, "BUSY")
        add_attempt(s, c["c3"], anna, utc(TODAY, 12, 30), 20, "COMPLETE")
        add_attempt(s, c["c8"], anna, utc(yesterday, 9), 15, "COMPLETE")
        add_attempt(s, c["c4"], bram, utc(TODAY, 13), 2, "REFUSAL_HARD")
        add_attempt(s, c["c7"], bram, utc(TODAY, 13, 10), 20, "COMPLETE")
        add_attempt(s, c["c13"], bram, utc(TODAY, 13, 40), 5, "BREAKOFF")
        iv = sc.interview
        iv["c1"] = add_interview(
            s, c["c1"], "client_regular",
            client_answers(A.num(8), A.single(1), uitkering=A.multi([2, 7], "huurtoeslag"), tc_informatie=A.single(2),
                           opmerking=A.open("Prima geholpen"), contact_per_maand=A.num(3)),
            started=utc(TODAY, 8, 10), minutes=20, started_by=anna)
        iv["c2"] = add_interview(s, c["c2"], "client_low_threshold", client_answers(A.num("6.5"), A.single(3)),
                                 started=utc(TODAY, 9), minutes=25, started_by=anna)
        iv["c3"] = add_interview(s, c["c3"], "client_regular",
                                 client_answers(A.num(4), A.single(2), tc_informatie=A.refused()),
                                 started=utc(TODAY, 12, 30), minutes=20, started_by=anna,
                                 off_route={"onderzoek_soort": A.single(2)})
        iv["c7"] = add_interview(s, c["c7"], "client_regular", client_answers(A.num(9), A.single(1)),
                                 started=utc(TODAY, 13, 10), minutes=20, started_by=bram)
        iv["c8"] = add_interview(s, c["c8"], "client_regular", client_answers(A.dont_know(), A.dont_know()),
                                 started=utc(yesterday, 9), minutes=15, started_by=anna)
        iv["c13"] = add_interview(s, c["c13"], "client_regular", {"identiteit": A.single(1)},
                                  started=utc(TODAY, 13, 40), minutes=5, started_by=bram, status="breakoff")
        iv["c14"] = add_interview(s, c["c14"], "client_regular", client_answers(A.num(2), A.single(2)),
                                  started=utc(date(2026, 2, 27), 10), minutes=20, started_by=bram, voided=True)

        # Taalhuis, inburgering queue
        ti = {k: client(k, tp, 11, profile=1) for k in ("i1", "i2", "i3", "i4", "i6")}
        ti["i5"] = client("i5", tp, 11, profile=3)
        for k, grade, rec in (("i1", A.num(9), A.single(1)), ("i2", A.num(1), A.single(2)),
                              ("i6", A.num(9), A.refused())):
            c[k] = add_case(s, ti[k], tp, "inburgering", final="COMPLETE", contacted=True)
            started = utc(date(2026, 2, 20), 10 + len(iv) % 5)
            add_attempt(s, c[k], anna, started, 15, "COMPLETE")
            iv[k] = add_interview(s, c[k], "inburgering", inburgering_answers(grade, rec), started=started,
                                  minutes=15, started_by=anna)
        c["i3"] = add_case(s, ti["i3"], tp, "inburgering", final="QUOTA_FULL", attempts=0)
        c["i4"] = add_case(s, ti["i4"], tp, "inburgering", final="WRONG_PERSON")
    return sc


def detail(row: object) -> dict[str, object]:
    return json.loads(str(row))
