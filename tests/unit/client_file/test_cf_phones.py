from __future__ import annotations

import phonenumbers
import pytest

from cati.sample.rules.phones import Phone, PhoneProblem, format_national, parse_phone, parse_phone_cell


@pytest.mark.parametrize(("raw", "e164", "repair"), [
    ("0612345678", "+31612345678", None),
    ("06-12 34 56 78", "+31612345678", None),
    ("+31 (0)20 1234567", "+31201234567", None),
    ("0031612345678", "+31612345678", None),
    ("612345678.0", "+31612345678", "'.0'"),
    ("612345678,0", "+31612345678", "'.0'"),
    ("6.12345678E+08", "+31612345678", "wetenschappelijke notatie"),
    ("6,12345678E+08", "+31612345678", "wetenschappelijke notatie"),
    ("612345678", "+31612345678", "voorloopnul"),
    ("31612345678", "+31612345678", "landcode"),
    ("06 1234 5678 (moeder)", "+31612345678", None),
])
def test_single_numbers_and_exact_excel_repairs(raw: str, e164: str, repair: str | None) -> None:
    cell = parse_phone_cell(raw)
    assert [p.e164 for p in cell.phones] == [e164]
    assert not cell.problems
    if repair is None:
        assert cell.repairs == ()
    else:
        assert len(cell.repairs) == 1 and repair in cell.repairs[0].what


def test_numbers_stored_as_numbers_by_excel_are_repaired_and_reported() -> None:
    for value in (612345678, 612345678.0):
        cell = parse_phone_cell(value)
        assert [p.e164 for p in cell.phones] == ["+31612345678"]
        assert "voorloopnul" in cell.repairs[0].what
    assert parse_phone_cell(612345678.5).problems


def test_truncated_scientific_notation_is_not_guessed() -> None:
    cell = parse_phone_cell("6.12346E+08")
    assert cell.phones == ()
    assert "niet te herstellen" in cell.problems[0].reason


@pytest.mark.parametrize(("raw", "expected"), [
    ("0612345678 / 0201234567", ["+31612345678", "+31201234567"]),
    ("0612345678;0201234567", ["+31612345678", "+31201234567"]),
    ("0612345678, 0201234567", ["+31612345678", "+31201234567"]),
    ("0612345678 of 0201234567", ["+31612345678", "+31201234567"]),
    ("0612345678 OF 0201234567", ["+31612345678", "+31201234567"]),
    ("010/1234567", ["+31101234567"]),  # a slash inside one number is no split
])
def test_several_numbers_in_one_cell(raw: str, expected: list[str]) -> None:
    assert [p.e164 for p in parse_phone_cell(raw).phones] == expected


@pytest.mark.parametrize(("raw", "word"), [
    ("0900-1234567", "0900"), ("0906-123456", "0906"), ("0909-123456", "0909"),
    ("066-1234567", "066"), ("12345", "ongeldig"), ("0612", "ongeldig"), ("abc", "cijfers"),
    ("06123456789", "ongeldig"),
])
def test_never_dial_numbers_are_refused(raw: str, word: str) -> None:
    result, _ = parse_phone(raw)
    assert isinstance(result, PhoneProblem)
    assert word in result.reason


@pytest.mark.parametrize(("raw", "kind", "word"), [
    ("0800-123456", "toll_free", "0800"), ("084-1234567", "uan", "084"), ("087-1234567", "uan", "087"),
    ("088-1234567", "uan", "088"), ("14020", "uan", "14xxx"), ("085-1234567", "voip", "085"),
    ("091-1234567", "voip", "091"), ("+32 470 12 34 56", "foreign", "buitenlands"),
])
def test_doubtful_numbers_are_kept_with_a_flag(raw: str, kind: str, word: str) -> None:
    result, _ = parse_phone(raw)
    assert isinstance(result, Phone)
    assert result.kind == kind and result.doubtful and word in (result.flag or "")


def test_ordinary_numbers_carry_no_flag() -> None:
    for raw, kind in (("0612345678", "mobile"), ("0201234567", "fixed"), ("0101234567", "fixed")):
        result, _ = parse_phone(raw)
        assert isinstance(result, Phone) and result.kind == kind and result.flag is None


@pytest.mark.parametrize(("e164", "shown"), [
    ("+31612345678", "06 12345678"), ("+31101234567", "010 1234567"), ("+31201234567", "020 1234567"),
    ("+31581234567", "058 1234567"), ("+31800123456", "0800 123456"), ("+3114020", "14020"),
    ("+32470123456", "+32 470 12 34 56"),
])
def test_format_national(e164: str, shown: str) -> None:
    assert format_national(e164) == shown


def test_type_cache_agrees_with_phonenumbers() -> None:
    """The speed cache keys NL numbers on (first 6 digits, length): check it against the library."""
    for national in ("612345678", "201234567", "101234567", "581234567", "800123456", "8001234", "881234567",
                     "841234567", "851234567", "911234567", "970123456789", "14020", "140201", "301234567",
                     "311234567", "319123456", "671234567", "691234567", "123456789", "761234567"):
        num = phonenumbers.PhoneNumber(country_code=31, national_number=int(national))
        for _ in range(2):  # second call is served from the cache
            result, _ = parse_phone("+31" + national)
            assert isinstance(result, Phone) == (phonenumbers.is_valid_number(num)
                                                 and not national.startswith(("90", "66")))


@pytest.mark.parametrize(("cell", "numbers", "repair"), [
    ("tel: 06-12345678", ["+31612345678"], "voorvoegsel 'tel:' weggelaten"),
    ("Tel.: 020 1234567 toestel 12", ["+31201234567"], "toestel 12 weggelaten: vraag bij opnemen naar toestel 12"),
    ("020 1234567, ext. 5", ["+31201234567"], "toestel 5 weggelaten"),
    ("0201234567x12", ["+31201234567"], "toestel 12 weggelaten"),
    ("(020) 1234567 (toestel 3)", ["+31201234567"], "toestel 3 weggelaten"),
    ('="0612345678"', ["+31612345678"], "Excel-tekstformule"),
    ("020 1234567 ext. 5 / 06 12345678", ["+31201234567", "+31612345678"], "toestel 5 weggelaten"),
    ("06\u201112345678", ["+31612345678"], None),  # a non-breaking hyphen is a hyphen
    ("06\u202f1234\u202f5678", ["+31612345678"], None),
])
def test_notations_of_numbers(cell: str, numbers: list[str], repair: str | None) -> None:
    parsed = parse_phone_cell(cell)
    assert [p.e164 for p in parsed.phones] == numbers and parsed.problems == ()
    if repair is None:
        assert parsed.repairs == ()
    else:
        assert repair in parsed.repairs[0].what


def test_an_extension_alone_is_no_number() -> None:
    assert parse_phone_cell("toestel 4").phones == ()
