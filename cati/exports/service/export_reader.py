"""Reading an export's answers: the on-route answers of many interviews, in batches, straight from the
DB-API cursor, decoded into the export's form columns (used by ``export_table.py``).

* Read in batches of interviews (exact progress; one plain query on the answer index per batch,
  on both backends), straight from the DB-API cursor: no ORM, no Row objects.
* One row per interview: its answers joined in the database as ``variable US value`` pairs
  separated by RS (ASCII unit and record separators), half the Python objects of a row per
  answer. Stored values are ``json.dumps`` text, which never holds a raw control character;
  still, the answer count comes along and an interview whose pairs do not add up is read
  again answer by answer. (A value is split from its variable at the first US: variable
  names are identifiers.)
* Answers repeat a lot (``code 1``): each distinct (form, variable, value) is decoded once,
  into the (column list, value) pairs it fills.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Integer, any_, bindparam, func, literal, select
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement, ColumnElement

from cati.exports.io.table import ExportCancelled
from cati.interviews.rules import ExportColumn, Form, QType, export_columns
from cati.interviews.rules.codec import answer_from_json
from cati.interviews.rules.export import column_value
from cati.interviews.rules.record import csv_line
from cati.platform.models import Answer

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]
Extractor = tuple[str, ExportColumn]

UNIT_SEP, RECORD_SEP = "\x1f", "\x1e"  # between variable and value; between answers


def extractors(form: Form) -> dict[str, list[Extractor]]:
    """Answer variable -> the columns it fills."""
    out: dict[str, list[Extractor]] = {}
    for col in export_columns(form):
        q = form.question(col.question_var)
        var = col.name if q.type is QType.GRID else q.var
        out.setdefault(var, []).append((col.name, col))
    return out


def read_answers(
    conn: Connection,
    ids: list[int],
    form_of: list[str],
    data: dict[str, list[Any]],
    form_ids: tuple[str, ...],
    all_forms: dict[str, Form],
    progress: Progress | None,
    cancel: Cancel | None,
    *,
    batch_size: int,
    fetch_size: int,
) -> None:
    """Fill the form columns: the on-route answers of the interviews ``ids`` (row i is ``ids[i]``),
    ``batch_size`` interviews per query, ``fetch_size`` rows per ``fetchmany`` (cancel is checked
    between them)."""
    n = len(ids)
    sinks = {
        f: {var: [(data[name], col) for name, col in targets] for var, targets in extractors(all_forms[f]).items()}
        for f in form_ids
    }
    memos: dict[str, dict[str, tuple[tuple[list[Any], Any], ...]]] = {f: {} for f in form_ids}
    memo_of = [memos[f] for f in form_of]
    index = {interview_id: i for i, interview_id in enumerate(ids)}

    def decode(i: int, variable: str, value: str) -> tuple[tuple[list[Any], Any], ...]:
        form_id = form_of[i]
        targets = sinks[form_id].get(variable)
        if not targets:
            return ()
        form = all_forms[form_id]
        answer = answer_from_json(value)
        return tuple((column, column_value(form, col, answer)) for column, col in targets)

    def check() -> None:
        if cancel is not None and cancel():
            raise ExportCancelled()

    order = sorted(ids)  # the order of the answer index
    pair = Answer.variable + literal(UNIT_SEP) + Answer.value
    for lo in range(0, n, batch_size):
        batch = order[lo : lo + batch_size]
        stmt = (
            select(Answer.interview_id, func.count(), func.aggregate_strings(pair, RECORD_SEP))
            .where(of_interviews(conn, batch), Answer.on_route.is_(True))
            .group_by(Answer.interview_id)
        )
        odd: list[int] = []
        with raw_cursor(conn, stmt) as cursor:
            while rows := cursor.fetchmany(fetch_size):
                check()
                for interview_id, count, joined in rows:
                    i = index[interview_id]
                    memo = memo_of[i]
                    pairs = joined.split(RECORD_SEP)
                    if len(pairs) != count:
                        odd.append(interview_id)
                        continue
                    for key in pairs:
                        out = memo.get(key)
                        if out is None:
                            variable, _, value = key.partition(UNIT_SEP)
                            out = memo[key] = decode(i, variable, value)
                        for column, v in out:
                            column[i] = v
        if odd:  # a separator inside a stored value: these interviews answer by answer
            one_by_one = select(Answer.interview_id, Answer.variable, Answer.value).where(
                of_interviews(conn, odd), Answer.on_route.is_(True)
            )
            with raw_cursor(conn, one_by_one) as cursor:
                while rows := cursor.fetchmany(fetch_size):
                    check()
                    for interview_id, variable, value in rows:
                        i = index[interview_id]
                        for column, v in decode(i, variable, value):
                            column[i] = v
        if progress:
            progress(lo + len(batch), 2 * n)


def answer_lines(
    conn: Connection,
    interviews: Sequence[tuple[int, str]],
    form_cols: Sequence[ExportColumn],
    form_ids: tuple[str, ...],
    all_forms: dict[str, Form],
    progress: Progress | None,
    cancel: Cancel | None,
    *,
    batch_size: int,
    fetch_size: int,
) -> list[str]:
    """The export records (:mod:`cati.interviews.rules.record` lines of ``form_cols``) of
    ``interviews`` ((interview id, form id) pairs), made from their on-route answers."""
    m = len(interviews)
    values: dict[str, list[Any]] = {c.name: [None] * m for c in form_cols}
    read_answers(conn, [i for i, _ in interviews], [f for _, f in interviews], values, form_ids, all_forms,
                 progress, cancel, batch_size=batch_size, fetch_size=fetch_size)
    columns = [values[c.name] for c in form_cols]
    return [csv_line(col[j] for col in columns) for j in range(m)]


def of_interviews(conn: Connection, ids: list[int]) -> ColumnElement[bool]:
    """``answer.interview_id IN ids``; on PostgreSQL ``= ANY(array)``: one parameter, not thousands."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY

        return Answer.interview_id == any_(bindparam("ids", ids, type_=ARRAY(Integer)))
    return Answer.interview_id.in_(ids)


@contextmanager
def raw_cursor(conn: Connection, stmt: ClauseElement) -> Iterator[Any]:
    """A DB-API cursor on the session's connection (same transaction) that has executed ``stmt``:
    plain tuples from ``fetchmany``, none of SQLAlchemy's per-row work. Only for statements whose
    parameters and result columns need no type processing (integers and text)."""
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    assert isinstance(compiled, SQLCompiler)
    params = compiled.params
    args: Any = tuple(params[k] for k in compiled.positiontup or ()) if compiled.positional else params
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(compiled.string, args)
        yield cursor
    finally:
        cursor.close()
