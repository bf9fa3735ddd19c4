"""Masking open answers (``cati.exports.rules.masking``): phone numbers, e-mail and the client's name."""

from __future__ import annotations

import csv

import pytest

from cati.exports.rules.masking import EMAIL, NAME, PHONE, LineMasker, mask_text, name_parts


@pytest.mark.parametrize("number", [
    "0612345678", "06-12345678", "06 1234 5678", "+31612345678", "+31 (0)6 12 34 56 78", "0031 6 12345678",
    "020-1234567", "(020) 123 45 67", "020.123.45.67", "+32 470 12 34 56", "06/12345678",
])
def test_phone_numbers_in_every_way_people_write_them(number: str) -> None:
    assert mask_text(f"bel {number} maar") == f"bel {PHONE} maar"


@pytest.mark.parametrize("text", ["een 8", "in 2021 en 2022", "1234 AB Utrecht", "om 10:30", "€ 1.250,00",
                                  "klantnummer 12345", "3 keer per week"])
def test_other_numbers_stay(text: str) -> None:
    assert mask_text(text) == text


@pytest.mark.parametrize("address", ["jan.de.vries@example.nl", "J.VRIES+cati@mail.example.com",
                                     "jan @ example . nl", "jan(at)example.nl"])
def test_e_mail_addresses(address: str) -> None:
    assert mask_text(f"mail {address}.") == f"mail {EMAIL}."


def test_the_clients_name_whole_and_in_parts_but_not_the_particles() -> None:
    parts = name_parts("Zoë van den Berg")
    assert parts[0] == "Zoë van den Berg" and set(parts) == {"Zoë van den Berg", "Zoë", "Berg"}
    assert mask_text("Ik ben zoë VAN DEN BERG, zeg maar Zoë; Berg is mijn achternaam", parts) == \
        f"Ik ben {NAME}, zeg maar {NAME}; {NAME} is mijn achternaam"
    assert mask_text("ik woon in Bergen op Zoom van de gemeente", parts) == "ik woon in Bergen op Zoom van de gemeente"
    assert name_parts("") == () and name_parts(None) == ()


def test_a_record_line_keeps_its_other_fields_and_its_quoting() -> None:
    masker = LineMasker((1, 3))
    line = '8,"Bel 06-12345678, graag","4.5","mail a@b.nl ""nu""",'
    masked = masker.mask(line, ())
    assert next(csv.reader([masked])) == ["8", f"Bel {PHONE}, graag", "4.5", f'mail {EMAIL} "nu"', ""]
    assert masker.mask("8,1,,2026-03-01", ()) == "8,1,,2026-03-01"  # no letters: nothing said
    assert masker.mask('8,"geen nummers hier",1', ()) == '8,"geen nummers hier",1'  # untouched: no rewrite
