"""The languages cati knows: ISO 639-1 codes with their Dutch, English and own names, writing
direction and export code. Every feature shares them: client files name a client's language,
interviewers speak languages, forms are translated into them, the call order matches the two.

Dutch (``nl``) is the source language of every form and the language every interviewer speaks.
:data:`LANGUAGES` only grows at the end: a language's :attr:`Language.number` is its place in it and
is the code the exports write (``taal``), so that a number keeps its meaning from file to file.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

SOURCE = "nl"  #: the language of the forms, spoken by every interviewer


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1
    name_nl: str
    name_en: str
    native: str  # the language's own name for itself
    rtl: bool = False  # written right to left
    aliases: tuple[str, ...] = ()  # other names a client file may use

    @property
    def number(self) -> int:
        """The export code: 1 for Dutch, then in :data:`LANGUAGES` order (never renumbered)."""
        return _NUMBERS[self.code]

    @property
    def label(self) -> str:
        """``Arabisch (العربية)``: the Dutch name, and the language's own when it differs."""
        return self.name_nl if self.native.casefold() == self.name_nl.casefold() else f"{self.name_nl} ({self.native})"


#: append only: a language's export number is its place here
LANGUAGES: tuple[Language, ...] = (
    Language("nl", "Nederlands", "Dutch", "Nederlands", aliases=("dutch", "hollands", "vlaams")),
    Language("en", "Engels", "English", "English"),
    Language("ar", "Arabisch", "Arabic", "العربية", rtl=True,
             aliases=("marokkaans arabisch", "marokkaans-arabisch", "syrisch arabisch", "arabic")),
    Language("tr", "Turks", "Turkish", "Türkçe"),
    Language("pl", "Pools", "Polish", "Polski"),
    Language("ti", "Tigrinya", "Tigrinya", "ትግርኛ", aliases=("tigrinja", "tigrigna", "eritrees")),
    Language("so", "Somalisch", "Somali", "Soomaali"),
    Language("fa", "Perzisch", "Persian", "فارسی", rtl=True, aliases=("farsi", "dari", "perzisch (farsi)")),
    Language("ps", "Pasjtoe", "Pashto", "پښتو", rtl=True, aliases=("pashto", "pasjto", "pashtu")),
    Language("ku", "Koerdisch", "Kurdish", "Kurdî", aliases=("kurmanji", "sorani")),
    Language("uk", "Oekraïens", "Ukrainian", "Українська", aliases=("oekraiens",)),
    Language("ru", "Russisch", "Russian", "Русский"),
    Language("es", "Spaans", "Spanish", "Español"),
    Language("fr", "Frans", "French", "Français"),
    Language("de", "Duits", "German", "Deutsch"),
    Language("pt", "Portugees", "Portuguese", "Português"),
    Language("bg", "Bulgaars", "Bulgarian", "Български"),
    Language("ro", "Roemeens", "Romanian", "Română"),
    Language("zh", "Chinees", "Chinese", "中文", aliases=("mandarijn", "mandarin", "kantonees")),
    Language("am", "Amhaars", "Amharic", "አማርኛ", aliases=("amhaars (ethiopisch)",)),
    Language("sq", "Albanees", "Albanian", "Shqip"),
    Language("bs", "Bosnisch", "Bosnian", "Bosanski"),
    Language("hr", "Kroatisch", "Croatian", "Hrvatski"),
    Language("sr", "Servisch", "Serbian", "Српски"),
    Language("ur", "Urdu", "Urdu", "اردو", rtl=True),
    Language("hi", "Hindi", "Hindi", "हिन्दी"),
    Language("ta", "Tamil", "Tamil", "தமிழ்"),
    Language("it", "Italiaans", "Italian", "Italiano"),
    Language("hu", "Hongaars", "Hungarian", "Magyar"),
    Language("lt", "Litouws", "Lithuanian", "Lietuvių"),
    Language("lv", "Lets", "Latvian", "Latviešu"),
    Language("vi", "Vietnamees", "Vietnamese", "Tiếng Việt"),
    Language("th", "Thai", "Thai", "ไทย", aliases=("thais",)),
    Language("he", "Hebreeuws", "Hebrew", "עברית", rtl=True),
)

BY_CODE: dict[str, Language] = {lang.code: lang for lang in LANGUAGES}
_NUMBERS: dict[str, int] = {lang.code: i for i, lang in enumerate(LANGUAGES, start=1)}
assert len(BY_CODE) == len(LANGUAGES) and LANGUAGES[0].code == SOURCE


def _key(text: str) -> str:
    """Case, accents and extra spaces do not matter (``Oekraïens`` = ``oekraiens``)."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


_NAMES: dict[str, str] = {}
for _lang in LANGUAGES:
    for _name in (_lang.code, _lang.name_nl, _lang.name_en, _lang.native, *_lang.aliases):
        _NAMES.setdefault(_key(_name), _lang.code)


def parse_language(text: str | None) -> str | None:
    """The ISO 639-1 code a client file or a person means (``"Arabisch"``, ``"ar"``, ``"Arabic"``,
    ``"العربية"`` -> ``"ar"``); None when empty or unknown."""
    if text is None or not str(text).strip():
        return None
    return _NAMES.get(_key(str(text)))


def language(code: str) -> Language:
    """The language of a known code; KeyError otherwise."""
    return BY_CODE[code]


def is_known(code: str | None) -> bool:
    return code is not None and code in BY_CODE


def name_nl(code: str | None) -> str:
    """The Dutch name of a code (``ar`` -> ``Arabisch``); an unknown code as it is."""
    if code is None:
        return ""
    found = BY_CODE.get(code)
    return found.name_nl if found is not None else code


def is_rtl(code: str | None) -> bool:
    found = BY_CODE.get(code or "")
    return found is not None and found.rtl


def parse_languages(text: str | Iterable[str]) -> tuple[str, ...]:
    """A list of languages (``"ar,en"``, ``"Arabisch; Engels"``) as sorted unique codes; ValueError
    naming what is not a language."""
    parts = text.replace(";", ",").split(",") if isinstance(text, str) else list(text)
    codes: set[str] = set()
    unknown: list[str] = []
    for part in parts:
        if not part.strip():
            continue
        code = parse_language(part)
        if code is None:
            unknown.append(part.strip())
        else:
            codes.add(code)
    if unknown:
        raise ValueError(f"onbekende taal: {', '.join(unknown)} (gebruik een taalcode zoals ar, en, tr)")
    return tuple(sorted(codes))


def needed(code: str | None) -> str | None:
    """The language a case needs an interviewer for: None for Dutch (everyone speaks it) and none."""
    return None if code is None or code == SOURCE else code


def value_labels() -> tuple[tuple[int, str], ...]:
    """The export's value labels of the language column: (number, Dutch name)."""
    return tuple((lang.number, lang.name_nl) for lang in LANGUAGES)
