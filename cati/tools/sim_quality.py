"""What the quality control found after a `cati simulate --careless N` run: the share of the planted
careless interviewer's interviews flagged for their own work, the same share for the honest ones (the
issue's acceptance figure, at most 5 %), and who stands far from the colleagues."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from cati.accounts.rules.roles import Actor


@dataclass(frozen=True)
class CarelessCheck:
    """What the quality control (``QualityService.review_list``, every interview of the open periods)
    found after a run with a planted careless interviewer. An interview counts for its main interviewer
    (the one who worked most of its screens); *flagged* means a flag raised by that interviewer's own
    screens, *flagged_any* any flag (also one a colleague's screens raised in an interview they resumed)."""

    careless: str
    interviews: int  # the careless interviewer's
    flagged: int
    honest_interviews: int  # the other simulated interviewers'
    honest_flagged: int
    honest_flagged_any: int
    careless_far: tuple[str, ...]  # "client_regular: minutes, flag_rate"
    honest_far: tuple[str, ...]  # an honest interviewer far from the colleagues on length or flag rate
    found_share: float = 0.0  # flagged / interviews
    honest_share: float = 0.0  # honest_flagged / honest_interviews (the acceptance figure: <= 0.05)
    honest_share_any: float = 0.0


def careless_check(services: Any, actor: Actor, names: list[str], careless: str) -> CarelessCheck:
    """Ask the quality control about the simulated interviewers ``names``, ``careless`` among them."""
    listed = services.quality.review_list(actor, decided=True)
    ids = {st.interviewer: st.interviewer_id for st in listed.standing}
    done: Counter[str] = Counter()  # interviews per main interviewer
    for st in listed.standing:
        done[st.interviewer] += st.figures.interviews
    own: Counter[str] = Counter()
    any_flag: Counter[str] = Counter()
    for it in listed.items:
        if not it.flags or it.interviewer not in names:
            continue
        any_flag[it.interviewer] += 1
        if ids.get(it.interviewer) in {u for f in it.flags for u in f.by}:
            own[it.interviewer] += 1
    honest = [n for n in names if n != careless]
    watched = {"minutes", "flag_rate"}
    careless_far = tuple(f"{st.form_id}: {', '.join(s.measure for s in st.far)}" for st in listed.standing
                         if st.interviewer == careless and st.far)
    honest_far = tuple(f"{st.interviewer} {st.form_id}: {', '.join(s.measure for s in st.far)}"
                       for st in listed.standing
                       if st.interviewer in honest and watched & {s.measure for s in st.far})
    n_honest = sum(done[n] for n in honest)
    flagged_honest, any_honest = sum(own[n] for n in honest), sum(any_flag[n] for n in honest)
    return CarelessCheck(
        careless, done[careless], own[careless], n_honest, flagged_honest, any_honest, careless_far, honest_far,
        own[careless] / done[careless] if done[careless] else 0.0,
        flagged_honest / n_honest if n_honest else 0.0, any_honest / n_honest if n_honest else 0.0,
    )
