"""This desk's own settings: its dialer and its softphone (SIP account, audio device).

The settings in the database hold for every desk (``dialer.kind``, ``dialer.softphone_uri``,
``dialer.no_answer_seconds``); what belongs to one computer lives in a small YAML file on it:
``$CATI_DESK_SETTINGS``, else ``desk.yaml`` in the user's config directory
(``~/.config/cati/desk.yaml`` on Linux). Every key is optional::

    dialer.kind: softphone                 # this desk's dialer: manual | uri | softphone
    softphone.account: "<sip:desk07@pbx.bureau.nl>;auth_pass=geheim"
    softphone.audio_source: alsa,default   # the headset's microphone (a baresip audio device)
    softphone.audio_player: alsa,default   # the headset's earpiece
    softphone.control: ""                  # host:port: use the baresip already running there
    softphone.sip_listen: ""               # e.g. 0.0.0.0:5060; empty: baresip's default
    softphone.net_interface: ""
    softphone.binary: baresip
    softphone.module_path: ""              # empty: found (/usr/lib/baresip/modules, …)
    softphone.directory: ""                # baresip's config directory; empty: <user data dir>/baresip

The file may hold a SIP password: readable by the desk's user only (``chmod 600``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cati.telephony.io.baresip import BaresipConfig
from cati.telephony.io.softphone import SoftphoneSettings

ENV = "CATI_DESK_SETTINGS"
KINDS = ("manual", "uri", "softphone")
KEYS = ("dialer.kind", "softphone.account", "softphone.audio_source", "softphone.audio_player",
        "softphone.control", "softphone.sip_listen", "softphone.net_interface", "softphone.binary",
        "softphone.module_path", "softphone.directory")


class DeskSettingsError(ValueError):
    """The desk's settings file cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class DeskSettings:
    """``dialer_kind``: this desk's dialer (None: the database setting); ``softphone``: how it
    reaches its softphone; ``path``: the file read (None: there is none)."""

    dialer_kind: str | None
    softphone: SoftphoneSettings
    path: Path | None


def desk_settings_path() -> Path:
    configured = os.environ.get(ENV)
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_config_dir("cati", "cati")) / "desk.yaml"


def load_desk_settings(path: Path | None = None) -> DeskSettings:
    """The desk's settings (``path`` or :func:`desk_settings_path`); defaults when there is no file."""
    import platformdirs

    path = path or desk_settings_path()
    data: dict[str, Any] = {}
    found: Path | None = None
    if path.is_file():
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as e:
            raise DeskSettingsError(f"{path}: {e}") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise DeskSettingsError(f"{path}: expected 'key: value' lines")
        data, found = dict(loaded or {}), path
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise DeskSettingsError(f"{path}: unknown setting {unknown[0]!r} (known: {', '.join(KEYS)})")
    values: dict[str, str] = {}
    for key, value in data.items():
        if value is None:
            continue
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise DeskSettingsError(f"{path}: {key} must be text")
        values[key] = str(value).strip()
    kind = values.get("dialer.kind") or None
    if kind is not None and kind not in KINDS:
        raise DeskSettingsError(f"{path}: dialer.kind {kind!r}: one of {', '.join(KINDS)}")
    directory = values.get("softphone.directory") or str(Path(platformdirs.user_data_dir("cati", "cati")) / "baresip")
    account = values.get("softphone.account", "")
    baresip = BaresipConfig(
        account=account,
        audio_source=values.get("softphone.audio_source", ""),
        audio_player=values.get("softphone.audio_player", ""),
        sip_listen=values.get("softphone.sip_listen", ""),
        net_interface=values.get("softphone.net_interface", ""),
        module_path=values.get("softphone.module_path", ""),
        binary=values.get("softphone.binary") or "baresip",
    )
    control = values.get("softphone.control", "")
    softphone = SoftphoneSettings(baresip=baresip if account or not control else None, control=control,
                                  directory=Path(directory).expanduser())
    return DeskSettings(kind, softphone, found)
