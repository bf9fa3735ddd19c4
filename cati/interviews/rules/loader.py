"""Load a form from YAML (the safe loader only), collecting every error with file and line.

A form file comes from outside: it is read within limits, and every way YAML can go wrong is an error
with its line, never a traceback. A file larger than ``MAX_FORM_BYTES`` is not read; aliases
(``&anchor`` / ``*alias``) are allowed, but the document they make may hold at most ``MAX_NODES``
values once expanded (a two-kilobyte "billion laughs" would otherwise expand to gigabytes when the
form is checked) and may not refer to itself; nesting deeper than ``MAX_DEPTH`` is refused while
composing (Python's own recursion would otherwise end it with a traceback). A value YAML cannot make
(``2021-13-45`` as a date, an integer of thousands of digits) is an error at its line. A quote opened
and never closed is reported at the line where it opens. libyaml scans and parses when PyYAML has it
(the costly part); the document is composed in Python, so these limits hold either way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cati.core.yaml_files import ComposingSafeLoader
from cati.sample.rules.forms import form_id_for_case

from .errors import FormError, FormLoadError
from .export import export_columns
from .model import STANDARD_CASE_FIELDS, Form, Section
from .schema import SchemaChecker

LINE = "__line__"
KEY_LINES = "__keylines__"
MAX_FORM_BYTES = 1_000_000  # the shipped forms are about 12 KB
MAX_NODES = 100_000  # values in the document with every alias expanded (the shipped forms: under 1,000)
MAX_DEPTH = 40  # levels of nesting (the shipped forms: 8)
#: libyaml refuses more than 1000 levels; its scanner looks ahead (a flow ``[`` may start a key) and can meet
#: that limit before the composer reaches MAX_DEPTH
_LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"


class _LineLoader(ComposingSafeLoader):  # libyaml's scanner and parser when PyYAML has them
    """A safe loader that records, in every mapping, its line and the line of each key."""

    duplicate_keys: list[tuple[int, str]]
    depth: int = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise ComposerError(None, None, f"dieper genest dan {MAX_DEPTH} niveaus", mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as exc:  # a scalar YAML cannot turn into its value
            shown = node.value if isinstance(node.value, str) else node.tag
            raise ConstructorError(None, None, f"ongeldige waarde '{shown[:40]}' ({exc})", node.start_mark) from None

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
    if len(text) > MAX_FORM_BYTES:
        return None, [FormError(file, 0, f"het bestand is groter dan {MAX_FORM_BYTES // 1000} kB; een formulier is "
                                         "veel kleiner")]
    loader = _LineLoader(text)
    loader.duplicate_keys = []
    try:
        node = loader.get_single_node()
        if node is not None:
            problem = _too_big(node)
            if problem:
                return None, [FormError(file, problem[0], problem[1])]
        data = None if node is None else loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        return None, [_yaml_error(file, exc)]
    except yaml.YAMLError as exc:
        return None, [FormError(file, 0, f"ongeldige YAML: {exc}")]
    finally:
        loader.dispose()
    errors = [FormError(file, ln, f"dubbele sleutel '{key}'") for ln, key in loader.duplicate_keys]
    return data, errors


def _yaml_error(file: str, exc: yaml.MarkedYAMLError) -> FormError:
    """One YAML error at its line: where a quote (or a bracket) was opened when it is never closed,
    else where the problem was found."""
    problem = exc.problem or exc.context or "onleesbare YAML"
    if problem == _LIBYAML_TOO_DEEP:  # libyaml's scanner, looking ahead, reached its own limit before ours
        problem = f"dieper genest dan {MAX_DEPTH} niveaus"
    context = exc.context or ""
    if exc.context_mark is not None and "quoted scalar" in context:
        end = exc.problem_mark.line + 1 if exc.problem_mark is not None else 0
        return FormError(file, exc.context_mark.line + 1, f"ongeldige YAML: het aanhalingsteken dat hier opent, wordt "
                                                          f"niet gesloten (gezocht tot regel {end}: {problem})")
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else 0
    return FormError(file, line, f"ongeldige YAML: {problem}")


def _too_big(root: Node) -> tuple[int, str] | None:
    """(line, problem) when the document, its aliases expanded, holds more than ``MAX_NODES`` values,
    nests deeper than ``MAX_DEPTH`` or refers to itself. Walked without recursion, each node once."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            on_path.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in children)
            depth[key] = 1 + max((depth[id(c)] for c in children), default=0)
            if size[key] > MAX_NODES:
                return node.start_mark.line + 1, (f"het formulier wordt met zijn aliassen (*…) groter dan {MAX_NODES} "
                                                  "waarden; gebruik minder verwijzingen")
            if depth[key] > MAX_DEPTH:
                return node.start_mark.line + 1, f"met zijn aliassen (*…) dieper genest dan {MAX_DEPTH} niveaus"
            continue
        if key in size:
            continue
        if key in on_path:
            return node.start_mark.line + 1, "een alias (*…) verwijst naar een waarde waar hij zelf in staat"
        on_path.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in size)
    return None


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


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
        if path.stat().st_size > MAX_FORM_BYTES:
            raise FormLoadError([FormError(str(path), 0, f"het bestand is groter dan {MAX_FORM_BYTES // 1000} kB; "
                                                         "een formulier is veel kleiner")])
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


def pick_form(forms: Mapping[str, Form], queue: str | None, variant: str | None) -> Form:
    """The loaded form for a case; KeyError when that form is not loaded."""
    return forms[form_id_for_case(queue, variant)]
