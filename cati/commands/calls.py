"""`cati queue` (queue summary, --explain) and `cati simulate` (worker processes on a test database)."""

from __future__ import annotations

import argparse

from cati.calls.service.calls import CallError
from cati.commands.common import CommandError, add_format, login, open_services, print_json, print_table


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("queue", help="belwachtrijen per aanbieder, of waarom een zaak (niet) gebeld wordt")
    p.add_argument("provider", nargs="?", help="aanbieder (naam of nummer); standaard alle")
    p.add_argument("--explain", metavar="CLIENTID", help="leg uit waarom deze cliënt (nummer of zaak-id) nu wel/niet gebeld wordt")
    p.add_argument("--provider", dest="provider_opt", metavar="P", help="aanbieder bij --explain")
    p.add_argument("--order", action="store_true",
                   help="de zaken die nu aan de beurt zijn, in de volgorde waarin ze worden aangeboden")
    p.add_argument("--queue", choices=["purchased", "inburgering"], help="alleen deze wachtrij (bij --order)")
    p.add_argument("--for", dest="for_user", metavar="GEBRUIKER",
                   help="de volgorde voor deze interviewer (eigen afspraken eerst); standaard voor iedereen")
    p.add_argument("--limit", type=int, default=50, metavar="N", help="hoogstens N zaken (standaard 50)")
    add_format(p)
    p.set_defaults(func=run_queue)

    p = sub.add_parser("simulate", help="interviewers simuleren met werkprocessen (alleen testdatabase)")
    p.add_argument("--provider", metavar="P", help="alleen de wachtrijen van deze aanbieder")
    p.add_argument("--workers", type=int, default=4, help="aantal werkprocessen (standaard 4)")
    p.add_argument("--seed", type=int, default=1)
    stop = p.add_mutually_exclusive_group()
    stop.add_argument("--completes", type=int, metavar="K", help="stop na K volledige interviews")
    stop.add_argument("--until-empty", action="store_true", help="stop als er niets meer te bellen is")
    p.add_argument("--respond-rate", type=float, default=0.3, help="kans dat iemand opneemt en meedoet (0-1)")
    p.add_argument("--duration", type=float, default=20.0, metavar="SECONDS", help="hoogstens zoveel seconden")
    add_format(p)
    p.set_defaults(func=run_simulate)


def _provider(services, actor, ref: str | None) -> int | None:  # type: ignore[no-untyped-def]
    if not ref:
        return None
    try:
        return int(services.calls.find_provider(actor, ref))
    except CallError as e:
        raise CommandError(str(e)) from None


def run_queue(args: argparse.Namespace) -> int:
    services = open_services(args)
    actor = login(args, services)
    if args.explain:
        provider_id = _provider(services, actor, args.provider_opt or args.provider)
        ref: int | str = args.explain
        try:
            found = services.calls.explain(actor, ref, provider_id)
        except CallError:
            if not str(ref).isdigit():
                raise CommandError(f"Geen zaak gevonden voor {ref}") from None
            found = services.calls.explain(actor, int(ref), provider_id)
        if args.format == "json":
            print_json(found)
            return 0
        for e in found:
            x = e.explanation
            when = f"; belbaar vanaf {x.next_callable_at.isoformat()}" if x.next_callable_at and not x.callable_now else ""
            print(f"zaak {e.case_id} ({e.provider_name}, {e.queue}, cliënt {e.client_number}): "
                  f"{'nu belbaar' if x.callable_now else 'nu niet belbaar'} - {x.code}: {x.reason_nl}{when}")
            print(f"  status {e.status}, {e.attempts} poging(en), laatste uitkomst {e.last_outcome or '-'}"
                  + (f", afgesloten met {e.final_outcome}" if e.final_outcome else ""))
        return 0
    if args.order:
        return _order(services, actor, args)
    rows = services.calls.queue_summary(actor, _provider(services, actor, args.provider))
    if args.format == "json":
        print_json([{**r.__dict__, "cap_text": r.cap_text} for r in rows])
        return 0
    print_table(
        ["aanbieder", "periode", "wachtrij", "zaken", "niet gebeld", "in behandeling of te hervatten", "afgesloten", "volledig"],
        [[r.provider_name, f"{r.period_start:%d-%m-%Y}..{r.period_end:%d-%m-%Y}", r.queue, r.cases, r.never_called,
          r.held_or_partial, r.final, r.cap_text] for r in rows],
    )
    return 0


def _order(services, actor, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    """``cati queue [P] --order``: what the next claims take, first line first."""
    from cati.core.localtime import format_local

    try:
        rows = services.calls.queue_order(actor, _provider(services, actor, args.provider), args.queue,
                                          for_user=args.for_user, limit=args.limit)
    except CallError as e:
        raise CommandError(str(e)) from None
    if args.format == "json":
        print_json(rows)
        return 0
    if not rows:
        print("Nu is er geen zaak aan de beurt (buiten de beltijden, of niets te bellen).")
        return 0
    print_table(
        ["#", "zaak", "aanbieder", "wachtrij", "soort", "pogingen", "aan de beurt sinds", "laatste poging",
         "voorbehouden aan", "taal"],
        [[r.position, r.case_id, r.provider_name, r.queue, r.tier, r.attempts, format_local(r.due_since),
          format_local(r.last_attempt_at), r.reserved_for or "", r.language or ""] for r in rows],
    )
    return 0


def run_simulate(args: argparse.Namespace) -> int:
    from cati.tools.simulate import SimulationError, simulate

    services = open_services(args)
    actor = login(args, services)
    if args.workers < 1 or args.workers > 64:
        raise CommandError("--workers moet tussen 1 en 64 liggen")
    if not 0 <= args.respond_rate <= 1:
        raise CommandError("--respond-rate moet tussen 0 en 1 liggen")
    provider_id = _provider(services, actor, args.provider)
    try:
        report = simulate(services, actor, provider_id=provider_id, workers=args.workers, seed=args.seed,
                          completes=args.completes, until_empty=args.until_empty, respond_rate=args.respond_rate,
                          duration=args.duration)
    except SimulationError as e:
        raise CommandError(str(e)) from None
    if args.format == "json":
        print_json(report)
        return 0 if report.ok else 1
    print(f"Simulatie: {report.workers} werkers, {report.seconds:.1f} s: {report.claims} claims, "
          f"{report.attempts} pogingen, {report.completes} volledig, {report.quota_waits} keer quotum bezet, "
          f"{report.lost} zaak/zaken kwijt (lease verlopen of quotum vol)")
    print_table(["aanbieder", "wachtrij", "claims", "pogingen", "volledig", "uitkomsten"],
                [[q.provider, q.queue, q.claims, q.attempts,
                  f"{q.completes}/{q.cap}" if q.cap is not None else q.completes,
                  ", ".join(f"{k} {v}" for k, v in sorted(q.outcomes.items(), key=lambda kv: -kv[1]))]
                 for q in report.queues])
    for error in report.errors:
        print(f"FOUT: {error}")
    if report.violations:
        for v in report.violations:
            print(f"SCHENDING: {v}")
    checks = "geen dubbele claims, geen quotum overschreden, elke poging heeft een uitkomst"
    print(f"Controles: {'in orde (' + checks + ')' if report.ok else 'MISLUKT'}")
    return 0 if report.ok else 1
