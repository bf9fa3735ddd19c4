"""The claim follows the call order's one description (``cati.calls.rules.order``), case by case.

Whole queues (every tier, more cases per tier than any claim batch, appointments for the asking
interviewer and for others, held and final cases, do-not-call numbers, capped queues with and
without room, cases that need a language, interviewers with and without languages) are claimed until
nobody can claim anything, on SQLite and PostgreSQL; before every claim the rules rank the whole
queue again for the asking interviewer, and the claim must take the case they rank first. The SQL
ranking of a whole queue (``cati queue --order``) must equal the rules' ranking too.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from case_data import add_queue, users
from claim_cases import Shape, asker, rules_ranking, speakers, states_of, whole_queue

from cati.calls.rules.order import RULES, Asker, Tier, is_due, priority_key, tier_of
from cati.platform.models import CallCase, Interview

# inside the calling hours (Amsterdam): a Monday morning, afternoon and evening, a Saturday
NOWS = (
    datetime(2026, 3, 2, 8, 0, tzinfo=UTC),
    datetime(2026, 3, 2, 11, 30, 15, 500_000, tzinfo=UTC),
    datetime(2026, 3, 2, 15, 59, tzinfo=UTC),
    datetime(2026, 3, 2, 19, 45, tzinfo=UTC),
    datetime(2026, 3, 7, 14, 0, tzinfo=UTC),
)


def _claim_all(services, actors, provider_id, queues, now, caps=None, queue=None):  # type: ignore[no-untyped-def]
    """Claim until no interviewer can claim anything, interviewers taking turns; every claim is
    compared with the rules' ranking of the whole queue for that interviewer (and their languages) at
    that moment. Returns the claimed ids."""
    claimed: list[int] = []
    idle = 0  # interviewers in a row who got nothing
    for i in range(10_000):
        actor = actors[i % len(actors)]
        services.calls.release_lost(force=True)  # what the claim does first: desks whose lease ran out
        expected = rules_ranking(services, queues, now, asker(actor), caps)
        if queue is not None:
            expected = [c for c in expected if states_of(services.db, [c], services.calls.scheduler)[c].queue == queue]
        card = services.calls.next_case(actor, provider_id, queue)
        got = card.case_id if card else None
        assert got == (expected[0] if expected else None), (i, actor.username, expected[:5])
        if card is None:
            idle += 1
            if idle == len(actors):
                return claimed
            continue
        idle = 0
        language = states_of(services.db, [card.case_id], services.calls.scheduler)[card.case_id].language
        assert language in (None, "nl") or language in actor.languages, (actor.username, language)
        claimed.append(card.case_id)
    raise AssertionError("the queue never ran empty")


def test_due_retries_go_by_fewest_attempts_then_longest_waiting(services, clock) -> None:  # type: ignore[no-untyped-def]
    """The issue's example: ten due retries of 5,5,4,4,3,3,2,2,1,1 attempts, the fewer attempts
    called later (so planned later too)."""
    u = users(services)
    q = add_queue(services.db, 10)
    attempts = [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    with services.db.engine.begin() as conn:
        for i, (cid, n) in enumerate(zip(q.case_ids, attempts, strict=True)):
            last = clock.now - timedelta(hours=10 - i)
            conn.execute(sa.update(CallCase).where(CallCase.id == cid).values(
                status="active", attempts=n, last_outcome="NO_ANSWER", last_attempt_at=last,
                next_call_at=last + timedelta(minutes=30)))
    claimed = _claim_all(services, [u["anna"]], q.provider_id, [q], clock.now)
    by_id = dict(zip(q.case_ids, attempts, strict=True))
    assert [by_id[c] for c in claimed] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert claimed == [q.case_ids[i] for i in (8, 9, 6, 7, 4, 5, 2, 3, 0, 1)]  # the longest waiting first


@pytest.mark.parametrize("seed", [1, 2])
def test_claims_of_whole_queues_follow_the_rules(services, clock, seed) -> None:  # type: ignore[no-untyped-def]
    u = speakers(services, users(services))
    actors = [u["anna"], u["bram"], u["cees"]]
    ids = [a.user_id for a in actors]
    languages: set[str | None] = set()
    never: set[str | None] = set()
    for k, now in enumerate(NOWS[seed - 1::2]):
        clock.now = now
        assert services.calls.scheduler.calendar.is_callable(now)
        q = whole_queue(services, ids, now, seed * 100 + k)
        # a second period of the same provider, with its own inburgering queue (capped: room for one more)
        inb = whole_queue(services, ids, now, seed * 100 + k + 50, Shape(new=3, retry=4, partial=1, exact=3,
                                                                          callback=2, final=1),
                          queue="inburgering", provider=q.provider_id)
        caps = {"purchased": None, "inburgering": 25}
        claimed = _claim_all(services, actors, q.provider_id, [q, inb], now, caps)
        tiers = {tier_of(st, now, services.calls.scheduler)
                 for st in states_of(services.db, claimed, services.calls.scheduler).values()}
        assert tiers == set(Tier), (now, tiers)  # every tier was claimed from
        assert len(claimed) == len(set(claimed)) > 20
        languages |= {st.language for st in states_of(services.db, claimed, services.calls.scheduler).values()}
        left = states_of(services.db, [c for c in q.case_ids + inb.case_ids if c not in claimed],
                         services.calls.scheduler)
        never |= {st.language for st in left.values() if is_due(st, now, Asker.anyone(), services.calls.scheduler)}
    assert {"ar", "en", "tr", "nl", None} <= languages and "so" not in languages
    assert "so" in never  # Somali cases due for anyone stay: none of these interviewers speaks it


def test_a_capped_queue_without_room_is_left_out(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = speakers(services, users(services))
    actors = [u["anna"], u["bram"]]
    ids = [a.user_id for a in actors]
    services.settings.set(u["admin"], "queue.inburgering.cap", 3, valid_from=date(2026, 1, 1))
    q = whole_queue(services, ids, clock.now, 7, Shape(new=3, retry=3, partial=1, exact=2, callback=1, final=0))
    inb = whole_queue(services, ids, clock.now, 8, Shape(new=4, retry=4, partial=2, exact=3, callback=2, final=3),
                      queue="inburgering", provider=q.provider_id)
    with services.db.engine.begin() as conn:  # two completes and one interview in progress: no room
        finals = [cid for cid in inb.case_ids
                  if conn.execute(sa.select(CallCase.status).where(CallCase.id == cid)).scalar() == "final"]
        conn.execute(sa.update(CallCase).where(CallCase.id.in_(finals[:2])).values(final_outcome="COMPLETE"))
        running = next(cid for cid in inb.case_ids if cid not in finals)
        conn.execute(sa.update(CallCase).where(CallCase.id == running).values(
            held_by=ids[0], lease_expires_at=clock.now + timedelta(minutes=20)))
        conn.execute(sa.insert(Interview).values(case_id=running, form_id="inburgering", form_version="1",
                                                 status="in_progress", started_at=clock.now))
    caps = {"purchased": None, "inburgering": 3}
    claimed = _claim_all(services, actors, q.provider_id, [q, inb], clock.now, caps)
    assert claimed and not set(claimed) & set(inb.case_ids)
    nxt = services.calls.claim_next(actors[0], q.provider_id, "inburgering")
    assert nxt.card is None and nxt.reason.code == "QUOTA_NO_ROOM"


def test_all_queues_of_all_providers(services, clock, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """"All my queues": every open period of every provider (more pairs than a few), one order; SQLite
    asks for the pairs in chunks (here of 3) and compares the chunks' winners by the same columns."""
    import cati.calls.store.claim_select as claim_select

    monkeypatch.setattr(claim_select, "PAIRS_PER_STATEMENT", 3)
    u = speakers(services, users(services))
    actors = [u["anna"], u["bram"]]
    ids = [a.user_id for a in actors]
    small = Shape(new=2, retry=3, partial=1, exact=2, callback=1, final=1)
    queues = [whole_queue(services, ids, clock.now, 30 + k, small) for k in range(4)]
    queues += [whole_queue(services, ids, clock.now, 40 + k, small, queue="inburgering") for k in range(3)]
    claimed = _claim_all(services, actors, None, queues, clock.now, {"inburgering": 25})
    assert len(claimed) > 20
    one_queue = _claim_all(services, actors, None, queues, clock.now, {"inburgering": 25}, queue="inburgering")
    assert one_queue == []  # the first run took them all


