"""Dated settings: defaults, changes from a date on, history, type checks, audit, admin only."""

from __future__ import annotations

from datetime import date

import pytest

from cati.accounts.rules.roles import PermissionDenied, Role
from cati.accounts.service.settings import SettingError


def test_dated_settings(services) -> None:  # type: ignore[no-untyped-def]
    services.users.add_user(None, "beheer", "beheer-wachtwoord", {Role.ADMIN})
    admin = services.users.login("beheer", "beheer-wachtwoord")
    st = services.settings
    assert st.get("billing.subsidy_share") == "0.50"
    assert st.get("queue.inburgering.cap") == 25
    st.set(admin, "billing.subsidy_share", "0.40", date(2026, 7, 1))
    assert st.get("billing.subsidy_share", date(2026, 6, 30)) == "0.50"
    assert st.get("billing.subsidy_share", date(2026, 7, 1)) == "0.40"
    assert [v.value for v in st.all_history("billing.subsidy_share")] == ["0.50", "0.40"]
    with pytest.raises(SettingError):
        st.set(admin, "queue.inburgering.cap", "veel")
    with pytest.raises(SettingError):
        st.set(admin, "billing.subsidy_share", "half")
    with pytest.raises(SettingError):
        st.set(admin, "no.such.setting", 1)
    services.users.add_user(admin, "femke", "femke-wachtwoord", {Role.FINANCE})
    with pytest.raises(PermissionDenied):
        st.set(services.users.login("femke", "femke-wachtwoord"), "billing.subsidy_share", "0.60")
    events = services.audit.events(admin, action="setting_change")
    assert [e.object_id for e in events] == ["billing.subsidy_share"]
    assert events[0].detail["new"] == '"0.40"'
