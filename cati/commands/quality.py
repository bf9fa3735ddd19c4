"""``cati review``: interview quality control from the shell: the flagged interviews with their reasons,
the interviewers' standing among colleagues, one interview read-only, and the decisions (accept, void,
back-check)."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from datetime import date
from typing import Any

from cati.commands.common import CommandError, login, open_services, print_json, print_table
from cati.core.localtime import format_local
from cati.supervision.rules.quality_charts import bin_label
from cati.supervision.rules.quality_flags import FLAG_LABELS, FlagCode
from cati.supervision.rules.quality_text import duration_text
from cati.supervision.service.quality_results import (
    QualityError,
    ReviewDecision,
    ReviewedInterview,
    ReviewItem,
    ReviewList,
)

STATUS_NL = {"open": "open", "backcheck_pending": "nacontrole loopt", "backcheck_done": "nacontrole gedaan",
             "accepted": "geaccepteerd", "unflagged": "geen signaal"}
DECISION_NL = {"accept": "geaccepteerd", "void": "ongeldig gemaakt", "backcheck": "nacontrole ingepland"}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("review", help="kwaliteitscontrole: interviews met signalen, interviewers naast collega's, "
                                      "beslissingen (rol supervisor)")
    p.add_argument("provider", nargs="?", metavar="AANBIEDER", help="alleen deze aanbieder (naam of id)")
    p.add_argument("--interviewer", metavar="GEBRUIKER", help="alleen interviews van deze interviewer")
    p.add_argument("--flag", choices=[f.value for f in FlagCode], help="alleen interviews met dit signaal")
    p.add_argument("--from", dest="first", metavar="JJJJ-MM-DD", help="afgerond vanaf deze dag")
    p.add_argument("--to", dest="last", metavar="JJJJ-MM-DD", help="afgerond tot en met deze dag")
    p.add_argument("--all", action="store_true", help="ook interviews die al geaccepteerd zijn")
    actions = p.add_mutually_exclusive_group()
    actions.add_argument("--show", type=int, metavar="INTERVIEW", help="één interview: elk antwoord met de tijd op "
                         "het scherm en de wijzigingen, de signalen en de beoordeling")
    actions.add_argument("--accept", type=int, metavar="INTERVIEW", help="accepteren: de signalen vervallen (--note)")
    actions.add_argument("--void", type=int, metavar="INTERVIEW", help="ongeldig maken, met correctie op de nota "
                         "als die al gesloten is (--note)")
    actions.add_argument("--backcheck", type=int, metavar="INTERVIEW", help="nacontrole: een kort controlegesprek "
                         "in de belrij, voor een andere interviewer")
    p.add_argument("--note", default="", help="toelichting bij de beslissing (nodig bij --accept en --void)")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=run_review)


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"'{text}' is geen datum (JJJJ-MM-DD).") from None


def run_review(args: argparse.Namespace) -> int:
    services = open_services(args)
    actor = login(args, services)
    quality = services.quality
    try:
        if args.show is not None:
            shown = quality.interview(actor, args.show)
            if args.format == "json":
                print_json(interview_json(shown))
            else:
                _print_interview(shown)
            return 0
        decided: ReviewDecision | None = None
        if args.accept is not None:
            decided = quality.accept(actor, args.accept, args.note)
        elif args.void is not None:
            decided = quality.void(actor, args.void, args.note)
        elif args.backcheck is not None:
            decided = quality.backcheck(actor, args.backcheck, args.note)
        if decided is not None:
            if args.format == "json":
                print_json(decided)
            else:
                target = args.accept or args.void or args.backcheck
                extra = f" ({decided.backcheck.summary}, zaak {decided.backcheck.case_id})" if decided.backcheck else ""
                print(f"Interview {target}: {DECISION_NL[decided.decision]}{extra}.")
            return 0
        listed = quality.review_list(actor, args.provider, interviewer=args.interviewer, flag=args.flag,
                                     first=_day(args.first), last=_day(args.last), decided=args.all)
    except QualityError as e:
        raise CommandError(str(e)) from None
    if args.format == "json":
        print_json(list_json(listed))
    else:
        _print_list(listed)
    return 0


# ---------------------------------------------------------------- JSON


def _item_json(item: ReviewItem) -> dict[str, Any]:
    return {
        "interview_id": item.interview_id, "case_id": item.case_id, "provider": item.provider,
        "form": item.form_id, "interviewer": item.interviewer, "interviewer_id": item.interviewer_id,
        "completed_at": item.completed_at, "seconds": round(item.length_seconds, 1), "paradata": item.has_paradata,
        "status": item.status, "flagged_by": list(item.flagged_by),
        "flags": [{"code": f.code.value, "label": f.label, "reason": f.reason, "figures": dict(f.figures),
                   "by": list(f.by)} for f in item.flags],
        "decision": asdict(item.decision) if item.decision else None,
    }


def list_json(listed: ReviewList) -> dict[str, Any]:
    """The review list as ``cati review --format json`` prints it."""
    return {
        "selection": {"interviews": listed.interviews, "flagged": listed.flagged},
        "settings": asdict(listed.settings),
        "interviews": [_item_json(it) for it in listed.items],
        "interviewers": [
            {"interviewer": st.interviewer, "interviewer_id": st.interviewer_id, "form": st.form_id,
             "figures": {**asdict(st.figures), "contact_rate": st.figures.contact_rate,
                         "refusal_rate": st.figures.refusal_rate},
             "measures": [asdict(m) for m in st.standings],
             "far": [m.measure for m in st.far],
             "length_minutes": {bin_label(listed.length_bins, i): {"share": round(s, 3), "colleagues": list(b)}
                                for i, (s, b) in enumerate(zip(st.length_shares, st.length_band, strict=True))},
             "seconds_per_question": {bin_label(listed.seconds_bins, i): {"share": round(s, 3), "colleagues": list(b)}
                                      for i, (s, b) in enumerate(zip(st.seconds_shares, st.seconds_band,
                                                                     strict=True))}}
            for st in listed.standing
        ],
    }


def interview_json(shown: ReviewedInterview) -> dict[str, Any]:
    return {**_item_json(shown.item), "form_title": shown.form_title, "grade": shown.grade,
            "answers": [asdict(line) for line in shown.lines], "history": [asdict(d) for d in shown.history]}


# ---------------------------------------------------------------- tables


def _who(item: ReviewItem) -> str:
    """The interviewer, and whose work raised the flags when that was (also) a colleague's."""
    others = [n for n in item.flagged_by if n != item.interviewer]
    return item.interviewer + (f" (signaal: {', '.join(others)})" if others else "")


