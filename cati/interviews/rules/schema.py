"""Checks one parsed YAML form mapping and builds the model objects, collecting errors."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any

from . import expr as ex
from .errors import FormError
from .fills import fill_names
from .model import GridItem, Option, QType, Question, Section

_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_COMMON = {"var", "type", "text", "instruction", "required", "allow_dont_know", "allow_refused",
           "core", "show_if", "end_if"}  # fmt: skip
_BY_TYPE: dict[QType, set[str]] = {
    QType.SINGLE: {"options", "scale", "read_out_options"},
    QType.MULTI: {"options", "scale", "read_out_options"},
    QType.GRID: {"items", "options", "scale", "read_out_options"},
    QType.GRADE: {"min", "max", "decimals"},
    QType.NUMBER: {"min", "max", "decimals"},
    QType.OPEN: {"max_length"},
    QType.DATE: set(),
    QType.INFO: {"closing"},
}
_META = ("__line__", "__keylines__")


def _line(mapping: Any, key: str | None = None, default: int = 0) -> int:
    if not isinstance(mapping, dict):
        return default
    if key is not None and key in mapping.get("__keylines__", {}):
        return int(mapping["__keylines__"][key])
    return int(mapping.get("__line__", default))


class SchemaChecker:
    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[FormError] = []
        self.all_vars: dict[str, int] = {}
        self.defined: dict[str, Question] = {}  # answer variable -> its question, in form order
        self.var_lines: dict[str, int] = {}
        self.scales: dict[str, tuple[Option, ...]] = {}
        self.closing_count = 0
        self.question_count = 0
        self.dk_code, self.ref_code = 98, 99
        self.allow_dk = self.allow_ref = True
        self.case_fields: tuple[str, ...] = ()

    # -- error helpers -------------------------------------------------------------------------
    def error_at(self, line: int, problem: str) -> None:
        self.errors.append(FormError(self.file, line, problem))

    def error(self, mapping: Any, key: str | None, problem: str) -> None:
        self.error_at(_line(mapping, key), problem)

    def required_str(self, mapping: dict[str, Any], key: str, what: str = "") -> str:
        value = mapping.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            self.error(mapping, None, f"ontbrekende sleutel '{key}'{what}")
            return ""
        if not isinstance(value, str | int | float):
            self.error(mapping, key, f"'{key}' moet tekst zijn")
            return ""
        return str(value).strip()

    def int_value(self, mapping: dict[str, Any], key: str, default: int) -> int:
        value = mapping.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(mapping, key, f"'{key}' moet een geheel getal zijn, niet '{value}'")
            return default
        return value

    def bool_value(self, mapping: dict[str, Any], key: str, default: bool) -> bool:
        value = mapping.get(key, default)
        if not isinstance(value, bool):
            self.error(mapping, key, f"'{key}' moet ja/nee (true/false) zijn, niet '{value}'")
            return default
        return value

    def decimal_value(self, mapping: dict[str, Any], key: str) -> Decimal | None:
        value = mapping.get(key)
        if value is None:
            return None
        try:
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                raise InvalidOperation
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):
            self.error(mapping, key, f"'{key}' moet een getal zijn, niet '{str(value)[:40]}'")
            return None
        if not number.is_finite():  # .nan, .inf
            self.error(mapping, key, f"'{key}' moet een eindig getal zijn, niet '{value}'")
            return None
        return number

    def unknown_keys(self, mapping: dict[str, Any], allowed: set[str], where: str) -> None:
        for key in mapping:
            if key not in _META and key not in allowed:
                self.error(mapping, str(key), f"onbekende sleutel '{key}' {where}")

    # -- setup ---------------------------------------------------------------------------------
    def configure(self, *, dk_code: int, ref_code: int, allow_dk: bool, allow_ref: bool,
                  case_fields: tuple[str, ...], scales: dict[str, Any]) -> None:  # fmt: skip
        self.dk_code, self.ref_code = dk_code, ref_code
        self.allow_dk, self.allow_ref = allow_dk, allow_ref
        self.case_fields = case_fields
        for name, raw in scales.items():
            if name in _META:
                continue
            self.scales[str(name)] = self.options(raw, scales, str(name), f"schaal '{name}'")

    def prescan(self, raw_sections: list[Any]) -> None:
        for raw in raw_sections:
            questions = raw.get("questions") if isinstance(raw, dict) else None
            for q in questions if isinstance(questions, list) else []:
                if not isinstance(q, dict):
                    continue
                names = [q.get("var")] + [i.get("var") for i in q.get("items") or [] if isinstance(i, dict)]
                for name in names:
                    if isinstance(name, str):
                        self.all_vars.setdefault(name, _line(q, "var"))

    # -- building ------------------------------------------------------------------------------
    def section(self, raw: Any, parent: dict[str, Any]) -> Section | None:
        if not isinstance(raw, dict):
            self.error(parent, "sections", "elke sectie moet een mapping zijn (id:, title:, questions:)")
            return None
        self.unknown_keys(raw, {"id", "title", "questions"}, "in sectie")
        section_id = str(raw.get("id", "")).strip() or f"sectie_{_line(raw)}"
        raw_questions = raw.get("questions")
        if not isinstance(raw_questions, list) or not raw_questions:
            self.error(raw, "questions", f"sectie '{section_id}' heeft geen lijst 'questions'")
            return Section(section_id, str(raw.get("title", "")), ())
        questions = []
        for raw_q in raw_questions:
            q = self.question(raw_q, raw, section_id)
            if q is not None:
                questions.append(q)
        return Section(section_id, str(raw.get("title", "")), tuple(questions))

    def _claim_var(self, mapping: dict[str, Any], key: str, name: Any) -> str | None:
        if not isinstance(name, str) or not _ID.match(name):
            self.error(mapping, key, f"ongeldige variabelenaam '{name}' (letters, cijfers en _, niet met een cijfer beginnen)")
            return None
        if name in self.var_lines:
            self.error(mapping, key, f"dubbele variabele '{name}' (ook op regel {self.var_lines[name]})")
            return None
        if name in self.case_fields:
            self.error(mapping, key, f"variabele '{name}' heeft dezelfde naam als een zaakveld")
            return None
        self.var_lines[name] = _line(mapping, key)
        return name

    def question(self, raw: Any, section: dict[str, Any], section_id: str) -> Question | None:
        if not isinstance(raw, dict):
            self.error(section, "questions", "elke vraag moet een mapping zijn (var:, type:, text:)")
            return None
        self.question_count += 1
        var = self._claim_var(raw, "var", raw.get("var")) if "var" in raw else None
        if "var" not in raw:
            self.error(raw, None, "vraag zonder 'var'")
        type_name = raw.get("type")
        if type_name is None:
            self.error(raw, None, f"vraag '{var}' heeft geen 'type'")
            return None
        try:
            qtype = QType(str(type_name))
        except ValueError:
            known = ", ".join(t.value for t in QType)
            self.error(raw, "type", f"onbekend vraagtype '{type_name}' (kies uit: {known})")
            return None
        self.unknown_keys(raw, _COMMON | _BY_TYPE[qtype], f"bij een vraag van type '{qtype.value}'")
        text = self.required_str(raw, "text", f" bij vraag '{var}'")
        name = var or f"?{_line(raw)}"
        info = qtype is QType.INFO
        fields: dict[str, Any] = {
            "instruction": str(raw.get("instruction", "") or ""),
            "required": self.bool_value(raw, "required", not info),
            "allow_dont_know": self.bool_value(raw, "allow_dont_know", self.allow_dk and not info),
            "allow_refused": self.bool_value(raw, "allow_refused", self.allow_ref and not info),
            "core": self.bool_value(raw, "core", False),
            "line": _line(raw),
        }
        if info and fields["core"]:
            self.error(raw, "core", "een info-scherm kan geen kernvraag (core) zijn")
        if qtype in (QType.SINGLE, QType.MULTI, QType.GRID):
            fields["options"] = self._question_options(raw, name, qtype, fields)
            fields["read_out_options"] = self.bool_value(raw, "read_out_options", qtype is QType.GRID)
        if qtype is QType.GRID:
            fields["items"] = self._items(raw, name)
        if qtype in (QType.GRADE, QType.NUMBER):
            self._range(raw, name, qtype, fields)
        if qtype is QType.OPEN and "max_length" in raw:
            length = self.int_value(raw, "max_length", 0)
            if length <= 0:
                self.error(raw, "max_length", f"max_length bij '{name}' moet groter dan 0 zijn")
            fields["max_length"] = length if length > 0 else None
        if info:
            fields["closing"] = self.bool_value(raw, "closing", False)
            self.closing_count += bool(fields["closing"])
        # conditions and fills refer to what came before this question (end_if also to its own answer)
        self._check_fills(raw, name, text, fields)
        question = Question(var=name, type=qtype, text=text, section=section_id, **fields)
        conditions: dict[str, Any] = {}
        for key in ("show_if", "end_if"):
            if key in raw:
                conditions[key], conditions[key + "_source"] = self._condition(raw, key, question)
        question = replace(question, **conditions)
        if not info:
            for answer_var in question.answer_vars:
                self.defined[answer_var] = question
        return question

    def options(self, raw: Any, parent: Any, key: str, where: str) -> tuple[Option, ...]:
        if not isinstance(raw, list) or not raw:
            self.error(parent, key, f"{where}: verwacht een lijst antwoorden (code:, label:)")
            return ()
        result: list[Option] = []
        seen: dict[int, int] = {}
        for item in raw:
            if not isinstance(item, dict):
                self.error(parent, key, f"{where}: elk antwoord moet 'code' en 'label' hebben")
                continue
            self.unknown_keys(item, {"code", "label", "other", "exclusive"}, f"bij een antwoord ({where})")
            code = item.get("code")
            if "code" not in item or isinstance(code, bool) or not isinstance(code, int):
                problem = "zonder code" if "code" not in item else f"met ongeldige code '{code}' (geheel getal)"
                self.error(item, "code", f"{where}: antwoord {problem}")
                continue
            label = item.get("label")
            if not isinstance(label, str) or not label.strip():
                self.error(item, None, f"{where}: antwoord met code {code} heeft geen 'label'")
                continue
            if code in seen:
                self.error(item, "code", f"{where}: dubbele code {code} (ook op regel {seen[code]})")
                continue
            seen[code] = _line(item, "code")
            result.append(Option(code, label.strip(), self.bool_value(item, "other", False),
                                 self.bool_value(item, "exclusive", False), _line(item)))  # fmt: skip
        if sum(o.other for o in result) > 1:
            self.error(parent, key, f"{where}: meer dan één antwoord met 'other: true'")
        return tuple(result)

    def _question_options(self, raw: dict[str, Any], name: str, qtype: QType, fields: dict[str, Any]) -> tuple[Option, ...]:
        if "scale" in raw and "options" in raw:
            self.error(raw, "scale", f"vraag '{name}' heeft zowel 'scale' als 'options'")
        if "scale" in raw:
            scale = raw["scale"]
            if scale not in self.scales:
                self.error(raw, "scale", f"onbekende schaal '{scale}' bij vraag '{name}'")
                return ()
            opts = self.scales[scale]
            fields["scale"] = str(scale)
        elif "options" in raw:
            opts = self.options(raw["options"], raw, "options", f"vraag '{name}'")
        else:
            self.error(raw, None, f"vraag '{name}' van type {qtype.value} heeft geen 'options' of 'scale'")
            return ()
        for special, allowed, label in ((self.dk_code, fields["allow_dont_know"], "weet niet"),
                                        (self.ref_code, fields["allow_refused"], "wil niet zeggen")):  # fmt: skip
            clash = next((o for o in opts if o.code == special), None)
            if clash is not None and allowed:
                self.error_at(clash.line or _line(raw), f"vraag '{name}': code {special} is gereserveerd voor '{label}'")
        if qtype is QType.GRID and any(o.other for o in opts):
            self.error(raw, None, f"raster '{name}': 'Anders, namelijk' kan niet in een raster")
        return opts

    def _items(self, raw: dict[str, Any], name: str) -> tuple[GridItem, ...]:
        items = raw.get("items")
        if not isinstance(items, list) or not items:
            self.error(raw, "items", f"raster '{name}' heeft geen lijst 'items' (var:, text:)")
            return ()
        result = []
        for item in items:
            if not isinstance(item, dict):
                self.error(raw, "items", f"raster '{name}': elk onderdeel heeft 'var' en 'text'")
                continue
            self.unknown_keys(item, {"var", "text"}, f"bij een onderdeel van raster '{name}'")
            item_var = self._claim_var(item, "var", item.get("var"))
            text = self.required_str(item, "text", f" bij onderdeel van raster '{name}'")
            if item_var is not None:
                result.append(GridItem(item_var, text, _line(item)))
        return tuple(result)

    def _range(self, raw: dict[str, Any], name: str, qtype: QType, fields: dict[str, Any]) -> None:
        grade = qtype is QType.GRADE
        low = self.decimal_value(raw, "min")
        high = self.decimal_value(raw, "max")
        fields["min"] = low if low is not None else (Decimal(1) if grade else None)
        fields["max"] = high if high is not None else (Decimal(10) if grade else None)
        if grade and (fields["min"] < 1 or fields["max"] > 10):
            key = "max" if fields["max"] > 10 else "min"
            self.error(raw, key, f"rapportcijfer '{name}' moet binnen 1 tot en met 10 liggen")
        if fields["min"] is not None and fields["max"] is not None and fields["min"] > fields["max"]:
            self.error(raw, "min", f"vraag '{name}': min is groter dan max")
        decimals = self.int_value(raw, "decimals", 0)
        if decimals not in (0, 1, 2) or (grade and decimals > 1):
            self.error(raw, "decimals", f"vraag '{name}': decimals moet 0 of 1 zijn")
            decimals = 0
        fields["decimals"] = decimals

    # -- conditions and fills ------------------------------------------------------------------
    def _condition(self, raw: dict[str, Any], key: str, own: Question) -> tuple[ex.Expr | None, str]:
        source = raw[key]
        name = own.var
        line = _line(raw, key)
        if not isinstance(source, str):
            self.error_at(line, f"{key} bij '{name}' moet een tekst zijn, niet '{source}'")
            return None, ""
        try:
            parsed = ex.parse(source)
        except ex.ExprError as exc:
            self.error_at(line, f"{key} bij '{name}': {exc}")
            return None, source
        ok = True
        for node in ex.walk(parsed):
            if isinstance(node, ex.Compare | ex.InList | ex.Answered):
                ok = self._check_reference(node, key, own, line) and ok
        return (parsed if ok else None), source

    def _check_reference(self, node: ex.Compare | ex.InList | ex.Answered, key: str, own: Question,
                         line: int) -> bool:  # fmt: skip
        ref = node.name
        where = f"{key} bij '{own.var}'"
        if ref in self.case_fields:
            return True
        question = self.defined.get(ref)
        if question is None and key == "end_if" and ref in own.answer_vars and own.type is not QType.INFO:
            question = own
        if question is None:
            if ref in own.answer_vars or ref == own.var:
                self.error_at(line, f"{where} verwijst naar de vraag zelf ('{ref}'); gebruik end_if")
            elif ref in self.all_vars:
                self.error_at(line, f"{where} gebruikt '{ref}', die pas later in het formulier komt (regel {self.all_vars[ref]})")
            else:
                self.error_at(line, f"{where} gebruikt onbekende variabele '{ref}'")
            return False
        if isinstance(node, ex.Answered):
            return True
        values = node.values if isinstance(node, ex.InList) else (node.value,)
        if question.type in (QType.OPEN, QType.DATE):
            self.error_at(line, f"{where}: '{ref}' is een {question.type.value}-vraag; gebruik answered({ref})")
            return False
        if question.type is QType.MULTI and isinstance(node, ex.Compare) and node.op not in ("=", "!="):
            self.error_at(line, f"{where}: bij meerkeuzevraag '{ref}' kan alleen =, != of in")
            return False
        ok = True
        for value in values:
            if not isinstance(value, Decimal):
                self.error_at(line, f"{where}: '{ref}' heeft getallen als antwoord, niet '{value}'")
                ok = False
            elif question.is_coded and not self._code_exists(question, value):
                codes = ", ".join(str(c) for c in self._codes(question))
                self.error_at(line, f"{where}: code {value} bestaat niet bij '{ref}' (codes: {codes})")
                ok = False
        return ok

    def _codes(self, q: Question) -> list[int]:
        codes = [o.code for o in q.options]
        codes += [self.dk_code] if q.allow_dont_know else []
        return codes + ([self.ref_code] if q.allow_refused else [])

    def _code_exists(self, q: Question, value: Decimal) -> bool:
        return value == value.to_integral_value() and int(value) in self._codes(q)

    def _check_fills(self, raw: dict[str, Any], name: str, text: str, fields: dict[str, Any]) -> None:
        texts = [("text", text), ("instruction", fields["instruction"])]
        texts += [("options", o.label) for o in fields.get("options", ())]
        texts += [("items", i.text) for i in fields.get("items", ())]
        for key, value in texts:
            for fill in fill_names(value):
                if fill in self.case_fields or fill in self.defined:
                    continue
                if fill in self.all_vars:
                    problem = f"invulling {{{fill}}} bij '{name}' verwijst naar een vraag die nog niet gesteld is"
                else:
                    problem = f"onbekende invulling {{{fill}}} bij '{name}'"
                self.error(raw, key, problem)

    def check_form_level(self, data: dict[str, Any]) -> None:
        if self.question_count and not self.closing_count:
            self.error(data, "sections", "het formulier heeft geen afsluitend info-scherm (closing: true)")
