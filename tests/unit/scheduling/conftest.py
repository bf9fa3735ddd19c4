from __future__ import annotations

import pytest

from cati.calls.rules.outcomes import OutcomeTable, load_outcome_table
from cati.calls.rules.scheduling_settings import SchedulerSettings


@pytest.fixture(scope="session")
def outcomes() -> OutcomeTable:
    return load_outcome_table()


@pytest.fixture(scope="session")
def settings() -> SchedulerSettings:
    return SchedulerSettings.load()
