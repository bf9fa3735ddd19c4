"""A pytest plugin for the suite benchmark (``scripts/benches/suite.py``): runs only the tests whose
function names are listed, one per line, in the file ``CATI_SUITE_NAMES`` names."""

from __future__ import annotations

import os

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    with open(os.environ["CATI_SUITE_NAMES"], encoding="utf-8") as f:
        names = {line.strip() for line in f if line.strip()}
    keep = [item for item in items if item.name.split("[")[0] in names]
    config.hook.pytest_deselected(items=[item for item in items if item.name.split("[")[0] not in names])
    items[:] = keep
