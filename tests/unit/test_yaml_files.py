"""The YAML reader for data files: the safe subset, the same data as PyYAML's own safe_load."""

from __future__ import annotations

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
