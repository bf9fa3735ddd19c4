from __future__ import annotations

from datetime import date, datetime

import pytest

from cati.sample.rules.client_rows import (
    Accepted,
    ClientRecord,
    MeasurementPeriod,
    Rejection,
    validate_row,
)
from cati.sample.rules.client_values import RawValue
from cati.sample.rules.duplicates import find_duplicates


def row(**over: RawValue) -> dict[str, RawValue]:
    base: dict[str, RawValue] = {"klantnummer": "K1", "naam": "Anna de Vries", "telefoon": "0612345678",
                                 "telefoon2": None, "email": "anna@example.nl", "dienst": "5",
                                 "einddatum": "1-6-2021", "vragenlijst": None, "leerprofiel": None,
                                 "telefonisch": "nee"}
    base.update(over)
    return base


def ok(values: dict[str, RawValue], period: MeasurementPeriod, bought: bool = True) -> Accepted:
    result = validate_row(values, 14, period, bought)
    assert isinstance(result, Accepted), result
    return result


def rejected(values: dict[str, RawValue], period: MeasurementPeriod, bought: bool = True) -> Rejection:
    result = validate_row(values, 14, period, bought)
    assert isinstance(result, Rejection), result
    return result


def test_plain_row_is_accepted_without_warnings(period: MeasurementPeriod) -> None:
    res = ok(row(), period)
    rec = res.record
    assert (rec.client_number, rec.name, rec.phone_numbers, rec.service.number) == (
        "K1", "Anna de Vries", ("+31612345678",), 5)
    assert (rec.end_date, rec.variant, rec.queue, rec.phone_option) == (date(2021, 6, 1), "regular", "mail_post", False)
    assert res.warnings == ()


def test_date_outside_period_message_as_a_supervisor_reads_it(period: MeasurementPeriod) -> None:
    rej = rejected(row(einddatum="3-2-2020"), period)
    assert rej.message == "regel 14: einddatum 3-2-2020 ligt buiten de meetperiode 1-1-2021 t/m 31-12-2021"


@pytest.mark.parametrize(("value", "expected"), [
    ("1-1-2021", date(2021, 1, 1)), ("31-12-2021", date(2021, 12, 31)), ("05-03-2021", date(2021, 3, 5)),
    ("2021-03-05", date(2021, 3, 5)), ("5/3/2021", date(2021, 3, 5)), ("2021-03-05 00:00:00", date(2021, 3, 5)),
    (date(2021, 3, 5), date(2021, 3, 5)), (datetime(2021, 3, 5, 14, 30), date(2021, 3, 5)),
])
def test_date_formats(period: MeasurementPeriod, value: RawValue, expected: date) -> None:
    res = ok(row(einddatum=value), period)
    assert res.record.end_date == expected and res.warnings == ()


@pytest.mark.parametrize("value", [44300, 44300.0, "44300"])
def test_excel_serial_dates_are_read_and_reported(period: MeasurementPeriod, value: RawValue) -> None:
    res = ok(row(einddatum=value), period)
    assert res.record.end_date == date(2021, 4, 14)
    assert [str(w) for w in res.warnings] == ["regel 14: einddatum Excel-datumnummer 44300 gelezen als 14-4-2021"]


@pytest.mark.parametrize(("value", "word"), [
    (None, "ontbreekt"), ("", "ontbreekt"), ("31-2-2021", "bestaat niet"), ("gisteren", "geen datum"),
    ("1-6-21", "geen datum"), (12, "geen datum"), ("1-1-2022", "buiten"), ("31-12-2020", "buiten"),
])
def test_bad_dates_are_rejected(period: MeasurementPeriod, value: RawValue, word: str) -> None:
    assert word in rejected(row(einddatum=value), period).message


@pytest.mark.parametrize(("field", "word"), [("klantnummer", "klantnummer ontbreekt"), ("naam", "naam ontbreekt"),
                                             ("dienst", "dienst ontbreekt")])
def test_required_fields(period: MeasurementPeriod, field: str, word: str) -> None:
    assert word in rejected(row(**{field: "  "}), period).reasons


def test_all_reasons_are_collected(period: MeasurementPeriod) -> None:
    rej = rejected(row(klantnummer=None, naam=None, dienst="14", einddatum="1-1-2020"), period)
    assert len(rej.reasons) == 4


def test_service_12_is_refused(period: MeasurementPeriod) -> None:
    assert "vervallen" in rejected(row(dienst=12), period).message
    assert "vervallen" in rejected(row(dienst="Duurzame inzetbaarheid"), period).message


