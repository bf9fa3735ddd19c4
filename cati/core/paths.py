"""Where cati finds its data files (forms, resources) and keeps its caches."""

from __future__ import annotations

import os
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[2]  # the checkout (cati/core/paths.py)


def resources_dir() -> Path:
    return Path(os.environ.get("CATI_RESOURCES", _ROOT / "resources"))


def forms_dir() -> Path:
    return Path(os.environ.get("CATI_FORMS", _ROOT / "forms"))


def cache_dir() -> Path:
    import platformdirs

    path = Path(os.environ.get("CATI_CACHE", platformdirs.user_cache_dir("cati", "cati")))
    path.mkdir(parents=True, exist_ok=True)
    return path
