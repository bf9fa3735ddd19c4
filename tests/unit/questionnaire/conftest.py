from __future__ import annotations

import pytest
from qn_helpers import FORMS_DIR

from cati.interviews.rules import Form, load_forms


@pytest.fixture(scope="session")
def forms() -> dict[str, Form]:
    return load_forms(FORMS_DIR)
