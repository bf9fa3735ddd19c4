"""The hostile input corpus (tests/data/hostile/) is made by its generator, byte for byte."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "data"))
import make_hostile_files  # noqa: E402


def test_committed_corpus_matches_the_generator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(make_hostile_files, "OUT", tmp_path)
    monkeypatch.setattr(make_hostile_files, "FORMS", tmp_path / "forms")
    make_hostile_files.main()
    committed = Path(__file__).resolve().parents[2] / "data" / "hostile"
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert made == sorted(p.relative_to(committed) for p in committed.rglob("*") if p.is_file())
    for name in made:
        assert (tmp_path / name).read_bytes() == (committed / name).read_bytes(), name
