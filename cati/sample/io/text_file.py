"""What a delivered file is, and its bytes as text: for client files (CSV) and do-not-call lists.

The kind of a file is read from its first bytes, not from its name: an .xlsx renamed to .csv is read as
the workbook it is; a password-protected workbook, an Excel 97-2003 file, a zip, a PDF or a picture is
refused with a message saying what it is and what to do.

Text: a byte-order mark decides (UTF-8, UTF-16 LE/BE); UTF-16 without one is recognised by its zero
bytes. Anything else is UTF-8 where it is valid UTF-8, line by line: a line that is not is read as
Windows-1252, and when the rest of the file is UTF-8 that line is reported (a few lines typed on
another computer and pasted in), so nothing is stored as mojibake and nothing is re-encoded without
a word. A file with no UTF-8 at all is a plain Windows-1252 file, as Dutch Excel saves CSV.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Literal

from cati.sample.io.errors import ClientFileError

SAVE_AS = "Sla het bestand in Excel op als 'CSV (gescheiden door lijstscheidingsteken)' of als .xlsx."

_CFB = b"\xd0\xcf\x11\xe0"  # Microsoft's compound file (Office 97-2003, encrypted OOXML)
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "een afbeelding (PNG)"),
    (b"\xff\xd8\xff", "een afbeelding (JPEG)"),
    (b"GIF8", "een afbeelding (GIF)"),
    (b"%PDF", "een PDF-bestand"),
    (b"{\\rtf", "een RTF-tekstdocument"),
    (b"\x1f\x8b", "een gecomprimeerd bestand (gzip)"),
    (b"Rar!", "een gecomprimeerd bestand (rar)"),
    (b"7z\xbc\xaf", "een gecomprimeerd bestand (7-zip)"),
)

FileKind = Literal["xlsx", "text"]


def encrypted_message(name: str) -> str:
    return (f"'{name}' is met een wachtwoord beveiligd; cati kan het niet openen. Open het in Excel, haal het "
            "wachtwoord weg (Bestand > Info > Werkmap beveiligen > Versleutelen met wachtwoord: maak het veld "
            "leeg), sla het op en lees het opnieuw in.")


def xls_message(name: str) -> str:
    return (f"'{name}' is een Excel 97-2003-werkmap (.xls), een formaat dat cati niet leest. Open het in Excel "
            "en sla het op als Excel-werkmap (.xlsx) of als 'CSV (gescheiden door lijstscheidingsteken)', en lees "
            "dat bestand in.")


def damaged_message(name: str) -> str:
    return (f"'{name}' is beschadigd: het is geen volledig Excel-bestand (.xlsx), misschien afgebroken bij het "
            "downloaden of opslaan. Vraag de aanbieder het bestand opnieuw te sturen, of open het in Excel en sla "
            "het opnieuw op.")


def file_kind(data: bytes, name: str, suffix: str) -> FileKind:
    """``xlsx`` or ``text`` from the first bytes (``suffix``, lower case, only breaks a tie); refuses
    every other kind with :class:`ClientFileError`."""
    if data.startswith(_CFB):
        if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
            raise ClientFileError(encrypted_message(name))
        if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data or suffix == ".xls":
            raise ClientFileError(xls_message(name))
        raise ClientFileError(f"'{name}' is een oud Office-document (Word of Excel 97-2003), geen klantbestand. "
                              f"{SAVE_AS}")
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        if suffix in (".xlsx", ".xlsm"):
            return "xlsx"
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, NotImplementedError,
                RuntimeError):
            raise ClientFileError(f"'{name}' is geen CSV-tekstbestand maar een gecomprimeerd bestand (zip of "
                                  f"xlsx) dat bovendien beschadigd is. {SAVE_AS}") from None
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "content.xml" in names and "mimetype" in names:
            raise ClientFileError(f"'{name}' is een OpenDocument-rekenblad (.ods). {SAVE_AS}")
        raise ClientFileError(f"'{name}' is geen CSV-tekstbestand maar een gecomprimeerd bestand (zip). "
                              f"Pak het uit en lees het klantbestand zelf in.")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise ClientFileError(f"'{name}' is geen CSV-tekstbestand maar {what}. {SAVE_AS}")
    if data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith((b"<!doctype html", b"<html", b"<table")):
        raise ClientFileError(f"'{name}' is geen CSV-tekstbestand maar een webpagina (HTML), zoals sommige "
                              f"programma's een 'Excel-export' maken. Open het in Excel en sla het op als .xlsx of "
                              f"als 'CSV (gescheiden door lijstscheidingsteken)'.")
    if suffix in (".xlsx", ".xlsm"):
        raise ClientFileError(damaged_message(name))
    return "text"


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str  # utf-8, utf-8-sig, utf-16-le, utf-16-be, cp1252, or utf-8+cp1252 (mixed, see cp1252_lines)
    cp1252_lines: tuple[int, ...] = ()  # physical lines read as Windows-1252 in an otherwise UTF-8 file
    binary: bool = False  # more control bytes than text holds: probably no text file at all


_LINE_END = re.compile(rb"(\r\n|\r|\n)")
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
_PLAIN = re.compile(r"[\t\n\r\x20-\x7e]")
_BINARY_SHARE = 0.05  # more control bytes than this (in the first 64 KB) is no text file with a stray NUL
_CONTROL_BYTES = bytes([*range(0x09), 0x0B, *range(0x0E, 0x20), 0x7F])


def binary_message(name: str, advice: str = SAVE_AS) -> str:
    return f"'{name}' is geen tekstbestand (bevat binaire gegevens). {advice}"


def decode_text(data: bytes, name: str, advice: str = SAVE_AS, refuse_binary: bool = True) -> DecodedText:
    """The file's text (see the module docstring). Raises :class:`ClientFileError` for a damaged UTF-16
    file, with the line where the damage is, and for a file that looks binary (more than 5% control
    bytes) unless ``refuse_binary`` is False: then the result says ``binary`` and the caller decides (a
    client file is refused as binary only when no header is found in it)."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise ClientFileError(f"'{name}' is opgeslagen als UTF-32, dat cati niet leest. Sla het op als "
                              "'CSV UTF-8 (gescheiden door lijstscheidingsteken)'.")
    if data.startswith(b"\xff\xfe"):
        return _utf16(data[2:], "utf-16-le", name)
    if data.startswith(b"\xfe\xff"):
        return _utf16(data[2:], "utf-16-be", name)
    bom = data.startswith(b"\xef\xbb\xbf")
    body = data[3:] if bom else data
    guess = _utf16_without_bom(body)
    if guess:
        return _utf16(body, guess, name)
    sample = body[:65536]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    binary = controls > _BINARY_SHARE * len(sample)
    if binary and refuse_binary:
        raise ClientFileError(binary_message(name, advice))
    try:
        return DecodedText(body.decode("utf-8"), "utf-8-sig" if bom else "utf-8", binary=binary)
    except UnicodeDecodeError:
        pass
    if not bom and not _UTF8_SEQUENCE.search(body):  # not one UTF-8 character: a Windows-1252 file
        try:
            return DecodedText(body.decode("cp1252"), "cp1252", binary=binary)
        except UnicodeDecodeError:
            pass  # a byte Windows-1252 leaves undefined: line by line below
    # Line by line: UTF-8 where a line is valid UTF-8, else Windows-1252 (bytes Windows-1252 leaves
    # undefined read as Latin-1 control characters, which the row checks remove with a warning).
    parts = _LINE_END.split(body)
    texts: list[str] = []
    cp1252: list[int] = []
    utf8_seen = bom
    for i, part in enumerate(parts):
        if i % 2:  # a line end
            texts.append(part.decode("ascii"))
            continue
        try:
            texts.append(part.decode("utf-8"))
            utf8_seen = utf8_seen or not part.isascii()
        except UnicodeDecodeError:
            cp1252.append(i // 2 + 1)
            try:
                texts.append(part.decode("cp1252"))
            except UnicodeDecodeError:
                texts.append(part.decode("latin-1"))
    text = "".join(texts)
    if not utf8_seen:
        return DecodedText(text, "cp1252", binary=binary)
    return DecodedText(text, "utf-8+cp1252", tuple(cp1252), binary)


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` / ``utf-16-be`` when the bytes are UTF-16 without a byte-order mark, else None. Text in
    UTF-16 has a zero in about every other byte, from its first characters on (a header, a number); which
    byte order it is shows in the decoded sample: read the right way round, the separators, line ends,
    digits and Latin letters are plain ASCII characters, read the wrong way round they are not."""
    sample = data[:4096]
    sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < 4 or sample.count(0) < len(sample) // 16:
        return None
    start = sample[:32]  # a header or a number: plain characters, each with a zero byte in UTF-16
    if max(start[0::2].count(0), start[1::2].count(0)) < len(start) // 4:
        return None
    scores = {codec: len(_PLAIN.findall(sample.decode(codec, errors="replace"))) for codec in ("utf-16-le", "utf-16-be")}
    le, be = scores["utf-16-le"], scores["utf-16-be"]
    if max(le, be) < 2 or le == be:
        return None
    return "utf-16-le" if le > be else "utf-16-be"


def _utf16(data: bytes, codec: str, name: str) -> DecodedText:
    try:
        return DecodedText(data.decode(codec), codec)
    except UnicodeDecodeError as exc:
        good = data[:exc.start - exc.start % 2].decode(codec, errors="replace")
        line = len(re.findall(r"\r\n|\r|\n", good.rstrip("\r"))) + 1
        raise ClientFileError(f"'{name}' is een UTF-16-bestand dat op regel {line} beschadigd is (misschien "
                              "afgebroken). Vraag het bestand opnieuw op, of sla het op als 'CSV UTF-8 (gescheiden "
                              "door lijstscheidingsteken)'.") from None
