"""The questionnaires and their translations, loaded once per forms folder: every form in every
language it is translated into (``translations/`` beside the forms)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cati.core.languages import SOURCE
from cati.core.paths import forms_dir
from cati.interviews.rules import Form, load_forms
from cati.interviews.rules import translations as tr


@dataclass(frozen=True)
class Catalog:
    forms: Mapping[str, Form]  # by id, in Dutch
    versions: Mapping[str, Mapping[str, Form]]  # form id -> language -> the form in that language

    def languages(self, form_id: str) -> frozenset[str]:
        """The languages a form is translated into (Dutch not counted)."""
        return frozenset(lang for lang in self.versions.get(form_id, {}) if lang != SOURCE)

    def version(self, form_id: str, language: str | None) -> Form:
        """The form in ``language``, or in Dutch when it has no translation in it."""
        versions = self.versions[form_id]
        return versions.get(language or SOURCE, versions[SOURCE])


@cache
def _catalog(directory: str) -> Catalog:
    forms = load_forms(Path(directory))
    translations = tr.load_all(Path(directory) / tr.DIRECTORY, forms)
    versions = {form_id: tr.localized_versions(form, translations.get(form_id, {})) for form_id, form in forms.items()}
    return Catalog(forms, versions)


def catalog() -> Catalog:
    """The forms folder's catalog (``cati.core.paths.forms_dir``), loaded on first use."""
    return _catalog(str(forms_dir()))


def form_languages(form_id: str) -> frozenset[str]:
    """The languages the form ``form_id`` is translated into."""
    return catalog().languages(form_id)
