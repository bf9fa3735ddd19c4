"""Translated forms: every text a form shows, in other languages (ISO 639-1); Dutch is the source
and the fallback.

A translation is a YAML file beside the forms, ``translations/<form id>.<language>.yaml``::

    form: inburgering
    language: ar
    status: to be checked by a translator
    texts:
      intro.text:
        nl: Goedendag. Ik bel van een onderzoeksbureau. …   # the Dutch it was translated from
        ar: …

Every text of a form has an id (:func:`source_texts`): ``title``, ``section.<id>.title``,
``<var>.text``, ``<var>.instruction``, ``<var>.option.<code>`` (a question's own options),
``scale.<name>.<code>`` (a shared scale, translated once), ``<item var>.text`` (a grid's rows),
``special.dont_know`` / ``special.refused`` and ``words.and`` / ``words.through`` (the words fills
add). A translation keeps the Dutch it was made from: when the form's Dutch changes, the translation
is *outdated* and the Dutch shows until a translator renews it (:func:`check_translation` says
which texts are missing or outdated; :func:`localize` makes the form in a language, falling back to
Dutch per text). A translation may use only the fills (``{provider}``) of its Dutch text.

The translator's round trip (``cati form translations``): :func:`sheet_rows` gives one row per text
(id, Dutch, current translation), :func:`merge_rows` takes the rows back and refuses a row whose Dutch
is not the form's Dutch any more, and :func:`dump_translation` writes the file again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cati.core.languages import BY_CODE, SOURCE, is_known, name_nl

from .errors import FormError, FormLoadError
from .fills import fill_names
from .loader import KEY_LINES, LINE, parse_yaml
from .model import DUTCH_WORDS, Form, GridItem, Option, Question, Section

TO_CHECK = "to be checked by a translator"
CHECKED = "checked by a translator"
DIRECTORY = "translations"  # beside the forms

_WORD_WHERE = {"and": "woord tussen de laatste twee antwoorden (Lezen, Schrijven en Spreken)",
               "through": "woord in de periode (01-01-2026 tot en met 31-12-2026)"}


@dataclass(frozen=True)
class SourceText:
    """A text the form shows, in Dutch: its id, the text and where it is (for the translator)."""

    id: str
    text: str
    where: str
    line: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", self.text.strip())


@dataclass(frozen=True)
class Entry:
    """A translated text and the Dutch it was translated from."""

    id: str
    source: str
    text: str
    line: int = 0


@dataclass(frozen=True)
class Translation:
    """One form in one language (:data:`entries` by text id, in file order)."""

    form_id: str
    language: str
    status: str = TO_CHECK
    entries: Mapping[str, Entry] = field(default_factory=dict)
    source: str = ""  # the file it was read from

    def text(self, source: SourceText) -> str | None:
        """The translation of ``source``: None when missing or outdated (the Dutch changed since)."""
        entry = self.entries.get(source.id)
        if entry is None or not entry.text.strip() or entry.source != source.text:
            return None
        return entry.text


# ---------------------------------------------------------------- the texts of a form


def source_texts(form: Form) -> tuple[SourceText, ...]:
    """Every text ``form`` shows, in Dutch, in form order (a shared scale once)."""
    texts = [SourceText("title", form.title, "titel van de vragenlijst")]
    scales_seen: set[str] = set()
    for section in form.sections:
        if section.title:
            texts.append(SourceText(f"section.{section.id}.title", section.title, f"sectie {section.id}: titel"))
        for q in section.questions:
            texts.append(SourceText(f"{q.var}.text", q.text, f"vraag {q.var}: tekst", q.line))
            if q.instruction:
                texts.append(SourceText(f"{q.var}.instruction", q.instruction, f"vraag {q.var}: instructie", q.line))
            if q.scale:
                if q.scale not in scales_seen:
                    scales_seen.add(q.scale)
                    texts += [SourceText(f"scale.{q.scale}.{o.code}", o.label, f"schaal {q.scale}: antwoord {o.code}",
                                         o.line) for o in q.options]
            else:
                texts += [SourceText(f"{q.var}.option.{o.code}", o.label, f"vraag {q.var}: antwoord {o.code}", o.line)
                          for o in q.options]
            texts += [SourceText(f"{i.var}.text", i.text, f"raster {q.var}: onderdeel {i.var}", i.line)
                      for i in q.items]
    texts += [SourceText("special.dont_know", form.dont_know_label, "antwoord 'weet niet' (F8)"),
              SourceText("special.refused", form.refused_label, "antwoord 'wil niet zeggen' (F9)")]
    texts += [SourceText(f"words.{name}", word, _WORD_WHERE.get(name, "woord in een invulling"))
              for name, word in DUTCH_WORDS]
    return tuple(texts)


# ---------------------------------------------------------------- reading


def translation_paths(directory: str | Path, form_id: str) -> dict[str, Path]:
    """The translation files of a form in ``directory`` (the forms' ``translations`` folder), by language."""
    found: dict[str, Path] = {}
    for path in sorted(Path(directory).glob(f"{form_id}.*.yaml")):
        language = path.name[len(form_id) + 1:-len(".yaml")]
        if language and "." not in language:
            found[language] = path
    return found


def parse_translation(text: str, file: str = "<vertaling>") -> Translation:
    """A translation from its YAML text; FormLoadError listing every problem with its line."""
    data, errors = parse_yaml(text, file)
    if errors:
        raise FormLoadError(errors)
    if not isinstance(data, dict):
        raise FormLoadError([FormError(file, 1, "een vertaling is een mapping (form:, language:, texts:)")])

    def line(mapping: Any, key: str | None = None) -> int:
        if not isinstance(mapping, dict):
            return 0
        if key is not None and key in mapping.get(KEY_LINES, {}):
            return int(mapping[KEY_LINES][key])
        return int(mapping.get(LINE, 0))

    problems: list[FormError] = []
    for key in data:
        if key not in (LINE, KEY_LINES, "form", "language", "status", "texts"):
            problems.append(FormError(file, line(data, key), f"onbekende sleutel '{key}' in een vertaling"))
    form_id = str(data.get("form") or "").strip()
    language = str(data.get("language") or "").strip()
    if not form_id:
        problems.append(FormError(file, line(data), "ontbrekende sleutel 'form' (het id van de vragenlijst)"))
    if not is_known(language) or language == SOURCE:
        problems.append(FormError(file, line(data, "language"),
                                  f"'{language}' is geen taal om naar te vertalen (een ISO 639-1-code zoals ar, en)"))
    status = str(data.get("status") or TO_CHECK).strip()
    texts = data.get("texts") or {}
    entries: dict[str, Entry] = {}
    if not isinstance(texts, dict):
        problems.append(FormError(file, line(data, "texts"), "'texts' is een mapping van tekst-id naar nl: en vertaling"))
        texts = {}
    for text_id, raw in texts.items():
        if text_id in (LINE, KEY_LINES):
            continue
        at = line(texts, text_id)
        if not isinstance(raw, dict) or not isinstance(raw.get("nl"), str) or language not in raw:
            problems.append(FormError(file, at, f"tekst '{text_id}' heeft 'nl:' (de Nederlandse bron) en '{language}:' nodig"))
            continue
        extra = [k for k in raw if k not in (LINE, KEY_LINES, "nl", language)]
        if extra:
            problems.append(FormError(file, at, f"tekst '{text_id}': onbekende sleutel '{extra[0]}'"))
        value = raw.get(language)
        entries[str(text_id)] = Entry(str(text_id), str(raw["nl"]).strip(), "" if value is None else str(value).strip(),
                                      at)
    if problems:
        raise FormLoadError(problems)
    return Translation(form_id, language, status, entries, file)


def load_translation(path: str | Path) -> Translation:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FormLoadError([FormError(str(path), 0, f"kan het bestand niet lezen: {exc.strerror}")]) from exc
    except UnicodeDecodeError as exc:
        raise FormLoadError([FormError(str(path), 0, "het bestand is geen UTF-8")]) from exc
    return parse_translation(text, str(path))


def fill_problems(form: Form, translation: Translation) -> list[FormError]:
    """Fills a translation uses that its Dutch text does not: they would show something else."""
    sources = {s.id: s for s in source_texts(form)}
    problems = []
    for entry in translation.entries.values():
        allowed = set(fill_names(sources[entry.id].text)) if entry.id in sources else set(fill_names(entry.source))
        for name in fill_names(entry.text):
            if name not in allowed:
                problems.append(FormError(translation.source, entry.line,
                                          f"tekst '{entry.id}' gebruikt invulling {{{name}}}, die de Nederlandse "
                                          "tekst niet heeft"))
    return problems


def load_translations(directory: str | Path, form: Form) -> dict[str, Translation]:
    """Every translation of ``form`` in ``directory``, by language; one FormLoadError for all problems
    (a file for another form or language than its name says, a fill the Dutch does not have)."""
    found: dict[str, Translation] = {}
    errors: list[FormError] = []
    for language, path in translation_paths(directory, form.id).items():
        try:
            translation = load_translation(path)
        except FormLoadError as exc:
            errors += exc.errors
            continue
        if translation.form_id != form.id or translation.language != language:
            errors.append(FormError(str(path), 1, f"dit bestand is de vertaling van '{translation.form_id}' in "
                                                  f"'{translation.language}'; de naam zegt '{form.id}.{language}'"))
            continue
        problems = fill_problems(form, translation)
        if problems:
            errors += problems
            continue
        found[language] = translation
    if errors:
        raise FormLoadError(errors)
    return found


def load_all(directory: str | Path, forms: Mapping[str, Form]) -> dict[str, dict[str, Translation]]:
    """The translations of every form (form id -> language -> translation); one FormLoadError for all."""
    found: dict[str, dict[str, Translation]] = {}
    errors: list[FormError] = []
    for form_id, form in forms.items():
        try:
            found[form_id] = load_translations(directory, form)
        except FormLoadError as exc:
            errors += exc.errors
    if errors:
        raise FormLoadError(errors)
    return found


def localized_versions(form: Form, translations: Mapping[str, Translation]) -> dict[str, Form]:
    """The form in Dutch and in every language it is translated into, by language code."""
    return {SOURCE: form, **{lang: localize(form, t) for lang, t in sorted(translations.items())}}


# ---------------------------------------------------------------- checking


@dataclass(frozen=True)
class TranslationReport:
    """What a translation lacks (``cati form check``): per text id, missing, outdated, unknown, and
    fills of the Dutch the translation leaves out."""

    language: str
    status: str
    total: int
    translated: int
    missing: tuple[SourceText, ...]
    outdated: tuple[SourceText, ...]  # the Dutch changed since the text was translated
    unknown: tuple[str, ...]  # ids the form does not have (any more)
    lost_fills: tuple[tuple[str, str], ...]  # (text id, fill) in the Dutch but not in the translation

    @property
    def complete(self) -> bool:
        return not (self.missing or self.outdated)

    def lines(self) -> list[str]:
        """The report in Dutch, for the terminal."""
        head = f"{self.language} ({name_nl(self.language)}): {self.translated} van {self.total} teksten vertaald"
        out = [head + (f"; status: {self.status}" if self.status else "")]
        out += [f"  ontbreekt: {s.id} ({s.where})" for s in self.missing]
        out += [f"  verouderd, de Nederlandse tekst is veranderd: {s.id} ({s.where})" for s in self.outdated]
        out += [f"  onbekende tekst (niet meer in de vragenlijst): {i}" for i in self.unknown]
        out += [f"  invulling {{{fill}}} ontbreekt in de vertaling: {i}" for i, fill in self.lost_fills]
        return out


def check_translation(form: Form, translation: Translation) -> TranslationReport:
    sources = source_texts(form)
    missing: list[SourceText] = []
    outdated: list[SourceText] = []
    lost: list[tuple[str, str]] = []
    for s in sources:
        entry = translation.entries.get(s.id)
        if entry is None or not entry.text.strip():
            missing.append(s)
        elif entry.source != s.text:
            outdated.append(s)
        else:
            lost += [(s.id, name) for name in dict.fromkeys(fill_names(s.text)) if name not in fill_names(entry.text)]
    ids = {s.id for s in sources}
    unknown = tuple(i for i in translation.entries if i not in ids)
    return TranslationReport(translation.language, translation.status, len(sources),
                             len(sources) - len(missing) - len(outdated), tuple(missing), tuple(outdated), unknown,
                             tuple(lost))


# ---------------------------------------------------------------- the form in a language


def localize(form: Form, translation: Translation) -> Form:
    """``form`` with every text in the translation's language, where it has one (else the Dutch)."""
    texts = {s.id: s for s in source_texts(form)}

    def tr(text_id: str, dutch: str) -> str:
        source = texts.get(text_id)
        if source is None:
            return dutch
        return translation.text(source) or dutch

    def option(q: Question, o: Option) -> Option:
        text_id = f"scale.{q.scale}.{o.code}" if q.scale else f"{q.var}.option.{o.code}"
        return Option(o.code, tr(text_id, o.label), o.other, o.exclusive, o.line)

    def question(q: Question) -> Question:
        return Question(
            var=q.var, type=q.type, text=tr(f"{q.var}.text", q.text), section=q.section,
            instruction=tr(f"{q.var}.instruction", q.instruction) if q.instruction else "",
            options=tuple(option(q, o) for o in q.options), read_out_options=q.read_out_options,
            items=tuple(GridItem(i.var, tr(f"{i.var}.text", i.text), i.line) for i in q.items),
            min=q.min, max=q.max, decimals=q.decimals, max_length=q.max_length, required=q.required,
            allow_dont_know=q.allow_dont_know, allow_refused=q.allow_refused, core=q.core, closing=q.closing,
            show_if=q.show_if, show_if_source=q.show_if_source, end_if=q.end_if, end_if_source=q.end_if_source,
            line=q.line, scale=q.scale,
        )

    sections = tuple(
        Section(s.id, tr(f"section.{s.id}.title", s.title) if s.title else "", tuple(question(q) for q in s.questions))
        for s in form.sections
    )
    return Form(
        id=form.id, version=form.version, title=tr("title", form.title), sections=sections,
        dont_know_code=form.dont_know_code, refused_code=form.refused_code,
        dont_know_label=tr("special.dont_know", form.dont_know_label),
        refused_label=tr("special.refused", form.refused_label), case_fields=form.case_fields, source=form.source,
        language=translation.language, words=tuple((name, tr(f"words.{name}", word)) for name, word in DUTCH_WORDS),
        translation_status=translation.status,
    )


# ---------------------------------------------------------------- the translator's round trip


@dataclass(frozen=True)
class SheetRow:
    """One text for the translator: its id, the Dutch, the translation so far and its state."""

    id: str
    dutch: str
    translation: str
    state: str  # "vertaald", "ontbreekt", "verouderd"
    where: str


def sheet_rows(form: Form, translation: Translation | None) -> list[SheetRow]:
    """One row per text of the form, in form order (an outdated translation shown, to be renewed)."""
    rows = []
    for s in source_texts(form):
        entry = translation.entries.get(s.id) if translation is not None else None
        if entry is None or not entry.text.strip():
            rows.append(SheetRow(s.id, s.text, "", "ontbreekt", s.where))
        else:
            rows.append(SheetRow(s.id, s.text, entry.text, "vertaald" if entry.source == s.text else "verouderd",
                                 s.where))
    return rows


@dataclass(frozen=True)
class Refused:
    line: int
    id: str
    reason: str

    def __str__(self) -> str:
        return f"regel {self.line}: {self.id}: {self.reason}"


@dataclass(frozen=True)
class MergeResult:
    translation: Translation
    changed: int  # new or changed translations taken
    unchanged: int
    empty: int  # rows without a translation (nothing taken)
    refused: tuple[Refused, ...]


def merge_rows(
    form: Form, language: str, current: Translation | None, rows: Iterable[tuple[int, str, str, str]],
    *, status: str | None = None,
) -> MergeResult:
    """Take a translator's rows (line, id, Dutch, translation) into the translation of ``form`` in
    ``language``. A row is refused when its id is not a text of the form, its Dutch is not the form's
    Dutch any more (it changed since the sheet was made), or it uses a fill its Dutch does not have."""
    sources = {s.id: s for s in source_texts(form)}
    entries: dict[str, Entry] = dict(current.entries) if current is not None else {}
    changed = unchanged = empty = 0
    refused: list[Refused] = []
    for line, text_id, dutch, text in rows:
        text_id, dutch, text = text_id.strip(), dutch.strip(), text.strip()
        source = sources.get(text_id)
        if source is None:
            refused.append(Refused(line, text_id, "deze tekst staat niet (meer) in de vragenlijst"))
            continue
        if not text:
            empty += 1
            continue
        if dutch != source.text:
            refused.append(Refused(line, text_id, "de Nederlandse tekst is veranderd sinds het blad werd gemaakt; "
                                                  "maak een nieuw blad en vertaal de nieuwe tekst"))
            continue
        extra = [n for n in fill_names(text) if n not in fill_names(source.text)]
        if extra:
            refused.append(Refused(line, text_id, f"de vertaling gebruikt invulling {{{extra[0]}}}, die de "
                                                  "Nederlandse tekst niet heeft"))
            continue
        old = entries.get(text_id)
        if old is not None and old.text == text and old.source == source.text:
            unchanged += 1
            continue
        entries[text_id] = Entry(text_id, source.text, text)
        changed += 1
    new_status = status or (current.status if current is not None else TO_CHECK)
    source_file = current.source if current is not None else ""
    translation = Translation(form.id, language, new_status, entries, source_file)
    return MergeResult(translation, changed, unchanged, empty, tuple(refused))


def dump_translation(form: Form, translation: Translation) -> str:
    """The translation file's text: the form's texts in form order (then ids the form does not have
    any more, kept for the translator), each with the Dutch it was translated from."""
    import yaml

    order = [s.id for s in source_texts(form)]
    ids = [i for i in order if i in translation.entries] + [i for i in translation.entries if i not in order]
    language = translation.language
    texts = {i: {"nl": translation.entries[i].source, language: translation.entries[i].text} for i in ids}
    body = yaml.safe_dump({"form": form.id, "language": language, "status": translation.status, "texts": texts},
                          allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
    lang = BY_CODE[language]
    head = (f"# {form.title}: {lang.name_nl} ({lang.native}). Each text keeps the Dutch it was translated from (nl);\n"
            f"# when the form's Dutch changes, the Dutch shows until the text is translated again.\n"
            f"# Round trip: cati form translations {form.id} --lang {language} --out {language}.xlsx, then --import.\n")
    return head + body
