from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cati.sample.rules.client_rows import MeasurementPeriod

DATA = Path(__file__).resolve().parents[2] / "data" / "client_files"


@pytest.fixture
def period() -> MeasurementPeriod:
    return MeasurementPeriod(date(2021, 1, 1), date(2021, 12, 31))


@pytest.fixture
def data_dir() -> Path:
    return DATA