@pytest.mark.parametrize(("profile", "queue"), [(1, "inburgering"), ("2", "inburgering"), (3, "mail_post"),
                                                ("leerprofiel 2", "inburgering"), (4.0, "mail_post")])
def test_inburgering_queue_by_learning_profile(period: MeasurementPeriod, profile: RawValue, queue: str) -> None:
    rec = ok(row(dienst=11, leerprofiel=profile), period).record
    assert rec.queue == queue and isinstance(rec.learning_profile, int)


def test_learning_profile_required_and_checked_for_service_11(period: MeasurementPeriod) -> None:
    assert "leerprofiel ontbreekt" in rejected(row(dienst=11), period).message
    assert "geen geldig profiel" in rejected(row(dienst=11, leerprofiel="hoog"), period).message
    assert "geen geldig profiel" in rejected(row(dienst=11, leerprofiel=0), period).message
    # for other services a bad profile is only a warning: it has no effect
    assert ok(row(dienst=5, leerprofiel="hoog"), period).warnings


def test_phoned_clients_need_a_usable_number(period: MeasurementPeriod) -> None:
    assert "geen bruikbaar nummer" in rejected(row(telefoon=None, telefonisch="ja"), period).message
    assert "0900" in rejected(row(telefoon="0900-1234567", telefonisch="ja"), period).message
    assert "geen bruikbaar nummer" in rejected(row(telefoon=None, dienst=11, leerprofiel=1), period).message
    # mail/post clients need no phone; a never-dial number is dropped with a warning
    assert ok(row(telefoon=None), period).record.phones == ()
    res = ok(row(telefoon="0900-1234567"), period)
    assert res.record.phones == () and "niet overgenomen" in res.warnings[0].message


def test_second_number_saves_a_phoned_client(period: MeasurementPeriod) -> None:
    res = ok(row(telefoon="0900-1234567", telefoon2="0201234567", telefonisch="ja"), period)
    assert res.record.phone_numbers == ("+31201234567",) and res.record.queue == "purchased"
    assert len(res.warnings) == 1


def test_same_number_twice_for_one_client_kept_once(period: MeasurementPeriod) -> None:
    res = ok(row(telefoon="0612345678", telefoon2="06-12345678"), period)
    assert res.record.phone_numbers == ("+31612345678",) and "dubbel" in res.warnings[0].message


def test_phone_option_only_when_bought(period: MeasurementPeriod) -> None:
    bought = ok(row(telefonisch="ja"), period, bought=True)
    assert bought.record.queue == "purchased" and bought.record.phone_option and bought.warnings == ()
    not_bought = ok(row(telefonisch="Ja"), period, bought=False)
    assert not_bought.record.queue == "mail_post" and not not_bought.record.phone_option
    assert "niet ingekocht" in not_bought.warnings[0].message
    inb = ok(row(telefonisch="ja", dienst=11, leerprofiel=1), period, bought=False)
    assert inb.record.queue == "inburgering"
    assert ok(row(telefonisch="ja", dienst=11, leerprofiel=1), period, bought=True).record.queue == "purchased"


@pytest.mark.parametrize(("value", "expected"), [("ja", True), ("J", True), ("nee", False), ("", False),
                                                 (None, False), (True, True), ("1", True), ("0", False)])
def test_telefonisch_values(period: MeasurementPeriod, value: RawValue, expected: bool) -> None:
    assert ok(row(telefonisch=value), period).record.phone_option is expected


def test_telefonisch_unknown_is_rejected(period: MeasurementPeriod) -> None:
    assert "telefonisch 'misschien'" in rejected(row(telefonisch="misschien"), period).message


@pytest.mark.parametrize(("value", "variant"), [(None, "regular"), ("regulier", "regular"), ("Regulier", "regular"),
                                                ("laagdrempelig", "low_threshold"), ("Laag-drempelig", "low_threshold"),
                                                ("laag drempelig", "low_threshold"), ("LAAGDREMPELIG", "low_threshold")])
def test_questionnaire_variant(period: MeasurementPeriod, value: RawValue, variant: str) -> None:
    assert ok(row(vragenlijst=value), period).record.variant == variant


def test_unknown_variant_rejected(period: MeasurementPeriod) -> None:
    assert "vragenlijst 'moeilijk' onbekend" in rejected(row(vragenlijst="moeilijk"), period).message


