"""Load a form from YAML (the safe loader only), collecting every error with file and line."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode

from cati.core.yaml_files import SafeLoader

from .export import export_columns
from .model import STANDARD_CASE_FIELDS, Form, Section
from .schema import SchemaChecker


@dataclass(frozen=True)
class FormError:
    """One problem in a form file."""

    file: str
    line: int
    problem: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.problem}"


class FormLoadError(Exception):
    """Raised when a form does not load; ``errors`` holds every problem found."""

    def __init__(self, errors: list[FormError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = tuple(errors)


LINE = "__line__"
KEY_LINES = "__keylines__"


class _LineLoader(SafeLoader):  # libyaml's parser when PyYAML has it
    """A safe loader that records, in every mapping, its line and the line of each key."""

    duplicate_keys: list[tuple[int, str]]

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        key_lines: dict[str, int] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, ScalarNode):
                line = key_node.start_mark.line + 1
                if key_node.value in key_lines:
                    self.duplicate_keys.append((line, str(key_node.value)))
                key_lines[str(key_node.value)] = line
        mapping[LINE] = node.start_mark.line + 1
        mapping[KEY_LINES] = key_lines
        return mapping


def parse_yaml(text: str, file: str) -> tuple[Any, list[FormError]]:
    loader = _LineLoader(text)
    loader.duplicate_keys = []
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        problem = exc.problem or exc.context or "onleesbare YAML"
        return None, [FormError(file, line, f"ongeldige YAML: {problem}")]
    except yaml.YAMLError as exc:
        return None, [FormError(file, 0, f"ongeldige YAML: {exc}")]
    finally:
        loader.dispose()
    errors = [FormError(file, ln, f"dubbele sleutel '{key}'") for ln, key in loader.duplicate_keys]
    return data, errors


_TOP_KEYS = {
    "id", "version", "title", "sections", "special_codes", "special_labels",
    "allow_dont_know", "allow_refused", "case_fields", "scales", "description",
}  # fmt: skip
_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def load_form_text(text: str, file: str = "<form>") -> Form:
    """Build a :class:`Form` from YAML text; raises :class:`FormLoadError` listing all problems."""
    data, errors = parse_yaml(text, file)
    if data is None and not errors:
        errors.append(FormError(file, 1, "het bestand is leeg"))
    if errors:
        raise FormLoadError(errors)
    if not isinstance(data, dict):
        raise FormLoadError([FormError(file, 1, "een formulier moet een mapping zijn (id:, title:, sections:)")])

    checker = SchemaChecker(file)
    for key in data:
        if key not in (LINE, KEY_LINES) and key not in _TOP_KEYS:
            checker.error(data, key, f"onbekende sleutel '{key}' op formulierniveau")
    form_id = checker.required_str(data, "id")
    if form_id and not _ID.match(form_id):
        checker.error(data, "id", f"formulier-id '{form_id}' mag alleen letters, cijfers en _ bevatten")
    version = str(data.get("version", "")).strip()
    if not version:
        checker.error(data, "version", "ontbrekende sleutel 'version'")
    title = checker.required_str(data, "title")

    specials = data.get("special_codes", {})
    dk_code, ref_code = 98, 99
    if specials:
        if not isinstance(specials, dict):
            checker.error(data, "special_codes", "special_codes moet een mapping zijn (dont_know:, refused:)")
        else:
            dk_code = checker.int_value(specials, "dont_know", 98)
            ref_code = checker.int_value(specials, "refused", 99)
            if dk_code == ref_code:
                checker.error(specials, "refused", "'weet niet' en 'wil niet zeggen' hebben dezelfde code")
    labels = data.get("special_labels", {}) or {}
    dk_label = str(labels.get("dont_know", "Weet niet")) if isinstance(labels, dict) else "Weet niet"
    ref_label = str(labels.get("refused", "Wil niet zeggen")) if isinstance(labels, dict) else "Wil niet zeggen"

    extra_fields = data.get("case_fields", []) or []
    if not isinstance(extra_fields, list) or not all(isinstance(f, str) and _ID.match(f) for f in extra_fields):
        checker.error(data, "case_fields", "case_fields moet een lijst van namen zijn")
        extra_fields = []
    case_fields = tuple(dict.fromkeys([*STANDARD_CASE_FIELDS, *extra_fields]))

    checker.configure(
        dk_code=dk_code,
        ref_code=ref_code,
        allow_dk=checker.bool_value(data, "allow_dont_know", True),
        allow_ref=checker.bool_value(data, "allow_refused", True),
        case_fields=case_fields,
        scales=data.get("scales", {}) if isinstance(data.get("scales", {}), dict) else {},
    )
    if not isinstance(data.get("scales", {}), dict):
        checker.error(data, "scales", "scales moet een mapping zijn van naam naar antwoordlijst")

    sections: list[Section] = []
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        checker.error(data, "sections", "een formulier heeft een lijst 'sections' met ten minste één sectie")
    else:
        checker.prescan(raw_sections)
        for raw in raw_sections:
            section = checker.section(raw, data)
            if section is not None:
                sections.append(section)
    checker.check_form_level(data)

    if checker.errors:
        raise FormLoadError(sorted(checker.errors, key=lambda e: e.line))
    form = Form(
        id=form_id,
        version=version,
        title=title,
        sections=tuple(sections),
        dont_know_code=dk_code,
        refused_code=ref_code,
        dont_know_label=dk_label,
        refused_label=ref_label,
        case_fields=case_fields,
        source=file,
    )
    seen: dict[str, str] = {}
    clashes = []
    for col in export_columns(form):
        key = col.name.lower()
        if key in seen:
            line = form.question(col.question_var).line
            clashes.append(FormError(file, line, f"exportkolom '{col.name}' bestaat al (van '{seen[key]}'); kies een andere variabelenaam"))
        seen[key] = col.question_var
    if clashes:
        raise FormLoadError(clashes)
    return form


def load_form(path: str | Path) -> Form:
    """Load one form file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FormLoadError([FormError(str(path), 0, f"kan het bestand niet lezen: {exc.strerror}")]) from exc
    except UnicodeDecodeError as exc:
        raise FormLoadError([FormError(str(path), 0, "het bestand is geen UTF-8")]) from exc
    return load_form_text(text, str(path))


def load_forms(directory: str | Path) -> dict[str, Form]:
    """Load every ``*.yaml`` / ``*.yml`` form in ``directory``, keyed by form id.

    All files are tried; if any fails, one :class:`FormLoadError` lists the problems of all of them.
    """
    forms: dict[str, Form] = {}
    errors: list[FormError] = []
    files = sorted([*Path(directory).glob("*.yaml"), *Path(directory).glob("*.yml")])
    for path in files:
        try:
            form = load_form(path)
        except FormLoadError as exc:
            errors.extend(exc.errors)
            continue
        if form.id in forms:
            errors.append(FormError(str(path), 1, f"formulier-id '{form.id}' komt al voor in {forms[form.id].source}"))
        forms[form.id] = form
    if errors:
        raise FormLoadError(errors)
    return forms


def form_id_for_case(queue: str | None, variant: str | None) -> str:
    """Which form a case gets: the inburgering queue its own, else by variant (regular/low-threshold)."""
    if (queue or "").strip().lower() == "inburgering":
        return "inburgering"
    if (variant or "").strip().lower() in ("laagdrempelig", "low_threshold", "low-threshold"):
        return "client_low_threshold"
    return "client_regular"


def pick_form(forms: Mapping[str, Form], queue: str | None, variant: str | None) -> Form:
    """The loaded form for a case; KeyError when that form is not loaded."""
    return forms[form_id_for_case(queue, variant)]
