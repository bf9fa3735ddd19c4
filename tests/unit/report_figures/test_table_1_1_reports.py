"""Table 1.1 of the five reports, reproduced from their own counts.

Transcribed from /work/shared/seeds/*.txt ("tabel 1.1 Resultaten voor het keurmerk"): per row the
service number, net sample, completed, printed response % and printed publication verdict.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from cati.supervision.rules.report_figures import (
    FigureSettings,
    RecommendationCounts,
    ServiceInput,
    is_published,
    promoter_score,
    response_percentage,
    round1,
    table_1_1,
)

Row = tuple[int, int, str, bool]  # net sample, completed, printed response, printed "ja"
# report -> (service rows {service: Row}, total Row, commissioners Row or None)
REPORTS: dict[str, tuple[dict[int, Row], Row, Row | None]] = {
    "000 Nieuwe Sporen": (
        {
            3: (18, 1, "5.6", False),
            5: (13, 0, "0.0", False),
            6: (44, 12, "27.3", False),
            7: (1, 0, "0.0", False),
            9: (85, 28, "32.9", True),
            10: (22, 9, "40.9", True),
        },
        (183, 50, "27.3", True),
        (27, 0, "0.0", True),
    ),
    "001 JOP COACHING": (
        {5: (5, 1, "20.0", False), 9: (40, 20, "50.0", True), 10: (4, 1, "25.0", False)},
        (49, 22, "44.9", True),
        (1, 0, "0.0", True),
    ),
    "002 Interbeek Support": ({10: (32, 16, "50.0", True)}, (32, 16, "50.0", True), None),
    "003 Xs2more BV": ({8: (18, 12, "66.7", True)}, (18, 12, "66.7", True), (28, 14, "50.0", True)),
    "004 Ypsum": (
        {8: (1, 1, "100.0", True), 9: (58, 47, "81.0", True), 10: (2, 1, "50.0", True)},
        (61, 49, "80.3", True),
        (2, 1, "50.0", True),
    ),
}


@pytest.mark.parametrize("report", sorted(REPORTS))
def test_publication_and_response_match_the_printed_table(report: str) -> None:
    services, total, commissioners = REPORTS[report]
    inputs = [ServiceInput(s, net, done) for s, (net, done, _pct, _pub) in services.items()]
    comm = ServiceInput(None, *commissioners[:2]) if commissioners else None
    table = table_1_1(inputs, comm)

    got = {r.service: (r.net_sample, r.completed, str(r.response_pct), r.published) for r in table.services}
    assert got == services
    t = table.total
    assert (t.net_sample, t.completed, str(t.response_pct), t.published) == total
    c = table.commissioners
    assert c.published  # always, even with 0 completed
    if commissioners:
        assert (c.net_sample, c.completed, str(c.response_pct)) == commissioners[:3]


def test_nieuwe_sporen_service_6_versus_total() -> None:
    assert response_percentage(44, 12) == Decimal("27.3") and not is_published(44, 12)
    assert response_percentage(183, 50) == Decimal("27.3") and is_published(183, 50)


def test_publication_thresholds_are_settings_and_exact() -> None:
    assert is_published(10, 3)  # exactly 30%
    assert not is_published(100, 29)  # 29.0%
    assert is_published(1000, 50)  # 5%, but 50 completed
    by_pct_only = FigureSettings(publish_min_completed=10**9)
    assert response_percentage(10003, 3000) == Decimal("30.0")
    assert not is_published(10003, 3000, by_pct_only)  # 29.991% prints as 30.0 but is below 30
    assert not is_published(0, 0) and response_percentage(0, 0) is None
    strict = FigureSettings(publish_min_response_pct=Decimal(40), publish_min_completed=60)
    assert not is_published(85, 28, strict) and not is_published(183, 50, strict)
    assert is_published(22, 9, strict)


# Promoter scores printed in the five reports, with counts that fit their respondent counts:
# (recommended, advised against, neither) -> printed score
PROMOTER = [
    ((30, 9, 11), "42.0"),  # Nieuwe Sporen, 50 respondents: (30-9)/50 = 42.0
    ((13, 2, 7), "50.0"),  # JOP COACHING, 22: 11/22
    ((14, 0, 2), "87.5"),  # Interbeek Support, 16: 14/16
    ((5, 3, 4), "16.7"),  # Xs2more BV, 12: 2/12 = 16.67
    ((30, 9, 10), "42.9"),  # Ypsum, 49: 21/49 = 42.86
]


@pytest.mark.parametrize(("counts", "printed"), PROMOTER)
def test_promoter_scores_of_the_reports(counts: tuple[int, int, int], printed: str) -> None:
    rc = RecommendationCounts(*counts)
    assert promoter_score(rc) == Decimal(printed)
    # the printed figure pins down recommended - advised against for that respondent count
    n = rc.respondents
    fits = [d for d in range(-n, n + 1) if round1(Decimal(d * 100) / n) == Decimal(printed)]
    assert fits == [rc.recommended - rc.advised_against]


def test_promoter_score_edges() -> None:
    assert promoter_score(RecommendationCounts(0, 0, 0)) is None
    assert promoter_score(RecommendationCounts(0, 4, 0)) == Decimal("-100.0")
    assert promoter_score(RecommendationCounts(1, 0, 7)) == Decimal("12.5")
    with pytest.raises(ValueError):
        promoter_score(RecommendationCounts(-1, 0, 3))