@pytest.mark.parametrize(("email", "warned"), [("a@b.nl", False), (None, False), ("a(at)b.nl", True), ("a@b", True)])
def test_email_light_check_warns_but_keeps(period: MeasurementPeriod, email: str | None, warned: bool) -> None:
    res = ok(row(email=email), period)
    assert res.record.email == email and bool(res.warnings) is warned


def test_klantnummer_float_damage_repaired_with_warning(period: MeasurementPeriod) -> None:
    res = ok(row(klantnummer="1001.0"), period)
    assert res.record.client_number == "1001" and "1001.0" in res.warnings[0].message
    assert ok(row(klantnummer=1001), period).record.client_number == "1001"
    assert ok(row(klantnummer=1001), period).warnings == ()


def _rec(line: int, number: str, *phones: str, period: MeasurementPeriod) -> ClientRecord:
    res = validate_row(row(klantnummer=number, telefoon=" / ".join(phones) or None), line, period, False)
    assert isinstance(res, Accepted)
    return res.record


def test_duplicates_within_batch_first_stays(period: MeasurementPeriod) -> None:
    recs = [_rec(2, "A", "0612345601", period=period), _rec(3, "B", "0612345602", period=period),
            _rec(4, "a", "0612345603", period=period), _rec(5, "C", "0612345602", period=period),
            _rec(6, "D", "0612345604", period=period)]
    dups = find_duplicates(recs)
    assert [(d.line, d.first_line) for d in dups] == [(4, 2), (5, 3)]
    assert "klantnummer a staat al op regel 2" in dups[0].message
    assert "06 12345602 hoort al bij klant B (regel 3)" in dups[1].message


def test_duplicates_against_an_earlier_import(period: MeasurementPeriod) -> None:
    recs = [_rec(2, "A", "0612345601", period=period), _rec(3, "Z", "0612345699", period=period),
            _rec(4, "Y", "0612345698", period=period)]
    dups = find_duplicates(recs, known_client_numbers={"a"}, known_phones={"+31612345699": "X",
                                                                           "+31612345698": "Y"})
    assert [(d.line, d.first_line) for d in dups] == [(2, None), (3, None)]
    assert "eerder geïmporteerd" in dups[0].message and "eerder geïmporteerd" in dups[1].message


def test_a_duration_cell_as_end_date_is_rejected_not_a_crash() -> None:
    from datetime import timedelta

    from cati.sample.rules.client_values import parse_end_date

    assert parse_end_date(timedelta(hours=30)) == (None, None, "einddatum is geen datum")


def test_the_longest_values_fit_the_client_table_columns() -> None:
    """A value longer than its limit is rejected, never cut: the client number's limit is its column's;
    names and e-mail addresses are stored sealed, in columns without a length (``Sealed``)."""
    from cati.platform.models import Client
    from cati.platform.types import Sealed
    from cati.sample.rules.client_rows import MAX_LENGTHS

    assert Client.__table__.c["client_number"].type.length == MAX_LENGTHS["klantnummer"]
    for column in ("name", "email"):
        assert isinstance(Client.__table__.c[column].type, Sealed)
        assert Client.__table__.c[column].type.impl_instance.length is None


def test_a_value_longer_than_its_column_is_rejected_not_cut(period: MeasurementPeriod) -> None:
    from cati.sample.rules.client_rows import Rejection, validate_row

    row = {"klantnummer": "1" * 101, "naam": "N" * 301, "email": "e" * 290 + "@example.nl", "dienst": "5",
           "einddatum": "1-6-2021", "telefonisch": "nee"}
    out = validate_row(row, 7, period, True)
    assert isinstance(out, Rejection)
    assert out.reasons == ("klantnummer is 101 tekens lang; cati bewaart er hoogstens 100",
                           "naam is 301 tekens lang; cati bewaart er hoogstens 300",
                           "email is 301 tekens lang; cati bewaart er hoogstens 300")


def test_control_characters_are_removed_with_a_warning(period: MeasurementPeriod) -> None:
    from cati.sample.rules.client_rows import Accepted, validate_row

    row = {"klantnummer": "12\u200b3", "naam": "\x1b[1mJan\x1b[0m\x00 de\tVries\u202e", "dienst": "5",
           "einddatum": "1-6-2021", "telefoon": "0612345678\n0201234567", "telefonisch": "ja"}
    out = validate_row(row, 3, period, True)
    assert isinstance(out, Accepted)
    assert (out.record.client_number, out.record.name) == ("123", "Jan de Vries")
    assert out.record.phone_numbers == ("+31612345678", "+31201234567")  # a line break separates numbers there
    assert sorted(w.message.split(":")[0] for w in out.warnings) == ["klantnummer", "naam"]
