"""Anonymous exports carry no identity in open answers: phone numbers, e-mail addresses and the
client's own name said during the interview are masked in every format (the codebook says so);
unmasked open answers are a supervisor's choice, in the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime

import pyreadstat
import pytest
import sqlalchemy as sa

from cati.accounts.rules.roles import PermissionDenied
from cati.interviews.rules import Answer as A
from cati.interviews.rules.codec import answer_to_json
from cati.platform.models import Answer, AuditEvent, CallCase, Client, Interview
from tests.integration.report_data import build_scenario


@pytest.fixture
def said(services, clock):  # type: ignore[no-untyped-def]
    """Werkpad's completes, whose respondents said their name, number and e-mail in open answers."""
    clock.now = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
    sc = build_scenario(services)
    told: list[str] = []
    with services.db.unit_of_work() as s:
        ivs = s.execute(sa.select(Interview.id, Client.name, Client.email).join(CallCase, CallCase.id == Interview.case_id)
                        .join(Client, Client.id == CallCase.client_id)
                        .where(Interview.status == "complete", CallCase.period_id == sc.werkpad_period)).all()
        for n, (iv, name, email) in enumerate(ivs):
            first, last = name.split()[1], name.split()[-1]
            number = f"06-4455{n:04d}"
            text = (f"Met {name}; bel me op {number} of ({n}) 020 - 612 34 5{n}, of +31 6 4455 {n:04d}, "
                    f"mail {email.upper()} of {first.lower()}@thuis.example. Groet, {last}")
            told += [name, first, last, number, number.replace("-", ""), f"+31644550{n:03d}"[:12], email.upper(),
                     email, f"{first.lower()}@thuis.example", f"020 - 612 34 5{n}"]
            s.execute(sa.delete(Answer).where(Answer.interview_id == iv, Answer.variable == "opmerking"))
            s.add(Answer(interview_id=iv, variable="opmerking", value=answer_to_json(A.open(text)), on_route=True,
                         answered_at=clock.now))
            s.flush()
            s.execute(sa.update(Answer).where(Answer.interview_id == iv, Answer.variable == "aanleiding")
                      .values(value=answer_to_json(A.single(6, other_text=f"Mijn naam is {name}, tel. {number}"))))
    return sc, [t for t in told if len(t) > 3]


def _everything(paths) -> str:  # type: ignore[no-untyped-def]
    """Every text in the files: CSV as text, XLSX cells, SPSS values and labels (read back)."""
    texts = []
    for p in paths:
        if p.suffix in (".sav", ".zsav"):
            frame, meta = pyreadstat.read_sav(str(p))
            texts += [frame.to_csv(), repr(meta.column_names_to_labels), repr(meta.variable_value_labels)]
        elif p.suffix == ".xlsx":
            from openpyxl import load_workbook

            wb = load_workbook(p, read_only=True)
            texts += [str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row]
        else:
            texts.append(p.read_text(encoding="utf-8-sig"))
    return "\n".join(texts)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "sav"])
def test_an_anonymous_export_holds_none_of_what_identifies(services, said, tmp_path, fmt) -> None:  # type: ignore[no-untyped-def]
    sc, told = said
    result = services.exports.export(sc.people.supervisor, tmp_path / f"werkpad.{fmt}", providers=["Werkpad"])
    assert result.rows == 5
    found = _everything(result.files)
    leaked = [t for t in told if t.lower() in found.lower()]
    assert leaked == []
    assert "[telefoonnummer]" in found and "[e-mail]" in found and "[naam]" in found
    assert "gemaskeerd" in found  # the codebook says what was masked
    assert "Mijn naam is [naam], tel. [telefoonnummer]" in found  # the "anders, namelijk" text too


def test_raw_open_answers_are_a_supervisors_audited_choice(services, said, tmp_path) -> None:  # type: ignore[no-untyped-def]
    sc, told = said
    with pytest.raises(PermissionDenied):
        services.exports.export(sc.people.finance, tmp_path / "f.csv", providers=["Werkpad"], open_answers="raw")
    result = services.exports.export(sc.people.supervisor, tmp_path / "raw.csv", providers=["Werkpad"],
                                     open_answers="raw")
    found = _everything(result.files)
    assert told[0] in found and "06-44550000" in found and "C1.MAIL@VOORBEELD.NL" in found  # as said
    assert "gemaskeerd" not in found
    with services.db.unit_of_work() as s:
        detail = s.scalars(sa.select(AuditEvent.detail).where(AuditEvent.action == "export")
                           .order_by(AuditEvent.id.desc())).first()
    assert '"open_answers": "raw"' in detail
