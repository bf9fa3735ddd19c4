from __future__ import annotations

import pytest

from cati.domain.outcomes import OutcomeTable, load_outcome_table
from cati.domain.scheduling_settings import SchedulerSettings


@pytest.fixture(scope="session")
def outcomes() -> OutcomeTable:
    return load_outcome_table()


@pytest.fixture(scope="session")
def settings() -> SchedulerSettings:
    return SchedulerSettings.load()
