"""Client-file imports: 100,000 rows through ImportService (read, validate, store in one transaction)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

from bench import ROOT, Figure, bench

ROWS = 100_000


def _import_once(url: str, path: Path) -> float:
    from cati.accounts.rules.roles import Role
    from cati.container import build_services

    services = build_services(url)
    try:
        services.users.add_user(None, "bench", "bench-wachtwoord", {Role.ADMIN, Role.SUPERVISOR})
        actor = services.users.login("bench", "bench-wachtwoord")
        services.providers.add_provider(actor, "Bench", date(2021, 1, 1), date(2021, 12, 31), phone_option=True)
        t0 = time.perf_counter()
        summary = services.imports.import_file(actor, "Bench", path, write_rejects=False)
        elapsed = time.perf_counter() - t0
        assert summary.accepted == ROWS, summary.counts()
        return elapsed
    finally:
        services.db.dispose()


def _pg_schema_url(base: str) -> tuple[str, str]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    sep = "&" if "?" in base else "?"
    return schema, f"{base}{sep}options=-csearch_path%3D{schema}"


@bench
def import_100k(args: argparse.Namespace) -> list[Figure]:
    """100k-row client file: CSV on SQLite and PostgreSQL, XLSX on SQLite (wall time of import_file)."""
    sys.path.insert(0, str(ROOT / "tests" / "data"))
    from make_client_files import make_large_client_file

    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as tmp:
        csv_file = make_large_client_file(Path(tmp) / "groot.csv", ROWS)
        figures.append(Figure("import_100k_csv_sqlite", _import_once(f"sqlite:///{tmp}/csv.sqlite", csv_file),
                              "s", "<=10"))
        pg = os.environ.get("CATI_BENCH_PG_URL")
        if pg:
            import sqlalchemy as sa

            schema, url = _pg_schema_url(pg)
            admin = sa.create_engine(pg)
            with admin.begin() as conn:
                conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
            try:
                figures.append(Figure("import_100k_csv_postgresql", _import_once(url, csv_file), "s", "<=10"))
            finally:
                with admin.begin() as conn:
                    conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
                admin.dispose()
        xlsx_file = make_large_client_file(Path(tmp) / "groot.xlsx", ROWS)
        figures.append(Figure("import_100k_xlsx_sqlite", _import_once(f"sqlite:///{tmp}/xlsx.sqlite", xlsx_file),
                              "s", "<=10"))
    return figures
