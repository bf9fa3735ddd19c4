"""The YAML reader for data files: the safe subset, the same data as PyYAML's own safe_load."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from cati.core.paths import resources_dir
from cati.core.yaml_files import safe_load


@pytest.mark.parametrize("name", ["outcomes.yaml", "scheduling.yaml", "settings.yaml"])
def test_reads_the_shipped_files_as_pyyaml_does(name: str) -> None:
    text = (resources_dir() / name).read_text(encoding="utf-8")
    assert safe_load(text) == yaml.safe_load(text)


def test_refuses_python_objects_and_reports_where() -> None:
    with pytest.raises(yaml.constructor.ConstructorError):
        safe_load("x: !!python/object/apply:os.system ['true']")
    with pytest.raises(yaml.MarkedYAMLError) as e:
        safe_load("a: 1\nb: [2\n")
    assert e.value.problem_mark is not None and e.value.problem_mark.line >= 1


def test_a_data_file_is_built_once_per_version(tmp_path: Path) -> None:

    from cati.calls.rules.outcomes import OutcomeTableError, load_outcome_table
    from cati.core.yaml_files import load_data_file

    built: list[object] = []

    def build(data: object) -> tuple[object, ...]:
        built.append(data)
        return tuple(data) if isinstance(data, list) else (data,)

    path = tmp_path / "data.yaml"
    path.write_text("[1, 2]\n", encoding="utf-8")
    first = load_data_file(path, build)
    assert load_data_file(str(path), build) is first and built == [[1, 2]]
    path.write_text("[1, 2, 3]\n", encoding="utf-8")  # a new version: read again
    assert load_data_file(path, build) == (1, 2, 3) and len(built) == 2
    # a broken new version of a real data file still fails loudly
    table = tmp_path / "outcomes.yaml"
    table.write_text((resources_dir() / "outcomes.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert load_outcome_table(table) is load_outcome_table(table)
    table.write_text("outcomes: []\n", encoding="utf-8")
    os.utime(table, ns=(1, 1))
    with pytest.raises(OutcomeTableError, match="non-empty"):
        load_outcome_table(table)


def test_the_forms_loader_composes_in_python_and_reads_the_forms_as_pyyaml_does() -> None:
    """The forms' loader: libyaml's parser where PyYAML has it, PyYAML's own composer (its ``compose_node``
    is where the form loader stops deep nesting), the same data as ``yaml.safe_load``."""
    from cati.core.yaml_files import ComposingSafeLoader

    forms = sorted((Path(__file__).resolve().parents[2] / "forms").rglob("*.yaml"))
    assert len(forms) >= 3
    for path in forms:
        text = path.read_text(encoding="utf-8")
        loader = ComposingSafeLoader(text)
        try:
            assert loader.get_single_data() == yaml.safe_load(text), path.name
        finally:
            loader.dispose()

    class Counting(ComposingSafeLoader):
        composed = 0

        def compose_node(self, parent: object, index: object) -> object:
            self.composed += 1
            return super().compose_node(parent, index)  # type: ignore[no-untyped-call]

    loader = Counting("a: [1, [2]]\n")
    assert loader.get_single_data() == {"a": [1, [2]]} and loader.composed == 6
    loader.dispose()
