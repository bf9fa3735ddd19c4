from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from cati.calls.rules.outcomes import (
    DEFAULT_OUTCOMES_PATH,
    Finality,
    OutcomeTable,
    OutcomeTableError,
    load_outcome_table,
)

EXPECTED = {
    # code: (aapor, group, final)
    "COMPLETE": ("1.1", "I", Finality.CASE),
    "PARTIAL": ("1.2", "P", Finality.NO),
    "BREAKOFF": ("2.12", "R", Finality.CASE),
    "REFUSAL_SOFT": ("2.11", "R", Finality.NO),
    "REFUSAL_HARD": ("2.11", "R", Finality.CASE),
    "DO_NOT_CALL": ("2.11", "R", Finality.CASE),
    "APPOINTMENT": ("2.21", "NC", Finality.NO),
    "CALLBACK": ("2.21", "NC", Finality.NO),
    "NOT_PRESENT": ("2.21", "NC", Finality.NO),
    "VOICEMAIL": ("3.14", "UH", Finality.NO),
    "NO_ANSWER": ("3.13", "UH", Finality.NO),
    "BUSY": ("3.12", "UH", Finality.NO),
    "LINE_PROBLEM": ("3.16", "UH", Finality.NO),
    "LANGUAGE": ("2.332", "O", Finality.CASE),
    "UNABLE": ("2.32", "O", Finality.CASE),
    "DECEASED": ("2.31", "O", Finality.CASE),
    "WRONG_PERSON": ("4.41", "NE", Finality.NUMBER),
    "DISCONNECTED": ("4.32", "NE", Finality.NUMBER),
    "FAX_DATA": ("4.20", "NE", Finality.NUMBER),
    "NOT_ELIGIBLE": ("4.70", "NE", Finality.CASE),
    "QUOTA_FULL": ("4.80", "NE", Finality.CASE),
    "DESK_LOST": ("3.16", "UH", Finality.NO),  # system: a desk that stopped holding the case
    "MAX_ATTEMPTS": ("3.90", "UO", Finality.CASE),
}


def raw_table() -> dict[str, Any]:
    with DEFAULT_OUTCOMES_PATH.open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


def with_change(code: str, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(raw_table())
    for item in data["outcomes"]:
        if item["code"] == code:
            for key, value in changes.items():
                if value is None:
                    item.pop(key, None)
                else:
                    item[key] = value
    return data


def test_shipped_table_matches_dispositions(outcomes: OutcomeTable) -> None:
    assert {o.code: (o.aapor, o.group, o.final) for o in outcomes} == EXPECTED


def test_system_only_codes_are_not_selectable(outcomes: OutcomeTable) -> None:
    assert {o.code for o in outcomes.system_only()} == {"QUOTA_FULL", "MAX_ATTEMPTS", "DESK_LOST"}
    selectable = outcomes.selectable()
    assert len(selectable) == 20
    assert selectable[0].code == "COMPLETE"
    keys = [o.key or 0 for o in selectable]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)


def test_labels_in_dutch_and_english(outcomes: OutcomeTable) -> None:
    assert outcomes.get("NO_ANSWER").label_nl == "Geen gehoor"
    assert outcomes.get("NO_ANSWER").label_en == "No answer"


def test_max_attempts_code_depends_on_contact(outcomes: OutcomeTable) -> None:
    assert outcomes.aapor_for("MAX_ATTEMPTS", contacted_ever=False) == ("3.90", "UO")
    assert outcomes.aapor_for("MAX_ATTEMPTS", contacted_ever=True) == ("2.30", "O")
    assert outcomes.aapor_for("BUSY", contacted_ever=True) == ("3.12", "UH")


def test_groups_and_lookup(outcomes: OutcomeTable) -> None:
    assert set(outcomes.groups()["NE"]) == {"WRONG_PERSON", "DISCONNECTED", "FAX_DATA", "NOT_ELIGIBLE", "QUOTA_FULL"}
    assert [o.code for o in outcomes.in_group("P")] == ["PARTIAL"]
    with pytest.raises(KeyError):
        outcomes.get("NOPE")