@pytest.mark.parametrize("seed", [3, 4])
def test_the_sql_ranking_of_a_whole_queue_equals_the_rules(services, clock, seed) -> None:  # type: ignore[no-untyped-def]
    """``CallService.queue_order`` (what ``cati queue --order`` shows) lists the due cases in the
    rules' order, with the rules' tiers; for an interviewer (and the languages they speak), its first
    line is what they claim next."""
    u = speakers(services, users(services))
    names = ("anna", "bram", "cees")
    ids = [u[n].user_id for n in names]
    settings = services.calls.scheduler
    for k, now in enumerate(NOWS):
        clock.now = now
        q = whole_queue(services, ids, now, seed * 10 + k)
        for name in (None, *names):
            user = None if name is None else asker(u[name])
            listed = services.calls.queue_order(u["sanne"], q.provider_id, for_user=name, limit=1000)
            expected = rules_ranking(services, [q], now, user)
            if user is None:  # appointments kept for their own interviewer are listed, marked as such
                listed = [row for row in listed if row.reserved_for is None]
            assert [row.case_id for row in listed] == expected, (now, name)
            states = states_of(services.db, expected, settings)
            for row in listed:
                st = states[row.case_id]
                assert row.tier == RULES[tier_of(st, now, settings)].label_nl
                assert row.attempts == st.attempts and row.due_since == st.next_call_at
                assert row.last_attempt_at == st.last_attempt_at and row.language == st.language
            assert [priority_key(states[c], now, user, settings) for c in expected] == sorted(
                priority_key(states[c], now, user, settings) for c in expected)
        # what the list shows first is what the next claim takes
        services.calls.release_lost(force=True)
        first = services.calls.queue_order(u["sanne"], q.provider_id, for_user="bram", limit=1)
        card = services.calls.next_case(u["bram"], q.provider_id)
        assert [r.case_id for r in first] == ([card.case_id] if card else [])


def test_the_order_reads_no_json(services, clock) -> None:  # type: ignore[no-untyped-def]
    """A broken JSON detail does not stop the claim: the order reads columns only."""
    u = users(services)
    q = add_queue(services.db, 3)
    with services.db.engine.begin() as conn:
        conn.execute(sa.update(CallCase).values(state="{niet leesbaar"))
    card = services.calls.next_case(u["anna"], q.provider_id)
    assert card is not None and card.case_id == q.case_ids[0]
    with services.db.engine.connect() as conn:
        state = conn.execute(sa.select(CallCase.state).where(CallCase.id == card.case_id)).scalar_one()
    assert json.loads(state) == {}  # rewritten readable by the claim