def _flags_text(item: ReviewItem) -> str:
    return ", ".join(FLAG_LABELS[f.code].lower() for f in item.flags) or "—"


def _print_list(listed: ReviewList) -> None:
    print(f"{listed.interviews} afgeronde interviews in de selectie, {listed.flagged} met een signaal.")
    if listed.items:
        print_table(
            ["Interview", "Aanbieder", "Interviewer", "Afgerond", "Duur", "Status", "Signalen"],
            [[it.interview_id, it.provider, _who(it), format_local(it.completed_at),
              duration_text(it.length_seconds), STATUS_NL.get(it.status, it.status), _flags_text(it)]
             for it in listed.items],
        )
        print()
        for it in listed.items:
            for f in it.flags:
                print(f"#{it.interview_id} {f.label}: {f.reason}")
            if it.decision is not None and it.decision.backcheck is not None:
                print(f"#{it.interview_id} nacontrole (zaak {it.decision.backcheck.case_id}): "
                      f"{it.decision.backcheck.summary}")
    else:
        print("Geen interviews te beoordelen.")
    if listed.standing:
        print()
        print("Interviewers naast hun collega's (zelfde vragenlijst, zelfde selectie)")
        print_table(
            ["Interviewer", "Vragenlijst", "Interviews", "Duur (min)", "Met signaal", "Weet niet", "Cijfer",
             "Contact", "Weigering", "Ver van de collega's"],
            [[st.interviewer, st.form_id, st.figures.interviews, _n(st.figures.minutes), _p(st.figures.flag_rate),
              _p(st.figures.dont_know_rate), _n(st.figures.mean_grade), _p(st.figures.contact_rate),
              _p(st.figures.refusal_rate), "; ".join(m.text for m in st.far) or "—"]
             for st in listed.standing],
        )


def _n(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",")


def _p(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def _print_interview(shown: ReviewedInterview) -> None:
    it = shown.item
    print(f"Interview {it.interview_id} ({shown.form_title}), {it.provider}, interviewer {it.interviewer}, "
          f"afgerond {format_local(it.completed_at)}, duur {duration_text(it.length_seconds)}; "
          f"status: {STATUS_NL.get(it.status, it.status)}")
    for f in it.flags:
        print(f"  {f.label}: {f.reason}")
    print()
    print_table(
        ["Vraag", "Antwoord", "Seconden", "Bezoeken", "Correcties", "Wijzigingen"],
        [[line.variable, line.answer, _n(line.seconds), line.visits or "", line.corrections or "",
          ("NA AFLOOP: " if line.after_end else "") + "; ".join(line.changes)] for line in shown.lines],
    )
    if shown.history:
        print()
        for d in shown.history:
            extra = f" — {d.backcheck.summary}" if d.backcheck else ""
            print(f"{format_local(d.decided_at)} {d.decided_by}: {DECISION_NL[d.decision]} ({d.note or 'geen toelichting'})"
                  f"{extra}")