def test_retry_rules(outcomes: OutcomeTable) -> None:
    soft = outcomes.get("REFUSAL_SOFT").retry
    assert soft is not None and soft.delay_days == 7 and soft.max_retries == 1
    assert soft.exhausted_as == "REFUSAL_HARD"
    busy = outcomes.get("BUSY").retry
    assert busy is not None and busy.delay_minutes == 15 and not busy.other_day_part
    na = outcomes.get("NO_ANSWER").retry
    assert na is not None and na.delay_minutes == 180 and na.other_day_part


def test_contact_flags(outcomes: OutcomeTable) -> None:
    assert outcomes.get("NOT_PRESENT").contact
    assert not outcomes.get("NO_ANSWER").contact
    assert not outcomes.get("VOICEMAIL").contact


def test_load_from_mapping_equals_load_from_path() -> None:
    assert load_outcome_table(raw_table()) == load_outcome_table(DEFAULT_OUTCOMES_PATH)


@pytest.mark.parametrize(
    ("code", "changes", "fragment"),
    [
        ("BUSY", {"aapor": 3.12}, "outcome BUSY: field 'aapor'"),
        ("BUSY", {"aapor": "2.11"}, "outcome BUSY: field 'aapor' 2.11 is a 2.x code"),
        ("BUSY", {"group": "XX"}, "outcome BUSY: field 'group'"),
        ("BUSY", {"final": "maybe"}, "outcome BUSY: field 'final'"),
        ("BUSY", {"retry": None}, "outcome BUSY: field 'retry' is required"),
        ("COMPLETE", {"retry": {"delay_minutes": 5}}, "outcome COMPLETE: field 'retry' is only allowed"),
        ("BUSY", {"retry": {"delay_minutes": -1}}, "outcome BUSY: field 'retry.delay_minutes'"),
        ("BUSY", {"retry": {"delay_hours": 1}}, "outcome BUSY: field 'retry.delay_hours'"),
        ("BUSY", {"key": 1}, "outcome BUSY: field 'key' 1 is already used by COMPLETE"),
        ("BUSY", {"label_nl": None}, "outcome BUSY: field 'label_nl' is missing"),
        ("BUSY", {"contact": "ja"}, "outcome BUSY: field 'contact'"),
        ("BUSY", {"colour": "red"}, "outcome BUSY: field 'colour' is not a known field"),
        ("REFUSAL_SOFT", {"retry": {"delay_days": 7, "max_retries": 1, "exhausted_as": "BUSY"}},
         "outcome REFUSAL_SOFT: field 'retry.exhausted_as' BUSY must be a final outcome"),
        ("MAX_ATTEMPTS", {"group_if_contacted": None}, "outcome MAX_ATTEMPTS: field 'aapor_if_contacted'"),
        ("LANGUAGE", {"route": "elsewhere"}, "outcome LANGUAGE: field 'route' must be one of language"),
        ("BUSY", {"route": "language"}, "outcome BUSY: field 'route' must be one of language, on a final outcome"),
    ],
)
def test_invalid_tables_name_code_and_field(code: str, changes: dict[str, Any], fragment: str) -> None:
    with pytest.raises(OutcomeTableError) as info:
        load_outcome_table(with_change(code, **changes))
    assert fragment in str(info.value)


def test_duplicate_and_missing_codes() -> None:
    data = raw_table()
    data["outcomes"].append(dict(data["outcomes"][0], key=99))
    with pytest.raises(OutcomeTableError, match="outcome COMPLETE: field 'code' occurs more than once"):
        load_outcome_table(data)
    data = raw_table()
    data["outcomes"] = [o for o in data["outcomes"] if o["code"] != "QUOTA_FULL"]
    with pytest.raises(OutcomeTableError, match="QUOTA_FULL"):
        load_outcome_table(data)


def test_a_number_on_the_do_not_call_list_carries_the_outcome_code() -> None:
    from cati.calls.rules.outcomes import DO_NOT_CALL
    from cati.sample.rules.phones import NUMBER_DO_NOT_CALL

    assert NUMBER_DO_NOT_CALL == DO_NOT_CALL
